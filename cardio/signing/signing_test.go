package signing_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/signing"
	"omsdesk/cardio/signing/softhsmtest"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify"
)

// today is the real date: the certificates these tests generate start now, and a fixed
// day would make them "not yet valid" once the calendar passes it.
var today = policy.DateOf(time.Now().UTC())

// open opens a spec and closes the key when the test ends.
func open(t testing.TB, spec string) *signing.Key {
	t.Helper()
	k, err := signing.Open(spec)
	if err != nil {
		t.Fatalf("Open(%s): %v", spec, err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Error(err)
		}
	})
	return k
}

// signedCard signs the sample policy's insurer record and returns the policy and the
// insurer EF's bytes as the card stores them.
func signedCard(t testing.TB, k *signing.Key) (*policy.Policy, []byte) {
	t.Helper()
	p := vcard.SamplePolicy(500)
	if err := signing.SignRecord(k, p.Insurer); err != nil {
		t.Fatalf("SignRecord: %v", err)
	}
	l := vcard.FromPolicy(p)
	return p, l.Insurers[0].Data
}

// checkBoth verifies a signed card with cardio/verify and with OpenSSL, and that a flipped
// byte in the signed range fails both.
func checkBoth(t *testing.T, k *signing.Key) {
	t.Helper()
	p, ef := signedCard(t, k)
	trust, err := verify.NewTrustStore(k.CertificateDER)
	if err != nil {
		t.Fatal(err)
	}
	r := verify.Dump(dump.FromLayout(vcard.FromPolicy(p), "test"), verify.Options{Today: today, Trust: trust})
	for _, id := range []string{"signature", "certificate", "certificate.chain"} {
		if c, _ := r.Find(id); c.Status != verify.Pass {
			t.Errorf("cardio/verify %s: %+v", id, c)
		}
	}
	signed, sig, cert := signedRangeOfCard(t, ef)
	if want := p.Insurer.EncodeUnsigned(); !bytesEqual(signed, want) {
		t.Fatalf("the card's bytes without 7F60\n% X\nare not EncodeUnsigned\n% X", signed, want)
	}
	if !bytesEqual(cert, k.CertificateDER) {
		t.Fatal("5F62 is not the key's certificate")
	}
	if !opensslVerify(t, signed, sig, cert) {
		t.Fatal("OpenSSL does not verify the signature")
	}
	for _, at := range []int{0, len(signed) / 2, len(signed) - 1} {
		bad := append([]byte(nil), signed...)
		bad[at] ^= 0x01
		if opensslVerify(t, bad, sig, cert) {
			t.Errorf("OpenSSL verifies with byte %d flipped", at)
		}
	}
	p.Insurer.OKATO = "46000" // change a signed field after signing
	r = verify.Dump(dump.FromLayout(vcard.FromPolicy(p), "test"), verify.Options{Today: today})
	if c, _ := r.Find("signature"); c.Status != verify.Fail {
		t.Errorf("cardio/verify accepts a changed record: %+v", c)
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

func TestSoftHSMSignVerifiedByVerifyAndOpenSSL(t *testing.T) {
	spec, cert := softhsmtest.NewToken(t)
	k := open(t, spec)
	if k.DevelopmentOnly {
		t.Error("a token key is marked development-only")
	}
	if !bytesEqual(k.CertificateDER, cert) {
		t.Error("Open read another certificate than the one generated")
	}
	if k.Spec != spec {
		t.Errorf("Spec %q, want %q", k.Spec, spec)
	}
	checkBoth(t, k)
}

// TestSpecVariants opens the same token key through every way a spec can name it.
func TestSpecVariants(t *testing.T) {
	spec, cert := softhsmtest.NewToken(t)
	pinFile := filepath.Join(t.TempDir(), "pin")
	if err := os.WriteFile(pinFile, []byte(softhsmtest.PIN+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "cert.der")
	if err := os.WriteFile(certFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	slot := slotOf(t, softhsmtest.Label)
	for _, tt := range []struct{ name, spec string }{
		{"pin-file", strings.Replace(spec, "pin-env="+softhsmtest.PINEnv, "pin-file="+pinFile, 1)},
		{"slot", "pkcs11:slot=" + slot + ";object=" + softhsmtest.Object + ";pin-env=" + softhsmtest.PINEnv},
		{"default module", "pkcs11:token=" + softhsmtest.Label + ";object=" + softhsmtest.Object + ";pin-env=" + softhsmtest.PINEnv},
		{"cert file", spec + ";cert=" + certFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k, err := signing.Open(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			if !bytesEqual(k.CertificateDER, cert) {
				t.Error("another certificate")
			}
			if err := signing.SignRecord(k, vcard.SamplePolicy(0).Insurer); err != nil {
				t.Error(err)
			}
		})
	}
}

// slotOf finds a token's slot ID with softhsm2-util --show-slots.
func slotOf(t testing.TB, label string) string {
	t.Helper()
	out, err := exec.Command("softhsm2-util", "--show-slots").Output()
	if err != nil {
		t.Fatal(err)
	}
	slot := ""
	for _, line := range strings.Split(string(out), "\n") {
		if m := regexp.MustCompile(`^Slot (\d+)$`).FindStringSubmatch(line); m != nil {
			slot = m[1]
		}
		if f := strings.Fields(line); len(f) == 2 && f[0] == "Label:" && f[1] == label {
			return slot
		}
	}
	t.Fatalf("no slot with token %s in\n%s", label, out)
	return ""
}

// importPEM imports a PEM private key into the test token with softhsm2-util, as an
// independent tool would have made it.
func importPEM(t testing.TB, keyPEM []byte, label, id string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(p, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("softhsm2-util", "--import", p, "--token", softhsmtest.Label, "--label", label, "--id", id,
		"--pin", softhsmtest.PIN).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util --import: %v\n%s", err, out)
	}
}

func TestOpenErrors(t *testing.T) {
	spec, _ := softhsmtest.NewToken(t)
	tok := &softhsmtest.Token{Module: mustModule(t), Label: softhsmtest.Label}
	// Keys made by other tools: OpenSSL makes them, softhsm2-util imports them.
	importPEM(t, genKey(t, "EC", "ec_paramgen_curve:P-384"), "p384", "0384")
	importPEM(t, genKey(t, "RSA", "rsa_keygen_bits:1024"), "rsa", "0a0a")
	otherKey := genKey(t, "EC", "ec_paramgen_curve:P-256")
	importPEM(t, otherKey, "foreign", "f0f0")
	otherCert := filepath.Join(t.TempDir(), "other.pem")
	_, other := devKey(t)
	if err := os.WriteFile(otherCert, other, 0o600); err != nil {
		t.Fatal(err)
	}
	const wrongPIN = "987654"
	for _, tt := range []struct {
		name string
		spec string
		env  string // PIN to set instead of the right one
		want error
	}{
		{"wrong PIN", spec, wrongPIN, signing.ErrPINIncorrect},
		{"PIN unset", spec, "-", signing.ErrPINMissing},
		{"PIN inline", spec + ";pin=" + wrongPIN, "", signing.ErrPINInSpec},
		{"missing token", strings.Replace(spec, "token="+softhsmtest.Label, "token=no-such-token", 1), "", signing.ErrTokenNotFound},
		{"missing key", tok.Spec("nobody"), "", signing.ErrKeyNotFound},
		{"missing module", strings.Replace(spec, "module="+tok.Module, "module=/nonexistent/libpkcs11.so", 1), "", signing.ErrModuleNotFound},
		{"not a module", strings.Replace(spec, "module="+tok.Module, "module=/etc/hostname", 1), "", signing.ErrModuleFailed},
		{"P-384 key", tok.Spec("p384"), "", signing.ErrUnsupportedKey},
		{"RSA key", tok.Spec("rsa"), "", signing.ErrUnsupportedKey},
		{"no certificate", tok.Spec("foreign"), "", signing.ErrCertNotFound},
		{"mismatched certificate", tok.Spec("foreign") + ";cert=" + otherCert, "", signing.ErrCertMismatch},
		{"bad spec", "pkcs11:token=x", "", signing.ErrBadSpec},
	} {
		t.Run(tt.name, func(t *testing.T) {
			switch tt.env {
			case "":
			case "-":
				t.Setenv(softhsmtest.PINEnv, "")
			default:
				t.Setenv(softhsmtest.PINEnv, tt.env)
			}
			k, err := signing.Open(tt.spec)
			if err == nil {
				k.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var se *signing.Error
			if !errors.As(err, &se) {
				t.Fatalf("%T is no *signing.Error", err)
			}
			for _, secret := range []string{wrongPIN, softhsmtest.PIN} {
				if strings.Contains(err.Error(), secret) || strings.Contains(strings.Join(values(se.Params), " "), secret) {
					t.Errorf("the error shows a PIN: %v", err)
				}
			}
		})
	}
	// The foreign key opens once its own certificate is given.
	cert := selfSign(t, otherKey)
	k := open(t, tok.Spec("foreign")+";cert="+cert)
	checkBoth(t, k)
}

// TestWrongPINWhileLoggedIn: PKCS#11 login state is the token's, so a second open with a
// wrong PIN would succeed at the token level; Open must still refuse it.
func TestWrongPINWhileLoggedIn(t *testing.T) {
	spec, _ := softhsmtest.NewToken(t)
	k := open(t, spec)
	t.Setenv(softhsmtest.PINEnv, "000000")
	if k2, err := signing.Open(spec); !errors.Is(err, signing.ErrPINIncorrect) {
		if k2 != nil {
			k2.Close()
		}
		t.Fatalf("second open with a wrong PIN: %v", err)
	}
	t.Setenv(softhsmtest.PINEnv, softhsmtest.PIN)
	k2 := open(t, spec)
	if err := k2.Close(); err != nil {
		t.Fatal(err)
	}
	// The first key still works after the second closed: they share the session.
	if err := signing.SignRecord(k, vcard.SamplePolicy(0).Insurer); err != nil {
		t.Fatal(err)
	}
}

func TestCloseAndReopen(t *testing.T) {
	spec, _ := softhsmtest.NewToken(t)
	for i := 0; i < 3; i++ {
		k, err := signing.Open(spec)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := signing.SignRecord(k, vcard.SamplePolicy(0).Insurer); err != nil {
			t.Fatal(err)
		}
		if err := k.Close(); err != nil {
			t.Fatal(err)
		}
		if err := k.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := signing.SignRecord(k, vcard.SamplePolicy(0).Insurer); !errors.Is(err, signing.ErrClosed) {
			t.Fatalf("signing after Close: %v", err)
		}
	}
}

func TestSignRejectsOtherHashes(t *testing.T) {
	spec, _ := softhsmtest.NewToken(t)
	k := open(t, spec)
	for _, tt := range []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
	}{
		{"SHA-384", make([]byte, 48), crypto.SHA384},
		{"unhashed", []byte("message"), crypto.Hash(0)},
		{"short SHA-256", make([]byte, 20), crypto.SHA256},
	} {
		if _, err := k.Sign(rand.Reader, tt.digest, tt.opts); !errors.Is(err, signing.ErrUnsupportedHash) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestGenerateCAChain makes a CA key and an insurer key signed by it in one token; the
// insurer's signature then chains to the CA in cardio/verify's trust store.
func TestGenerateCAChain(t *testing.T) {
	tok := softhsmtest.NewEmptyToken(t)
	ca, err := signing.GenerateInToken(tok.Spec("ca"), signing.CertRequest{
		Subject: pkix.Name{CommonName: "Тестовый УЦ ТФОМС"}, CA: true,
		NotBefore: softhsmtest.NotBefore, NotAfter: softhsmtest.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	ins, err := signing.GenerateInToken(tok.Spec("insurer"), signing.CertRequest{
		Subject: pkix.Name{CommonName: "ООО «Синтетик-Мед»"}, Issuer: ca,
		NotBefore: softhsmtest.NotBefore, NotAfter: softhsmtest.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	if _, err := signing.GenerateInToken(tok.Spec("insurer"), signing.CertRequest{Subject: pkix.Name{CommonName: "again"}}); !errors.Is(err, signing.ErrKeyExists) {
		t.Errorf("generating over an existing key: %v", err)
	}
	if _, err := signing.GenerateInToken(tok.Spec("x"), signing.CertRequest{Subject: pkix.Name{CommonName: "x"}, Issuer: ins}); !errors.Is(err, signing.ErrBadRequest) {
		t.Errorf("a non-CA issuer: %v", err)
	}
	if ins.Certificate.Issuer.CommonName != "Тестовый УЦ ТФОМС" || ins.Certificate.IsCA {
		t.Errorf("insurer certificate issuer %v, CA %v", ins.Certificate.Issuer, ins.Certificate.IsCA)
	}
	p, _ := signedCard(t, ins)
	trust, err := verify.NewTrustStore(ca.CertificateDER)
	if err != nil {
		t.Fatal(err)
	}
	r := verify.Dump(dump.FromLayout(vcard.FromPolicy(p), "test"), verify.Options{Today: today, Trust: trust})
	for _, id := range []string{"signature", "certificate", "certificate.chain"} {
		if c, _ := r.Find(id); c.Status != verify.Pass {
			t.Errorf("%s: %+v", id, c)
		}
	}
	// Reopened by spec, the insurer key finds its certificate on the token.
	ins.Close()
	again := open(t, tok.Spec("insurer"))
	if !bytesEqual(again.CertificateDER, ins.CertificateDER) {
		t.Error("reopened key has another certificate")
	}
}

// TestConcurrentSigning signs from several goroutines through one Key: crypto11 hands
// each call its own session from a pool.
func TestConcurrentSigning(t *testing.T) {
	spec, _ := softhsmtest.NewToken(t)
	k := open(t, spec)
	pub := k.Public().(*ecdsa.PublicKey)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				digest := sha256.Sum256([]byte{byte(w), byte(i)})
				sig, err := k.Sign(rand.Reader, digest[:], crypto.SHA256)
				if err == nil && !ecdsa.VerifyASN1(pub, digest[:], sig) {
					err = errors.New("signature does not verify")
				}
				if err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func mustModule(t testing.TB) string {
	m, err := signing.FindModule()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
