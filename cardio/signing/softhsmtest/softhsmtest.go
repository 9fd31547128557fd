// Package softhsmtest gives tests a real PKCS#11 token: a SoftHSM2 token in the test's
// temporary directory with its own configuration, an ECDSA P-256 key and a certificate,
// opened through the same cardio/signing code production uses.
//
// SoftHSM2 reads SOFTHSM2_CONF once, at C_Initialize, and crypto11 initialises a module
// once for all its contexts, finalising it when the last one closes. So each test gets
// its own token directory through t.Setenv (such tests cannot call t.Parallel), and a
// test must Close every signing.Key before it ends: while a Key is open, the module keeps
// the earlier test's configuration and the next test's token is invisible. NewToken
// fails with that explanation if it finds the module still in use.
//
// The helpers skip the test when SoftHSM2 is missing, and fail it instead when
// OMSDESK_REQUIRE_TOOLS=1 (as in CI).
package softhsmtest

import (
	"crypto/x509/pkix"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"omsdesk/cardio/signing"
)

// Fixed test secrets and names. The PIN reaches the code under test only through the
// environment variable PINEnv, as in production.
const (
	PIN    = "246810"
	SOPIN  = "13579135"
	PINEnv = "OMSDESK_TEST_TOKEN_PIN"
	Label  = "omsdesk-test"
	Object = "insurer"
)

// Validity of the certificates NewToken makes: fixed, so reports are reproducible.
var (
	NotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	NotAfter  = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Token is an initialised SoftHSM2 token.
type Token struct {
	// Dir holds the configuration file and the token directory.
	Dir string
	// Conf is the softhsm2.conf SOFTHSM2_CONF points to during the test.
	Conf string
	// Module is the SoftHSM2 PKCS#11 module.
	Module string
	// Label is the token's label.
	Label string
}

// Spec is the spec of the key labelled object on this token.
func (tok *Token) Spec(object string) string {
	sp := &signing.Spec{Scheme: signing.SchemePKCS11, Module: tok.Module, Token: tok.Label, Object: object, PINEnv: PINEnv}
	return sp.String()
}

// Require returns the SoftHSM2 module's path and the softhsm2-util tool's, skipping the
// test when either is missing or the build has no cgo, or failing it when
// OMSDESK_REQUIRE_TOOLS=1.
func Require(t testing.TB) (module, util string) {
	t.Helper()
	var err error
	if !signing.PKCS11Supported {
		err = errors.New("built without cgo, so PKCS#11 is unavailable")
	} else {
		module, err = signing.FindModule()
	}
	if err == nil {
		util, err = exec.LookPath("softhsm2-util")
	}
	if err == nil {
		return module, util
	}
	if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
		t.Fatalf("SoftHSM2 is required (OMSDESK_REQUIRE_TOOLS=1): %v; install the Debian package softhsm2", err)
	}
	t.Skipf("SoftHSM2 not installed (Debian package softhsm2): %v", err)
	return "", ""
}

// NewEmptyToken makes an initialised token holding no objects, in t.TempDir(), and points
// SOFTHSM2_CONF at it and PINEnv at its PIN for the rest of the test.
func NewEmptyToken(t testing.TB) *Token {
	t.Helper()
	module, util := Require(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	text := "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	t.Setenv(PINEnv, PIN)
	cmd := exec.Command(util, "--init-token", "--free", "--label", Label, "--so-pin", SOPIN, "--pin", PIN)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return &Token{Dir: dir, Conf: conf, Module: module, Label: Label}
}

// NewToken makes a token with an ECDSA P-256 key labelled Object and a self-signed
// certificate for it (NotBefore–NotAfter), and returns the key's spec and the
// certificate's DER. Open the spec with signing.Open and Close the key before the test ends.
func NewToken(t testing.TB) (spec string, cert []byte) {
	t.Helper()
	tok := NewEmptyToken(t)
	spec = tok.Spec(Object)
	k, err := signing.GenerateInToken(spec, signing.CertRequest{
		Subject:   pkix.Name{CommonName: "ООО «Синтетик-Мед» (тест)", Organization: []string{"ООО «Синтетик-Мед»"}, Country: []string{"RU"}},
		NotBefore: NotBefore, NotAfter: NotAfter,
	})
	if errors.Is(err, signing.ErrTokenNotFound) {
		t.Fatalf("the new SoftHSM2 token is invisible: a signing.Key from an earlier test is still open, "+
			"so the module still uses that test's SOFTHSM2_CONF; Close every Key (%v)", err)
	}
	if err != nil {
		t.Fatalf("generating the test key: %v", err)
	}
	cert = k.CertificateDER
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	return spec, cert
}
