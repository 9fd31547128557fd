package qr_test

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"omsdesk/layout/qr"
)

func TestTrustLoading(t *testing.T) {
	a, b, c := defaultOffice(t), defaultOffice(t), defaultOffice(t)
	pemOf := func(o office) []byte { return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: o.cert.Raw}) }
	dir := t.TempDir()
	bundle := append(append([]byte("# office bundle\n"), pemOf(a)...), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}})...)
	bundle = append(bundle, pemOf(b)...)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("bundle.pem", bundle)
	write("c.der", c.cert.Raw)
	write("a-again.crt", pemOf(a))
	write("notes.txt", []byte("not a certificate"))
	single := write("single.bin", c.cert.Raw) // a named file may have any extension

	tr, err := qr.LoadTrust(dir)
	if err != nil || tr.Len() != 3 {
		t.Fatalf("LoadTrust(dir) = %d certificates, %v; want 3", tr.Len(), err)
	}
	for _, o := range []office{a, b, c} {
		if res := qr.Verify(sign(t, samplePayload(), o), tr); res.Verdict != qr.Valid {
			t.Errorf("%s: %+v", o.cert.Subject.CommonName, res)
		}
	}
	if tr, err := qr.LoadTrust(single); err != nil || tr.Len() != 1 {
		t.Errorf("LoadTrust(file) = %v, %v", tr, err)
	}

	empty := t.TempDir()
	if _, err := qr.LoadTrust(empty); !errors.Is(err, qr.ErrNoCertificates) {
		t.Errorf("empty dir: %v", err)
	}
	if _, err := qr.LoadTrust(filepath.Join(dir, "missing.pem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := qr.LoadTrust(write("bad.pem", []byte("garbage"))); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := qr.ParseTrust([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); err == nil {
		t.Error("broken PEM certificate accepted")
	}
}
