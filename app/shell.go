// Package app is OMS Desk's desktop shell: one window with the three modes (front desk,
// issuance, technician) as tabs, a status bar that follows the card readers and the
// card, a reader selector, and the preferences. The modes live in packages of their own
// (app/frontdesk, app/issuing, app/technician) and meet the shell only through [Mode];
// the cards come from package app/cardsource, in a goroutine of their own, and reach the
// modes through fyne.Do.
package app

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
)

// Mode is one of the shell's screens. The modes implement it structurally; they do not
// import this package.
type Mode interface {
	// ID names the mode in the preferences: "frontdesk", "issuance", "technician".
	ID() string
	// Title is the tab's translated title.
	Title() string
	Object() fyne.CanvasObject
	// ApplyCard is called on the UI goroutine for every card update.
	ApplyCard(u cardsource.Update)
}

// Showable is implemented by modes that want to know whether they are on screen: the
// technician's desk reads a card again in full only when someone looks at it, rather
// than for every patient at the front desk.
type Showable interface {
	// SetShown is called on the UI goroutine when the mode comes on screen (true) or
	// leaves it (false); at start every mode not on screen is told false.
	SetShown(shown bool)
}

// Config is what the shell is built from. Tr, Prefs and Modes are required.
type Config struct {
	Tr    *i18n.Catalog
	Prefs fyne.Preferences
	// Window is the window to fill; nil opens a new one.
	Window fyne.Window
	Modes  []Mode
	// Reader is the reader to follow at start ("" every reader), normally the
	// preferences' PrefReader, or the --reader flag for one run.
	Reader string
	// StartVirtual starts with the built-in virtual card instead of the readers.
	StartVirtual bool
	// PCSC makes the source that follows the readers; nil: cardsource.PCSCSource.
	// onReaders must receive the connected readers whenever they change.
	PCSC func(reader string, onReaders func([]string)) cardsource.CardSource
	// Virtual makes the built-in virtual card's source; nil: cardsource.VirtualSource.
	Virtual func() cardsource.CardSource
	// Printers lists the printers offered in the preferences (off the UI goroutine);
	// nil: the printer is typed in.
	Printers func(ctx context.Context) ([]string, error)
	// OnSettings is called on the UI goroutine after the user saved the preferences,
	// with the settings before and after.
	OnSettings func(old, now Settings)
}

// Shell is the main window's frame around the modes.
type Shell struct {
	cfg Config
	tr  *i18n.Catalog
	win fyne.Window

	tabs  *container.AppTabs
	pages []*fyne.Container // the tabs' contents; a mode's screen joins its page when first shown
	shown int               // the index of the mode on screen
	bar   *statusBar

	reader  string // the reader chosen ("" automatic)
	virtual bool   // the built-in virtual card is the source
	readers []string
	last    cardsource.Update

	cancel  context.CancelFunc
	running sync.WaitGroup
	gen     uint64 // bumped at every source switch; updates of older sources are dropped

	mu         sync.Mutex
	cardReader string // the reader of the last card update, for modes that talk to the card
}

// NewShell builds the window: the modes as tabs (opening on the one used last), the
// status bar under them. Call Start to follow the cards.
func NewShell(a fyne.App, cfg Config) *Shell {
	if cfg.PCSC == nil {
		cfg.PCSC = func(reader string, onReaders func([]string)) cardsource.CardSource {
			return cardsource.PCSCSource{Reader: reader, OnReaders: onReaders}
		}
	}
	if cfg.Virtual == nil {
		cfg.Virtual = func() cardsource.CardSource { return cardsource.VirtualSource{} }
	}
	s := &Shell{cfg: cfg, tr: cfg.Tr, win: cfg.Window, reader: cfg.Reader}
	if s.win == nil {
		s.win = a.NewWindow(s.tr.T("app.title"))
	}
	s.win.SetTitle(s.tr.T("app.title"))

	// Only the mode on screen is attached to its tab at start; the others join their
	// tabs when first selected. The tabs measure every attached page for their minimum
	// size, and measuring the hidden desks' texts (shaping every label and button) cost
	// some 100 ms before the first frame.
	first := max(s.modeIndex(cfg.Prefs.String(PrefMode)), 0)
	items := make([]*container.TabItem, len(cfg.Modes))
	s.pages = make([]*fyne.Container, len(cfg.Modes))
	for i, m := range cfg.Modes {
		s.pages[i] = container.NewStack()
		items[i] = container.NewTabItem(m.Title(), s.pages[i])
	}
	s.attach(first)
	s.tabs = container.NewAppTabs(items...)
	s.tabs.SelectIndex(first)
	s.shown = first
	for i := range cfg.Modes {
		s.setShown(i, i == first)
	}
	s.tabs.OnSelected = func(*container.TabItem) {
		if i := s.tabs.SelectedIndex(); i >= 0 && i < len(cfg.Modes) && i != s.shown {
			s.attach(i)
			s.setShown(s.shown, false)
			s.shown = i
			s.setShown(i, true)
			cfg.Prefs.SetString(PrefMode, cfg.Modes[i].ID())
		}
	}
	s.bar = newStatusBar(s)
	s.win.SetContent(container.NewBorder(nil, s.bar.root, nil, nil, s.tabs))
	s.win.Resize(fyne.NewSize(1100, 720))
	s.win.SetOnClosed(s.Stop)
	s.bar.refreshReaders()
	s.Apply(cardsource.Update{State: cardsource.StateWaiting, Reader: s.reader})
	return s
}

// attach puts mode i's screen into its tab page, once.
func (s *Shell) attach(i int) {
	if p := s.pages[i]; len(p.Objects) == 0 {
		p.Add(s.cfg.Modes[i].Object())
	}
}

// setShown tells mode i, if it wants to know, whether it is on screen.
func (s *Shell) setShown(i int, shown bool) {
	if m, ok := s.cfg.Modes[i].(Showable); ok {
		m.SetShown(shown)
	}
}

func (s *Shell) modeIndex(id string) int {
	for i, m := range s.cfg.Modes {
		if m.ID() == id {
			return i
		}
	}
	return -1
}

// Window returns the shell's window.
func (s *Shell) Window() fyne.Window { return s.win }

// Mode returns the ID of the mode on screen.
func (s *Shell) Mode() string {
	if i := s.tabs.SelectedIndex(); i >= 0 && i < len(s.cfg.Modes) {
		return s.cfg.Modes[i].ID()
	}
	return ""
}

// ShowMode brings the mode with this ID to the front (and remembers it).
func (s *Shell) ShowMode(id string) {
	if i := s.modeIndex(id); i >= 0 {
		s.tabs.SelectIndex(i)
	}
}

// Start follows the cards: with the virtual card if the configuration says so, else
// the PC/SC readers. The source stops when the window closes (or with Stop).
func (s *Shell) Start() {
	if s.cfg.StartVirtual {
		s.UseVirtual()
		return
	}
	s.follow(s.reader)
}

// Stop ends the card source. It does not wait: a source in the middle of a read
// finishes it in the background (within the read timeout), and its updates are dropped.
func (s *Shell) Stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// Wait waits until every source started has returned (after Stop).
func (s *Shell) Wait() { s.running.Wait() }

// UseReader follows the named PC/SC reader ("" every reader) and remembers the choice
// in the preferences.
func (s *Shell) UseReader(reader string) {
	s.cfg.Prefs.SetString(PrefReader, reader)
	s.follow(reader)
}

// follow switches the source to the readers, without touching the preferences.
func (s *Shell) follow(reader string) {
	s.reader, s.virtual = reader, false
	gen := s.switchSource()
	s.run(gen, s.cfg.PCSC(reader, func(list []string) {
		fyne.Do(func() {
			if gen == s.gen {
				s.SetReaders(list)
			}
		})
	}))
}

// UseVirtual switches to the built-in virtual card, for trying the program without a
// reader. The choice is not remembered: the next start follows the readers again.
func (s *Shell) UseVirtual() {
	s.virtual = true
	s.run(s.switchSource(), s.cfg.Virtual())
}

// switchSource stops the current source and clears the screens: nothing read from
// the previous source may stay on them.
func (s *Shell) switchSource() uint64 {
	s.Stop()
	s.gen++
	s.Apply(cardsource.Update{State: cardsource.StateRemoved})
	s.bar.refreshReaders()
	return s.gen
}

func (s *Shell) run(gen uint64, src cardsource.CardSource) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		src.Run(ctx, func(u cardsource.Update) {
			fyne.Do(func() {
				if gen == s.gen && ctx.Err() == nil {
					s.Apply(u)
				}
			})
		})
	}()
}

// Apply shows a card update in the status bar and hands it to every mode. Call it on
// the UI goroutine.
func (s *Shell) Apply(u cardsource.Update) {
	s.last = u
	if u.Reader != "" {
		s.mu.Lock()
		s.cardReader = u.Reader
		s.mu.Unlock()
	}
	s.bar.show(u)
	for _, m := range s.cfg.Modes {
		m.ApplyCard(u)
	}
}

// SetReaders updates the reader selector with the readers connected now. Call it on the
// UI goroutine.
func (s *Shell) SetReaders(list []string) {
	s.readers = append(s.readers[:0], list...)
	s.bar.refreshReaders()
}

// CardReader returns the reader of the latest card update (or the reader chosen): the
// reader the issuance and technician modes talk to. Safe from any goroutine.
func (s *Shell) CardReader() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cardReader
}

// Virtual reports whether the built-in virtual card is the source.
func (s *Shell) Virtual() bool { return s.virtual }

// Reader returns the reader chosen ("" automatic).
func (s *Shell) Reader() string { return s.reader }

// statusBar is the strip under the modes: reader and card state with a hint of what to
// do, the reader selector, the virtual card offer and the preferences button.
type statusBar struct {
	s        *Shell
	state    *widget.Label
	hint     *widget.Label
	selector *widget.Select
	offer    *widget.Button // "try the built-in virtual card"
	leave    *widget.Button // back from the virtual card to the readers
	prefs    *widget.Button
	root     fyne.CanvasObject
	updating bool
}

func newStatusBar(s *Shell) *statusBar {
	b := &statusBar{s: s}
	b.state = widget.NewLabel("")
	b.state.Truncation = fyne.TextTruncateEllipsis
	b.hint = widget.NewLabel("")
	b.hint.Importance = widget.LowImportance
	b.hint.Truncation = fyne.TextTruncateEllipsis
	b.selector = widget.NewSelect(nil, b.onSelect)
	b.offer = widget.NewButtonWithIcon(s.tr.T("app.virtual.try"), theme.MediaPlayIcon(), s.UseVirtual)
	b.offer.Importance = widget.HighImportance
	b.leave = widget.NewButton(s.tr.T("app.virtual.leave"), func() { s.follow(s.reader) })
	b.prefs = widget.NewButtonWithIcon(s.tr.T("app.prefs.open"), theme.SettingsIcon(), s.ShowPreferences)
	right := container.NewHBox(b.offer, b.leave, widget.NewLabel(s.tr.T("app.reader.label")), b.selector, b.prefs)
	b.root = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, right, container.NewVBox(b.state, b.hint)))
	return b
}

// show puts an update's state into words, with what to do when something is missing.
func (b *statusBar) show(u cardsource.Update) {
	s := b.s
	text := s.tr.T(u.State.Key())
	switch {
	case s.virtual:
		text = s.tr.T("app.status.reader", "state", text, "reader", s.tr.T("app.virtual_reader"))
	case u.Reader != "":
		text = s.tr.T("app.status.reader", "state", text, "reader", u.Reader)
	}
	b.state.SetText(text)
	hint := ""
	switch {
	case s.virtual:
		hint = s.tr.T("app.hint.virtual")
	case u.State == cardsource.StateNoService:
		hint = s.tr.T("app.hint.no_service")
	case u.State == cardsource.StateNoReader && s.reader != "":
		hint = s.tr.T("app.hint.reader_missing", "reader", s.reader)
	case u.State == cardsource.StateNoReader:
		hint = s.tr.T("app.hint.no_reader")
	case u.State == cardsource.StateError && u.Result == nil && u.Reader == "":
		hint = s.tr.T("app.hint.service_error")
	}
	b.hint.SetText(hint)
	offer := !s.virtual && (u.State == cardsource.StateNoService || u.State == cardsource.StateNoReader)
	setVisible(b.offer, offer)
	setVisible(b.leave, s.virtual)
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// options are the selector's entries: automatic, every connected reader, the reader
// chosen even when it is unplugged, and the built-in virtual card.
func (b *statusBar) options() []string {
	s := b.s
	opts := []string{s.tr.T("app.reader.auto")}
	seen := false
	for _, r := range s.readers {
		opts = append(opts, r)
		seen = seen || r == s.reader
	}
	if s.reader != "" && !seen {
		opts = append(opts, s.reader)
	}
	return append(opts, s.tr.T("app.reader.virtual"))
}

func (b *statusBar) refreshReaders() {
	s := b.s
	b.updating = true
	defer func() { b.updating = false }()
	b.selector.SetOptions(b.options())
	switch {
	case s.virtual:
		b.selector.SetSelected(s.tr.T("app.reader.virtual"))
	case s.reader == "":
		b.selector.SetSelected(s.tr.T("app.reader.auto"))
	default:
		b.selector.SetSelected(s.reader)
	}
}

func (b *statusBar) onSelect(opt string) {
	if b.updating {
		return
	}
	s := b.s
	switch opt {
	case s.tr.T("app.reader.virtual"):
		if !s.virtual {
			s.UseVirtual()
		}
	case s.tr.T("app.reader.auto"):
		s.UseReader("")
	default:
		s.UseReader(opt)
	}
}
