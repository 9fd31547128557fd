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
	fs := flag.NewFlagSet("omsdesk-vcard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.fixture, "fixture", "", "card description (JSON, docs/virtual-card.md); default: the built-in demo card")
	fs.StringVar(&o.dumpFile, "dump", "", "a card saved with 'omsdesk dump' (replays its ATR and files)")
	fs.StringVar(&o.owner, "owner", "", "raw EF 0201 (owner record), binary or hex")
	fs.StringVar(&o.insurer, "insurer", "", "raw insurer EF, binary or hex")
	fs.StringVar(&o.insurerFID, "insurer-fid", "0202", "file ID of -insurer")
	fs.StringVar(&o.atr, "atr", "", "ATR in hex (default: a real OMS card's)")
	fs.IntVar(&o.slot, "slot", 0, "vpcd slot: 0 = Virtual PCD 00 00 (port 35963), 1 = Virtual PCD 00 01")
	fs.StringVar(&o.addr, "addr", "", "vpcd address host:port (overrides -slot)")
	fs.BoolVar(&o.t0, "t0", false, "fault: answer with 61xx, data only through GET RESPONSE")
	fs.BoolVar(&o.wrongLe, "wrong-le", false, "fault: answer 6Cxx when Le does not match")
	fs.DurationVar(&o.delay, "delay", 0, "fault: delay every answer")
	fs.IntVar(&o.removeAfter, "remove-after", 0, "fault: pull the card after N APDUs")
	fs.BoolVar(&o.extended, "extended", false, "accept extended-length APDUs (and say so in the ATR)")
	fs.BoolVar(&o.removed, "removed", false, "start with the card out of the reader")
	fs.BoolVar(&o.printFixture, "print-fixture", false, "print the built-in card's fixture JSON and exit")
	fs.StringVar(&o.lang, "lang", "", "language of messages: ru or en (default from the locale)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tr, err := i18n.Load(i18n.Detect(o.lang))
	if err != nil {
		fmt.Fprintln(stderr, err)
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
