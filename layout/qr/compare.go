package qr

import "omsdesk/cardio/policy"

// Mismatch is one field where a QR code and a card disagree. Field uses the JSON names
// of policy.Document ("enp", "surname", "insurer.ogrn", …) plus "card_serial".
type Mismatch struct {
	Field string `json:"field"`
	QR    string `json:"qr"`
	Card  string `json:"card"`
}

// CompareWithPolicy cross-checks a (verified) QR payload against the policy read from
// the chip, field by field and exactly: a card and its code are written from the same
// record, so any difference means one of them was altered or belongs to another card.
// The office is not on the chip and is not compared; the card serial is compared only
// when cardSerial is not "" (the chip profile may not hold it). A policy without an
// insurer record mismatches on OGRN and OKATO. nil means everything agrees.
func CompareWithPolicy(p Payload, pol *policy.Policy, cardSerial string) []Mismatch {
	var out []Mismatch
	check := func(field, qr, card string) {
		if qr != card {
			out = append(out, Mismatch{Field: field, QR: qr, Card: card})
		}
	}
	o := &pol.Owner
	check("enp", p.ENP, o.ENP)
	check("surname", p.Surname, o.Surname)
	check("first_name", p.FirstName, o.FirstName)
	check("patronymic", p.Patronymic, o.Patronymic)
	check("birth_date", p.BirthDate.String(), o.BirthDate.String())
	check("issue_date", p.IssueDate.String(), o.IssueDate.String())
	var ogrn, okato string
	if pol.Insurer != nil {
		ogrn, okato = pol.Insurer.OGRN, pol.Insurer.OKATO
	}
	check("insurer.ogrn", p.OGRN, ogrn)
	check("insurer.okato", p.OKATO, okato)
	if cardSerial != "" {
		check("card_serial", p.CardSerial, cardSerial)
	}
	return out
}

// FromPolicy takes a payload's fields from a policy as issued: the holder, the current
// insurer, and the card serial and issuing office that the chip does not hold. It is
// what an issuing office signs; a policy without an insurer gives empty OGRN and OKATO,
// which Sign refuses.
func FromPolicy(pol *policy.Policy, cardSerial, office string) Payload {
	o := &pol.Owner
	p := Payload{ENP: o.ENP, Surname: o.Surname, FirstName: o.FirstName, Patronymic: o.Patronymic,
		BirthDate: o.BirthDate, IssueDate: o.IssueDate, CardSerial: cardSerial, Office: office}
	if pol.Insurer != nil {
		p.OGRN, p.OKATO = pol.Insurer.OGRN, pol.Insurer.OKATO
	}
	return p
}
