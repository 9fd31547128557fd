package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"omsdesk/cardio/vcard"
)

// persisting is a blank card whose persistent state lives in a file: after every APDU
// that changed the card (StateVersion moved) the whole state is written, atomically,
// before the answer goes back — also when the power is lost after that APDU (TearAfter),
// because its effect is on the card. With no path it is just the card.
type persisting struct {
	*vcard.Card
	path  string
	onErr func(error) // reports a failed save; the card goes on answering

	mu    sync.Mutex
	saved uint64
}

// openBlank loads the card saved at path, or builds a new blank card from o (and saves
// it at once, so the file names the serial from the start). loaded says which.
func openBlank(path string, o vcard.BlankOptions, onErr func(error)) (p *persisting, loaded bool, err error) {
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			c, err := vcard.Restore(data)
			if err != nil {
				return nil, false, fmt.Errorf("loading card state %s: %w", path, err)
			}
			c.SetFaults(o.Faults)
			return &persisting{Card: c, path: path, onErr: onErr, saved: c.StateVersion()}, true, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, false, fmt.Errorf("loading card state: %w", err)
		}
	}
	if err := o.Validate(); err != nil {
		return nil, false, err
	}
	p = &persisting{Card: vcard.NewBlank(o), path: path, onErr: onErr}
	if path != "" {
		if err := p.save(); err != nil {
			return nil, false, err
		}
	}
	return p, false, nil
}

// Transmit answers the APDU, then saves the state if it changed.
func (p *persisting) Transmit(apdu []byte) ([]byte, error) {
	resp, err := p.Card.Transmit(apdu)
	if p.path != "" && p.Card.StateVersion() != p.savedVersion() {
		if serr := p.save(); serr != nil && p.onErr != nil {
			p.onErr(serr)
		}
	}
	return resp, err
}

func (p *persisting) savedVersion() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.saved
}

// save writes the state to a temporary file beside path and renames it over path, so
// that a crash mid-write leaves the previous state, never half of one.
func (p *persisting) save() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.Card.StateVersion()
	data, err := p.Card.Snapshot()
	if err != nil {
		return err
	}
	if err := writeAtomic(p.path, data); err != nil {
		return fmt.Errorf("saving card state: %w", err)
	}
	p.saved = v
	return nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
