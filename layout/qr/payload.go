package qr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"omsdesk/cardio/policy"
)

// Payload is what the QR code states about a card: the fields a front desk compares with
// the card and the holder, nothing more (no photo, no SNILS), so that it stays small
// enough to scan from a card face.
type Payload struct {
	ENP        string      `json:"enp"` // 16 digits
	Surname    string      `json:"surname"`
	FirstName  string      `json:"first_name"`
	Patronymic string      `json:"patronymic"` // may be ""
	BirthDate  policy.Date `json:"birth_date"`
	OGRN       string      `json:"ogrn"`  // insurer, 13 digits
	OKATO      string      `json:"okato"` // insurance territory, 2, 5, 8 or 11 digits
	CardSerial string      `json:"card_serial"`
	IssueDate  policy.Date `json:"issue_date"`
	Office     string      `json:"office"` // issuing office code
}

// Size limits of format version 1 (docs/qr-format.md "Size limits"). With every field at
// its limit and the name in the packed alphabet the text is 297 characters: QR version
// 10 (57×57 modules) at error correction M.
const (
	// MaxNameRunes bounds "SURNAME|NAME|PATRONYMIC" including both separators: more
	// than the paper policy's 68 (oms-card-format.md §8) and than real Russian names.
	MaxNameRunes = 80
	// MaxNameBytes bounds the UTF-8 form of the name (used only when a character is
	// outside the packed alphabet).
	MaxNameBytes = 200
	// MaxSerial and MaxOffice bound the card serial and the office code (printable
	// ASCII without space).
	MaxSerial = 24 // our profile's chip serial has 20 digits (EF 2FE2)
	MaxOffice = 16
)

// Dates are stored as days since 1900-01-01 in two bytes, as on the paper policy
// (oms-card-format.md §8): 1900-01-01 … 2079-06-06.
var (
	epoch   = policy.MakeDate(1900, 1, 1)
	lastDay = policy.MakeDate(2079, 6, 6)
)

// Errors of Sign and Parse. Sign wraps ErrInvalidField in a *FieldError naming the
// field; Parse wraps the others.
var (
	ErrInvalidField       = errors.New("invalid field")
	ErrNotOurs            = errors.New("not an OMS Desk QR code")
	ErrTruncated          = errors.New("record too short")
	ErrUnsupportedVersion = errors.New("unsupported format version")
	ErrMalformed          = errors.New("malformed record")
)

// FieldError says which payload field Sign refused and why; Code is stable
// ("enp.invalid", "name.too_long", …), translated under qr.field.<code>.
type FieldError struct {
	Field string // "enp", "surname", "birth_date", …
	Code  string
	Err   error // the validator's error, if any
}

func (e *FieldError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Field, e.Code, e.Err)
	}
	return e.Field + ": " + e.Code
}

// Unwrap lets callers match ErrInvalidField (and the validator's own error).
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalidField, e.Err}
	}
	return []error{ErrInvalidField}
}

func fieldErr(field, code string, err error) error {
	return &FieldError{Field: field, Code: field + "." + code, Err: err}
}

// Validate reports the first field that format version 1 cannot carry, or that no
// issuing office should sign (an ENP or OGRN with a wrong check digit).
func (p *Payload) Validate() error {
	if err := policy.ValidateENP(p.ENP); err != nil {
		return fieldErr("enp", "invalid", err)
	}
	for _, f := range []struct{ name, v string }{{"surname", p.Surname}, {"first_name", p.FirstName}, {"patronymic", p.Patronymic}} {
		switch {
		case !utf8.ValidString(f.v):
			return fieldErr(f.name, "invalid_utf8", nil)
		case strings.ContainsRune(f.v, nameSep):
			return fieldErr(f.name, "separator", nil)
		case strings.ContainsFunc(f.v, isControl):
			return fieldErr(f.name, "control", nil)
		}
	}
	if p.Surname == "" {
		return fieldErr("surname", "empty", nil)
	}
	name := p.joinedName()
	if utf8.RuneCountInString(name) > MaxNameRunes || len(name) > MaxNameBytes {
		return fieldErr("name", "too_long", nil)
	}
	if err := checkDate("birth_date", p.BirthDate); err != nil {
		return err
	}
	if err := checkDate("issue_date", p.IssueDate); err != nil {
		return err
	}
	if err := policy.ValidateOGRN(p.OGRN); err != nil {
		return fieldErr("ogrn", "invalid", err)
	}
	if err := policy.ValidateOKATO(p.OKATO); err != nil {
		return fieldErr("okato", "invalid", err)
	}
	if err := checkASCII("card_serial", p.CardSerial, MaxSerial); err != nil {
		return err
	}
	return checkASCII("office", p.Office, MaxOffice)
}

func checkDate(field string, d policy.Date) error {
	switch {
	case d.IsZero():
		return fieldErr(field, "empty", nil)
	case !d.Valid():
		return fieldErr(field, "invalid", nil)
	case d.Before(epoch) || lastDay.Before(d):
		return fieldErr(field, "out_of_range", nil)
	}
	return nil
}

// checkASCII accepts 1..limit printable ASCII characters without space: what a card
// serial or an office code is, and what needs no character set on any scanner.
func checkASCII(field, s string, limit int) error {
	switch {
	case s == "":
		return fieldErr(field, "empty", nil)
	case len(s) > limit:
		return fieldErr(field, "too_long", nil)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fieldErr(field, "charset", nil)
		}
	}
	return nil
}

// nameSep joins surname, first name and patronymic in the name field, as on the paper
// policy (oms-card-format.md §8).
const nameSep = '|'

func (p *Payload) joinedName() string {
	return p.Surname + string(nameSep) + p.FirstName + string(nameSep) + p.Patronymic
}
