package verify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify/verifytest"
)

var today = policy.MakeDate(2026, 11, 25)

type signer = verifytest.Signer

func newSigner(t testing.TB, name string) signer { return verifytest.NewSigner(t, name) }

// dumpOf lays a layout out as a dump, whatever its bytes (broken ones too).
func dumpOf(l vcard.Layout) *dump.Dump { return dump.FromLayout(l, "test") }

func goodPolicy(t testing.TB, s signer) *policy.Policy {
	p := vcard.SamplePolicy(2000)
	p.Owner.SNILS = "112-233-445 95"
	s.Sign(t, p.Insurer)
	return p
}

func TestGoodCardPasses(t *testing.T) {
	s := newSigner(t, "Тестовый страховщик")
	r := Dump(dumpOf(vcard.FromPolicy(goodPolicy(t, s))), Options{Today: today})
	if r.Verdict != Pass {
		t.Fatalf("failed: %v\n%+v", r.Failed(), r.Checks)
	}
	for _, id := range []string{"atr", "tlv.owner", "tags.owner", "tlv.insurer", "tags.insurer", "fields.required", "enp", "snils",
		"sex", "ogrn", "okato", "dates", "insurer.pointer", "photo", "signature", "certificate"} {
		if c, ok := r.Find(id); !ok || c.Status != Pass {
			t.Errorf("%s: %+v", id, c)
		}
	}
	if c, _ := r.Find("certificate.chain"); c.Status != NA || c.Code != "chain_no_store" {
		t.Errorf("chain without a trust store: %+v", c)
	}
	if r.Signature == nil || r.Signature.SignedBytes != "card bytes without 7F60" || r.Signature.Layout != "DER ECDSA-Sig-Value" {
		t.Errorf("signature info %+v", r.Signature)
	}
	if r.Certificate == nil || !strings.Contains(r.Certificate.Subject, "Тестовый страховщик") || r.Certificate.KeyAlgorithm != "ECDSA P-256" {
		t.Errorf("certificate info %+v", r.Certificate)
	}
	// The report repeats none of the holder's data.
	for _, c := range r.Checks {
		for _, secret := range []string{"5001234567890127", "ИВАНОВ", "112-233-445"} {
			if strings.Contains(c.Reason, secret) {
				t.Errorf("check %s shows %q", c.ID, secret)
			}
		}
	}
	trust, err := NewTrustStore(s.Cert)
	if err != nil {
		t.Fatal(err)
	}
	r = Dump(dumpOf(vcard.FromPolicy(goodPolicy(t, s))), Options{Today: today, Trust: trust})
	if c, _ := r.Find("certificate.chain"); c.Status != Pass {
		t.Errorf("chain with the signer trusted: %+v", c)
	}
}

// TestEveryCheckFailsOnItsDefect builds, for each check, a card broken in exactly the
// way that check exists to catch, and requires that check to fail.
func TestEveryCheckFailsOnItsDefect(t *testing.T) {
	s := newSigner(t, "Тестовый страховщик")
	other := newSigner(t, "Чужой удостоверяющий центр")
	otherStore, _ := NewTrustStore(other.Cert)
	layoutWith := func(change func(p *policy.Policy)) vcard.Layout {
		p := goodPolicy(t, s)
		change(p)
		return vcard.FromPolicy(p)
	}
	resigned := func(change func(p *policy.Policy)) vcard.Layout {
		p := goodPolicy(t, s)
		change(p)
		s.Sign(t, p.Insurer)
		return vcard.FromPolicy(p)
	}
	tests := []struct {
		check string
		l     vcard.Layout
		opts  Options
	}{
		{"atr", func() vcard.Layout {
			l := layoutWith(func(*policy.Policy) {})
			l.ATR = append(append([]byte(nil), vcard.DefaultATR[:len(vcard.DefaultATR)-1]...), 0x00)
			return l
		}(), Options{}},
		{"tlv.owner", func() vcard.Layout {
			l := layoutWith(func(*policy.Policy) {})
			l.Owner = append(l.Owner, 0x5F, 0x21, 0x01, 'X')
			return l
		}(), Options{}},
		{"tags.owner", func() vcard.Layout {
			l := layoutWith(func(*policy.Policy) {})
			l.Owner = l.Owner[:len(l.Owner)-3]
			return l
		}(), Options{}},
		{"tags.owner", layoutWith(func(p *policy.Policy) { p.Owner.Unknown = []tlv.Object{tlv.Primitive(0x5F2B, []byte{1})} }), Options{}},
		{"tags.insurer", resigned(func(p *policy.Policy) { p.Insurer.Unknown = []tlv.Object{tlv.Primitive(0x5F55, []byte{1})} }), Options{}},
		{"tlv.insurer", func() vcard.Layout {
			l := layoutWith(func(*policy.Policy) {})
			l.Insurers[0].Data = append(l.Insurers[0].Data, 0x64, 0x00)
			return l
		}(), Options{}},
		{"fields.required", layoutWith(func(p *policy.Policy) { p.Owner.FirstName = "" }), Options{}},
		{"enp", layoutWith(func(p *policy.Policy) { p.Owner.ENP = "5001234567890128" }), Options{}},
		{"snils", layoutWith(func(p *policy.Policy) { p.Owner.SNILS = "112-233-445 96" }), Options{}},
		{"sex", layoutWith(func(p *policy.Policy) { p.Owner.Sex = 3 }), Options{}},
		{"ogrn", resigned(func(p *policy.Policy) { p.Insurer.OGRN = "1027700000009" }), Options{}},
		{"okato", resigned(func(p *policy.Policy) { p.Insurer.OKATO = "abc" }), Options{}},
		{"dates", layoutWith(func(p *policy.Policy) { p.Owner.IssueDate = policy.MakeDate(1980, 1, 1) }), Options{}},
		{"insurer.pointer", func() vcard.Layout {
			l := layoutWith(func(*policy.Policy) {})
			l.Current = 0x0999
			return l
		}(), Options{}},
		{"photo", layoutWith(func(p *policy.Policy) { p.Owner.Photo.Data = p.Owner.Photo.Data[:600] }), Options{}},
		{"signature", layoutWith(func(p *policy.Policy) { p.Insurer.OGRN = "1027739008440" }), Options{}}, // valid OGRN, not the signed one
		{"signature", layoutWith(func(p *policy.Policy) { p.Insurer.Signature.Value[10] ^= 1 }), Options{}},
		{"signature", layoutWith(func(p *policy.Policy) { p.Insurer.Signature.Certificate = other.Cert }), Options{}},
		{"signature", layoutWith(func(p *policy.Policy) { p.Insurer.Signature.Certificate = nil }), Options{}},
		{"certificate", layoutWith(func(*policy.Policy) {}), Options{Today: policy.MakeDate(2031, 1, 1)}},
		{"certificate.chain", layoutWith(func(*policy.Policy) {}), Options{Trust: otherStore}},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			opts := tt.opts
			if opts.Today.IsZero() {
				opts.Today = today
			}
			r := Dump(dumpOf(tt.l), opts)
			c, ok := r.Find(tt.check)
			if !ok || c.Status != Fail {
				t.Fatalf("check %s = %+v; failed: %v", tt.check, c, r.Failed())
			}
			if r.Verdict != Fail || c.Reason == "" || c.Code == "" {
				t.Fatalf("verdict %s, reason %q", r.Verdict, c.Reason)
			}
		})
	}
}

func TestSignedRangesAndLayouts(t *testing.T) {
	s := newSigner(t, "Тест")
	in := vcard.SamplePolicy(0).Insurer
	in.Signature = nil
	fields := in.EncodeUnsigned()[2:] // without the 64 header
	digest := sha256.Sum256(fields)
	r, ss, err := ecdsa.Sign(rand.Reader, s.Key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	raw := append(r.FillBytes(make([]byte, 32)), ss.FillBytes(make([]byte, 32))...)
	in.Signature = &policy.Signature{Value: raw, Certificate: s.Cert}
	p := vcard.SamplePolicy(0)
	p.Insurer = in
	rep := Dump(dumpOf(vcard.FromPolicy(p)), Options{Today: today})
	if rep.Signature == nil || rep.Signature.SignedBytes != "fields without the 64 header, without 7F60" ||
		!strings.HasPrefix(rep.Signature.Layout, "r||s") {
		t.Fatalf("signature info %+v, checks %v", rep.Signature, rep.Failed())
	}
}

func TestReasonCatalogue(t *testing.T) {
	for code := range reasonsEN {
		if english(code, nil) == "" {
			t.Errorf("empty reason %s", code)
		}
	}
	if !bytes.Contains([]byte(english("tlv_ok", map[string]string{"template": "62", "size": "127"})), []byte("127 bytes")) {
		t.Fatal("placeholders not filled")
	}
}

// TestCataloguesMatch keeps assets/i18n/verify.*.json in step with the reason codes and
// check IDs this package produces.
func TestCataloguesMatch(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		data, err := os.ReadFile("../../assets/i18n/verify." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(data, &cat); err != nil {
			t.Fatal(err)
		}
		for code, en := range reasonsEN {
			got, ok := cat["verify.reason."+code]
			if !ok || lang == "en" && got != en {
				t.Errorf("%s: verify.reason.%s = %q, want %q", lang, code, got, en)
			}
		}
		s := newSigner(t, "x")
		r := Dump(dumpOf(vcard.FromPolicy(goodPolicy(t, s))), Options{Today: today})
		for _, c := range r.Checks {
			if _, ok := cat["verify.check."+c.ID]; !ok {
				t.Errorf("%s: no title for check %s", lang, c.ID)
			}
		}
	}
}

// BenchmarkVerifyCard is a full integrity check of a card with a 10 KB photo and an
// ECDSA-signed insurer record; BenchmarkDecodeOnly decodes the same dump's records, the
// same-run baseline.
func BenchmarkVerifyCard(b *testing.B) {
	d := benchDump(b)
	b.ReportAllocs()
	for b.Loop() {
		if r := Dump(d, Options{Today: today}); r.Verdict != Pass {
			b.Fatal(r.Failed())
		}
	}
}

func BenchmarkDecodeOnly(b *testing.B) {
	d := benchDump(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Policy(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchDump(b *testing.B) *dump.Dump {
	s := newSigner(b, "Тест")
	p := vcard.SamplePolicy(10240)
	s.Sign(b, p.Insurer)
	return dumpOf(vcard.FromPolicy(p))
}

// FuzzVerifyDump feeds arbitrary record bytes, pointers, ATRs, a second insurer record
// (the history), life cycle bytes and serials to the integrity check, with a registry
// and a QR code to compare against: it must always produce a report (never panic), and
// a report that fails must say why.
func FuzzVerifyDump(f *testing.F) {
	s := newSigner(f, "fuzz")
	good := vcard.FromPolicy(goodPolicy(f, s))
	f.Add(good.Owner, good.Insurers[0].Data, uint16(0x0202), vcard.DefaultATR, []byte(nil), "", "")
	f.Add([]byte{0x62, 0x84, 0x7F, 0xFF, 0xFF, 0xFF}, []byte{0x64, 0x00}, uint16(0x0999), []byte{0x3B}, []byte(nil), "", "")
	f.Add([]byte{}, []byte{0x7F, 0x60, 0x03, 0x5F, 0x61, 0x00}, uint16(0), []byte{0x3F, 0xFF}, []byte(nil), "", "")
	h := newHistory(f, s, 2).layout()
	p := goodPolicy(f, s)
	f.Add(h.Owner, h.Insurers[0].Data, uint16(0x0203), vcard.DefaultATR, h.Insurers[1].Data, "05", testSerial)
	f.Add(h.Owner, h.Insurers[0].Data, uint16(0x0202), vcard.DefaultATR, h.Insurers[1].Data, "01", testSerial)
	f.Add(h.Owner, h.Insurers[1].Data, uint16(0x0203), vcard.DefaultATR, h.Insurers[0].Data, "0C", "")
	f.Add(h.Owner, h.Insurers[0].Data, uint16(0x0203), vcard.DefaultATR, make([]byte, 64), "ZZ", "1234")
	f.Fuzz(func(t *testing.T, owner, insurer []byte, current uint16, atrBytes, second []byte, lifecycle, serial string) {
		l := vcard.Layout{ATR: atrBytes, Owner: owner, Insurers: []vcard.InsurerEF{{FID: 0x0202, Data: insurer}}, Current: current}
		if len(second) > 0 {
			l.Insurers = append(l.Insurers, vcard.InsurerEF{FID: 0x0203, Data: second})
		}
		d := dumpOf(l)
		d.Lifecycle, d.Serial = lifecycle, serial
		g := registryOf(p)
		g.cards[serial] = RegistryCard{Serial: serial, Status: CardActive, ENP: p.Owner.ENP}
		q := &QRClaims{ENP: p.Owner.ENP, CardSerial: serial, SignatureVerdict: QRSignatureValid}
		r := Dump(d, Options{Today: today, Registry: g, QR: q})
		if r == nil || len(r.Checks) == 0 {
			t.Fatal("no report")
		}
		for _, c := range r.Checks {
			if c.Status == Fail && (c.Code == "" || c.Reason == "") {
				t.Fatalf("check %s failed without a reason", c.ID)
			}
		}
		for _, id := range []string{"card.lifecycle", "insurer.history", "registry", "qr"} {
			if _, ok := r.Find(id); !ok {
				t.Fatalf("no %s check", id)
			}
		}
	})
}
