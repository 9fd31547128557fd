package app

import (
	"errors"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"

	"omsdesk/cardio/omscard"
)

func isNotOMS(err error) bool { return errors.Is(err, omscard.ErrNotOMSCard) }

// capitalize upper-cases the first letter of a catalogue text used as a label.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func newFormLayout() fyne.Layout { return layout.NewFormLayout() }
