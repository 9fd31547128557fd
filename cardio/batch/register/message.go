package register

import (
	"errors"
	"strconv"

	"omsdesk/assets/i18n"
)

// codes lists every Problem code Parse produces, for the catalogue and documentation
// tests. The enp, snils, ogrn and okato codes are those of the cardio/policy
// validators (their "empty" codes cannot occur: an empty value is value.required).
var codes = []string{
	"header.empty_name", "header.duplicate_column", "header.unknown_column", "header.missing_column",
	"file.no_rows", "file.too_many_problems",
	"row.field_count", "row.syntax", "row.bare_quote", "row.quote",
	"value.too_long", "value.control_char", "value.required", "value.excel_number", "value.invalid",
	"enp.not_digits", "enp.length", "enp.check_digit", "enp.duplicate",
	"snils.not_digits", "snils.length", "snils.check_digit", "snils.duplicate",
	"ogrn.not_digits", "ogrn.length", "ogrn.first_digit", "ogrn.check_digit",
	"okato.not_digits", "okato.length", "okato.unknown_subject",
	"name.invalid_char", "name.mixed_script",
	"date.format", "date.invalid", "date.future", "date.too_early", "date.before", "insurance_start.too_late",
	"sex.format",
	"citizenship.format", "citizenship.unknown",
	"reason.unknown", "reason.newborn_not_child",
	"old_card_serial.format", "old_card_serial.length", "old_card_serial.required",
	"old_card_serial.unexpected", "old_card_serial.duplicate",
	"photo.under_age", "photo.required",
	"file.outside_dir", "file.dir_unreadable", "file.not_found", "file.not_regular", "file.unreadable", "file.not_image",
}

// Message renders the problem in tr's language, for example
// "row 17, column snils: the check number is 32, it should be 95". The text is
// catalogue key "register." + Code; a code that only the policy validators know
// (added there later) falls back to their "validate." key.
func (p Problem) Message(tr *i18n.Catalog) string {
	key := "register." + p.Code
	if !tr.Has(key) && tr.Has("validate."+p.Code) {
		key = "validate." + p.Code
	}
	msg := tr.Format(key, p.Params)
	line := strconv.Itoa(p.Line)
	if p.Column == "" {
		return tr.T("register.at_line", "line", line, "message", msg)
	}
	return tr.T("register.at_cell", "line", line, "column", p.Column, "message", msg)
}

// ErrorMessage renders a fatal error of [Parse] in tr's language; errors that are not
// this package's (a failing reader) are shown with their own text.
func ErrorMessage(err error, tr *i18n.Catalog) string {
	var ee *EncodingError
	var le *LimitError
	switch {
	case errors.As(err, &ee) && ee.Guess != EncodingUnknown:
		return tr.T("register.err.encoding", "line", strconv.Itoa(ee.Line), "encoding", ee.Guess)
	case errors.As(err, &ee):
		return tr.T("register.err.not_utf8", "line", strconv.Itoa(ee.Line))
	case errors.As(err, &le) && le.Limit == LimitRows:
		return tr.T("register.err.too_many_rows", "max", strconv.FormatInt(le.Max, 10), "line", strconv.Itoa(le.Line))
	case errors.As(err, &le):
		return tr.T("register.err.too_many_bytes", "max", strconv.FormatInt(le.Max, 10))
	case errors.Is(err, ErrEmpty):
		return tr.T("register.err.empty")
	case errors.Is(err, ErrNoHeader):
		return tr.T("register.err.no_header")
	}
	return tr.T("register.err.read", "error", err.Error())
}
