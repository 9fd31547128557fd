package technician

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// knownList is a pcsc-tools list with one entry for the default virtual card's ATR.
const knownList = "# test list\n3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9\n\tOMS policy card (test entry)\n"

// fakeFiles stands in for the file dialogs: opened files come from a queue, saved
// files are kept by name.
type fakeFiles struct {
	mu     sync.Mutex
	saved  map[string][]byte
	opened []fakeFile
}

type fakeFile struct {
	name string
	data []byte
	err  error
}

func (f *fakeFiles) save(name string, data []byte, done func(string, error)) {
	f.mu.Lock()
	if f.saved == nil {
		f.saved = map[string][]byte{}
	}
	f.saved[name] = append([]byte(nil), data...)
	f.mu.Unlock()
	done("/home/tech/"+name, nil)
}

func (f *fakeFiles) open(done func(string, []byte, error)) {
	f.mu.Lock()
	if len(f.opened) == 0 {
		f.mu.Unlock()
		done("", nil, ErrCancelled)
		return
	}
	next := f.opened[0]
	f.opened = f.opened[1:]
	f.mu.Unlock()
	done(next.name, next.data, next.err)
}

func (f *fakeFiles) only(t *testing.T) (string, []byte) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.saved) != 1 {
		t.Fatalf("%d files saved, want 1", len(f.saved))
	}
	for k, v := range f.saved {
		return k, v
	}
	return "", nil
}

// readerOf returns a ReadCard that reads the virtual card of layout l.
func readerOf(l vcard.Layout) func(context.Context, string) (*CardRead, error) {
	return func(_ context.Context, reader string) (*CardRead, error) {
		c := vcard.New(l)
		return ReadWithDetails(reader, c.ATR(), c.Transport(), false)
	}
}

// defaultLayout is the layout of the built-in virtual card.
func defaultLayout(t testing.TB) vcard.Layout {
	l, err := vcard.ParseFixture(vcard.DefaultFixture(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type fixture struct {
	s     *Screen
	w     fyne.Window
	tr    *i18n.Catalog
	files *fakeFiles
}

// newFixture builds a screen in a test window; edit adjusts the dependencies.
func newFixture(t *testing.T, lang string, edit func(*Deps)) *fixture {
	t.Helper()
	test.NewTempApp(t)
	tr := i18n.MustLoad(lang)
	files := &fakeFiles{}
	w := test.NewTempWindow(t, nil)
	d := Deps{
		Tr: tr, Window: w, Now: func() time.Time { return testNow }, Program: "omsdesk test",
		ReadCard: readerOf(defaultLayout(t)),
		SaveFile: files.save, OpenFile: files.open,
		KnownATRs: func() (*atr.KnownList, error) { return atr.LoadKnownList(strings.NewReader(knownList)) },
	}
	if edit != nil {
		edit(&d)
	}
	s := New(d)
	w.SetContent(s.Object())
	w.Resize(fyne.NewSize(1000, 700))
	return &fixture{s: s, w: w, tr: tr, files: files}
}

// insert reports the default virtual card read, as the card source does, and waits
// for the screen to finish its own read.
func (f *fixture) insert(t *testing.T) {
	t.Helper()
	c := vcard.Default()
	res, err := readPolicy(c)
	if err != nil {
		t.Fatal(err)
	}
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateReading, Reader: cardsource.VirtualReader, ATR: c.ATR()})
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRead, Reader: cardsource.VirtualReader, ATR: c.ATR(), Result: res})
	f.s.jobs.Wait()
}

// texts collects the visible texts under o: labels, buttons, entries, every tab.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		walkVisible(o, &b, walk)
	}
	walkVisible(o, &b, walk) // o itself may be a tab not selected
	return b.String()
}

// walkVisible writes o's own text and walks its children. The contents of every tab
// are walked, shown or not: the tabs hide those not selected.
func walkVisible(o fyne.CanvasObject, b *strings.Builder, walk func(fyne.CanvasObject)) {
	{
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *widget.Entry:
			b.WriteString(w.Text + "\n")
		case *container.Scroll:
			walk(w.Content)
		case *container.AppTabs:
			for _, it := range w.Items {
				walkVisible(it.Content, b, walk)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
}

// findButton finds a button by its text anywhere under o, renderers included (dialogs).
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
		return nil
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
		return nil
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// answerDialog taps the button with text in the topmost dialog of w.
func answerDialog(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	b := findButton(top, text)
	if b == nil {
		t.Fatalf("the dialog has no %q button", text)
	}
	test.Tap(b)
}

func assertHas(t *testing.T, where, shown string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(shown, w) {
			t.Errorf("%s lacks %q:\n%s", where, w, shown)
		}
	}
}

func assertLacks(t *testing.T, where, shown string, gone ...string) {
	t.Helper()
	for _, g := range gone {
		if strings.Contains(shown, g) {
			t.Errorf("%s shows %q", where, g)
		}
	}
}

// goroutineID is the current goroutine's number, from its stack header.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// saveDump encodes d as a dump file.
func saveDump(t *testing.T, d *dump.Dump) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// enpHex is the policy number of the sample holder as it travels in the trace.
var enpHex = fmt.Sprintf("% X", []byte("5001234567890127"))

// sampleLayout lays out the synthetic holder, edited by edit.
func sampleLayout(edit func(p *policy.Policy)) vcard.Layout {
	p := vcard.SamplePolicy(0)
	if edit != nil {
		edit(p)
	}
	return vcard.FromPolicy(p)
}

// readPolicy reads a virtual card as the card source does.
func readPolicy(c *vcard.Card) (*omscard.Result, error) {
	return omscard.Read(c.Transport(), omscard.Options{})
}
