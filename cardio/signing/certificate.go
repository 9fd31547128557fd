package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// DefaultValidity is how long a generated certificate is valid when the request names no
// end: three years, a common lifetime for a qualified signing certificate.
const DefaultValidity = 3 * 365 * 24 * time.Hour

// CertRequest describes the certificate GenerateInToken and GeneratePEM make for a new key.
type CertRequest struct {
	// Subject is the certificate's subject; its CommonName must not be empty.
	Subject pkix.Name
	// NotBefore is when validity starts; zero means now.
	NotBefore time.Time
	// NotAfter is when validity ends; zero means NotBefore + DefaultValidity.
	NotAfter time.Time
	// CA marks the certificate as a CA (basic constraints, key usage certSign), so that it
	// can later issue the insurer and office certificates.
	CA bool
	// Issuer signs the certificate; nil makes it self-signed. The issuer's certificate
	// must be a CA certificate.
	Issuer *Key
}

// check rejects incomplete requests before any key is made.
func (r *CertRequest) check() error {
	if r.Subject.CommonName == "" {
		return fail("request_bad", nil, "problem", "the subject has no common name")
	}
	if r.Issuer != nil && !(r.Issuer.Certificate.BasicConstraintsValid && r.Issuer.Certificate.IsCA) {
		return fail("request_bad", nil, "problem", "the issuer's certificate is not a CA certificate")
	}
	if !r.NotAfter.IsZero() && !r.NotBefore.IsZero() && !r.NotAfter.After(r.NotBefore) {
		return fail("request_bad", nil, "problem", "validity ends before it starts")
	}
	return nil
}

// certificate makes the DER certificate for the public key of subject, signed by the
// issuer or by subject itself. Signing goes through a Key or the token's signer, so an
// issuer in a token never exposes its private key.
func (r *CertRequest) certificate(subject crypto.Signer) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fail("sign_failed", err)
	}
	from := r.NotBefore
	if from.IsZero() {
		from = time.Now().Add(-time.Minute) // a little slack for clocks
	}
	to := r.NotAfter
	if to.IsZero() {
		to = from.Add(DefaultValidity)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)), // positive, never zero
		Subject:               r.Subject,
		NotBefore:             from.UTC(),
		NotAfter:              to.UTC(),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  r.CA,
		SignatureAlgorithm:    x509.ECDSAWithSHA256,
	}
	if r.CA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	parent, signer := tmpl, subject
	if r.Issuer != nil {
		parent, signer = r.Issuer.Certificate, r.Issuer
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, subject.Public(), signer)
	if err != nil {
		return nil, fail("sign_failed", fmt.Errorf("making the certificate: %w", err))
	}
	return der, nil
}
