package qr

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoCertificates is returned by LoadTrust when the paths hold no certificate.
var ErrNoCertificates = errors.New("no certificates")

// Trust is the set of issuing-office certificates a verifier trusts. A QR code carries
// only its signer's key identifier (a certificate would not fit on a card face), so the
// office certificates themselves must be here; a CA certificate alone does not let a
// verifier find the key. Every certificate in the set is trusted as it is.
//
// cardio/verify.TrustStore cannot be reused for this: it keeps certificates in an
// x509.CertPool for chain building, which cannot be searched by key.
type Trust struct {
	certs []*x509.Certificate
	byKey map[KeyID][]*x509.Certificate
}

// NewTrust trusts the given certificates.
func NewTrust(certs ...*x509.Certificate) *Trust {
	t := &Trust{byKey: map[KeyID][]*x509.Certificate{}}
	for _, c := range certs {
		t.add(c)
	}
	return t
}

func (t *Trust) add(c *x509.Certificate) {
	id := KeyIDOf(c)
	for _, have := range t.byKey[id] {
		if have.Equal(c) {
			return
		}
	}
	t.certs = append(t.certs, c)
	t.byKey[id] = append(t.byKey[id], c)
}

// Len is the number of distinct certificates trusted.
func (t *Trust) Len() int {
	if t == nil {
		return 0
	}
	return len(t.certs)
}

// Certificates returns the trusted certificates in the order they were added.
func (t *Trust) Certificates() []*x509.Certificate {
	if t == nil {
		return nil
	}
	return append([]*x509.Certificate(nil), t.certs...)
}

// ParseTrust trusts the certificates in data: each element is PEM (any number of
// CERTIFICATE blocks; other blocks are skipped) or one DER certificate.
func ParseTrust(data ...[]byte) (*Trust, error) {
	t := NewTrust()
	for i, b := range data {
		if err := t.parse(b); err != nil {
			return nil, fmt.Errorf("parsing trusted certificate %d: %w", i+1, err)
		}
	}
	return t, nil
}

func (t *Trust) parse(b []byte) error {
	rest, sawPEM := b, false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		sawPEM = true
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return err
		}
		t.add(c)
	}
	if sawPEM {
		return nil
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return err
	}
	t.add(c)
	return nil
}

// LoadTrust trusts the certificates in the given files and directories. A file may have
// any name; in a directory the files ending .pem, .crt, .cer or .der are read (the same
// rule as cardio/verify.LoadTrustStore), others skipped. No certificate at all is an
// error wrapping ErrNoCertificates: a verifier with an empty store would call every
// code "unknown signer".
func LoadTrust(paths ...string) (*Trust, error) {
	t := NewTrust()
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("loading trusted certificates: %w", err)
		}
		files := []string{p}
		if fi.IsDir() {
			if files, err = certFiles(p); err != nil {
				return nil, fmt.Errorf("loading trusted certificates: %w", err)
			}
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("loading trusted certificates: %w", err)
			}
			if err := t.parse(b); err != nil {
				return nil, fmt.Errorf("loading trusted certificates from %s: %w", f, err)
			}
		}
	}
	if t.Len() == 0 {
		return nil, fmt.Errorf("loading trusted certificates from %s: %w", strings.Join(paths, ", "), ErrNoCertificates)
	}
	return t, nil
}

func certFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".pem", ".crt", ".cer", ".der":
			if !e.IsDir() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	return out, nil
}
