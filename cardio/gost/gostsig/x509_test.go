package gostsig

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

func rfcDER(t testing.TB, x *x509JSON) []byte {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(x.DERBase64)
	if err != nil {
		t.Fatalf("%s: %v", x.ID, err)
	}
	return der
}

// TestSplitSignedRFC9215 cuts the to-be-signed bytes, algorithm and signature out of
// all nine RFC 9215 objects (requests, certificates, CRLs) and compares them with the
// reference data.
func TestSplitSignedRFC9215(t *testing.T) {
	_, sigs := loadTestdata(t)
	for i := range sigs.X509 {
		x := &sigs.X509[i]
		t.Run(x.ID, func(t *testing.T) {
			so, err := splitSigned(rfcDER(t, x))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(so.TBS.FullBytes, hexBytes(t, x.TBSHex)) {
				t.Error("to-be-signed bytes differ from tbs_hex")
			}
			if got := so.Algorithm.Algorithm.String(); got != x.SigAlgOID {
				t.Errorf("algorithm = %s, want %s", got, x.SigAlgOID)
			}
			if !bytes.Equal(so.Signature.Bytes, hexBytes(t, x.SignatureHex)) {
				t.Error("signature differs from signature_bitstring_hex")
			}
		})
	}
}

func TestParseCertificateRFC9215(t *testing.T) {
	_, sigs := loadTestdata(t)
	n := 0
	for i := range sigs.X509 {
		x := &sigs.X509[i]
		if !strings.HasSuffix(x.ID, "-certificate") {
			continue
		}
		n++
		t.Run(x.ID, func(t *testing.T) {
			der := rfcDER(t, x)
			c, err := ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			wantAlg := OIDGost2012256
			if mustCurve(t, x.CurveOID).Size == 64 {
				wantAlg = OIDGost2012512
			}
			wantSerial := int64(10)
			if strings.Contains(x.ID, "D.3") {
				wantSerial = 11
			}
			checks := []struct {
				name      string
				got, want any
			}{
				{"Version", c.Version, 3},
				{"SerialNumber", c.SerialNumber.Int64(), wantSerial},
				{"Subject", c.Subject.String(), "CN=Example"},
				{"Issuer", c.Issuer.String(), "CN=Example"},
				{"NotBefore", c.NotBefore, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)},
				{"NotAfter", c.NotAfter, time.Date(2050, 12, 31, 0, 0, 0, 0, time.UTC)},
				{"PublicKeyAlgorithm", c.PublicKeyAlgorithm, wantAlg},
				{"PublicKeyParamSet", c.PublicKeyParamSet, x.CurveOID},
				{"SignatureAlgorithm", c.SignatureAlgorithm, x.SigAlgOID},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
				}
			}
			if !bytes.Equal(c.Raw, der) || !bytes.Equal(c.RawTBSCertificate, hexBytes(t, x.TBSHex)) {
				t.Error("Raw or RawTBSCertificate wrong")
			}
			if !bytes.Equal(c.RawIssuer, c.RawSubject) {
				t.Error("self-signed certificate: RawIssuer != RawSubject")
			}
			if !bytes.Equal(c.PublicKeyBytes, hexBytes(t, x.PubLE)) {
				t.Error("PublicKeyBytes differ from public_key_octets_le")
			}
			if !bytes.Equal(c.Signature, hexBytes(t, x.SignatureHex)) {
				t.Error("Signature differs from signature_bitstring_hex")
			}
			if curve, ok := c.Curve(); !ok || curve.OID != x.CurveOID {
				t.Errorf("Curve() = %v, %v", curve, ok)
			}
			pub, err := c.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			if pub.X.Cmp(hexInt(t, x.Qx)) != 0 || pub.Y.Cmp(hexInt(t, x.Qy)) != 0 {
				t.Error("PublicKey() differs from (Qx, Qy)")
			}
			if AlgorithmName(c.SignatureAlgorithm) == c.SignatureAlgorithm || AlgorithmName(c.PublicKeyParamSet) == c.PublicKeyParamSet {
				t.Error("AlgorithmName does not know the certificate's OIDs")
			}
		})
	}
	if n != 3 {
		t.Fatalf("found %d RFC 9215 certificates, want 3", n)
	}
}

// TestParseSPKIOpenSSL parses the SubjectPublicKeyInfo of each OpenSSL key (the form
// `openssl pkey -pubout` writes) and checks OIDs and point.
func TestParseSPKIOpenSSL(t *testing.T) {
	_, sigs := loadTestdata(t)
	for _, o := range sigs.OpenSSL {
		t.Run(o.ID, func(t *testing.T) {
			ki, err := parseSPKI(hexBytes(t, o.SPKIHex))
			if err != nil {
				t.Fatal(err)
			}
			if ki.algorithm != o.KeyAlgOID || ki.paramSet != o.KeyParamOIDs[0] {
				t.Errorf("algorithm, paramset = %s, %s; want %s, %s", ki.algorithm, ki.paramSet, o.KeyAlgOID, o.KeyParamOIDs[0])
			}
			wantDigest := ""
			if len(o.KeyParamOIDs) > 1 {
				wantDigest = o.KeyParamOIDs[1]
			}
			if ki.digestSet != wantDigest {
				t.Errorf("digest param set = %q, want %q", ki.digestSet, wantDigest)
			}
			pub, err := ki.publicKey()
			if err != nil {
				t.Fatal(err)
			}
			if pub.X.Cmp(hexInt(t, o.Qx)) != 0 || pub.Y.Cmp(hexInt(t, o.Qy)) != 0 {
				t.Error("key differs from (Qx, Qy)")
			}
		})
	}
}

// certTemplate describes a synthetic GOST certificate for the error tests.
type certTemplate struct {
	keyAlg     string
	params     []byte // DER of the key parameters; nil = absent
	keyBits    asn1.BitString
	innerAlg   string
	outerAlg   string
	signature  []byte
	version    int
	extensions []pkix.Extension
}

func oid(t testing.TB, dotted string) asn1.ObjectIdentifier {
	t.Helper()
	var o asn1.ObjectIdentifier
	for _, part := range strings.Split(dotted, ".") {
		n, ok := new(big.Int).SetString(part, 10)
		if !ok {
			t.Fatalf("bad OID %q", dotted)
		}
		o = append(o, int(n.Int64()))
	}
	return o
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gostParams(t testing.TB, oids ...string) []byte {
	t.Helper()
	var seq []asn1.ObjectIdentifier
	for _, o := range oids {
		seq = append(seq, oid(t, o))
	}
	return mustMarshal(t, seq)
}

func keyBits(t testing.TB, octets []byte) asn1.BitString {
	t.Helper()
	b := mustMarshal(t, octets)
	return asn1.BitString{Bytes: b, BitLength: 8 * len(b)}
}

func buildCert(t testing.TB, ct certTemplate) []byte {
	t.Helper()
	name := mustMarshal(t, pkix.Name{CommonName: "Synthetic CA"}.ToRDNSequence())
	alg := pkix.AlgorithmIdentifier{Algorithm: oid(t, ct.keyAlg)}
	if ct.params != nil {
		alg.Parameters = asn1.RawValue{FullBytes: ct.params}
	}
	tbs := struct {
		Version      int `asn1:"optional,explicit,default:0,tag:0"`
		SerialNumber *big.Int
		Signature    pkix.AlgorithmIdentifier
		Issuer       asn1.RawValue
		Validity     validity
		Subject      asn1.RawValue
		PublicKey    publicKeyInfo
		Extensions   []pkix.Extension `asn1:"omitempty,optional,explicit,tag:3"`
	}{
		Version:      ct.version,
		SerialNumber: big.NewInt(42),
		Signature:    pkix.AlgorithmIdentifier{Algorithm: oid(t, ct.innerAlg)},
		Issuer:       asn1.RawValue{FullBytes: name},
		Validity: validity{
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:  time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		Subject:    asn1.RawValue{FullBytes: name},
		PublicKey:  publicKeyInfo{Algorithm: alg, PublicKey: ct.keyBits},
		Extensions: ct.extensions,
	}
	tbsDER := mustMarshal(t, tbs)
	return mustMarshal(t, struct {
		TBS       asn1.RawValue
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}{
		TBS:       asn1.RawValue{FullBytes: tbsDER},
		Algorithm: pkix.AlgorithmIdentifier{Algorithm: oid(t, ct.outerAlg)},
		Signature: asn1.BitString{Bytes: ct.signature, BitLength: 8 * len(ct.signature)},
	})
}

// validTemplate returns a synthetic certificate carrying the RFC 9215 D.2 key.
func validTemplate(t testing.TB) certTemplate {
	_, sigs := loadTestdata(t)
	x := &sigs.X509[4] // D.2 certificate, tc26 256 paramSetA
	return certTemplate{
		keyAlg:    OIDGost2012256,
		params:    gostParams(t, x.CurveOID),
		keyBits:   keyBits(t, hexBytes(t, x.PubLE)),
		innerAlg:  OIDSignGost2012256,
		outerAlg:  OIDSignGost2012256,
		signature: make([]byte, 64),
		version:   2,
	}
}

func TestParseCertificateSynthetic(t *testing.T) {
	good := validTemplate(t)
	c, err := ParseCertificate(buildCert(t, good))
	if err != nil {
		t.Fatalf("valid synthetic certificate: %v", err)
	}
	if _, err := c.PublicKey(); err != nil {
		t.Fatalf("valid synthetic certificate key: %v", err)
	}
	if c.DigestParamSet != "" || c.Subject.CommonName != "Synthetic CA" || c.Version != 3 {
		t.Errorf("unexpected fields: %+v", c)
	}

	key512 := allCases(t)[1].pubLE // A.2 test key, 512-bit
	offCurve := append([]byte(nil), hexBytes(t, mustX509(t, 4).PubLE)...)
	offCurve[0] ^= 1

	tests := []struct {
		name     string
		mod      func(*certTemplate)
		parseErr bool  // ParseCertificate must fail with ErrMalformedCertificate
		keyErr   error // else PublicKey must fail with this
	}{
		{"missing key parameters", func(c *certTemplate) { c.params = nil }, true, nil},
		{"NULL key parameters", func(c *certTemplate) { c.params = []byte{0x05, 0x00} }, true, nil},
		{"parameters hold an INTEGER", func(c *certTemplate) { c.params = mustMarshal(t, []int{1}) }, true, nil},
		{"key not an OCTET STRING", func(c *certTemplate) { c.keyBits = asn1.BitString{Bytes: []byte{1, 2, 3}, BitLength: 24} }, true, nil},
		{"key bit string with unused bits", func(c *certTemplate) { c.keyBits.BitLength -= 3 }, true, nil},
		{"key octets with trailing data", func(c *certTemplate) {
			b := append(mustMarshal(t, offCurve), 0)
			c.keyBits = asn1.BitString{Bytes: b, BitLength: 8 * len(b)}
		}, true, nil},
		{"inner and outer algorithms differ", func(c *certTemplate) { c.innerAlg = OIDSignGost2012512 }, true, nil},
		{"version 4", func(c *certTemplate) { c.version = 3 }, true, nil},
		{"unknown curve", func(c *certTemplate) { c.params = gostParams(t, "1.2.643.7.1.2.1.1.9") }, false, ErrUnknownCurve},
		{"512-bit curve for 256-bit algorithm", func(c *certTemplate) {
			c.params = gostParams(t, "1.2.643.7.1.2.1.2.1")
			c.keyBits = keyBits(t, key512)
		}, false, ErrUnsupportedAlgorithm},
		{"256-bit curve for 512-bit algorithm", func(c *certTemplate) { c.keyAlg = OIDGost2012512 }, false, ErrUnsupportedAlgorithm},
		{"point off curve", func(c *certTemplate) { c.keyBits = keyBits(t, offCurve) }, false, ErrMalformedKey},
		{"short key", func(c *certTemplate) { c.keyBits = keyBits(t, offCurve[:63]) }, false, ErrMalformedKey},
		{"RSA key algorithm", func(c *certTemplate) { c.keyAlg = "1.2.840.113549.1.1.1"; c.params = nil }, false, ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := validTemplate(t)
			tt.mod(&ct)
			c, err := ParseCertificate(buildCert(t, ct))
			if tt.parseErr {
				if !errors.Is(err, ErrMalformedCertificate) || c != nil {
					t.Fatalf("ParseCertificate = %v, %v; want ErrMalformedCertificate", c, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCertificate: %v", err)
			}
			if pub, err := c.PublicKey(); !errors.Is(err, tt.keyErr) || pub != nil {
				t.Fatalf("PublicKey = %v, %v; want %v", pub, err, tt.keyErr)
			}
			if err := c.CheckSignatureFrom(c); !errors.Is(err, tt.keyErr) {
				t.Errorf("CheckSignatureFrom = %v, want %v", err, tt.keyErr)
			}
		})
	}
}

func mustX509(t testing.TB, i int) *x509JSON {
	_, sigs := loadTestdata(t)
	return &sigs.X509[i]
}

func TestParseCertificateMalformedDER(t *testing.T) {
	der := rfcDER(t, mustX509(t, 1))
	tests := []struct {
		name string
		der  []byte
	}{
		{"nil", nil},
		{"empty SEQUENCE", []byte{0x30, 0x00}},
		{"not a SEQUENCE", []byte{0x04, 0x02, 0x00, 0x00}},
		{"truncated", der[:len(der)-1]},
		{"truncated header", der[:3]},
		{"trailing data", append(append([]byte(nil), der...), 0x00)},
		{"length too long", append([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, der[4:]...)},
		{"tbs is an OCTET STRING", func() []byte {
			b := append([]byte(nil), der...)
			b[4] = 0x04 // der = 30 82 01 2d | 30 81 db ...
			return b
		}()},
		{"odd signature bit length", func() []byte {
			b := append([]byte(nil), der...)
			b[len(b)-65] = 0x01 // unused-bits octet of the BIT STRING
			return b
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCertificate(tt.der)
			if !errors.Is(err, ErrMalformedCertificate) || c != nil {
				t.Errorf("ParseCertificate = %v, %v; want ErrMalformedCertificate", c, err)
			}
		})
	}
}

// TestParseCertificateNonGOST checks that a certificate crypto/x509 makes (ECDSA P-256)
// parses, for the report, but yields no GOST key.
func TestParseCertificateNonGOST(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "Not GOST", Organization: []string{"Synthetic"}},
		NotBefore:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject.CommonName != "Not GOST" || c.SerialNumber.Int64() != 7 || c.PublicKeyAlgorithm != "1.2.840.10045.2.1" {
		t.Errorf("fields = %v %v %v", c.Subject, c.SerialNumber, c.PublicKeyAlgorithm)
	}
	if _, err := c.PublicKey(); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("PublicKey error = %v, want ErrUnsupportedAlgorithm", err)
	}
	if err := c.CheckSignatureFrom(c); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("CheckSignatureFrom error = %v, want ErrUnsupportedAlgorithm", err)
	}
	if err := c.CheckSignatureFrom(nil); err == nil {
		t.Error("CheckSignatureFrom(nil) = nil")
	}
}

func TestAlgorithmName(t *testing.T) {
	for oid, want := range map[string]string{
		OIDSignGost2001:       "id-GostR3411-94-with-GostR3410-2001",
		OIDGost2012512:        "id-tc26-gost3410-12-512",
		"1.2.643.2.2.35.1":    "id-GostR3410-2001-CryptoPro-A-ParamSet",
		"1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
		"1.2.3.4":             "1.2.3.4",
		"":                    "",
	} {
		if got := AlgorithmName(oid); got != want {
			t.Errorf("AlgorithmName(%q) = %q, want %q", oid, got, want)
		}
	}
}
