package frontdesk

import (
	"bytes"
	"context"
	"errors"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"

	"omsdesk/assets/i18n"
	"omsdesk/layout/certificate"
	"omsdesk/layout/doc"
	"omsdesk/layout/printing"
)

// previewDPI is the resolution of the on-screen certificate preview: an A4 page at 48 dpi
// is about 400 × 560 pixels, enough to recognise it, quick to draw.
const previewDPI = 48

// printTimeout bounds handing a job to CUPS (not the printing itself).
const printTimeout = 30 * time.Second

// onPrint lays out the certificate of the card on screen off the UI goroutine, shows
// it, and prints it when the user confirms.
func (s *Screen) onPrint() {
	if s.card == nil || s.d.Print == nil {
		return
	}
	u := s.card.u
	data := certificate.Data{Policy: u.Result.Policy, Office: s.d.Office}
	if u.Details != nil {
		data.CardSerial = u.Details.Serial
	}
	opts := certificate.Options{Insurers: s.d.Insurers}
	gen, tr := s.gen, s.tr
	s.print.Disable()
	s.message.SetText(s.tr.T("frontdesk.print.preparing"))
	s.d.Background(func() func() {
		img, pdf, err := renderCertificate(data, tr, opts)
		return func() {
			if gen != s.gen {
				return // the card left meanwhile: nothing of it may appear
			}
			s.print.Enable()
			if err != nil {
				s.message.SetText(s.tr.T("frontdesk.print.err.layout"))
				return
			}
			s.message.SetText("")
			if s.d.Window == nil {
				s.sendToPrinter(pdf)
				return
			}
			s.showPreview(img, pdf)
		}
	})
}

// renderCertificate lays out the certificate once for the screen and writes its PDF.
func renderCertificate(data certificate.Data, tr *i18n.Catalog, opts certificate.Options) (image.Image, []byte, error) {
	pg, err := certificate.Layout(data, tr, opts)
	if err != nil {
		return nil, nil, err
	}
	img, err := doc.Render(pg, previewDPI)
	if err != nil {
		return nil, nil, err
	}
	var pdf bytes.Buffer
	if err := certificate.Write(&pdf, []certificate.Data{data}, tr, opts); err != nil {
		return nil, nil, err
	}
	return img, pdf.Bytes(), nil
}

// showPreview opens the preview dialog; removing the card closes it (clear).
func (s *Screen) showPreview(img image.Image, pdf []byte) {
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	pic.SetMinSize(fyne.NewSize(420, 594))
	d := dialog.NewCustomConfirm(s.tr.T("frontdesk.print.preview"), s.tr.T("frontdesk.print.confirm"),
		s.tr.T("frontdesk.print.close"), pic, func(ok bool) {
			s.preview = nil
			if ok {
				s.sendToPrinter(pdf)
			}
		}, s.d.Window)
	s.preview = d
	d.Show()
}

// sendToPrinter submits the PDF to the printer chosen in the preferences.
func (s *Screen) sendToPrinter(pdf []byte) {
	printer := ""
	if s.d.Printer != nil {
		printer = s.d.Printer()
	}
	if printer == "" {
		s.message.SetText(s.tr.T("frontdesk.print.err.no_printer"))
		return
	}
	s.message.SetText(s.tr.T("frontdesk.print.sending", "printer", printer))
	print := s.d.Print
	s.d.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
		defer cancel()
		err := print(ctx, printer, pdf)
		return func() { s.message.SetText(s.printResult(printer, err)) }
	})
}

// printResult says how printing went, and what to do when it did not.
func (s *Screen) printResult(printer string, err error) string {
	switch {
	case err == nil:
		return s.tr.T("frontdesk.print.sent", "printer", printer)
	case errors.Is(err, printing.ErrNoCUPS):
		return s.tr.T("frontdesk.print.err.no_cups")
	case errors.Is(err, printing.ErrUnknownPrinter), errors.Is(err, printing.ErrInvalidJob):
		return s.tr.T("frontdesk.print.err.unknown_printer", "printer", printer)
	case errors.Is(err, printing.ErrJobFailed):
		return s.tr.T("frontdesk.print.err.job_failed", "printer", printer)
	}
	return s.tr.T("frontdesk.print.err.other", "printer", printer)
}
