package issuing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/signing"
)

// TestExplain maps every error of the workflow to its text and next step.
func TestExplain(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("checking card: %w", err) }
	fe := &policy.FieldError{Field: "enp", Code: "enp.check_digit", Params: map[string]string{"got": "8", "want": "7"}}
	for _, tc := range []struct {
		err     error
		key     string
		recover bool
	}{
		{wrap(issuance.ErrIncomplete), "issuing.err.incomplete", true},
		{wrap(issuance.ErrNotBlank), "issue.err.not_blank", false},
		{wrap(issuance.ErrNoSerial), "issue.err.no_serial", false},
		{&issuance.MismatchError{Differences: []dump.Difference{{Field: "owner.surname"}}}, "issue.err.mismatch", false},
		{wrap(issuance.ErrAlreadyIssued), "issuing.err.already_issued", false},
		{wrap(issuance.ErrOldCard), "issuing.err.old_card", false},
		{wrap(issuance.ErrCardKnown), "issuing.err.old_card", false},
		{wrap(issuance.ErrNotIssuedHere), "issue.err.not_issued_here", false},
		{issuance.ErrPhotoForbidden, "issuing.err.photo_forbidden", false},
		{issuance.ErrPhotoRequired, "issuing.err.photo_required", false},
		{wrap(issuance.ErrImage), "issue.err.image", false},
		{&issuance.ValidationError{Fields: []*policy.FieldError{fe}}, "issue.err.invalid", false},
		{&personalise.StepError{Step: "verify_issuer_pin", Err: apdu.ErrVerificationFailed}, "issue.err.pin_wrong", false},
		{&personalise.StepError{Step: "verify_issuer_pin", Err: apdu.ErrAuthenticationBlocked}, "issue.err.pin_blocked", false},
		{personalise.ErrBadPIN, "issuing.err.pin_format", false},
		{&personalise.StepError{Step: "write:0201", Err: errors.New("card removed")}, "issuing.err.card_lost", true},
		{wrap(registry.ErrNotFound), "issue.err.not_found", false},
		{&signing.Error{Code: "pin_incorrect"}, "issue.err.key", false},
		{ErrCancelled, "issuing.err.cancelled", false},
		{context.Canceled, "issuing.err.cancelled", false},
		{errNotConfigured, "issuing.err.not_configured", false},
		{errors.New("something odd"), "issuing.err.other", false},
	} {
		for _, lang := range i18n.Languages {
			tr := i18n.MustLoad(lang)
			got := explain(tr, tc.err)
			if !strings.HasPrefix(got.message, firstWords(tr.T(tc.key))) || got.recover != tc.recover {
				t.Errorf("%s %v: %q (recover %v), want %s", lang, tc.err, got.message, got.recover, tc.key)
			}
			if strings.Contains(got.message, "{error}") {
				t.Errorf("%s %v: placeholder left in %q", lang, tc.err, got.message)
			}
		}
	}
	// The same lost card before and after the first write.
	tr0 := i18n.MustLoad(i18n.English)
	lost := errors.New("reading back: virtual card removed")
	for _, tc := range []struct {
		at      stage
		key     string
		recover bool
	}{{stageBefore, "issuing.err.other", false}, {stageWriting, "issuing.err.card_lost", true},
		{stageChange, "issuing.err.change_interrupted", false}} {
		got := explainAt(tr0, lost, tc.at)
		if !strings.HasPrefix(got.message, firstWords(tr0.T(tc.key))) || got.recover != tc.recover {
			t.Errorf("stage %d: %q (recover %v), want %s", tc.at, got.message, got.recover, tc.key)
		}
	}
	// Field findings are shown in the user's language, not the validators' English.
	tr := i18n.MustLoad(i18n.Russian)
	msg := explain(tr, &issuance.ValidationError{Fields: []*policy.FieldError{fe}}).message
	if want := tr.Format("validate.enp.check_digit", fe.Params); !strings.Contains(msg, want) {
		t.Errorf("validation detail %q lacks %q", msg, want)
	}
}
