package qr_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/policy"
	"omsdesk/layout/qr"
)

func TestRoundTrip(t *testing.T) {
	o := defaultOffice(t)
	trust := qr.NewTrust(o.cert)
	payloads := map[string]qr.Payload{"sample": samplePayload(), "max": maxPayload()}
	utf := samplePayload()
	utf.Surname, utf.FirstName, utf.Patronymic = "Іваненко", "Ольга", "" // outside the packed alphabet
	payloads["utf8"] = utf
	short := samplePayload()
	short.Surname, short.FirstName, short.Patronymic, short.OKATO = "Ю", "", "", "45"
	payloads["short"] = short
	for name, p := range payloads {
		t.Run(name, func(t *testing.T) {
			text := sign(t, p, o)
			if !strings.HasPrefix(text, qr.Prefix) {
				t.Errorf("text %q lacks the prefix", text)
			}
			for i, c := range []byte(text) {
				if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", rune(c)) {
					t.Fatalf("character %q at %d is outside QR alphanumeric mode", c, i)
				}
			}
			got, err := qr.Parse(text)
			if err != nil || got != p {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, p)
			}
			res := qr.Verify(text, trust)
			if res.Verdict != qr.Valid || res.Reason != qr.ReasonOK || res.Payload == nil || *res.Payload != p {
				t.Fatalf("Verify = %+v", res)
			}
			if res.Signer != o.cert || res.KeyID != qr.KeyIDOf(o.cert).String() {
				t.Errorf("signer %v key %s", res.Signer.Subject, res.KeyID)
			}
		})
	}
}

// The text must never end in a space (phone scanner apps trim it); with random
// signatures a rule that only holds by luck would fail here about 1 time in 45.
func TestNoTrailingSpace(t *testing.T) {
	o := defaultOffice(t)
	p := samplePayload()
	for i := range 300 {
		if text := sign(t, p, o); strings.HasSuffix(text, " ") {
			t.Fatalf("signature %d: text ends in a space: %q", i, text)
		}
	}
}

// A maximal record must stay a QR code that scans from a card face: version ≤ 10 at M.
func TestMaximalFits(t *testing.T) {
	o := defaultOffice(t)
	tests := []struct {
		name       string
		p          qr.Payload
		maxVersion int
	}{
		{"sample", samplePayload(), 8},
		{"max_packed", maxPayload(), 10},
		{"max_utf8", func() qr.Payload { // 80 Cyrillic runes in lower case: 160 bytes of UTF-8
			p := maxPayload()
			p.Surname, p.FirstName, p.Patronymic = strings.ToLower(p.Surname), strings.ToLower(p.FirstName), strings.ToLower(p.Patronymic)
			return p
		}(), 13},
		{"max_bytes", func() qr.Payload { // 66 three-byte runes and two separators: MaxNameBytes
			p := maxPayload()
			p.Surname, p.FirstName, p.Patronymic = strings.Repeat("ㅎ", 22), strings.Repeat("ㅎ", 22), strings.Repeat("ㅎ", 22)
			return p
		}(), 14},
	}
	for _, tt := range tests {
		text := sign(t, tt.p, o)
		s, err := qr.NewSymbol(text)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d characters, QR version %d (%d×%d modules)", tt.name, len(text), s.Version, s.Size(), s.Size())
		if s.Version > tt.maxVersion || s.Size() != 17+4*s.Version {
			t.Errorf("%s: version %d, size %d; want version ≤ %d", tt.name, s.Version, s.Size(), tt.maxVersion)
		}
	}
}

func TestSignRefuses(t *testing.T) {
	o := defaultOffice(t)
	long := strings.Repeat("Я", qr.MaxNameRunes-2+1)
	tests := []struct {
		name   string
		change func(p *qr.Payload)
		code   string
	}{
		{"enp checksum", func(p *qr.Payload) { p.ENP = "5001234567890128" }, "enp.invalid"},
		{"enp short", func(p *qr.Payload) { p.ENP = "500123" }, "enp.invalid"},
		{"no surname", func(p *qr.Payload) { p.Surname = "" }, "surname.empty"},
		{"separator", func(p *qr.Payload) { p.FirstName = "ИВАН|ПЁТР" }, "first_name.separator"},
		{"control", func(p *qr.Payload) { p.Patronymic = "ИВАНОВИЧ\n" }, "patronymic.control"},
		{"bad utf8", func(p *qr.Payload) { p.Surname = "\xff" }, "surname.invalid_utf8"},
		{"name too long", func(p *qr.Payload) { p.Surname, p.FirstName, p.Patronymic = long, "", "" }, "name.too_long"},
		{"name too many bytes", func(p *qr.Payload) { p.Surname, p.FirstName, p.Patronymic = strings.Repeat("😀", 51), "", "" }, "name.too_long"},
		{"no birth date", func(p *qr.Payload) { p.BirthDate = policy.Date{} }, "birth_date.empty"},
		{"impossible date", func(p *qr.Payload) { p.BirthDate = policy.MakeDate(1985, 2, 30) }, "birth_date.invalid"},
		{"before 1900", func(p *qr.Payload) { p.BirthDate = policy.MakeDate(1899, 12, 31) }, "birth_date.out_of_range"},
		{"after 2079-06-06", func(p *qr.Payload) { p.IssueDate = policy.MakeDate(2079, 6, 7) }, "issue_date.out_of_range"},
		{"ogrn checksum", func(p *qr.Payload) { p.OGRN = "1027700000009" }, "ogrn.invalid"},
		{"ogrnip", func(p *qr.Payload) { p.OGRN = "304500116000157" }, "ogrn.invalid"},
		{"okato length", func(p *qr.Payload) { p.OKATO = "450" }, "okato.invalid"},
		{"no serial", func(p *qr.Payload) { p.CardSerial = "" }, "card_serial.empty"},
		{"serial space", func(p *qr.Payload) { p.CardSerial = "12 34" }, "card_serial.charset"},
		{"serial cyrillic", func(p *qr.Payload) { p.CardSerial = "АБ12" }, "card_serial.charset"},
		{"serial long", func(p *qr.Payload) { p.CardSerial = strings.Repeat("1", qr.MaxSerial+1) }, "card_serial.too_long"},
		{"office long", func(p *qr.Payload) { p.Office = strings.Repeat("1", qr.MaxOffice+1) }, "office.too_long"},
		{"no office", func(p *qr.Payload) { p.Office = "" }, "office.empty"},
	}
	for _, tt := range tests {
		p := samplePayload()
		tt.change(&p)
		_, err := qr.Sign(p, o.key, o.cert)
		var fe *qr.FieldError
		if !errors.As(err, &fe) || fe.Code != tt.code || !errors.Is(err, qr.ErrInvalidField) {
			t.Errorf("%s: Sign error %v, want code %s", tt.name, err, tt.code)
		}
		for _, lang := range i18n.Languages {
			if !i18n.MustLoad(lang).Has("qr.field." + tt.code) {
				t.Errorf("qr.field.%s has no %s text", tt.code, lang)
			}
		}
	}
	// The limits themselves are accepted.
	p := samplePayload()
	p.Surname, p.FirstName, p.Patronymic = strings.Repeat("Я", qr.MaxNameRunes-2), "", ""
	p.BirthDate, p.IssueDate = policy.MakeDate(1900, 1, 1), policy.MakeDate(2079, 6, 6)
	late := newOffice(t, "late", y2020, time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC))
	text := sign(t, p, late)
	if got, err := qr.Parse(text); err != nil || got != p {
		t.Errorf("limits: Parse = %+v, %v", got, err)
	}
	if res := qr.Verify(text, qr.NewTrust(late.cert)); res.Verdict != qr.Valid {
		t.Errorf("limits: %+v", res)
	}
}

func TestSignKeyChecks(t *testing.T) {
	o, other := defaultOffice(t), defaultOffice(t)
	if _, err := qr.Sign(samplePayload(), other.key, o.cert); !errors.Is(err, qr.ErrKeyMismatch) {
		t.Errorf("mismatched key: %v", err)
	}
	k384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	c384 := certFor(t, k384, "p384", y2020, y2035)
	if _, err := qr.Sign(samplePayload(), k384, c384); !errors.Is(err, qr.ErrUnsupportedKey) {
		t.Errorf("P-384: %v", err)
	}
}

// Every change of every byte of the record is Tampered: the signature is checked before
// anything is decoded, and a changed key identifier is recognised too.
func TestEveryByteFlipIsTampered(t *testing.T) {
	o := defaultOffice(t)
	other := defaultOffice(t)
	trust := qr.NewTrust(other.cert, o.cert)
	text := sign(t, samplePayload(), o)
	rec, err := qr.DecodeBase45(strings.TrimPrefix(text, qr.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	keyIDAt := len(rec) - qr.SignatureSize - qr.KeyIDSize
	for i := range rec {
		for _, mask := range []byte{0x01, 0x80, 0xFF} {
			b := append([]byte(nil), rec...)
			b[i] ^= mask
			res := qr.Verify(qr.Prefix+qr.EncodeBase45(b), trust)
			want := qr.ReasonBadSignature
			if i >= keyIDAt && i < keyIDAt+qr.KeyIDSize {
				want = qr.ReasonKeyIDAltered
			}
			if res.Verdict != qr.Tampered || res.Reason != want {
				t.Fatalf("byte %d ^ %02X: %s/%s (%s), want tampered/%s", i, mask, res.Verdict, res.Reason, res.Detail, want)
			}
		}
	}
}

func TestUnknownSigner(t *testing.T) {
	o, stranger := defaultOffice(t), defaultOffice(t)
	text := sign(t, samplePayload(), stranger)
	for name, trust := range map[string]*qr.Trust{"other key": qr.NewTrust(o.cert), "empty": qr.NewTrust(), "nil": nil} {
		res := qr.Verify(text, trust)
		if res.Verdict != qr.UnknownSigner || res.Reason != qr.ReasonUnknownKey || res.Signer != nil {
			t.Errorf("%s: %+v", name, res)
		}
		if res.KeyID != qr.KeyIDOf(stranger.cert).String() {
			t.Errorf("%s: key id %s", name, res.KeyID)
		}
	}
	if id, err := qr.ParseKeyID(text); err != nil || id != qr.KeyIDOf(stranger.cert) {
		t.Errorf("ParseKeyID = %s, %v", id, err)
	}
}

// The certificate must be valid on the card's issue date, to the day; a renewal of the
// same key covers later cards.
func TestSignerValidity(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	old := certFor(t, key, "2020–2024", day(2020, 1, 1), day(2024, 12, 31).Add(12*time.Hour))
	renewed := certFor(t, key, "2025–2030", day(2025, 1, 1).Add(15*time.Hour), day(2030, 1, 1))
	later := day(2032, 1, 1) // every certificate has expired: only the issue date counts
	tests := []struct {
		issue  policy.Date
		now    time.Time
		trust  *qr.Trust
		want   qr.Reason
		signer string
	}{
		{policy.MakeDate(2024, 12, 31), later, qr.NewTrust(old), qr.ReasonOK, "2020–2024"},
		{policy.MakeDate(2025, 1, 1), later, qr.NewTrust(old), qr.ReasonSignerExpired, "2020–2024"},
		{policy.MakeDate(2025, 1, 1), later, qr.NewTrust(old, renewed), qr.ReasonOK, "2025–2030"},
		{policy.MakeDate(2019, 12, 31), later, qr.NewTrust(old, renewed), qr.ReasonSignerExpired, "2020–2024"},
		{policy.MakeDate(2031, 1, 1), later, qr.NewTrust(renewed), qr.ReasonSignerExpired, "2025–2030"},
		// A reprint: the card is older than the certificate, which is valid today.
		{policy.MakeDate(2019, 12, 31), day(2026, 6, 1), qr.NewTrust(renewed), qr.ReasonOK, "2025–2030"},
		{policy.MakeDate(2019, 12, 31), day(2026, 6, 1), qr.NewTrust(old), qr.ReasonSignerExpired, "2020–2024"},
	}
	for _, tt := range tests {
		p := samplePayload()
		p.IssueDate = tt.issue
		text, err := qr.Sign(p, key, old)
		if err != nil {
			t.Fatal(err)
		}
		res := qr.VerifyAt(text, tt.trust, tt.now)
		if res.Reason != tt.want || res.Signer == nil || res.Signer.Subject.CommonName != tt.signer {
			t.Errorf("issued %s: %+v", tt.issue, res)
		}
		if wantV := map[bool]qr.Verdict{true: qr.Valid, false: qr.UnknownSigner}[tt.want == qr.ReasonOK]; res.Verdict != wantV {
			t.Errorf("issued %s: verdict %s, want %s", tt.issue, res.Verdict, wantV)
		}
	}
}

func TestUnreadable(t *testing.T) {
	o := defaultOffice(t)
	trust := qr.NewTrust(o.cert)
	good := sign(t, samplePayload(), o)
	tests := []struct {
		text string
		want qr.Reason
	}{
		{"", qr.ReasonNotOurs},
		{"https://example.org/", qr.ReasonNotOurs},
		{"oms:" + good[4:], qr.ReasonNotOurs},
		{"HC1:6BFOXN%TS3DH0YOJ58S", qr.ReasonNotOurs},
		{qr.Prefix, qr.ReasonTruncated},
		{qr.Prefix + "GGW", qr.ReasonBadEncoding},
		{good + "AA", qr.ReasonBadEncoding}, // a lone last character
		{strings.ToLower(good[:10]) + good[10:], qr.ReasonNotOurs},
		{good[:4] + "a" + good[5:], qr.ReasonBadEncoding},
		{good[:len(good)-2], qr.ReasonMalformed}, // even record length
		{qr.Prefix + qr.EncodeBase45(make([]byte, 72)), qr.ReasonTruncated},
	}
	for _, tt := range tests {
		res := qr.Verify(tt.text, trust)
		if res.Verdict != qr.Unreadable || res.Reason != tt.want {
			t.Errorf("Verify(%.30q…) = %s/%s (%s), want unreadable/%s", tt.text, res.Verdict, res.Reason, res.Detail, tt.want)
		}
		if _, err := qr.Parse(tt.text); err == nil {
			t.Errorf("Parse(%.30q…) accepted it", tt.text)
		}
	}
}

func TestMaxPayloadIsMaximal(t *testing.T) {
	p := maxPayload()
	name := p.Surname + "|" + p.FirstName + "|" + p.Patronymic
	if n := len([]rune(name)); n != qr.MaxNameRunes {
		t.Errorf("maximal name has %d runes, want %d", n, qr.MaxNameRunes)
	}
	if len(p.CardSerial) != qr.MaxSerial || len(p.Office) != qr.MaxOffice || len(p.OKATO) != 11 {
		t.Errorf("maximal payload is not maximal: %+v", p)
	}
}

// Every verdict and reason has its text in both languages, for the CLI and the GUI.
func TestVerdictsTranslated(t *testing.T) {
	keys := []string{}
	for _, v := range []qr.Verdict{qr.Valid, qr.Tampered, qr.UnknownSigner, qr.Unreadable} {
		keys = append(keys, "qr.verdict."+string(v))
	}
	for _, r := range []qr.Reason{qr.ReasonOK, qr.ReasonBadSignature, qr.ReasonKeyIDAltered, qr.ReasonUnknownKey,
		qr.ReasonUnsupportedKey, qr.ReasonSignerExpired, qr.ReasonNotOurs, qr.ReasonBadEncoding, qr.ReasonTruncated,
		qr.ReasonMalformed, qr.ReasonUnsupportedVersion} {
		keys = append(keys, "qr.reason."+string(r))
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for _, k := range keys {
			if !tr.Has(k) {
				t.Errorf("%s has no %s text", k, lang)
			}
		}
	}
}

// rawSigner is a token that returns r||s instead of DER, or garbage.
type rawSigner struct {
	*ecdsa.PrivateKey
	garbage bool
}

func (s rawSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	if s.garbage {
		return []byte{0x30, 0x01}, nil
	}
	r, ss, err := ecdsa.Sign(rand.Reader, s.PrivateKey, digest)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	ss.FillBytes(out[32:])
	return out, nil
}

func TestSignerSignatureForms(t *testing.T) {
	o := defaultOffice(t)
	text, err := qr.Sign(samplePayload(), rawSigner{o.key, false}, o.cert)
	if err != nil {
		t.Fatal(err)
	}
	if res := qr.Verify(text, qr.NewTrust(o.cert)); res.Verdict != qr.Valid {
		t.Errorf("raw r||s signer: %+v", res)
	}
	if _, err := qr.Sign(samplePayload(), rawSigner{o.key, true}, o.cert); !errors.Is(err, qr.ErrBadSignature) {
		t.Errorf("garbage signature: %v", err)
	}
}
