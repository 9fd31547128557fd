// Package cardsource is where the desktop screens get their cards from: a stream of
// Updates (reader and card state, the policy read, the card's serial and life cycle)
// produced in a goroutine of its own, from the PC/SC readers or from the built-in
// virtual card. It knows nothing of Fyne: screens hand each update to fyne.Do
// themselves.
package cardsource

import (
	"context"
	"errors"

	"omsdesk/cardio"
	"omsdesk/cardio/omscard"
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

// States lists every state, in declaration order (tests walk it to check translations).
var States = []State{StateNoService, StateNoReader, StateWaiting, StateReading, StateRead, StateError, StateRemoved}

// Key returns the translation key of the state's name.
func (s State) Key() string {
	return [...]string{"app.state.no_service", "app.state.no_reader", "app.state.waiting",
		"app.state.reading", "app.state.read", "app.state.error", "app.state.removed"}[s]
}

// Idle reports whether no card is on screen in this state: every personal datum must
// be gone from the screens then.
func (s State) Idle() bool {
	return s == StateNoService || s == StateNoReader || s == StateWaiting || s == StateRemoved
}

// Update is one change reported by a [CardSource].
type Update struct {
	State  State
	Reader string
	ATR    []byte
	// Result is the policy read, set with StateRead. When only the owner record could be
	// read, Result.Policy has no insurer and Err wraps omscard.ErrInsurerUnreadable.
	Result *omscard.Result
	// Details are the card's serial, life cycle and insurer files, read right after a
	// successful read (nil when the card could not tell them, or for a failed read).
	// The front desk looks the serial up in the registry; the technician shows the rest.
	Details *omscard.Details
	// Err says why the read failed (StateError), why pcscd is unusable
	// (StateNoService), or what was missing from a partial read (StateRead).
	Err error
}

// Partial reports whether the holder was read but the insurer record was not.
func (u Update) Partial() bool {
	return u.State == StateRead && u.Result != nil && errors.Is(u.Err, omscard.ErrInsurerUnreadable)
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
	report(Update{State: StateReading, Reader: VirtualReader, ATR: card.ATR()})
	u := readTransport(card.Transport(), false)
	u.Reader, u.ATR = VirtualReader, card.ATR()
	if ctx.Err() != nil {
		return
	}
	report(u)
	<-ctx.Done()
}

// readTransport reads a policy through t and, when that worked, the card's details
// (one more transaction of about ten APDUs: serial, life cycle, insurer files).
func readTransport(t cardio.Transport, extended bool) Update {
	res, _, err := probe.ReadTransport(t, extended, probe.Options{})
	return finish(t, res, err)
}

// finish turns a read into an update, reading the details of a card whose holder was
// read. Details that fail are left out: the policy on screen matters more.
func finish(t cardio.Transport, res *omscard.Result, err error) Update {
	if res == nil || res.Policy == nil {
		return Update{State: StateError, Err: err}
	}
	u := Update{State: StateRead, Result: res, Err: err}
	if d, derr := omscard.ReadDetails(t); derr == nil {
		u.Details = d
	}
	return u
}
