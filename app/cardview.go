package app

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // card photos are JPEG
	_ "image/png"
	"omsdesk/app/cardsource"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
)

// CardView shows one card: a status line, the verdict, the holder's photo and data. It
// holds nothing but widgets; Apply puts an cardsource.Update on screen and, when the card leaves,
// wipes every personal field.
type CardView struct {
	tr    *i18n.Catalog
	today func() policy.Date

	status  *widget.Label
	verdict *widget.Label
	photo   *canvas.Image
	fields  map[string]*widget.Label
	copyENP *widget.Button
	enp     string
	root    fyne.CanvasObject
	// OnCopy receives the policy number when the user asks to copy it.
	OnCopy func(string)
}

// fieldOrder is the order of the data rows; each key is also the translation key suffix
// ("field.<key>").
var fieldOrder = []string{"surname", "first_name", "patronymic", "birth_date", "sex", "enp",
	"ogrn", "okato", "insurance_start", "insurance_end"}

// NewCardView builds the view in the catalogue's language.
func NewCardView(tr *i18n.Catalog, today func() policy.Date) *CardView {
	v := &CardView{tr: tr, today: today, fields: map[string]*widget.Label{}}
	v.status = widget.NewLabel("")
	v.verdict = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	v.verdict.SizeName = "headingText"
	v.photo = canvas.NewImageFromImage(nil)
	v.photo.FillMode = canvas.ImageFillContain
	v.photo.SetMinSize(fyne.NewSize(120, 160))
	form := container.New(newFormLayout())
	for _, k := range fieldOrder {
		l := widget.NewLabel("")
		l.Selectable = true
		v.fields[k] = l
		form.Add(widget.NewLabelWithStyle(capitalize(tr.T("field."+k)), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		form.Add(l)
	}
	v.copyENP = widget.NewButton(tr.T("app.copy_enp"), func() {
		if v.OnCopy != nil && v.enp != "" {
			v.OnCopy(v.enp)
		}
	})
	v.copyENP.Disable()
	body := container.NewBorder(nil, nil, v.photo, nil, form)
	v.root = container.NewBorder(v.verdict, container.NewVBox(v.copyENP, widget.NewSeparator(), v.status), nil, nil, body)
	v.Apply(cardsource.Update{State: cardsource.StateWaiting})
	return v
}

// Object returns the view's root object for a window.
func (v *CardView) Object() fyne.CanvasObject { return v.root }

// Apply shows an update. Call it on the UI goroutine (fyne.Do from elsewhere).
func (v *CardView) Apply(u cardsource.Update) {
	status := v.tr.T(u.State.Key())
	switch u.Reader {
	case "":
	case cardsource.VirtualReader:
		status = fmt.Sprintf("%s — %s", status, v.tr.T("app.virtual_reader"))
	default:
		status = fmt.Sprintf("%s — %s", status, u.Reader)
	}
	if len(u.ATR) > 0 {
		status += fmt.Sprintf(" — ATR % X", u.ATR)
	}
	v.status.SetText(status)
	switch u.State {
	case cardsource.StateRead:
		v.show(u.Result.Policy)
	case cardsource.StateError:
		v.clear()
		v.verdict.SetText(v.tr.T(errorKey(u.Err)))
		v.status.SetText(status + "\n" + fmt.Sprint(u.Err))
	case cardsource.StateReading:
		v.clear()
		v.verdict.SetText(v.tr.T("app.state.reading"))
	default:
		v.clear()
	}
}

func (v *CardView) show(p *policy.Policy) {
	o := &p.Owner
	v.verdict.SetText(v.tr.T("status." + string(p.Status(v.today()))))
	set := func(k, s string) { v.fields[k].SetText(s) }
	set("surname", o.Surname)
	set("first_name", o.FirstName)
	set("patronymic", o.Patronymic)
	set("birth_date", o.BirthDate.Russian())
	switch o.Sex {
	case policy.Male, policy.Female:
		set("sex", v.tr.T("sex."+o.Sex.String()))
	default:
		set("sex", o.Sex.String())
	}
	set("enp", o.ENP)
	v.enp = o.ENP
	v.copyENP.Enable()
	if in := p.Insurer; in != nil {
		set("ogrn", in.OGRN)
		okato := in.OKATO
		if s, ok := policy.OKATOSubject(in.OKATO); ok {
			name := s.NameRU
			if v.tr.Lang == i18n.English {
				name = s.NameEN
			}
			okato += " — " + name
		}
		set("okato", okato)
		set("insurance_start", in.Start.Russian())
		set("insurance_end", in.End.Russian())
	}
	v.photo.Image = nil
	if o.Photo != nil {
		if img, _, err := image.Decode(bytes.NewReader(o.Photo.Data)); err == nil {
			v.photo.Image = img
		}
	}
	v.photo.Refresh()
}

// clear removes every personal datum from the screen: nothing of a patient stays
// visible after the card leaves.
func (v *CardView) clear() {
	for _, l := range v.fields {
		l.SetText("")
	}
	v.verdict.SetText("")
	v.enp = ""
	v.copyENP.Disable()
	v.photo.Image = nil
	v.photo.Refresh()
}

// errorKey picks the message for a failed read.
func errorKey(err error) string {
	switch {
	case isNotOMS(err):
		return "app.err.not_oms"
	case err == nil:
		return "app.state.error"
	}
	return "app.err.unreadable"
}
