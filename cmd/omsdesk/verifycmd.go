package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"omsdesk/cardio/crosscheck"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	regsqlite "omsdesk/cardio/registry/sqlite"
	"omsdesk/cardio/verify"
	"omsdesk/layout/qr"
	"omsdesk/layout/qr/scan"
	pdfreport "omsdesk/layout/report"
)

// verifyCard runs the integrity check on a card or a dump (docs/verify-report.md).
func (c *cli) verifyCard(args []string) int {
	fs, lang := c.flags("verify")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	trustDir := fs.String("trust", "", c.tr.T("cli.flag.trust"))
	todayFlag := fs.String("today", "", c.tr.T("cli.flag.today"))
	pdfPath := fs.String("pdf", "", c.tr.T("cli.flag.pdf"))
	registryPath := fs.String("registry", "", c.tr.T("cli.flag.verify_registry"))
	qrPath := fs.String("qr", "", c.tr.T("cli.flag.verify_qr"))
	qrTrust := fs.String("qr-trust", "", c.tr.T("cli.flag.verify_qr_trust"))
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
	if *registryPath != "" {
		store, err := regsqlite.Open(context.Background(), *registryPath)
		if err != nil {
			return c.fail(err)
		}
		defer store.Close()
		opts.Registry = crosscheck.Registry(context.Background(), store)
	}
	if *qrPath != "" {
		claims, code := c.scanQRClaims(*qrPath, *qrTrust, *trustDir)
		if code != exitOK {
			return code
		}
		opts.QR = claims
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
			det, ex, err := c.cardDetails(src, o)
			if err != nil {
				return nil, c.fail(err)
			}
			return dump.FromReadDetails(program, o.Reader, o.ATR, o.Result, det, append(o.Trace, ex...), false, c.now()), exitOK
		}
		if errors.Is(o.Err, omscard.ErrVoided) || errors.Is(o.Err, omscard.ErrNotOMSCard) {
			// A voided card, or one whose personalisation stopped before FOMS_ID
			// existed, has nothing readable but its serial and life cycle — and that is
			// the finding: the report says "voided" or "personalisation not closed".
			// Other cards without the OMS application stay "not an OMS card".
			det, ex, err := c.cardDetails(src, o)
			if err == nil && (det.LifecycleKnown || det.Terminated) {
				return dump.FromReadDetails(program, o.Reader, o.ATR, &omscard.Result{}, det, append(o.Trace, ex...), false, c.now()), exitOK
			}
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

// scanQRClaims decodes the signed QR code in a photo, scan or PDF of the printed card or
// certificate and checks its signature, for verify's chip-against-QR cross-check. Of
// several of our codes in the file, the first is used (a certificate repeats one code).
func (c *cli) scanQRClaims(path, trustPath, fallback string) (*verify.QRClaims, int) {
	if trustPath == "" {
		trustPath = fallback
	}
	var trust *qr.Trust
	if trustPath != "" {
		t, err := qr.LoadTrust(trustPath)
		if err != nil {
			return nil, c.fail(err)
		}
		trust = t
	}
	codes, err := scan.File(path)
	if err != nil {
		return nil, c.fail(err)
	}
	var first *qr.Result
	for _, code := range codes {
		res := qr.Verify(code.Text, trust)
		if res.Reason == qr.ReasonNotOurs {
			continue
		}
		first = &res
		break
	}
	if first == nil {
		return &verify.QRClaims{SignatureVerdict: "absent"}, exitOK
	}
	return first.Claims(), exitOK
}
