//go:build cgo

package signing

import (
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// PKCS11Supported tells whether this build can load PKCS#11 modules: true when built
// with cgo (crypto11 and miekg/pkcs11 are cgo and dlopen the module).
const PKCS11Supported = true

// PKCS#11 facts this file relies on, measured with SoftHSM2 2.6.1 and crypto11 v1.6.2
// (docs/signing.md, "PKCS#11 in one process"):
//   - crypto11 shares one initialised module per path among its Contexts and calls
//     C_Finalize (and dlclose) when the last one closes; the next Configure calls
//     C_Initialize again, and SoftHSM2 then rereads SOFTHSM2_CONF.
//   - Login state belongs to the token, not the session: while one Context is logged in,
//     a second Configure with a WRONG PIN succeeds (crypto11 accepts
//     CKR_USER_ALREADY_LOGGED_IN). tokens below therefore shares one Context per token and
//     compares later PINs with the first.
//   - SoftHSM2 lists tokens as they were at C_Initialize: a token created by softhsm2-util
//     afterwards is invisible until every Context is closed.

// tokenRef is one open token shared by every Key on it.
type tokenRef struct {
	ctx    *crypto11.Context
	pinMAC []byte
	refs   int
}

var (
	tokensMu sync.Mutex
	tokens   = map[string]*tokenRef{}
	// pinKey keys the PIN MACs kept to compare PINs: a process-local secret, so the map
	// holds nothing a memory dump could turn back into a PIN cheaply.
	pinKey = func() []byte {
		k := make([]byte, 32)
		rand.Read(k)
		return k
	}()
)

func pinMAC(pin string) []byte {
	m := hmac.New(sha256.New, pinKey)
	m.Write([]byte(pin))
	return m.Sum(nil)
}

// tokenName is how errors name the token: its label, or "slot N".
func tokenName(sp *Spec) string {
	if sp.Slot != nil {
		return "slot " + strconv.FormatUint(uint64(*sp.Slot), 10)
	}
	return sp.Token
}

// openToken logs into the spec's token, or joins the Context already open on it, and
// returns the Context with the function that gives it back.
func openToken(sp *Spec) (*crypto11.Context, func() error, error) {
	module, err := resolveModule(sp.Module)
	if err != nil {
		return nil, nil, err
	}
	pin, err := readPIN(sp)
	if err != nil {
		return nil, nil, err
	}
	name := tokenName(sp)
	id := module + "\x00" + name
	tokensMu.Lock()
	defer tokensMu.Unlock()
	t := tokens[id]
	if t != nil {
		if !hmac.Equal(t.pinMAC, pinMAC(pin)) {
			return nil, nil, fail("pin_incorrect", nil, "token", name)
		}
	} else {
		cfg := &crypto11.Config{Path: module, TokenLabel: sp.Token, Pin: pin}
		if sp.Slot != nil {
			n := int(*sp.Slot)
			cfg.SlotNumber = &n
		}
		ctx, err := crypto11.Configure(cfg)
		if err != nil {
			return nil, nil, configureError(err, module, name)
		}
		t = &tokenRef{ctx: ctx, pinMAC: pinMAC(pin)}
		tokens[id] = t
	}
	t.refs++
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() {
			tokensMu.Lock()
			defer tokensMu.Unlock()
			if t.refs--; t.refs == 0 {
				delete(tokens, id)
				err = t.ctx.Close()
			}
		})
		return err
	}
	return t.ctx, release, nil
}

// crypto11TokenNotFound is crypto11 v1.6.2's unexported errTokenNotFound, recognised by
// its text (TestOpenErrors pins it).
const crypto11TokenNotFound = "could not find PKCS#11 token"

// configureError turns crypto11.Configure's failures into this package's errors.
func configureError(err error, module, token string) error {
	var rv pkcs11.Error
	if errors.As(err, &rv) {
		switch rv {
		case pkcs11.CKR_PIN_INCORRECT, pkcs11.CKR_PIN_LEN_RANGE, pkcs11.CKR_PIN_INVALID:
			return fail("pin_incorrect", rv, "token", token)
		case pkcs11.CKR_PIN_LOCKED:
			return fail("pin_locked", rv, "token", token)
		}
	}
	switch {
	case err.Error() == crypto11TokenNotFound:
		return fail("token_not_found", nil, "token", token, "module", module)
	case errors.As(err, &rv):
		return fail("token_failed", rv, "token", token)
	default: // dlopen or C_Initialize failed
		return fail("module_failed", err, "module", module)
	}
}

// openPKCS11 opens a key pair in a token and its certificate.
func openPKCS11(sp *Spec) (*Key, error) {
	ctx, release, err := openToken(sp)
	if err != nil {
		return nil, err
	}
	k, err := findKey(ctx, sp)
	if err != nil {
		release()
		return nil, err
	}
	k.release = release
	k.Spec = sp.String()
	return k, nil
}

// findKey finds the key pair by label (and id), then its certificate: the cert= file,
// else the token's certificate with the same label, else the one with the key's CKA_ID.
func findKey(ctx *crypto11.Context, sp *Spec) (*Key, error) {
	name := tokenName(sp)
	signers, err := ctx.FindKeyPairs(sp.ID, []byte(sp.Object))
	if err != nil {
		return nil, fail("token_failed", err, "token", name)
	}
	switch len(signers) {
	case 0:
		return nil, fail("key_not_found", nil, "object", sp.Object, "token", name)
	case 1:
	default:
		return nil, fail("key_ambiguous", nil, "object", sp.Object, "token", name)
	}
	signer := signers[0]
	if err := checkP256(signer.Public()); err != nil {
		return nil, err
	}
	if sp.Cert != "" {
		der, err := readCertificate(sp.Cert)
		if err != nil {
			return nil, err
		}
		return newKey(signer, der, sp.Cert)
	}
	cert, err := ctx.FindCertificate(sp.ID, []byte(sp.Object), nil)
	if err == nil && cert == nil {
		var a *crypto11.Attribute
		if a, err = ctx.GetAttribute(signer, crypto11.CkaId); err == nil && a != nil && len(a.Value) > 0 {
			cert, err = ctx.FindCertificate(a.Value, nil, nil)
		}
	}
	if err != nil {
		return nil, fail("token_failed", err, "token", name)
	}
	if cert == nil {
		return nil, fail("cert_not_found", nil, "object", sp.Object, "token", name)
	}
	return newKey(signer, cert.Raw, "token "+name+" object "+sp.Object)
}

// GenerateInToken makes a new ECDSA P-256 key pair in the token a pkcs11 spec names,
// labelled with the spec's object= (CKA_ID from id=, else 16 random bytes), sensitive and
// not extractable; then a certificate for it as req asks (self-signed, or signed by
// req.Issuer) stored on the token under the same label and CKA_ID. It refuses to reuse a
// label that a key or certificate already has (ErrKeyExists). The returned Key is open.
func GenerateInToken(spec string, req CertRequest) (*Key, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if sp.Scheme != SchemePKCS11 || sp.Cert != "" {
		return nil, fail("spec_bad", nil, "problem", "generating needs a pkcs11 spec without cert=")
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	ctx, release, err := openToken(sp)
	if err != nil {
		return nil, err
	}
	k, err := generate(ctx, sp, req)
	if err != nil {
		release()
		return nil, err
	}
	k.release = release
	k.Spec = sp.String()
	return k, nil
}

func generate(ctx *crypto11.Context, sp *Spec, req CertRequest) (*Key, error) {
	name, label := tokenName(sp), []byte(sp.Object)
	existing, err := ctx.FindKeyPairs(nil, label)
	if err != nil {
		return nil, fail("token_failed", err, "token", name)
	}
	cert, err := ctx.FindCertificate(nil, label, nil)
	if err != nil {
		return nil, fail("token_failed", err, "token", name)
	}
	if len(existing) > 0 || cert != nil {
		return nil, fail("key_exists", nil, "object", sp.Object)
	}
	id := sp.ID
	if id == nil {
		id = make([]byte, 16)
		if _, err := rand.Read(id); err != nil {
			return nil, fail("token_failed", err, "token", name)
		}
	}
	signer, err := ctx.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P256())
	if err != nil {
		return nil, fail("token_failed", fmt.Errorf("generating the key pair: %w", err), "token", name)
	}
	k, err := certify(ctx, signer, id, label, req)
	if err != nil {
		signer.Delete() // leave no key without a certificate behind
		return nil, err
	}
	return k, nil
}

// certify makes the certificate of a freshly generated key and stores it on the token.
func certify(ctx *crypto11.Context, signer crypto11.Signer, id, label []byte, req CertRequest) (*Key, error) {
	der, err := req.certificate(signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fail("cert_bad", err, "source", "generated")
	}
	if err := ctx.ImportCertificateWithLabel(id, label, cert); err != nil {
		return nil, fail("token_failed", fmt.Errorf("storing the certificate: %w", err), "token", string(label))
	}
	return newKey(signer, der, "generated")
}
