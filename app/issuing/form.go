package issuing

import (
	"strings"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/policy"
)

// Form fields, named as the policy package names them (FieldError.Field), so that a
// validator's finding lands under the entry it is about.
const (
	fSurname    = "surname"
	fFirstName  = "first_name"
	fPatronymic = "patronymic"
	fBirthDate  = "birth_date"
	fSex        = "sex"
	fENP        = "enp"
	fSNILS      = "snils"
	fBirthPlace = "birth_place"
	fExpiry     = "expiry"
	fOGRN       = "ogrn"
	fOKATO      = "okato"
	fStart      = "insurance_start"
	fOldCard    = "old_card_serial"
	fPhoto      = "photo"
	fReason     = "reason"
)

// holderFields and insurerFields are the text entries of the form, in screen order.
var (
	holderFields  = []string{fSurname, fFirstName, fPatronymic, fBirthDate, fSex, fENP, fSNILS, fBirthPlace, fExpiry}
	insurerFields = []string{fOGRN, fOKATO, fStart}
)

// reasons in the order of the selector.
var reasons = []issuance.Reason{issuance.ReasonNew, issuance.ReasonLost, issuance.ReasonStolen,
	issuance.ReasonDataChange, issuance.ReasonInsurerChange, issuance.ReasonNewborn}

// childAge is the age from which a card carries a photo (issue 3, the under-14 rule).
const childAge = 14

// formModel is the state of the issuance form, outside the widgets: what was typed,
// which fields the operator has touched, the images. check turns it into a policy and
// the findings, so the rules can be tested without a screen.
type formModel struct {
	values    map[string]string
	touched   map[string]bool
	reason    issuance.Reason
	photo     []byte // normalised JPEG (issuance.NormalizePhoto)
	signature []byte // normalised JPEG (issuance.NormalizeSignature)
}

func newFormModel() *formModel {
	return &formModel{values: map[string]string{}, touched: map[string]bool{}, reason: issuance.ReasonNew}
}

// checked is the outcome of a check: the policy when the form is complete, and one
// translated message per field that is wrong.
type checked struct {
	policy   *policy.Policy
	change   *issuance.InsurerChange // set for a change of insurer
	errs     map[string]string
	under14  bool // the holder is a child under 14 today: no photo
	ageKnown bool
}

// valid reports whether the form may be written.
func (c checked) valid() bool { return len(c.errs) == 0 }

// check validates every field with the cardio/policy validators on day today and
// builds the policy to write. Messages come from the validate.* catalogue (as the CLI
// prints them) or from issuing.v.* for the rules only the form knows.
func (m *formModel) check(tr *i18n.Catalog, today policy.Date) checked {
	c := checked{errs: map[string]string{}}
	put := func(field, msg string) {
		if _, dup := c.errs[field]; !dup {
			c.errs[field] = msg
		}
	}
	putFE := func(fe *policy.FieldError) {
		field := fe.Field
		switch field {
		case "ogrnip":
			field = fOGRN
		case "issue_date":
			field = fBirthDate
		}
		put(field, tr.Format("validate."+fe.Code, fe.Params))
	}
	date := func(field string) policy.Date {
		raw := strings.TrimSpace(m.values[field])
		d, err := policy.ParseDate(raw)
		if err != nil {
			put(field, tr.Format("validate.date.invalid", map[string]string{"field": field, "got": raw}))
		}
		return d
	}
	v := func(field string) string { return strings.TrimSpace(m.values[field]) }

	in := &policy.Insurer{OGRN: v(fOGRN), OKATO: v(fOKATO), Start: date(fStart)}
	if m.reason == issuance.ReasonInsurerChange {
		// The holder's record stays as the card has it: only the new insurer is checked.
		for _, fe := range (&policy.Policy{Owner: policy.Owner{Surname: "-", FirstName: "-", ENP: "-", Sex: policy.Male,
			BirthDate: policy.MakeDate(1900, 1, 1)}, Insurer: in}).Validate(today) {
			if fe.Field != fENP {
				putFE(fe)
			}
		}
		if len(c.errs) == 0 {
			c.change = &issuance.InsurerChange{OGRN: in.OGRN, OKATO: in.OKATO, Start: in.Start}
		}
		return c
	}

	o := policy.Owner{
		Surname: strings.ToUpper(v(fSurname)), FirstName: strings.ToUpper(v(fFirstName)),
		Patronymic: strings.ToUpper(v(fPatronymic)), ENP: v(fENP), BirthPlace: v(fBirthPlace),
		BirthDate: date(fBirthDate), Expiry: date(fExpiry), IssueDate: today,
	}
	switch v(fSex) {
	case "male":
		o.Sex = policy.Male
	case "female":
		o.Sex = policy.Female
	}
	o.SNILS = v(fSNILS)
	if n, err := policy.NormalizeSNILS(o.SNILS); err == nil {
		o.SNILS = n
	}
	p := &policy.Policy{Owner: o, Insurer: in}
	for _, fe := range p.Validate(today) {
		putFE(fe)
	}
	if o.BirthDate.Valid() && c.errs[fBirthDate] == "" {
		c.ageKnown = true
		age := ageOn(o.BirthDate, today)
		c.under14 = age < childAge
		if m.reason == issuance.ReasonNewborn && age >= 1 {
			put(fReason, tr.T("issuing.v.newborn_age"))
		}
	}
	switch {
	case c.ageKnown && c.under14:
		// The view removes the photo; a photo kept here would be refused by the issuer.
	case c.ageKnown && m.photo == nil:
		put(fPhoto, tr.T("issuing.v.photo_required"))
	case c.ageKnown:
		p.Owner.Photo = &policy.Photo{Format: []byte{0x01}, Data: m.photo}
	}
	needsOld := m.reason == issuance.ReasonLost || m.reason == issuance.ReasonStolen || m.reason == issuance.ReasonDataChange
	if needsOld && v(fOldCard) == "" {
		put(fOldCard, tr.T("issuing.v.old_card_required"))
	}
	if len(c.errs) == 0 {
		c.policy = p
	}
	return c
}

// ageOn is the age in whole years on day d.
func ageOn(birth, d policy.Date) int {
	age := d.Year - birth.Year
	if d.Month < birth.Month || d.Month == birth.Month && d.Day < birth.Day {
		age--
	}
	return age
}
