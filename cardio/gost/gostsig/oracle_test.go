package gostsig

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/cardio/gost/internal/hashtest"
)

// The oracle tests let OpenSSL with the gost engine (Debian libengine-gost-openssl)
// generate fresh keys, sign fresh random messages and make self-signed certificates,
// and check that this package verifies them. A missing tool skips the test, unless
// OMSDESK_REQUIRE_TOOLS=1 makes it a failure.

// requireOpenSSLGost returns the openssl path if it can make GOST keys.
func requireOpenSSLGost(t *testing.T) string {
	t.Helper()
	return hashtest.RequireOpenSSLGost(t, "PRIVATE KEY",
		"genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A")
}

func runOpenSSL(t *testing.T, openssl, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(openssl, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func readPEM(t *testing.T, path, typ string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != typ {
		t.Fatalf("%s: no %s PEM block", path, typ)
	}
	return blk.Bytes
}

func TestOracleOpenSSL(t *testing.T) {
	openssl := requireOpenSSLGost(t)
	sets := []struct {
		algorithm, paramset string
		md                  string // openssl digest option
		sigAlg              string
		hash                Hash
		curve               string // parameter set OID openssl puts in the key
	}{
		{"gost2001", "A", "-md_gost94", OIDSignGost2001, HashGOST94CryptoPro, "1.2.643.2.2.35.1"},
		{"gost2001", "XB", "-md_gost94", OIDSignGost2001, HashGOST94CryptoPro, "1.2.643.2.2.36.1"},
		{"gost2012_256", "A", "-md_gost12_256", OIDSignGost2012256, HashStreebog256, "1.2.643.2.2.35.1"},
		{"gost2012_256", "B", "-md_gost12_256", OIDSignGost2012256, HashStreebog256, "1.2.643.2.2.35.2"},
		{"gost2012_256", "C", "-md_gost12_256", OIDSignGost2012256, HashStreebog256, "1.2.643.2.2.35.3"},
		{"gost2012_256", "TCA", "-md_gost12_256", OIDSignGost2012256, HashStreebog256, "1.2.643.7.1.2.1.1.1"},
		{"gost2012_256", "TCD", "-md_gost12_256", OIDSignGost2012256, HashStreebog256, "1.2.643.7.1.2.1.1.4"},
		{"gost2012_512", "A", "-md_gost12_512", OIDSignGost2012512, HashStreebog512, "1.2.643.7.1.2.1.2.1"},
		{"gost2012_512", "B", "-md_gost12_512", OIDSignGost2012512, HashStreebog512, "1.2.643.7.1.2.1.2.2"},
		{"gost2012_512", "C", "-md_gost12_512", OIDSignGost2012512, HashStreebog512, "1.2.643.7.1.2.1.2.3"},
	}
	for _, set := range sets {
		t.Run(set.algorithm+"-"+set.paramset, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			runOpenSSL(t, openssl, dir, "genpkey", "-engine", "gost", "-algorithm", set.algorithm,
				"-pkeyopt", "paramset:"+set.paramset, "-out", "key.pem")
			runOpenSSL(t, openssl, dir, "pkey", "-engine", "gost", "-in", "key.pem", "-pubout", "-out", "pub.pem")
			ki, err := parseSPKI(readPEM(t, filepath.Join(dir, "pub.pem"), "PUBLIC KEY"))
			if err != nil {
				t.Fatalf("parsing openssl public key: %v", err)
			}
			if ki.paramSet != set.curve {
				t.Fatalf("parameter set = %s, want %s", ki.paramSet, set.curve)
			}
			pub, err := ki.publicKey()
			if err != nil {
				t.Fatal(err)
			}

			for i := range 3 {
				msg := randomMessage(t, 300)
				if i == 0 {
					msg = nil // the empty message too
				}
				msgFile := filepath.Join(dir, "msg.bin")
				if err := os.WriteFile(msgFile, msg, 0o600); err != nil {
					t.Fatal(err)
				}
				runOpenSSL(t, openssl, dir, "dgst", "-engine", "gost", set.md, "-sign", "key.pem", "-out", "sig.bin", "msg.bin")
				sig, err := os.ReadFile(filepath.Join(dir, "sig.bin"))
				if err != nil {
					t.Fatal(err)
				}
				if err := CheckSignature(pub, set.sigAlg, msg, sig); err != nil {
					t.Fatalf("message %x, signature %x: %v", msg, sig, err)
				}
				m, ok := VerifyAny(pub, msg, sig)
				if want := (Match{Hash: set.hash}); !ok || m != want {
					t.Errorf("VerifyAny = %v, %v; want %v", m, ok, want)
				}
				tampered := append(append([]byte(nil), msg...), 0x00)
				if err := CheckSignature(pub, set.sigAlg, tampered, sig); !errors.Is(err, ErrVerification) {
					t.Errorf("extended message: CheckSignature = %v, want ErrVerification", err)
				}
				if m, ok := VerifyAny(pub, tampered, sig); ok {
					t.Errorf("extended message: VerifyAny matched %v", m)
				}
			}

			// A self-signed certificate made by openssl parses and verifies.
			runOpenSSL(t, openssl, dir, "req", "-engine", "gost", "-x509", "-new", "-key", "key.pem",
				"-subj", "/CN=Oracle "+set.algorithm+"/O=Synthetic", "-days", "1", set.md, "-out", "cert.pem")
			cert, err := ParseCertificate(readPEM(t, filepath.Join(dir, "cert.pem"), "CERTIFICATE"))
			if err != nil {
				t.Fatal(err)
			}
			if cert.SignatureAlgorithm != set.sigAlg || cert.PublicKeyParamSet != set.curve ||
				cert.Subject.CommonName != "Oracle "+set.algorithm {
				t.Errorf("certificate fields: %s %s %q", cert.SignatureAlgorithm, cert.PublicKeyParamSet, cert.Subject.CommonName)
			}
			certKey, err := cert.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			if certKey.X.Cmp(pub.X) != 0 || certKey.Y.Cmp(pub.Y) != 0 {
				t.Error("certificate key differs from openssl pkey -pubout")
			}
			if err := cert.CheckSignatureFrom(cert); err != nil {
				t.Errorf("CheckSignatureFrom(self): %v\ncertificate: %s", err, hex.EncodeToString(cert.Raw))
			}
		})
	}
}

func randomMessage(t *testing.T, maxLen int64) []byte {
	t.Helper()
	n, err := rand.Int(rand.Reader, big.NewInt(maxLen+1))
	if err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, n.Int64())
	if _, err := rand.Read(msg); err != nil {
		t.Fatal(err)
	}
	return msg
}
