package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Development PEM file names GeneratePEM writes.
const (
	DevKeyFile  = "dev-signing-key.pem"
	DevCertFile = "dev-signing-cert.pem"
)

// devBanner heads every file GeneratePEM writes; PEM readers (Go, OpenSSL) skip text
// before the BEGIN line.
const devBanner = "DEVELOPMENT ONLY. This key is a plain file: anyone who can read it can sign\n" +
	"insurer records and QR codes. Never use it for real cards; keep production keys in a\n" +
	"PKCS#11 token (docs/signing.md).\n"

// openPEM opens a development key from PEM files.
func openPEM(sp *Spec) (*Key, error) {
	b, err := os.ReadFile(sp.Key)
	if err != nil {
		return nil, fail("pem_bad", err, "path", sp.Key)
	}
	signer, err := parsePrivateKey(b, sp.Key)
	if err != nil {
		return nil, err
	}
	der, err := readCertificate(sp.Cert)
	if err != nil {
		return nil, err
	}
	k, err := newKey(signer, der, sp.Cert)
	if err != nil {
		return nil, err
	}
	k.DevelopmentOnly = true
	k.Spec = sp.String()
	return k, nil
}

// parsePrivateKey reads the first private key in PEM text: PKCS#8 ("PRIVATE KEY") or
// SEC 1 ("EC PRIVATE KEY"); RSA and other curves are refused as unsupported.
func parsePrivateKey(b []byte, path string) (crypto.Signer, error) {
	bad := func(err error) error { return fail("pem_bad", err, "path", path) }
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, bad(errors.New("no PEM private key block"))
		}
		if _, encrypted := block.Headers["DEK-Info"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, bad(errors.New("encrypted PEM keys are not supported"))
		}
		var key any
		var err error
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		default:
			continue // EC PARAMETERS and the like
		}
		if err != nil {
			return nil, bad(err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fail("key_unsupported", nil, "algorithm", fmt.Sprintf("%T", key))
		}
		if err := checkP256(signer.Public()); err != nil {
			return nil, err
		}
		return signer, nil
	}
}

// GeneratePEM makes a development key: an ECDSA P-256 key in dir/DevKeyFile (mode 0600)
// and its certificate in dir/DevCertFile, both headed by a DEVELOPMENT ONLY banner. It
// refuses to overwrite either file (ErrKeyExists) and returns the spec that opens them.
func GeneratePEM(dir string, req CertRequest) (string, error) {
	if err := req.check(); err != nil {
		return "", err
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fail("sign_failed", err)
	}
	der, cerr := req.certificate(priv)
	if cerr != nil {
		return "", cerr
	}
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", fail("sign_failed", err)
	}
	keyPath, certPath := filepath.Join(dir, DevKeyFile), filepath.Join(dir, DevCertFile)
	for _, p := range []string{keyPath, certPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", fail("key_exists", nil, "object", p)
		}
	}
	if err := writeNew(keyPath, 0o600, devBanner, &pem.Block{Type: "PRIVATE KEY", Bytes: p8}); err != nil {
		return "", err
	}
	if err := writeNew(certPath, 0o644, devBanner, &pem.Block{Type: "CERTIFICATE", Bytes: der}); err != nil {
		os.Remove(keyPath)
		return "", err
	}
	sp := &Spec{Scheme: SchemePEM, Key: keyPath, Cert: certPath}
	return sp.String(), nil
}

// writeNew creates path (never overwriting) with a banner and one PEM block.
func writeNew(path string, mode fs.FileMode, banner string, block *pem.Block) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return fail("key_exists", nil, "object", path)
	}
	if err != nil {
		return fail("pem_bad", err, "path", path)
	}
	_, err = f.WriteString(banner)
	if err == nil {
		err = pem.Encode(f, block)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fail("pem_bad", err, "path", path)
	}
	return nil
}
