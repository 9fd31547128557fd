// Command omsdesk-vcard plugs the virtual OMS policy card into pcscd through
// vsmartcard's vpcd driver, so that any PC/SC program (OMS Desk, opensc-tool,
// pcsc-tools' scriptor) sees a card in "Virtual PCD 00 0N". It reads commands from
// standard input to insert and remove the card on demand, which makes hotplug testable:
//
//	insert | remove | reinsert | status | quit
//
// With standard input closed it keeps the card in until interrupted.
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
	slot, removeAfter                                              int
	t0, wrongLe, extended, removed, printFixture                   bool
	delay                                                          time.Duration
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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.printFixture {
		stdout.Write(vcard.DefaultFixture())
		return 0
	}
	layout, err := o.layout()
	if err != nil {
		fmt.Fprintln(stderr, tr.T("vcard.bad_card", "error", err.Error()))
		return 2
	}
	addr := o.addr
	if addr == "" {
		addr = vpcd.SlotAddr(o.slot)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := &holder{layout: layout, addr: addr, out: stdout, tr: tr}
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
	return l, nil
}

// holder is the hand that inserts and removes the card.
type holder struct {
	layout vcard.Layout
	addr   string
	link   *vpcd.Link
	out    io.Writer
	tr     *i18n.Catalog
}

func (h *holder) done() <-chan struct{} {
	if h.link == nil {
		return nil
	}
	return h.link.Done()
}

// insert plugs a freshly powered card (new state, fault counters restarted) in.
func (h *holder) insert(ctx context.Context) error {
	if h.link != nil {
		return errors.New(h.tr.T("vcard.already_in"))
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	link, err := vpcd.Insert(dctx, h.addr, vcard.New(h.layout))
	if err != nil {
		return err
	}
	h.link = link
	fmt.Fprintln(h.out, h.tr.T("vcard.inserted", "addr", h.addr))
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
	case "status", "s":
		if h.link != nil {
			fmt.Fprintln(h.out, h.tr.T("vcard.status_in", "addr", h.addr))
		} else {
			fmt.Fprintln(h.out, h.tr.T("vcard.status_out"))
		}
	case "quit", "q", "exit":
		return true
	default:
		fmt.Fprintln(stderr, h.tr.T("vcard.help"))
	}
	if err != nil {
		fmt.Fprintln(stderr, h.tr.T("vcard.error", "error", err.Error()))
	}
	return false
}
