package app

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/app/frontdesk"
	"omsdesk/assets/i18n"
)

// syncMode records states under a lock, so the test can wait for the source's updates,
// which arrive on the source's goroutine through fyne.Do.
type syncMode struct {
	mu     sync.Mutex
	states []cardsource.State
	seen   chan cardsource.State
}

func (m *syncMode) ID() string                { return "probe" }
func (m *syncMode) Title() string             { return "probe" }
func (m *syncMode) Object() fyne.CanvasObject { return widget.NewLabel("") }
func (m *syncMode) ApplyCard(u cardsource.Update) {
	m.mu.Lock()
	m.states = append(m.states, u.State)
	m.mu.Unlock()
	select {
	case m.seen <- u.State:
	default:
	}
}

// TestVirtualCardReachesTheFrontDesk runs the real front desk in the shell with the
// built-in virtual card as the source: the card is read in the source's goroutine and
// its holder appears on the front desk through fyne.Do.
func TestVirtualCardReachesTheFrontDesk(t *testing.T) {
	a := test.NewTempApp(t)
	tr := i18n.MustLoad(i18n.Russian)
	front := frontdesk.New(frontdesk.Deps{Tr: tr, Background: func(w func() func()) { w()() }})
	probe := &syncMode{seen: make(chan cardsource.State, 16)}
	sh := NewShell(a, Config{Tr: tr, Prefs: a.Preferences(), Modes: []Mode{front, probe}, StartVirtual: true})
	defer func() { sh.Window().Close(); sh.Stop(); sh.Wait() }()
	sh.Start()
	deadline := time.After(10 * time.Second)
	for read := false; !read; {
		select {
		case st := <-probe.seen:
			read = st == cardsource.StateRead
		case <-deadline:
			t.Fatal("the virtual card never reached the modes")
		}
	}
	if got := texts(front.Object()); !strings.Contains(got, "ИВАНОВ ИВАН ИВАНОВИЧ") || !strings.Contains(got, tr.T("frontdesk.verdict.valid")) {
		t.Fatalf("front desk shows:\n%s", got)
	}
	if !strings.Contains(sh.bar.state.Text, tr.T("app.virtual_reader")) {
		t.Errorf("status %q does not name the virtual card", sh.bar.state.Text)
	}
}
