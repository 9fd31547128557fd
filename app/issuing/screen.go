// Package issuing is the issuance mode of the desktop application: the insurer
// office's form for one card (holder and insurer data with live validation, photo and
// signature, re-issue reason) whose "Write card" runs the issuance workflow of
// cardio/issuance (personalise, read back, compare, close, record) with each step's
// result on screen, then previews the card face and the certificate for printing; and
// the batch view that validates a CSV register, queues it in the registry and issues
// it card after card with pause and resume.
//
// The screen adds no card logic of its own: every rule it shows live is a cardio/policy
// validator or an issuance rule, and every card, signing and PDF operation runs in a
// goroutine whose results reach the widgets through fyne.Do.
package issuing

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
)

// cardKind is what the selected reader holds, as far as the card source has read it.
type cardKind int

const (
	cardNone    cardKind = iota // no card, no reader
	cardReading                 // being read: wait
	cardBlank                   // no OMS application: a blank of the issuance profile (Issue checks)
	cardIssued                  // an OMS card: only a change of insurer writes to it
	cardOther                   // unreadable or half-written: Issue says which
)

// Screen is the issuance mode.
type Screen struct {
	d      Deps
	tr     *i18n.Catalog
	single *single
	batch  *batchView
	tabs   *container.AppTabs

	card   cardKind
	reader string
	enp    string // the issued card's policy number, for the card line

	// hidden is set while another desk is on screen (SetShown): card updates are
	// noted (stale) but the form is brought up to date (relaid out, its texts measured)
	// only when it shows, which kept ~60 ms of work off the front desk's start.
	hidden, stale bool

	// jobDone, when set (tests), is called at the end of every background job, after
	// its last UI update.
	jobDone func()
}

// New builds the mode. Deps.Tr is required; the rest may be nil in which case the
// feature that needs it says it is not available.
func New(d Deps) *Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Screen{d: d, tr: d.Tr}
	s.single = newSingle(s)
	s.batch = newBatchView(s)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(s.tr.T("issuing.tab.single"), s.single.object()),
		container.NewTabItem(s.tr.T("issuing.tab.batch"), s.batch.object()),
	)
	s.stale = true // brought up to date when first shown (Object, SetShown)
	return s
}

// ID names the mode for the shell and the preferences.
func (s *Screen) ID() string { return "issuance" }

// Title is the mode's tab title.
func (s *Screen) Title() string { return s.tr.T("issuing.title") }

// Object is the mode's content, brought up to date: a desk built but never shown
// costs no layout (the shell asks for it when the desk first shows).
func (s *Screen) Object() fyne.CanvasObject {
	if s.stale && !s.hidden {
		s.stale = false
		s.single.refresh()
	}
	return s.tabs
}

// ApplyCard follows the card in the selected reader (on the UI goroutine): a blank
// card enables "Write card", an issued one only a change of insurer.
func (s *Screen) ApplyCard(u cardsource.Update) {
	s.reader = u.Reader
	s.enp = ""
	switch {
	case u.State == cardsource.StateReading:
		s.card = cardReading
	case u.State == cardsource.StateRead && u.Result != nil && u.Result.Policy != nil:
		s.card = cardIssued
		s.enp = u.Result.Policy.Owner.ENP
	case u.State == cardsource.StateError && errors.Is(u.Err, omscard.ErrNotOMSCard):
		s.card = cardBlank
	case u.State == cardsource.StateError && u.Reader != "":
		s.card = cardOther
	default:
		s.card = cardNone
	}
	if s.hidden {
		s.stale = true
		return
	}
	s.single.refresh()
}

// SetShown is told by the shell whether the desk is on screen; a desk that comes back
// catches up with the cards it missed.
func (s *Screen) SetShown(shown bool) {
	s.hidden = !shown
	if shown && s.stale {
		s.stale = false
		s.single.refresh()
	}
}

// today is the issue date.
func (s *Screen) today() policy.Date { return policy.DateOf(s.d.Now()) }

// done ends a background job (see jobDone).
func (s *Screen) done() {
	if s.jobDone != nil {
		s.jobDone()
	}
}
