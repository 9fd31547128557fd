package qr_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"omsdesk/layout/qr"
)

// Sign+encode: the whole Sign (validate, encode, SHA-256, ECDSA, Base45) against the
// bare ECDSA signature of the same digest, its floor.
func BenchmarkSign(b *testing.B) {
	o, p := defaultOffice(b), samplePayload()
	for b.Loop() {
		if _, err := qr.Sign(p, o.key, o.cert); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignBaselineECDSA(b *testing.B) {
	o := defaultOffice(b)
	digest := sha256.Sum256(make([]byte, 130))
	for b.Loop() {
		if _, err := ecdsa.SignASN1(rand.Reader, o.key, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// Sign and build the QR symbol a card face prints (module matrix, level M).
func BenchmarkSignSymbol(b *testing.B) {
	o, p := defaultOffice(b), samplePayload()
	for b.Loop() {
		text, err := qr.Sign(p, o.key, o.cert)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := qr.NewSymbol(text); err != nil {
			b.Fatal(err)
		}
	}
}

// Decode+verify of a text against a trust store of 20 offices, against Parse alone (the
// same decoding without the signature check) and the bare ECDSA verification.
func BenchmarkVerify(b *testing.B) {
	text, trust := benchTrust(b)
	for b.Loop() {
		if res := qr.Verify(text, trust); res.Verdict != qr.Valid {
			b.Fatal(res)
		}
	}
}

func BenchmarkVerifyBaselineParse(b *testing.B) {
	text, _ := benchTrust(b)
	for b.Loop() {
		if _, err := qr.Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyBaselineECDSA(b *testing.B) {
	o := defaultOffice(b)
	digest := sha256.Sum256(make([]byte, 130))
	sig, _ := ecdsa.SignASN1(rand.Reader, o.key, digest[:])
	for b.Loop() {
		if !ecdsa.VerifyASN1(&o.key.PublicKey, digest[:], sig) {
			b.Fatal("bad")
		}
	}
}

func benchTrust(b *testing.B) (string, *qr.Trust) {
	o := defaultOffice(b)
	certs := []*x509.Certificate{o.cert}
	for range 19 {
		certs = append(certs, defaultOffice(b).cert)
	}
	return sign(b, samplePayload(), o), qr.NewTrust(certs...)
}
