package app

import (
	"context"
	"omsdesk/app/cardsource"
	"time"

	"fyne.io/fyne/v2"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
)

// NewMainWindow opens the main window on a and starts src; the source stops when the
// window closes. Updates reach the view through fyne.Do, never directly.
func NewMainWindow(a fyne.App, tr *i18n.Catalog, src cardsource.CardSource) fyne.Window {
	w := a.NewWindow(tr.T("app.title"))
	view := NewCardView(tr, func() policy.Date { return policy.DateOf(time.Now()) })
	view.OnCopy = func(s string) { a.Clipboard().SetContent(s) }
	w.SetContent(view.Object())
	w.Resize(fyne.NewSize(760, 440))
	ctx, cancel := context.WithCancel(context.Background())
	w.SetOnClosed(cancel)
	go src.Run(ctx, func(u cardsource.Update) { fyne.Do(func() { view.Apply(u) }) })
	return w
}
