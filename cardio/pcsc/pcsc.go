// Package pcsc is OMS Desk's door to real card readers: a small layer over the PC/SC API
// (pcsc-lite's pcscd on Linux, the system service on Windows and macOS) through
// github.com/ebfe/scard. It is the only package that imports ebfe/scard, so the rest of
// the program sees plain Go types, errors it can match with errors.Is ([ErrCardRemoved],
// [ErrNoService], …) and a [Card] that satisfies cardio.Transport.
//
// On top of the raw calls it handles the parts reader programs usually get wrong:
//   - [Context.Watch] turns SCardGetStatusChange into a stream of reader and card events
//     (reader hotplug through the \\?PnP?\Notification pseudo-reader, cards already
//     present when watching starts, quick remove/re-insert detected through pcscd's event
//     counter), cancellable through a context.Context;
//   - [Card] reconnects transparently once after another program reset the card, and
//     reports a card pulled in the middle of an exchange as [ErrCardRemoved] rather than
//     a bare "Transaction failed";
//   - [WaitForCard] and [WaitForRemoval] block on GetStatusChange, never on sleeps.
//
// Blocking calls use their own PC/SC context, because pcsc-lite serialises all calls on
// one context: a GetStatusChange waiting for a card would otherwise stall every Transmit.
package pcsc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ebfe/scard"
)

// PnPNotification is the name of PC/SC's pseudo-reader whose state changes when a reader
// is added or removed.
const PnPNotification = `\\?PnP?\Notification`

// Context is a connection to the PC/SC service. Its methods may be called from several
// goroutines; the service serialises them.
type Context struct {
	sc *scard.Context

	// base is cancelled by Release, which ends every watch started from this Context.
	base    context.Context
	cancel  context.CancelFunc
	watches sync.WaitGroup

	mu       sync.Mutex
	released bool
	watchErr error
}

// Establish connects to the PC/SC service. It fails with [ErrNoService] when pcscd is
// not running.
func Establish() (*Context, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("establishing PC/SC context: %w", mapErr(err))
	}
	base, cancel := context.WithCancel(context.Background())
	return &Context{sc: sc, base: base, cancel: cancel}, nil
}

// Release ends every watch started from c, waits for them to stop, and closes the
// connection to the PC/SC service. Cards connected through c become unusable. Calling it
// again does nothing.
func (c *Context) Release() error {
	c.mu.Lock()
	if c.released {
		c.mu.Unlock()
		return nil
	}
	c.released = true
	c.mu.Unlock()
	c.cancel()
	c.watches.Wait()
	if err := c.sc.Release(); err != nil {
		return fmt.Errorf("releasing PC/SC context: %w", mapErr(err))
	}
	return nil
}

// alive returns ErrClosed once Release has been called.
func (c *Context) alive() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return ErrClosed
	}
	return nil
}

// Readers lists the connected readers. No readers is not an error: it returns nil, nil.
func (c *Context) Readers() ([]string, error) {
	if err := c.alive(); err != nil {
		return nil, fmt.Errorf("listing readers: %w", err)
	}
	names, err := listReaders(c.sc)
	if err != nil {
		return nil, fmt.Errorf("listing readers: %w", err)
	}
	return names, nil
}

// listReaders wraps ListReaders, treating "no readers" as an empty list.
func listReaders(sc *scard.Context) ([]string, error) {
	names, err := sc.ListReaders()
	if isCode(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return names, nil
}

// ReaderState is a snapshot of one reader (the SCARD_STATE_* flags of PC/SC).
type ReaderState struct {
	Reader      string
	Present     bool   // a card is in the reader
	Empty       bool   // no card is in the reader
	InUse       bool   // some program is connected to the card (shared)
	Exclusive   bool   // some program is connected to the card exclusively
	Mute        bool   // the card does not answer reset
	Unavailable bool   // the reader cannot be used
	Unknown     bool   // no reader has this name (unplugged, or never existed)
	ATR         []byte // the card's answer to reset when Present, else nil
}

// States returns the current state of the named readers without waiting. A reader that
// does not exist is reported with Unknown set rather than failing the whole call.
func (c *Context) States(readers []string) ([]ReaderState, error) {
	if err := c.alive(); err != nil {
		return nil, fmt.Errorf("reading reader states: %w", err)
	}
	if len(readers) == 0 {
		return nil, nil
	}
	rs := make([]scard.ReaderState, len(readers))
	for i, r := range readers {
		rs[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
	}
	err := c.sc.GetStatusChange(rs, 0)
	if isCode(err, scard.ErrUnknownReader) {
		// pcsc-lite refuses the whole call if one name is unknown: ask one by one.
		for i := range rs {
			one := rs[i : i+1]
			switch err := c.sc.GetStatusChange(one, 0); {
			case isCode(err, scard.ErrUnknownReader):
				one[0].EventState = scard.StateUnknown
			case err != nil:
				return nil, fmt.Errorf("reading state of %q: %w", readers[i], mapErr(err))
			}
		}
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading reader states: %w", mapErr(err))
	}
	out := make([]ReaderState, len(rs))
	for i, r := range rs {
		out[i] = stateOf(r.Reader, r.EventState, r.Atr)
	}
	return out, nil
}

// stateOf decodes PC/SC state flags.
func stateOf(reader string, f scard.StateFlag, atr []byte) ReaderState {
	s := ReaderState{
		Reader:      reader,
		Present:     f&scard.StatePresent != 0,
		Empty:       f&scard.StateEmpty != 0,
		InUse:       f&scard.StateInuse != 0,
		Exclusive:   f&scard.StateExclusive != 0,
		Mute:        f&scard.StateMute != 0,
		Unavailable: f&scard.StateUnavailable != 0,
		Unknown:     f&scard.StateUnknown != 0,
	}
	if s.Present && len(atr) > 0 {
		s.ATR = slices.Clone(atr)
	}
	return s
}

// Err reports why the most recent watch on c that failed ended — typically
// [ErrNoService] after pcscd went away — or nil if no watch has failed. A watch ended by
// cancelling its context.Context or by Release is not a failure.
func (c *Context) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.watchErr
}

func (c *Context) setWatchErr(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	c.mu.Lock()
	c.watchErr = err
	c.mu.Unlock()
}
