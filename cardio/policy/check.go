package policy

// Status is the verdict a front desk needs: can this policy be used today?
type Status string

// Statuses, from the card's own data. (Lost, stolen and replaced cards are known only
// to the registry, which is not this package's business.)
const (
	StatusValid         Status = "valid"          // insured today
	StatusExpired       Status = "expired"        // the owner record's expiry date has passed
	StatusInsurerClosed Status = "insurer_closed" // the current insurer record has an end date in the past
	StatusNotStarted    Status = "not_started"    // the current insurer record starts after today
	StatusNoInsurer     Status = "no_insurer"     // the card names no current insurer record
)

// Status judges the policy on the given day.
func (p *Policy) Status(today Date) Status {
	if !p.Owner.Expiry.Unlimited() && p.Owner.Expiry.Before(today) {
		return StatusExpired
	}
	in := p.Insurer
	switch {
	case in == nil:
		return StatusNoInsurer
	case !in.End.IsZero() && in.End.Before(today):
		return StatusInsurerClosed
	case !in.Start.IsZero() && today.Before(in.Start):
		return StatusNotStarted
	}
	return StatusValid
}

// earliestDate is the earliest birth or issue date taken as plausible: nobody alive was
// born before it, and OMS policies did not exist before it either.
var earliestDate = Date{1900, 1, 1}

// Validate checks every field the card carries and returns one error per finding, in
// field order; nil means the policy is clean. today bounds dates that cannot be in the
// future (birth, issue).
func (p *Policy) Validate(today Date) []*FieldError {
	var errs []*FieldError
	add := func(err error) {
		if fe, ok := err.(*FieldError); ok && fe != nil {
			errs = append(errs, fe)
		}
	}
	o := &p.Owner
	add(required("surname", o.Surname))
	add(required("first_name", o.FirstName))
	if o.ENP == "" {
		add(required("enp", ""))
	} else {
		add(ValidateENP(o.ENP))
	}
	if o.SNILS != "" {
		add(ValidateSNILS(o.SNILS))
	}
	switch o.Sex {
	case Male, Female:
	case SexUnknown:
		add(required("sex", ""))
	default:
		add(fieldError("sex", "sex.invalid", map[string]string{"got": o.Sex.String()}))
	}
	if o.BirthDate.IsZero() {
		add(required("birth_date", ""))
	} else {
		add(pastDate("birth_date", o.BirthDate, today))
	}
	if !o.IssueDate.IsZero() {
		add(pastDate("issue_date", o.IssueDate, today))
		add(order("birth_date", o.BirthDate, "issue_date", o.IssueDate))
	}
	if !o.Expiry.Unlimited() {
		add(calendar("expiry", o.Expiry))
		add(order("issue_date", o.IssueDate, "expiry", o.Expiry))
	}
	if in := p.Insurer; in != nil {
		if in.OGRN == "" {
			add(required("ogrn", ""))
		} else {
			add(ValidateOGRNOrOGRNIP(in.OGRN))
		}
		if in.OKATO == "" {
			add(required("okato", ""))
		} else {
			add(ValidateOKATO(in.OKATO))
		}
		if in.Start.IsZero() {
			add(required("insurance_start", ""))
		} else {
			add(calendar("insurance_start", in.Start))
			add(order("birth_date", o.BirthDate, "insurance_start", in.Start))
		}
		if !in.End.IsZero() {
			add(calendar("insurance_end", in.End))
			add(order("insurance_start", in.Start, "insurance_end", in.End))
		}
	}
	return errs
}

// checkMessagesEN holds the English templates of the codes this file produces; the
// catalogues assets/i18n/policy.*.json carry the same keys with the "validate." prefix
// (a test keeps them equal). {field} is the field's JSON name, which the CLI and GUI
// replace with the translated "field.<name>".
var checkMessagesEN = map[string]string{
	"field.required": "{field}: required field is missing",
	"sex.invalid":    "sex: byte {got} is neither 01 (male) nor 02 (female)",
	"date.invalid":   "{field}: {got} is not a calendar date",
	"date.future":    "{field}: {got} is in the future",
	"date.too_early": "{field}: {got} is before 1900",
	"date.before":    "{field}: {got} is earlier than {other_field} {other}",
}

func fieldError(field, code string, params map[string]string) *FieldError {
	if params == nil {
		params = map[string]string{}
	}
	params["field"] = field
	return &FieldError{Field: field, Code: code, Params: params}
}

func required(field, value string) error {
	if value != "" {
		return nil
	}
	return fieldError(field, "field.required", nil)
}

func calendar(field string, d Date) error {
	if d.Valid() {
		return nil
	}
	return fieldError(field, "date.invalid", map[string]string{"got": d.Russian()})
}

func pastDate(field string, d, today Date) error {
	if err := calendar(field, d); err != nil {
		return err
	}
	if today.Before(d) {
		return fieldError(field, "date.future", map[string]string{"got": d.Russian()})
	}
	if d.Before(earliestDate) {
		return fieldError(field, "date.too_early", map[string]string{"got": d.Russian()})
	}
	return nil
}

// order requires the date named first not to be after the second when both are known
// and valid (an invalid date has already been reported on its own).
func order(firstField string, first Date, secondField string, second Date) error {
	if first.IsZero() || second.IsZero() || !first.Valid() || !second.Valid() || !second.Before(first) {
		return nil
	}
	return fieldError(secondField, "date.before", map[string]string{
		"got": second.Russian(), "other_field": firstField, "other": first.Russian()})
}
