package policy

// Field validators for the numbers the card carries: the policy number (ENP), SNILS,
// the insurer's OGRN (and OGRNIP for completeness) and the OKATO territory code. The
// check rules are exactly those of oms-card-format.md §5.
//
// Every validator returns nil or a *FieldError: a field name, a stable code and the
// values that make the message specific. The English text comes from Error; the CLI and
// GUI translate with the catalogue key "validate." + Code (assets/i18n/validate.*.json),
// whose templates use the same {placeholders} as Params.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid matches every *FieldError with errors.Is, so a caller that only needs to
// know "the number is wrong" need not inspect the code.
var ErrInvalid = errors.New("invalid field")

// FieldError is the error every validator returns: specific, machine-readable and
// translatable.
type FieldError struct {
	// Field is the JSON field name of the value: "enp", "snils", "ogrn", "ogrnip" or "okato".
	Field string
	// Code is a stable key of the form "<field>.<problem>", for example "enp.check_digit";
	// the message catalogues hold its template under "validate." + Code.
	Code string
	// Params holds the values for the template's {placeholders}, for example
	// {"got": "3", "want": "7"}. It may be nil when the template has none.
	Params map[string]string
}

// Error returns the English message, lower case and specific, for example
// "enp: check digit is 3, want 7 (Luhn)".
func (e *FieldError) Error() string {
	if tmpl, ok := fieldMessagesEN[e.Code]; ok {
		return expandFieldTemplate(tmpl, e.Params)
	}
	if tmpl, ok := checkMessagesEN[e.Code]; ok {
		return expandFieldTemplate(tmpl, e.Params)
	}
	// A code this file does not produce (someone built the error by hand): still say
	// everything we know.
	var b strings.Builder
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Code)
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + e.Params[k])
	}
	if len(keys) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is ErrInvalid, so that errors.Is(err, ErrInvalid) holds for
// every *FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Field names used in FieldError.Field and as the first part of FieldError.Code.
const (
	fieldENP    = "enp"
	fieldSNILS  = "snils"
	fieldOGRN   = "ogrn"
	fieldOGRNIP = "ogrnip"
	fieldOKATO  = "okato"
)

// fieldMessagesEN holds the English template of every code the validators return. The
// catalogue assets/i18n/validate.en.json must hold the same texts (a test renders both
// and compares them with Error).
var fieldMessagesEN = map[string]string{
	"enp.empty":         "enp: empty",
	"enp.not_digits":    "enp: character {char} at position {pos} is not a digit",
	"enp.length":        "enp: length is {got}, want {want} digits",
	"enp.check_digit":   "enp: check digit is {got}, want {want} (Luhn)",
	"snils.empty":       "snils: empty",
	"snils.not_digits":  "snils: character {char} at position {pos} is neither a digit nor a separator",
	"snils.length":      "snils: length is {got}, want {want} digits",
	"snils.format":      "snils: separators out of place, want XXX-XXX-XXX YY or 11 digits",
	"snils.check_digit": "snils: check number is {got}, want {want}",

	"ogrn.empty":                 "ogrn: empty",
	"ogrn.not_digits":            "ogrn: character {char} at position {pos} is not a digit",
	"ogrn.length":                "ogrn: length is {got}, want {want} digits",
	"ogrn.length_ogrn_or_ogrnip": "ogrn: length is {got}, want 13 digits (OGRN) or 15 (OGRNIP)",
	"ogrn.first_digit":           "ogrn: first digit is {got}, want 1 or 5 (legal entity)",
	"ogrn.check_digit":           "ogrn: check digit is {got}, want {want} (mod 11)",
	"ogrnip.empty":               "ogrnip: empty",
	"ogrnip.not_digits":          "ogrnip: character {char} at position {pos} is not a digit",
	"ogrnip.length":              "ogrnip: length is {got}, want {want} digits",
	"ogrnip.first_digit":         "ogrnip: first digit is {got}, want 3 (individual entrepreneur)",
	"ogrnip.check_digit":         "ogrnip: check digit is {got}, want {want} (mod 13)",

	"okato.empty":           "okato: empty",
	"okato.not_digits":      "okato: character {char} at position {pos} is not a digit",
	"okato.length":          "okato: length is {got}, want 2, 5, 8 or 11 digits",
	"okato.unknown_subject": "okato: {subject} is not a subject code of the OKATO classifier",
}

// expandFieldTemplate replaces each {name} in tmpl by params[name]; a placeholder
// without a value is left as written so that the gap is visible.
func expandFieldTemplate(tmpl string, params map[string]string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			break
		}
		end += open
		b.WriteString(tmpl[:open])
		if v, ok := params[tmpl[open+1:end]]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[open : end+1])
		}
		tmpl = tmpl[end+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

func newFieldError(field, problem string, params map[string]string) *FieldError {
	return &FieldError{Field: field, Code: field + "." + problem, Params: params}
}

func lengthError(field string, got, want int) *FieldError {
	return newFieldError(field, "length", map[string]string{
		"got": strconv.Itoa(got), "want": strconv.Itoa(want),
	})
}

// notDigitError reports the character starting at byte offset i of s, which is the
// pos-th character (counting from 1).
func notDigitError(field, s string, i, pos int) *FieldError {
	return newFieldError(field, "not_digits", map[string]string{
		"char": describeFieldChar(s[i:]), "pos": strconv.Itoa(pos),
	})
}

// describeFieldChar shows the first character of s the way a message can print it:
// quoted if printable, as U+XXXX if not (a NUL or a no-break space would otherwise be
// invisible), as the hex byte 0xXX if s does not start with valid UTF-8.
func describeFieldChar(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("0x%02X", s[0])
	case unicode.IsPrint(r):
		return "'" + string(r) + "'"
	default:
		return fmt.Sprintf("U+%04X", r)
	}
}

// firstNonDigit returns a not_digits error for the first character of s that is not an
// ASCII digit, or nil.
func firstNonDigit(field, s string) *FieldError {
	pos := 0
	for i := 0; i < len(s); {
		pos++
		if isASCIIDigit(s[i]) {
			i++
			continue
		}
		return notDigitError(field, s, i, pos)
	}
	return nil
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

// checkDigitString is the common shape check: s is non-empty, all ASCII digits and
// exactly want digits long, in that order (a letter is a more useful message than the
// length it causes).
func checkDigitString(field, s string, want int) *FieldError {
	if s == "" {
		return newFieldError(field, "empty", nil)
	}
	if fe := firstNonDigit(field, s); fe != nil {
		return fe
	}
	if len(s) != want {
		return lengthError(field, len(s), want)
	}
	return nil
}

// digitsMod returns the decimal number written by the ASCII digits s modulo m. The
// caller has checked that s holds only digits.
func digitsMod(s string, m uint64) uint64 {
	var r uint64
	for i := 0; i < len(s); i++ {
		r = (r*10 + uint64(s[i]-'0')) % m
	}
	return r
}

// ENP: oms-card-format.md §5.
const (
	enpLength     = 16
	enpBodyLength = enpLength - 1
)

// ValidateENP checks a single policy number (ENP): exactly 16 ASCII digits whose last
// digit is the Luhn check digit over all 16 (oms-card-format.md §5). Digits 1–15 have no
// publicly documented meaning and are not checked. Old-style numbers (form С, temporary
// certificates of form В) have no check digit and fail here; callers that must accept
// them should check their length first.
func ValidateENP(s string) error {
	if fe := checkDigitString(fieldENP, s, enpLength); fe != nil {
		return fe
	}
	want := luhnCheckDigit(s[:enpBodyLength])
	if got := s[enpBodyLength]; got != want {
		return newFieldError(fieldENP, "check_digit", map[string]string{
			"got": string(got), "want": string(want),
		})
	}
	return nil
}

// ENPCheckDigit returns the check digit ('0'..'9') that completes a 15-digit ENP body.
// A body that is not 15 ASCII digits gives a *FieldError for field "enp" (its length
// error wants 15).
func ENPCheckDigit(body string) (byte, error) {
	if fe := checkDigitString(fieldENP, body, enpBodyLength); fe != nil {
		return 0, fe
	}
	return luhnCheckDigit(body), nil
}

// luhnCheckDigit is the Luhn check digit for the ASCII digits body: starting from the
// rightmost body digit, every second digit is doubled (9 is subtracted from results
// above 9), and the check digit makes the total a multiple of 10.
func luhnCheckDigit(body string) byte {
	sum := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// SNILS: oms-card-format.md §5.
const (
	snilsLength     = 11
	snilsBodyLength = 9
	// snilsLastUnchecked is the highest number body issued before the check rule:
	// numbers up to 001-001-998 are not checked.
	snilsLastUnchecked = "001001998"
)

// ValidateSNILS checks a SNILS in any form [NormalizeSNILS] accepts, then its check
// number by the rule of oms-card-format.md §5. The check applies only to numbers above
// 001-001-998; for those up to it any two check digits are accepted.
func ValidateSNILS(s string) error {
	n, err := NormalizeSNILS(s)
	if err != nil {
		return err
	}
	body, got := n[:snilsBodyLength], n[snilsBodyLength:]
	if body <= snilsLastUnchecked { // same length, ASCII digits: string order is numeric order
		return nil
	}
	if want := snilsCheck(body); got != want {
		return newFieldError(fieldSNILS, "check_digit", map[string]string{"got": got, "want": want})
	}
	return nil
}

// NormalizeSNILS returns the 11 digits of a SNILS written in one of these forms:
//
//	11223344595      11 digits
//	112-233-445 95   the printed form (a no-break space U+00A0 is accepted for the space)
//	112-233-445-95   the all-hyphen form some registries export
//
// It checks the form only, not the check number (use [ValidateSNILS]). Other layouts,
// such as digits grouped with spaces only or with leading or trailing blanks, give
// code "snils.format"; the card format does not say which form cards store (§2), so
// these three are accepted and nothing looser.
func NormalizeSNILS(s string) (string, error) {
	if s == "" {
		return "", newFieldError(fieldSNILS, "empty", nil)
	}
	digits, pos := 0, 0
	for i, r := range s {
		pos++
		switch {
		case '0' <= r && r <= '9':
			digits++
		case r == '-' || r == ' ' || r == '\u00a0':
		default:
			return "", notDigitError(fieldSNILS, s, i, pos)
		}
	}
	if digits != snilsLength {
		return "", lengthError(fieldSNILS, digits, snilsLength)
	}
	if len(s) == snilsLength {
		return s, nil
	}
	// 14 characters: DDD-DDD-DDD?DD with ? one of space, no-break space, hyphen.
	if utf8.RuneCountInString(s) != snilsLength+3 {
		return "", newFieldError(fieldSNILS, "format", nil)
	}
	out := make([]byte, 0, snilsLength)
	i := 0
	for _, r := range s {
		var ok bool
		switch i {
		case 3, 7:
			ok = r == '-'
		case 11:
			ok = r == ' ' || r == '\u00a0' || r == '-'
		default:
			ok = '0' <= r && r <= '9'
			out = append(out, byte(r))
		}
		if !ok {
			return "", newFieldError(fieldSNILS, "format", nil)
		}
		i++
	}
	return string(out), nil
}

// FormatSNILS writes a SNILS in its printed form "112-233-445 95". It accepts any form
// [NormalizeSNILS] accepts and does not check the check number; input it cannot
// normalise is returned unchanged, so that raw card data can always be displayed.
func FormatSNILS(digits string) string {
	n, err := NormalizeSNILS(digits)
	if err != nil {
		return digits
	}
	return n[0:3] + "-" + n[3:6] + "-" + n[6:9] + " " + n[9:11]
}

// SNILSCheck returns the two-digit check number for a 9-digit SNILS body by the rule of
// oms-card-format.md §5. It computes the rule for any body, although numbers up to
// 001-001-998 were issued without it. A body that is not 9 ASCII digits gives a
// *FieldError for field "snils" (its length error wants 9).
func SNILSCheck(body string) (string, error) {
	if fe := checkDigitString(fieldSNILS, body, snilsBodyLength); fe != nil {
		return "", fe
	}
	return snilsCheck(body), nil
}

// snilsCheck implements §5: S = d1·9 + d2·8 + … + d9·1; S < 100 → S; S = 100 or 101 → 00;
// S > 101 → S mod 101, with 100 written as 00. Always two digits.
func snilsCheck(body string) string {
	s := 0
	for i := 0; i < snilsBodyLength; i++ {
		s += int(body[i]-'0') * (snilsBodyLength - i)
	}
	switch {
	case s < 100:
	case s <= 101:
		s = 0
	default:
		s %= 101
		if s == 100 {
			s = 0
		}
	}
	return fmt.Sprintf("%02d", s)
}

// OGRN and OGRNIP: oms-card-format.md §5.
const (
	ogrnLength   = 13
	ogrnipLength = 15
)

// ValidateOGRN checks the primary state registration number of a legal entity, such as
// the insurer's (tag 5F51): 13 ASCII digits, a first digit of 1 or 5 (other first
// digits mark other kinds of registry record, code "ogrn.first_digit"), and the check
// digit (first 12 digits mod 11) mod 10.
func ValidateOGRN(s string) error {
	if fe := checkDigitString(fieldOGRN, s, ogrnLength); fe != nil {
		return fe
	}
	if s[0] != '1' && s[0] != '5' {
		return newFieldError(fieldOGRN, "first_digit", map[string]string{"got": s[:1]})
	}
	want := byte('0' + digitsMod(s[:ogrnLength-1], 11)%10)
	if got := s[ogrnLength-1]; got != want {
		return newFieldError(fieldOGRN, "check_digit", map[string]string{
			"got": string(got), "want": string(want),
		})
	}
	return nil
}

// ValidateOGRNIP checks the registration number of an individual entrepreneur: 15 ASCII
// digits, first digit 3, and the check digit (first 14 digits mod 13) mod 10.
func ValidateOGRNIP(s string) error {
	if fe := checkDigitString(fieldOGRNIP, s, ogrnipLength); fe != nil {
		return fe
	}
	if s[0] != '3' {
		return newFieldError(fieldOGRNIP, "first_digit", map[string]string{"got": s[:1]})
	}
	want := byte('0' + digitsMod(s[:ogrnipLength-1], 13)%10)
	if got := s[ogrnipLength-1]; got != want {
		return newFieldError(fieldOGRNIP, "check_digit", map[string]string{
			"got": string(got), "want": string(want),
		})
	}
	return nil
}

// ValidateOGRNOrOGRNIP checks s as an OGRN if it has 13 digits and as an OGRNIP if it has
// 15; any other length gives code "ogrn.length_ogrn_or_ogrnip". Errors before the
// length is known (empty, not digits) use field "ogrn".
func ValidateOGRNOrOGRNIP(s string) error {
	if s == "" {
		return newFieldError(fieldOGRN, "empty", nil)
	}
	if fe := firstNonDigit(fieldOGRN, s); fe != nil {
		return fe
	}
	switch len(s) {
	case ogrnLength:
		return ValidateOGRN(s)
	case ogrnipLength:
		return ValidateOGRNIP(s)
	}
	return newFieldError(fieldOGRN, "length_ogrn_or_ogrnip", map[string]string{"got": strconv.Itoa(len(s))})
}

// ValidateOKATO checks an OKATO code: ASCII digits only, 2, 5, 8 or 11 of them (the
// classifier's levels), and the first two digits a subject code of the classifier
// (see [OKATOSubject]). Insurer records (tag 5F52) hold the 5-digit subject form such
// as "45000". Digits after the subject are not checked: the full classifier is not
// shipped.
func ValidateOKATO(s string) error {
	if s == "" {
		return newFieldError(fieldOKATO, "empty", nil)
	}
	if fe := firstNonDigit(fieldOKATO, s); fe != nil {
		return fe
	}
	switch len(s) {
	case 2, 5, 8, 11:
	default:
		return newFieldError(fieldOKATO, "length", map[string]string{"got": strconv.Itoa(len(s))})
	}
	if _, ok := okatoSubjectsByCode[s[:2]]; !ok {
		return newFieldError(fieldOKATO, "unknown_subject", map[string]string{"subject": s[:2]})
	}
	return nil
}
