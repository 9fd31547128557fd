package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Key is an open signing key: a crypto.Signer for ECDSA P-256 whose private half may live
// in a PKCS#11 token, and the X.509 certificate that goes beside every signature.
// Its methods are safe for concurrent use; Close it when done, because a PKCS#11 key holds
// a logged-in session.
type Key struct {
	// Certificate is the signer's certificate; its public key is the key's.
	Certificate *x509.Certificate
	// CertificateDER is Certificate's DER encoding: what goes into 5F62.
	CertificateDER []byte
	// DevelopmentOnly is set for PEM keys. Callers must print the warning
	// "signing.warn.development_only" whenever they sign with such a key.
	DevelopmentOnly bool
	// Spec is the spec the key was opened with, canonical and PIN-free, for logs.
	Spec string

	signer  crypto.Signer
	release func() error

	mu     sync.RWMutex
	closed bool
}

// Open opens the key a spec names (docs/signing.md): a PKCS#11 key ("pkcs11:…") or, for
// development only, PEM files ("pem:…"). It accepts only ECDSA P-256 keys
// (ErrUnsupportedKey) and checks that the certificate is the key's (ErrCertMismatch).
func Open(spec string) (*Key, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if sp.Scheme == SchemePEM {
		return openPEM(sp)
	}
	return openPKCS11(sp)
}

// Public returns the ECDSA P-256 public key.
func (k *Key) Public() crypto.PublicKey { return k.signer.Public() }

// Sign signs a SHA-256 digest and returns the DER ECDSA-Sig-Value (what 5F61 holds).
// A PKCS#11 token draws its own randomness and ignores rand.
func (k *Key) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if h := opts.HashFunc(); h != crypto.SHA256 || len(digest) != crypto.SHA256.Size() {
		return nil, fail("hash_unsupported", nil, "hash", hashName(h, len(digest)))
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.closed {
		return nil, fail("closed", nil)
	}
	sig, err := k.signer.Sign(rand, digest, opts)
	if err != nil {
		return nil, fail("sign_failed", err)
	}
	return sig, nil
}

func hashName(h crypto.Hash, n int) string {
	if h == 0 {
		return fmt.Sprintf("an unhashed %d-byte message", n)
	}
	if h == crypto.SHA256 {
		return fmt.Sprintf("a %d-byte SHA-256 digest", n)
	}
	return h.String()
}

// Close releases the key: for a PKCS#11 key its share of the token session, and the
// module itself when no other key uses it. Signing after Close fails with ErrClosed;
// closing twice is harmless.
func (k *Key) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil
	}
	k.closed = true
	if k.release != nil {
		return k.release()
	}
	return nil
}

// newKey checks the key is ECDSA P-256 and the certificate is its, and makes the Key.
func newKey(signer crypto.Signer, certDER []byte, certSource string) (*Key, error) {
	if err := checkP256(signer.Public()); err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fail("cert_bad", err, "source", certSource)
	}
	if pub, ok := signer.Public().(*ecdsa.PublicKey); !ok || !pub.Equal(cert.PublicKey) {
		return nil, fail("cert_mismatch", nil, "source", certSource)
	}
	return &Key{Certificate: cert, CertificateDER: cert.Raw, signer: signer}, nil
}

// checkP256 accepts ECDSA P-256 public keys and names anything else.
func checkP256(pub crypto.PublicKey) error {
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		if p.Curve == elliptic.P256() {
			return nil
		}
		return fail("key_unsupported", nil, "algorithm", "ECDSA "+p.Curve.Params().Name)
	case *rsa.PublicKey:
		return fail("key_unsupported", nil, "algorithm", fmt.Sprintf("RSA %d", p.N.BitLen()))
	default:
		return fail("key_unsupported", nil, "algorithm", strings.TrimPrefix(fmt.Sprintf("%T", pub), "*"))
	}
}

// readCertificate reads a certificate file in PEM ("CERTIFICATE") or DER.
func readCertificate(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fail("pem_bad", err, "path", path)
	}
	if block, _ := pem.Decode(b); block != nil {
		if block.Type != "CERTIFICATE" {
			return nil, fail("pem_bad", fmt.Errorf("PEM block %q", block.Type), "path", path)
		}
		return block.Bytes, nil
	}
	return b, nil
}
