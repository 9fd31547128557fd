// Package verifytest makes synthetic insurer signing keys for tests of the integrity
// check and of what renders it: an ECDSA P-256 key with a self-signed certificate,
// signing insurer records the way our card profile does.
package verifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"omsdesk/cardio/policy"
)

// Signer is a synthetic insurer key and its self-signed certificate, valid 2020–2030.
type Signer struct {
	Key  *ecdsa.PrivateKey
	Cert []byte // DER
}

// NewSigner makes a key and a certificate whose subject's common name is name.
func NewSigner(t testing.TB, name string) Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name, Organization: []string{"ООО «Тест-Мед»"}},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return Signer{key, der}
}

// Sign signs the insurer record as our card profile does: ECDSA P-256 over the SHA-256
// of the record's DER encoding without 7F60, the signature in DER, the certificate beside.
func (s Signer) Sign(t testing.TB, in *policy.Insurer) {
	t.Helper()
	in.Signature = nil
	digest := sha256.Sum256(in.EncodeUnsigned())
	sig, err := ecdsa.SignASN1(rand.Reader, s.Key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	in.Signature = &policy.Signature{Value: sig, Certificate: s.Cert}
}
