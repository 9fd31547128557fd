package qr

import "omsdesk/cardio/verify"

// Claims is what the code states, in the shape the integrity check compares with the
// chip (verify's "qr" cross-check), with the code's own verdict: a tampered or
// unknown-signer code fails the cross-check whatever it says. Nil when nothing could be
// decoded.
func (r Result) Claims() *verify.QRClaims {
	if r.Payload == nil {
		return &verify.QRClaims{SignatureVerdict: string(r.Verdict)}
	}
	p := r.Payload
	return &verify.QRClaims{ENP: p.ENP, Surname: p.Surname, FirstName: p.FirstName, Patronymic: p.Patronymic,
		BirthDate: p.BirthDate, OGRN: p.OGRN, OKATO: p.OKATO, CardSerial: p.CardSerial, IssueDate: p.IssueDate,
		SignatureVerdict: string(r.Verdict)}
}
