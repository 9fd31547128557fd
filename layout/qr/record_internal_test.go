package qr

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func goldenPayload() Payload {
	return Payload{ENP: "5001234567890127", Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
		BirthDate: policy.MakeDate(1985, 3, 15), OGRN: "1027700000008", OKATO: "45000",
		CardSerial: "0001234567", IssueDate: policy.MakeDate(2025, 9, 1), Office: "77-001"}
}

// The body layout is the format: this golden pins it byte for byte to
// docs/qr-format.md's example. Regenerate with -update only for a new format version.
func TestBodyGolden(t *testing.T) {
	p := goldenPayload()
	got := strings.ToUpper(hex.EncodeToString(encodeBody(&p))) + "\n"
	path := filepath.Join("testdata", "body_v1.hex")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden missing (run with -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

func TestDayNumbers(t *testing.T) {
	for _, tt := range []struct {
		d policy.Date
		n uint16
	}{{epoch, 0}, {policy.MakeDate(1900, 3, 1), 59}, {policy.MakeDate(1985, 3, 15), 31119}, {lastDay, 0xFFFF}} {
		if got := dayNumber(tt.d); got != tt.n {
			t.Errorf("dayNumber(%s) = %d, want %d", tt.d, got, tt.n)
		}
		if got := dateOf(tt.n); got != tt.d {
			t.Errorf("dateOf(%d) = %s, want %s", tt.n, got, tt.d)
		}
	}
}

func TestPackedAlphabet(t *testing.T) {
	if len(packedAlphabet) != 64 || len(packedCode) != 64 || packedAlphabet[63] != nameSep {
		t.Fatalf("alphabet has %d characters (%d distinct), last %q", len(packedAlphabet), len(packedCode), packedAlphabet[63])
	}
}

// signRaw signs any body the way Sign does, to make records Sign itself would refuse.
func signRaw(t *testing.T, key *ecdsa.PrivateKey, cert *x509.Certificate, body []byte) string {
	t.Helper()
	id := KeyIDOf(cert)
	rec := append(append([]byte(nil), body...), id[:]...)
	digest := sha256.Sum256(rec)
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return Prefix + EncodeBase45(append(rec, sig...))
}

// A record a trusted key signed but that does not decode is Unreadable (a signer's bug
// or a newer format), not Tampered and not Valid.
func TestSignedButUndecodable(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "t"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	trust := NewTrust(cert)
	p := goldenPayload()
	good := encodeBody(&p)
	odd := func(b []byte) []byte { // keep the record's length odd
		if (len(b)+trailerSize)%2 == 0 {
			return append(b, 0)
		}
		return b
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		body []byte
		want Reason
	}{
		{"version 2", mutate(func(b []byte) []byte { b[0] = 2; return b }), ReasonUnsupportedVersion},
		{"version 0", mutate(func(b []byte) []byte { b[0] = 0; return b }), ReasonUnsupportedVersion},
		{"bcd nibble", mutate(func(b []byte) []byte { b[1] = 0xA0; return b }), ReasonMalformed},
		{"name form", mutate(func(b []byte) []byte { b[9] = 7; return b }), ReasonMalformed},
		{"extra byte", odd(mutate(func(b []byte) []byte { return append(b, 1, 1) })), ReasonMalformed},
		{"padding not zero", mutate(func(b []byte) []byte { b[len(b)-1] = 1; return b }), ReasonMalformed},
		{"truncated", odd(good[:20]), ReasonMalformed},
		{"version only", []byte{1}, ReasonMalformed},
		{"utf8 name that packs", odd(func() []byte {
			b := append([]byte{1}, good[1:9]...)
			b = append(append(b, nameUTF8, 5), "А|Б|В"...)
			return append(b, good[9+2+15:]...) // "ИВАНОВ|ИВАН|ИВАНОВИЧ" packs into 15 bytes
		}()), ReasonMalformed},
	}
	if good[len(good)-1] != 0 {
		t.Fatal("the golden body needs parity padding for the 'padding not zero' case")
	}
	for _, tt := range tests {
		res := Verify(signRaw(t, key, cert, tt.body), trust)
		if res.Verdict != Unreadable || res.Reason != tt.want || res.Signer != cert {
			t.Errorf("%s: %s/%s (%s), want unreadable/%s", tt.name, res.Verdict, res.Reason, res.Detail, tt.want)
		}
	}
	if res := Verify(signRaw(t, key, cert, good), trust); res.Verdict != Valid {
		t.Errorf("control: %+v", res)
	}
}
