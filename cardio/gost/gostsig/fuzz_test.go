package gostsig

import (
	"encoding/base64"
	"errors"
	"testing"
)

// FuzzParseCertificate feeds arbitrary bytes to ParseCertificate and, when they parse,
// to PublicKey and CheckSignatureFrom: nothing may panic, and failures must be the
// documented errors. Seeds: the RFC 9215 certificates, requests and CRLs.
func FuzzParseCertificate(f *testing.F) {
	_, sigs := loadTestdata(f)
	for _, x := range sigs.X509 {
		der, err := base64.StdEncoding.DecodeString(x.DERBase64)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add(buildCert(f, validTemplate(f)))
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := ParseCertificate(der)
		if err != nil {
			if c != nil || !errors.Is(err, ErrMalformedCertificate) {
				t.Fatalf("ParseCertificate = %v, %v", c, err)
			}
			return
		}
		_ = c.Subject.String()
		_ = c.Issuer.String()
		pub, err := c.PublicKey()
		if err == nil && (pub == nil || !pub.Curve.onCurve(pub.X, pub.Y)) {
			t.Fatal("PublicKey returned an invalid key without error")
		}
		err = c.CheckSignatureFrom(c)
		if err != nil && !errors.Is(err, ErrUnsupportedAlgorithm) && !errors.Is(err, ErrUnknownCurve) &&
			!errors.Is(err, ErrMalformedKey) && !errors.Is(err, ErrMalformedSignature) && !errors.Is(err, ErrVerification) {
			t.Fatalf("CheckSignatureFrom: undocumented error %v", err)
		}
	})
}

// FuzzVerify feeds arbitrary key, digest and signature bytes to the parsers and
// verifiers for a 256-bit and a 512-bit curve: nothing may panic or verify by chance.
func FuzzVerify(f *testing.F) {
	for _, tc := range allCases(f) {
		f.Add(tc.curve.Size == 64, tc.pubLE, tc.digest, tc.sig)
	}
	f.Fuzz(func(t *testing.T, big bool, pubLE, digest, sig []byte) {
		curve, _ := CurveByOID("1.2.643.2.2.35.1")
		if big {
			curve, _ = CurveByOID("1.2.643.7.1.2.1.2.1")
		}
		pub, err := ParsePublicKeyLE(curve, pubLE)
		if err != nil {
			return
		}
		for _, l := range layouts {
			if r, s, err := ParseSignature(sig, l); err == nil {
				VerifyDigest(pub, digest, r, s)
			}
		}
		VerifyAny(pub, digest, sig)
	})
}

func BenchmarkVerify256(b *testing.B) { benchmarkVerify(b, "rfc9215-D.2-certificate") }

func BenchmarkVerify512(b *testing.B) { benchmarkVerify(b, "rfc9215-D.3-certificate") }

// BenchmarkVerifyAnyNoMatch256 is VerifyAny's worst case: all 24 attempts fail.
func BenchmarkVerifyAnyNoMatch256(b *testing.B) {
	tc := benchCase(b, "rfc9215-D.2-certificate")
	pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
	if err != nil {
		b.Fatal(err)
	}
	msg := append([]byte("not the signed message "), tc.message...)
	for b.Loop() {
		if _, ok := VerifyAny(pub, msg, tc.sig); ok {
			b.Fatal("unexpected match")
		}
	}
}

func benchCase(b *testing.B, id string) sigCase {
	for _, tc := range allCases(b) {
		if tc.id == id {
			return tc
		}
	}
	b.Fatalf("no case %s", id)
	return sigCase{}
}

func benchmarkVerify(b *testing.B, id string) {
	tc := benchCase(b, id)
	pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !VerifyDigest(pub, tc.digest, tc.r, tc.s) {
			b.Fatal("signature does not verify")
		}
	}
}
