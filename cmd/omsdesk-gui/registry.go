package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/registry/sqlite"
)

// registryHandle opens the registry file in the background, so the window shows before
// SQLite has opened and migrated it, and hands the store to whoever asks (the front
// desk, the issuer). Callers run off the UI goroutine and wait for the open.
type registryHandle struct {
	path  string
	ready chan struct{}
	store *sqlite.Store
	err   error
}

func openRegistryLater(path string) *registryHandle {
	h := &registryHandle{path: path, ready: make(chan struct{})}
	go func() {
		defer close(h.ready)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			h.err = fmt.Errorf("creating registry directory: %w", err)
			return
		}
		h.store, h.err = sqlite.Open(context.Background(), path)
		if h.err != nil {
			// No personal data in this message: a path and an error.
			fmt.Fprintf(os.Stderr, "omsdesk-gui: registry unavailable: %v\n", h.err)
		}
	}()
	return h
}

// Store waits for the registry to be open.
func (h *registryHandle) Store(ctx context.Context) (registry.Store, error) {
	select {
	case <-h.ready:
		if h.err != nil {
			return nil, h.err
		}
		return h.store, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close closes the store once it is open.
func (h *registryHandle) Close() {
	<-h.ready
	if h.store != nil {
		h.store.Close()
	}
}

// The front desk's registry interface.

func (h *registryHandle) Card(ctx context.Context, serial string) (registry.Card, error) {
	st, err := h.Store(ctx)
	if err != nil {
		return registry.Card{}, err
	}
	return st.Card(ctx, serial)
}

func (h *registryHandle) AddVisit(ctx context.Context, v registry.Visit) (int64, error) {
	st, err := h.Store(ctx)
	if err != nil {
		return 0, err
	}
	return st.AddVisit(ctx, v)
}

func (h *registryHandle) Visits(ctx context.Context, day policy.Date) ([]registry.Visit, error) {
	st, err := h.Store(ctx)
	if err != nil {
		return nil, err
	}
	return st.Visits(ctx, day)
}
