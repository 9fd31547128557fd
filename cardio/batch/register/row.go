package register

import (
	"strconv"
	"strings"

	"omsdesk/cardio/policy"
)

// Age limits of the issuing rules (docs/csv-register.md).
const (
	// photoAge: holders under 14 on the issue date get a card without a photo; from
	// 14 on the photo is required (the card's back carries it, oms-card-format.md §6).
	photoAge = 14
	// childAge: "newborn" is a first card for a child, so the holder must be under 18.
	childAge = 18
)

// ageOn returns the full years between birth and day.
func ageOn(birth, day policy.Date) int {
	age := day.Year - birth.Year
	if day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day) {
		age--
	}
	return age
}

// rowChecker validates data records against one header.
type rowChecker struct {
	h        *header
	today    policy.Date
	maxStart policy.Date // the latest insurance start accepted
	maxField int
	problems *[]Problem
}

// check validates one record (already known to have the header's field count). It
// returns the row with every value that passed its checks (paths not yet filled in),
// the image files the row names, and ok=false when it added problems or the header
// lacks a required column (the row is then only good for the cross-row checks).
func (rc *rowChecker) check(rec []string, line int) (row Row, wantFiles []fileJob, ok bool) {
	before := len(*rc.problems)
	h := rc.h
	add := func(c column, f *finding) {
		*rc.problems = append(*rc.problems, Problem{Line: line, Column: h.columnName(c), Code: f.code, Params: f.params})
	}
	var vals [numColumns]string
	var bad [numColumns]bool
	for i, raw := range rec {
		c := h.byPos[i]
		if c == colUnknown {
			continue
		}
		v := strings.TrimSpace(raw)
		var f *finding
		switch {
		case len(v) > rc.maxField:
			f = find("value.too_long", "got", strconv.Itoa(len(v)), "max", strconv.Itoa(rc.maxField))
		case c != colExtra: // x_ columns are the caller's business: only their size is checked
			f = checkText(v)
		}
		if f != nil {
			*rc.problems = append(*rc.problems, Problem{Line: line, Column: h.names[i], Code: f.code, Params: f.params})
			if c >= 0 {
				bad[c] = true
			}
			continue
		}
		if c >= 0 {
			vals[c] = v
		}
	}
	// present: the column is in the header and its value passed the generic checks.
	// required: report an empty value, unless the header lacks the column (reported
	// once on the header line).
	present := func(c column) bool { return !bad[c] && vals[c] != "" }
	required := func(c column) bool {
		if bad[c] {
			return false
		}
		if vals[c] == "" {
			if h.pos[c] >= 0 {
				add(c, find("value.required"))
			}
			return false
		}
		return true
	}
	number := func(c column, validate func(string) error) string {
		if !required(c) {
			return ""
		}
		v := vals[c]
		if looksLikeExcelNumber(v) {
			add(c, find("value.excel_number", "got", v))
			return ""
		}
		if f := fromValidator(validate(v)); f != nil {
			add(c, f)
			return ""
		}
		return v
	}

	o := policy.Owner{}
	in := &policy.Insurer{}
	o.ENP = number(colENP, policy.ValidateENP)
	for _, n := range []struct {
		c   column
		dst *string
		req bool
	}{{colSurname, &o.Surname, true}, {colFirstName, &o.FirstName, true}, {colPatronymic, &o.Patronymic, false}} {
		if (n.req && !required(n.c)) || !present(n.c) {
			continue
		}
		name, f := parseName(vals[n.c])
		if f != nil {
			add(n.c, f)
		}
		*n.dst = name
	}
	if required(colBirthDate) {
		d, f := parseDate(vals[colBirthDate])
		switch {
		case f != nil:
		case rc.today.Before(d):
			f = find("date.future", "got", d.Russian())
		case d.Before(earliest):
			f = find("date.too_early", "got", d.Russian())
		}
		if f != nil {
			f.params["field"] = "birth_date"
			add(colBirthDate, f)
		} else {
			o.BirthDate = d
		}
	}
	if required(colSex) {
		s, f := parseSex(vals[colSex])
		if f != nil {
			add(colSex, f)
		}
		o.Sex = s
	}
	if present(colSNILS) {
		if looksLikeExcelNumber(vals[colSNILS]) {
			add(colSNILS, find("value.excel_number", "got", vals[colSNILS]))
		} else if s, f := parseSNILS(vals[colSNILS]); f != nil {
			add(colSNILS, f)
		} else {
			o.SNILS = s
		}
	}
	if present(colBirthPlace) {
		o.BirthPlace = strings.ToUpper(vals[colBirthPlace])
	}
	if !bad[colCitizenship] {
		code := "RUS"
		if present(colCitizenship) {
			var f *finding
			if code, f = parseCitizenship(vals[colCitizenship]); f != nil {
				add(colCitizenship, f)
			}
		}
		o.Citizenship = &policy.Citizenship{Code: code}
	}
	in.OGRN = number(colInsurerOGRN, policy.ValidateOGRN)
	in.OKATO = number(colInsurerOKATO, policy.ValidateOKATO)
	if required(colInsuranceStart) {
		d, f := parseDate(vals[colInsuranceStart])
		switch {
		case f != nil:
		case d.Before(earliest):
			f = find("date.too_early", "got", d.Russian())
		case !o.BirthDate.IsZero() && d.Before(o.BirthDate):
			f = find("date.before", "got", d.Russian(), "other_field", "birth_date", "other", o.BirthDate.Russian())
		case rc.maxStart.Before(d):
			f = find("insurance_start.too_late", "got", d.Russian(), "max", rc.maxStart.Russian())
		}
		if f != nil {
			f.params["field"] = "insurance_start"
			add(colInsuranceStart, f)
		} else {
			in.Start = d
		}
	}

	reason, serial := ReasonNew, ""
	if present(colReason) {
		var f *finding
		if reason, f = parseReason(vals[colReason]); f != nil {
			add(colReason, f)
		}
	}
	if present(colOldCardSerial) {
		var f *finding
		if serial, f = parseSerial(vals[colOldCardSerial]); f != nil {
			add(colOldCardSerial, f)
		}
	}
	switch reason {
	case ReasonLost, ReasonStolen, ReasonDataChange:
		if vals[colOldCardSerial] == "" && !bad[colOldCardSerial] {
			add(colOldCardSerial, find("old_card_serial.required", "reason", reason))
		}
	case ReasonNew, ReasonNewborn:
		if serial != "" {
			add(colOldCardSerial, find("old_card_serial.unexpected", "reason", reason))
		}
	}

	// Age rules need a valid birth date; without one they cannot be judged, and the
	// birth date is already reported. Files are checked later, all together
	// (files.checkAll).
	if !o.BirthDate.IsZero() {
		age := ageOn(o.BirthDate, rc.today)
		ageS := strconv.Itoa(age)
		if reason == ReasonNewborn && age >= childAge {
			add(colReason, find("reason.newborn_not_child", "age", ageS))
		}
		switch {
		case age < photoAge && vals[colPhoto] != "":
			add(colPhoto, find("photo.under_age", "age", ageS))
		case age >= photoAge && vals[colPhoto] == "" && !bad[colPhoto]:
			add(colPhoto, find("photo.required", "age", ageS))
		case age >= photoAge && present(colPhoto):
			wantFiles = append(wantFiles, fileJob{line: line, col: colPhoto, rel: vals[colPhoto]})
		}
	}
	if present(colSignatureImage) {
		wantFiles = append(wantFiles, fileJob{line: line, col: colSignatureImage, rel: vals[colSignatureImage]})
	}

	return Row{
		Line:          line,
		Policy:        &policy.Policy{Owner: o, Insurer: in},
		Reason:        reason,
		OldCardSerial: serial,
	}, wantFiles, len(*rc.problems) == before && !h.incomplete
}

// earliest is the earliest plausible birth or insurance date, as in cardio/policy.
var earliest = policy.MakeDate(1900, 1, 1)
