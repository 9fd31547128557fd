package frontdesk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// LargeTextFactor is how much bigger the large-text layout draws text: front-desk
// screens are read from a step or two away, by staff and by patients across the desk.
const LargeTextFactor = 1.5

// Verdict sizes in points, normal and large: the verdict is the one thing on the screen
// that must be read at a glance.
const (
	verdictSize      = 34
	verdictSizeLarge = 52
)

// scaledTheme is the application's theme with every text size (and inline icons, which
// sit next to text) multiplied by factor. It asks the application's current theme each
// time, so a theme change elsewhere still shows through.
type scaledTheme struct{ factor float32 }

func (s scaledTheme) base() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil && a.Settings().Theme() != nil {
		return a.Settings().Theme()
	}
	return theme.DefaultTheme()
}

func (s scaledTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return s.base().Color(n, v)
}
func (s scaledTheme) Font(st fyne.TextStyle) fyne.Resource    { return s.base().Font(st) }
func (s scaledTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return s.base().Icon(n) }
func (s scaledTheme) Size(n fyne.ThemeSizeName) float32 {
	size := s.base().Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return size * s.factor
	}
	return size
}
