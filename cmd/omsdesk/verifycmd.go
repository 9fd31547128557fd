package main

import (
	"fmt"
	"io"
	"os"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/verify"
	pdfreport "omsdesk/layout/report"
)

// verifyCard runs the integrity check on a card or a dump (docs/verify-report.md).
func (c *cli) verifyCard(args []string) int {
	fs, lang := c.flags("verify")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	trustDir := fs.String("trust", "", c.tr.T("cli.flag.trust"))
	todayFlag := fs.String("today", "", c.tr.T("cli.flag.today"))
	pdfPath := fs.String("pdf", "", c.tr.T("cli.flag.pdf"))
	src := c.sourceFlags(fs)
	if !c.parse(fs, lang, args) || !c.setToday(*todayFlag) {
		return exitUsage
	}
	opts := verify.Options{Today: policy.DateOf(c.now())}
	if *trustDir != "" {
		ts, err := verify.LoadTrustStore(*trustDir)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitUsage
		}
		opts.Trust = ts
	}
	d, code := c.dumpToVerify(src)
	if code != exitOK {
		return code
	}
	r := verify.Dump(d, opts)
	if *pdfPath != "" {
		ropts := pdfreport.Options{Created: c.now(), Program: program}
		if r.Reader == virtualReader {
			ropts.ReaderLabel = c.tr.T("cli.virtual_reader")
		}
		if err := writeFile(*pdfPath, func(w io.Writer) error { return pdfreport.Render(w, r, c.tr, ropts) }); err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitFailure
		}
	}
	if *asJSON {
		writeJSON(c.stdout, r)
	} else {
		c.printVerify(r)
	}
	if r.Verdict == verify.Fail {
		return exitFailedChecks
	}
	return exitOK
}

// dumpToVerify gets the dump to check: the file given with --dump as it is (its ATR
// and reader kept), or a fresh read of the card.
func (c *cli) dumpToVerify(src *cardSource) (*dump.Dump, int) {
	if src.dump != "" {
		f, err := os.Open(src.dump)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return nil, exitFailure
		}
		defer f.Close()
		d, err := dump.Load(f)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_dump", "file", src.dump, "error", err.Error()))
			return nil, exitUnreadable
		}
		return d, exitOK
	}
	_, outs, code := c.acquire(src, probe.Options{Trace: true})
	if code != exitOK {
		return nil, code
	}
	for _, o := range outs {
		if o.IsOMS() || o.Partial() { // a partial read is exactly what a technician must see
			return dump.FromRead(program, o.Reader, o.ATR, o.Result, o.Trace, false, c.now()), exitOK
		}
	}
	return nil, c.fail(outs[0].Err)
}

func (c *cli) printVerify(r *verify.Report) {
	switch r.Reader {
	case "":
	case virtualReader:
		fmt.Fprintf(c.stdout, "%s: %s\n", c.tr.T("cli.label.reader"), c.tr.T("cli.virtual_reader"))
	default:
		fmt.Fprintf(c.stdout, "%s: %s\n", c.tr.T("cli.label.reader"), r.Reader)
	}
	if r.ATR != "" {
		fmt.Fprintf(c.stdout, "ATR: %s\n", spacedHex(r.ATR))
	}
	for _, ch := range r.Checks {
		fmt.Fprintf(c.stdout, "[%-6s] %s — %s\n", c.tr.T("verify.status."+string(ch.Status)),
			c.tr.T("verify.check."+ch.ID), pdfreport.Reason(c.tr, ch))
	}
	fmt.Fprintln(c.stdout, pdfreport.Verdict(c.tr, r))
}
