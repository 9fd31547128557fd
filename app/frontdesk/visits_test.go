package frontdesk

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

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
	log := texts(s.visits)
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
	if got := texts(again.visits); got != log {
		t.Errorf("reloaded log\n%s\nwant\n%s", got, log)
	}
}

func TestVisitLogWithoutRegistry(t *testing.T) {
	test.NewTempApp(t)
	s, _ := newScreen(t, i18n.Russian, Deps{})
	s.ApplyCard(readUpdate(samplePolicy(), testSerial))
	if s.visitsNo.Text != s.tr.T("frontdesk.visits.no_registry") || len(s.visits.Objects) != 0 {
		t.Errorf("log without a registry: %q, %d lines", s.visitsNo.Text, len(s.visits.Objects))
	}
	f, _ := newScreen(t, i18n.Russian, Deps{Registry: &fakeRegistry{fail: true}})
	if f.visitsNo.Text != f.tr.T("frontdesk.visits.unavailable") {
		t.Errorf("log of a failing registry: %q", f.visitsNo.Text)
	}
}
