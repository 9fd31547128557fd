package technician

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/verify"
)

// snapshot is one content of the screen: a card read or an opened dump. Background
// work fills it in once; after it reaches the UI goroutine it is only read there.
type snapshot struct {
	// card is the card read; nil for an opened dump.
	card *CardRead
	// readErr says why the card (or its second, detailed read) failed.
	readErr error
	// file is the opened dump's name; fromDump marks an opened dump.
	file     string
	fromDump bool
	// d is the dump: loaded, or made from the card read with its full trace (it stays
	// in memory; what is saved is made again, redacted unless revealed).
	d *dump.Dump
	// exchanges is the trace; traceRedacted records that it arrived redacted (a dump
	// saved without personal data), so no confirmation can reveal it.
	exchanges     []trace.Exchange
	traceRedacted bool
}

// row is one line of a two-column view: a label and its value.
type row struct{ label, value string }

// checkRow is one check of the integrity report, translated.
type checkRow struct {
	status verify.Status
	text   [3]string // status, check name, reason
}

// analysis is everything the views show of a snapshot, computed off the UI goroutine.
type analysis struct {
	atr    []row
	tree   string
	fields string

	report   *verify.Report
	verdict  string
	checks   []checkRow
	sigInfo  []row
	trustErr string // the trust store directory could not be loaded
	note     string // the read failed: why, and what to do
}

// compute makes the dump of a card read if need be and every view's content.
func (s *Screen) compute(snap *snapshot, trustDir string) *analysis {
	a := &analysis{}
	if cr := snap.card; cr != nil && snap.d == nil {
		res := cr.Result
		if res == nil && cr.Details != nil && (cr.Details.LifecycleKnown || cr.Details.Terminated || cr.Details.Serial != "") {
			res = &omscard.Result{} // a voided or half-personalised card: its details are the finding
		}
		if res != nil {
			snap.d = dump.FromReadDetails(s.d.Program, cr.Reader, cr.ATR, res, cr.Details, cr.Exchanges, true, s.d.Now())
		}
		snap.exchanges = cr.Exchanges
	}
	var atrBytes []byte
	switch {
	case snap.card != nil:
		atrBytes = snap.card.ATR
	case snap.d != nil:
		atrBytes, _ = hex.DecodeString(snap.d.ATR)
	}
	a.atr = s.atrRows(atrBytes)
	if snap.readErr != nil {
		a.note = s.readError(snap.readErr)
	}
	if snap.d == nil {
		return a
	}
	a.tree = s.treeText(snap.d)
	a.fields = s.fieldsText(snap.d)
	s.check(a, snap.d, trustDir)
	return a
}

// check runs the integrity check of d and translates it.
func (s *Screen) check(a *analysis, d *dump.Dump, trustDir string) {
	opts := verify.Options{Today: policy.DateOf(s.d.Now())}
	if dir := strings.TrimSpace(trustDir); dir != "" {
		ts, err := verify.LoadTrustStore(dir)
		if err != nil {
			a.trustErr = s.tr.T("technician.err.trust", "dir", dir, "error", err.Error())
		} else {
			opts.Trust = ts
		}
	}
	r := verify.Dump(d, opts)
	a.report = r
	a.verdict = verdictText(s.tr, r)
	for _, c := range r.Checks {
		a.checks = append(a.checks, checkRow{status: c.Status, text: [3]string{
			s.tr.T("verify.status." + string(c.Status)), s.tr.T("verify.check." + c.ID), reasonText(s.tr, c)}})
	}
	if si := r.Signature; si != nil {
		a.sigInfo = append(a.sigInfo,
			row{s.tr.T("technician.sig.algorithm"), si.Algorithm},
			row{s.tr.T("technician.sig.signed"), si.SignedBytes},
			row{s.tr.T("technician.sig.layout"), si.Layout})
	}
	if ci := r.Certificate; ci != nil {
		a.sigInfo = append(a.sigInfo,
			row{s.tr.T("technician.cert.subject"), ci.Subject},
			row{s.tr.T("technician.cert.issuer"), ci.Issuer},
			row{s.tr.T("technician.cert.validity"), ci.NotBefore + " — " + ci.NotAfter},
			row{s.tr.T("technician.cert.key"), ci.KeyAlgorithm},
			row{s.tr.T("technician.cert.serial"), ci.Serial})
	}
}

// readError explains a failed read in the user's language, with what to do next.
func (s *Screen) readError(err error) string {
	key := "technician.err.read"
	switch {
	case errors.Is(err, omscard.ErrNotOMSCard):
		key = "technician.err.not_oms"
	case errors.Is(err, omscard.ErrVoided):
		key = "technician.err.voided"
	case errors.Is(err, omscard.ErrInsurerUnreadable):
		key = "technician.err.insurer"
	case errors.Is(err, probe.ErrBusy):
		key = "technician.err.busy"
	}
	return s.tr.T(key, "error", err.Error())
}

// exchangesOf turns a dump's trace back into exchanges.
func exchangesOf(d *dump.Dump) []trace.Exchange {
	out := make([]trace.Exchange, 0, len(d.Trace))
	for i, e := range d.Trace {
		cmd, _ := hex.DecodeString(e.Command)
		resp, _ := hex.DecodeString(e.Response)
		out = append(out, trace.Exchange{Seq: i + 1, Command: cmd, Response: resp, Err: e.Error,
			Duration: microseconds(e.Micros)})
	}
	return out
}

// spaced writes bytes as upper-case hex pairs separated by spaces.
func spaced(b []byte) string { return fmt.Sprintf("% X", b) }
