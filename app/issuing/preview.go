package issuing

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// preview shows the card face (front and back) and the certificate of the card just
// issued, and prints them.
type preview struct {
	s                    *Screen
	box                  *fyne.Container
	note                 *widget.Label
	front, back, cert    *canvas.Image
	printFace, printCert *widget.Button
	printNote            *widget.Label
	facePDF, certPDF     []byte
	serial               string
}

func newPreview(s *Screen) *preview {
	p := &preview{s: s, note: widget.NewLabel(""), printNote: widget.NewLabel("")}
	p.note.Wrapping = fyne.TextWrapWord
	p.printNote.Wrapping = fyne.TextWrapWord
	img := func(w, h float32) *canvas.Image {
		i := canvas.NewImageFromImage(nil)
		i.FillMode = canvas.ImageFillContain
		i.SetMinSize(fyne.NewSize(w, h))
		i.Hide()
		return i
	}
	p.front, p.back, p.cert = img(214, 135), img(214, 135), img(210, 297)
	p.printFace = widget.NewButton(s.tr.T("issuing.print.face"), func() { p.print(PrintFace, p.facePDF) })
	p.printCert = widget.NewButton(s.tr.T("issuing.print.certificate"), func() { p.print(PrintCertificate, p.certPDF) })
	p.box = container.NewVBox(
		widget.NewLabelWithStyle(s.tr.T("issuing.preview.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.note, container.NewHBox(p.front, p.back), p.cert,
		container.NewHBox(p.printFace, p.printCert), p.printNote)
	p.box.Hide()
	return p
}

func (p *preview) object() fyne.CanvasObject { return p.box }

func (p *preview) clear() {
	setImage(p.front, nil)
	setImage(p.back, nil)
	setImage(p.cert, nil)
	p.facePDF, p.certPDF, p.serial = nil, nil, ""
	p.note.SetText("")
	p.printNote.SetText("")
	p.box.Hide()
}

// render makes the previews; it runs on the workflow's goroutine (PDF and raster work
// stay off the UI goroutine) and hands the images over through fyne.Do, unless
// another run (gen) has started since.
func (p *preview) render(d Printable, gen int) {
	current := func() bool { return p.s.single.run.gen == gen }
	r := p.s.d.Renderer
	if r == nil {
		fyne.DoAndWait(func() {
			if !current() {
				return
			}
			p.note.SetText(p.s.tr.T("issuing.preview.unavailable"))
			p.printFace.Disable()
			p.printCert.Disable()
			p.box.Show()
			p.s.single.relayout()
		})
		return
	}
	front, back, facePDF, ferr := r.Face(d)
	certPNG, certPDF, cerr := r.Certificate(d)
	fyne.DoAndWait(func() {
		if !current() {
			return
		}
		p.serial = d.Serial
		p.note.SetText("")
		msg := ""
		if ferr != nil {
			msg += p.s.tr.T("issuing.preview.face_failed", "error", ferr.Error()) + "\n"
		}
		if cerr != nil {
			msg += p.s.tr.T("issuing.preview.certificate_failed", "error", cerr.Error())
		}
		p.note.SetText(msg)
		setImage(p.front, decode(front))
		setImage(p.back, decode(back))
		setImage(p.cert, decode(certPNG))
		p.facePDF, p.certPDF = facePDF, certPDF
		enable(p.printFace, facePDF != nil && p.s.d.Print != nil)
		enable(p.printCert, certPDF != nil && p.s.d.Print != nil)
		if p.s.d.Print == nil {
			p.printNote.SetText(p.s.tr.T("issuing.print.unavailable"))
		}
		p.box.Show()
		p.s.single.relayout()
	})
}

// print sends a PDF off the UI goroutine and reports the outcome.
func (p *preview) print(kind PrintKind, pdf []byte) {
	if pdf == nil || p.s.d.Print == nil {
		return
	}
	job := PrintJob{Kind: kind, Title: "OMS-" + string(kind) + "-" + p.serial, PDF: pdf}
	p.printNote.SetText(p.s.tr.T("issuing.print.sending"))
	go func() {
		defer p.s.done()
		err := p.s.d.Print(context.Background(), job)
		fyne.DoAndWait(func() {
			if err != nil {
				p.printNote.SetText(p.s.tr.T("issuing.print.failed", "error", err.Error()))
				return
			}
			p.printNote.SetText(p.s.tr.T("issuing.print.sent"))
		})
	}()
}

func enable(b fyne.Disableable, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
