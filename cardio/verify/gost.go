package verify

import (
	"strings"
	"time"

	"omsdesk/cardio/gost/gostsig"
)

// gostCertificate parses a GOST X.509 certificate (which crypto/x509 cannot): ok only
// for certificates whose key is a GOST R 34.10 key this program can use.
func gostCertificate(der []byte) (*gostsig.Certificate, bool) {
	c, err := gostsig.ParseCertificate(der)
	if err != nil {
		return nil, false
	}
	if _, err := c.PublicKey(); err != nil {
		return nil, false
	}
	return c, true
}

// checkGOST verifies an official card's insurer signature (GOST R 34.10-2001/2012 over
// a GOST R 34.11 hash) over each candidate range, trying every plausible hash and byte
// layout (gostsig.VerifyAny), and reports which combination matched.
func checkGOST(r *Report, cert *gostsig.Certificate, sig []byte, ranges []signedRange, opts Options) {
	pub, _ := cert.PublicKey() // gostCertificate checked it
	tried := 0
	verified := false
	for _, rg := range ranges {
		tried++
		if m, ok := gostsig.VerifyAny(pub, rg.bytes, sig); ok {
			r.signed(gostsig.AlgorithmName(cert.PublicKeyAlgorithm)+" ("+pub.Curve.Name+")", rg.name, m.String())
			verified = true
			break
		}
	}
	if !verified {
		// VerifyAny tries 3 hashes × 2 digest orders × 4 layouts for 256-bit keys,
		// Streebog-512 × 2 × 4 for 512-bit ones.
		per := 24
		if pub.Curve.Size == 64 {
			per = 8
		}
		r.add("signature", Fail, "signature_bad", map[string]string{"tried": itoa(tried * per)})
	}
	r.Certificate = &CertificateInfo{Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		NotBefore: cert.NotBefore.UTC().Format(time.DateOnly), NotAfter: cert.NotAfter.UTC().Format(time.DateOnly),
		KeyAlgorithm: gostsig.AlgorithmName(cert.PublicKeyAlgorithm) + ", " + pub.Curve.Name,
		Serial:       strings.ToUpper(cert.SerialNumber.Text(16))}
	validity(r, r.Certificate, cert.NotBefore, cert.NotAfter, opts.Today)
	if opts.Trust == nil {
		r.add("certificate.chain", NA, "chain_no_store", nil)
		return
	}
	var lastErr error = errNoTrustedIssuer
	for _, der := range opts.Trust.gost {
		parent, err := gostsig.ParseCertificate(der)
		if err != nil {
			continue
		}
		if err := cert.CheckSignatureFrom(parent); err != nil {
			lastErr = err
			continue
		}
		r.add("certificate.chain", Pass, "chain_ok", map[string]string{"issuer": parent.Subject.String()})
		return
	}
	r.add("certificate.chain", Fail, "chain_untrusted", map[string]string{"error": lastErr.Error()})
}
