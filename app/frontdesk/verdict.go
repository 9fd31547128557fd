package frontdesk

import (
	"errors"

	"omsdesk/app/cardsource"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// Verdict is the front desk's answer to "may this card be accepted?", as a stable code:
// it is stored in the registry's visit log and names the translation keys
// frontdesk.verdict.<code> (the big text) and frontdesk.reason.<code> (why, and what to
// do next).
type Verdict string

// Verdicts, from the card's own data, from the registry, or from a failed read.
const (
	Valid         Verdict = "valid"          // insured today
	Expired       Verdict = "expired"        // the policy's expiry date has passed
	InsurerClosed Verdict = "insurer_closed" // the current insurer record ended
	NotStarted    Verdict = "not_started"    // the current insurer record starts later
	NoInsurer     Verdict = "no_insurer"     // the card names no current insurer record
	// InsurerUnreadable: the holder was read but the insurer record was not.
	InsurerUnreadable Verdict = "insurer_unreadable"

	// Registry verdicts: the card's serial is recorded with this status.
	CardLost       Verdict = "card_lost"
	CardStolen     Verdict = "card_stolen"
	CardReplaced   Verdict = "card_replaced"
	CardVoided     Verdict = "card_voided"     // cancelled by the office
	CardSpoiled    Verdict = "card_spoiled"    // a blank spoiled during issuance
	CardUnfinished Verdict = "card_unfinished" // personalisation never completed
	// RegistryMismatch: the registry knows the serial, but for another policy number.
	RegistryMismatch Verdict = "registry_mismatch"

	// Terminated: the card's OMS application was terminated (omscard.ErrVoided).
	Terminated Verdict = "terminated"
	NotOMS     Verdict = "not_oms"    // the card has no OMS application
	Unreadable Verdict = "unreadable" // the card did not answer as it should
)

// Verdicts lists every verdict (tests walk it to check the translations).
var Verdicts = []Verdict{Valid, Expired, InsurerClosed, NotStarted, NoInsurer, InsurerUnreadable,
	CardLost, CardStolen, CardReplaced, CardVoided, CardSpoiled, CardUnfinished, RegistryMismatch,
	Terminated, NotOMS, Unreadable}

// Accepted reports whether the card may be accepted as a valid policy.
func (v Verdict) Accepted() bool { return v == Valid }

// Registry notes: what the registry lookup found, shown quietly under the verdict
// (frontdesk.registry.<note>). Only a recorded card changes the verdict; everything else
// is "not checked", never an error.
const (
	NoteChecked     = "checked"      // the registry knows the card and its status
	NoteNoRegistry  = "no_registry"  // no registry is configured or it could not be opened
	NoteNoSerial    = "no_serial"    // the card has no serial number (official cards)
	NoteUnknownCard = "unknown_card" // the registry does not know this card
	NoteUnavailable = "unavailable"  // the lookup failed
)

// Notes lists every registry note.
var Notes = []string{NoteChecked, NoteNoRegistry, NoteNoSerial, NoteUnknownCard, NoteUnavailable}

// Finding is a judged card: the verdict, the values its reason mentions, and what the
// registry said.
type Finding struct {
	Verdict Verdict
	// Params fill the reason's placeholders ({date}, {status} …).
	Params map[string]string
	// Note is one of the Note* codes; "" for a card that was not read.
	Note string
	// Cause is the sub-reason of Unreadable (frontdesk.cause.<cause>).
	Cause string
}

// Causes of an unreadable card (frontdesk.cause.<code>), each with what to do next.
const (
	CauseRemoved     = "removed"     // the card left the reader during the read
	CauseBusy        = "busy"        // another program held the card
	CauseMute        = "mute"        // the card does not answer reset
	CauseReaderGone  = "reader_gone" // the reader was unplugged or became unusable
	CauseServiceGone = "no_service"  // pcscd went away
	CauseOther       = "other"       // anything else: damaged card or reader
)

// Causes lists every cause of an unreadable card.
var Causes = []string{CauseRemoved, CauseBusy, CauseMute, CauseReaderGone, CauseServiceGone, CauseOther}

// JudgeError judges a failed read.
func JudgeError(err error) Finding {
	switch {
	case errors.Is(err, omscard.ErrVoided):
		return Finding{Verdict: Terminated}
	case errors.Is(err, omscard.ErrNotOMSCard):
		return Finding{Verdict: NotOMS}
	}
	return Finding{Verdict: Unreadable, Cause: cause(err)}
}

func cause(err error) string {
	switch {
	case errors.Is(err, pcsc.ErrCardRemoved), errors.Is(err, pcsc.ErrNoCard), errors.Is(err, vcard.ErrRemoved):
		return CauseRemoved
	case errors.Is(err, probe.ErrBusy), errors.Is(err, pcsc.ErrSharingViolation), errors.Is(err, pcsc.ErrTimeout):
		return CauseBusy
	case errors.Is(err, pcsc.ErrCardUnresponsive):
		return CauseMute
	case errors.Is(err, pcsc.ErrUnknownReader), errors.Is(err, pcsc.ErrReaderUnavailable):
		return CauseReaderGone
	case errors.Is(err, pcsc.ErrNoService):
		return CauseServiceGone
	}
	return CauseOther
}

// Lookup is what the registry said about a card's serial.
type Lookup struct {
	Note string
	Card *registry.Card // set with NoteChecked
}

// Judge judges a card that was read (u.State is StateRead) on the day today, with the
// registry's answer about its serial.
func Judge(u cardsource.Update, look Lookup, today policy.Date) Finding {
	f := Finding{Note: look.Note, Params: map[string]string{}}
	p := u.Result.Policy
	if d := u.Details; d != nil && (d.Terminated || (d.LifecycleKnown && omscard.LifecycleOf(d.Lifecycle) == omscard.LifecycleVoided)) {
		f.Verdict = Terminated
		return f
	}
	if c := look.Card; c != nil {
		f.Params["status"] = string(c.Status)
		if !c.UpdatedAt.IsZero() {
			f.Params["date"] = policy.DateOf(c.UpdatedAt).Russian()
		}
		switch {
		case c.ENP != p.Owner.ENP:
			f.Verdict = RegistryMismatch
			return f
		case c.Status == registry.StatusLost:
			f.Verdict = CardLost
		case c.Status == registry.StatusStolen:
			f.Verdict = CardStolen
		case c.Status == registry.StatusReplaced:
			f.Verdict = CardReplaced
		case c.Status == registry.StatusVoided:
			f.Verdict = CardVoided
		case c.Status == registry.StatusSpoiled:
			f.Verdict = CardSpoiled
		case c.Status == registry.StatusPersonalising:
			f.Verdict = CardUnfinished
		}
		if f.Verdict != "" {
			return f
		}
	}
	if d := u.Details; d != nil && d.LifecycleKnown && omscard.LifecycleOf(d.Lifecycle) == omscard.LifecyclePersonalising {
		f.Verdict = CardUnfinished
		return f
	}
	if u.Partial() {
		f.Verdict = InsurerUnreadable
		return f
	}
	switch p.Status(today) {
	case policy.StatusExpired:
		f.Verdict = Expired
		f.Params["date"] = p.Owner.Expiry.Russian()
	case policy.StatusInsurerClosed:
		f.Verdict = InsurerClosed
		f.Params["date"] = p.Insurer.End.Russian()
	case policy.StatusNotStarted:
		f.Verdict = NotStarted
		f.Params["date"] = p.Insurer.Start.Russian()
	case policy.StatusNoInsurer:
		f.Verdict = NoInsurer
	default:
		f.Verdict = Valid
	}
	return f
}
