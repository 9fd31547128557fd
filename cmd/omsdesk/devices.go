package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/probe"
)

// readerInfo is one line of `readers --json`.
type readerInfo struct {
	Reader  string `json:"reader"`
	State   string `json:"state"` // "card", "empty", "mute", "unavailable", "in_use"
	ATR     string `json:"atr"`
	OMSCard *bool  `json:"oms_card"` // null when not probed (no card, or --no-probe)
}

// readers lists the PC/SC readers with their state and, for cards present, whether each
// is an OMS policy card.
func (c *cli) readers(args []string) int {
	fs, lang := c.flags("readers")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	noProbe := fs.Bool("no-probe", false, c.tr.T("cli.flag.no_probe"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return c.fail(err)
	}
	defer pc.Release()
	names, err := pc.Readers()
	if err != nil {
		return c.fail(err)
	}
	states, err := pc.States(names)
	if err != nil {
		return c.fail(err)
	}
	infos := []readerInfo{}
	for _, st := range states {
		info := readerInfo{Reader: st.Reader, ATR: strings.ToUpper(hex.EncodeToString(st.ATR))}
		switch {
		case st.Unavailable || st.Unknown:
			info.State = "unavailable"
		case st.Mute:
			info.State = "mute"
		case st.Present && st.Exclusive:
			info.State = "in_use"
		case st.Present:
			info.State = "card"
		default:
			info.State = "empty"
		}
		if info.State == "card" && !*noProbe {
			oms := probe.Read(pc, st.Reader, probe.Options{}).IsOMS()
			info.OMSCard = &oms
		}
		infos = append(infos, info)
	}
	if *asJSON {
		writeJSON(c.stdout, infos)
	} else if len(infos) == 0 {
		fmt.Fprintln(c.stderr, c.tr.T("cli.readers.none"))
	}
	if len(infos) == 0 {
		return exitNoPCSC // documented: no readers is exit 4, in either output form
	}
	if *asJSON {
		return exitOK
	}
	for _, in := range infos {
		line := fmt.Sprintf("%s\t%s", in.Reader, c.tr.T("cli.readers.state."+in.State))
		if in.ATR != "" {
			line += "\t" + spacedHex(in.ATR)
		}
		if in.OMSCard != nil {
			if *in.OMSCard {
				line += "\t" + c.tr.T("cli.readers.oms")
			} else {
				line += "\t" + c.tr.T("cli.readers.not_oms")
			}
		}
		fmt.Fprintln(c.stdout, line)
	}
	return exitOK
}

// watchEvent is one line of `watch --json` (JSON Lines).
type watchEvent struct {
	Time   time.Time `json:"time"`
	Event  string    `json:"event"` // reader_added, reader_removed, card_inserted, card_removed
	Reader string    `json:"reader"`
	ATR    string    `json:"atr"`
	// Read is the card's report (the `read --json` document) on card_inserted lines
	// when watch runs with --read; absent otherwise.
	Read *report `json:"read,omitempty"`
}

var eventNames = map[pcsc.EventKind]string{
	pcsc.ReaderAdded: "reader_added", pcsc.ReaderRemoved: "reader_removed",
	pcsc.CardInserted: "card_inserted", pcsc.CardRemoved: "card_removed",
}

// watch prints a line per reader and card event until interrupted (or --count events).
func (c *cli) watch(args []string) int {
	fs, lang := c.flags("watch")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	count := fs.Int("count", 0, c.tr.T("cli.flag.count"))
	only := fs.String("reader", "", c.tr.T("cli.flag.watch_reader"))
	readCards := fs.Bool("read", false, c.tr.T("cli.flag.watch_read"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return c.fail(err)
	}
	defer pc.Release()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	events, err := pc.Watch(ctx)
	if err != nil {
		return c.fail(err)
	}
	n := 0
	for ev := range events {
		if *only != "" && ev.Reader != *only {
			continue
		}
		e := watchEvent{Time: ev.Time.UTC(), Event: eventNames[ev.Kind], Reader: ev.Reader,
			ATR: strings.ToUpper(hex.EncodeToString(ev.ATR))}
		if *readCards && ev.Kind == pcsc.CardInserted {
			e.Read = c.outcomeReport("pcsc", probe.Read(pc, ev.Reader, probe.Options{}))
		}
		if *asJSON {
			b, _ := json.Marshal(e)
			fmt.Fprintln(c.stdout, string(b))
		} else {
			line := fmt.Sprintf("%s  %-10s  %s", e.Time.Local().Format("15:04:05.000"), c.tr.T("cli.watch."+e.Event), e.Reader)
			if e.ATR != "" {
				line += "  " + spacedHex(e.ATR)
			}
			fmt.Fprintln(c.stdout, line)
			if e.Read != nil {
				writeHuman(c.stdout, c.tr, e.Read)
			}
		}
		if n++; *count > 0 && n >= *count {
			return exitOK
		}
	}
	if err := pc.Err(); err != nil && ctx.Err() == nil {
		return c.fail(err)
	}
	return exitOK
}

// atrInfo is `atr --json`: the decoded ATR and the matching entries of the pcsc-tools list.
type atrInfo struct {
	*atr.ATR
	Known []string `json:"known"`
}

// atr decodes an ATR given in hex, or the ATR of each card present.
func (c *cli) atr(args []string) int {
	fs, lang := c.flags("atr")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	reader := fs.String("reader", "", c.tr.T("cli.flag.reader"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	var raws [][]byte
	if fs.NArg() > 0 {
		b, err := atr.DecodeHex(strings.Join(fs.Args(), " "))
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_atr", "error", err.Error()))
			return exitUsage
		}
		raws = append(raws, b)
	} else {
		pc, err := pcsc.Establish()
		if err != nil {
			return c.fail(err)
		}
		defer pc.Release()
		names := []string{*reader}
		if *reader == "" {
			if names, err = pc.Readers(); err != nil {
				return c.fail(err)
			}
		}
		states, err := pc.States(names)
		if err != nil {
			return c.fail(err)
		}
		for _, st := range states {
			if st.Present {
				raws = append(raws, st.ATR)
			}
		}
		if len(raws) == 0 {
			return c.fail(pcsc.ErrNoCard)
		}
	}
	known, err := atr.LoadSystemKnownList()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(c.stderr, c.tr.T("cli.atr.list_error", "error", err.Error()))
	}
	code := exitOK
	for _, raw := range raws {
		a, err := atr.Parse(raw)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_atr", "error", err.Error()))
			code = exitUnreadable
			continue
		}
		info := atrInfo{ATR: a, Known: []string{}}
		if known != nil {
			info.Known = known.Match(raw)
		}
		if *asJSON {
			writeJSON(c.stdout, info)
		} else {
			c.printATR(info)
		}
	}
	return code
}

func (c *cli) printATR(info atrInfo) {
	a := info.ATR
	line := func(key, value string) { fmt.Fprintf(c.stdout, "%-24s %s\n", c.tr.T(key)+":", value) }
	line("cli.atr.raw", a.String())
	line("cli.atr.convention", c.tr.T("cli.atr.convention."+a.Convention))
	var protos []string
	for _, p := range a.Protocols {
		protos = append(protos, fmt.Sprintf("T=%d", p))
	}
	line("cli.atr.protocols", strings.Join(protos, ", "))
	line("cli.atr.fidi", fmt.Sprintf("Fi=%d Di=%d f(max)=%g MHz", a.Fi, a.Di, a.FMaxMHz))
	for _, g := range a.Interface {
		var parts []string
		for _, b := range []struct {
			name string
			v    *byte
		}{{"TA", g.TA}, {"TB", g.TB}, {"TC", g.TC}, {"TD", g.TD}} {
			if b.v != nil {
				parts = append(parts, fmt.Sprintf("%s%d=%02X", b.name, g.Index, *b.v))
			}
		}
		line("cli.atr.interface", strings.Join(parts, " "))
	}
	if a.T1 != nil {
		line("cli.atr.t1", fmt.Sprintf("IFSC=%d BWI=%d CWI=%d EDC=%s", a.T1.IFSC, a.T1.BWI, a.T1.CWI, a.T1.EDC))
	}
	line("cli.atr.historical", fmt.Sprintf("%s  \"%s\"", a.Historical.String(), a.HistoricalASCII))
	line("cli.atr.extended", c.yesNo(a.ExtendedLength))
	switch {
	case a.TCK == nil && !a.TCKRequired:
		line("cli.atr.tck", c.tr.T("cli.atr.tck_absent"))
	case a.TCKValid:
		line("cli.atr.tck", fmt.Sprintf("%02X %s", *a.TCK, c.tr.T("cli.atr.tck_ok")))
	default:
		line("cli.atr.tck", c.tr.T("cli.atr.tck_bad"))
	}
	for _, k := range info.Known {
		line("cli.atr.known", strings.ReplaceAll(k, "\n", "; "))
	}
}

func (c *cli) yesNo(b bool) string {
	if b {
		return c.tr.T("cli.value.yes")
	}
	return c.tr.T("cli.value.no")
}
