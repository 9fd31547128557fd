package signing_test

import (
	"crypto/x509/pkix"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/cardio/signing"
)

// genKey makes a private key with OpenSSL (PKCS#8 PEM).
func genKey(t testing.TB, alg, opt string) []byte {
	t.Helper()
	args := []string{"genpkey", "-algorithm", alg}
	if opt != "" {
		args = append(args, "-pkeyopt", opt)
	}
	out, err := exec.Command(openssl(t), args...).Output()
	if err != nil {
		t.Fatalf("openssl genpkey %s: %v", alg, err)
	}
	return out
}

// selfSign makes a self-signed certificate for a PEM key with OpenSSL and returns its path.
func selfSign(t testing.TB, keyPEM []byte) string {
	t.Helper()
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl(t), "req", "-new", "-x509", "-key", key, "-subj", "/CN=Foreign insurer", "-days", "3650",
		"-sha256", "-out", cert).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req -x509: %v\n%s", err, out)
	}
	return cert
}

// devKey makes a development PEM key and returns its spec and its certificate file's bytes.
func devKey(t testing.TB) (spec string, certPEM []byte) {
	t.Helper()
	dir := t.TempDir()
	spec, err := signing.GeneratePEM(dir, signing.CertRequest{Subject: pkix.Name{CommonName: "Разработчик"}})
	if err != nil {
		t.Fatal(err)
	}
	certPEM, err = os.ReadFile(filepath.Join(dir, signing.DevCertFile))
	if err != nil {
		t.Fatal(err)
	}
	return spec, certPEM
}

func TestPEMDevelopmentKey(t *testing.T) {
	dir := t.TempDir()
	spec, err := signing.GeneratePEM(dir, signing.CertRequest{Subject: pkix.Name{CommonName: "Разработчик"}, CA: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "pem:key=" + filepath.Join(dir, signing.DevKeyFile) + ";cert=" + filepath.Join(dir, signing.DevCertFile); spec != want {
		t.Errorf("spec %q, want %q", spec, want)
	}
	fi, err := os.Stat(filepath.Join(dir, signing.DevKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", fi.Mode(), err)
	}
	for _, f := range []string{signing.DevKeyFile, signing.DevCertFile} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if !strings.HasPrefix(string(b), "DEVELOPMENT ONLY") {
			t.Errorf("%s does not start with the DEVELOPMENT ONLY banner", f)
		}
	}
	// OpenSSL reads the files despite the banner.
	for _, args := range [][]string{
		{"pkey", "-in", filepath.Join(dir, signing.DevKeyFile), "-noout"},
		{"x509", "-in", filepath.Join(dir, signing.DevCertFile), "-noout"},
	} {
		if out, err := exec.Command(openssl(t), args...).CombinedOutput(); err != nil {
			t.Errorf("openssl %v: %v\n%s", args, err, out)
		}
	}
	k := open(t, spec)
	if !k.DevelopmentOnly {
		t.Error("a PEM key is not marked development-only")
	}
	checkBoth(t, k)
	if _, err := signing.GeneratePEM(dir, signing.CertRequest{Subject: pkix.Name{CommonName: "again"}}); !errors.Is(err, signing.ErrKeyExists) {
		t.Errorf("GeneratePEM over existing files: %v", err)
	}
	if _, err := signing.GeneratePEM(t.TempDir(), signing.CertRequest{}); !errors.Is(err, signing.ErrBadRequest) {
		t.Errorf("GeneratePEM without a subject: %v", err)
	}
}

// TestPEMForeignKey opens a P-256 key and certificate OpenSSL made, in SEC 1 and PKCS#8.
func TestPEMForeignKey(t *testing.T) {
	key := genKey(t, "EC", "ec_paramgen_curve:P-256")
	cert := selfSign(t, key)
	dir := t.TempDir()
	p8 := filepath.Join(dir, "p8.pem")
	os.WriteFile(p8, key, 0o600)
	sec1 := filepath.Join(dir, "sec1.pem")
	if out, err := exec.Command(openssl(t), "ec", "-in", p8, "-out", sec1).CombinedOutput(); err != nil {
		t.Fatalf("openssl ec: %v\n%s", err, out)
	}
	for _, path := range []string{p8, sec1} {
		k := open(t, "pem:key="+path+";cert="+cert)
		checkBoth(t, k)
	}
}

func TestPEMErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodSpec, otherCert := devKey(t)
	good, err := signing.ParseSpec(goodSpec)
	if err != nil {
		t.Fatal(err)
	}
	goodKey := good.Key
	p384 := genKey(t, "EC", "ec_paramgen_curve:P-384")
	rsa := genKey(t, "RSA", "rsa_keygen_bits:1024")
	ed := genKey(t, "ED25519", "")
	var encrypted []byte
	encrypted, err = exec.Command(openssl(t), "pkcs8", "-topk8", "-in", write("plain.pem", p384), "-passout", "pass:secret").Output()
	if err != nil {
		t.Fatal(err)
	}
	other := write("other-cert.pem", otherCert)
	for _, tt := range []struct {
		name, key, cert string
		want            error
	}{
		{"P-384", write("p384.pem", p384), selfSign(t, p384), signing.ErrUnsupportedKey},
		{"RSA", write("rsa.pem", rsa), selfSign(t, rsa), signing.ErrUnsupportedKey},
		{"Ed25519", write("ed.pem", ed), other, signing.ErrUnsupportedKey},
		{"mismatched certificate", write("p256.pem", genKey(t, "EC", "ec_paramgen_curve:P-256")), other, signing.ErrCertMismatch},
		{"encrypted key", write("enc.pem", encrypted), other, signing.ErrBadPEM},
		{"not PEM", write("junk.pem", []byte("not a key")), other, signing.ErrBadPEM},
		{"missing key file", filepath.Join(dir, "absent.pem"), other, signing.ErrBadPEM},
		{"certificate not a certificate", goodKey, write("junk-cert.der", []byte{0x30, 0x03, 0x02, 0x01, 0x01}), signing.ErrBadCert},
		{"certificate file is a key", goodKey, write("key-as-cert.pem", p384), signing.ErrBadPEM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := signing.Open("pem:key=" + tt.key + ";cert=" + tt.cert)
			if err == nil {
				k.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
