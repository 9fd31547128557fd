package verify

import (
	"strings"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
)

// RegistryLookup is what the integrity check needs of the card registry of the office
// that issued the card: the card by its serial, the policy by its number. It is an
// interface of plain values so that this package does not depend on the registry's
// storage; the caller adapts the registry to it.
type RegistryLookup interface {
	// CardBySerial finds the card with the 20-digit serial; found is false when the
	// registry has no such card.
	CardBySerial(serial string) (card RegistryCard, found bool, err error)
	// PolicyByENP finds the policy with the 16-digit number.
	PolicyByENP(enp string) (p RegistryPolicy, found bool, err error)
}

// Card statuses a registry reports. Only an active card may be in use; the others say
// why it may not.
const (
	CardActive        = "active"
	CardReplaced      = "replaced"
	CardLost          = "lost"
	CardStolen        = "stolen"
	CardSpoiled       = "spoiled"
	CardVoided        = "voided"
	CardPersonalising = "personalising"
)

// RegistryCard is a card as the registry knows it.
type RegistryCard struct {
	Serial string
	Status string // one of the Card… statuses
	ENP    string // the policy the card was issued for
}

// RegistryPolicy is a policy as the registry knows it: the holder's identity and the
// current insurer.
type RegistryPolicy struct {
	ENP          string
	Surname      string
	FirstName    string
	Patronymic   string
	BirthDate    policy.Date
	OGRN         string // current insurer
	OKATO        string
	InsurerStart policy.Date
}

// QRClaims is what a QR code printed on the card (or its paper companion) says, decoded
// by the caller; the check compares it with the chip.
type QRClaims struct {
	ENP        string
	Surname    string
	FirstName  string
	Patronymic string
	BirthDate  policy.Date
	OGRN       string
	OKATO      string
	CardSerial string
	IssueDate  policy.Date
	// SignatureVerdict is the verdict on the QR code's own signature: "valid", or
	// anything else ("invalid", "absent", "untrusted" …), which fails the check.
	SignatureVerdict string
}

// QRSignatureValid is the only SignatureVerdict that passes.
const QRSignatureValid = "valid"

// field is one compared field: its read --json name and the two values.
type field struct {
	name  string
	chip  string
	other string
}

// differing names the fields whose values differ. Names compare case-insensitively and
// with runs of spaces collapsed: registries and QR payloads may store them in mixed case,
// cards in upper case.
func differing(fields []field) []string {
	var out []string
	for _, f := range fields {
		if normal(f.chip) != normal(f.other) {
			out = append(out, f.name)
		}
	}
	return out
}

func normal(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

// checkRegistry compares the card with the issuing office's registry: the serial must be
// known, the card active, and the holder and current insurer the registry's.
func checkRegistry(r *Report, d *dump.Dump, p *policy.Policy, reg RegistryLookup) {
	const id = "registry"
	switch {
	case reg == nil:
		r.add(id, NA, "registry_none", nil)
		return
	case p == nil:
		r.add(id, NA, "chip_unreadable", nil)
		return
	case d.Serial == "" && d.SerialError != "":
		r.add(id, Fail, "registry_serial_unreadable", map[string]string{"error": d.SerialError})
		return
	case d.Serial == "":
		r.add(id, NA, "registry_no_serial", nil)
		return
	}
	serial := map[string]string{"serial": d.Serial}
	card, found, err := reg.CardBySerial(d.Serial)
	switch {
	case err != nil:
		r.add(id, Fail, "registry_error", map[string]string{"error": err.Error()})
		return
	case !found:
		r.add(id, Fail, "registry_unknown_card", serial)
		return
	case card.Status != CardActive:
		r.add(id, Fail, "registry_card_status", map[string]string{"serial": d.Serial, "status": card.Status})
		return
	}
	pol, found, err := reg.PolicyByENP(p.Owner.ENP)
	switch {
	case err != nil:
		r.add(id, Fail, "registry_error", map[string]string{"error": err.Error()})
		return
	case !found:
		r.add(id, Fail, "registry_unknown_policy", serial)
		return
	}
	in := p.Insurer
	if in == nil {
		in = &policy.Insurer{}
	}
	diff := differing([]field{
		{"enp", p.Owner.ENP, card.ENP},
		{"surname", p.Owner.Surname, pol.Surname},
		{"first_name", p.Owner.FirstName, pol.FirstName},
		{"patronymic", p.Owner.Patronymic, pol.Patronymic},
		{"birth_date", p.Owner.BirthDate.String(), pol.BirthDate.String()},
		{"insurer.ogrn", in.OGRN, pol.OGRN},
		{"insurer.okato", in.OKATO, pol.OKATO},
		{"insurer.start", in.Start.String(), pol.InsurerStart.String()},
	})
	if len(diff) > 0 {
		r.add(id, Fail, "registry_mismatch", map[string]string{"fields": fmtList(diff)})
		return
	}
	r.add(id, Pass, "registry_ok", serial)
}

// checkQR compares the claims of a decoded QR code with the chip: its signature must be
// valid and every field the chip's.
func checkQR(r *Report, d *dump.Dump, p *policy.Policy, qr *QRClaims) {
	const id = "qr"
	switch {
	case qr == nil:
		r.add(id, NA, "qr_none", nil)
		return
	case qr.SignatureVerdict != QRSignatureValid:
		v := qr.SignatureVerdict
		if v == "" {
			v = "none"
		}
		r.add(id, Fail, "qr_signature", map[string]string{"verdict": v})
		return
	case p == nil:
		r.add(id, NA, "chip_unreadable", nil)
		return
	}
	in := p.Insurer
	if in == nil {
		in = &policy.Insurer{}
	}
	fields := []field{
		{"enp", p.Owner.ENP, qr.ENP},
		{"surname", p.Owner.Surname, qr.Surname},
		{"first_name", p.Owner.FirstName, qr.FirstName},
		{"patronymic", p.Owner.Patronymic, qr.Patronymic},
		{"birth_date", p.Owner.BirthDate.String(), qr.BirthDate.String()},
		{"insurer.ogrn", in.OGRN, qr.OGRN},
		{"insurer.okato", in.OKATO, qr.OKATO},
		{"issue_date", p.Owner.IssueDate.String(), qr.IssueDate.String()},
	}
	// An official card has no chip serial: the QR carries the number printed on the
	// blank, which the chip cannot confirm or deny. A card of our profile must agree.
	if d.Serial != "" || d.SerialError != "" {
		fields = append(fields, field{"serial", d.Serial, qr.CardSerial})
	}
	diff := differing(fields)
	if len(diff) > 0 {
		r.add(id, Fail, "qr_mismatch", map[string]string{"fields": fmtList(diff)})
		return
	}
	r.add(id, Pass, "qr_ok", nil)
}
