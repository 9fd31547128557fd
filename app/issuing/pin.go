package issuing

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/personalise"
)

// PINDialog is the Deps.PINs of the application: a modal form over w asking for the
// PINs the workflow needs (4 to 8 digits each, the profile's format). The entries are
// password fields, emptied as soon as the dialog closes; the PINs go to the caller
// only, who uses them for one workflow.
func PINDialog(w fyne.Window, tr *i18n.Catalog) func(ctx context.Context, need PINRequest) (personalise.PINs, error) {
	return func(ctx context.Context, need PINRequest) (personalise.PINs, error) {
		type answer struct {
			pins personalise.PINs
			ok   bool
		}
		ch := make(chan answer, 1)
		var d dialog.Dialog
		fyne.Do(func() {
			d = pinDialog(w, tr, need, func(pins personalise.PINs, ok bool) { ch <- answer{pins: pins, ok: ok} })
			d.Show()
		})
		select {
		case a := <-ch:
			if !a.ok {
				return personalise.PINs{}, ErrCancelled
			}
			return a.pins, nil
		case <-ctx.Done():
			fyne.Do(func() {
				if d != nil {
					d.Hide()
				}
			})
			return personalise.PINs{}, ctx.Err()
		}
	}
}

// pinDialog builds the form; answer gets the PINs typed (or ok false) once, and the
// entries are emptied right after.
func pinDialog(w fyne.Window, tr *i18n.Catalog, need PINRequest, answer func(personalise.PINs, bool)) dialog.Dialog {
	valid := func(s string) error {
		if !pinFormat(s) {
			return errors.New(tr.T("issuing.pin.format"))
		}
		return nil
	}
	issuer, holder := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	issuer.Validator, holder.Validator = valid, valid
	items := []*widget.FormItem{widget.NewFormItem(tr.T("issuing.pin.issuer"), issuer)}
	switch need {
	case PINsForIssue, PINsForBatch:
		items = append(items, widget.NewFormItem(tr.T("issuing.pin.holder_new"), holder))
	case PINsForChange:
		items = append(items, widget.NewFormItem(tr.T("issuing.pin.holder"), holder))
	}
	return dialog.NewForm(tr.T("issuing.pin.title"), tr.T("issuing.pin.ok"), tr.T("issuing.pin.cancel"), items, func(ok bool) {
		answer(personalise.PINs{Issuer: issuer.Text, Holder: holder.Text}, ok)
		issuer.SetText("")
		holder.SetText("")
	}, w)
}

// pinFormat is the profile's PIN format: 4 to 8 ASCII digits.
func pinFormat(s string) bool {
	if len(s) < 4 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pinKeys lists the dialog's catalogue keys, for the translation test.
var pinKeys = []string{"issuing.pin.format", "issuing.pin.issuer", "issuing.pin.holder_new", "issuing.pin.holder",
	"issuing.pin.title", "issuing.pin.ok", "issuing.pin.cancel"}
