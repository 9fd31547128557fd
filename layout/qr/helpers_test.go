package qr_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/layout/qr"
)

// office is a synthetic issuing office key with a self-signed certificate.
type office struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func newOffice(t testing.TB, name string, from, to time.Time) office {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return office{key, certFor(t, key, name, from, to)}
}

func certFor(t testing.TB, key crypto.Signer, name string, from, to time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{CommonName: name, Organization: []string{"ООО «Тест-Мед»"}},
		NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	y2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	y2035 = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
)

func defaultOffice(t testing.TB) office { return newOffice(t, "Офис 77-001", y2020, y2035) }

// samplePayload is the synthetic holder of oms-card-format.md §6 on a card issued in
// 2025 by office 77-001.
func samplePayload() qr.Payload {
	return qr.FromPolicy(samplePolicy(), "0001234567", "77-001")
}

// samplePolicy is the card of samplePayload as the chip holds it (like
// vcard.SamplePolicy, issued in 2025; written out so these tests do not need the
// virtual card).
func samplePolicy() *policy.Policy {
	return &policy.Policy{
		Owner: policy.Owner{ENP: "5001234567890127", Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
			Sex: policy.Male, BirthDate: policy.MakeDate(1985, 3, 15), IssueDate: policy.MakeDate(2025, 9, 1),
			BirthPlace: "Г. МОСКВА"},
		Insurer: &policy.Insurer{OGRN: "1027700000008", OKATO: "45000", Start: policy.MakeDate(2025, 9, 1)},
	}
}

func sign(t testing.TB, p qr.Payload, o office) string {
	t.Helper()
	text, err := qr.Sign(p, o.key, o.cert)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// maxPayload has every field at its limit, the name in the packed alphabet.
func maxPayload() qr.Payload {
	p := samplePayload()
	// 80 runes with the two separators: 40 + 18 + 20.
	p.Surname = "КОНСТАНТИНОПОЛЬСКИЙ-ВЕРХНЕДНЕПРОВСКИЙЁЪЫ"
	p.FirstName = "АЛЕКСАНДРА-ЕВГЕНИЯ"
	p.Patronymic = "КОНСТАНТИНОВНА-ОГЛЫ'"
	p.OKATO = "45286555000"
	p.CardSerial = "AB-123456789012345678901"
	p.Office = "77-001-MOSCOW-01"
	return p
}
