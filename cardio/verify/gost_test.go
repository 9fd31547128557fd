package verify

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// gostSigner makes a GOST R 34.10-2012 key and self-signed certificate with OpenSSL's
// GOST engine (an independent implementation: this project only verifies GOST).
func gostSigner(t *testing.T) (dir string, certDER []byte) {
	t.Helper()
	if out, err := exec.Command("openssl", "engine", "gost").CombinedOutput(); err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("OpenSSL GOST engine unavailable: %v %s", err, out)
		}
		t.Skipf("OpenSSL GOST engine unavailable (Debian libengine-gost-openssl): %v", err)
	}
	dir = t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A", "-out", "key.pem")
	run("req", "-engine", "gost", "-new", "-x509", "-key", "key.pem", "-subj", "/CN=Test insurer GOST/O=Test",
		"-days", "3650", "-md_gost12_256", "-out", "cert.pem")
	b, err := os.ReadFile(filepath.Join(dir, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	return dir, block.Bytes
}

// gostSign signs data with the key in dir (Streebog-256); OpenSSL writes s||r big-endian.
func gostSign(t *testing.T, dir string, data []byte) []byte {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "msg"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("openssl", "dgst", "-engine", "gost", "-md_gost12_256", "-sign", "key.pem", "-out", "sig", "msg")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("signing: %v\n%s", err, out)
	}
	sig, err := os.ReadFile(filepath.Join(dir, "sig"))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestGOSTSignedRecord(t *testing.T) {
	dir, cert := gostSigner(t)
	p := vcard.SamplePolicy(0)
	sig := gostSign(t, dir, p.Insurer.EncodeUnsigned())
	reversed := make([]byte, len(sig))
	for i := range sig {
		reversed[len(sig)-1-i] = sig[i] // what Windows CryptoAPI returns (oms-card-format.md §3)
	}
	trust, err := NewTrustStore(cert)
	if err != nil {
		t.Fatal(err)
	}
	// OpenSSL's certificate starts now, so it is judged on the real date, not on the
	// fixed day of the other tests.
	now := policy.DateOf(time.Now().UTC())
	for _, tt := range []struct {
		name   string
		sig    []byte
		layout string
	}{
		{"OpenSSL s||r big-endian", sig, "s||r, big-endian"},
		{"byte-reversed as from CryptoAPI", reversed, "little-endian"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := vcard.SamplePolicy(0)
			q.Insurer.Signature = &policy.Signature{Value: tt.sig, Certificate: cert}
			r := Dump(dumpOf(vcard.FromPolicy(q)), Options{Today: now, Trust: trust})
			if r.Verdict != Pass || r.Signature == nil {
				t.Fatalf("failed %v: %+v", r.Failed(), r.Checks)
			}
			if !strings.Contains(r.Signature.Layout, tt.layout) || !strings.Contains(r.Signature.Layout, "Streebog") ||
				!strings.Contains(r.Signature.Algorithm, "gost3410-12-256") {
				t.Fatalf("signature info %+v", r.Signature)
			}
			if c, _ := r.Find("certificate.chain"); c.Status != Pass {
				t.Fatalf("chain %+v", c)
			}
		})
	}
	// One changed field breaks it.
	q := vcard.SamplePolicy(0)
	q.Insurer.Signature = &policy.Signature{Value: sig, Certificate: cert}
	q.Insurer.OKATO = "40000"
	r := Dump(dumpOf(vcard.FromPolicy(q)), Options{Today: now})
	if c, _ := r.Find("signature"); c.Status != Fail || c.Code != "signature_bad" {
		t.Fatalf("tampered record: %+v", c)
	}
}
