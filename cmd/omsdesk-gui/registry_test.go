package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// TestRegistryHandle opens a registry in a directory that does not exist yet, as the
// first start at a front desk does, and logs a visit through it.
func TestRegistryHandle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "omsdesk", "registry.db")
	h := openRegistryLater(path)
	defer h.Close()
	ctx := context.Background()
	if _, err := h.Card(ctx, "00000000000000012345"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("unknown card: %v", err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.Local)
	if _, err := h.AddVisit(ctx, registry.Visit{At: at, ENP: "5001234567890127", Verdict: "valid"}); err != nil {
		t.Fatal(err)
	}
	vs, err := h.Visits(ctx, policy.DateOf(at))
	if err != nil || len(vs) != 1 {
		t.Fatalf("visits %+v, %v", vs, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("registry file: %v", err)
	}
}

// TestRegistryHandleUnavailable: a registry that cannot be opened fails every call
// (the front desk then says "not checked") instead of hanging.
func TestRegistryHandleUnavailable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := openRegistryLater(filepath.Join(file, "registry.db")) // parent is a file
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.Card(ctx, "1"); err == nil {
		t.Fatal("no error from an unusable registry")
	}
	if _, err := h.Visits(ctx, policy.MakeDate(2026, 11, 25)); err == nil {
		t.Fatal("no error from an unusable registry")
	}
}
