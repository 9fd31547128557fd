// Package issuance is the insurer office's workflow around a card: validate the holder's
// data, check the card is blank, personalise it, read everything back and compare it
// field by field, close personalisation, and record each step in the registry's
// hash-chained journal. Re-issue (lost, stolen, changed data, newborn) and the change of
// insurer on an issued card follow the same pattern.
//
// Nothing is printed from data that were not read back from the card and found equal to
// what was meant to be written: Issue returns the policy as read, and that is what the
// card face and certificate are made from.
package issuance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// Reason is why a card is issued. The values are the CSV register's `reason` column.
type Reason string

// Reasons for issuing a card (issue 3, "re-issue cases from real practice").
const (
	ReasonNew           Reason = "new"
	ReasonLost          Reason = "lost"
	ReasonStolen        Reason = "stolen"
	ReasonDataChange    Reason = "data_change"
	ReasonInsurerChange Reason = "insurer_change"
	ReasonNewborn       Reason = "newborn"
)

// ParseReason accepts a reason's name; "" is ReasonNew.
func ParseReason(s string) (Reason, error) {
	switch r := Reason(s); r {
	case "":
		return ReasonNew, nil
	case ReasonNew, ReasonLost, ReasonStolen, ReasonDataChange, ReasonInsurerChange, ReasonNewborn:
		return r, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownReason, s)
}

// needsOldCard reports whether the reason replaces an existing card.
func (r Reason) needsOldCard() bool {
	return r == ReasonLost || r == ReasonStolen || r == ReasonDataChange
}

// Errors of the workflow. Callers match them with errors.Is; the CLI and GUI turn them
// into the user's language.
var (
	ErrUnknownReason  = errors.New("unknown issuance reason")
	ErrInvalidData    = errors.New("holder data invalid") // wrapped in *ValidationError
	ErrNotBlank       = errors.New("card is not blank")
	ErrNoSerial       = errors.New("card has no serial number (not a card of the issuance profile)")
	ErrIncomplete     = errors.New("card holds an incomplete personalisation")
	ErrMismatch       = errors.New("card read back differs from what was written") // wrapped in *MismatchError
	ErrAlreadyIssued  = errors.New("policy already has an active card")
	ErrOldCard        = errors.New("old card does not fit the re-issue")
	ErrNotIssuedHere  = errors.New("card is not an active card of this registry")
	ErrCardKnown      = errors.New("blank card already recorded with another status or policy")
	ErrPhotoForbidden = errors.New("no photo on cards of children under 14")
	ErrPhotoRequired  = errors.New("a photo is required from the age of 14")
)

// ValidationError lists every problem with the holder's data.
type ValidationError struct{ Fields []*policy.FieldError }

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%d field(s) invalid, first: %v", len(e.Fields), e.Fields[0])
}

func (e *ValidationError) Unwrap() error { return ErrInvalidData }

// MismatchError lists the fields that read back differently.
type MismatchError struct{ Differences []dump.Difference }

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%d field(s) differ after writing, first: %s", len(e.Differences), e.Differences[0].Field)
}

func (e *MismatchError) Unwrap() error { return ErrMismatch }

// Event is one finished step, for progress displays.
type Event struct {
	Step   string // journal step name: "validate", "check_blank", "personalise", …
	Detail string // e.g. the APDU step "write:0201 3/41"
	Done   int    // APDUs sent so far in the current plan
	Total  int
}

// Issuer runs the workflow for one workstation.
type Issuer struct {
	Registry registry.Store
	// Sign signs an insurer record in place (5F61/5F62) with the office's key.
	Sign func(*policy.Insurer) error
	// Actor, Workstation and Reader are written into every journal entry.
	Actor, Workstation, Reader string
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Progress, when set, hears about every step and APDU.
	Progress func(Event)
}

// Request is one card to issue.
type Request struct {
	// Policy holds the owner record and the first insurer record (unsigned). Its photo
	// should already be normalised (NormalizePhoto).
	Policy *policy.Policy
	Reason Reason
	// OldCardSerial is the card a lost, stolen or data-change re-issue replaces.
	OldCardSerial string
	PINs          personalise.PINs
}

// Result is an issued card.
type Result struct {
	Serial string
	// Policy is the policy as read back from the card after the comparison: the only
	// data that may be printed.
	Policy *policy.Policy
	APDUs  int
}

func (is *Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

func (is *Issuer) today() policy.Date {
	t := is.now()
	return policy.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
}

// journal appends one entry; a journal that cannot be written stops the workflow,
// since an unrecorded issuance is exactly what the journal exists to prevent.
func (is *Issuer) journal(ctx context.Context, serial, enp, step, result, detail string) error {
	_, err := is.Registry.Append(ctx, registry.Entry{At: is.now().UTC(), Actor: is.Actor, Workstation: is.Workstation,
		Reader: is.Reader, CardSerial: serial, ENP: enp, Step: step, Result: result, Detail: detail})
	if err != nil {
		return fmt.Errorf("writing journal: %w", err)
	}
	if is.Progress != nil && result == "ok" {
		is.Progress(Event{Step: step, Detail: detail})
	}
	return nil
}

// fail journals a failed step and returns err.
func (is *Issuer) fail(ctx context.Context, serial, enp, step string, err error) error {
	if jerr := is.journal(ctx, serial, enp, step, "failed", detailOf(err)); jerr != nil {
		return errors.Join(err, jerr)
	}
	return err
}

// detailOf reduces an error to a journal detail without personal data: the error
// chain's text is made of codes, file IDs and status words, never field values, except
// validation errors, which are reduced to their field names and problem codes.
func detailOf(err error) string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		s := ""
		for i, f := range ve.Fields {
			if i > 0 {
				s += ","
			}
			s += f.Field + ":" + f.Code
		}
		return s
	}
	var me *MismatchError
	if errors.As(err, &me) {
		s := "differs:"
		for i, d := range me.Differences {
			if i > 0 {
				s += ","
			}
			s += d.Field
		}
		return s
	}
	return err.Error()
}

// Validate checks a request before any card is touched: every field with the read
// issue's validators, the photo rule for the holder's age, and the registry's view of
// the policy and of the card being replaced.
func (is *Issuer) Validate(ctx context.Context, req *Request) error {
	p := req.Policy
	if p == nil || p.Insurer == nil {
		return &ValidationError{Fields: []*policy.FieldError{{Field: "insurer", Code: "field.required", Params: map[string]string{"field": "insurer"}}}}
	}
	today := is.today()
	if p.Owner.IssueDate.IsZero() {
		p.Owner.IssueDate = today
	}
	if errs := p.Validate(today); len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	under14 := ageOn(p.Owner.BirthDate, p.Owner.IssueDate) < 14
	switch {
	case under14 && p.Owner.Photo != nil:
		return ErrPhotoForbidden
	case !under14 && p.Owner.Photo == nil:
		return ErrPhotoRequired
	case req.Reason == ReasonNewborn && ageOn(p.Owner.BirthDate, p.Owner.IssueDate) >= 1:
		return fmt.Errorf("%w: newborn re-issue for a child over one year old", ErrOldCard)
	}
	cards, err := is.Registry.CardsByENP(ctx, p.Owner.ENP)
	if err != nil {
		return fmt.Errorf("looking up the policy's cards: %w", err)
	}
	var active *registry.Card
	for i := range cards {
		if cards[i].Status == registry.StatusActive {
			active = &cards[i]
		}
	}
	switch {
	case req.Reason.needsOldCard():
		if req.OldCardSerial == "" {
			return fmt.Errorf("%w: %s needs the old card's serial", ErrOldCard, req.Reason)
		}
		old, err := is.Registry.Card(ctx, req.OldCardSerial)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrOldCard, err)
		}
		if old.ENP != p.Owner.ENP {
			return fmt.Errorf("%w: card %s belongs to another policy", ErrOldCard, old.Serial)
		}
		wantOld := registry.StatusActive
		if req.Reason == ReasonLost {
			wantOld = registry.StatusLost
		} else if req.Reason == ReasonStolen {
			wantOld = registry.StatusStolen
		}
		if old.Status != registry.StatusActive && old.Status != wantOld {
			return fmt.Errorf("%w: card %s is %s", ErrOldCard, old.Serial, old.Status)
		}
	case req.Reason == ReasonInsurerChange:
		return fmt.Errorf("%w: a change of insurer is written to the issued card (ChangeInsurer)", ErrOldCard)
	case active != nil:
		return fmt.Errorf("%w: card %s", ErrAlreadyIssued, active.Serial)
	}
	return nil
}

// ageOn is the age in whole years on day d.
func ageOn(birth, d policy.Date) int {
	age := d.Year - birth.Year
	if d.Month < birth.Month || d.Month == birth.Month && d.Day < birth.Day {
		age--
	}
	return age
}

// inspection is what a card holds before the workflow touches it.
type inspection struct {
	serial  string
	blank   bool
	details *omscard.Details
}

func inspect(t cardio.Transport) (*inspection, error) {
	d, err := omscard.ReadDetails(t)
	if err != nil {
		return nil, fmt.Errorf("inspecting card: %w", err)
	}
	if d.Serial == "" {
		return nil, ErrNoSerial
	}
	_, err = omscard.Read(t, omscard.Options{})
	switch {
	case errors.Is(err, omscard.ErrNotOMSCard):
		return &inspection{serial: d.Serial, blank: true, details: d}, nil
	case err != nil && d.LifecycleKnown && d.Lifecycle < 0x04:
		return &inspection{serial: d.Serial, details: d}, nil // incomplete: unreadable is expected
	}
	return &inspection{serial: d.Serial, details: d}, nil
}

// Issue personalises a blank card for req. On success the card is active in the registry
// and the result carries the policy as read back. On a mismatch the card is voided and
// recorded as spoiled; when the card is lost mid-way (pulled, power cut), the registry
// keeps it as personalising and Recover finishes the job.
func (is *Issuer) Issue(ctx context.Context, t cardio.Transport, req Request) (*Result, error) {
	enp := ""
	if req.Policy != nil {
		enp = req.Policy.Owner.ENP
	}
	if err := is.Validate(ctx, &req); err != nil {
		return nil, is.fail(ctx, "", enp, "validate", err)
	}
	if err := is.journal(ctx, "", enp, "validate", "ok", string(req.Reason)); err != nil {
		return nil, err
	}
	in, err := inspect(t)
	if err != nil {
		return nil, is.fail(ctx, "", enp, "check_blank", err)
	}
	if !in.blank {
		err := ErrNotBlank
		if in.details.LifecycleKnown && in.details.Lifecycle < 0x04 {
			err = ErrIncomplete
		}
		return nil, is.fail(ctx, in.serial, enp, "check_blank", err)
	}
	serial := in.serial
	// A blank card the registry already knows is one whose earlier personalisation
	// was lost before it wrote anything, or was wiped by Recover: it may be used again
	// only for the same policy and only while it is still "personalising".
	known, err := is.Registry.Card(ctx, serial)
	switch {
	case err == nil && (known.Status != registry.StatusPersonalising || known.ENP != enp):
		return nil, is.fail(ctx, serial, enp, "check_blank", fmt.Errorf("%w: %s", ErrCardKnown, known.Status))
	case err != nil && !errors.Is(err, registry.ErrNotFound):
		return nil, is.fail(ctx, serial, enp, "check_blank", err)
	}
	if err := is.journal(ctx, serial, enp, "check_blank", "ok", ""); err != nil {
		return nil, err
	}
	p := req.Policy
	if err := is.Registry.PutPolicy(ctx, recordOf(p)); err != nil {
		return nil, is.fail(ctx, serial, enp, "record", fmt.Errorf("storing policy: %w", err))
	}
	if errors.Is(err, registry.ErrNotFound) {
		if err := is.Registry.AddCard(ctx, registry.Card{Serial: serial, ENP: enp, Status: registry.StatusPersonalising,
			IssuedAt: is.now().UTC(), Reader: is.Reader, Note: string(req.Reason)}); err != nil {
			return nil, is.fail(ctx, serial, enp, "record", fmt.Errorf("recording card: %w", err))
		}
	}
	if err := is.Sign(p.Insurer); err != nil {
		return nil, is.fail(ctx, serial, enp, "sign", err)
	}
	owner, insurer := p.Owner.Encode(), p.Insurer.Encode()
	plan, err := personalise.Issuance(owner, insurer, req.PINs)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "personalise", err)
	}
	apdus := len(plan)
	if err := is.run(plan, "personalise", t); err != nil {
		return nil, is.fail(ctx, serial, enp, "personalise", err)
	}
	if err := is.journal(ctx, serial, enp, "personalise", "ok", fmt.Sprintf("%d APDUs", len(plan))); err != nil {
		return nil, err
	}
	want := vcard.Layout{Owner: owner, Current: personalise.FirstInsurerFID,
		Insurers: []vcard.InsurerEF{{FID: personalise.FirstInsurerFID, Data: insurer}}}
	read, n, err := readBack(t, want)
	apdus += n
	if err != nil {
		var me *MismatchError
		if errors.As(err, &me) {
			is.spoil(ctx, t, serial, enp, req.PINs, err)
			return nil, err
		}
		return nil, is.fail(ctx, serial, enp, "compare", err)
	}
	if err := is.journal(ctx, serial, enp, "compare", "ok", ""); err != nil {
		return nil, err
	}
	act, err := personalise.Activation(req.PINs)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "activate", err)
	}
	apdus += len(act)
	if err := is.run(act, "activate", t); err != nil {
		return nil, is.fail(ctx, serial, enp, "activate", err)
	}
	if err := is.journal(ctx, serial, enp, "activate", "ok", ""); err != nil {
		return nil, err
	}
	if err := is.record(ctx, serial, p, req); err != nil {
		return nil, is.fail(ctx, serial, enp, "record", err)
	}
	if err := is.journal(ctx, serial, enp, "record", "ok", string(registry.StatusActive)); err != nil {
		return nil, err
	}
	return &Result{Serial: serial, Policy: read, APDUs: apdus}, nil
}

// run sends a plan, reporting each APDU.
func (is *Issuer) run(plan personalise.Plan, step string, t cardio.Transport) error {
	return plan.Run(t, func(done int, s personalise.Step) {
		if is.Progress != nil {
			is.Progress(Event{Step: step, Detail: s.Name, Done: done, Total: len(plan)})
		}
	})
}

// spoil records a card whose read-back differed: the OMS application is terminated
// so no reader takes the card for a policy, and the registry marks it spoiled.
func (is *Issuer) spoil(ctx context.Context, t cardio.Transport, serial, enp string, pins personalise.PINs, cause error) {
	_ = is.fail(ctx, serial, enp, "compare", cause)
	if void, err := personalise.Void(pins); err == nil {
		if err := is.run(void, "void", t); err != nil {
			_ = is.fail(ctx, serial, enp, "void", err)
		} else {
			_ = is.journal(ctx, serial, enp, "void", "ok", "")
		}
	}
	if err := is.Registry.SetCardStatus(ctx, serial, registry.StatusSpoiled, "read-back mismatch"); err != nil {
		_ = is.fail(ctx, serial, enp, "record", err)
	}
}

// readBack reads the whole card and compares it with what was meant to be written:
// the raw files byte for byte (insurer EFs with their padding ignored) and every
// decoded field. It returns the policy as read and the APDUs it took.
func readBack(t cardio.Transport, want vcard.Layout) (*policy.Policy, int, error) {
	res, err := omscard.Read(t, omscard.Options{})
	if err != nil {
		return nil, 0, fmt.Errorf("reading back: %w", err)
	}
	got := vcard.Layout{Owner: res.OwnerFile, Current: res.Policy.InsurerFileID,
		Insurers: []vcard.InsurerEF{{FID: res.Policy.InsurerFileID, Data: trimPadding(res.InsurerFile, len(want.Insurers[0].Data))}}}
	diffs := dump.Diff(dump.FromLayout(want, ""), dump.FromLayout(got, ""))
	if len(diffs) > 0 {
		return nil, res.APDUs, &MismatchError{Differences: diffs}
	}
	if !allZero(res.InsurerFile[min(len(res.InsurerFile), len(want.Insurers[0].Data)):]) {
		return nil, res.APDUs, &MismatchError{Differences: []dump.Difference{{Field: "insurer.padding", A: "00…", B: "data"}}}
	}
	return res.Policy, res.APDUs, nil
}

func trimPadding(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// recordOf is the registry's view of the policy.
func recordOf(p *policy.Policy) registry.PolicyRecord {
	o := &p.Owner
	return registry.PolicyRecord{ENP: o.ENP, IssueDate: o.IssueDate, Expiry: o.Expiry, Person: registry.Person{
		Surname: o.Surname, FirstName: o.FirstName, Patronymic: o.Patronymic, BirthDate: o.BirthDate,
		Sex: o.Sex, SNILS: o.SNILS, BirthPlace: o.BirthPlace}}
}

// record stores the outcome: the insurer record, the old card's new status and the new
// card active (which marks any previous active card replaced).
func (is *Issuer) record(ctx context.Context, serial string, p *policy.Policy, req Request) error {
	// A re-issued card carries the policy's current insurer record again: the registry
	// keeps one record per insurer period, not one per card.
	in := p.Insurer
	open, err := is.openRecord(ctx, p.Owner.ENP)
	known := err == nil && open.OGRN == in.OGRN && open.OKATO == in.OKATO && open.Start == in.Start
	if err == nil && !known && open.Start.Before(in.Start) {
		if err := is.Registry.CloseInsurerRecord(ctx, p.Owner.ENP, policy.DateOf(in.Start.Time().AddDate(0, 0, -1))); err != nil {
			return fmt.Errorf("closing previous insurer record: %w", err)
		}
	}
	if !known {
		if _, err := is.Registry.AddInsurerRecord(ctx, registry.InsurerRecord{ENP: p.Owner.ENP, OGRN: in.OGRN, OKATO: in.OKATO,
			Start: in.Start, End: in.End, FileID: personalise.FirstInsurerFID, SignerFingerprint: fingerprint(in)}); err != nil {
			return fmt.Errorf("recording insurer record: %w", err)
		}
	}
	if req.OldCardSerial != "" {
		status := map[Reason]registry.CardStatus{ReasonLost: registry.StatusLost, ReasonStolen: registry.StatusStolen}[req.Reason]
		old, err := is.Registry.Card(ctx, req.OldCardSerial)
		if err != nil {
			return fmt.Errorf("looking up old card: %w", err)
		}
		if status != "" && old.Status != status {
			if err := is.Registry.SetCardStatus(ctx, old.Serial, status, "reported at re-issue"); err != nil {
				return fmt.Errorf("marking old card %s: %w", status, err)
			}
		}
	}
	if err := is.Registry.SetCardStatus(ctx, serial, registry.StatusActive, string(req.Reason)); err != nil {
		return fmt.Errorf("activating card: %w", err)
	}
	return nil
}

func fingerprint(in *policy.Insurer) string {
	if in.Signature == nil || len(in.Signature.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(in.Signature.Certificate)
	return hex.EncodeToString(sum[:])
}
