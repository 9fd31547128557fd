package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
)

// signedRange is one plausible answer to "which bytes did the insurer sign?". For our
// card profile it is the record without 7F60; for official cards it is not public
// (oms-card-format.md §3), so every plausible range is tried and the report names the
// one that verified.
type signedRange struct {
	name  string
	bytes []byte
}

// signedRanges lists the candidate signed byte ranges of an insurer record:
//   - the template as stored on the card with the 7F60 object cut out (outer length
//     recomputed) — what a signer that worked on the card's own bytes signed;
//   - the record re-encoded canonically (DER lengths) without 7F60;
//   - the template's contents without its 64 header, 7F60 cut out.
func signedRanges(in *policy.Insurer, file []byte) []signedRange {
	var out []signedRange
	add := func(name string, b []byte) {
		for _, r := range out {
			if string(r.bytes) == string(b) {
				return
			}
		}
		out = append(out, signedRange{name, b})
	}
	if objs, err := (tlv.Decoder{AllowPadding: true}).Decode(file); err == nil && len(objs) > 0 {
		var content []byte
		for _, c := range objs[0].Children {
			if c.Tag == policy.TagSignature {
				continue
			}
			content = append(content, file[c.Offset:c.Offset+c.HeaderLen+len(c.Value)]...)
		}
		add("card bytes without 7F60", tlv.Primitive(policy.TagInsurerTemplate, content).Encode())
		add("record re-encoded (DER) without 7F60", in.EncodeUnsigned())
		add("fields without the 64 header, without 7F60", content)
	} else {
		add("record re-encoded (DER) without 7F60", in.EncodeUnsigned())
	}
	return out
}

// checkSignature verifies the insurer's signature with the key of the certificate it
// carries, then describes and chains the certificate.
func checkSignature(r *Report, in *policy.Insurer, file []byte, opts Options) {
	sig := in.Signature
	if sig == nil || len(sig.Value) == 0 {
		r.add("signature", NA, "signature_absent", nil)
		r.add("certificate", NA, "signature_absent", nil)
		r.add("certificate.chain", NA, "signature_absent", nil)
		return
	}
	if len(sig.Certificate) == 0 {
		r.add("signature", Fail, "signature_no_cert", nil)
		r.add("certificate", NA, "signature_no_cert", nil)
		r.add("certificate.chain", NA, "signature_no_cert", nil)
		return
	}
	ranges := signedRanges(in, file)
	// GOST first: crypto/x509 parses GOST certificates too, but without a usable key.
	if g, ok := gostCertificate(sig.Certificate); ok {
		checkGOST(r, g, sig.Value, ranges, opts)
		return
	}
	cert, err := x509.ParseCertificate(sig.Certificate)
	if err != nil {
		r.add("signature", Fail, "cert_bad", map[string]string{"error": err.Error()})
		r.add("certificate", Fail, "cert_bad", map[string]string{"error": err.Error()})
		r.add("certificate.chain", NA, "cert_bad", map[string]string{"error": err.Error()})
		return
	}
	checkECDSA(r, cert, sig.Value, ranges)
	describeX509(r, cert, opts)
}

// checkECDSA verifies an ECDSA P-256 / SHA-256 signature (our card profile), in DER
// (ECDSA-Sig-Value) or raw r||s form, over each candidate range.
func checkECDSA(r *Report, cert *x509.Certificate, sig []byte, ranges []signedRange) {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		r.add("signature", Fail, "signature_unknownkey", map[string]string{"algorithm": cert.PublicKeyAlgorithm.String()})
		return
	}
	tried := 0
	for _, rg := range ranges {
		digest := sha256.Sum256(rg.bytes)
		tried++
		if ecdsa.VerifyASN1(pub, digest[:], sig) {
			r.signed("ECDSA P-256 SHA-256", rg.name, "DER ECDSA-Sig-Value")
			return
		}
		if len(sig) == 64 {
			tried++
			rr, ss := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
			if ecdsa.Verify(pub, digest[:], rr, ss) {
				r.signed("ECDSA P-256 SHA-256", rg.name, "r||s, 32 bytes each, big-endian")
				return
			}
		}
	}
	r.add("signature", Fail, "signature_bad", map[string]string{"tried": itoa(tried)})
}

// signed records a verified signature.
func (r *Report) signed(algorithm, signed, layout string) {
	r.Signature = &SignatureInfo{Algorithm: algorithm, SignedBytes: signed, Layout: layout}
	r.add("signature", Pass, "signature_ok", map[string]string{"algorithm": algorithm, "signed": signed, "layout": layout})
}

// describeX509 reports the certificate's details, its validity today and its chain.
func describeX509(r *Report, cert *x509.Certificate, opts Options) {
	r.Certificate = &CertificateInfo{Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		NotBefore: cert.NotBefore.UTC().Format(time.DateOnly), NotAfter: cert.NotAfter.UTC().Format(time.DateOnly),
		KeyAlgorithm: keyAlgorithm(cert), Serial: strings.ToUpper(cert.SerialNumber.Text(16))}
	validity(r, r.Certificate, cert.NotBefore, cert.NotAfter, opts.Today)
	if opts.Trust == nil || opts.Trust.pool == nil {
		r.add("certificate.chain", NA, "chain_no_store", nil)
		return
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: opts.Trust.pool, CurrentTime: moment(opts.Today),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		r.add("certificate.chain", Fail, "chain_untrusted", map[string]string{"error": err.Error()})
		return
	}
	r.add("certificate.chain", Pass, "chain_ok", map[string]string{"issuer": cert.Issuer.String()})
}

// validity adds the "certificate" check: valid on the day asked.
func validity(r *Report, info *CertificateInfo, from, to time.Time, today policy.Date) {
	params := map[string]string{"subject": info.Subject, "from": info.NotBefore, "to": info.NotAfter, "today": today.String()}
	day := moment(today)
	if day.Before(from) || day.After(to) {
		r.add("certificate", Fail, "cert_expired", params)
		return
	}
	r.add("certificate", Pass, "cert_ok", params)
}

// moment is the instant certificates are judged at for a day: now when the day is today
// (a certificate issued this morning is valid now), noon of the day otherwise.
func moment(d policy.Date) time.Time {
	if now := time.Now(); policy.DateOf(now.UTC()) == d {
		return now
	}
	return d.Time().Add(12 * time.Hour)
}

func keyAlgorithm(cert *x509.Certificate) string {
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); ok {
		return "ECDSA " + pub.Curve.Params().Name
	}
	return cert.PublicKeyAlgorithm.String()
}

// errNoTrustedIssuer is the chain failure when no trusted GOST certificate signed it.
var errNoTrustedIssuer = errors.New("no GOST certificate in the trust store")

// TrustStore holds the certificates a signer's certificate may chain to.
type TrustStore struct {
	pool  *x509.CertPool
	certs []*x509.Certificate // what pool holds, for callers that look certificates up by key
	gost  [][]byte            // DER of trusted GOST certificates, which crypto/x509 cannot parse
}

// ErrNoCertificates means a trust store would be empty: a verifier with nothing trusted
// would call every signer unknown, which is never what was meant.
var ErrNoCertificates = errors.New("no certificates to trust")

// NewTrustStore trusts the given DER or PEM certificates.
func NewTrustStore(certs ...[]byte) (*TrustStore, error) {
	ts := &TrustStore{pool: x509.NewCertPool()}
	for i, c := range certs {
		if err := ts.add(c); err != nil {
			return nil, fmt.Errorf("trust store certificate %d: %w", i+1, err)
		}
	}
	return ts, nil
}

// LoadTrustStore trusts the certificates in the given files and directories. A file may
// have any name; in a directory the files ending .pem, .crt, .cer or .der are read. PEM
// blocks other than CERTIFICATE (a private key kept beside its certificate) are skipped.
func LoadTrustStore(paths ...string) (*TrustStore, error) {
	ts := &TrustStore{pool: x509.NewCertPool()}
	for _, p := range paths {
		files, err := certificateFiles(p)
		if err != nil {
			return nil, fmt.Errorf("loading trust store: %w", err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("loading trust store: %w", err)
			}
			if err := ts.add(b); err != nil {
				return nil, fmt.Errorf("loading trust store %s: %w", filepath.Base(f), err)
			}
		}
	}
	if len(ts.certs) == 0 && len(ts.gost) == 0 {
		return nil, fmt.Errorf("loading trust store from %s: %w", strings.Join(paths, ", "), ErrNoCertificates)
	}
	return ts, nil
}

// certificateFiles is path itself, or the certificate files in the directory path.
func certificateFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".pem", ".crt", ".cer", ".der":
			if !e.IsDir() {
				out = append(out, filepath.Join(path, e.Name()))
			}
		}
	}
	return out, nil
}

// Certificates returns the trusted X.509 certificates (not the GOST ones, which
// crypto/x509 cannot represent).
func (ts *TrustStore) Certificates() []*x509.Certificate {
	return append([]*x509.Certificate(nil), ts.certs...)
}

func (ts *TrustStore) add(b []byte) error {
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
		if err := ts.addDER(block.Bytes); err != nil {
			return err
		}
	}
	if sawPEM {
		return nil
	}
	return ts.addDER(b)
}

func (ts *TrustStore) addDER(der []byte) error {
	// GOST first: crypto/x509 parses GOST certificates too, but cannot check them.
	if _, ok := gostCertificate(der); ok {
		ts.gost = append(ts.gost, der)
		return nil
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("not a certificate: %w", err)
	}
	ts.pool.AddCert(c)
	ts.certs = append(ts.certs, c)
	return nil
}
