package report

import (
	"strings"
	"testing"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/verify"
)

// TestRenderDetailChecks renders the checks of the issuance profile's details, failing
// the way a torn or voided card fails them, in both languages: every title and reason
// is translated and placed, and no catalogue key leaks into the PDF.
func TestRenderDetailChecks(t *testing.T) {
	r := passingReport(t)
	for _, c := range []verify.Check{
		{ID: "card.lifecycle", Status: verify.Fail, Code: "lifecycle_personalising", Params: map[string]string{"value": "01"}},
		{ID: "insurer.history", Status: verify.Fail, Code: "pointer_not_last", Params: map[string]string{"fids": "0204", "pointer": "0203"}},
		{ID: "registry", Status: verify.Fail, Code: "registry_card_status", Params: map[string]string{"serial": "12345678901234567890", "status": "lost"}},
		{ID: "qr", Status: verify.Fail, Code: "qr_mismatch", Params: map[string]string{"fields": "surname, serial"}},
	} {
		for i := range r.Checks {
			if r.Checks[i].ID == c.ID {
				r.Checks[i] = c
			}
		}
	}
	r.Verdict = verify.Fail
	for _, lang := range []string{i18n.Russian, i18n.English} {
		t.Run(lang, func(t *testing.T) {
			tr := i18n.MustLoad(lang)
			txt := text(t, render(t, r, lang, Options{Created: created}))
			for _, id := range []string{"card.lifecycle", "insurer.history", "registry", "qr"} {
				c, ok := r.Find(id)
				if !ok || c.Status != verify.Fail {
					t.Fatalf("the passing report has no %s check to replace", id)
				}
				for _, w := range []string{tr.T("verify.check." + id), Reason(tr, c)} {
					if !strings.Contains(txt, strings.Join(strings.Fields(w), " ")) {
						t.Errorf("text lacks %q", w)
					}
				}
			}
			if !strings.Contains(txt, "0203") || !strings.Contains(txt, "12345678901234567890") {
				t.Error("parameters not filled in")
			}
			if k := leakedKey.FindString(txt); k != "" {
				t.Errorf("untranslated key %q in the text", k)
			}
		})
	}
}
