package gostsig

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// sigAlgFor returns the X.509 signature algorithm that matches a reference case.
func sigAlgFor(tc sigCase) string {
	switch {
	case tc.sigAlg != "":
		return tc.sigAlg
	case tc.hash == HashGOST94CryptoPro:
		return OIDSignGost2001
	case tc.hash == HashStreebog512:
		return OIDSignGost2012512
	}
	return OIDSignGost2012256
}

// TestHashSumReference checks that Hash.Sum gives the recorded digest of every
// reference message, in the byte order the signatures were made over.
func TestHashSumReference(t *testing.T) {
	for _, tc := range allCases(t) {
		if tc.message == nil {
			continue
		}
		if got := tc.hash.Sum(tc.message); !bytes.Equal(got, tc.digest) {
			t.Errorf("%s: %v.Sum = %x, want %x", tc.id, tc.hash, got, tc.digest)
		}
	}
	if Hash(0).Sum([]byte("x")) != nil || Hash(99).Sum(nil) != nil {
		t.Error("unknown Hash.Sum returned a digest")
	}
}

// TestCheckSignatureReference verifies the RFC 9215 objects and the OpenSSL signatures
// from their message bytes, and checks that each tampering is rejected.
func TestCheckSignatureReference(t *testing.T) {
	for _, tc := range allCases(t) {
		if tc.message == nil {
			continue
		}
		t.Run(tc.id, func(t *testing.T) {
			pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
			if err != nil {
				t.Fatal(err)
			}
			alg := sigAlgFor(tc)
			if err := CheckSignature(pub, alg, tc.message, tc.sig); err != nil {
				t.Fatalf("CheckSignature: %v", err)
			}
			n := tc.curve.Size
			for _, pos := range []int{0, len(tc.message) / 2, len(tc.message) - 1} {
				if err := CheckSignature(pub, alg, flipByte(tc.message, pos), tc.sig); !errors.Is(err, ErrVerification) {
					t.Errorf("message byte %d flipped: %v, want ErrVerification", pos, err)
				}
			}
			for _, pos := range []int{0, n - 1, n, 2*n - 1} {
				if err := CheckSignature(pub, alg, tc.message, flipByte(tc.sig, pos)); !errors.Is(err, ErrVerification) {
					t.Errorf("signature byte %d flipped: %v, want ErrVerification", pos, err)
				}
			}
			if err := CheckSignature(pub, alg, tc.message, layoutSig(tc.r, tc.s, n, Layout{RFirst: true})); !errors.Is(err, ErrVerification) {
				t.Errorf("r and s swapped: %v, want ErrVerification", err)
			}
			if err := CheckSignature(pub, alg, tc.message, tc.sig[:2*n-1]); !errors.Is(err, ErrMalformedSignature) {
				t.Errorf("short signature: %v, want ErrMalformedSignature", err)
			}
			// The same signature under another algorithm of the same key size fails.
			other := map[string]string{OIDSignGost2001: OIDSignGost2012256, OIDSignGost2012256: OIDSignGost2001}[alg]
			if other != "" {
				if err := CheckSignature(pub, other, tc.message, tc.sig); !errors.Is(err, ErrVerification) {
					t.Errorf("under %s: %v, want ErrVerification", other, err)
				}
			}
			wrongSize := map[int]string{32: OIDSignGost2012512, 64: OIDSignGost2012256}[n]
			if err := CheckSignature(pub, wrongSize, tc.message, tc.sig); !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Errorf("algorithm for the other key size: %v, want ErrUnsupportedAlgorithm", err)
			}
		})
	}
}

func TestCheckSignatureErrors(t *testing.T) {
	tc := allCases(t)[2] // RFC 9215 D.1 request
	pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pub  *PublicKey
		alg  string
		sig  []byte
		want error
	}{
		{"RSA algorithm", pub, "1.2.840.113549.1.1.11", tc.sig, ErrUnsupportedAlgorithm},
		{"GOST R 34.10-94", pub, "1.2.643.2.2.4", tc.sig, ErrUnsupportedAlgorithm},
		{"empty algorithm", pub, "", tc.sig, ErrUnsupportedAlgorithm},
		{"nil key", nil, tc.sigAlg, tc.sig, ErrMalformedKey},
		{"nil signature", pub, tc.sigAlg, nil, ErrMalformedSignature},
		{"512-bit signature length", pub, tc.sigAlg, make([]byte, 128), ErrMalformedSignature},
		{"r = s = 0", pub, tc.sigAlg, make([]byte, 64), ErrVerification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckSignature(tt.pub, tt.alg, tc.message, tt.sig); !errors.Is(err, tt.want) {
				t.Errorf("CheckSignature = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckSignatureFromRFC9215(t *testing.T) {
	_, sigs := loadTestdata(t)
	var certs []*Certificate
	for i := range sigs.X509 {
		if x := &sigs.X509[i]; strings.HasSuffix(x.ID, "-certificate") {
			c, err := ParseCertificate(rfcDER(t, x))
			if err != nil {
				t.Fatal(err)
			}
			certs = append(certs, c)
		}
	}
	for i, c := range certs {
		for j, parent := range certs {
			err := c.CheckSignatureFrom(parent)
			if i == j && err != nil {
				t.Errorf("certificate %d self-signature: %v", i, err)
			}
			if i != j && err == nil {
				t.Errorf("certificate %d verifies under the key of certificate %d", i, j)
			}
		}
		// Tamper with one byte of the subject name inside the signed part.
		der := append([]byte(nil), c.Raw...)
		at := bytes.Index(der, []byte("Example"))
		der[at] ^= 0x20 // "example"
		bad, err := ParseCertificate(der)
		if err != nil {
			t.Fatalf("tampered certificate %d does not parse: %v", i, err)
		}
		if err := bad.CheckSignatureFrom(c); !errors.Is(err, ErrVerification) {
			t.Errorf("tampered certificate %d: %v, want ErrVerification", i, err)
		}
	}
}

// TestVerifyAnyReference checks that VerifyAny finds the standard Match for every
// reference signature, and the right non-standard Match when the same signature is
// re-laid-out.
func TestVerifyAnyReference(t *testing.T) {
	for _, tc := range allCases(t) {
		if tc.message == nil {
			continue
		}
		t.Run(tc.id, func(t *testing.T) {
			pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range layouts {
				sig := layoutSig(tc.r, tc.s, tc.curve.Size, l)
				want := Match{Hash: tc.hash, Layout: l}
				got, ok := VerifyAny(pub, tc.message, sig)
				if !ok || got != want {
					t.Errorf("layout %v: VerifyAny = %v, %v; want %v", l, got, ok, want)
				}
				if !want.Verify(pub, tc.message, sig) {
					t.Errorf("layout %v: Match.Verify = false", l)
				}
				if got.Standard() != (l == Layout{}) {
					t.Errorf("layout %v: Standard() = %v", l, got.Standard())
				}
			}
			// The worst case (all attempts fail) once per case: a tampered message.
			if m, ok := VerifyAny(pub, flipByte(tc.message, 0), tc.sig); ok {
				t.Errorf("tampered message matched %v", m)
			}
			if m, ok := VerifyAny(pub, tc.message, tc.sig[1:]); ok {
				t.Errorf("short signature matched %v", m)
			}
		})
	}
}

// testSign makes a GOST R 34.10 signature (test code only: the package itself never
// signs). e is the digest read little-endian.
func testSign(t *testing.T, c *Curve, d *big.Int, digest []byte) (r, s *big.Int) {
	t.Helper()
	e := new(big.Int).Mod(leInt(digest), c.Q)
	if e.Sign() == 0 {
		e.SetInt64(1)
	}
	for {
		k, err := rand.Int(rand.Reader, c.Q)
		if err != nil {
			t.Fatal(err)
		}
		if k.Sign() == 0 {
			continue
		}
		cx, _, _ := c.scalarMult(k, c.X, c.Y)
		r = new(big.Int).Mod(cx, c.Q)
		s = new(big.Int).Mul(r, d)
		s.Add(s, new(big.Int).Mul(k, e))
		s.Mod(s, c.Q)
		if r.Sign() != 0 && s.Sign() != 0 {
			return r, s
		}
	}
}

// TestVerifyAnyProducers signs with each combination VerifyAny claims to recognise
// (hash, digest byte order, layout) and checks that it reports exactly that one.
func TestVerifyAnyProducers(t *testing.T) {
	var keys []sigCase
	for _, tc := range allCases(t) {
		if tc.id == "openssl-gost2001-A" || tc.id == "openssl-gost2012_256-TCA" || tc.id == "openssl-gost2012_512-C" {
			keys = append(keys, tc)
		}
	}
	if len(keys) != 3 {
		t.Fatalf("found %d keys", len(keys))
	}
	msg := []byte("OMS insurer record, synthetic: 5F51 1027739008440")
	for _, key := range keys {
		pub, err := ParsePublicKeyLE(key.curve, key.pubLE)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hashesFor(key.curve.Size) {
			for _, be := range []bool{false, true} {
				for _, l := range layouts {
					want := Match{Hash: h, Layout: l, DigestBigEndian: be}
					t.Run(fmt.Sprintf("%s/%d/rfirst=%v,le=%v,digestBE=%v", key.id, h, l.RFirst, l.LittleEndian, be), func(t *testing.T) {
						digest := h.Sum(msg)
						if be {
							digest = reversed(digest)
						}
						r, s := testSign(t, key.curve, key.d, digest)
						sig := layoutSig(r, s, key.curve.Size, l)
						got, ok := VerifyAny(pub, msg, sig)
						if !ok || got != want {
							t.Fatalf("VerifyAny = %v, %v; want %v", got, ok, want)
						}
						if got.Standard() != (l == Layout{} && !be) {
							t.Errorf("Standard() = %v", got.Standard())
						}
						if !strings.Contains(got.String(), h.String()) || !strings.Contains(got.String(), l.String()) {
							t.Errorf("String() = %q lacks hash or layout", got.String())
						}
					})
				}
			}
		}
	}
}

func TestVerifyAnyMalformed(t *testing.T) {
	tc := allCases(t)[3]
	pub, err := ParsePublicKeyLE(tc.curve, tc.pubLE)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range [][]byte{nil, tc.sig[:63], append(tc.sig, 0), make([]byte, 128), make([]byte, 64)} {
		if m, ok := VerifyAny(pub, tc.message, sig); ok || m != (Match{}) {
			t.Errorf("signature of %d bytes: VerifyAny = %v, %v", len(sig), m, ok)
		}
	}
	if m, ok := VerifyAny(nil, tc.message, tc.sig); ok || m != (Match{}) {
		t.Errorf("nil key: VerifyAny = %v, %v", m, ok)
	}
	if (Match{Hash: Hash(42)}).Verify(pub, tc.message, tc.sig) {
		t.Error("Match with unknown hash verifies")
	}
	if (Match{Hash: HashStreebog256}).Verify(nil, tc.message, tc.sig) {
		t.Error("Match.Verify with nil key verifies")
	}
}

func TestMatchString(t *testing.T) {
	m := Match{Hash: HashGOST94CryptoPro, Layout: Layout{RFirst: true, LittleEndian: true}, DigestBigEndian: true}
	want := "hash GOST R 34.11-94, CryptoPro parameters; signature r||s, little-endian " +
		"(X.509 layout byte-reversed, as Windows CryptoAPI returns it); digest read big-endian (non-standard)"
	if got := m.String(); got != want {
		t.Errorf("String() =\n%q, want\n%q", got, want)
	}
	seen := map[string]bool{}
	for _, l := range layouts {
		seen[l.String()] = true
	}
	for _, h := range []Hash{HashStreebog256, HashStreebog512, HashGOST94CryptoPro, HashGOST94Test, 0} {
		seen[h.String()] = true
	}
	if len(seen) != len(layouts)+5 {
		t.Errorf("layout and hash names are not distinct: %v", seen)
	}
}
