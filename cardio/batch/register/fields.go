package register

// Parsers for single field values. Each returns the value in the form the card stores
// and a *finding (nil when the value is fine).

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"omsdesk/cardio/policy"
)

// finding is a problem without its place: a code and its parameters.
type finding struct {
	code   string
	params map[string]string
}

func find(code string, kv ...string) *finding {
	f := &finding{code: code}
	if len(kv) > 0 {
		f.params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			f.params[kv[i]] = kv[i+1]
		}
	}
	return f
}

// fromValidator turns a policy validator's error into a finding with the validator's
// own code ("enp.check_digit" …), so that codes stay the same across the program.
func fromValidator(err error) *finding {
	if err == nil {
		return nil
	}
	if fe, ok := err.(*policy.FieldError); ok {
		return &finding{code: fe.Code, params: fe.Params}
	}
	return find("value.invalid", "error", err.Error())
}

// describeRune shows a character the way a message can print it: quoted when
// printable, U+XXXX when not (a NUL or a zero-width space would be invisible).
func describeRune(r rune) string {
	if unicode.IsPrint(r) {
		return "'" + string(r) + "'"
	}
	return fmt.Sprintf("U+%04X", r)
}

// checkText rejects control and invisible formatting characters (C0, C1, DEL, Cf such
// as U+200B or a stray U+FEFF): they cannot be printed on a card and usually mean a
// broken export. It is on the hot path, so plain printable ASCII is tested byte-wise.
func checkText(v string) *finding {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= utf8.RuneSelf {
			return checkTextSlow(v)
		}
		if c < 0x20 || c == 0x7F {
			return find("value.control_char", "char", describeRune(rune(c)), "pos", strconv.Itoa(utf8.RuneCountInString(v[:i])+1))
		}
	}
	return nil
}

func checkTextSlow(v string) *finding {
	pos := 0
	for _, r := range v {
		pos++
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return find("value.control_char", "char", describeRune(r), "pos", strconv.Itoa(pos))
		}
	}
	return nil
}

// looksLikeExcelNumber reports a number Excel has rewritten in scientific notation
// ("5,00123E+15"): the digits are lost, and the fix is to format the column as text.
func looksLikeExcelNumber(v string) bool {
	i := strings.IndexAny(v, "Ee")
	if i <= 0 || i+1 >= len(v) || (v[i+1] != '+' && v[i+1] != '-') {
		return false
	}
	for _, c := range v[:i] + v[i+2:] {
		if (c < '0' || c > '9') && c != ',' && c != '.' {
			return false
		}
	}
	return true
}

// Combining marks that macOS and some web forms leave after И and Е instead of the
// precomposed Й and Ё.
const (
	combiningBreve     = '\u0306'
	combiningDiaeresis = '\u0308'
)

// parseName upper-cases a surname, first name or patronymic and checks its
// characters: Cyrillic or Latin letters (not both: a Latin "A" inside a Cyrillic name
// looks right and breaks every search), single spaces, hyphens and apostrophes between
// letters. Ё stays Ё: it is a distinct letter on documents. И and Е followed by a
// combining breve or diaeresis become Й and Ё.
func parseName(v string) (string, *finding) {
	out := make([]rune, 0, len(v))
	cyr, lat := false, false
	pos, lastPos := 0, 0
	for _, r := range v {
		pos++
		last := len(out) - 1
		if last >= 0 && r == combiningBreve && out[last] == 'И' {
			out[last] = 'Й'
			continue
		}
		if last >= 0 && r == combiningDiaeresis && out[last] == 'Е' {
			out[last] = 'Ё'
			continue
		}
		switch {
		case unicode.IsLetter(r) && unicode.Is(unicode.Cyrillic, r):
			cyr = true
			out = append(out, unicode.ToUpper(r))
		case unicode.IsLetter(r) && unicode.Is(unicode.Latin, r):
			lat = true
			out = append(out, unicode.ToUpper(r))
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == 'ʼ':
			if last >= 0 && r == ' ' && out[last] == ' ' {
				continue // runs of spaces collapse to one
			}
			if last < 0 || isNameSeparator(out[last]) {
				return "", find("name.invalid_char", "char", describeRune(r), "pos", strconv.Itoa(pos))
			}
			if r == '’' || r == 'ʼ' {
				r = '\''
			}
			out = append(out, r)
		default:
			return "", find("name.invalid_char", "char", describeRune(r), "pos", strconv.Itoa(pos))
		}
		lastPos = pos
	}
	if n := len(out); n > 0 && isNameSeparator(out[n-1]) {
		return "", find("name.invalid_char", "char", describeRune(out[n-1]), "pos", strconv.Itoa(lastPos))
	}
	if cyr && lat {
		return "", find("name.mixed_script")
	}
	return string(out), nil
}

func isNameSeparator(r rune) bool { return r == ' ' || r == '-' || r == '\'' }

// parseDate reads DD.MM.YYYY or YYYY-MM-DD, exactly: a two-digit year or a missing
// leading zero is more often a typo than a convention, and guessing a century is how
// people get born in 0085.
func parseDate(v string) (policy.Date, *finding) {
	bad := func() (policy.Date, *finding) { return policy.Date{}, find("date.format", "got", v) }
	if len(v) != 10 {
		return bad()
	}
	var y, m, d string
	switch {
	case v[2] == '.' && v[5] == '.':
		d, m, y = v[0:2], v[3:5], v[6:10]
	case v[4] == '-' && v[7] == '-':
		y, m, d = v[0:4], v[5:7], v[8:10]
	default:
		return bad()
	}
	yy, ok1 := atoiDigits(y)
	mm, ok2 := atoiDigits(m)
	dd, ok3 := atoiDigits(d)
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	date := policy.MakeDate(yy, mm, dd)
	if !date.Valid() {
		return policy.Date{}, find("date.invalid", "got", v)
	}
	return date, nil
}

// atoiDigits parses a string of ASCII digits only (no sign, no spaces).
func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseSex reads М/Ж (Cyrillic), M/F (Latin), male/female or 1/2, in any case.
func parseSex(v string) (policy.Sex, *finding) {
	switch strings.ToUpper(v) {
	case "М", "M", "MALE", "1":
		return policy.Male, nil
	case "Ж", "F", "FEMALE", "2":
		return policy.Female, nil
	}
	return 0, find("sex.format", "got", v)
}

// snilsSeparators are the characters registries put between SNILS digit groups:
// hyphen, space, no-break space, dot, and the dashes word processors substitute.
const snilsSeparators = "- \u00a0.\u2010\u2011\u2012\u2013"

// parseSNILS removes any separators and validates the 11 digits that remain. A
// stray character is reported at its position in the value as written.
func parseSNILS(v string) (string, *finding) {
	pos := 0
	for _, r := range v {
		pos++
		if (r < '0' || r > '9') && !strings.ContainsRune(snilsSeparators, r) {
			return "", find("snils.not_digits", "char", describeRune(r), "pos", strconv.Itoa(pos))
		}
	}
	digits := v
	if strings.ContainsAny(v, snilsSeparators) {
		digits = strings.Map(func(r rune) rune {
			if strings.ContainsRune(snilsSeparators, r) {
				return -1
			}
			return r
		}, v)
	}
	if digits == "" { // separators only: not "empty", the cell has something in it
		return "", find("snils.length", "got", "0", "want", "11")
	}
	if err := policy.ValidateSNILS(digits); err != nil {
		return "", fromValidator(err)
	}
	return digits, nil
}

// parseCitizenship reads an ISO 3166-1 alpha-3 code in any case.
func parseCitizenship(v string) (string, *finding) {
	code := strings.ToUpper(v)
	if len(code) != 3 || !isUpperASCII(code) {
		return "", find("citizenship.format", "got", v)
	}
	if !knownCountry(code) {
		return "", find("citizenship.unknown", "got", code)
	}
	return code, nil
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// maxSerial bounds old_card_serial: card serials are short numbers; 32 leaves room
// for any prefix scheme.
const maxSerial = 32

// parseSerial upper-cases a card serial and allows Latin letters, digits and hyphens.
func parseSerial(v string) (string, *finding) {
	s := strings.ToUpper(v)
	pos := 0
	for _, r := range s {
		pos++
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || r == '-') {
			return "", find("old_card_serial.format", "char", describeRune(r), "pos", strconv.Itoa(pos))
		}
	}
	if pos > maxSerial {
		return "", find("old_card_serial.length", "got", strconv.Itoa(pos), "max", strconv.Itoa(maxSerial))
	}
	return s, nil
}

// parseReason reads the reason column; empty means new.
func parseReason(v string) (string, *finding) {
	switch r := strings.ToLower(v); r {
	case "":
		return ReasonNew, nil
	case ReasonNew, ReasonLost, ReasonStolen, ReasonDataChange, ReasonInsurerChange, ReasonNewborn:
		return r, nil
	}
	return "", find("reason.unknown", "got", v)
}
