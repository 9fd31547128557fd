// Command omsdesk-vcard plugs the virtual OMS policy card into pcscd through
// vsmartcard's vpcd driver, so that any PC/SC program (OMS Desk, opensc-tool,
// pcsc-tools' scriptor) sees a card in "Virtual PCD 00 0N". It reads commands from
// standard input to insert and remove the card on demand, which makes hotplug testable:
//
//	insert | remove | reinsert | tear N | status | quit
//
// With standard input closed it keeps the card in until interrupted.
//
// With --blank it serves a writable blank card of the issuance profile
// (docs/card-profile.md) instead: the same card stays in the program across removals and
// power losses, and --state FILE keeps its persistent state in a JSON file, saved after
// every APDU that changed it and loaded at start, so an issued card survives a restart.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the command line, parsed.
type options struct {
	fixture, dumpFile, owner, insurer, insurerFID, atr, addr, lang string
	slot, removeAfter, tearAfter                                   int
	t0, wrongLe, extended, removed, printFixture                   bool
	delay                                                          time.Duration

	// The blank card of the issuance profile.
	blank                          bool
	serial, seed, issuerPIN, state string
	capacity                       int
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	// The language is needed before the flags are defined: their help is translated.
	lang := ""
	for i, a := range args {
		if (a == "-lang" || a == "--lang") && i+1 < len(args) {
			lang = args[i+1]
		} else if v, ok := strings.CutPrefix(strings.TrimLeft(a, "-"), "lang="); ok {
			lang = v
		}
	}
	tr, err := i18n.Load(i18n.Detect(lang))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	fs := flag.NewFlagSet("omsdesk-vcard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, tr.T("vcard.usage"))
		fs.PrintDefaults()
	}
	fs.StringVar(&o.fixture, "fixture", "", tr.T("vcard.flag.fixture"))
	fs.StringVar(&o.dumpFile, "dump", "", tr.T("vcard.flag.dump"))
	fs.StringVar(&o.owner, "owner", "", tr.T("vcard.flag.owner"))
	fs.StringVar(&o.insurer, "insurer", "", tr.T("vcard.flag.insurer"))
	fs.StringVar(&o.insurerFID, "insurer-fid", "0202", tr.T("vcard.flag.insurer-fid"))
	fs.StringVar(&o.atr, "atr", "", tr.T("vcard.flag.atr"))
	fs.IntVar(&o.slot, "slot", 0, tr.T("vcard.flag.slot"))
	fs.StringVar(&o.addr, "addr", "", tr.T("vcard.flag.addr"))
	fs.BoolVar(&o.t0, "t0", false, tr.T("vcard.flag.t0"))
	fs.BoolVar(&o.wrongLe, "wrong-le", false, tr.T("vcard.flag.wrong-le"))
	fs.DurationVar(&o.delay, "delay", 0, tr.T("vcard.flag.delay"))
	fs.IntVar(&o.removeAfter, "remove-after", 0, tr.T("vcard.flag.remove-after"))
	fs.BoolVar(&o.extended, "extended", false, tr.T("vcard.flag.extended"))
	fs.BoolVar(&o.removed, "removed", false, tr.T("vcard.flag.removed"))
	fs.BoolVar(&o.printFixture, "print-fixture", false, tr.T("vcard.flag.print-fixture"))
	fs.StringVar(&o.lang, "lang", "", tr.T("vcard.flag.lang"))
	fs.IntVar(&o.tearAfter, "tear-after", 0, tr.T("vcard.flag.tear-after"))
	fs.BoolVar(&o.blank, "blank", false, tr.T("vcard.flag.blank"))
	fs.StringVar(&o.serial, "serial", "", tr.T("vcard.flag.serial"))
	fs.StringVar(&o.seed, "seed", "", tr.T("vcard.flag.seed"))
	fs.StringVar(&o.issuerPIN, "issuer-pin", "", tr.T("vcard.flag.issuer-pin"))
	fs.IntVar(&o.capacity, "capacity", 0, tr.T("vcard.flag.capacity"))
	fs.StringVar(&o.state, "state", "", tr.T("vcard.flag.state"))
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.printFixture {
		stdout.Write(vcard.DefaultFixture())
		return 0
	}
	addr := o.addr
	if addr == "" {
		addr = vpcd.SlotAddr(o.slot)
	}
	h := &holder{addr: addr, out: stdout, errOut: stderr, tr: tr}
	if o.blank {
		if err := h.loadBlank(&o); err != nil {
			fmt.Fprintln(stderr, tr.T("vcard.bad_card", "error", err.Error()))
			return 2
		}
	} else {
		if o.state != "" || o.serial != "" || o.seed != "" || o.issuerPIN != "" || o.capacity != 0 {
			fmt.Fprintln(stderr, tr.T("vcard.needs_blank"))
			return 2
		}
		layout, err := o.layout()
		if err != nil {
			fmt.Fprintln(stderr, tr.T("vcard.bad_card", "error", err.Error()))
			return 2
		}
		h.layout = layout
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !o.removed {
		if err := h.insert(ctx); err != nil {
			fmt.Fprintln(stderr, tr.T("vcard.no_vpcd", "addr", addr, "error", err.Error()))
			return 1
		}
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			lines <- strings.TrimSpace(sc.Text())
		}
		close(lines) // EOF: keep serving until a signal
	}()
	for {
		select {
		case <-ctx.Done():
			h.remove()
			return 0
		case <-h.done():
			fmt.Fprintln(stdout, tr.T("vcard.gone", "reason", fmt.Sprint(h.link.Err())))
			h.link = nil
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			if quit := h.command(ctx, line, stderr); quit {
				h.remove()
				return 0
			}
		}
	}
}

func (o *options) layout() (vcard.Layout, error) {
	var l vcard.Layout
	var err error
	switch {
	case o.owner != "":
		l.Owner, err = vcard.ReadRawFile(o.owner)
		if err != nil {
			return l, err
		}
		if o.insurer != "" {
			data, err := vcard.ReadRawFile(o.insurer)
			if err != nil {
				return l, err
			}
			fid, err := vcard.ParseHex(o.insurerFID)
			if err != nil || len(fid) != 2 {
				return l, fmt.Errorf("-insurer-fid %q: want 4 hex digits", o.insurerFID)
			}
			l.Current = uint16(fid[0])<<8 | uint16(fid[1])
			l.Insurers = []vcard.InsurerEF{{FID: l.Current, Data: data}}
		}
	case o.fixture != "":
		if l, err = vcard.LoadFixture(o.fixture); err != nil {
			return l, err
		}
	case o.dumpFile != "":
		f, err := os.Open(o.dumpFile)
		if err != nil {
			return l, err
		}
		defer f.Close()
		d, err := dump.Load(f)
		if err != nil {
			return l, err
		}
		if l, err = d.Layout(); err != nil {
			return l, err
		}
	default:
		if l, err = vcard.ParseFixture(vcard.DefaultFixture(), "."); err != nil {
			return l, err
		}
	}
	if o.atr != "" {
		if l.ATR, err = vcard.ParseHex(o.atr); err != nil {
			return l, err
		}
	}
	l.ExtendedLength = l.ExtendedLength || o.extended
	l.Faults.T0 = l.Faults.T0 || o.t0
	l.Faults.WrongLe = l.Faults.WrongLe || o.wrongLe
	if o.delay > 0 {
		l.Faults.Delay = o.delay
	}
	if o.removeAfter > 0 {
		l.Faults.RemoveAfter = o.removeAfter
	}
	if o.tearAfter > 0 {
		l.Faults.TearAfter = o.tearAfter
	}
	return l, nil
}

// faults are the fault flags for a blank card.
func (o *options) faults() vcard.Faults {
	return vcard.Faults{T0: o.t0, WrongLe: o.wrongLe, Delay: o.delay, RemoveAfter: o.removeAfter, TearAfter: o.tearAfter}
}

// holder is the hand that inserts and removes the card.
type holder struct {
	// layout describes an official-like card, built afresh at each insertion.
	layout vcard.Layout
	// blank is the profile card when --blank: the same card at every insertion, saved to
	// its state file (when --state) by persisting.
	blank *persisting
	// card is the card in the reader (or last in it).
	card   *vcard.Card
	addr   string
	link   *vpcd.Link
	out    io.Writer
	errOut io.Writer
	tr     *i18n.Catalog
}

func (h *holder) done() <-chan struct{} {
	if h.link == nil {
		return nil
	}
	return h.link.Done()
}

// insert plugs the card in: a freshly built one (new state, fault counters restarted),
// or the blank card as its last APDU left it, powered afresh.
func (h *holder) insert(ctx context.Context) error {
	if h.link != nil {
		return errors.New(h.tr.T("vcard.already_in"))
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var card vpcd.Card
	if h.blank != nil {
		h.blank.Reinsert()
		card = h.blank
	} else {
		h.card = vcard.New(h.layout)
		card = h.card
	}
	link, err := vpcd.Insert(dctx, h.addr, card)
	if err != nil {
		return err
	}
	h.link = link
	fmt.Fprintln(h.out, h.tr.T("vcard.inserted", "addr", h.addr))
	return nil
}

// loadBlank prepares the blank card: from the state file when there is one, else new.
func (h *holder) loadBlank(o *options) error {
	serial := o.serial
	if serial == "" && o.seed != "" {
		serial = vcard.SerialFromSeed(o.seed)
	}
	bo := vcard.BlankOptions{Serial: serial, IssuerPIN: o.issuerPIN, Capacity: o.capacity,
		ExtendedLength: o.extended, Faults: o.faults()}
	if o.atr != "" {
		atr, err := vcard.ParseHex(o.atr)
		if err != nil {
			return err
		}
		bo.ATR = atr
	}
	p, loaded, err := openBlank(o.state, bo, func(err error) {
		fmt.Fprintln(h.errOut, h.tr.T("vcard.state_error", "file", o.state, "error", err.Error()))
	})
	if err != nil {
		return err
	}
	h.blank, h.card = p, p.Card
	key := "vcard.blank_new"
	if loaded {
		key = "vcard.blank_loaded"
	}
	fmt.Fprintln(h.errOut, h.tr.T(key, "serial", p.Serial(), "file", o.state))
	return nil
}

func (h *holder) remove() {
	if h.link == nil {
		return
	}
	h.link.Remove()
	h.link = nil
	fmt.Fprintln(h.out, h.tr.T("vcard.removed"))
}

// tear arms the power-loss fault of the card in the reader: it loses power right after
// the n-th APDU from now.
func (h *holder) tear(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 {
		return errors.New(h.tr.T("vcard.help"))
	}
	if h.card == nil {
		return errors.New(h.tr.T("vcard.status_out"))
	}
	f := h.card.Faults()
	f.TearAfter = n
	h.card.SetFaults(f)
	fmt.Fprintln(h.out, h.tr.T("vcard.tear_armed", "n", arg))
	return nil
}

// command runs one line of standard input and reports whether to quit.
func (h *holder) command(ctx context.Context, line string, stderr io.Writer) bool {
	var err error
	switch line {
	case "":
	case "insert", "i":
		err = h.insert(ctx)
	case "remove", "r":
		h.remove()
	case "reinsert":
		h.remove()
		err = h.insert(ctx)
	case "tear", "t":
		err = errors.New(h.tr.T("vcard.help"))
	case "status", "s":
		if h.link != nil {
			fmt.Fprintln(h.out, h.tr.T("vcard.status_in", "addr", h.addr))
		} else {
			fmt.Fprintln(h.out, h.tr.T("vcard.status_out"))
		}
	case "quit", "q", "exit":
		return true
	default:
		if n, ok := strings.CutPrefix(line, "tear "); ok {
			err = h.tear(strings.TrimSpace(n))
			break
		}
		fmt.Fprintln(stderr, h.tr.T("vcard.help"))
	}
	if err != nil {
		fmt.Fprintln(stderr, h.tr.T("vcard.error", "error", err.Error()))
	}
	return false
}
