package verify

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // photos are JPEG …
	_ "image/png"
	"strings"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
)

// Options tune a check.
type Options struct {
	// Today is the day certificates and dates are judged on.
	Today policy.Date
	// Trust, when set, is the trust store the signer's certificate must chain to.
	Trust *TrustStore
	// Registry, when set, is the issuing office's card registry the card is compared
	// with (check "registry"; not applicable without it).
	Registry RegistryLookup
	// QR, when set, is what the card's QR code claims (check "qr"; not applicable
	// without it).
	QR *QRClaims
}

// Dump checks everything a dump holds. A live card is checked by dumping it first
// (dump.FromRead), so cards and dumps go through the same checks.
func Dump(d *dump.Dump, opts Options) *Report {
	r := &Report{SchemaVersion: SchemaVersion, Reader: d.Reader, ATR: d.ATR, Verdict: Pass, Checks: []Check{}}
	checkATR(r, d.ATR)
	files := map[string][]byte{}
	for _, f := range d.Files {
		b, err := hex.DecodeString(f.Data)
		if err != nil {
			b = nil // Load refuses such dumps; a hand-built one is reported as absent
		}
		files[f.DF+"/"+f.FID] = b
	}
	ownerBytes := files[omscard.DFOwner+"/"+fid(omscard.EFOwner)]
	var owner *policy.Owner // kept from the structural check: each record is decoded once
	checkRecord(r, "owner", policy.TagOwnerTemplate, ownerBytes, func(b []byte) ([]policy.Problem, error) {
		o, err := policy.DecodeOwner(b)
		if err != nil {
			return nil, err
		}
		owner = o
		return o.Problems, nil
	})
	var insurerBytes []byte
	if d.CurrentInsurer != "" {
		var ok bool
		insurerBytes, ok = files[omscard.DFInsurers+"/"+d.CurrentInsurer]
		if ok {
			r.add("insurer.pointer", Pass, "pointer_ok", map[string]string{"fid": d.CurrentInsurer})
		} else {
			r.add("insurer.pointer", Fail, "pointer_dangling", map[string]string{"fid": d.CurrentInsurer})
		}
	} else {
		r.add("insurer.pointer", NA, "pointer_absent", nil)
	}
	var insurer *policy.Insurer
	checkRecord(r, "insurer", policy.TagInsurerTemplate, insurerBytes, func(b []byte) ([]policy.Problem, error) {
		in, err := policy.DecodeInsurer(b)
		if err != nil {
			return nil, err
		}
		insurer = in
		return in.Problems, nil
	})

	var p *policy.Policy
	if owner != nil {
		p = &policy.Policy{Owner: *owner, Insurer: insurer}
		checkFields(r, p, opts.Today)
		checkPhoto(r, p.Owner.Photo)
	}
	if p != nil && p.Insurer != nil {
		checkSignature(r, p.Insurer, insurerBytes, opts)
	} else {
		r.add("signature", NA, "record_absent", map[string]string{"template": "64"})
	}
	checkLifecycle(r, d)
	checkHistory(r, d, opts)
	checkRegistry(r, d, p, opts.Registry)
	checkQR(r, d, p, opts.QR)
	return r
}

func fid(f uint16) string { return fmt.Sprintf("%04X", f) }

func checkATR(r *Report, atrHex string) {
	if atrHex == "" {
		r.add("atr", NA, "atr_absent", nil)
		return
	}
	raw, err := hex.DecodeString(atrHex)
	if err != nil {
		r.add("atr", Fail, "atr_bad", map[string]string{"error": err.Error()})
		return
	}
	a, err := atr.Parse(raw)
	switch {
	case err != nil:
		r.add("atr", Fail, "atr_bad", map[string]string{"error": err.Error()})
	case !a.TCKValid:
		r.add("atr", Fail, "atr_tck", nil)
	default:
		var ps []string
		for _, p := range a.Protocols {
			ps = append(ps, fmt.Sprintf("T=%d", p))
		}
		r.add("atr", Pass, "atr_ok", map[string]string{"protocols": fmtList(ps)})
	}
}

// checkRecord runs the structural checks of one record file ("tlv.<name>" and
// "tags.<name>"); decode decodes the record (and keeps it, for the caller).
func checkRecord(r *Report, name string, template tlv.Tag, b []byte, decode func([]byte) ([]policy.Problem, error)) {
	tpl := map[string]string{"template": template.String()}
	if b == nil {
		r.add("tlv."+name, NA, "record_absent", tpl)
		r.add("tags."+name, NA, "record_absent", tpl)
		return
	}
	objs, err := tlv.Decoder{AllowPadding: true}.Decode(b)
	switch {
	case err != nil:
		r.add("tlv."+name, Fail, "tlv_bad", map[string]string{"error": err.Error()})
	case len(objs) == 0 || objs[0].Tag != template:
		got := "nothing"
		if len(objs) > 0 {
			got = objs[0].Tag.String()
		}
		r.add("tlv."+name, Fail, "tlv_bad", map[string]string{"error": fmt.Sprintf("first object is %s, want template %s", got, template)})
	case len(objs) > 1:
		r.add("tlv."+name, Fail, "tlv_trailing", map[string]string{"count": itoa(len(objs) - 1), "template": template.String()})
	default:
		size := objs[0].HeaderLen + len(objs[0].Value)
		if pad := len(b) - size; pad > 0 {
			r.add("tlv."+name, Pass, "tlv_padding", map[string]string{"template": template.String(), "size": itoa(size), "padding": itoa(pad)})
		} else {
			r.add("tlv."+name, Pass, "tlv_ok", map[string]string{"template": template.String(), "size": itoa(size)})
		}
	}
	problems, err := decode(b)
	if err != nil {
		r.add("tags."+name, Fail, "decode_bad", map[string]string{"error": err.Error()})
		return
	}
	var unknown, badText []string
	for _, p := range problems {
		switch p.Code {
		case "unknown_tag":
			unknown = append(unknown, p.Tag.String())
		case "invalid_utf8":
			badText = append(badText, p.Tag.String())
		}
	}
	switch {
	case len(unknown) > 0:
		r.add("tags."+name, Fail, "tags_unknown", map[string]string{"tags": fmtList(unknown)})
	case len(badText) > 0:
		r.add("tags."+name, Fail, "text_bad", map[string]string{"tags": fmtList(badText)})
	default:
		r.add("tags."+name, Pass, "tags_ok", nil)
	}
}

// checkFields reports the validators' findings per field: required fields, ENP, SNILS,
// sex, OGRN, OKATO and the dates.
func checkFields(r *Report, p *policy.Policy, today policy.Date) {
	findings := p.Validate(today)
	byField := map[string][]*policy.FieldError{}
	var missing []string
	var dates []*policy.FieldError
	for _, f := range findings {
		switch {
		case f.Code == "field.required":
			missing = append(missing, f.Field)
		case strings.HasPrefix(f.Code, "date."):
			dates = append(dates, f)
		default:
			byField[f.Field] = append(byField[f.Field], f)
		}
	}
	if len(missing) > 0 {
		r.add("fields.required", Fail, "required_missing", map[string]string{"fields": fmtList(missing)})
	} else {
		r.add("fields.required", Pass, "required_ok", nil)
	}
	field := func(id string, present bool, fields ...string) {
		var errs []*policy.FieldError
		for _, f := range fields {
			errs = append(errs, byField[f]...)
		}
		switch {
		case len(errs) > 0:
			params := map[string]string{"message": errs[0].Error(), "validate": errs[0].Code}
			for k, v := range errs[0].Params {
				params[k] = v
			}
			r.add(id, Fail, "field_invalid", params)
		case !present:
			r.add(id, NA, "field_absent", nil)
		default:
			r.add(id, Pass, "field_ok", map[string]string{"value": checkedText[id]})
		}
	}
	o := &p.Owner
	field("enp", o.ENP != "", "enp")
	field("snils", o.SNILS != "", "snils")
	field("sex", o.Sex != policy.SexUnknown, "sex")
	in := p.Insurer
	field("ogrn", in != nil && in.OGRN != "", "ogrn", "ogrnip")
	field("okato", in != nil && in.OKATO != "", "okato")
	if len(dates) > 0 {
		params := map[string]string{"message": dates[0].Error(), "validate": dates[0].Code}
		for k, v := range dates[0].Params {
			params[k] = v
		}
		r.add("dates", Fail, "dates_bad", params)
	} else {
		r.add("dates", Pass, "dates_ok", nil)
	}
}

// checkedText says what a passing field check established, without repeating the
// holder's data in the report.
var checkedText = map[string]string{
	"enp":   "16 digits, Luhn check digit correct",
	"snils": "11 digits, check number correct",
	"sex":   "01 or 02",
	"ogrn":  "check digit correct",
	"okato": "known subject code",
}

func checkPhoto(r *Report, ph *policy.Photo) {
	if ph == nil {
		r.add("photo", NA, "photo_absent", nil)
		return
	}
	size := itoa(len(ph.Data))
	switch typ := ph.MediaType(); typ {
	case "image/jp2":
		// The standard library has no JPEG 2000 decoder; the box/codestream signature
		// was recognised, which is as far as this check can honestly go.
		r.add("photo", Pass, "photo_jp2", map[string]string{"size": size})
	default:
		img, format, err := image.Decode(bytes.NewReader(ph.Data))
		if err != nil {
			r.add("photo", Fail, "photo_bad", map[string]string{"type": typ, "error": err.Error()})
			return
		}
		b := img.Bounds()
		r.add("photo", Pass, "photo_ok", map[string]string{"type": format, "width": itoa(b.Dx()), "height": itoa(b.Dy()), "size": size})
	}
}
