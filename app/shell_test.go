package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
)

// fakeMode records the updates it is given, how often its screen was asked for and
// what the shell said about its visibility.
type fakeMode struct {
	id      string
	updates []cardsource.Update
	objects int
	shown   []bool
}

func (m *fakeMode) ID() string    { return m.id }
func (m *fakeMode) Title() string { return "title " + m.id }
func (m *fakeMode) Object() fyne.CanvasObject {
	m.objects++
	return widget.NewLabel("body " + m.id)
}
func (m *fakeMode) SetShown(shown bool)           { m.shown = append(m.shown, shown) }
func (m *fakeMode) ApplyCard(u cardsource.Update) { m.updates = append(m.updates, u) }
func (m *fakeMode) last() cardsource.State        { return m.updates[len(m.updates)-1].State }

// sources records which source the shell started; the sources report nothing, so the
// test alone drives the screen.
type sources struct {
	mu      sync.Mutex
	started []string // reader names, "virtual" for the virtual card
	running int
}

func (f *sources) record(name string) cardsource.CardSource {
	return runFunc(func(ctx context.Context) {
		f.mu.Lock()
		f.started = append(f.started, name)
		f.running++
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	})
}

type runFunc func(ctx context.Context)

func (r runFunc) Run(ctx context.Context, _ func(cardsource.Update)) { r(ctx) }

// waitStarted waits until n sources have started and returns the last one's name.
func (f *sources) waitStarted(t *testing.T, n int) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		if len(f.started) >= n {
			name := f.started[n-1]
			f.mu.Unlock()
			return name
		}
		f.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("source %d never started", n)
	return ""
}

type fixture struct {
	a     fyne.App
	shell *Shell
	modes []*fakeMode
	src   *sources
	tr    *i18n.Catalog
	saved []Settings
}

func newFixture(t *testing.T, a fyne.App, lang string, reader string) *fixture {
	t.Helper()
	f := &fixture{a: a, src: &sources{}, tr: i18n.MustLoad(lang),
		modes: []*fakeMode{{id: "frontdesk"}, {id: "issuance"}, {id: "technician"}}}
	var modes []Mode
	for _, m := range f.modes {
		modes = append(modes, m)
	}
	f.shell = NewShell(a, Config{Tr: f.tr, Prefs: a.Preferences(), Modes: modes, Reader: reader,
		PCSC: func(r string, _ func([]string)) cardsource.CardSource {
			if r == "" {
				r = "*"
			}
			return f.src.record(r)
		},
		Virtual:    func() cardsource.CardSource { return f.src.record(cardsource.VirtualReader) },
		OnSettings: func(_, now Settings) { f.saved = append(f.saved, now) },
	})
	t.Cleanup(func() { f.shell.Window().Close(); f.shell.Stop(); f.shell.Wait() })
	return f
}

// texts collects the visible texts under o.
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
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *widget.Select:
			b.WriteString(w.Selected + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestStatusBarTexts(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, test.NewTempApp(t), lang, "")
			bar := f.shell.bar
			for _, tt := range []struct {
				u      cardsource.Update
				hint   string
				offer  bool
				reader string
			}{
				{cardsource.Update{State: cardsource.StateNoService}, "app.hint.no_service", true, ""},
				{cardsource.Update{State: cardsource.StateNoReader}, "app.hint.no_reader", true, ""},
				{cardsource.Update{State: cardsource.StateWaiting}, "", false, ""},
				{cardsource.Update{State: cardsource.StateReading, Reader: "ACS ACR38U 00 00"}, "", false, "ACS ACR38U 00 00"},
				{cardsource.Update{State: cardsource.StateRead, Reader: "ACS ACR38U 00 00"}, "", false, "ACS ACR38U 00 00"},
				{cardsource.Update{State: cardsource.StateRemoved, Reader: "ACS ACR38U 00 00"}, "", false, "ACS ACR38U 00 00"},
			} {
				f.shell.Apply(tt.u)
				want := f.tr.T(tt.u.State.Key())
				if tt.reader != "" {
					want = f.tr.T("app.status.reader", "state", want, "reader", tt.reader)
				}
				if bar.state.Text != want {
					t.Errorf("%v: status %q, want %q", tt.u.State, bar.state.Text, want)
				}
				wantHint := ""
				if tt.hint != "" {
					wantHint = f.tr.T(tt.hint)
				}
				if bar.hint.Text != wantHint {
					t.Errorf("%v: hint %q, want %q", tt.u.State, bar.hint.Text, wantHint)
				}
				if bar.offer.Visible() != tt.offer {
					t.Errorf("%v: virtual card offered %v", tt.u.State, bar.offer.Visible())
				}
				for _, m := range f.modes {
					if m.last() != tt.u.State {
						t.Errorf("%v: mode %s last saw %v", tt.u.State, m.id, m.last())
					}
				}
			}
			if got := f.shell.Window().Title(); got != f.tr.T("app.title") {
				t.Errorf("window title %q", got)
			}
		})
	}
}

func TestTabsRememberTheMode(t *testing.T) {
	a := test.NewTempApp(t)
	f := newFixture(t, a, i18n.English, "")
	if got := len(f.shell.tabs.Items); got != 3 {
		t.Fatalf("%d tabs", got)
	}
	for i, m := range f.modes {
		if f.shell.tabs.Items[i].Text != m.Title() {
			t.Errorf("tab %d is %q", i, f.shell.tabs.Items[i].Text)
		}
	}
	if f.shell.Mode() != "frontdesk" {
		t.Errorf("first start on %q", f.shell.Mode())
	}
	f.shell.tabs.SelectIndex(2)
	if got := a.Preferences().String(PrefMode); got != "technician" {
		t.Fatalf("mode preference %q", got)
	}
	again := newFixture(t, a, i18n.English, "")
	if again.shell.Mode() != "technician" {
		t.Errorf("restart opens %q", again.shell.Mode())
	}
}

// Only the desk on screen is attached at start (the tabs measure every attached page
// before the first frame); the others join when first selected, once, and each mode
// is told whether it is on screen.
func TestHiddenModesJoinWhenFirstShown(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefMode, "issuance")
	f := newFixture(t, a, i18n.English, "")
	if f.modes[0].objects != 0 || f.modes[1].objects != 1 || f.modes[2].objects != 0 {
		t.Fatalf("screens built at start %d %d %d, want only the issuance desk's", f.modes[0].objects, f.modes[1].objects, f.modes[2].objects)
	}
	if len(f.shell.pages[0].Objects) != 0 || len(f.shell.pages[2].Objects) != 0 || !strings.Contains(texts(f.shell.tabs), "body issuance") {
		t.Fatalf("tabs at start show %q", texts(f.shell.tabs))
	}
	wantShown := func(when string, want ...[]bool) {
		t.Helper()
		for i, m := range f.modes {
			if fmt.Sprint(m.shown) != fmt.Sprint(want[i]) {
				t.Errorf("%s: mode %s was told shown=%v, want %v", when, m.id, m.shown, want[i])
			}
		}
	}
	wantShown("at start", []bool{false}, []bool{true}, []bool{false})

	f.shell.ShowMode("technician")
	f.shell.ShowMode("issuance")
	f.shell.ShowMode("technician")
	if f.modes[2].objects != 1 || f.modes[1].objects != 1 || f.modes[0].objects != 0 {
		t.Fatalf("screens built %d %d %d times, want 0 1 1", f.modes[0].objects, f.modes[1].objects, f.modes[2].objects)
	}
	if len(f.shell.pages[2].Objects) != 1 || !strings.Contains(texts(f.shell.tabs), "body technician") {
		t.Fatalf("the technician's tab shows %q", texts(f.shell.tabs))
	}
	wantShown("after switching", []bool{false}, []bool{true, false, true, false}, []bool{false, true, false, true})
}

func TestReaderSelector(t *testing.T) {
	a := test.NewTempApp(t)
	f := newFixture(t, a, i18n.Russian, "")
	f.shell.Start()
	if got := f.src.waitStarted(t, 1); got != "*" {
		t.Fatalf("started %q, want every reader", got)
	}
	sel := f.shell.bar.selector
	if sel.Selected != f.tr.T("app.reader.auto") {
		t.Errorf("selector shows %q", sel.Selected)
	}
	// Hotplug: two readers appear.
	f.shell.SetReaders([]string{"Reader A", "Reader B"})
	want := []string{f.tr.T("app.reader.auto"), "Reader A", "Reader B", f.tr.T("app.reader.virtual")}
	if strings.Join(sel.Options, "|") != strings.Join(want, "|") {
		t.Fatalf("options %q, want %q", sel.Options, want)
	}
	sel.SetSelected("Reader B")
	if got := f.src.waitStarted(t, 2); got != "Reader B" {
		t.Fatalf("switched to %q", got)
	}
	if got := a.Preferences().String(PrefReader); got != "Reader B" {
		t.Errorf("reader preference %q", got)
	}
	// Reader B unplugged: it stays chosen and listed.
	f.shell.SetReaders([]string{"Reader A"})
	if sel.Selected != "Reader B" || !contains(sel.Options, "Reader B") {
		t.Errorf("unplugged choice lost: %q of %q", sel.Selected, sel.Options)
	}
	f.shell.Apply(cardsource.Update{State: cardsource.StateNoReader, Reader: "Reader B"})
	if want := f.tr.T("app.hint.reader_missing", "reader", "Reader B"); f.shell.bar.hint.Text != want {
		t.Errorf("hint %q, want %q", f.shell.bar.hint.Text, want)
	}

	// The next start follows the remembered reader.
	f.shell.Stop()
	saved := LoadSettings(a.Preferences())
	g := newFixture(t, a, i18n.Russian, saved.Reader)
	g.shell.Start()
	if got := g.src.waitStarted(t, 1); got != "Reader B" {
		t.Errorf("restart follows %q", got)
	}
	if g.shell.bar.selector.Selected != "Reader B" {
		t.Errorf("restart selector shows %q", g.shell.bar.selector.Selected)
	}
	g.shell.bar.selector.SetSelected(g.tr.T("app.reader.auto"))
	if got := g.src.waitStarted(t, 2); got != "*" || a.Preferences().String(PrefReader) != "" {
		t.Errorf("automatic: started %q, preference %q", got, a.Preferences().String(PrefReader))
	}
}

func TestVirtualCardOffer(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefReader, "Reader A")
	f := newFixture(t, a, i18n.English, "Reader A")
	f.shell.Start()
	f.src.waitStarted(t, 1)
	f.shell.Apply(cardsource.Update{State: cardsource.StateNoService})
	bar := f.shell.bar
	if !bar.offer.Visible() || bar.leave.Visible() {
		t.Fatal("no virtual card offered without pcscd")
	}
	test.Tap(bar.offer)
	if got := f.src.waitStarted(t, 2); got != cardsource.VirtualReader {
		t.Fatalf("offer started %q", got)
	}
	if !f.shell.Virtual() || bar.offer.Visible() || !bar.leave.Visible() {
		t.Error("virtual card on, but the bar does not say so")
	}
	if bar.selector.Selected != f.tr.T("app.reader.virtual") {
		t.Errorf("selector shows %q", bar.selector.Selected)
	}
	// Switching sources cleared the modes first.
	for _, m := range f.modes {
		if m.last() != cardsource.StateRemoved {
			t.Errorf("mode %s not cleared on switching: %v", m.id, m.last())
		}
	}
	f.shell.Apply(cardsource.Update{State: cardsource.StateRead, Reader: cardsource.VirtualReader})
	if want := f.tr.T("app.status.reader", "state", f.tr.T("app.state.read"), "reader", f.tr.T("app.virtual_reader")); bar.state.Text != want {
		t.Errorf("status %q, want %q", bar.state.Text, want)
	}
	// Not remembered; back to the readers.
	if got := a.Preferences().String(PrefReader); got != "Reader A" {
		t.Errorf("virtual card changed the reader preference to %q", got)
	}
	test.Tap(bar.leave)
	if got := f.src.waitStarted(t, 3); got != "Reader A" {
		t.Errorf("leaving the virtual card follows %q", got)
	}
}

func TestPreferencesDialog(t *testing.T) {
	a := test.NewTempApp(t)
	f := newFixture(t, a, i18n.English, "")
	form := f.shell.preferencesForm()
	form.dialog.Show()
	shown := texts(f.shell.Window().Canvas().Overlays().Top())
	for _, k := range []string{"app.prefs.title", "app.prefs.language", "app.prefs.registry", "app.prefs.printer",
		"app.prefs.large_text", "app.prefs.signing_key", "app.prefs.save"} {
		if !strings.Contains(shown, f.tr.T(k)) {
			t.Errorf("dialog lacks %q:\n%s", f.tr.T(k), shown)
		}
	}
	form.lang.SetSelected("Русский")
	form.registry.SetText("/srv/omsdesk/registry.db")
	form.printer.SetText("OMSDesk-PDF")
	form.largeText.SetChecked(true)
	form.key.SetText("pem:/etc/omsdesk/key")
	f.shell.savePreferences(LoadSettings(a.Preferences()), form)
	got := LoadSettings(a.Preferences())
	want := Settings{Language: "ru", Mode: "frontdesk", Registry: "/srv/omsdesk/registry.db", Printer: "OMSDesk-PDF",
		LargeText: true, SigningKey: "pem:/etc/omsdesk/key"}
	got.Mode = "frontdesk"
	if got != want {
		t.Errorf("saved %+v\nwant %+v", got, want)
	}
	if len(f.saved) != 1 || !f.saved[0].LargeText {
		t.Errorf("OnSettings got %+v", f.saved)
	}
	if !strings.Contains(texts(f.shell.Window().Canvas().Overlays().Top()), f.tr.T("app.prefs.restart_needed")) {
		t.Error("no restart note after changing the language")
	}
	if got.RegistryPath() != "/srv/omsdesk/registry.db" {
		t.Errorf("RegistryPath %q", got.RegistryPath())
	}
}

func TestDefaultRegistryPath(t *testing.T) {
	t.Setenv("OMSDESK_REGISTRY", "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if got := DefaultRegistryPath(); got != filepath.Join("/data", "omsdesk", "registry.db") {
		t.Errorf("got %q", got)
	}
	t.Setenv("OMSDESK_REGISTRY", "/x/r.db")
	if got := (Settings{}).RegistryPath(); got != "/x/r.db" {
		t.Errorf("got %q", got)
	}
}

// TestTranslationsComplete finds every app.* key written in the package and checks both
// languages have it.
func TestTranslationsComplete(t *testing.T) {
	lit := regexp.MustCompile(`"(app\.[a-z_.]+[a-z_])"`)
	files, _ := filepath.Glob("*.go")
	keys := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			keys[m[1]] = true
		}
	}
	for _, s := range cardsource.States {
		keys[s.Key()] = true
	}
	if len(keys) < 30 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for k := range keys {
			if !tr.Has(k) {
				t.Errorf("%s: no text for %s", lang, k)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
