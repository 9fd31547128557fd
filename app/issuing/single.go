package issuing

import (
	"bytes"
	"image"
	_ "image/jpeg" // photos are JPEG after normalisation
	_ "image/png"  // previews are PNG
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"omsdesk/cardio/issuance"
)

// single is the form for one card and its write flow.
type single struct {
	s     *Screen
	model *formModel

	entries map[string]*widget.Entry
	sex     *widget.Select
	reason  *widget.Select
	msgs    map[string]*widget.Label // one message line under each field
	// imageErr holds the last import error of the photo and the signature.
	imageErr map[string]string

	photo, signature       *canvas.Image
	photoImg               image.Image // the normalised photo, decoded once
	photoBtn, signatureBtn *widget.Button
	photoNote              *widget.Label
	holderBox              *fyne.Container

	cardLine *widget.Label
	hint     *widget.Label
	writeBtn *widget.Button
	run      runView
	scrolls  []*container.Scroll
	root     fyne.CanvasObject
}

// relayout lays the form and the run out again after messages, images or steps came
// or went, so that nothing overlaps until the next resize.
func (f *single) relayout() {
	for _, sc := range f.scrolls {
		sc.Refresh()
		sc.Content.Refresh()
	}
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func danger(l *widget.Label) *widget.Label {
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// fieldLabel is the translated name of a form field.
func (f *single) fieldLabel(field string) string {
	if k := "field." + field; f.s.tr.Has(k) {
		return capitalize(f.s.tr.T(k))
	}
	return f.s.tr.T("issuing.field." + field)
}

func newSingle(s *Screen) *single {
	tr := s.tr
	f := &single{s: s, model: newFormModel(), entries: map[string]*widget.Entry{}, msgs: map[string]*widget.Label{},
		imageErr: map[string]string{}}
	row := func(form *fyne.Container, field string, input fyne.CanvasObject) {
		f.msgs[field] = danger(widget.NewLabel(""))
		form.Add(widget.NewLabelWithStyle(f.fieldLabel(field), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		form.Add(container.NewVBox(input, f.msgs[field]))
	}
	entry := func(field string) *widget.Entry {
		e := widget.NewEntry()
		switch field {
		case fBirthDate, fExpiry, fStart:
			e.SetPlaceHolder(tr.T("issuing.hint.date"))
		case fSNILS:
			e.SetPlaceHolder("123-456-789 01")
		}
		e.OnChanged = func(text string) { f.onChanged(field, text) }
		f.entries[field] = e
		return e
	}

	holder := container.New(layout.NewFormLayout())
	for _, field := range holderFields {
		if field == fSex {
			f.sex = widget.NewSelect([]string{tr.T("sex.male"), tr.T("sex.female")}, func(v string) {
				val := ""
				switch v {
				case tr.T("sex.male"):
					val = "male"
				case tr.T("sex.female"):
					val = "female"
				}
				f.onChanged(fSex, val)
			})
			f.sex.PlaceHolder = tr.T("issuing.hint.choose")
			row(holder, fSex, f.sex)
			continue
		}
		row(holder, field, entry(field))
	}
	f.photo, f.signature = canvas.NewImageFromImage(nil), canvas.NewImageFromImage(nil)
	f.photo.FillMode, f.signature.FillMode = canvas.ImageFillContain, canvas.ImageFillContain
	f.photo.Hide()
	f.signature.Hide()
	f.photo.SetMinSize(fyne.NewSize(90, 120))
	f.signature.SetMinSize(fyne.NewSize(150, 50))
	f.photoBtn = widget.NewButton(tr.T("issuing.photo.import"), func() { f.chooseImage(f.importPhoto) })
	f.signatureBtn = widget.NewButton(tr.T("issuing.signature.import"), func() { f.chooseImage(f.importSignature) })
	f.photoNote = widget.NewLabel("")
	f.photoNote.Wrapping = fyne.TextWrapWord
	f.photoNote.Hide()
	f.msgs["signature"] = danger(widget.NewLabel(""))
	row(holder, fPhoto, container.NewVBox(container.NewHBox(f.photo, container.NewVBox(f.photoBtn)), f.photoNote))
	holder.Add(widget.NewLabelWithStyle(f.fieldLabel("signature"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
	holder.Add(container.NewVBox(container.NewHBox(f.signature, container.NewVBox(f.signatureBtn)), f.msgs["signature"]))
	f.holderBox = container.NewVBox(widget.NewLabelWithStyle(tr.T("issuing.section.holder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), holder)

	for _, field := range append(append([]string{}, insurerFields...), fOldCard) {
		entry(field)
		f.msgs[field] = danger(widget.NewLabel(""))
	}
	f.msgs[fReason] = danger(widget.NewLabel(""))

	names := make([]string, len(reasons))
	for i, r := range reasons {
		names[i] = tr.T("issuing.reason." + string(r))
	}
	f.reason = widget.NewSelect(names, func(v string) {
		for i, n := range names {
			if n == v {
				f.model.reason = reasons[i]
			}
		}
		f.model.touched[fReason] = true
		f.refresh()
	})

	f.cardLine = widget.NewLabel("")
	f.cardLine.Wrapping = fyne.TextWrapWord
	f.hint = widget.NewLabel("")
	f.hint.Wrapping = fyne.TextWrapWord
	f.writeBtn = widget.NewButton(tr.T("issuing.write"), f.onWrite)
	f.writeBtn.Importance = widget.HighImportance
	f.run = newRunView(s)
	f.reason.SetSelectedIndex(0)
	return f
}

func (f *single) object() fyne.CanvasObject {
	if f.root != nil {
		return f.root
	}
	tr := f.s.tr
	form := container.NewVBox(
		widget.NewLabelWithStyle(tr.T("issuing.section.reason"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.New(layout.NewFormLayout(), widget.NewLabelWithStyle(f.fieldLabel(fReason), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
			container.NewVBox(f.reason, f.msgs[fReason]),
			widget.NewLabelWithStyle(f.fieldLabel(fOldCard), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
			container.NewVBox(f.entries[fOldCard], f.msgs[fOldCard])),
		f.holderBox,
		widget.NewLabelWithStyle(tr.T("issuing.section.insurer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.insurerForm(),
	)
	side := container.NewVBox(f.cardLine, f.writeBtn, f.hint, f.run.object())
	f.scrolls = []*container.Scroll{container.NewVScroll(form), container.NewVScroll(side)}
	split := container.NewHSplit(f.scrolls[0], f.scrolls[1])
	split.Offset = 0.55
	f.root = split
	return split
}

func (f *single) insurerForm() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, field := range insurerFields {
		form.Add(widget.NewLabelWithStyle(f.fieldLabel(field), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		form.Add(container.NewVBox(f.entries[field], f.msgs[field]))
	}
	return form
}

// onChanged is every edit: the form is checked again at once.
func (f *single) onChanged(field, text string) {
	f.model.values[field] = text
	f.model.touched[field] = true
	f.refresh()
}

// refresh checks the form and puts the findings, the photo rule, the card line and
// the state of "Write card" on screen.
func (f *single) refresh() {
	tr := f.s.tr
	c := f.model.check(tr, f.s.today())
	for field, l := range f.msgs {
		msg, bad := c.errs[field]
		if m := f.imageErr[field]; m != "" {
			msg, bad = m, true
		}
		if bad && (f.model.touched[field] || f.imageErr[field] != "" || field == fPhoto && f.model.touched[fBirthDate] ||
			field == fOldCard && f.model.touched[fReason]) {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	change := f.model.reason == issuance.ReasonInsurerChange
	if change {
		f.holderBox.Hide()
	} else {
		f.holderBox.Show()
	}
	if e := f.entries[fOldCard]; e != nil {
		switch f.model.reason {
		case issuance.ReasonLost, issuance.ReasonStolen, issuance.ReasonDataChange:
			e.Enable()
		default:
			e.Disable()
		}
	}
	// The under-14 rule: a child's card carries no photo; the imported one is kept
	// aside (not written, not shown) in case the birth date was a typo.
	if c.ageKnown && c.under14 {
		f.photoBtn.Disable()
		setImage(f.photo, nil)
		f.photoNote.SetText(tr.T("issuing.photo.child"))
		f.photoNote.Show()
	} else {
		f.photoBtn.Enable()
		setImage(f.photo, f.photoImg)
		f.photoNote.Hide()
	}
	f.cardLine.SetText(f.cardText())
	hint, ok := f.writeHint(c)
	f.hint.SetText(hint)
	if ok && !f.run.busy {
		f.writeBtn.Enable()
	} else {
		f.writeBtn.Disable()
	}
	f.relayout()
}

func (f *single) cardText() string {
	tr := f.s.tr
	switch f.s.card {
	case cardReading:
		return tr.T("issuing.card.reading")
	case cardBlank:
		return tr.T("issuing.card.blank")
	case cardIssued:
		return tr.T("issuing.card.issued", "enp", f.s.enp)
	case cardOther:
		return tr.T("issuing.card.other")
	}
	return tr.T("issuing.card.none")
}

// writeHint says why "Write card" is disabled, or what it will do.
func (f *single) writeHint(c checked) (string, bool) {
	tr := f.s.tr
	change := f.model.reason == issuance.ReasonInsurerChange
	switch {
	case !c.valid():
		return tr.T("issuing.hint.invalid", "count", strconv.Itoa(len(c.errs))), false
	case f.s.card == cardNone || f.s.card == cardReading:
		return tr.T("issuing.hint.insert"), false
	case change && f.s.card != cardIssued:
		return tr.T("issuing.hint.need_issued"), false
	case !change && f.s.card == cardIssued:
		return tr.T("issuing.hint.need_blank"), false
	}
	return tr.T("issuing.hint.ready"), true
}

// chooseImage opens a JPEG/PNG file dialog; without a window (tests) it does nothing.
func (f *single) chooseImage(then func([]byte)) {
	if f.s.d.Window == nil {
		return
	}
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		if err != nil {
			dialog.ShowError(err, f.s.d.Window)
			return
		}
		then(data)
	}, f.s.d.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}))
	d.Show()
}

// importPhoto crops the photo to 3:4 and reduces it for the chip, off the UI goroutine.
func (f *single) importPhoto(data []byte) {
	f.importImage(data, issuance.NormalizePhoto, fPhoto, func(b []byte) { f.model.photo, f.photoImg = b, decode(b) })
}

// importSignature fits the signature image for the card face.
func (f *single) importSignature(data []byte) {
	f.importImage(data, issuance.NormalizeSignature, "signature", func(b []byte) {
		f.model.signature = b
		setImage(f.signature, decode(b))
	})
}

func (f *single) importImage(data []byte, normalize func([]byte) ([]byte, error), field string, set func([]byte)) {
	go func() {
		defer f.s.done()
		out, err := normalize(data)
		fyne.DoAndWait(func() {
			f.imageErr[field] = ""
			if err != nil {
				f.imageErr[field] = explain(f.s.tr, err).message
			} else {
				set(out)
			}
			f.refresh()
		})
	}()
}

// setImage shows img, or hides the frame when there is none.
func setImage(c *canvas.Image, img image.Image) {
	c.Image = img
	if img == nil {
		c.Hide()
	} else {
		c.Show()
	}
	c.Refresh()
}

func decode(b []byte) image.Image {
	if b == nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}
