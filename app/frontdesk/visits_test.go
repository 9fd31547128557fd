package frontdesk

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/registry/sqlite"
)

// TestVisitLogSQLite runs the front desk against a real registry file: the card's
// status comes from it, and every read lands in today's visit log on screen.
func TestVisitLogSQLite(t *testing.T) {
	test.NewTempApp(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := samplePolicy()
	if err := st.PutPolicy(ctx, registry.PolicyRecord{ENP: testENP, Person: registry.Person{Surname: p.Owner.Surname,
		FirstName: p.Owner.FirstName, BirthDate: p.Owner.BirthDate, Sex: p.Owner.Sex}, IssueDate: p.Owner.IssueDate}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddCard(ctx, registry.Card{Serial: testSerial, ENP: testENP, Status: registry.StatusPersonalising}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []registry.CardStatus{registry.StatusActive, registry.StatusLost} {
		if err := st.SetCardStatus(ctx, testSerial, s, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A visit of yesterday stays out of today's log.
	if _, err := st.AddVisit(ctx, registry.Visit{At: testNow.Add(-24 * time.Hour), ENP: testENP, Verdict: "valid"}); err != nil {
		t.Fatal(err)
	}

	now := testNow
	s, _ := newScreen(t, i18n.English, Deps{Registry: st, Now: func() time.Time { return now }})
	if got := s.visitsNo.Text; got != s.tr.T("frontdesk.visits.none") {
		t.Fatalf("empty log says %q", got)
	}
	s.ApplyCard(readUpdate(samplePolicy(), testSerial))
	if want := s.tr.T("frontdesk.verdict.card_lost"); s.verdict.Text != want {
		t.Fatalf("verdict %q, want %q", s.verdict.Text, want)
	}
	s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	now = testNow.Add(5 * time.Minute)
	s.ApplyCard(readUpdate(samplePolicy(), "")) // no serial: not checked, valid
	s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})

	if got := s.visitsNo.Text; got != s.tr.T("frontdesk.visits.count", "count", "2") {
		t.Errorf("log header %q", got)
	}
	log := visitLog(t, s)
	lines := strings.Split(strings.TrimSpace(log), "\n")
	want := []string{
		"10:35  ••••••••••••0127  " + s.tr.T("frontdesk.verdict.valid"),
		"10:30  ••••••••••••0127  " + s.tr.T("frontdesk.verdict.card_lost"),
	}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("log\n%s\nwant\n%s", log, strings.Join(want, "\n"))
	}
	visits, err := st.Visits(ctx, registryDay(testNow))
	if err != nil || len(visits) != 2 || visits[0].Verdict != string(CardLost) || visits[0].Reader != "R" {
		t.Errorf("stored visits %+v (%v)", visits, err)
	}

	// A new screen (the program restarted) shows the same log.
	again, _ := newScreen(t, i18n.English, Deps{Registry: st})
	if got := visitLog(t, again); got != log {
		t.Errorf("reloaded log\n%s\nwant\n%s", got, log)
	}
}

func TestVisitLogWithoutRegistry(t *testing.T) {
	test.NewTempApp(t)
	s, _ := newScreen(t, i18n.Russian, Deps{})
	s.ApplyCard(readUpdate(samplePolicy(), testSerial))
	if s.visitsNo.Text != s.tr.T("frontdesk.visits.no_registry") || s.visits.Length() != 0 {
		t.Errorf("log without a registry: %q, %d lines", s.visitsNo.Text, s.visits.Length())
	}
	f, _ := newScreen(t, i18n.Russian, Deps{Registry: &fakeRegistry{fail: true}})
	if f.visitsNo.Text != f.tr.T("frontdesk.visits.unavailable") {
		t.Errorf("log of a failing registry: %q", f.visitsNo.Text)
	}
}

// visitLog is the visit log as the list draws it: every line, each through the list's
// own row widget.
func visitLog(t *testing.T, s *Screen) string {
	t.Helper()
	var b strings.Builder
	for i := range s.visits.Length() {
		row := s.visits.CreateItem()
		s.visits.UpdateItem(i, row)
		b.WriteString(row.(*widget.Label).Text + "\n")
	}
	return b.String()
}

// A day of reads does not make a widget per line: the list reuses its rows.
func TestVisitLogReusesRows(t *testing.T) {
	test.NewTempApp(t)
	reg := &fakeRegistry{}
	s, w := newScreen(t, i18n.English, Deps{Registry: reg})
	w.Resize(fyne.NewSize(1100, 700))
	for range 60 {
		s.ApplyCard(readUpdate(samplePolicy(), ""))
		s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	}
	if s.visits.Length() != 60 {
		t.Fatalf("%d lines in the log, want 60", s.visits.Length())
	}
	rows := 0
	for _, o := range test.WidgetRenderer(s.visits).Objects() {
		if c, ok := o.(*container.Scroll); ok {
			rows = countLabels(c.Content)
		}
	}
	if rows == 0 || rows >= 60 {
		t.Fatalf("the list holds %d row widgets for 60 lines in a 700-point window", rows)
	}
}

func countLabels(o fyne.CanvasObject) int {
	switch o := o.(type) {
	case *widget.Label:
		return 1
	case *fyne.Container:
		n := 0
		for _, c := range o.Objects {
			n += countLabels(c)
		}
		return n
	case fyne.Widget:
		n := 0
		for _, c := range test.WidgetRenderer(o).Objects() {
			n += countLabels(c)
		}
		return n
	}
	return 0
}
