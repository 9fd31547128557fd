package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
)

// fakeMode records the updates it is handed.
type fakeMode struct{ got []cardsource.State }

func (m *fakeMode) ID() string                    { return "frontdesk" }
func (m *fakeMode) Title() string                 { return "front desk" }
func (m *fakeMode) Object() fyne.CanvasObject     { return widget.NewLabel("") }
func (m *fakeMode) ApplyCard(u cardsource.Update) { m.got = append(m.got, u.State) }

// events returns the trace's event names in order, failing on a malformed line.
func events(t *testing.T, out string) []string {
	t.Helper()
	line := regexp.MustCompile(`^omsdesk-gui trace: ([a-z-]+) unix_ns=\d+ main_ms=\d+\.\d$`)
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("malformed trace line %q", l)
		}
		names = append(names, m[1])
	}
	return names
}

func TestTracerOffByDefault(t *testing.T) {
	t.Setenv(traceEnv, "")
	tr := newTracer(time.Now())
	if tr != nil {
		t.Fatal("a tracer without OMSDESK_GUI_TRACE=1")
	}
	m := &fakeMode{}
	if got := tr.mode(m); got != m {
		t.Error("a nil tracer wraps the mode")
	}
	if tr.background() != nil {
		t.Error("a nil tracer replaces the front desk's background runner")
	}
	tr.mark("ui-built") // must not panic
	tr.watch(nil)
}

// TestTracerMarks follows a start and a card read: the frames are painted by the test
// driver's software painter, which calls the marker's generator as the GL painter does.
func TestTracerMarks(t *testing.T) {
	t.Setenv(traceEnv, "1")
	test.NewTempApp(t)
	tr := newTracer(time.Now())
	var out bytes.Buffer
	tr.out = &out
	ui := make(chan func(), 1)
	tr.do = func(f func()) { ui <- f } // run on the test's goroutine, as on Fyne's
	runUI := func() {
		t.Helper()
		select {
		case f := <-ui:
			f()
		case <-time.After(5 * time.Second):
			t.Fatal("the background result never reached the UI")
		}
	}
	w := test.NewWindow(widget.NewLabel("desk"))
	defer w.Close()
	w.Resize(fyne.NewSize(300, 200))
	tr.watch(w)
	front := &fakeMode{}
	mode := tr.mode(front)
	w.Canvas().Capture()
	if got := events(t, out.String()); strings.Join(got, " ") != "first-frame" {
		t.Fatalf("after the first frame: %v", got)
	}

	out.Reset()
	mode.ApplyCard(cardsource.Update{State: cardsource.StateReading})
	mode.ApplyCard(cardsource.Update{State: cardsource.StateRead})
	w.Canvas().Capture()
	tr.background()(func() func() { return func() {} }) // the registry's verdict
	runUI()
	w.Canvas().Capture()
	want := "card-reading card-read card-read-painted card-verdict card-verdict-painted"
	if got := events(t, out.String()); strings.Join(got, " ") != want {
		t.Errorf("card read: events %v, want %s", got, want)
	}
	if len(front.got) != 2 || front.got[0] != cardsource.StateReading || front.got[1] != cardsource.StateRead {
		t.Errorf("the front desk got %v", front.got)
	}

	// A background result with no card read before it (the visit log, printing) is not
	// a verdict.
	out.Reset()
	mode.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	tr.background()(func() func() { return func() {} })
	runUI()
	w.Canvas().Capture()
	if s := out.String(); s != "" {
		t.Errorf("marks without a card read: %q", s)
	}
}
