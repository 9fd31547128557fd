package frontdesk

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// testNow is the front desk's clock in tests: 25 November 2026, 10:30 local time.
var testNow = time.Date(2026, 11, 25, 10, 30, 0, 0, time.Local)

const (
	testENP    = "5001234567890127"
	testSNILS  = "11223344595"
	testSerial = "00000000000000012345"
)

// samplePolicy is the synthetic holder of vcard.SamplePolicy with a SNILS.
func samplePolicy() *policy.Policy {
	p := vcard.SamplePolicy(2000)
	p.Owner.SNILS = testSNILS
	return p
}

// readUpdate is the update of a card of p read in reader "R" with the given serial.
func readUpdate(p *policy.Policy, serial string) cardsource.Update {
	return cardsource.Update{State: cardsource.StateRead, Reader: "R", Result: &omscard.Result{Policy: p},
		Details: &omscard.Details{Serial: serial}}
}

// personal are texts of samplePolicy that must never stay on screen after removal. (The
// visit log keeps the last four digits of the policy number, masked: MaskENP.)
var personal = []string{"ИВАНОВ", "ИВАН", "15.03.1985", testENP, "112-233-445 95", testSNILS, "***-***-*** 95"}

// syncRun runs background work at once, on the calling goroutine.
func syncRun(work func() func()) { work()() }

// texts collects every text in the tree under o: labels, buttons, canvas texts, and
// whatever the widgets' renderers draw.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
			return
		case *widget.Label:
			b.WriteString(w.Text + "\n")
			return
		case *widget.Button:
			b.WriteString(w.Text + "\n")
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// fakeRegistry is an in-memory registry; fail makes every call fail.
type fakeRegistry struct {
	mu     sync.Mutex
	cards  map[string]registry.Card
	visits []registry.Visit
	fail   bool
}

var errFake = errors.New("registry down")

func (f *fakeRegistry) Card(_ context.Context, serial string) (registry.Card, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return registry.Card{}, errFake
	}
	c, ok := f.cards[serial]
	if !ok {
		return registry.Card{}, registry.ErrNotFound
	}
	return c, nil
}

func (f *fakeRegistry) AddVisit(_ context.Context, v registry.Visit) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return 0, errFake
	}
	f.visits = append(f.visits, v)
	return int64(len(f.visits)), nil
}

func (f *fakeRegistry) Visits(_ context.Context, day policy.Date) ([]registry.Visit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return nil, errFake
	}
	var out []registry.Visit
	for _, v := range f.visits {
		if policy.DateOf(v.At) == day {
			out = append(out, v)
		}
	}
	return out, nil
}

// newScreen builds a front desk in lang with a synchronous background and a test window.
func newScreen(t *testing.T, lang string, d Deps) (*Screen, fyne.Window) {
	t.Helper()
	d.Tr = i18n.MustLoad(lang)
	if d.Now == nil {
		d.Now = func() time.Time { return testNow }
	}
	if d.Background == nil {
		d.Background = syncRun
	}
	s := New(d)
	w := test.NewWindow(s.Object())
	w.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(w.Close)
	return s, w
}

func registryDay(t time.Time) policy.Date { return policy.DateOf(t) }

// textScale is the factor the screen's texts are drawn at.
func (s *Screen) textScale() float32 {
	if s.scaled == nil {
		return 1
	}
	return s.scaled.Theme.(scaledTheme).factor
}
