// Package policy is the data model of the OMS policy chip: the owner record (template 62
// in EF 0201 of FOMS_ID) and the insurer record (template 64 in the current EF of
// FOMS_INS), their BER-TLV encoding exactly as in oms-card-format.md §2–3, and the
// validators for the numbers and dates they carry.
//
// Decoding is strict about structure and lenient about content: a file that is not
// well-formed TLV, has the wrong template, repeats a field or has a field of impossible
// size is an error; a well-formed file with an unknown tag, an invalid check digit or an
// odd date decodes, and the findings are reported (Problems, [Policy.Validate]) so that
// a technician sees everything the card holds. It imports only the standard library and
// the TLV codec.
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"omsdesk/cardio/tlv"
)

// Templates and tags of oms-card-format.md §2 (owner) and §3 (insurer).
const (
	TagOwnerTemplate   tlv.Tag = 0x62
	TagSurname         tlv.Tag = 0x5F21
	TagFirstName       tlv.Tag = 0x5F22
	TagPatronymic      tlv.Tag = 0x5F23
	TagBirthDate       tlv.Tag = 0x5F24
	TagSex             tlv.Tag = 0x5F25
	TagENP             tlv.Tag = 0x5F26
	TagSNILS           tlv.Tag = 0x5F27
	TagExpiry          tlv.Tag = 0x5F28
	TagBirthPlace      tlv.Tag = 0x5F29
	TagIssueDate       tlv.Tag = 0x5F2A
	TagCitizenship     tlv.Tag = 0x7F30
	TagCountryCode     tlv.Tag = 0x5F31
	TagCountryName     tlv.Tag = 0x5F32
	TagPhoto           tlv.Tag = 0x7F40
	TagPhotoFormat     tlv.Tag = 0x5F41
	TagPhotoData       tlv.Tag = 0x5F42
	TagInsurerTemplate tlv.Tag = 0x64
	TagOGRN            tlv.Tag = 0x5F51
	TagOKATO           tlv.Tag = 0x5F52
	TagInsuranceStart  tlv.Tag = 0x5F53
	TagInsuranceEnd    tlv.Tag = 0x5F54
	TagSignature       tlv.Tag = 0x7F60
	TagSignatureValue  tlv.Tag = 0x5F61
	TagCertificate     tlv.Tag = 0x5F62
)

// Sex is the sex byte of tag 5F25: 01 male, 02 female. Other values are kept as read
// and flagged by [Policy.Validate].
type Sex byte

// Sex values of oms-card-format.md §2.
const (
	SexUnknown Sex = 0
	Male       Sex = 1
	Female     Sex = 2
)

// String returns "male", "female", "" for absent, or "0x07" for anything else.
func (s Sex) String() string {
	switch s {
	case SexUnknown:
		return ""
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return fmt.Sprintf("0x%02X", byte(s))
}

// Citizenship is the constructed 7F30 object.
type Citizenship struct {
	Code string `json:"code"` // 5F31: "RUS" or "643" (which one cards use is not public)
	Name string `json:"name"` // 5F32
	// Unknown holds objects inside 7F30 this model does not know; they stay inside 7F30.
	Unknown []tlv.Object `json:"-"`
}

// Photo is the constructed 7F40 object.
type Photo struct {
	Format []byte // 5F41 as stored (its encoding is not public)
	Data   []byte // 5F42, JPEG or JPEG 2000
	// Unknown holds objects inside 7F40 this model does not know; they stay inside 7F40.
	Unknown []tlv.Object
}

// MediaType guesses the image type from the data's magic bytes.
func (p *Photo) MediaType() string {
	switch {
	case bytes.HasPrefix(p.Data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(p.Data, []byte{0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' '}),
		bytes.HasPrefix(p.Data, []byte{0xFF, 0x4F, 0xFF, 0x51}):
		return "image/jp2"
	case bytes.HasPrefix(p.Data, []byte("\x89PNG")):
		return "image/png"
	}
	return "application/octet-stream"
}

// Owner is the holder's record (template 62). Text fields are "" and dates zero when the
// card does not carry them.
type Owner struct {
	Surname     string
	FirstName   string
	Patronymic  string
	BirthDate   Date
	Sex         Sex
	ENP         string
	SNILS       string
	Expiry      Date
	BirthPlace  string
	IssueDate   Date
	Citizenship *Citizenship
	Photo       *Photo
	// Unknown holds the objects with tags this model does not know, in card order, so
	// that nothing the card holds is lost or silently dropped. Unknown objects inside
	// 7F30 and 7F40 are kept on Citizenship and Photo, so re-encoding puts them back
	// where they were.
	Unknown []tlv.Object
	// Problems lists what is odd about the record without making it unreadable.
	Problems []Problem
}

// Signature is the insurer's digital signature (7F60).
type Signature struct {
	Value       []byte // 5F61
	Certificate []byte // 5F62, DER X.509
	Unknown     []tlv.Object
}

// Insurer is one insurer (SMO) record (template 64).
type Insurer struct {
	OGRN      string
	OKATO     string
	Start     Date
	End       Date
	Signature *Signature
	Unknown   []tlv.Object
	Problems  []Problem
}

// Problem is a non-fatal finding while decoding: the data are usable, but a technician
// should know.
type Problem struct {
	Tag  tlv.Tag `json:"tag"`
	Code string  `json:"code"` // stable key: "unknown_tag", "invalid_utf8", "trailing_data", "padding"
	Note string  `json:"note"` // English detail
}

// Decoding errors. Each decoding error is a *DecodeError wrapping one of these or a
// tlv error, so callers can tell "not TLV" from "wrong file" from "bad field".
var (
	ErrWrongTemplate = errors.New("wrong template")
	ErrDuplicateTag  = errors.New("duplicate tag")
	ErrFieldSize     = errors.New("field has impossible size")
	ErrNotPrimitive  = errors.New("field must be primitive")
	ErrNotTemplate   = errors.New("field must be constructed")
	ErrEmptyFile     = errors.New("file holds no record")
)

// DecodeError says which record and which tag a decoding error is about.
type DecodeError struct {
	Record string  // "owner" or "insurer"
	Tag    tlv.Tag // 0 when the error is about the record as a whole
	Err    error
}

func (e *DecodeError) Error() string {
	if e.Tag == 0 {
		return fmt.Sprintf("decoding %s record: %v", e.Record, e.Err)
	}
	return fmt.Sprintf("decoding %s record: tag %s: %v", e.Record, e.Tag, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Policy is everything read from one card.
type Policy struct {
	Owner Owner
	// Insurer is the current insurer record, nil when the card names none.
	Insurer *Insurer
	// InsurerFileID is the EF named by GET DATA 01B0.
	InsurerFileID uint16
}

// maxText bounds the text fields: the longest real Russian full names are well under
// this; anything longer is a broken or hostile card.
const maxText = 1024

// templateOf decodes b as one record with the given template tag. Padding bytes (00/FF,
// ISO 7816-4 §5.2) after the record are allowed; anything else after it is reported.
func templateOf(record string, b []byte, want tlv.Tag) (tlv.Object, []Problem, error) {
	wrap := func(err error) error { return &DecodeError{Record: record, Err: err} }
	objs, err := tlv.Decoder{AllowPadding: true}.Decode(b)
	if err != nil {
		return tlv.Object{}, nil, wrap(err)
	}
	if len(objs) == 0 {
		return tlv.Object{}, nil, wrap(ErrEmptyFile)
	}
	if objs[0].Tag != want {
		return tlv.Object{}, nil, wrap(fmt.Errorf("%w: found %s, want %s", ErrWrongTemplate, objs[0].Tag, want))
	}
	var problems []Problem
	for _, o := range objs[1:] {
		problems = append(problems, Problem{Tag: o.Tag, Code: "trailing_data",
			Note: fmt.Sprintf("object %s after the %s template at offset %d", o.Tag, want, o.Offset)})
	}
	return objs[0], problems, nil
}

// fields walks the children of a template, rejecting duplicates of known tags and
// collecting unknown ones.
type fields struct {
	record   string
	seen     map[tlv.Tag]bool
	unknown  []tlv.Object
	problems []Problem
	err      error
}

func (f *fields) fail(tag tlv.Tag, err error) {
	if f.err == nil {
		f.err = &DecodeError{Record: f.record, Tag: tag, Err: err}
	}
}

// claim marks tag as seen and reports whether this is the first time; a second
// occurrence is an error, since two surnames on one card cannot both be believed.
func (f *fields) claim(o tlv.Object, constructed bool) bool {
	if f.seen[o.Tag] {
		f.fail(o.Tag, ErrDuplicateTag)
		return false
	}
	f.seen[o.Tag] = true
	if constructed && !o.Tag.Constructed() {
		f.fail(o.Tag, ErrNotTemplate)
		return false
	}
	if !constructed && o.Tag.Constructed() {
		f.fail(o.Tag, ErrNotPrimitive)
		return false
	}
	return true
}

func (f *fields) text(o tlv.Object) string {
	if !f.claim(o, false) {
		return ""
	}
	if len(o.Value) > maxText {
		f.fail(o.Tag, fmt.Errorf("%w: %d bytes of text", ErrFieldSize, len(o.Value)))
		return ""
	}
	if !utf8.Valid(o.Value) {
		f.problems = append(f.problems, Problem{Tag: o.Tag, Code: "invalid_utf8",
			Note: "text is not valid UTF-8; invalid bytes shown as U+FFFD"})
		return string(bytes.ToValidUTF8(o.Value, []byte("\uFFFD")))
	}
	return string(o.Value)
}

func (f *fields) date(o tlv.Object) Date {
	if !f.claim(o, false) {
		return Date{}
	}
	d, err := DecodeBCDDate(o.Value)
	if err != nil {
		f.fail(o.Tag, err)
	}
	return d
}

func (f *fields) keepUnknown(o tlv.Object) {
	f.unknown = append(f.unknown, o)
	f.problems = append(f.problems, Problem{Tag: o.Tag, Code: "unknown_tag",
		Note: fmt.Sprintf("unknown tag %s (%d bytes) kept as is", o.Tag, len(o.Value))})
}

// DecodeOwner decodes the bytes of EF 0201 (template 62).
func DecodeOwner(b []byte) (*Owner, error) {
	tpl, problems, err := templateOf("owner", b, TagOwnerTemplate)
	if err != nil {
		return nil, err
	}
	o := &Owner{}
	f := &fields{record: "owner", seen: map[tlv.Tag]bool{}, problems: problems}
	for _, c := range tpl.Children {
		switch c.Tag {
		case TagSurname:
			o.Surname = f.text(c)
		case TagFirstName:
			o.FirstName = f.text(c)
		case TagPatronymic:
			o.Patronymic = f.text(c)
		case TagBirthDate:
			o.BirthDate = f.date(c)
		case TagSex:
			if f.claim(c, false) {
				if len(c.Value) != 1 {
					f.fail(c.Tag, fmt.Errorf("%w: %d bytes, want 1", ErrFieldSize, len(c.Value)))
				} else {
					o.Sex = Sex(c.Value[0])
				}
			}
		case TagENP:
			o.ENP = f.text(c)
		case TagSNILS:
			o.SNILS = f.text(c)
		case TagExpiry:
			o.Expiry = f.date(c)
		case TagBirthPlace:
			o.BirthPlace = f.text(c)
		case TagIssueDate:
			o.IssueDate = f.date(c)
		case TagCitizenship:
			if f.claim(c, true) {
				o.Citizenship = decodeCitizenship(f, c)
			}
		case TagPhoto:
			if f.claim(c, true) {
				o.Photo = decodePhoto(f, c)
			}
		default:
			f.keepUnknown(c)
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	o.Unknown, o.Problems = f.unknown, f.problems
	return o, nil
}

func decodeCitizenship(parent *fields, c tlv.Object) *Citizenship {
	f := &fields{record: parent.record, seen: map[tlv.Tag]bool{}}
	cz := &Citizenship{}
	for _, x := range c.Children {
		switch x.Tag {
		case TagCountryCode:
			cz.Code = f.text(x)
		case TagCountryName:
			cz.Name = f.text(x)
		default:
			f.keepUnknown(x)
		}
	}
	cz.Unknown, f.unknown = f.unknown, nil // nested unknowns stay where they were found
	parent.merge(f)
	return cz
}

func decodePhoto(parent *fields, c tlv.Object) *Photo {
	f := &fields{record: parent.record, seen: map[tlv.Tag]bool{}}
	p := &Photo{}
	for _, x := range c.Children {
		switch x.Tag {
		case TagPhotoFormat:
			if f.claim(x, false) {
				p.Format = append([]byte(nil), x.Value...)
			}
		case TagPhotoData:
			if f.claim(x, false) {
				p.Data = append([]byte(nil), x.Value...)
			}
		default:
			f.keepUnknown(x)
		}
	}
	p.Unknown, f.unknown = f.unknown, nil
	parent.merge(f)
	return p
}

// merge takes a nested template's findings into its parent's.
func (f *fields) merge(child *fields) {
	if child.err != nil && f.err == nil {
		f.err = child.err
	}
	f.unknown = append(f.unknown, child.unknown...)
	f.problems = append(f.problems, child.problems...)
}

// DecodeInsurer decodes the bytes of an insurer EF (template 64).
func DecodeInsurer(b []byte) (*Insurer, error) {
	tpl, problems, err := templateOf("insurer", b, TagInsurerTemplate)
	if err != nil {
		return nil, err
	}
	in := &Insurer{}
	f := &fields{record: "insurer", seen: map[tlv.Tag]bool{}, problems: problems}
	for _, c := range tpl.Children {
		switch c.Tag {
		case TagOGRN:
			in.OGRN = f.text(c)
		case TagOKATO:
			in.OKATO = f.text(c)
		case TagInsuranceStart:
			in.Start = f.date(c)
		case TagInsuranceEnd:
			in.End = f.date(c)
		case TagSignature:
			if f.claim(c, true) {
				in.Signature = decodeSignature(f, c)
			}
		default:
			f.keepUnknown(c)
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	in.Unknown, in.Problems = f.unknown, f.problems
	return in, nil
}

func decodeSignature(parent *fields, c tlv.Object) *Signature {
	f := &fields{record: parent.record, seen: map[tlv.Tag]bool{}}
	s := &Signature{}
	for _, x := range c.Children {
		switch x.Tag {
		case TagSignatureValue:
			if f.claim(x, false) {
				s.Value = append([]byte(nil), x.Value...)
			}
		case TagCertificate:
			if f.claim(x, false) {
				s.Certificate = append([]byte(nil), x.Value...)
			}
		default:
			f.keepUnknown(x)
		}
	}
	s.Unknown, f.unknown = f.unknown, nil
	parent.merge(f)
	return s
}

// Encode writes the owner record as template 62, fields in the order observed on real
// cards (oms-card-format.md §2), unknown objects last, absent fields omitted.
func (o *Owner) Encode() []byte {
	var kids []tlv.Object
	text := func(t tlv.Tag, s string) {
		if s != "" {
			kids = append(kids, tlv.Primitive(t, []byte(s)))
		}
	}
	date := func(t tlv.Tag, d Date) {
		if !d.IsZero() {
			kids = append(kids, tlv.Primitive(t, d.BCD()))
		}
	}
	text(TagENP, o.ENP)
	text(TagSurname, o.Surname)
	text(TagFirstName, o.FirstName)
	text(TagPatronymic, o.Patronymic)
	if o.Sex != SexUnknown {
		kids = append(kids, tlv.Primitive(TagSex, []byte{byte(o.Sex)}))
	}
	date(TagBirthDate, o.BirthDate)
	if c := o.Citizenship; c != nil {
		var cz []tlv.Object
		if c.Code != "" {
			cz = append(cz, tlv.Primitive(TagCountryCode, []byte(c.Code)))
		}
		if c.Name != "" {
			cz = append(cz, tlv.Primitive(TagCountryName, []byte(c.Name)))
		}
		cz = append(cz, c.Unknown...)
		kids = append(kids, tlv.Constructed(TagCitizenship, cz...))
	}
	text(TagSNILS, o.SNILS)
	date(TagExpiry, o.Expiry)
	text(TagBirthPlace, o.BirthPlace)
	date(TagIssueDate, o.IssueDate)
	if p := o.Photo; p != nil {
		var ph []tlv.Object
		if p.Format != nil {
			ph = append(ph, tlv.Primitive(TagPhotoFormat, p.Format))
		}
		if p.Data != nil {
			ph = append(ph, tlv.Primitive(TagPhotoData, p.Data))
		}
		ph = append(ph, p.Unknown...)
		kids = append(kids, tlv.Constructed(TagPhoto, ph...))
	}
	kids = append(kids, o.Unknown...)
	return tlv.Constructed(TagOwnerTemplate, kids...).Encode()
}

// Encode writes the insurer record as template 64, signature last.
func (in *Insurer) Encode() []byte {
	return tlv.Constructed(TagInsurerTemplate, in.objects(true)...).Encode()
}

// EncodeUnsigned writes the insurer record without its 7F60 signature object: the bytes
// an insurer signs (oms-card-format.md §3).
func (in *Insurer) EncodeUnsigned() []byte {
	return tlv.Constructed(TagInsurerTemplate, in.objects(false)...).Encode()
}

func (in *Insurer) objects(withSignature bool) []tlv.Object {
	var kids []tlv.Object
	if in.OGRN != "" {
		kids = append(kids, tlv.Primitive(TagOGRN, []byte(in.OGRN)))
	}
	if in.OKATO != "" {
		kids = append(kids, tlv.Primitive(TagOKATO, []byte(in.OKATO)))
	}
	if !in.Start.IsZero() {
		kids = append(kids, tlv.Primitive(TagInsuranceStart, in.Start.BCD()))
	}
	if !in.End.IsZero() {
		kids = append(kids, tlv.Primitive(TagInsuranceEnd, in.End.BCD()))
	}
	kids = append(kids, in.Unknown...)
	if s := in.Signature; withSignature && s != nil {
		var sig []tlv.Object
		if s.Value != nil {
			sig = append(sig, tlv.Primitive(TagSignatureValue, s.Value))
		}
		if s.Certificate != nil {
			sig = append(sig, tlv.Primitive(TagCertificate, s.Certificate))
		}
		sig = append(sig, s.Unknown...)
		kids = append(kids, tlv.Constructed(TagSignature, sig...))
	}
	return kids
}
