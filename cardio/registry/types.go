package registry

import (
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"omsdesk/cardio/policy"
)

// Person is the policy holder as the registry knows them. The registry keeps what the
// card's owner record carries except the photo, which lives on the card.
type Person struct {
	Surname    string      `json:"surname"`
	FirstName  string      `json:"first_name"`
	Patronymic string      `json:"patronymic,omitempty"`
	BirthDate  policy.Date `json:"birth_date"`
	Sex        policy.Sex  `json:"sex"`
	SNILS      string      `json:"snils,omitempty"`
	BirthPlace string      `json:"birth_place,omitempty"`
}

// PolicyRecord is one policy in the registry: the lifelong policy number (ENP), its
// holder, and when the policy was issued and until when it is valid (zero: no limit).
type PolicyRecord struct {
	ENP       string      `json:"enp"`
	Person    Person      `json:"person"`
	IssueDate policy.Date `json:"issue_date"`
	Expiry    policy.Date `json:"expiry"`
}

// Validate checks what the registry relies on: a well-formed ENP with its check digit,
// a surname and first name, a SNILS with its check number when one is given, and real
// calendar dates. Fuller checks (dates in order, against today) belong to the issuance
// workflow, which knows today. The error wraps [ErrInvalid] and, for field problems,
// the *policy.FieldError.
func (r *PolicyRecord) Validate() error {
	if err := policy.ValidateENP(r.ENP); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	p := &r.Person
	for _, f := range []struct{ name, v string }{
		{"surname", p.Surname}, {"first_name", p.FirstName},
	} {
		if f.v == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalid, f.name)
		}
	}
	for _, f := range []struct{ name, v string }{
		{"surname", p.Surname}, {"first_name", p.FirstName}, {"patronymic", p.Patronymic},
		{"birth_place", p.BirthPlace}, {"snils", p.SNILS},
	} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%w: %s is not UTF-8", ErrInvalid, f.name)
		}
	}
	if p.SNILS != "" {
		if err := policy.ValidateSNILS(p.SNILS); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	for _, d := range []struct {
		name string
		d    policy.Date
	}{{"birth_date", p.BirthDate}, {"issue_date", r.IssueDate}, {"expiry", r.Expiry}} {
		if !d.d.IsZero() && !d.d.Valid() {
			return fmt.Errorf("%w: %s %04d-%02d-%02d is not a calendar date", ErrInvalid, d.name, d.d.Year, d.d.Month, d.d.Day)
		}
	}
	return nil
}

// Card is one chip card written for a policy. Serial is whatever identifies the
// physical card (the chip serial or the printed blank number).
type Card struct {
	Serial   string     `json:"serial"`
	ENP      string     `json:"enp"`
	Status   CardStatus `json:"status"`
	IssuedAt time.Time  `json:"issued_at"`
	// Reader is the PC/SC reader the card was written in.
	Reader string `json:"reader,omitempty"`
	// ReplacedBy is the serial of the card that superseded this one: set when a newer
	// card of the same policy is activated (this card becomes replaced, or keeps its
	// lost/stolen status and gains the link).
	ReplacedBy string `json:"replaced_by,omitempty"`
	Note       string `json:"note,omitempty"`
	// UpdatedAt is when the status last changed (set by the store).
	UpdatedAt time.Time `json:"updated_at"`
}

// InsurerRecord is one insurer (SMO) record written to a policy's card: which insurer,
// in which region, from when to when, in which card file, signed by whom.
type InsurerRecord struct {
	ID    int64       `json:"id"` // assigned by the store
	ENP   string      `json:"enp"`
	OGRN  string      `json:"ogrn"`
	OKATO string      `json:"okato"`
	Start policy.Date `json:"start"`
	End   policy.Date `json:"end"` // zero while the record is open
	// FileID is the elementary file holding the record on the card (GET DATA 01B0).
	FileID uint16 `json:"file_id"`
	// SignerFingerprint is the lower-case hex SHA-256 of the signing certificate (DER).
	SignerFingerprint string `json:"signer_fingerprint,omitempty"`
}

var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks an insurer record before it is stored: OGRN and OKATO with their
// check rules, a real start date, an end (when given) on or after it, and a fingerprint
// of 64 lower-case hex digits (when given). The error wraps [ErrInvalid].
func (r *InsurerRecord) Validate() error {
	if err := policy.ValidateOGRN(r.OGRN); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := policy.ValidateOKATO(r.OKATO); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !r.Start.Valid() {
		return fmt.Errorf("%w: start date %q is not a calendar date", ErrInvalid, r.Start)
	}
	if !r.End.IsZero() && (!r.End.Valid() || r.End.Before(r.Start)) {
		return fmt.Errorf("%w: end date %q is not a calendar date on or after the start", ErrInvalid, r.End)
	}
	if r.SignerFingerprint != "" && !fingerprintRE.MatchString(r.SignerFingerprint) {
		return fmt.Errorf("%w: signer fingerprint must be 64 lower-case hex digits", ErrInvalid)
	}
	return nil
}

// Visit is one card read at a clinic front desk.
type Visit struct {
	ID     int64     `json:"id"` // assigned by the store
	At     time.Time `json:"at"`
	ENP    string    `json:"enp"`
	Reader string    `json:"reader,omitempty"`
	// Verdict is the caller's outcome code ("valid", "expired", "bad_signature" …).
	Verdict string `json:"verdict"`
	// Day is the calendar day of At in At's own location when the visit was recorded,
	// which is the front desk's day; [Visits.Visits] selects by it. Set by the store.
	Day policy.Date `json:"day"`
}

// ItemState is where one row of a batch issuance stands.
type ItemState string

// Batch item states.
const (
	ItemPending ItemState = "pending" // not attempted yet, or attempted and interrupted
	ItemDone    ItemState = "done"    // a card was issued (CardSerial says which)
	ItemFailed  ItemState = "failed"  // attempted and failed (Note says why); may be retried
	ItemSkipped ItemState = "skipped" // left out by the operator; may be put back
)

// BatchItem is one row of a batch: its CSV row number, the ENP and the caller's policy
// data as opaque bytes (JSON by convention).
type BatchItem struct {
	BatchID    int64     `json:"batch_id"`
	Row        int       `json:"row"`
	ENP        string    `json:"enp"`
	Payload    []byte    `json:"payload"`
	State      ItemState `json:"state"`
	CardSerial string    `json:"card_serial,omitempty"`
	Note       string    `json:"note,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Batch summarises one batch issuance.
type Batch struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Total     int       `json:"total"`
	Pending   int       `json:"pending"`
	Done      int       `json:"done"`
	Failed    int       `json:"failed"`
	Skipped   int       `json:"skipped"`
}

// Summary is what `omsdesk status` shows about a registry.
type Summary struct {
	SchemaVersion  int                `json:"schema_version"`
	Policies       int64              `json:"policies"`
	Cards          map[CardStatus]int `json:"cards"`
	InsurerRecords int64              `json:"insurer_records"`
	Visits         int64              `json:"visits"`
	Batches        int64              `json:"batches"`
	JournalEntries int64              `json:"journal_entries"`
	// Head is the newest journal entry (zero for an empty journal).
	Head Anchor `json:"head"`
}
