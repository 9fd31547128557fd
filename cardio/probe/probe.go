// Package probe finds and reads OMS policy cards in PC/SC readers. Crypto tokens, bank
// cards and other cards show up as readers too (oms-card-format.md §1), so it never
// takes the first reader blindly: every present card is asked, by SELECT, whether it
// holds the OMS application.
package probe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/trace"
)

// Outcome is what one reader's card turned out to be.
type Outcome struct {
	Reader string
	ATR    []byte
	// Result is the read policy; nil when the card is not an OMS policy or could not be
	// read (then Err says why).
	Result *omscard.Result
	// Trace holds the APDUs exchanged, unredacted, when Options.Trace was set.
	Trace []trace.Exchange
	Err   error
}

// IsOMS reports whether the outcome is a read policy.
func (o Outcome) IsOMS() bool { return o.Err == nil && o.Result != nil }

// Partial reports whether the card's holder was read but the rest failed
// (omscard.ErrInsurerUnreadable): the owner data are in Result.Policy.
func (o Outcome) Partial() bool { return o.Err != nil && o.Result != nil && o.Result.Policy != nil }

// Options tune probing.
type Options struct {
	// Trace records the APDUs of each read.
	Trace bool
	// Logger, when set, receives each APDU at debug level, redacted.
	Logger *slog.Logger
	// OnWait, when set, is called once if ReadWhenPresent finds no card and starts
	// waiting for one (the CLI prints "insert a card" then).
	OnWait func()
	// Timeout bounds one card's read (0: DefaultTimeout). Another program holding a
	// PC/SC transaction on a card blocks ours until it lets go; probing must not hang
	// on that card while a policy waits in the next reader.
	Timeout time.Duration
}

// DefaultTimeout is the read timeout when Options.Timeout is 0: a policy with a 10 KB
// photo reads in well under a second even on slow readers.
const DefaultTimeout = 5 * time.Second

// ErrBusy means the card did not finish answering in time, usually because another
// program holds a transaction on it.
var ErrBusy = errors.New("card busy: no answer in time (another program may be using it)")

// Read connects to the card in reader, reads it as an OMS policy and disconnects,
// leaving the card as it was. Extended-length reads are used when the ATR says the card
// supports them; if the card then refuses them, the read is repeated with short ones.
func Read(pc *pcsc.Context, reader string, opts Options) Outcome {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan Outcome, 1)
	go func() { done <- read(pc, reader, opts) }()
	select {
	case out := <-done:
		return out
	case <-time.After(timeout):
		// The read goroutine ends when the card or pcscd answers, or when pc is
		// released; its late result is dropped.
		return Outcome{Reader: reader, Err: fmt.Errorf("reading %s: %w", reader, ErrBusy)}
	}
}

func read(pc *pcsc.Context, reader string, opts Options) Outcome {
	out := Outcome{Reader: reader}
	card, err := pc.Connect(reader, pcsc.Any)
	if err != nil {
		out.Err = fmt.Errorf("connecting to %s: %w", reader, err)
		return out
	}
	defer card.Disconnect(false)
	if out.ATR, err = card.ATR(); err != nil {
		out.Err = fmt.Errorf("reading ATR: %w", err)
		return out
	}
	extended := false
	if a, err := atr.Parse(out.ATR); err == nil {
		extended = a.ExtendedLength
	}
	out.Result, out.Trace, out.Err = ReadTransport(card, extended, opts)
	if extended && refusedExtended(out.Err) {
		out.Result, out.Trace, out.Err = ReadTransport(card, false, opts)
	}
	return out
}

// ReadTransport reads a policy through any transport (a PC/SC card, the in-process
// virtual card), with tracing as opts asks.
func ReadTransport(t cardio.Transport, extended bool, opts Options) (*omscard.Result, []trace.Exchange, error) {
	var rec *trace.Recorder
	if opts.Trace || opts.Logger != nil {
		rec = trace.New(t, opts.Logger)
		t = rec
	}
	res, err := omscard.Read(t, omscard.Options{Extended: extended})
	var ex []trace.Exchange
	if rec != nil && opts.Trace {
		ex = rec.Exchanges()
	}
	return res, ex, err
}

// refusedExtended reports whether a read failed the way a card or reader refuses an
// extended-length APDU: wrong length, or a reader too small for the buffer.
func refusedExtended(err error) bool {
	return errors.Is(err, apdu.ErrWrongLength) || errors.Is(err, pcsc.ErrTransmission)
}

// ReadPresent probes every reader that holds a card (only the named one, when reader is
// not empty) and returns one outcome per card, OMS or not.
func ReadPresent(pc *pcsc.Context, reader string, opts Options) ([]Outcome, error) {
	readers, err := pc.Readers()
	if err != nil {
		return nil, err
	}
	if reader != "" {
		readers = []string{reader}
	}
	states, err := pc.States(readers)
	if err != nil {
		return nil, err
	}
	var outs []Outcome
	for _, st := range states {
		if st.Unknown && reader != "" {
			return nil, fmt.Errorf("reader %q: %w", reader, pcsc.ErrUnknownReader)
		}
		if st.Present {
			outs = append(outs, Read(pc, st.Reader, opts))
		}
	}
	return outs, nil
}

// ReadWhenPresent reads the cards present now; when there are none, it waits (until ctx
// ends) for a card to be inserted and reads that one.
func ReadWhenPresent(ctx context.Context, pc *pcsc.Context, reader string, opts Options) ([]Outcome, error) {
	outs, err := ReadPresent(pc, reader, opts)
	if err != nil || len(outs) > 0 {
		return outs, err
	}
	if opts.OnWait != nil {
		opts.OnWait()
	}
	got, _, err := pcsc.WaitForCard(ctx, pc, reader)
	if err != nil {
		return nil, err
	}
	return []Outcome{Read(pc, got, opts)}, nil
}
