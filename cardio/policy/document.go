package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"omsdesk/cardio/tlv"
)

// Document is the policy as plain JSON: the stable, documented shape that `omsdesk read
// --json` prints for other programs (docs/json-schema.md) and that virtual-card fixture
// files are written in. Every key is always present: absent text is "", an absent date
// is "", an absent object is null, so a consumer never guesses whether a key was
// forgotten.
type Document struct {
	ENP             string       `json:"enp"`
	Surname         string       `json:"surname"`
	FirstName       string       `json:"first_name"`
	Patronymic      string       `json:"patronymic"`
	BirthDate       Date         `json:"birth_date"`
	Sex             string       `json:"sex"` // "male", "female", "" (absent), or "0xNN" for other bytes
	SNILS           string       `json:"snils"`
	Expiry          Date         `json:"expiry"`
	ExpiryUnlimited bool         `json:"expiry_unlimited"`
	BirthPlace      string       `json:"birth_place"`
	IssueDate       Date         `json:"issue_date"`
	Citizenship     *Citizenship `json:"citizenship"`
	Photo           *PhotoDoc    `json:"photo"`
	Insurer         *InsurerDoc  `json:"insurer"`
	UnknownTags     []UnknownTag `json:"unknown_tags"`
	Problems        []Problem    `json:"problems"`
}

// PhotoDoc is the photo in a Document.
type PhotoDoc struct {
	MediaType string `json:"media_type"`
	Format    string `json:"format_hex"` // 5F41 bytes in hex
	Size      int    `json:"size"`
	SHA256    string `json:"sha256"`
	Data      []byte `json:"data_base64"` // encoding/json writes []byte as base64
}

// InsurerDoc is the current insurer record in a Document.
type InsurerDoc struct {
	FileID    string        `json:"file_id"` // EF named by GET DATA 01B0, 4 hex digits
	OGRN      string        `json:"ogrn"`
	OKATO     string        `json:"okato"`
	Start     Date          `json:"start"`
	End       Date          `json:"end"`
	Signature *SignatureDoc `json:"signature"`
}

// SignatureDoc is the insurer's signature object (7F60) in a Document.
type SignatureDoc struct {
	Value       string `json:"value_hex"`
	Certificate []byte `json:"certificate_base64"`
}

// UnknownTag is an object the model does not know, kept for the record.
type UnknownTag struct {
	Record string `json:"record"` // "owner", "insurer", or the template inside them: "owner.7F30", "owner.7F40", "insurer.7F60"
	Tag    string `json:"tag"`
	Value  string `json:"value_hex"`
}

// Document returns the policy in its JSON shape.
func (p *Policy) Document() Document {
	o := &p.Owner
	d := Document{
		ENP: o.ENP, Surname: o.Surname, FirstName: o.FirstName, Patronymic: o.Patronymic,
		BirthDate: o.BirthDate, Sex: o.Sex.String(), SNILS: o.SNILS,
		Expiry: o.Expiry, ExpiryUnlimited: o.Expiry.Unlimited(),
		BirthPlace: o.BirthPlace, IssueDate: o.IssueDate, Citizenship: o.Citizenship,
		UnknownTags: []UnknownTag{}, Problems: []Problem{},
	}
	if d.ExpiryUnlimited {
		d.Expiry = Date{}
	}
	if ph := o.Photo; ph != nil {
		sum := sha256.Sum256(ph.Data)
		d.Photo = &PhotoDoc{MediaType: ph.MediaType(), Format: hex.EncodeToString(ph.Format),
			Size: len(ph.Data), SHA256: hex.EncodeToString(sum[:]), Data: ph.Data}
	}
	d.UnknownTags = appendUnknown(d.UnknownTags, "owner", o.Unknown)
	if o.Citizenship != nil {
		d.UnknownTags = appendUnknown(d.UnknownTags, "owner.7F30", o.Citizenship.Unknown)
	}
	if o.Photo != nil {
		d.UnknownTags = appendUnknown(d.UnknownTags, "owner.7F40", o.Photo.Unknown)
	}
	d.Problems = append(d.Problems, o.Problems...)
	if in := p.Insurer; in != nil {
		d.Insurer = &InsurerDoc{FileID: fmt.Sprintf("%04X", p.InsurerFileID), OGRN: in.OGRN,
			OKATO: in.OKATO, Start: in.Start, End: in.End}
		if s := in.Signature; s != nil {
			d.Insurer.Signature = &SignatureDoc{Value: hex.EncodeToString(s.Value), Certificate: s.Certificate}
		}
		d.UnknownTags = appendUnknown(d.UnknownTags, "insurer", in.Unknown)
		if in.Signature != nil {
			d.UnknownTags = appendUnknown(d.UnknownTags, "insurer.7F60", in.Signature.Unknown)
		}
		d.Problems = append(d.Problems, in.Problems...)
	}
	return d
}

func appendUnknown(dst []UnknownTag, record string, objs []tlv.Object) []UnknownTag {
	for _, o := range objs {
		dst = append(dst, UnknownTag{Record: record, Tag: o.Tag.String(), Value: hex.EncodeToString(o.Encode())})
	}
	return dst
}

// ParseSex reads the Document's sex value.
func ParseSex(s string) (Sex, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return SexUnknown, nil
	case "male", "m", "1":
		return Male, nil
	case "female", "f", "2":
		return Female, nil
	}
	if n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 8); err == nil && strings.HasPrefix(strings.ToLower(s), "0x") {
		return Sex(n), nil
	}
	return 0, fmt.Errorf("parsing sex %q: want male or female", s)
}

// Policy builds the model from a Document (the inverse of [Policy.Document]; hashes and
// media types are derived, so they are ignored). Unknown tags are taken back from their
// hex encoding.
func (d Document) Policy() (*Policy, error) {
	sex, err := ParseSex(d.Sex)
	if err != nil {
		return nil, err
	}
	p := &Policy{Owner: Owner{
		ENP: d.ENP, Surname: d.Surname, FirstName: d.FirstName, Patronymic: d.Patronymic,
		BirthDate: d.BirthDate, Sex: sex, SNILS: d.SNILS, Expiry: d.Expiry,
		BirthPlace: d.BirthPlace, IssueDate: d.IssueDate, Citizenship: d.Citizenship,
	}}
	if ph := d.Photo; ph != nil {
		format, err := hex.DecodeString(ph.Format)
		if err != nil {
			return nil, fmt.Errorf("parsing photo format_hex: %w", err)
		}
		p.Owner.Photo = &Photo{Format: format, Data: ph.Data}
	}
	if in := d.Insurer; in != nil {
		p.Insurer = &Insurer{OGRN: in.OGRN, OKATO: in.OKATO, Start: in.Start, End: in.End}
		if in.FileID != "" {
			fid, err := strconv.ParseUint(in.FileID, 16, 16)
			if err != nil {
				return nil, fmt.Errorf("parsing insurer file_id %q: %w", in.FileID, err)
			}
			p.InsurerFileID = uint16(fid)
		}
		if s := in.Signature; s != nil {
			v, err := hex.DecodeString(s.Value)
			if err != nil {
				return nil, fmt.Errorf("parsing signature value_hex: %w", err)
			}
			p.Insurer.Signature = &Signature{Value: v, Certificate: s.Certificate}
		}
	}
	for _, u := range d.UnknownTags {
		raw, err := hex.DecodeString(u.Value)
		if err != nil {
			return nil, fmt.Errorf("parsing unknown tag %s: %w", u.Tag, err)
		}
		o, rest, err := tlv.DecodeOne(raw)
		if err != nil || len(rest) != 0 {
			return nil, fmt.Errorf("parsing unknown tag %s: not one TLV object", u.Tag)
		}
		absent := func(what string) error {
			return fmt.Errorf("unknown tag %s for %s, which is absent", u.Tag, what)
		}
		switch u.Record {
		case "owner":
			p.Owner.Unknown = append(p.Owner.Unknown, o)
		case "owner.7F30":
			if p.Owner.Citizenship == nil {
				return nil, absent("citizenship")
			}
			p.Owner.Citizenship.Unknown = append(p.Owner.Citizenship.Unknown, o)
		case "owner.7F40":
			if p.Owner.Photo == nil {
				return nil, absent("the photo")
			}
			p.Owner.Photo.Unknown = append(p.Owner.Photo.Unknown, o)
		case "insurer":
			if p.Insurer == nil {
				return nil, absent("the insurer record")
			}
			p.Insurer.Unknown = append(p.Insurer.Unknown, o)
		case "insurer.7F60":
			if p.Insurer == nil || p.Insurer.Signature == nil {
				return nil, absent("the signature")
			}
			p.Insurer.Signature.Unknown = append(p.Insurer.Signature.Unknown, o)
		default:
			return nil, fmt.Errorf("unknown tag %s: record %q is neither owner nor insurer", u.Tag, u.Record)
		}
	}
	return p, nil
}
