package cardsource

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/probe"
)

// PCSCSource follows the PC/SC readers: it reads each card as it is inserted (in the
// chosen reader, or in any reader when Reader is ""), reports its removal, and survives
// pcscd restarts, readers being unplugged (also in the middle of a read) and cards
// pulled and re-inserted quickly.
type PCSCSource struct {
	// Reader is the only reader followed; "" follows every reader.
	Reader string
	// OnReaders, when set, receives the sorted names of every connected reader (the
	// chosen one or not) each time that list changes, and nil when pcscd goes away: the
	// reader selector of the status bar follows hotplug with it. It is called from the
	// source's goroutine, like report.
	OnReaders func(readers []string)
	// Timeout bounds one card's read (0: probe.DefaultTimeout).
	Timeout time.Duration
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
			s.readers(nil)
			report(Update{State: StateNoService, Err: err})
		case err != nil:
			s.readers(nil)
			report(Update{State: StateError, Err: err})
		}
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
	}
}

func (s PCSCSource) readers(list []string) {
	if s.OnReaders != nil {
		s.OnReaders(list)
	}
}

// session is one connection to pcscd: it ends when pcscd goes away.
func (s PCSCSource) session(ctx context.Context, report func(Update)) error {
	pc, err := pcsc.Establish()
	if err != nil {
		return err
	}
	defer pc.Release()
	present, err := pc.Readers()
	if err != nil {
		return fmt.Errorf("listing readers: %w", err)
	}
	events, err := pc.Watch(ctx)
	if err != nil {
		return err
	}
	f := newFollower(s.Reader, report, s.OnReaders, func(reader string) Update {
		return readPCSC(pc, reader, s.Timeout)
	})
	f.start(present)
	for ev := range events {
		f.handle(ev)
	}
	if err := pc.Err(); err != nil {
		return fmt.Errorf("watching readers: %w", err)
	}
	return nil
}

// follower turns reader and card events into updates. It is the state machine of
// PCSCSource without pcscd, so tests can feed it any sequence of events.
type follower struct {
	only      string // the reader followed, "" for all
	report    func(Update)
	onReaders func([]string)
	read      func(reader string) Update

	readers map[string]bool
	current string // the reader whose card is on screen
}

func newFollower(only string, report func(Update), onReaders func([]string), read func(string) Update) *follower {
	return &follower{only: only, report: report, onReaders: onReaders, read: read, readers: map[string]bool{}}
}

// start reports the readers connected when watching begins and the idle state.
func (f *follower) start(present []string) {
	for _, r := range present {
		f.readers[r] = true
	}
	f.notifyReaders()
	f.idle()
}

func (f *follower) relevant(reader string) bool { return f.only == "" || reader == f.only }

func (f *follower) notifyReaders() {
	if f.onReaders == nil {
		return
	}
	list := make([]string, 0, len(f.readers))
	for r := range f.readers {
		list = append(list, r)
	}
	slices.Sort(list)
	f.onReaders(list)
}

// idle reports "no reader" or "waiting for a card" for the readers followed.
func (f *follower) idle() {
	switch {
	case f.only != "" && !f.readers[f.only]:
		f.report(Update{State: StateNoReader, Reader: f.only})
	case f.only != "":
		f.report(Update{State: StateWaiting, Reader: f.only})
	case len(f.readers) == 0:
		f.report(Update{State: StateNoReader})
	default:
		f.report(Update{State: StateWaiting})
	}
}

func (f *follower) handle(ev pcsc.Event) {
	switch ev.Kind {
	case pcsc.ReaderAdded:
		if f.readers[ev.Reader] {
			return // already listed when watching began
		}
		f.readers[ev.Reader] = true
		f.notifyReaders()
		if f.current == "" && f.relevant(ev.Reader) {
			f.idle()
		}
	case pcsc.ReaderRemoved:
		if f.readers[ev.Reader] {
			delete(f.readers, ev.Reader)
			f.notifyReaders()
		}
		if !f.relevant(ev.Reader) {
			return
		}
		if ev.Reader == f.current {
			f.current = ""
			f.report(Update{State: StateRemoved, Reader: ev.Reader})
		}
		if f.current == "" {
			f.idle()
		}
	case pcsc.CardInserted:
		if !f.relevant(ev.Reader) {
			return
		}
		f.report(Update{State: StateReading, Reader: ev.Reader, ATR: ev.ATR})
		u := f.read(ev.Reader)
		u.Reader = ev.Reader
		if len(u.ATR) == 0 {
			u.ATR = ev.ATR
		}
		f.current = ""
		if u.State == StateRead {
			f.current = ev.Reader
		}
		f.report(u)
	case pcsc.CardRemoved:
		if !f.relevant(ev.Reader) {
			return
		}
		if ev.Reader == f.current || f.current == "" {
			f.current = ""
			f.report(Update{State: StateRemoved, Reader: ev.Reader, ATR: ev.ATR})
			f.idle()
		}
	}
}

// readPCSC connects to the card in reader, reads the policy and its details over the
// same connection and disconnects, within timeout: a card held in another program's
// transaction must not stop the source from following the others.
func readPCSC(pc *pcsc.Context, reader string, timeout time.Duration) Update {
	if timeout <= 0 {
		timeout = probe.DefaultTimeout
	}
	done := make(chan Update, 1)
	go func() { done <- readConnected(pc, reader) }()
	select {
	case u := <-done:
		return u
	case <-time.After(timeout):
		// The read goroutine ends when the card or pcscd answers, or when pc is
		// released; its late result is dropped.
		return Update{State: StateError, Reader: reader, Err: fmt.Errorf("reading %s: %w", reader, probe.ErrBusy)}
	}
}

func readConnected(pc *pcsc.Context, reader string) Update {
	card, err := pc.Connect(reader, pcsc.Any)
	if err != nil {
		return Update{State: StateError, Reader: reader, Err: fmt.Errorf("connecting to %s: %w", reader, err)}
	}
	defer card.Disconnect(false)
	atrBytes, err := card.ATR()
	if err != nil {
		return Update{State: StateError, Reader: reader, Err: fmt.Errorf("reading ATR: %w", err)}
	}
	extended := false
	if a, err := atr.Parse(atrBytes); err == nil {
		extended = a.ExtendedLength
	}
	u := readTransport(card, extended)
	if extended && u.Result == nil && (errors.Is(u.Err, apdu.ErrWrongLength) || errors.Is(u.Err, pcsc.ErrTransmission)) {
		u = readTransport(card, false) // the card or reader refused extended-length APDUs
	}
	u.Reader, u.ATR = reader, atrBytes
	return u
}
