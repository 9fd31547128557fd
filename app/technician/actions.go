package technician

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"omsdesk/app/cardsource"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	pdfreport "omsdesk/layout/report"
)

// stamp is the moment in file names: no personal data in them.
func (s *Screen) stamp() string { return s.d.Now().Format("20060102-150405") }

// onReadAgain reads the card in the last reader again.
func (s *Screen) onReadAgain() {
	if s.d.ReadCard == nil || s.reader == "" {
		return
	}
	s.newContent()
	s.setHeader(s.tr.T("technician.source.card", "reader", s.readerLabel(s.reader)), s.tr.T(cardsource.StateReading.Key()))
	s.readAgain(s.reader, nil)
}

// onSaveDump saves what is on screen as a dump file. A card's trace is saved redacted
// unless the technician revealed it; an opened dump is saved as it was loaded.
func (s *Screen) onSaveDump() {
	snap := s.cur
	if snap == nil || snap.d == nil || s.d.SaveFile == nil {
		return
	}
	d := snap.d
	if cr := snap.card; cr != nil {
		res := cr.Result
		if res == nil {
			res = &omscard.Result{}
		}
		d = dump.FromReadDetails(s.d.Program, cr.Reader, cr.ATR, res, cr.Details, cr.Exchanges, s.revealed, s.d.Now())
	}
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		s.setMessage(s.tr.T("technician.err.save", "error", err.Error()), true)
		return
	}
	s.saveFile("card-dump-"+s.stamp()+".json", buf.Bytes(), "technician.msg.dump_saved")
}

// saveFile hands data to the save dialog and reports where it went under msgKey.
func (s *Screen) saveFile(name string, data []byte, msgKey string) {
	s.d.SaveFile(name, data, func(location string, err error) {
		switch {
		case errors.Is(err, ErrCancelled):
		case err != nil:
			s.setMessage(s.tr.T("technician.err.save", "error", err.Error()), true)
		default:
			s.setMessage(s.tr.T(msgKey, "file", location), false)
		}
	})
}

// onOpenDump opens a dump file and shows it as if its card were in the reader.
func (s *Screen) onOpenDump() {
	if s.d.OpenFile == nil {
		return
	}
	s.d.OpenFile(func(name string, data []byte, err error) {
		if s.openFailed(name, err) {
			return
		}
		s.newContent()
		gen := s.gen
		s.setHeader(s.tr.T("technician.source.dump", "file", name), s.tr.T("technician.state.loading"))
		trust := s.v.trust.Text
		s.background(func() func() {
			d, err := dump.Load(bytes.NewReader(data))
			if err != nil {
				return func() {
					if gen == s.gen {
						s.v.state.SetText("")
						s.setMessage(s.dumpError(name, err), true)
					}
				}
			}
			snap := &snapshot{file: name, fromDump: true, d: d, exchanges: exchangesOf(d), traceRedacted: d.TraceRedacted}
			a := s.compute(snap, trust)
			return func() {
				if gen != s.gen {
					return
				}
				s.showEmpty()
				s.setHeader(s.tr.T("technician.source.dump", "file", name), s.dumpState(d))
				s.setMessage("", false)
				s.show(snap, a)
			}
		})
	})
}

// dumpState describes an opened dump: where and when it was made.
func (s *Screen) dumpState(d *dump.Dump) string {
	reader := s.readerLabel(d.Reader)
	if reader == "" {
		reader = "—"
	}
	when := "—"
	if !d.Created.IsZero() {
		when = d.Created.Local().Format("02.01.2006 15:04")
	}
	return s.tr.T("technician.state.dump", "reader", reader, "created", when)
}

// openFailed reports (and shows) a failed or cancelled open.
func (s *Screen) openFailed(name string, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrCancelled):
	default:
		s.setMessage(s.tr.T("technician.err.open", "file", name, "error", err.Error()), true)
	}
	return true
}

// dumpError explains a file that does not load as a dump.
func (s *Screen) dumpError(name string, err error) string {
	switch {
	case errors.Is(err, dump.ErrNewerVersion):
		return s.tr.T("technician.err.newer_dump", "file", name)
	case errors.Is(err, dump.ErrNotADump):
		return s.tr.T("technician.err.not_dump", "file", name)
	}
	return s.tr.T("technician.err.bad_dump", "file", name, "error", err.Error())
}

// onCompare asks for two dumps and lists every field that differs between them.
func (s *Screen) onCompare() {
	if s.d.OpenFile == nil {
		return
	}
	s.setMessage(s.tr.T("technician.msg.choose_a"), false)
	s.d.OpenFile(func(nameA string, dataA []byte, err error) {
		if s.openFailed(nameA, err) {
			return
		}
		s.setMessage(s.tr.T("technician.msg.choose_b", "file", nameA), false)
		s.d.OpenFile(func(nameB string, dataB []byte, err error) {
			if s.openFailed(nameB, err) {
				return
			}
			s.setMessage(s.tr.T("technician.msg.comparing"), false)
			s.background(func() func() {
				a, errA := dump.Load(bytes.NewReader(dataA))
				b, errB := dump.Load(bytes.NewReader(dataB))
				if errA != nil || errB != nil {
					msg := ""
					if errA != nil {
						msg = s.dumpError(nameA, errA)
					} else {
						msg = s.dumpError(nameB, errB)
					}
					return func() { s.setMessage(msg, true) }
				}
				diffs := dump.Diff(a, b)
				return func() { s.showDiff(nameA, nameB, diffs) }
			})
		})
	})
}

// showDiff fills the comparison tab and brings it forward.
func (s *Screen) showDiff(nameA, nameB string, diffs []dump.Difference) {
	v := s.v
	v.diff.Objects = nil
	if len(diffs) == 0 {
		v.compareHead.SetText(s.tr.T("technician.compare.same", "a", nameA, "b", nameB))
	} else {
		v.compareHead.SetText(s.tr.T("technician.compare.head", "a", nameA, "b", nameB, "n", fmt.Sprint(len(diffs))))
		for _, h := range []string{s.tr.T("technician.compare.field"), "A: " + nameA, "B: " + nameB} {
			v.diff.Add(boldLabel(h))
		}
		for _, d := range diffs {
			v.diff.Add(wrapped(d.Field))
			v.diff.Add(wrapped(orDash(d.A)))
			v.diff.Add(wrapped(orDash(d.B)))
		}
	}
	v.diff.Refresh()
	s.setMessage("", false)
	v.tabs.Select(v.tabs.Items[5])
}

// onDiagnose collects the diagnostics bundle in the background and offers to save it.
func (s *Screen) onDiagnose() {
	if s.d.Diagnose == nil || s.diagnosing {
		return
	}
	s.diagnosing = true
	s.updateButtons()
	s.setMessage(s.tr.T("technician.msg.diagnosing"), false)
	s.background(func() func() {
		b := s.d.Diagnose(context.Background())
		var buf bytes.Buffer
		var err error
		if b == nil {
			err = errors.New("no bundle")
		} else {
			err = b.WriteJSON(&buf)
		}
		return func() {
			s.diagnosing = false
			s.updateButtons()
			if err != nil {
				s.setMessage(s.tr.T("technician.err.diagnostics", "error", err.Error()), true)
				return
			}
			if s.d.SaveFile == nil {
				s.setMessage(s.tr.T("technician.msg.diag_done"), false)
				return
			}
			s.setMessage(s.tr.T("technician.msg.diag_ready", "readers", fmt.Sprint(len(b.Readers)), "problems", fmt.Sprint(len(b.Errors))), false)
			s.saveFile("omsdesk-diagnostics-"+s.stamp()+".json", buf.Bytes(), "technician.msg.diag_saved")
		}
	})
}

// onExportPDF renders the integrity report as a PDF in the background and offers to
// save it.
func (s *Screen) onExportPDF() {
	r := s.report
	if r == nil || s.d.SaveFile == nil {
		return
	}
	opts := pdfreport.Options{Created: s.d.Now(), Program: s.d.Program}
	if label := s.readerLabel(r.Reader); label != r.Reader {
		opts.ReaderLabel = label
	}
	s.setMessage(s.tr.T("technician.msg.rendering"), false)
	tr := s.tr
	s.background(func() func() {
		var buf bytes.Buffer
		err := pdfreport.Render(&buf, r, tr, opts)
		return func() {
			if err != nil {
				s.setMessage(s.tr.T("technician.err.pdf", "error", err.Error()), true)
				return
			}
			s.setMessage("", false)
			s.saveFile("integrity-report-"+s.stamp()+".pdf", buf.Bytes(), "technician.msg.pdf_saved")
		}
	})
}

// onRecheck runs the integrity check again, with the trust store directory as typed.
func (s *Screen) onRecheck() {
	snap := s.cur
	if snap == nil || snap.d == nil {
		return
	}
	gen, trust := s.gen, s.v.trust.Text
	s.background(func() func() {
		a := &analysis{}
		s.check(a, snap.d, trust)
		return func() {
			if gen != s.gen {
				return
			}
			s.showReport(a)
		}
	})
}

// onReveal shows the trace's personal data after an explicit confirmation, or hides
// them again.
func (s *Screen) onReveal() {
	if s.cur == nil {
		return
	}
	if s.revealed {
		s.revealed = false
		s.showTrace()
		return
	}
	gen := s.gen
	s.confirm(s.tr.T("technician.reveal.title"), s.tr.T("technician.reveal.message"), func(ok bool) {
		if ok && gen == s.gen {
			s.revealed = true
			s.showTrace()
		}
	})
}

// confirm asks a yes/no question in a dialog over the parent window; without one it
// refuses, so nothing personal is shown unasked.
func (s *Screen) confirm(title, message string, done func(bool)) {
	if s.d.Window == nil {
		done(false)
		return
	}
	d := dialog.NewConfirm(title, message, done, s.d.Window)
	d.SetConfirmText(s.tr.T("technician.reveal.confirm"))
	d.SetDismissText(s.tr.T("technician.reveal.cancel"))
	d.Show()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
