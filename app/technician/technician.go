// Package technician is the technician mode of the desktop application: everything a
// technician needs to judge one OMS policy card or a saved dump of one — the ATR
// decoded, the card's file tree, every field with its raw BER-TLV, the integrity report
// with a verdict per check, and the APDU trace (personal data hidden unless the
// technician explicitly asks for them) — plus saving, opening and comparing dumps, the
// integrity report as a PDF and the one-click diagnostics bundle for a support desk.
//
// The screen adds no card logic of its own: it calls cardio/atr, cardio/tlv,
// cardio/dump, cardio/verify, cardio/trace, cardio/diag and layout/report, always off
// the UI goroutine, and puts their results on screen through fyne.DoAndWait. Card
// reading, file dialogs and diagnostics come in through [Deps], so the shell wires
// PC/SC and Fyne dialogs and tests wire the virtual card and fakes.
package technician

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/diag"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/verify"
)

// ErrCancelled is what [Deps.SaveFile] and [Deps.OpenFile] report when the user closes
// the dialog without choosing a file: the screen then does nothing.
var ErrCancelled = errors.New("cancelled by the user")

// CardRead is one technician's read of a card: the policy files, the details of the
// issuance profile and the APDUs of both, unredacted (the screen redacts what it
// shows and saves unless the technician asks otherwise).
type CardRead struct {
	Reader string
	ATR    []byte
	// Result is the read policy; nil when the card holds no readable OMS application
	// (Details may still say why: a voided card, an interrupted personalisation).
	Result *omscard.Result
	// Details are the serial, life cycle and every insurer record; nil when they
	// could not be read.
	Details *omscard.Details
	// Exchanges is the APDU trace of the read and of the details, unredacted.
	Exchanges []trace.Exchange
}

// Deps is what the technician screen needs from the program. Tr is required; every
// other member may be nil, which disables the feature that needs it.
type Deps struct {
	// Tr is the catalogue of the user's language.
	Tr *i18n.Catalog
	// Window is the parent of the screen's dialogs (the confirmation asked before the
	// trace shows personal data).
	Window fyne.Window
	// Now is the clock: dump and report dates, "today" for the checks, file names.
	// time.Now when nil.
	Now func() time.Time
	// Program names the program in dumps and PDF reports, e.g. "omsdesk 0.3.0".
	Program string
	// ReadCard reads the card in reader again, with an APDU trace and the details
	// (see [ReadWithDetails], which does it over any transport). It runs off the UI
	// goroutine and must give up when ctx ends. When nil, the screen shows what the
	// card source read, without details and trace.
	ReadCard func(ctx context.Context, reader string) (*CardRead, error)
	// Diagnose collects the diagnostics bundle (diag.Collect in the program). It runs
	// off the UI goroutine.
	Diagnose func(ctx context.Context) *diag.Bundle
	// SaveFile asks the user where to save data, offering the name suggested, and
	// writes it; done runs on the UI goroutine with where it went, or with
	// ErrCancelled. [DialogSaveFile] does it with Fyne's file dialog.
	SaveFile func(suggested string, data []byte, done func(location string, err error))
	// OpenFile asks the user for a file and reads it; done runs on the UI goroutine
	// with its name and bytes, or with ErrCancelled. [DialogOpenFile] does it with
	// Fyne's file dialog.
	OpenFile func(done func(name string, data []byte, err error))
	// KnownATRs loads the list of known ATRs; atr.LoadSystemKnownList when nil.
	KnownATRs func() (*atr.KnownList, error)
	// TrustDir is the trust store directory the integrity check starts with ("" for
	// none); the technician can change it on screen.
	TrustDir string
}

// Screen is the technician mode. Create it with [New]; call its methods on the UI
// goroutine.
type Screen struct {
	d  Deps
	tr *i18n.Catalog
	v  *views

	// cur is what is on screen: a card read or an opened dump; nil for nothing.
	cur *snapshot
	// gen counts the contents put on screen; background work started for an older
	// generation drops its result.
	gen int
	// reader is the reader of the card last read, for "read again".
	reader string
	// cancelRead stops the background read in progress.
	cancelRead context.CancelFunc
	// revealed records that the technician confirmed showing personal data in the
	// trace of the current content.
	revealed bool
	// report is the integrity report on screen, for the PDF export.
	report *verify.Report
	// diagnosing is set while the diagnostics bundle is being collected.
	diagnosing bool

	knownOnce sync.Once
	known     *atr.KnownList
	knownErr  error

	// hidden is set while another desk is on screen (SetShown); a card read then waits
	// in pending, and is read again in full only when the technician looks.
	hidden  bool
	pending *cardsource.Update

	// jobs counts background work not yet on screen (tests wait on it).
	jobs sync.WaitGroup
}

// New builds the screen in the catalogue's language.
func New(d Deps) *Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.KnownATRs == nil {
		d.KnownATRs = atr.LoadSystemKnownList
	}
	s := &Screen{d: d, tr: d.Tr}
	s.v = s.build()
	s.showEmpty()
	return s
}

// SetShown is told by the shell whether the desk is on screen. A card read while it was
// hidden, and still in the reader, is read in full when the desk comes on screen.
func (s *Screen) SetShown(shown bool) {
	s.hidden = !shown
	if shown && s.pending != nil {
		u := *s.pending
		s.pending = nil
		s.ApplyCard(u)
	}
}

// ID names the mode in preferences.
func (s *Screen) ID() string { return "technician" }

// Title is the mode's tab title.
func (s *Screen) Title() string { return s.tr.T("technician.title") }

// Object is the screen's root object.
func (s *Screen) Object() fyne.CanvasObject { return s.v.root }

// ApplyCard follows the card source. A read card is read again with its trace and
// details (Deps.ReadCard) in the background; a card that could not be read shows its
// ATR and the reason; a removed card leaves its last read on screen, marked as such,
// so the technician can still save it.
//
// While the desk is hidden a read or failed card is only remembered: every patient at
// the front desk would otherwise cost a second full read of the card.
func (s *Screen) ApplyCard(u cardsource.Update) {
	if s.hidden {
		switch u.State {
		case cardsource.StateRead, cardsource.StateError:
			s.pending = &u
			return
		default:
			s.pending = nil // the card it was is gone or being replaced
		}
	}
	switch u.State {
	case cardsource.StateRead:
		s.reader = u.Reader
		s.newContent()
		s.setHeader(s.tr.T("technician.source.card", "reader", s.readerLabel(u.Reader)), s.tr.T(u.State.Key()))
		if s.d.ReadCard == nil {
			s.analyse(&snapshot{card: &CardRead{Reader: u.Reader, ATR: u.ATR, Result: u.Result}}, s.gen)
			return
		}
		s.readAgain(u.Reader, &CardRead{Reader: u.Reader, ATR: u.ATR, Result: u.Result})
	case cardsource.StateError:
		s.reader = u.Reader
		s.newContent()
		s.setHeader(s.tr.T("technician.source.card", "reader", s.readerLabel(u.Reader)), s.tr.T(u.State.Key()))
		if s.d.ReadCard == nil || len(u.ATR) == 0 {
			s.analyse(&snapshot{card: &CardRead{Reader: u.Reader, ATR: u.ATR}, readErr: u.Err}, s.gen)
			return
		}
		// A voided card or an interrupted personalisation is not an OMS card to the
		// card source, but its details are exactly what a technician must see.
		s.readAgain(u.Reader, &CardRead{Reader: u.Reader, ATR: u.ATR})
	case cardsource.StateRemoved:
		if s.cancelRead != nil {
			s.cancelRead()
		}
		if s.cur != nil && !s.cur.fromDump {
			s.v.state.SetText(s.tr.T("technician.state.removed_kept"))
		} else if s.cur == nil {
			s.v.state.SetText(s.tr.T(u.State.Key()))
		}
	case cardsource.StateReading:
		if s.cur == nil || !s.cur.fromDump {
			s.v.state.SetText(s.tr.T(u.State.Key()))
		}
	default:
		if s.cur == nil {
			s.v.state.SetText(s.tr.T(u.State.Key()))
		}
	}
}

// newContent starts a new generation: background work for the old content is dropped
// and the trace is hidden again.
func (s *Screen) newContent() {
	s.gen++
	s.revealed = false
	if s.cancelRead != nil {
		s.cancelRead()
		s.cancelRead = nil
	}
}

// readAgain reads the card in reader with its trace and details in the background;
// fallback is what the card source read (nil if nothing), shown if the new read fails.
func (s *Screen) readAgain(reader string, fallback *CardRead) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelRead = cancel
	gen, trust := s.gen, s.v.trust.Text
	s.setMessage(s.tr.T("technician.msg.reading"), false)
	s.updateButtons()
	s.background(func() func() {
		cr, err := s.d.ReadCard(ctx, reader)
		cancel()
		snap := &snapshot{card: cr, readErr: err}
		switch {
		case cr == nil:
			snap.card = fallback
		case cr.Result == nil && cr.Details == nil && fallback != nil && fallback.Result != nil:
			snap.card = fallback // the second read failed: show the first
		case len(cr.ATR) == 0 && fallback != nil:
			cr.ATR = fallback.ATR
		}
		if snap.card == nil {
			snap.card = &CardRead{Reader: reader}
		}
		a := s.compute(snap, trust)
		return func() {
			if gen != s.gen {
				return
			}
			s.cancelRead = nil
			s.setMessage("", false)
			s.v.state.SetText(s.tr.T(cardsource.StateRead.Key()))
			if err != nil {
				s.v.state.SetText(s.tr.T(cardsource.StateError.Key()))
			}
			s.show(snap, a)
		}
	})
}

// background runs work off the UI goroutine and then the UI update it returns (if
// any) on the UI goroutine.
func (s *Screen) background(work func() func()) {
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		if apply := work(); apply != nil {
			fyne.DoAndWait(apply)
		}
	}()
}

// analyse computes the views of snap in the background and shows them if gen is
// still current.
func (s *Screen) analyse(snap *snapshot, gen int) {
	trust := s.v.trust.Text
	s.background(func() func() {
		a := s.compute(snap, trust)
		return func() {
			if gen == s.gen {
				s.show(snap, a)
			}
		}
	})
}

// readerLabel is the reader's name as the user knows it.
func (s *Screen) readerLabel(reader string) string {
	if reader == cardsource.VirtualReader {
		return s.tr.T("technician.virtual_reader")
	}
	return reader
}

// knownList loads the known-ATR list once, off the UI goroutine.
func (s *Screen) knownList() (*atr.KnownList, error) {
	s.knownOnce.Do(func() { s.known, s.knownErr = s.d.KnownATRs() })
	return s.known, s.knownErr
}
