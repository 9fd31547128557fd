package frontdesk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

func assertNoPersonal(t *testing.T, s *Screen, when string) {
	t.Helper()
	shown := texts(s.Object())
	for _, p := range personal {
		if strings.Contains(shown, p) {
			t.Errorf("%s: %q still on screen:\n%s", when, p, shown)
		}
	}
	if s.photo.Image != nil {
		t.Errorf("%s: the photo is still on screen", when)
	}
	if !s.copyENP.Disabled() || !s.reveal.Disabled() || !s.print.Disabled() {
		t.Errorf("%s: a card button is still enabled", when)
	}
}

func TestInsertRemoveReinsert(t *testing.T) {
	test.NewTempApp(t)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			tr := i18n.MustLoad(lang)
			s, _ := newScreen(t, lang, Deps{Print: func(context.Context, string, []byte) error { return nil }})
			if got := texts(s.Object()); !strings.Contains(got, tr.T("app.state.waiting")) {
				t.Fatalf("idle screen does not ask for a card:\n%s", got)
			}
			for round := 1; round <= 2; round++ {
				s.ApplyCard(cardsource.Update{State: cardsource.StateReading, Reader: "R"})
				if s.verdict.Text != tr.T("app.state.reading") {
					t.Errorf("round %d: reading shows %q", round, s.verdict.Text)
				}
				s.ApplyCard(readUpdate(samplePolicy(), ""))
				shown := texts(s.Object())
				for _, want := range []string{"ИВАНОВ ИВАН ИВАНОВИЧ", "15.03.1985", testENP, "***-***-*** 95",
					tr.T("frontdesk.sex.male"), tr.T("frontdesk.verdict.valid"), tr.T("frontdesk.reason.valid"),
					"1027700000008", "45000", tr.T("frontdesk.registry.no_registry")} {
					if !strings.Contains(shown, want) {
						t.Errorf("round %d: screen lacks %q:\n%s", round, want, shown)
					}
				}
				if s.photo.Image == nil {
					t.Errorf("round %d: no photo", round)
				}
				if s.verdict.Color != theme.Color(theme.ColorNameSuccess) {
					t.Errorf("round %d: a valid card's verdict is not in the success colour", round)
				}
				if s.copyENP.Disabled() || s.reveal.Disabled() || s.print.Disabled() {
					t.Errorf("round %d: card buttons disabled", round)
				}
				s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved, Reader: "R"})
				assertNoPersonal(t, s, fmt.Sprintf("round %d removed", round))
				s.ApplyCard(cardsource.Update{State: cardsource.StateWaiting})
				assertNoPersonal(t, s, fmt.Sprintf("round %d waiting", round))
				if s.verdict.Text != tr.T("app.state.waiting") {
					t.Errorf("round %d: waiting shows %q", round, s.verdict.Text)
				}
			}
		})
	}
}

func TestEveryNonReadStateClears(t *testing.T) {
	test.NewTempApp(t)
	for _, st := range cardsource.States {
		if st == cardsource.StateRead {
			continue
		}
		s, _ := newScreen(t, i18n.Russian, Deps{})
		s.ApplyCard(readUpdate(samplePolicy(), ""))
		s.onReveal()
		s.ApplyCard(cardsource.Update{State: st, Err: fmt.Errorf("x: %w", omscard.ErrNotOMSCard)})
		assertNoPersonal(t, s, fmt.Sprintf("state %v", st))
	}
}

func TestVerdicts(t *testing.T) {
	test.NewTempApp(t)
	today := policy.DateOf(testNow)
	withPolicy := func(change func(p *policy.Policy)) *policy.Policy {
		p := samplePolicy()
		change(p)
		return p
	}
	regCard := func(status registry.CardStatus, enp string) map[string]registry.Card {
		return map[string]registry.Card{testSerial: {Serial: testSerial, ENP: enp, Status: status}}
	}
	read := func(p *policy.Policy) cardsource.Update { return readUpdate(p, testSerial) }
	fail := func(err error) cardsource.Update { return cardsource.Update{State: cardsource.StateError, Err: err} }
	for _, tt := range []struct {
		name   string
		u      cardsource.Update
		cards  map[string]registry.Card
		want   Verdict
		reason string // a fragment of the reason (English)
		note   string
	}{
		{"valid, registry active", read(samplePolicy()), regCard(registry.StatusActive, testENP), Valid, "in force", NoteChecked},
		{"valid, unknown to registry", read(samplePolicy()), nil, Valid, "in force", NoteUnknownCard},
		{"expired", read(withPolicy(func(p *policy.Policy) { p.Owner.Expiry = policy.MakeDate(2026, 1, 31) })), nil, Expired, "31.01.2026", NoteUnknownCard},
		{"insurer closed", read(withPolicy(func(p *policy.Policy) { p.Insurer.End = policy.MakeDate(2025, 12, 31) })), nil, InsurerClosed, "31.12.2025", NoteUnknownCard},
		{"not started", read(withPolicy(func(p *policy.Policy) { p.Insurer.Start = policy.MakeDate(2027, 1, 1) })), nil, NotStarted, "01.01.2027", NoteUnknownCard},
		{"no insurer", read(withPolicy(func(p *policy.Policy) { p.Insurer = nil })), nil, NoInsurer, "names no insurer", NoteUnknownCard},
		{"insurer unreadable", func() cardsource.Update {
			u := read(withPolicy(func(p *policy.Policy) { p.Insurer = nil }))
			u.Err = fmt.Errorf("reading: %w", omscard.ErrInsurerUnreadable)
			return u
		}(), nil, InsurerUnreadable, "insurer record could not be", NoteUnknownCard},
		{"lost", read(samplePolicy()), regCard(registry.StatusLost, testENP), CardLost, "as lost", NoteChecked},
		{"stolen", read(samplePolicy()), regCard(registry.StatusStolen, testENP), CardStolen, "as stolen", NoteChecked},
		{"replaced", read(samplePolicy()), regCard(registry.StatusReplaced, testENP), CardReplaced, "newer card", NoteChecked},
		{"voided in the registry", read(samplePolicy()), regCard(registry.StatusVoided, testENP), CardVoided, "voided this card", NoteChecked},
		{"spoiled", read(samplePolicy()), regCard(registry.StatusSpoiled, testENP), CardSpoiled, "spoiled", NoteChecked},
		{"personalising", read(samplePolicy()), regCard(registry.StatusPersonalising, testENP), CardUnfinished, "never completed", NoteChecked},
		{"registry lists the serial for another policy", read(samplePolicy()), regCard(registry.StatusActive, "7700000000000012"), RegistryMismatch, "another policy number", NoteChecked},
		{"lost outranks expired", read(withPolicy(func(p *policy.Policy) { p.Owner.Expiry = policy.MakeDate(2020, 1, 1) })), regCard(registry.StatusLost, testENP), CardLost, "as lost", NoteChecked},
		{"life cycle: terminated", func() cardsource.Update {
			u := read(samplePolicy())
			u.Details.Terminated = true
			return u
		}(), nil, Terminated, "terminated", NoteUnknownCard},
		{"life cycle: personalising", func() cardsource.Update {
			u := read(samplePolicy())
			u.Details.Lifecycle, u.Details.LifecycleKnown = omscard.LifecycleCreation, true
			return u
		}(), nil, CardUnfinished, "never completed", NoteUnknownCard},
		{"voided card (terminated application)", fail(fmt.Errorf("selecting: %w", omscard.ErrVoided)), nil, Terminated, "terminated", ""},
		{"not an OMS card", fail(fmt.Errorf("probing: %w", omscard.ErrNotOMSCard)), nil, NotOMS, "no OMS policy", ""},
		{"unreadable: pulled out", fail(fmt.Errorf("reading: %w", pcsc.ErrCardRemoved)), nil, Unreadable, "taken out before", ""},
		{"unreadable: reader unplugged", fail(fmt.Errorf("connecting: %w", pcsc.ErrUnknownReader)), nil, Unreadable, "disconnected", ""},
		{"unreadable: busy", fail(fmt.Errorf("x: %w", pcsc.ErrSharingViolation)), nil, Unreadable, "Another program", ""},
		{"unreadable: other", fail(fmt.Errorf("garbage")), nil, Unreadable, "call the technician", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := &fakeRegistry{cards: tt.cards}
			s, _ := newScreen(t, i18n.English, Deps{Registry: reg})
			s.ApplyCard(tt.u)
			tr := s.tr
			if want := tr.T("frontdesk.verdict." + string(tt.want)); s.verdict.Text != want {
				t.Errorf("verdict %q, want %q", s.verdict.Text, want)
			}
			if !strings.Contains(s.reason.Text, tt.reason) {
				t.Errorf("reason %q lacks %q", s.reason.Text, tt.reason)
			}
			wantNote := ""
			if tt.note != "" {
				wantNote = strings.SplitN(tr.T("frontdesk.registry."+tt.note), "{", 2)[0]
			}
			if !strings.HasPrefix(s.note.Text, wantNote) || (wantNote == "") != (s.note.Text == "") {
				t.Errorf("note %q, want %q…", s.note.Text, wantNote)
			}
			if tt.want != Valid && s.verdict.Color != theme.Color(theme.ColorNameError) {
				t.Error("a refusal is not in the error colour")
			}
			// Read cards are logged with their verdict; failed reads have no policy number.
			if tt.u.State == cardsource.StateRead {
				if len(reg.visits) != 1 || reg.visits[0].Verdict != string(tt.want) || reg.visits[0].ENP != testENP {
					t.Errorf("visits %+v", reg.visits)
				}
			} else if len(reg.visits) != 0 {
				t.Errorf("failed read logged: %+v", reg.visits)
			}
			_ = today
		})
	}
}

func TestRegistryNotes(t *testing.T) {
	test.NewTempApp(t)
	for _, tt := range []struct {
		name   string
		reg    Registry
		serial string
		note   string
	}{
		{"no registry", nil, testSerial, NoteNoRegistry},
		{"no serial", &fakeRegistry{}, "", NoteNoSerial},
		{"unknown card", &fakeRegistry{}, testSerial, NoteUnknownCard},
		{"registry down", &fakeRegistry{fail: true}, testSerial, NoteUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newScreen(t, i18n.Russian, Deps{Registry: tt.reg})
			s.ApplyCard(readUpdate(samplePolicy(), tt.serial))
			if want := s.tr.T("frontdesk.registry." + tt.note); s.note.Text != want {
				t.Errorf("note %q, want %q", s.note.Text, want)
			}
			// Not checking is never a refusal.
			if want := s.tr.T("frontdesk.verdict.valid"); s.verdict.Text != want {
				t.Errorf("verdict %q, want %q", s.verdict.Text, want)
			}
		})
	}
}

func TestSNILSMasking(t *testing.T) {
	test.NewTempApp(t)
	s, _ := newScreen(t, i18n.English, Deps{})
	s.ApplyCard(readUpdate(samplePolicy(), ""))
	snils := s.values["snils"]
	if snils.Text != "***-***-*** 95" {
		t.Fatalf("SNILS shown as %q", snils.Text)
	}
	test.Tap(s.reveal)
	if snils.Text != "112-233-445 95" || s.reveal.Text != s.tr.T("frontdesk.snils.hide") {
		t.Fatalf("revealed SNILS %q, button %q", snils.Text, s.reveal.Text)
	}
	test.Tap(s.reveal)
	if snils.Text != "***-***-*** 95" {
		t.Fatalf("hidden again: %q", snils.Text)
	}
	test.Tap(s.reveal)
	// The next card starts masked again, even straight after a reveal.
	s.ApplyCard(cardsource.Update{State: cardsource.StateReading})
	s.ApplyCard(readUpdate(samplePolicy(), ""))
	if snils.Text != "***-***-*** 95" {
		t.Fatalf("next card's SNILS shown as %q", snils.Text)
	}
	noSNILS := samplePolicy()
	noSNILS.Owner.SNILS = ""
	s.ApplyCard(readUpdate(noSNILS, ""))
	if snils.Text != s.tr.T("frontdesk.snils.none") || !s.reveal.Disabled() {
		t.Fatalf("card without SNILS: %q, reveal enabled %v", snils.Text, !s.reveal.Disabled())
	}
}

func TestMaskSNILS(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"11223344595", "***-***-*** 95"},
		{"112-233-445 95", "***-***-*** 95"},
		{"", ""},
		{"12 34", "*****"},
	} {
		if got := MaskSNILS(tt.in); got != tt.want {
			t.Errorf("MaskSNILS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := MaskENP(testENP); got != "••••••••••••0127" {
		t.Errorf("MaskENP = %q", got)
	}
}

func TestCopyENP(t *testing.T) {
	a := test.NewTempApp(t)
	s, _ := newScreen(t, i18n.English, Deps{})
	a.Clipboard().SetContent("")
	s.ApplyCard(readUpdate(samplePolicy(), ""))
	test.Tap(s.copyENP)
	if got := a.Clipboard().Content(); got != testENP {
		t.Fatalf("clipboard holds %q", got)
	}
	if s.message.Text != s.tr.T("frontdesk.copied") {
		t.Errorf("no confirmation: %q", s.message.Text)
	}
	s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	a.Clipboard().SetContent("other")
	test.Tap(s.copyENP) // disabled: nothing copied
	if got := a.Clipboard().Content(); got != "other" {
		t.Fatalf("copy after removal put %q on the clipboard", got)
	}
}

func TestLargeText(t *testing.T) {
	test.NewTempApp(t)
	s, _ := newScreen(t, i18n.Russian, Deps{})
	if s.scaled != nil || s.textScale() != 1 {
		t.Fatal("a theme override at start without large text")
	}
	small := s.verdict.TextSize
	s.SetLargeText(true)
	if !s.LargeText() || s.textScale() != LargeTextFactor {
		t.Fatalf("large text: reported %v, scale %v", s.LargeText(), s.textScale())
	}
	base := theme.Current().Size(theme.SizeNameText)
	if got := s.scaled.Theme.Size(theme.SizeNameText); got != base*LargeTextFactor {
		t.Errorf("large text size %v, want %v", got, base*LargeTextFactor)
	}
	if s.verdict.TextSize <= small {
		t.Errorf("verdict size %v not above %v", s.verdict.TextSize, small)
	}
	s.SetLargeText(false)
	if got := s.scaled.Theme.Size(theme.SizeNameText); got != base || s.textScale() != 1 {
		t.Errorf("normal text size %v, want %v", got, base)
	}
	// Deps.LargeText starts in the large layout.
	l, _ := newScreen(t, i18n.Russian, Deps{LargeText: true})
	if !l.LargeText() || l.textScale() != LargeTextFactor {
		t.Error("Deps.LargeText ignored")
	}
}

// TestLateRegistryAnswer: the registry answers after the card has left; its verdict
// must not bring anything of the card back, but the visit is still logged.
func TestLateRegistryAnswer(t *testing.T) {
	test.NewTempApp(t)
	var pending []func() func()
	reg := &fakeRegistry{cards: map[string]registry.Card{testSerial: {Serial: testSerial, ENP: testENP, Status: registry.StatusLost}}}
	s, _ := newScreen(t, i18n.English, Deps{Registry: reg, Background: func(w func() func()) { pending = append(pending, w) }})
	s.ApplyCard(readUpdate(samplePolicy(), testSerial))
	if s.verdict.Text != s.tr.T("frontdesk.checking") {
		t.Fatalf("verdict before the registry answered: %q", s.verdict.Text)
	}
	s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved})
	for _, w := range pending {
		w()()
	}
	assertNoPersonal(t, s, "after the late answer")
	if s.verdict.Text == s.tr.T("frontdesk.verdict.card_lost") {
		t.Error("late verdict shown for a card that left")
	}
	if len(reg.visits) != 1 {
		t.Errorf("visit not logged: %+v", reg.visits)
	}
}
