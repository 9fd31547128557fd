package issuing

import (
	"context"
	"errors"
	"strings"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/signing"
)

// errNotConfigured means the shell gave no issuer, card or PIN entry.
var errNotConfigured = errors.New("issuance not configured")

// failure is an error as the operator sees it: what happened and what to do next,
// in their language, and whether the card can be recovered from here.
type failure struct {
	message string
	recover bool // offer "Recover" (wipe) and "Void"
}

// explain maps the workflow's errors to catalogue texts. The issue.err.* texts are
// the CLI's and are reused where they name no command; where the CLI's advice is a
// command line, the issuing.err.* text names the screen's button instead.
func explain(tr *i18n.Catalog, err error) failure { return explainAt(tr, err, stageBefore) }

// stage is how far a workflow got when it failed: the same lost card means "nothing
// happened" before the first write and "half written" after it.
type stage int

const (
	stageBefore  stage = iota // nothing written to the card yet
	stageWriting              // an issuance was writing or reading back: Recover wipes it
	stageChange               // a change of insurer was writing: running it again finishes it
)

// explainAt is explain knowing the stage the workflow failed at.
func explainAt(tr *i18n.Catalog, err error, at stage) failure {
	detail := explainDetail(tr, err)
	var ve *issuance.ValidationError
	var te *registry.TransitionError
	var se *signing.Error
	var step *personalise.StepError
	key, recover := "issuing.err.other", false
	switch {
	case errors.Is(err, errNotConfigured):
		key = "issuing.err.not_configured"
	case errors.Is(err, ErrCancelled), errors.Is(err, context.Canceled):
		key = "issuing.err.cancelled"
	case errors.As(err, &ve):
		key = "issue.err.invalid"
	case errors.Is(err, issuance.ErrPhotoForbidden):
		key = "issuing.err.photo_forbidden"
	case errors.Is(err, issuance.ErrPhotoRequired):
		key = "issuing.err.photo_required"
	case errors.Is(err, issuance.ErrImage):
		key = "issue.err.image"
	case errors.Is(err, issuance.ErrIncomplete):
		key, recover = "issuing.err.incomplete", true
	case errors.Is(err, issuance.ErrNotBlank):
		key = "issue.err.not_blank"
	case errors.Is(err, issuance.ErrNoSerial):
		key = "issue.err.no_serial"
	case errors.Is(err, issuance.ErrMismatch):
		key = "issue.err.mismatch"
	case errors.Is(err, issuance.ErrAlreadyIssued):
		key = "issuing.err.already_issued"
	case errors.Is(err, issuance.ErrOldCard), errors.Is(err, issuance.ErrCardKnown):
		key = "issuing.err.old_card"
	case errors.Is(err, issuance.ErrNotIssuedHere):
		key = "issue.err.not_issued_here"
	case errors.As(err, &te):
		key = "issue.err.transition"
	case errors.Is(err, registry.ErrNotFound):
		key = "issue.err.not_found"
	case errors.Is(err, apdu.ErrAuthenticationBlocked):
		key = "issue.err.pin_blocked"
	case errors.Is(err, apdu.ErrVerificationFailed):
		key = "issue.err.pin_wrong"
	case errors.Is(err, personalise.ErrBadPIN):
		key = "issuing.err.pin_format"
	case errors.As(err, &se):
		key = "issue.err.key"
	case at == stageChange:
		key = "issuing.err.change_interrupted"
	case errors.As(err, &step), at == stageWriting:
		// Pulled out or power lost in the middle: the card may hold half a write.
		key, recover = "issuing.err.card_lost", true
	}
	return failure{message: tr.T(key, "error", detail), recover: recover}
}

// explainDetail is the error's detail in the user's language where the error carries
// stable codes (field validation, signing keys) and its own text otherwise, as the
// CLI shows it.
func explainDetail(tr *i18n.Catalog, err error) string {
	var ve *issuance.ValidationError
	var se *signing.Error
	switch {
	case errors.As(err, &ve):
		lines := make([]string, len(ve.Fields))
		for i, fe := range ve.Fields {
			lines[i] = tr.Format("validate."+fe.Code, fe.Params)
		}
		return strings.Join(lines, "; ")
	case errors.As(err, &se) && tr.Has("signing.err."+se.Code):
		return tr.Format("signing.err."+se.Code, se.Params)
	}
	return err.Error()
}

// errorKeys lists every key explain can produce, for the translation test.
var errorKeys = []string{"issuing.err.other", "issuing.err.not_configured", "issuing.err.cancelled", "issue.err.invalid",
	"issuing.err.photo_forbidden", "issuing.err.photo_required", "issue.err.image", "issuing.err.incomplete",
	"issue.err.not_blank", "issue.err.no_serial", "issue.err.mismatch", "issuing.err.already_issued",
	"issuing.err.old_card", "issue.err.not_issued_here", "issue.err.transition", "issue.err.not_found",
	"issue.err.pin_blocked", "issue.err.pin_wrong", "issuing.err.pin_format", "issue.err.key", "issuing.err.card_lost",
	"issuing.err.change_interrupted"}
