package frontdesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/layout/printing"
)

type fakePrinter struct {
	printer string
	pdf     []byte
	err     error
}

func (f *fakePrinter) print(_ context.Context, printer string, pdf []byte) error {
	f.printer, f.pdf = printer, pdf
	return f.err
}

func TestPrintCertificate(t *testing.T) {
	test.NewTempApp(t)
	fp := &fakePrinter{}
	s, _ := newScreen(t, i18n.Russian, Deps{Print: fp.print, Printer: func() string { return "OMSDesk-PDF" }})
	if !s.print.Disabled() {
		t.Fatal("print enabled without a card")
	}
	s.ApplyCard(readUpdate(samplePolicy(), testSerial))
	test.Tap(s.print)
	if fp.printer != "OMSDesk-PDF" || !bytes.HasPrefix(fp.pdf, []byte("%PDF-")) {
		t.Fatalf("printed to %q: %d bytes %q…", fp.printer, len(fp.pdf), fp.pdf[:min(8, len(fp.pdf))])
	}
	if want := s.tr.T("frontdesk.print.sent", "printer", "OMSDesk-PDF"); s.message.Text != want {
		t.Errorf("message %q, want %q", s.message.Text, want)
	}
}

func TestPrintPreviewClosesWithTheCard(t *testing.T) {
	test.NewTempApp(t)
	fp := &fakePrinter{}
	d := Deps{Print: fp.print, Printer: func() string { return "P" }}
	s, w := newScreen(t, i18n.English, d)
	s.d.Window = w
	s.ApplyCard(readUpdate(samplePolicy(), ""))
	test.Tap(s.print)
	if s.preview == nil {
		t.Fatal("no preview")
	}
	if fp.pdf != nil {
		t.Fatal("printed before the user confirmed")
	}
	s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	if s.preview != nil || len(w.Canvas().Overlays().List()) != 0 {
		t.Fatal("the certificate preview stayed open after the card left")
	}
}

func TestPrintUnavailable(t *testing.T) {
	test.NewTempApp(t)
	s, _ := newScreen(t, i18n.English, Deps{})
	s.ApplyCard(readUpdate(samplePolicy(), ""))
	if !s.print.Disabled() || s.printOff.Text != s.tr.T("frontdesk.print.unavailable") {
		t.Errorf("print without a printer service: disabled %v, note %q", s.print.Disabled(), s.printOff.Text)
	}
}

func TestPrintErrors(t *testing.T) {
	test.NewTempApp(t)
	for _, tt := range []struct {
		printer string
		err     error
		key     string
	}{
		{"", nil, "frontdesk.print.err.no_printer"},
		{"P", fmt.Errorf("printing: %w", printing.ErrNoCUPS), "frontdesk.print.err.no_cups"},
		{"P", fmt.Errorf("printing: %w", printing.ErrUnknownPrinter), "frontdesk.print.err.unknown_printer"},
		{"P", &printing.JobError{ID: "P-1", State: "aborted"}, "frontdesk.print.err.job_failed"},
		{"P", errors.New("lp: broken pipe"), "frontdesk.print.err.other"},
	} {
		fp := &fakePrinter{err: tt.err}
		printer := tt.printer
		s, _ := newScreen(t, i18n.English, Deps{Print: fp.print, Printer: func() string { return printer }})
		s.ApplyCard(readUpdate(samplePolicy(), ""))
		test.Tap(s.print)
		if want := s.tr.T(tt.key, "printer", tt.printer); s.message.Text != want {
			t.Errorf("%v: message %q, want %q", tt.err, s.message.Text, want)
		}
	}
}
