package qr

import (
	"crypto/x509"
	"fmt"
	"strings"

	"omsdesk/cardio/verify"
)

// ErrNoCertificates is returned by LoadTrust when the paths hold no certificate.
var ErrNoCertificates = verify.ErrNoCertificates

// Trust is the set of issuing-office certificates a verifier trusts. A QR code carries
// only its signer's key identifier (a certificate would not fit on a card face), so the
// office certificates themselves must be here; a CA certificate alone does not let a
// verifier find the key. Every certificate in the set is trusted as it is.
//
// The files are read by cardio/verify's trust store; this type adds the index by key.
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
	ts, err := verify.NewTrustStore(data...)
	if err != nil {
		return nil, fmt.Errorf("parsing trusted certificates: %w", err)
	}
	return NewTrust(ts.Certificates()...), nil
}

// LoadTrust trusts the certificates in the given files and directories, by the rules of
// cardio/verify.LoadTrustStore (the technician's trust store). No certificate at all is
// an error wrapping ErrNoCertificates: a verifier with an empty store would call every
// code "unknown signer".
func LoadTrust(paths ...string) (*Trust, error) {
	ts, err := verify.LoadTrustStore(paths...)
	if err != nil {
		return nil, err
	}
	t := NewTrust(ts.Certificates()...)
	if t.Len() == 0 {
		return nil, fmt.Errorf("loading trusted certificates from %s: %w", strings.Join(paths, ", "), ErrNoCertificates)
	}
	return t, nil
}
