package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

// virtualReader is the "reader" of an in-process virtual card in JSON output; people
// see it translated.
const virtualReader = "virtual"

// readFlags are the output options shared by read and decode.
type readFlags struct {
	json      bool
	photo     string
	trace     bool
	fullTrace bool
	today     string
}

// cardSource says where a command gets its card: a PC/SC reader (the default), the
// built-in virtual card, a fixture, or a dump — the last three in process.
type cardSource struct {
	reader, fixture, dump string
	virtual               bool
	timeout               time.Duration
}

func (c *cli) sourceFlags(fs *flag.FlagSet) *cardSource {
	s := &cardSource{}
	fs.StringVar(&s.reader, "reader", "", c.tr.T("cli.flag.reader"))
	fs.BoolVar(&s.virtual, "virtual", false, c.tr.T("cli.flag.virtual"))
	fs.StringVar(&s.fixture, "fixture", "", c.tr.T("cli.flag.fixture"))
	fs.StringVar(&s.dump, "dump", "", c.tr.T("cli.flag.dump"))
	fs.DurationVar(&s.timeout, "timeout", 0, c.tr.T("cli.flag.timeout"))
	return s
}

// acquire reads the card(s) of the source. It returns the source's JSON name and the
// outcomes, or an exit code (non-zero) after reporting what went wrong.
func (c *cli) acquire(src *cardSource, opts probe.Options) (string, []probe.Outcome, int) {
	if src.virtual || src.fixture != "" || src.dump != "" {
		l, err := src.layout()
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.fixture", "error", err.Error()))
			return "", nil, exitUsage
		}
		card := vcard.New(l)
		res, ex, err := probe.ReadTransport(card.Transport(), false, opts)
		return "virtual", []probe.Outcome{{Reader: virtualReader, ATR: card.ATR(), Result: res, Trace: ex, Err: err}}, exitOK
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return "", nil, c.fail(err)
	}
	defer pc.Release()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if src.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, src.timeout)
		defer cancel()
	}
	outs, err := probe.ReadWhenPresent(ctx, pc, src.reader, opts)
	if err != nil {
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = fmt.Errorf("%w (%v)", errTimeout, src.timeout)
		case ctx.Err() != nil:
			err = errInterrupted
		}
		return "", nil, c.fail(err)
	}
	return "pcsc", outs, exitOK
}

// cardDetails reads the issuance-profile details (omscard.ReadDetails: serial, life
// cycle status, every insurer record) of the card an outcome was read from, returning
// their APDUs too. probe has closed its connection after the read, so a PC/SC card is
// connected to again, and refused if its ATR shows another card was put in meanwhile;
// an in-process source is built again from the same layout. Partial details (the card
// failed mid-way) are dropped: a shortened history would be judged as a broken one.
func (c *cli) cardDetails(src *cardSource, o probe.Outcome) (*omscard.Details, []trace.Exchange, error) {
	type result struct {
		d   *omscard.Details
		ex  []trace.Exchange
		err error
	}
	read := func(t cardio.Transport) result {
		rec := trace.New(t, nil)
		d, err := omscard.ReadDetails(rec)
		if err != nil {
			return result{nil, nil, fmt.Errorf("reading card details: %w", err)}
		}
		return result{d, rec.Exchanges(), nil}
	}
	if src.virtual || src.fixture != "" || src.dump != "" {
		l, err := src.layout()
		if err != nil {
			return nil, nil, err
		}
		r := read(vcard.New(l).Transport())
		return r.d, r.ex, r.err
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return nil, nil, err
	}
	defer pc.Release()
	done := make(chan result, 1)
	go func() {
		card, err := pc.Connect(o.Reader, pcsc.Any)
		if err != nil {
			done <- result{err: fmt.Errorf("connecting to %s: %w", o.Reader, err)}
			return
		}
		defer card.Disconnect(false)
		atr, err := card.ATR()
		switch {
		case err != nil:
			done <- result{err: fmt.Errorf("reading ATR: %w", err)}
		case !bytes.Equal(atr, o.ATR):
			done <- result{err: fmt.Errorf("%w: another card is in %s since it was read", errUnreadable, o.Reader)}
		default:
			done <- read(card)
		}
	}()
	select {
	case r := <-done:
		return r.d, r.ex, r.err
	case <-time.After(probe.DefaultTimeout):
		// The goroutine ends when pcscd answers or pc is released.
		return nil, nil, fmt.Errorf("reading card details in %s: %w", o.Reader, probe.ErrBusy)
	}
}

// layout builds the in-process card of a virtual source.
func (s *cardSource) layout() (vcard.Layout, error) {
	switch {
	case s.fixture != "":
		return vcard.LoadFixture(s.fixture)
	case s.dump != "":
		f, err := os.Open(s.dump)
		if err != nil {
			return vcard.Layout{}, err
		}
		defer f.Close()
		d, err := dump.Load(f)
		if err != nil {
			return vcard.Layout{}, err
		}
		return d.Layout()
	}
	return vcard.ParseFixture(vcard.DefaultFixture(), ".")
}

// read waits for a card and prints its policy.
func (c *cli) read(args []string) int {
	fs, lang := c.flags("read")
	f := &readFlags{}
	fs.BoolVar(&f.json, "json", false, c.tr.T("cli.flag.json"))
	fs.StringVar(&f.photo, "photo", "", c.tr.T("cli.flag.photo"))
	fs.StringVar(&f.today, "today", "", c.tr.T("cli.flag.today"))
	fs.BoolVar(&f.trace, "trace", false, c.tr.T("cli.flag.trace"))
	fs.BoolVar(&f.fullTrace, "full-trace", false, c.tr.T("cli.flag.full_trace"))
	src := c.sourceFlags(fs)
	if !c.parse(fs, lang, args) || !c.setToday(f.today) {
		return exitUsage
	}
	opts := probe.Options{Trace: f.trace || f.fullTrace}
	if !f.json {
		opts.OnWait = func() { fmt.Fprintln(c.stderr, c.tr.T("cli.read.waiting")) }
	}
	source, outs, code := c.acquire(src, opts)
	if code != exitOK {
		return code
	}
	for _, o := range outs {
		c.printTrace(o.Trace, f)
	}
	return c.printOutcomes(source, outs, f)
}

// setToday fixes "today" for the validity verdict (reproducible output in tests and
// for checking a policy as of a past date).
func (c *cli) setToday(s string) bool {
	if s == "" {
		return true
	}
	d, err := policy.ParseDate(s)
	if err != nil || d.IsZero() {
		fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_today", "value", s))
		return false
	}
	t := d.Time().Add(12 * time.Hour)
	c.now = func() time.Time { return t }
	return true
}

// printOutcomes prints the first OMS policy among the outcomes; the other cards are
// named on stderr. With no OMS policy at all, it reports why the first card failed.
func (c *cli) printOutcomes(source string, outs []probe.Outcome, f *readFlags) int {
	best := -1
	for i, o := range outs {
		if o.IsOMS() && best < 0 {
			best = i
			continue
		}
		if o.Err != nil && len(outs) > 1 {
			_, key := classify(o.Err)
			fmt.Fprintln(c.stderr, c.tr.T("cli.read.other_card", "reader", o.Reader, "atr", fmt.Sprintf("% X", o.ATR),
				"reason", c.tr.T(key, "error", o.Err.Error())))
		}
	}
	if best < 0 {
		o := outs[0]
		code, _ := classify(o.Err)
		if code == exitFailure {
			code = exitUnreadable
		}
		r := c.outcomeReport(source, o)
		switch {
		case f.json:
			writeJSON(c.stdout, r)
		case o.Partial():
			writeHuman(c.stdout, c.tr, r) // the holder's data are output, the error with them
		default:
			writeHuman(c.stderr, c.tr, r)
		}
		return code
	}
	return c.emit(c.outcomeReport(source, outs[best]), outs[best].Result.Policy, f)
}

// outcomeReport is the report of one card: its policy, or why there is none — or both,
// when the holder was read but the insurer record was not.
func (c *cli) outcomeReport(source string, o probe.Outcome) *report {
	switch {
	case o.Partial():
		r := c.newReport(source, o.Reader, o.ATR, o.Result.Policy, o.Result)
		r.Status, r.StatusText = "", "" // validity cannot be judged without the insurer record
		r.Error = c.errorReport(source, o.Reader, o.ATR, o.Err).Error
		return r
	case !o.IsOMS():
		return c.errorReport(source, o.Reader, o.ATR, o.Err)
	}
	return c.newReport(source, o.Reader, o.ATR, o.Result.Policy, o.Result)
}

// emit prints a report and saves the photo when asked.
func (c *cli) emit(r *report, p *policy.Policy, f *readFlags) int {
	if f.photo != "" {
		if p.Owner.Photo == nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.no_photo"))
		} else if err := os.WriteFile(f.photo, p.Owner.Photo.Data, 0o600); err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitFailure
		}
	}
	if f.json {
		if err := writeJSON(c.stdout, r); err != nil {
			return exitFailure
		}
		return exitOK
	}
	writeHuman(c.stdout, c.tr, r)
	return exitOK
}

func (c *cli) printTrace(ex []trace.Exchange, f *readFlags) {
	if len(ex) == 0 {
		return
	}
	if !f.fullTrace {
		fmt.Fprintln(c.stderr, c.tr.T("cli.trace.redacted"))
	}
	trace.WriteText(c.stderr, ex, f.fullTrace)
}

// decode decodes raw file bytes the way read decodes a card.
func (c *cli) decode(args []string) int {
	fs, lang := c.flags("decode")
	f := &readFlags{}
	fs.BoolVar(&f.json, "json", false, c.tr.T("cli.flag.json"))
	fs.StringVar(&f.photo, "photo", "", c.tr.T("cli.flag.photo"))
	fs.StringVar(&f.today, "today", "", c.tr.T("cli.flag.today"))
	ownerPath := fs.String("owner", "", c.tr.T("cli.flag.owner"))
	insurerPath := fs.String("insurer", "", c.tr.T("cli.flag.insurer"))
	if !c.parse(fs, lang, args) || !c.setToday(f.today) {
		return exitUsage
	}
	if *ownerPath == "" {
		fs.Usage()
		return exitUsage
	}
	ownerBytes, err := vcard.ReadRawFile(*ownerPath)
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
		return exitFailure
	}
	owner, err := policy.DecodeOwner(ownerBytes)
	if err != nil {
		return c.decodeFailed(f, err)
	}
	p := &policy.Policy{Owner: *owner}
	if *insurerPath != "" {
		insBytes, err := vcard.ReadRawFile(*insurerPath)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitFailure
		}
		if p.Insurer, err = policy.DecodeInsurer(insBytes); err != nil {
			return c.decodeFailed(f, err)
		}
	}
	r := c.newReport("file", "", nil, p, nil)
	return c.emit(r, p, f)
}

// decodeFailed reports a file that does not decode. The card-oriented advice of
// cli.err.bad_data does not fit a file, so the message is the file's own.
func (c *cli) decodeFailed(f *readFlags, err error) int {
	if f.json {
		r := c.errorReport("file", "", nil, err)
		r.Error.Message = c.tr.T("cli.err.bad_file", "error", err.Error())
		writeJSON(c.stdout, r)
		return exitUnreadable
	}
	fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_file", "error", err.Error()))
	return exitUnreadable
}
