// Package frontdesk is the clinic front desk's screen: a patient's card goes into the
// reader and within a second the screen shows who it belongs to (photo, name, birth
// date, sex, policy number with one-click copy, SNILS masked, insurer and region) and a
// verdict in large type — valid, expired, insurer record closed, not yet in force, card
// reported lost/stolen/replaced/voided in the registry, not an OMS card, voided,
// unreadable — with the reason and what to do next. When the card leaves, every
// personal datum leaves the screen with it.
//
// Reads are logged as visits in the registry and listed for the day; the certificate of
// the card on screen can be previewed and printed.
//
// The screen is a mode of the desktop shell (package app): it implements ID, Title,
// Object and ApplyCard, and gets everything else through Deps.
package frontdesk

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg" // card photos are JPEG
	_ "image/png"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/layout/insurers"
)

// visitPanelWidth is the width of the visit log beside the card, in points.
const visitPanelWidth = 300

// ID is the mode's identifier, remembered in the preferences as the last mode.
const ID = "frontdesk"

// Registry is what the front desk needs of the insurer office's registry: a card's
// status by serial, and the day's visit log.
type Registry interface {
	Card(ctx context.Context, serial string) (registry.Card, error)
	AddVisit(ctx context.Context, v registry.Visit) (int64, error)
	Visits(ctx context.Context, day policy.Date) ([]registry.Visit, error)
}

// Deps are the screen's services. Only Tr is required.
type Deps struct {
	Tr *i18n.Catalog
	// Registry checks cards and keeps the visit log; nil: no registry (cards are "not
	// checked against the registry", and there is no visit log).
	Registry Registry
	// Insurers names insurers by OGRN; nil: insurers.Builtin().
	Insurers *insurers.Table
	// Now is the clock (the visit times, "today" for the verdict); nil: time.Now.
	Now func() time.Time
	// Clipboard receives the copied policy number; nil: the current app's clipboard.
	Clipboard fyne.Clipboard
	// Window is where the certificate preview opens; nil: printing skips the preview.
	Window fyne.Window
	// Printer returns the CUPS queue chosen in the preferences ("" when none).
	Printer func() string
	// Print sends a PDF to a printer; nil: printing is not available and the button is
	// disabled with a note saying so.
	Print func(ctx context.Context, printer string, pdf []byte) error
	// LargeText starts the screen in the large-text layout (see SetLargeText).
	LargeText bool
	// Office names the issuing office on printed certificates.
	Office string
	// Background runs work off the UI goroutine and then the function it returns on the
	// UI goroutine; nil: a goroutine and fyne.Do. Tests pass a synchronous runner.
	Background func(work func() (ui func()))
}

// Screen is the front desk. Its methods run on the UI goroutine.
type Screen struct {
	d  Deps
	tr *i18n.Catalog

	gen      uint64 // bumped by every card update; older background results are dropped
	card     *shown // the card on screen; nil when there is none
	revealed bool   // SNILS shown in full
	large    bool
	preview  dialog.Dialog

	root *fyne.Container // holds body, or body inside scaled once large text was on
	body fyne.CanvasObject
	// scaled is the large-text theme over body, made the first time large text is
	// switched on. Fyne parses every font again for each theme-override scope (its font
	// cache is per scope), which cost ~70 ms and some MiB at start when every front desk
	// had one at scale 1.
	scaled   *container.ThemeOverride
	verdict  *canvas.Text
	reason   *widget.Label
	note     *widget.Label
	photo    *canvas.Image
	name     *widget.Label
	values   map[string]*widget.Label
	copyENP  *widget.Button
	reveal   *widget.Button
	print    *widget.Button
	printOff *widget.Label
	message  *widget.Label
	visits   *widget.List
	// visitLines are the visit log's lines, newest first; the list draws the visible ones.
	visitLines []string
	logWidth   *canvas.Rectangle // holds the visit log's width
	visitsNo   *widget.Label
}

// shown is the card on screen.
type shown struct {
	u       cardsource.Update
	finding Finding
}

// rows are the data rows under the name, in order; each is frontdesk.field.<row>.
var rows = []string{"birth_date", "sex", "enp", "snils", "insurer", "region", "insured", "expiry"}

// New builds the screen, idle, and loads today's visits.
func New(d Deps) *Screen {
	if d.Insurers == nil {
		d.Insurers = insurers.Builtin()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Background == nil {
		d.Background = func(work func() func()) {
			go func() {
				ui := work()
				fyne.Do(ui)
			}()
		}
	}
	s := &Screen{d: d, tr: d.Tr, values: map[string]*widget.Label{}}
	s.build()
	s.SetLargeText(d.LargeText)
	s.ApplyCard(cardsource.Update{State: cardsource.StateWaiting})
	s.loadVisits()
	return s
}

// ID returns "frontdesk".
func (s *Screen) ID() string { return ID }

// Title returns the tab's translated title.
func (s *Screen) Title() string { return s.tr.T("frontdesk.title") }

// Object returns the screen's root object.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

func (s *Screen) build() {
	s.verdict = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	s.verdict.TextStyle = fyne.TextStyle{Bold: true}
	s.verdict.Alignment = fyne.TextAlignCenter
	s.reason = widget.NewLabel("")
	s.reason.Alignment = fyne.TextAlignCenter
	s.reason.Wrapping = fyne.TextWrapWord
	s.note = widget.NewLabel("")
	s.note.Alignment = fyne.TextAlignCenter
	s.note.Importance = widget.LowImportance
	s.note.SizeName = theme.SizeNameCaptionText

	s.photo = canvas.NewImageFromImage(nil)
	s.photo.FillMode = canvas.ImageFillContain
	s.name = widget.NewLabel("")
	s.name.TextStyle = fyne.TextStyle{Bold: true}
	s.name.SizeName = theme.SizeNameSubHeadingText
	s.name.Wrapping = fyne.TextWrapWord
	s.name.Selectable = true

	// The rows are gathered first and laid out once: adding them one by one laid the
	// form out (measuring every label) after each.
	cells := make([]fyne.CanvasObject, 0, 2*len(rows))
	for _, k := range rows {
		v := widget.NewLabel("")
		s.values[k] = v
		value := fyne.CanvasObject(v)
		switch k {
		case "enp":
			v.TextStyle = fyne.TextStyle{Monospace: true}
			s.copyENP = widget.NewButtonWithIcon(s.tr.T("frontdesk.copy_enp"), theme.ContentCopyIcon(), s.onCopy)
			value = container.NewHBox(v, s.copyENP)
		case "snils":
			v.TextStyle = fyne.TextStyle{Monospace: true}
			s.reveal = widget.NewButtonWithIcon(s.tr.T("frontdesk.snils.reveal"), theme.VisibilityIcon(), s.onReveal)
			value = container.NewHBox(v, s.reveal)
		}
		cells = append(cells, widget.NewLabelWithStyle(capitalize(s.tr.T("frontdesk.field."+k)), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
			value)
	}
	form := container.New(layout.NewFormLayout(), cells...)

	s.print = widget.NewButtonWithIcon(s.tr.T("frontdesk.print"), theme.DocumentPrintIcon(), s.onPrint)
	s.printOff = widget.NewLabel("")
	s.printOff.Importance = widget.LowImportance
	if s.d.Print == nil {
		s.printOff.SetText(s.tr.T("frontdesk.print.unavailable"))
	}
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord

	s.visits = newVisitList(&s.visitLines)
	s.visitsNo = widget.NewLabel("")
	s.visitsNo.Importance = widget.LowImportance
	s.visitsNo.Wrapping = fyne.TextWrapWord
	visitPanel := container.NewBorder(
		container.NewVBox(
			widget.NewLabelWithStyle(s.tr.T("frontdesk.visits.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			s.visitsNo),
		nil, nil, nil, s.visits)

	top := container.NewVBox(s.verdict, s.reason, s.note, widget.NewSeparator())
	person := container.NewBorder(s.name, nil, container.NewVBox(s.photo), nil, container.NewVScroll(form))
	actions := container.NewBorder(nil, nil, container.NewHBox(s.print, s.printOff), nil, s.message)
	main := container.NewBorder(top, actions, nil, nil, person)
	// The visit log keeps a fixed width, so the card panel does not shift as cards come
	// and go.
	s.logWidth = canvas.NewRectangle(color.Transparent)
	body := container.NewBorder(nil, nil, nil,
		container.NewHBox(widget.NewSeparator(), container.NewStack(s.logWidth, visitPanel)), main)
	s.body = body
	s.root = container.NewStack(body)
}

// SetLargeText switches the large-text layout on or off: every text of the screen
// LargeTextFactor times bigger, the verdict bigger still.
func (s *Screen) SetLargeText(on bool) {
	s.large = on
	f := float32(1)
	s.verdict.TextSize = verdictSize
	if on {
		f = LargeTextFactor
		s.verdict.TextSize = verdictSizeLarge
	}
	s.photo.SetMinSize(fyne.NewSize(150*f, 200*f))
	s.logWidth.SetMinSize(fyne.NewSize(visitPanelWidth*f, 0))
	switch {
	case on && s.scaled == nil:
		s.scaled = container.NewThemeOverride(s.body, scaledTheme{factor: f})
		s.root.Objects = []fyne.CanvasObject{s.scaled}
	case s.scaled != nil:
		// Once overridden, the body keeps a theme of ours: back to scale 1 it is the
		// same override at factor 1 (Fyne cannot take an override off again).
		s.scaled.Theme = scaledTheme{factor: f}
		s.scaled.Refresh()
	}
	s.root.Refresh()
	s.verdict.Refresh()
}

// LargeText reports whether the large-text layout is on.
func (s *Screen) LargeText() bool { return s.large }

// ApplyCard shows a card update: the card read, its removal, a failed read. Call it on
// the UI goroutine.
func (s *Screen) ApplyCard(u cardsource.Update) {
	s.gen++
	s.clear()
	switch u.State {
	case cardsource.StateRead:
		if u.Result == nil || u.Result.Policy == nil {
			s.showFinding(JudgeError(u.Err))
			return
		}
		s.showCard(u)
	case cardsource.StateError:
		s.showFinding(JudgeError(u.Err))
	default: // idle or reading: the state is the message
		s.setVerdict(s.tr.T(u.State.Key()), theme.ColorNameForeground)
	}
}

// clear removes every trace of the previous card: personal data, the revealed SNILS,
// the certificate preview, messages.
func (s *Screen) clear() {
	s.card = nil
	s.revealed = false
	if s.preview != nil {
		s.preview.Hide()
		s.preview = nil
	}
	s.setVerdict("", theme.ColorNameForeground)
	s.reason.SetText("")
	s.note.SetText("")
	s.name.SetText("")
	for _, v := range s.values {
		v.SetText("")
	}
	s.photo.Image = nil
	s.photo.Refresh()
	s.message.SetText("")
	s.copyENP.Disable()
	s.reveal.Disable()
	s.reveal.SetText(s.tr.T("frontdesk.snils.reveal"))
	s.print.Disable()
}

func (s *Screen) setVerdict(text string, c fyne.ThemeColorName) {
	s.verdict.Text = text
	s.verdict.Color = theme.Color(c)
	s.verdict.Refresh()
}

// showCard puts the holder on screen at once, and the verdict as soon as the registry
// has answered (it is asked off the UI goroutine; the visit is logged at the same time).
func (s *Screen) showCard(u cardsource.Update) {
	p := u.Result.Policy
	o := &p.Owner
	s.card = &shown{u: u}
	s.name.SetText(joinNonEmpty(" ", o.Surname, o.FirstName, o.Patronymic))
	s.values["birth_date"].SetText(o.BirthDate.Russian())
	switch o.Sex {
	case policy.Male:
		s.values["sex"].SetText(s.tr.T("frontdesk.sex.male"))
	case policy.Female:
		s.values["sex"].SetText(s.tr.T("frontdesk.sex.female"))
	default:
		s.values["sex"].SetText(s.tr.T("frontdesk.sex.unknown"))
	}
	s.values["enp"].SetText(o.ENP)
	s.copyENP.Enable()
	s.showSNILS()
	if in := p.Insurer; in != nil {
		desc := s.d.Insurers.Describe(in, s.tr.Lang)
		ins := s.tr.T("frontdesk.insurer.ogrn", "ogrn", desc.OGRN)
		if desc.Name != "" {
			ins = s.tr.T("frontdesk.insurer.named", "name", desc.Name, "ogrn", desc.OGRN)
		}
		s.values["insurer"].SetText(ins)
		region := desc.OKATO
		if desc.Region != "" {
			region = s.tr.T("frontdesk.region", "okato", desc.OKATO, "region", desc.Region)
		}
		s.values["region"].SetText(region)
		end := s.tr.T("frontdesk.open_end")
		if !in.End.IsZero() {
			end = in.End.Russian()
		}
		s.values["insured"].SetText(s.tr.T("frontdesk.period", "from", in.Start.Russian(), "to", end))
	} else {
		s.values["insurer"].SetText(s.tr.T("frontdesk.insurer.none"))
	}
	if o.Expiry.Unlimited() {
		s.values["expiry"].SetText(s.tr.T("frontdesk.open_end"))
	} else {
		s.values["expiry"].SetText(o.Expiry.Russian())
	}
	if o.Photo != nil {
		if img, _, err := image.Decode(bytes.NewReader(o.Photo.Data)); err == nil {
			s.photo.Image = img
		}
	}
	s.photo.Refresh()
	if s.d.Print != nil {
		s.print.Enable()
	}

	today := policy.DateOf(s.d.Now())
	serial := ""
	if u.Details != nil {
		serial = u.Details.Serial
	}
	reg := s.d.Registry
	if reg == nil {
		s.showFinding(Judge(u, Lookup{Note: NoteNoRegistry}, today))
		return
	}
	s.setVerdict(s.tr.T("frontdesk.checking"), theme.ColorNameForeground)
	gen, now, reader := s.gen, s.d.Now(), u.Reader
	s.d.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		look := lookup(ctx, reg, serial)
		f := Judge(u, look, today)
		_, addErr := reg.AddVisit(ctx, registry.Visit{At: now, ENP: o.ENP, Reader: reader, Verdict: string(f.Verdict)})
		visits, listErr := reg.Visits(ctx, today)
		return func() {
			if gen == s.gen {
				s.showFinding(f)
			}
			s.showVisits(visits, errors.Join(addErr, listErr))
		}
	})
}

// lookup asks the registry about a serial. Nothing it fails to find is an error: an
// unknown card or a registry that does not answer leaves the card "not checked".
func lookup(ctx context.Context, reg Registry, serial string) Lookup {
	if serial == "" {
		return Lookup{Note: NoteNoSerial}
	}
	c, err := reg.Card(ctx, serial)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return Lookup{Note: NoteUnknownCard}
	case err != nil:
		return Lookup{Note: NoteUnavailable}
	}
	return Lookup{Note: NoteChecked, Card: &c}
}

// showFinding puts a verdict, its reason and the registry note on screen.
func (s *Screen) showFinding(f Finding) {
	if s.card != nil {
		s.card.finding = f
	}
	color := theme.ColorNameError
	if f.Verdict.Accepted() {
		color = theme.ColorNameSuccess
	}
	s.setVerdict(s.tr.T("frontdesk.verdict."+string(f.Verdict)), color)
	reason := s.tr.Format("frontdesk.reason."+string(f.Verdict), f.Params)
	if f.Verdict == Unreadable && f.Cause != "" {
		reason = s.tr.T("frontdesk.cause." + f.Cause)
	}
	s.reason.SetText(reason)
	note := ""
	if f.Note != "" {
		params := map[string]string{}
		if f.Note == NoteChecked && f.Params != nil {
			params["status"] = s.tr.T("frontdesk.card_status." + f.Params["status"])
		}
		note = s.tr.Format("frontdesk.registry."+f.Note, params)
	}
	s.note.SetText(note)
}

func (s *Screen) showSNILS() {
	snils := s.card.u.Result.Policy.Owner.SNILS
	v := s.values["snils"]
	switch {
	case snils == "":
		v.SetText(s.tr.T("frontdesk.snils.none"))
		s.reveal.Disable()
	case s.revealed:
		v.SetText(policy.FormatSNILS(snils))
		s.reveal.SetText(s.tr.T("frontdesk.snils.hide"))
		s.reveal.Enable()
	default:
		v.SetText(MaskSNILS(snils))
		s.reveal.SetText(s.tr.T("frontdesk.snils.reveal"))
		s.reveal.Enable()
	}
}

func (s *Screen) onReveal() {
	if s.card == nil {
		return
	}
	s.revealed = !s.revealed
	s.showSNILS()
}

func (s *Screen) onCopy() {
	if s.card == nil {
		return
	}
	cb := s.d.Clipboard
	if cb == nil {
		cb = fyne.CurrentApp().Clipboard()
	}
	cb.SetContent(s.card.u.Result.Policy.Owner.ENP)
	s.message.SetText(s.tr.T("frontdesk.copied"))
}

// capitalize upper-cases the first letter of a catalogue text used as a label.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
