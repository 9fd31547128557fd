package issuing

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// stepsShown returns the step lines of the run view.
func (f *fixture) stepsShown() string { return visibleText(f.s.single.run.stepList) }

func wantSteps(t *testing.T, tr *i18n.Catalog, shown, mark string, steps ...string) {
	t.Helper()
	for _, st := range steps {
		if line := mark + " " + tr.T("issue.step."+st); !strings.Contains(shown, line) {
			t.Errorf("step line %q missing:\n%s", line, shown)
		}
	}
}

// TestWriteCard issues a card end to end: the form, a blank virtual card, the real
// SQLite registry and an ECDSA signer. Every step is ticked, the serial is shown, the
// previews of the face and certificate appear and can be printed.
func TestWriteCard(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, lang)
			tr := f.tr
			card := blank(1, vcard.Faults{})
			f.setCard(card.Transport())
			f.s.ApplyCard(blankUpdate)
			number := enp(t, 10)
			f.fillAdult(t, number)
			f.s.single.importSignature(photoPNG(t, 600, 200))
			f.wait(1)
			if f.s.single.writeBtn.Disabled() {
				t.Fatalf("Write disabled:\n%s", f.shown())
			}
			test.Tap(f.s.single.writeBtn)
			f.wait(1)

			shown := f.shown()
			wantSteps(t, tr, f.stepsShown(), "✓", issueSteps...)
			if strings.Contains(f.stepsShown(), "✗") {
				t.Errorf("a step failed:\n%s", f.stepsShown())
			}
			if !strings.Contains(shown, card.Serial()) || !strings.Contains(shown, number) {
				t.Errorf("serial %s / ENP %s not shown:\n%s", card.Serial(), number, shown)
			}
			if f.s.single.run.progress.Value != 1 {
				t.Errorf("progress %v at the end", f.s.single.run.progress.Value)
			}
			c, err := f.store.Card(context.Background(), card.Serial())
			if err != nil || c.Status != registry.StatusActive || c.ENP != number {
				t.Fatalf("registry: %+v %v", c, err)
			}
			res, err := omscard.Read(card.Transport(), omscard.Options{})
			if err != nil || res.Policy.Owner.Surname != "СИДОРОВ" || res.Policy.Owner.Photo == nil {
				t.Fatalf("card read back: %+v %v", res, err)
			}
			if f.pinAsks[0] != PINsForIssue {
				t.Errorf("PINs asked for %v", f.pinAsks)
			}
			// The card in the reader is now issued: no second write on it.
			if !f.s.single.writeBtn.Disabled() {
				t.Error("Write still enabled on the card just issued")
			}

			p := f.s.single.run.preview
			if !p.box.Visible() || p.front.Image == nil || p.back.Image == nil || p.cert.Image == nil {
				t.Fatalf("previews missing: note %q", p.note.Text)
			}
			if !strings.Contains(shown, tr.T("issuing.print.face")) || p.printFace.Disabled() || p.printCert.Disabled() {
				t.Fatal("print buttons not offered")
			}
			test.Tap(p.printFace)
			f.wait(1)
			test.Tap(p.printCert)
			f.wait(1)
			if len(f.printed) != 2 || f.printed[0].Kind != PrintFace || f.printed[1].Kind != PrintCertificate ||
				!bytes.HasPrefix(f.printed[0].PDF, []byte("%PDF")) || !bytes.HasPrefix(f.printed[1].PDF, []byte("%PDF")) {
				t.Fatalf("printed %d jobs", len(f.printed))
			}
			if !strings.Contains(f.shown(), tr.T("issuing.print.sent")) {
				t.Error("printing not confirmed")
			}

			// The same policy again on a new blank: the registry refuses, in words.
			f.setCard(blank(2, vcard.Faults{}).Transport())
			f.s.ApplyCard(blankUpdate)
			test.Tap(f.s.single.writeBtn)
			f.wait(1)
			if got := f.shown(); !strings.Contains(got, firstWords(tr.T("issuing.err.already_issued"))) {
				t.Errorf("second card for one policy:\n%s", got)
			}
			wantSteps(t, tr, f.stepsShown(), "✗", "validate")
			if !p.box.Hidden {
				t.Error("previews of the earlier card still shown after a failure")
			}
		})
	}
}

// firstWords is a message's text before its first placeholder.
func firstWords(s string) string {
	if i := strings.IndexByte(s, '{'); i > 0 {
		return s[:i]
	}
	return s
}

// TestWriteNotBlank: an issued card, or a card of another profile, is refused before
// anything is written, with the reason and what to do in the user's language; there
// is nothing to recover.
func TestWriteNotBlank(t *testing.T) {
	f := newFixture(t, i18n.Russian)
	card := blank(5, vcard.Faults{})
	f.setCard(card.Transport())
	f.s.ApplyCard(blankUpdate)
	f.fillAdult(t, enp(t, 11))
	test.Tap(f.s.single.writeBtn)
	f.wait(1)
	for _, tc := range []struct {
		name string
		card *vcard.Card
		key  string
	}{
		{"issued", card, "issue.err.not_blank"},
		{"foreign", vcard.Default(), "issue.err.no_serial"},
	} {
		f.setCard(tc.card.Transport())
		f.s.ApplyCard(blankUpdate) // the source has not caught up with the card swap
		f.s.single.entries[fENP].SetText(enp(t, 15))
		test.Tap(f.s.single.writeBtn)
		f.wait(1)
		got := f.shown()
		if !strings.Contains(got, firstWords(f.tr.T(tc.key))) {
			t.Errorf("%s card:\n%s", tc.name, got)
		}
		wantSteps(t, f.tr, f.stepsShown(), "✓", "validate")
		wantSteps(t, f.tr, f.stepsShown(), "✗", "check_blank")
		if f.s.single.run.recoverBtn.Visible() {
			t.Errorf("%s card: recover offered", tc.name)
		}
		if f.s.single.writeBtn.Disabled() {
			t.Errorf("%s card: Write not enabled again after the failure", tc.name)
		}
	}
}

// TestWriteIncompleteRecover: a card pulled mid-way is reported with the offer to
// recover; put back, it is found unfinished (the recover offer again), wiped by
// "Recover", and then written.
func TestWriteIncompleteRecover(t *testing.T) {
	for _, tc := range []struct {
		name   string
		child  bool   // a child's record is short: the tear comes in the read-back
		failed string // the step that fails
	}{{"adult", false, "personalise"}, {"child", true, "compare"}} {
		t.Run(tc.name, func(t *testing.T) { testIncompleteRecover(t, tc.child, tc.failed) })
	}
}

func testIncompleteRecover(t *testing.T, child bool, failed string) {
	f := newFixture(t, i18n.English)
	card := blank(3, vcard.Faults{TearAfter: 30})
	f.setCard(card.Transport())
	f.s.ApplyCard(blankUpdate)
	number := enp(t, 12)
	f.fillAdult(t, number)
	if child {
		f.s.single.entries[fBirthDate].SetText("01.02.2015")
	}
	test.Tap(f.s.single.writeBtn)
	f.wait(1)
	sg := f.s.single
	if got := f.shown(); !strings.Contains(got, firstWords(f.tr.T("issuing.err.card_lost"))) || !sg.run.recoverBtn.Visible() {
		t.Fatalf("torn card:\n%s", got)
	}
	wantSteps(t, f.tr, f.stepsShown(), "✗", failed)

	card.Reinsert()
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateError, Reader: "virtual", Err: omscard.ErrInsurerUnreadable})
	test.Tap(sg.writeBtn)
	f.wait(1)
	if got := f.shown(); !strings.Contains(got, firstWords(f.tr.T("issuing.err.incomplete"))) ||
		!sg.run.recoverBtn.Visible() || !sg.run.voidBtn.Visible() {
		t.Fatalf("unfinished card:\n%s", got)
	}
	test.Tap(sg.run.recoverBtn)
	f.wait(1)
	if got := f.shown(); !strings.Contains(got, f.tr.T("issue.recovered", "serial", card.Serial())) {
		t.Fatalf("recover:\n%s", got)
	}
	wantSteps(t, f.tr, f.stepsShown(), "✓", "wipe")
	if f.pinAsks[len(f.pinAsks)-1] != PINsForRecover {
		t.Errorf("PINs asked for %v", f.pinAsks)
	}
	test.Tap(sg.writeBtn)
	f.wait(1)
	if got := f.shown(); !strings.Contains(got, f.tr.T("issue.issued", "serial", card.Serial(), "enp", number, "apdus", "")[:20]) {
		t.Fatalf("write after recover:\n%s", got)
	}
	if c, err := f.store.Card(context.Background(), card.Serial()); err != nil || c.Status != registry.StatusActive {
		t.Fatalf("registry: %+v %v", c, err)
	}
}

// TestChangeInsurer writes a new insurer record to the issued card in the reader.
func TestChangeInsurer(t *testing.T) {
	f := newFixture(t, i18n.English)
	card := blank(4, vcard.Faults{})
	f.setCard(card.Transport())
	f.s.ApplyCard(blankUpdate)
	f.fillAdult(t, enp(t, 13))
	test.Tap(f.s.single.writeBtn)
	f.wait(1)
	res, err := omscard.Read(card.Transport(), omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRead, Reader: "virtual", Result: res})
	sg := f.s.single
	sg.reason.SetSelectedIndex(4)
	if sg.holderBox.Visible() {
		t.Error("holder fields shown for a change of insurer")
	}
	sg.entries[fOGRN].SetText("1027700000008")
	sg.entries[fOKATO].SetText("46000")
	sg.entries[fStart].SetText("20.11.2026")
	if sg.writeBtn.Disabled() {
		t.Fatalf("change of insurer not enabled:\n%s", f.shown())
	}
	test.Tap(sg.writeBtn)
	f.wait(1)
	wantSteps(t, f.tr, f.stepsShown(), "✓", changeSteps...)
	if got, _ := omscard.Read(card.Transport(), omscard.Options{}); got == nil || got.Policy.Insurer.OKATO != "46000" {
		t.Fatalf("card after change: %+v\n%s", got, f.shown())
	}
	if f.pinAsks[len(f.pinAsks)-1] != PINsForChange {
		t.Errorf("PINs asked for %v", f.pinAsks)
	}
}

// TestNotConfigured: without an issuer the write says so instead of failing silently.
func TestNotConfigured(t *testing.T) {
	f := newFixture(t, i18n.English)
	f.s.d.Issuer = nil
	f.s.ApplyCard(blankUpdate)
	f.fillAdult(t, enp(t, 14))
	test.Tap(f.s.single.writeBtn)
	f.wait(1)
	if got := f.shown(); !strings.Contains(got, firstWords(f.tr.T("issuing.err.not_configured"))) {
		t.Errorf("no issuer:\n%s", got)
	}
}

// TestNoRenderer: without a renderer the card is still issued and the preview area
// says previews are not available; nothing can be printed.
func TestNoRenderer(t *testing.T) {
	f := newFixture(t, i18n.Russian)
	f.s.d.Renderer, f.s.d.Print = nil, nil
	f.setCard(blank(6, vcard.Faults{}).Transport())
	f.s.ApplyCard(blankUpdate)
	f.fillAdult(t, enp(t, 16))
	test.Tap(f.s.single.writeBtn)
	f.wait(1)
	p := f.s.single.run.preview
	if got := f.shown(); !strings.Contains(got, f.tr.T("issuing.preview.unavailable")) || !p.printFace.Disabled() || !p.printCert.Disabled() {
		t.Errorf("no renderer:\n%s", got)
	}
	wantSteps(t, f.tr, f.stepsShown(), "✓", issueSteps...)
}
