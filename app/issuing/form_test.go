package issuing

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/vcard"
)

// TestLiveValidation types into the form as an operator does: each finding appears
// under its field as soon as the value is wrong, in the user's language, and goes away
// when it is fixed; "Write card" is enabled only while every field is valid.
func TestLiveValidation(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, lang)
			tr := f.tr
			f.s.ApplyCard(blankUpdate)
			if !f.s.single.writeBtn.Disabled() {
				t.Fatal("Write enabled on an empty form")
			}
			good := enp(t, 1)
			f.fillAdult(t, good)
			if f.s.single.writeBtn.Disabled() {
				t.Fatalf("Write disabled on a valid form:\n%s", f.shown())
			}
			if got := f.shown(); !strings.Contains(got, tr.T("issuing.hint.ready")) {
				t.Errorf("ready hint missing:\n%s", got)
			}

			// The ENP typed digit by digit with a wrong last digit.
			wrong := good[:15] + string('0'+(good[15]-'0'+1)%10)
			e := f.s.single.entries[fENP]
			e.SetText("")
			test.Type(e, wrong[:10])
			lengthMsg := tr.Format("validate.enp.length", map[string]string{"got": "10", "want": "16"})
			if got := f.shown(); !strings.Contains(got, lengthMsg) {
				t.Errorf("half-typed ENP: %q not shown:\n%s", lengthMsg, got)
			}
			test.Type(e, wrong[10:])
			checkMsg := tr.Format("validate.enp.check_digit", map[string]string{"got": wrong[15:], "want": good[15:]})
			got := f.shown()
			if !strings.Contains(got, checkMsg) || strings.Contains(got, lengthMsg) {
				t.Errorf("bad check digit: want %q (and not the length message):\n%s", checkMsg, got)
			}
			if !f.s.single.writeBtn.Disabled() {
				t.Error("Write enabled with a bad check digit")
			}
			if !strings.Contains(got, tr.T("issuing.hint.invalid", "count", "1")) {
				t.Errorf("hint does not count the bad field:\n%s", got)
			}
			e.SetText(good)
			if got := f.shown(); strings.Contains(got, checkMsg) {
				t.Errorf("message stays after the fix:\n%s", got)
			}
			if f.s.single.writeBtn.Disabled() {
				t.Error("Write still disabled after the fix")
			}

			// Every other validator, one at a time, each fixed again.
			for _, tc := range []struct {
				field, bad, fix, key string
				params               map[string]string
			}{
				{fSNILS, "112-233-445 96", "112-233-445 95", "validate.snils.check_digit", map[string]string{"got": "96", "want": "95"}},
				{fOGRN, "1027700000009", "1027700000008", "validate.ogrn.check_digit", map[string]string{"got": "9", "want": "8"}},
				{fOKATO, "02000", "45000", "validate.okato.unknown_subject", map[string]string{"subject": "02"}},
				{fBirthDate, "01.01.2030", "15.03.1985", "validate.date.future", map[string]string{"field": "birth_date", "got": "01.01.2030"}},
				{fBirthDate, "31.02.1985", "15.03.1985", "validate.date.invalid", map[string]string{"field": "birth_date", "got": "31.02.1985"}},
				{fStart, "01.01.1980", "01.11.2026", "validate.date.before", map[string]string{"field": "insurance_start", "got": "01.01.1980", "other_field": "birth_date", "other": "15.03.1985"}},
				{fSurname, "", "Сидоров", "validate.field.required", map[string]string{"field": "surname"}},
			} {
				f.s.single.entries[tc.field].SetText(tc.bad)
				msg := tr.Format(tc.key, tc.params)
				if got := f.shown(); !strings.Contains(got, msg) {
					t.Errorf("%s=%q: %q not shown:\n%s", tc.field, tc.bad, msg, got)
				}
				if !f.s.single.writeBtn.Disabled() {
					t.Errorf("%s=%q: Write enabled", tc.field, tc.bad)
				}
				f.s.single.entries[tc.field].SetText(tc.fix)
				if got := f.shown(); strings.Contains(got, msg) || f.s.single.writeBtn.Disabled() {
					t.Errorf("%s fixed: message %q still shown or Write disabled:\n%s", tc.field, msg, got)
				}
			}

			// A reason that replaces a card needs the old card's serial.
			f.s.single.reason.SetSelectedIndex(1) // lost
			if got := f.shown(); !strings.Contains(got, tr.T("issuing.v.old_card_required")) || !f.s.single.writeBtn.Disabled() {
				t.Errorf("lost card without old serial:\n%s", got)
			}
			f.s.single.entries[fOldCard].SetText("89701000000000000001")
			if f.s.single.writeBtn.Disabled() {
				t.Errorf("lost card with old serial still disabled:\n%s", f.shown())
			}
			// Newborn is for babies only.
			f.s.single.reason.SetSelectedIndex(5)
			if got := f.shown(); !strings.Contains(got, tr.T("issuing.v.newborn_age")) {
				t.Errorf("newborn reason for an adult accepted:\n%s", got)
			}
		})
	}
}

// TestUnder14Photo: a child's card carries no photo. The photo button is disabled,
// the photo is neither shown nor written, and the screen says why; a corrected birth
// date brings the imported photo back.
func TestUnder14Photo(t *testing.T) {
	f := newFixture(t, i18n.Russian)
	f.s.ApplyCard(blankUpdate)
	f.fillAdult(t, enp(t, 2))
	sg := f.s.single
	if sg.photo.Image == nil || sg.photoBtn.Disabled() {
		t.Fatal("adult's photo not shown")
	}
	if c := sg.model.check(f.tr, f.s.today()); c.policy == nil || c.policy.Owner.Photo == nil {
		t.Fatal("adult's policy has no photo")
	}
	sg.entries[fBirthDate].SetText("10.04.2018")
	sg.entries[fStart].SetText("10.05.2018")
	if !sg.photoBtn.Disabled() || sg.photo.Image != nil {
		t.Error("child: photo still offered or shown")
	}
	if got := f.shown(); !strings.Contains(got, f.tr.T("issuing.photo.child")) {
		t.Errorf("child: no explanation:\n%s", got)
	}
	c := sg.model.check(f.tr, f.s.today())
	if c.policy == nil || c.policy.Owner.Photo != nil {
		t.Fatalf("child's policy: %+v (errors %v)", c.policy, c.errs)
	}
	if sg.writeBtn.Disabled() {
		t.Errorf("child without photo cannot be written:\n%s", f.shown())
	}
	// Fourteen today: the photo is required again.
	sg.entries[fBirthDate].SetText("25.11.2012")
	if sg.photoBtn.Disabled() || sg.photo.Image == nil {
		t.Error("fourteen-year-old: photo not offered")
	}
	// An adult without a photo cannot be written.
	sg.model.photo, sg.photoImg = nil, nil
	sg.refresh()
	if got := f.shown(); !strings.Contains(got, f.tr.T("issuing.v.photo_required")) || !sg.writeBtn.Disabled() {
		t.Errorf("adult without photo:\n%s", got)
	}
}

// TestImageImportErrors: a file that is not an image is refused with the reason.
func TestImageImportErrors(t *testing.T) {
	f := newFixture(t, i18n.English)
	f.s.single.importPhoto([]byte("not an image"))
	f.wait(1)
	if got := f.shown(); !strings.Contains(got, "The image cannot be used") {
		t.Errorf("bad photo not reported:\n%s", got)
	}
	f.s.single.importPhoto(photoPNG(t, 400, 500))
	f.wait(1)
	if got := f.shown(); strings.Contains(got, "The image cannot be used") || f.s.single.model.photo == nil {
		t.Errorf("good photo after a bad one:\n%s", got)
	}
	f.s.single.importSignature(photoPNG(t, 600, 200))
	f.wait(1)
	if f.s.single.signature.Image == nil || f.s.single.model.signature == nil {
		t.Error("signature not shown")
	}
}

// TestApplyCard: the card line follows the reader, and "Write card" needs the right
// kind of card for the reason.
func TestApplyCard(t *testing.T) {
	f := newFixture(t, i18n.English)
	f.fillAdult(t, enp(t, 3))
	res, err := omscard.Read(vcard.Default().Transport(), omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		u      cardsource.Update
		reason int
		line   string
		write  bool
	}{
		{cardsource.Update{State: cardsource.StateWaiting, Reader: "r"}, 0, f.tr.T("issuing.card.none"), false},
		{cardsource.Update{State: cardsource.StateReading, Reader: "r"}, 0, f.tr.T("issuing.card.reading"), false},
		{blankUpdate, 0, f.tr.T("issuing.card.blank"), true},
		{cardsource.Update{State: cardsource.StateRead, Reader: "r", Result: res}, 0, f.tr.T("issuing.card.issued", "enp", "5001234567890127"), false},
		{cardsource.Update{State: cardsource.StateError, Reader: "r", Err: omscard.ErrInsurerUnreadable}, 0, f.tr.T("issuing.card.other"), true},
		{cardsource.Update{State: cardsource.StateRemoved, Reader: "r"}, 0, f.tr.T("issuing.card.none"), false},
		{cardsource.Update{State: cardsource.StateRead, Reader: "r", Result: res}, 4, f.tr.T("issuing.card.issued", "enp", "5001234567890127"), true},
		{blankUpdate, 4, f.tr.T("issuing.card.blank"), false},
	} {
		f.s.single.reason.SetSelectedIndex(tc.reason)
		f.s.ApplyCard(tc.u)
		got := f.shown()
		if !strings.Contains(got, tc.line) || f.s.single.writeBtn.Disabled() == tc.write {
			t.Errorf("state %v reason %d: want %q, write %v:\n%s", tc.u.State, tc.reason, tc.line, tc.write, got)
		}
	}

	// Hidden behind another desk, the card is noted and the form catches up when shown.
	f.s.single.reason.SetSelectedIndex(0)
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved, Reader: "r"})
	f.s.SetShown(false)
	f.s.ApplyCard(blankUpdate)
	if !f.s.single.writeBtn.Disabled() {
		t.Error("the hidden desk updated its form")
	}
	f.s.SetShown(true)
	if got := f.shown(); !strings.Contains(got, f.tr.T("issuing.card.blank")) || f.s.single.writeBtn.Disabled() {
		t.Errorf("shown again after a blank card came: write disabled %v:\n%s", f.s.single.writeBtn.Disabled(), got)
	}
}
