package policy

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"omsdesk/cardio/tlv"
)

// referenceOwner is the synthetic owner file of oms-card-format.md §6, byte for byte.
const referenceOwner = "627D" +
	"5F2610" + "35303031323334353637383930313237" +
	"5F210C" + "D098D092D090D09DD09ED092" +
	"5F2208" + "D098D092D090D09D" +
	"5F2310" + "D098D092D090D09DD09ED092D098D0A7" +
	"5F250101" +
	"5F240415031985" +
	"7F3015" + "5F3103525553" + "5F320CD0A0D09ED0A1D0A1D098D0AF" +
	"5F2910" + "D0932E20D09CD09ED0A1D09AD092D090" +
	"5F2A0401092015"

const referenceInsurer = "641F" +
	"5F510D" + "31303237373030303030303038" +
	"5F5205" + "3435303030" +
	"5F530401092015"

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeReferenceOwner(t *testing.T) {
	b := mustHex(t, referenceOwner)
	if len(b) != 127 {
		t.Fatalf("reference owner file is %d bytes, the format note says 127", len(b))
	}
	o, err := DecodeOwner(b)
	if err != nil {
		t.Fatal(err)
	}
	want := Owner{Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
		BirthDate: MakeDate(1985, 3, 15), Sex: Male, ENP: "5001234567890127",
		BirthPlace: "Г. МОСКВА", IssueDate: MakeDate(2015, 9, 1)}
	if o.Surname != want.Surname || o.FirstName != want.FirstName || o.Patronymic != want.Patronymic ||
		o.BirthDate != want.BirthDate || o.Sex != want.Sex || o.ENP != want.ENP ||
		o.BirthPlace != want.BirthPlace || o.IssueDate != want.IssueDate {
		t.Fatalf("decoded %+v", o)
	}
	if o.Citizenship == nil || o.Citizenship.Code != "RUS" || o.Citizenship.Name != "РОССИЯ" {
		t.Fatalf("citizenship %+v", o.Citizenship)
	}
	if o.SNILS != "" || !o.Expiry.IsZero() || o.Photo != nil || len(o.Unknown) != 0 || len(o.Problems) != 0 {
		t.Fatalf("absent fields not absent: %+v", o)
	}
	in, err := DecodeInsurer(mustHex(t, referenceInsurer))
	if err != nil {
		t.Fatal(err)
	}
	if in.OGRN != "1027700000008" || in.OKATO != "45000" || in.Start != MakeDate(2015, 9, 1) || !in.End.IsZero() || in.Signature != nil {
		t.Fatalf("insurer %+v", in)
	}
	p := &Policy{Owner: *o, Insurer: in}
	if errs := p.Validate(MakeDate(2026, 11, 25)); len(errs) != 0 {
		t.Fatalf("reference policy does not validate: %v", errs)
	}
	if s := p.Status(MakeDate(2026, 11, 25)); s != StatusValid {
		t.Fatalf("status %s", s)
	}
}

// TestDecodeIndependentOfOrder re-encodes the reference record with its fields in reverse
// order and with long-form lengths; the decoded owner must not change.
func TestDecodeIndependentOfOrder(t *testing.T) {
	objs, err := tlv.Decode(mustHex(t, referenceOwner))
	if err != nil {
		t.Fatal(err)
	}
	kids := objs[0].Children
	rev := make([]tlv.Object, len(kids))
	for i, k := range kids {
		rev[len(kids)-1-i] = k
	}
	reordered := tlv.Constructed(TagOwnerTemplate, rev...).Encode()
	a, err := DecodeOwner(mustHex(t, referenceOwner))
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeOwner(reordered)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Encode(), b.Encode()) {
		t.Fatal("field order changed the decoded record")
	}
	// Long-form lengths (81 xx, 82 xx xx) for every field, as some cards write them.
	var long []byte
	long = append(long, 0x62, 0x82, 0, 0)
	for _, k := range kids {
		v := k.Encode()[k.HeaderLen:]
		long = append(long, k.Tag.Bytes()...)
		long = append(long, 0x82, byte(len(v)>>8), byte(len(v)))
		long = append(long, v...)
	}
	n := len(long) - 4
	long[2], long[3] = byte(n>>8), byte(n)
	c, err := DecodeOwner(long)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Encode(), c.Encode()) {
		t.Fatal("long-form lengths changed the decoded record")
	}
}

func TestEncodeReproducesReference(t *testing.T) {
	o, err := DecodeOwner(mustHex(t, referenceOwner))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(o.Encode()); !strings.EqualFold(got, referenceOwner) {
		t.Fatalf("Encode() = %s\nwant        %s", got, referenceOwner)
	}
	in, _ := DecodeInsurer(mustHex(t, referenceInsurer))
	if got := hex.EncodeToString(in.Encode()); !strings.EqualFold(got, referenceInsurer) {
		t.Fatalf("insurer Encode() = %s", got)
	}
}

func TestPhotoAndSignature(t *testing.T) {
	photo := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 10240)...)
	o := Owner{Surname: "ПЕТРОВА", FirstName: "АННА", ENP: "7800000000012341", Sex: Female,
		BirthDate: MakeDate(2001, 2, 28), Photo: &Photo{Format: []byte{1}, Data: photo}}
	back, err := DecodeOwner(o.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if back.Photo == nil || !bytes.Equal(back.Photo.Data, photo) || back.Photo.MediaType() != "image/jpeg" {
		t.Fatal("photo did not survive a round trip")
	}
	in := Insurer{OGRN: "1027739008440", OKATO: "40000", Start: MakeDate(2020, 1, 1), End: MakeDate(2023, 6, 30),
		Signature: &Signature{Value: bytes.Repeat([]byte{7}, 64), Certificate: bytes.Repeat([]byte{0x30}, 600)}}
	got, err := DecodeInsurer(in.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.Signature == nil || !bytes.Equal(got.Signature.Value, in.Signature.Value) || !bytes.Equal(got.Signature.Certificate, in.Signature.Certificate) {
		t.Fatal("signature did not survive a round trip")
	}
	if bytes.Contains(in.EncodeUnsigned(), []byte{0x7F, 0x60}) {
		t.Fatal("EncodeUnsigned kept the signature")
	}
	if p := (&Policy{Owner: o, Insurer: got}); p.Status(MakeDate(2024, 1, 1)) != StatusInsurerClosed {
		t.Fatalf("closed insurer record: status %s", p.Status(MakeDate(2024, 1, 1)))
	}
}

func TestUnknownTagsKeptAndReported(t *testing.T) {
	objs, _ := tlv.Decode(mustHex(t, referenceOwner))
	kids := append(objs[0].Children,
		tlv.Primitive(0x5F2B, []byte{1, 2, 3}),
		tlv.Constructed(0x7F70, tlv.Primitive(0x80, []byte("x"))),
		tlv.Primitive(0x9F8101, nil))
	o, err := DecodeOwner(tlv.Constructed(TagOwnerTemplate, kids...).Encode())
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Unknown) != 3 || o.Unknown[0].Tag != 0x5F2B || o.Unknown[2].Tag != 0x9F8101 {
		t.Fatalf("unknown = %+v", o.Unknown)
	}
	n := 0
	for _, p := range o.Problems {
		if p.Code == "unknown_tag" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("problems = %+v", o.Problems)
	}
	// And they survive re-encoding.
	again, err := DecodeOwner(o.Encode())
	if err != nil || len(again.Unknown) != 3 {
		t.Fatalf("re-encoded unknown tags: %v %+v", err, again)
	}
}

func TestDecodeErrors(t *testing.T) {
	ref := mustHex(t, referenceOwner)
	dup := tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagSurname, []byte("А")), tlv.Primitive(TagSurname, []byte("Б"))).Encode()
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrEmptyFile},
		{"only padding", []byte{0xFF, 0xFF}, ErrEmptyFile},
		{"insurer template in owner file", mustHex(t, referenceInsurer), ErrWrongTemplate},
		{"truncated", ref[:100], tlv.ErrTruncated},
		{"impossible length", []byte{0x62, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x5F}, tlv.ErrLengthTooLarge},
		{"duplicate surname", dup, ErrDuplicateTag},
		{"sex of two bytes", tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagSex, []byte{1, 2})).Encode(), ErrFieldSize},
		{"date of three bytes", tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagBirthDate, []byte{1, 2, 3})).Encode(), ErrBadDate},
		{"date not BCD", tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagBirthDate, []byte{0x1A, 2, 0x19, 0x85})).Encode(), ErrBadDate},
		{"constructed surname", tlv.Constructed(TagOwnerTemplate, tlv.Constructed(0x7F21)).Encode(), nil}, // unknown constructed tag: kept
		{"primitive citizenship tag", append([]byte{0x62, 0x03}, 0x5F, 0x30, 0x00), nil},                  // 5F30 is unknown: kept
		{"huge text", tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagSurname, bytes.Repeat([]byte("Я"), 600))).Encode(), ErrFieldSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeOwner(tt.in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Record != "owner" {
				t.Fatalf("err %v is not a *DecodeError for the owner record", err)
			}
		})
	}
}

func TestPaddingAndTrailingData(t *testing.T) {
	ref := mustHex(t, referenceOwner)
	padded := append(append([]byte(nil), ref...), 0xFF, 0xFF, 0x00, 0x00)
	o, err := DecodeOwner(padded)
	if err != nil || len(o.Problems) != 0 {
		t.Fatalf("padded file: %v %+v", err, o)
	}
	trailing := append(append([]byte(nil), ref...), 0x5F, 0x21, 0x01, 'X')
	o, err = DecodeOwner(trailing)
	if err != nil || len(o.Problems) != 1 || o.Problems[0].Code != "trailing_data" {
		t.Fatalf("trailing object: %v %+v", err, o)
	}
}

func TestInvalidUTF8IsAProblemNotAFailure(t *testing.T) {
	o, err := DecodeOwner(tlv.Constructed(TagOwnerTemplate, tlv.Primitive(TagSurname, []byte{0xC8, 0xE2, 0xE0})).Encode()) // CP1251 "Ива"
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Problems) != 1 || o.Problems[0].Code != "invalid_utf8" || !strings.Contains(o.Surname, "\uFFFD") {
		t.Fatalf("got %+v", o)
	}
}

func TestValidateFindings(t *testing.T) {
	today := MakeDate(2026, 11, 25)
	base := func() *Policy {
		return &Policy{Owner: Owner{Surname: "ИВАНОВ", FirstName: "ИВАН", ENP: "5001234567890127", Sex: Male,
			BirthDate: MakeDate(1985, 3, 15), IssueDate: MakeDate(2015, 9, 1)},
			Insurer: &Insurer{OGRN: "1027700000008", OKATO: "45000", Start: MakeDate(2015, 9, 1)}}
	}
	tests := []struct {
		name   string
		change func(*Policy)
		field  string
		code   string
		status Status
	}{
		{"bad ENP check", func(p *Policy) { p.Owner.ENP = "5001234567890128" }, "enp", "enp.check_digit", StatusValid},
		{"missing ENP", func(p *Policy) { p.Owner.ENP = "" }, "enp", "field.required", StatusValid},
		{"sex 03", func(p *Policy) { p.Owner.Sex = 3 }, "sex", "sex.invalid", StatusValid},
		{"birth in future", func(p *Policy) {
			p.Owner.BirthDate = MakeDate(2030, 1, 1)
			p.Owner.IssueDate = Date{}
			p.Insurer.Start = MakeDate(2030, 2, 1)
		}, "birth_date", "date.future", StatusNotStarted},
		{"31 February", func(p *Policy) { p.Owner.BirthDate = MakeDate(1985, 2, 31) }, "birth_date", "date.invalid", StatusValid},
		{"issued before birth", func(p *Policy) { p.Owner.IssueDate = MakeDate(1980, 1, 1) }, "issue_date", "date.before", StatusValid},
		{"expired", func(p *Policy) { p.Owner.Expiry = MakeDate(2020, 1, 1) }, "", "", StatusExpired},
		{"insurer ended before it started", func(p *Policy) { p.Insurer.End = MakeDate(2010, 1, 1) }, "insurance_end", "date.before", StatusInsurerClosed},
		{"not started", func(p *Policy) { p.Insurer.Start = MakeDate(2027, 1, 1) }, "", "", StatusNotStarted},
		{"no insurer", func(p *Policy) { p.Insurer = nil }, "", "", StatusNoInsurer},
		{"bad OGRN", func(p *Policy) { p.Insurer.OGRN = "1027700000009" }, "ogrn", "ogrn.check_digit", StatusValid},
		{"unlimited expiry 01.01.1900", func(p *Policy) { p.Owner.Expiry = MakeDate(1900, 1, 1) }, "", "", StatusValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.change(p)
			errs := p.Validate(today)
			if tt.code == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected findings %v", errs)
				}
			} else if len(errs) != 1 || errs[0].Field != tt.field || errs[0].Code != tt.code {
				t.Fatalf("findings %v, want one %s/%s", errs, tt.field, tt.code)
			}
			if s := p.Status(today); s != tt.status {
				t.Fatalf("status %s, want %s", s, tt.status)
			}
		})
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	o, _ := DecodeOwner(mustHex(t, referenceOwner))
	in, _ := DecodeInsurer(mustHex(t, referenceInsurer))
	o.Unknown = []tlv.Object{tlv.Primitive(0x5F2B, []byte{9})}
	o.Photo = &Photo{Format: []byte{1}, Data: []byte{0xFF, 0xD8, 0xFF, 1, 2}}
	in.Signature = &Signature{Value: []byte{1, 2}, Certificate: []byte{3}}
	p := &Policy{Owner: *o, Insurer: in, InsurerFileID: 0x0202}
	back, err := p.Document().Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Owner.Encode(), p.Owner.Encode()) || !bytes.Equal(back.Insurer.Encode(), p.Insurer.Encode()) || back.InsurerFileID != 0x0202 {
		t.Fatal("Document() -> Policy() lost data")
	}
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		bcd  string
		want Date
		ok   bool
	}{
		{"15031985", MakeDate(1985, 3, 15), true},
		{"00000000", Date{}, true},
		{"01011900", MakeDate(1900, 1, 1), true},
		{"3102" + "2015", MakeDate(2015, 2, 31), true}, // decodes; Valid() says no
		{"1A031985", Date{}, false},
		{"150319", Date{}, false},
	} {
		d, err := DecodeBCDDate(mustHex(t, tt.bcd))
		if (err == nil) != tt.ok || (tt.ok && d != tt.want) {
			t.Errorf("DecodeBCDDate(%s) = %v, %v", tt.bcd, d, err)
		}
		if tt.ok && !strings.EqualFold(hex.EncodeToString(d.BCD()), tt.bcd) {
			t.Errorf("BCD round trip of %s gives %X", tt.bcd, d.BCD())
		}
	}
	if MakeDate(2015, 2, 31).Valid() || !MakeDate(2024, 2, 29).Valid() || MakeDate(2023, 2, 29).Valid() {
		t.Fatal("Valid() is wrong about February")
	}
	for s, want := range map[string]Date{"1985-03-15": MakeDate(1985, 3, 15), "15.03.1985": MakeDate(1985, 3, 15), "": {}} {
		if d, err := ParseDate(s); err != nil || d != want {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"1985-02-30", "15/03/1985", "x.y.z", "-1.03.1985"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrBadDate) {
			t.Errorf("ParseDate(%q) = %v, want ErrBadDate", s, err)
		}
	}
}

func FuzzDecodeOwner(f *testing.F) {
	f.Add(mustHex(f, referenceOwner))
	f.Add(mustHex(f, referenceInsurer))
	f.Add([]byte{0x62, 0x84, 0x7F, 0xFF, 0xFF, 0xFF})
	f.Add(append([]byte{0x62, 0x82, 0x01, 0x04, 0x7F, 0x40, 0x81, 0xFF, 0x5F, 0x42, 0x81, 0xFB}, bytes.Repeat([]byte{0xAA}, 251)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := DecodeOwner(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			return
		}
		// A decoded record re-encodes to something that decodes to the same record.
		again, err := DecodeOwner(o.Encode())
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !bytes.Equal(again.Encode(), o.Encode()) {
			t.Fatal("encode/decode is not stable")
		}
		_ = (&Policy{Owner: *o}).Validate(MakeDate(2026, 1, 1))
	})
}

func FuzzDecodeInsurer(f *testing.F) {
	f.Add(mustHex(f, referenceInsurer))
	f.Add(mustHex(f, referenceOwner))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := DecodeInsurer(b)
		if err != nil {
			return
		}
		again, err := DecodeInsurer(in.Encode())
		if err != nil || !bytes.Equal(again.Encode(), in.Encode()) {
			t.Fatalf("insurer record not stable through encode/decode: %v", err)
		}
	})
}

// TestCheckCatalogues keeps the English templates of Validate's own codes and the
// translation catalogues equal, and every code translated into Russian.
func TestCheckCatalogues(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		data, err := os.ReadFile("../../assets/i18n/policy." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(data, &cat); err != nil {
			t.Fatal(err)
		}
		for code, en := range checkMessagesEN {
			got, ok := cat["validate."+code]
			if !ok {
				t.Errorf("policy.%s.json lacks validate.%s", lang, code)
			}
			if lang == "en" && got != en {
				t.Errorf("validate.%s: catalogue %q, code %q", code, got, en)
			}
		}
	}
}

// BenchmarkDecodeOwnerRecord decodes the reference owner file into the model (TLV,
// field mapping, BCD dates, UTF-8 checks).
func BenchmarkDecodeOwnerRecord(b *testing.B) {
	in := mustHex(b, referenceOwner)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeOwner(in); err != nil {
			b.Fatal(err)
		}
	}
}
