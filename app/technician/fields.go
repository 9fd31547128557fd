package technician

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
)

// maxHexBytes is how much of a value the field view writes out in hex; longer values
// (certificates, signatures) are cut with their size shown. The photo is never dumped.
const maxHexBytes = 48

// kind says how a tag's value is decoded for the field view.
type kind int

const (
	kindTemplate kind = iota
	kindText
	kindDate
	kindSex
	kindHex
	kindPhoto
	kindCertificate
)

// tagInfo names the tags of the OMS card records (oms-card-format.md §2, §3).
var tagInfo = map[tlv.Tag]struct {
	key  string
	kind kind
}{
	policy.TagOwnerTemplate:   {"technician.tag.owner", kindTemplate},
	policy.TagSurname:         {"field.surname", kindText},
	policy.TagFirstName:       {"field.first_name", kindText},
	policy.TagPatronymic:      {"field.patronymic", kindText},
	policy.TagBirthDate:       {"field.birth_date", kindDate},
	policy.TagSex:             {"field.sex", kindSex},
	policy.TagENP:             {"field.enp", kindText},
	policy.TagSNILS:           {"field.snils", kindText},
	policy.TagExpiry:          {"field.expiry", kindDate},
	policy.TagBirthPlace:      {"field.birth_place", kindText},
	policy.TagIssueDate:       {"field.issue_date", kindDate},
	policy.TagCitizenship:     {"field.citizenship", kindTemplate},
	policy.TagCountryCode:     {"technician.tag.country_code", kindText},
	policy.TagCountryName:     {"technician.tag.country_name", kindText},
	policy.TagPhoto:           {"field.photo", kindTemplate},
	policy.TagPhotoFormat:     {"technician.tag.photo_format", kindHex},
	policy.TagPhotoData:       {"technician.tag.photo_data", kindPhoto},
	policy.TagInsurerTemplate: {"technician.tag.insurer", kindTemplate},
	policy.TagOGRN:            {"field.ogrn", kindText},
	policy.TagOKATO:           {"field.okato", kindText},
	policy.TagInsuranceStart:  {"field.insurance_start", kindDate},
	policy.TagInsuranceEnd:    {"field.insurance_end", kindDate},
	policy.TagSignature:       {"technician.tag.signature", kindTemplate},
	policy.TagSignatureValue:  {"technician.tag.signature_value", kindHex},
	policy.TagCertificate:     {"technician.tag.certificate", kindCertificate},
}

// fieldsText writes every record file of d as its BER-TLV tree: tag, length, value in
// hex and the decoded value, one object after another.
func (s *Screen) fieldsText(d *dump.Dump) string {
	var b strings.Builder
	for _, f := range d.Files {
		what := s.tr.T("technician.tree.insurer")
		if f.DF == omscard.DFOwner {
			what = s.tr.T("technician.tree.owner")
		}
		fmt.Fprintf(&b, "%s / %s — %s\n", f.DF, f.FID, what)
		data, err := hex.DecodeString(f.Data)
		switch {
		case f.Error != "":
			b.WriteString("  " + s.tr.T("technician.tree.unreadable", "error", f.Error) + "\n\n")
			continue
		case err != nil:
			b.WriteString("  " + s.tr.T("technician.fields.bad_hex") + "\n\n")
			continue
		}
		objs, err := tlv.Decoder{AllowPadding: true}.Decode(data)
		if err != nil {
			b.WriteString("  " + s.tr.T("technician.fields.bad_tlv", "error", err.Error()) + "\n")
			b.WriteString("  " + hexCut(data) + "\n\n")
			continue
		}
		end := 0
		for _, o := range objs {
			s.writeObject(&b, o, 1)
			end = o.Offset + o.HeaderLen + len(o.Value)
		}
		if pad := len(data) - end; pad > 0 && len(objs) > 0 {
			b.WriteString("  " + s.tr.T("technician.fields.padding", "n", fmt.Sprint(pad)) + "\n")
		}
		if len(objs) == 0 {
			b.WriteString("  " + s.tr.T("technician.fields.empty") + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// writeObject writes one object and, for a template, its children indented.
func (s *Screen) writeObject(b *strings.Builder, o tlv.Object, depth int) {
	indent := strings.Repeat("  ", depth)
	info, known := tagInfo[o.Tag]
	name := s.tr.T("technician.tag.unknown")
	if known {
		name = s.tr.T(info.key)
	}
	if o.Tag.Constructed() && o.Children != nil {
		fmt.Fprintf(b, "%s%s  L=%d  %s\n", indent, o.Tag, len(o.Value), name)
		for _, c := range o.Children {
			s.writeObject(b, c, depth+1)
		}
		return
	}
	value := hexCut(o.Value)
	if known && info.kind == kindPhoto {
		value = s.tr.T("technician.fields.not_dumped")
	}
	fmt.Fprintf(b, "%s%s  L=%d  %s\n", indent, o.Tag, len(o.Value), value)
	fmt.Fprintf(b, "%s%s → %s\n", indent+"      ", name, s.decoded(info.kind, known, o.Value))
}

// decoded is a value as a person reads it.
func (s *Screen) decoded(k kind, known bool, v []byte) string {
	tr := s.tr
	if !known {
		return tr.T("technician.fields.raw")
	}
	switch k {
	case kindText:
		if !utf8.Valid(v) {
			return tr.T("technician.fields.bad_utf8")
		}
		return "«" + string(v) + "»"
	case kindDate:
		d, err := policy.DecodeBCDDate(v)
		switch {
		case err != nil:
			return tr.T("technician.fields.bad_date")
		case d.IsZero():
			return tr.T("technician.fields.no_date")
		case d.Unlimited():
			return tr.T("technician.fields.unlimited")
		}
		return d.Russian()
	case kindSex:
		if len(v) == 1 && v[0] == byte(policy.Male) {
			return tr.T("sex.male")
		}
		if len(v) == 1 && v[0] == byte(policy.Female) {
			return tr.T("sex.female")
		}
		return tr.T("technician.fields.bad_sex")
	case kindPhoto:
		p := policy.Photo{Data: v}
		return tr.T("technician.fields.photo", "n", fmt.Sprint(len(v)), "type", p.MediaType())
	case kindCertificate:
		if c, err := x509.ParseCertificate(v); err == nil {
			return tr.T("technician.fields.certificate", "n", fmt.Sprint(len(v)), "subject", c.Subject.String())
		}
		return tr.T("technician.fields.bytes", "n", fmt.Sprint(len(v)))
	}
	return tr.T("technician.fields.bytes", "n", fmt.Sprint(len(v)))
}

// hexCut writes b in hex, cut after maxHexBytes with the rest's size.
func hexCut(b []byte) string {
	if len(b) == 0 {
		return "—"
	}
	if len(b) <= maxHexBytes {
		return spaced(b)
	}
	var out bytes.Buffer
	out.WriteString(spaced(b[:maxHexBytes]))
	fmt.Fprintf(&out, " … (+%d)", len(b)-maxHexBytes)
	return out.String()
}
