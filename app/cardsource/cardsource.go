// Package cardsource is where the desktop screens get their cards from: a stream of
// Updates (reader and card state, the policy read) produced in a goroutine of its own,
// from the PC/SC readers or from the built-in virtual card. It knows nothing of Fyne:
// screens hand each update to fyne.Do themselves.
package cardsource

import (
	"context"
	"errors"
	"fmt"
	"time"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/vcard"
)

// State is what the reader and card are doing, as the status bar shows it.
type State int

// States of the card pipeline.
const (
	StateNoService State = iota // pcscd not running
	StateNoReader               // no reader connected
	StateWaiting                // reader ready, no card
	StateReading                // a card is being read
	StateRead                   // a policy is on screen
	StateError                  // the card could not be read (Err says why)
	StateRemoved                // the card left: the screen is cleared
)

// Key returns the translation key of the state's name.
func (s State) Key() string {
	return [...]string{"app.state.no_service", "app.state.no_reader", "app.state.waiting",
		"app.state.reading", "app.state.read", "app.state.error", "app.state.removed"}[s]
}

// Update is one change reported by a [CardSource].
type Update struct {
	State  State
	Reader string
	ATR    []byte
	Result *omscard.Result // set with StateRead
	Err    error           // set with StateError
}

// CardSource produces updates until ctx ends. It calls report from its own goroutine;
// report must not block for long (the screen hands it to fyne.Do).
type CardSource interface {
	Run(ctx context.Context, report func(Update))
}

// VirtualReader is the reader name VirtualSource reports; the view shows it translated.
const VirtualReader = "virtual"

// VirtualSource "inserts" the built-in virtual card once: the way a newcomer tries the
// program without a reader.
type VirtualSource struct{ Card *vcard.Card }

// Run reads the virtual card and reports it.
func (v VirtualSource) Run(ctx context.Context, report func(Update)) {
	card := v.Card
	if card == nil {
		card = vcard.Default()
	}
	report(Update{State: StateReading, Reader: VirtualReader})
	res, _, err := probe.ReadTransport(card.Transport(), false, probe.Options{})
	if err != nil {
		report(Update{State: StateError, Reader: VirtualReader, ATR: card.ATR(), Err: err})
		return
	}
	report(Update{State: StateRead, Reader: VirtualReader, ATR: card.ATR(), Result: res})
	<-ctx.Done()
}

// PCSCSource follows the PC/SC readers: it reads each card as it is inserted (in the
// chosen reader, or in any reader when Reader is ""), reports its removal, and survives
// pcscd restarts and readers being unplugged.
type PCSCSource struct {
	Reader string
}

// retryPause is how long to wait before trying pcscd again after it failed.
const retryPause = time.Second

// Run watches until ctx ends.
func (s PCSCSource) Run(ctx context.Context, report func(Update)) {
	for ctx.Err() == nil {
		err := s.session(ctx, report)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, pcsc.ErrNoService):
			report(Update{State: StateNoService, Err: err})
		case err != nil:
			report(Update{State: StateError, Err: err})
		}
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
	}
}

// session is one connection to pcscd: it ends when pcscd goes away.
func (s PCSCSource) session(ctx context.Context, report func(Update)) error {
	pc, err := pcsc.Establish()
	if err != nil {
		return err
	}
	defer pc.Release()
	events, err := pc.Watch(ctx)
	if err != nil {
		return err
	}
	readers := map[string]bool{}
	current := "" // the reader whose card is on screen
	idle := func() {
		if len(readers) == 0 {
			report(Update{State: StateNoReader})
		} else {
			report(Update{State: StateWaiting})
		}
	}
	idle()
	for ev := range events {
		if s.Reader != "" && ev.Reader != s.Reader {
			continue
		}
		switch ev.Kind {
		case pcsc.ReaderAdded:
			readers[ev.Reader] = true
			if current == "" {
				idle()
			}
		case pcsc.ReaderRemoved:
			delete(readers, ev.Reader)
			if ev.Reader == current {
				current = ""
				report(Update{State: StateRemoved, Reader: ev.Reader})
			}
			if current == "" {
				idle()
			}
		case pcsc.CardInserted:
			report(Update{State: StateReading, Reader: ev.Reader, ATR: ev.ATR})
			out := probe.Read(pc, ev.Reader, probe.Options{})
			if out.IsOMS() {
				current = ev.Reader
				report(Update{State: StateRead, Reader: ev.Reader, ATR: out.ATR, Result: out.Result})
			} else {
				report(Update{State: StateError, Reader: ev.Reader, ATR: out.ATR, Err: out.Err})
			}
		case pcsc.CardRemoved:
			if ev.Reader == current || current == "" {
				current = ""
				report(Update{State: StateRemoved, Reader: ev.Reader})
				idle()
			}
		}
	}
	if err := pc.Err(); err != nil {
		return fmt.Errorf("watching readers: %w", err)
	}
	return nil
}
