package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
)

// prefsForm is the preferences dialog's widgets; kept apart so tests can fill it in.
type prefsForm struct {
	lang      *widget.Select
	registry  *widget.Entry
	printer   *widget.SelectEntry
	profiles  *widget.Entry
	largeText *widget.Check
	key       *widget.Entry
	dialog    *dialog.FormDialog
}

// languageNames are the language choices, each in its own language.
var languageNames = map[string]string{i18n.Russian: "Русский", i18n.English: "English"}

// ShowPreferences opens the preferences dialog. Saving writes the preferences, applies
// what can change at once (large text, printer, signing key, through Config.OnSettings)
// and says when a restart is needed (language, registry).
func (s *Shell) ShowPreferences() { s.preferencesForm().dialog.Show() }

func (s *Shell) preferencesForm() *prefsForm {
	tr, p := s.tr, s.cfg.Prefs
	old := LoadSettings(p)
	f := &prefsForm{}
	auto := tr.T("app.prefs.language.auto")
	f.lang = widget.NewSelect([]string{auto, languageNames[i18n.Russian], languageNames[i18n.English]}, nil)
	f.lang.SetSelected(auto)
	if n, ok := languageNames[old.Language]; ok {
		f.lang.SetSelected(n)
	}
	f.registry = widget.NewEntry()
	f.registry.SetPlaceHolder(DefaultRegistryPath())
	f.registry.SetText(old.Registry)
	f.printer = widget.NewSelectEntry(nil)
	f.printer.SetPlaceHolder(tr.T("app.prefs.printer.none"))
	f.printer.SetText(old.Printer)
	if s.cfg.Printers != nil {
		list := s.cfg.Printers
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			names, err := list(ctx)
			if err != nil || len(names) == 0 {
				return
			}
			fyne.Do(func() { f.printer.SetOptions(names) })
		}()
	}
	f.profiles = widget.NewEntry()
	f.profiles.SetPlaceHolder(tr.T("app.prefs.profiles.default"))
	f.profiles.SetText(old.PrinterProfiles)
	f.largeText = widget.NewCheck(tr.T("app.prefs.large_text.on"), nil)
	f.largeText.SetChecked(old.LargeText)
	f.key = widget.NewEntry()
	f.key.SetPlaceHolder("pkcs11:token=…;object=…")
	f.key.SetText(old.SigningKey)

	items := []*widget.FormItem{
		{Text: tr.T("app.prefs.language"), Widget: f.lang, HintText: tr.T("app.prefs.restart")},
		{Text: tr.T("app.prefs.registry"), Widget: f.registry, HintText: tr.T("app.prefs.restart")},
		{Text: tr.T("app.prefs.printer"), Widget: f.printer},
		{Text: tr.T("app.prefs.profiles"), Widget: f.profiles},
		{Text: tr.T("app.prefs.large_text"), Widget: f.largeText},
		{Text: tr.T("app.prefs.signing_key"), Widget: f.key, HintText: tr.T("app.prefs.signing_key.hint")},
	}
	f.dialog = dialog.NewForm(tr.T("app.prefs.title"), tr.T("app.prefs.save"), tr.T("app.prefs.cancel"), items,
		func(ok bool) {
			if ok {
				s.savePreferences(old, f)
			}
		}, s.win)
	f.dialog.Resize(fyne.NewSize(640, 420))
	return f
}

// savePreferences stores the dialog's values.
func (s *Shell) savePreferences(old Settings, f *prefsForm) {
	now := LoadSettings(s.cfg.Prefs) // mode and reader may have changed meanwhile
	now.Language = ""
	for code, name := range languageNames {
		if f.lang.Selected == name {
			now.Language = code
		}
	}
	now.Registry = f.registry.Text
	now.Printer = f.printer.Text
	now.PrinterProfiles = f.profiles.Text
	now.LargeText = f.largeText.Checked
	now.SigningKey = f.key.Text
	now.Save(s.cfg.Prefs)
	if s.cfg.OnSettings != nil {
		s.cfg.OnSettings(old, now)
	}
	if now.Language != old.Language || now.Registry != old.Registry {
		dialog.ShowInformation(s.tr.T("app.prefs.title"), s.tr.T("app.prefs.restart_needed"), s.win)
	}
}
