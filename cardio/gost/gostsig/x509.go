package gostsig

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Object identifiers of GOST algorithms in X.509 (RFC 4491, RFC 9215).
const (
	// OIDGost2001 is id-GostR3410-2001, the key algorithm of GOST R 34.10-2001 keys.
	OIDGost2001 = "1.2.643.2.2.19"
	// OIDGost2012256 is id-tc26-gost3410-12-256, a 256-bit GOST R 34.10-2012 key.
	OIDGost2012256 = "1.2.643.7.1.1.1.1"
	// OIDGost2012512 is id-tc26-gost3410-12-512, a 512-bit GOST R 34.10-2012 key.
	OIDGost2012512 = "1.2.643.7.1.1.1.2"

	// OIDSignGost2001 is id-GostR3411-94-with-GostR3410-2001 (hash: GOST R 34.11-94
	// with the CryptoPro parameters, RFC 4491 §2.2.2).
	OIDSignGost2001 = "1.2.643.2.2.3"
	// OIDSignGost2012256 is id-tc26-signwithdigest-gost3410-12-256 (Streebog-256).
	OIDSignGost2012256 = "1.2.643.7.1.1.3.2"
	// OIDSignGost2012512 is id-tc26-signwithdigest-gost3410-12-512 (Streebog-512).
	OIDSignGost2012512 = "1.2.643.7.1.1.3.3"
)

// oidNames names the GOST algorithm and parameter OIDs a report may show.
var oidNames = map[string]string{
	OIDGost2001:         "id-GostR3410-2001",
	OIDGost2012256:      "id-tc26-gost3410-12-256",
	OIDGost2012512:      "id-tc26-gost3410-12-512",
	OIDSignGost2001:     "id-GostR3411-94-with-GostR3410-2001",
	OIDSignGost2012256:  "id-tc26-signwithdigest-gost3410-12-256",
	OIDSignGost2012512:  "id-tc26-signwithdigest-gost3410-12-512",
	"1.2.643.2.2.30.0":  "id-GostR3411-94-TestParamSet",
	"1.2.643.2.2.30.1":  "id-GostR3411-94-CryptoProParamSet",
	"1.2.643.7.1.1.2.2": "id-tc26-gost3411-12-256",
	"1.2.643.7.1.1.2.3": "id-tc26-gost3411-12-512",
	"1.2.643.2.2.9":     "id-GostR3411-94",
	"1.2.643.2.2.4":     "id-GostR3411-94-with-GostR3410-94",
	"1.2.643.2.2.20":    "id-GostR3410-94",
}

// AlgorithmName returns the ASN.1 name of a GOST algorithm or parameter set OID, or the
// OID itself when it is not one this package knows.
func AlgorithmName(oid string) string {
	if n, ok := oidNames[oid]; ok {
		return n
	}
	if c, ok := CurveByOID(oid); ok {
		return c.Name
	}
	return oid
}

// keySize maps a GOST key algorithm OID to its coordinate size in bytes.
func keySize(alg string) (int, bool) {
	switch alg {
	case OIDGost2001, OIDGost2012256:
		return 32, true
	case OIDGost2012512:
		return 64, true
	}
	return 0, false
}

// signatureHash maps a GOST signature algorithm OID to its hash and key size.
func signatureHash(alg string) (Hash, int, bool) {
	switch alg {
	case OIDSignGost2001:
		return HashGOST94CryptoPro, 32, true
	case OIDSignGost2012256:
		return HashStreebog256, 32, true
	case OIDSignGost2012512:
		return HashStreebog512, 64, true
	}
	return 0, 0, false
}

// Certificate is the part of a GOST X.509 certificate (RFC 5280 with RFC 4491 / RFC
// 9215 keys) that an integrity report needs. crypto/x509 cannot parse GOST keys, so
// this reads the structure with encoding/asn1.
type Certificate struct {
	Raw               []byte // the complete DER certificate
	RawTBSCertificate []byte // the DER tbsCertificate: the bytes the issuer signed

	Version      int // 1, 2 or 3
	SerialNumber *big.Int

	Issuer, Subject       pkix.Name
	RawIssuer, RawSubject []byte // DER Name, for exact comparison

	NotBefore, NotAfter time.Time

	// PublicKeyAlgorithm is the dotted OID of the subject key algorithm, e.g.
	// OIDGost2012256. Certificates with other algorithms parse, but PublicKey fails.
	PublicKeyAlgorithm string
	// PublicKeyParamSet is the curve OID from the GOST key parameters, DigestParamSet
	// the hash parameter OID ("" when absent, as RFC 9215 allows for 2012 keys).
	PublicKeyParamSet, DigestParamSet string
	// PublicKeyBytes is the content of the OCTET STRING inside the subjectPublicKey BIT
	// STRING: x || y little-endian for GOST keys. For other algorithms it is the BIT
	// STRING content.
	PublicKeyBytes []byte

	Extensions []pkix.Extension

	// SignatureAlgorithm is the dotted OID of the issuer's signature algorithm, e.g.
	// OIDSignGost2012256; Signature is the signature BIT STRING content (s || r).
	SignatureAlgorithm string
	Signature          []byte
}

// signedObject is the outer shape shared by certificates, certification requests and
// CRLs: SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }.
type signedObject struct {
	TBS       asn1.RawValue
	Algorithm pkix.AlgorithmIdentifier
	Signature asn1.BitString
}

type tbsCertificate struct {
	Version         int `asn1:"optional,explicit,default:0,tag:0"`
	SerialNumber    *big.Int
	Signature       pkix.AlgorithmIdentifier
	Issuer          asn1.RawValue
	Validity        validity
	Subject         asn1.RawValue
	PublicKey       publicKeyInfo
	IssuerUniqueID  asn1.BitString   `asn1:"optional,tag:1"`
	SubjectUniqueID asn1.BitString   `asn1:"optional,tag:2"`
	Extensions      []pkix.Extension `asn1:"omitempty,optional,explicit,tag:3"`
}

type validity struct {
	NotBefore, NotAfter time.Time
}

type publicKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// gostKeyParameters is GostR3410-2012-PublicKeyParameters (RFC 9215 §4.3.1), which
// also covers the 2001 form of RFC 4491 §2.3.1.
type gostKeyParameters struct {
	PublicKeyParamSet  asn1.ObjectIdentifier
	DigestParamSet     asn1.ObjectIdentifier `asn1:"optional"`
	EncryptionParamSet asn1.ObjectIdentifier `asn1:"optional"`
}

// splitSigned parses the outer SEQUENCE of a signed X.509 object and returns it with
// the raw to-be-signed bytes. Trailing data after the object is an error.
func splitSigned(der []byte) (*signedObject, error) {
	var so signedObject
	rest, err := asn1.Unmarshal(der, &so)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after the signed object")
	}
	if so.TBS.Class != asn1.ClassUniversal || so.TBS.Tag != asn1.TagSequence || !so.TBS.IsCompound {
		return nil, errors.New("to-be-signed part is not a SEQUENCE")
	}
	if so.Signature.BitLength%8 != 0 {
		return nil, errors.New("signature BIT STRING is not a whole number of bytes")
	}
	return &so, nil
}

// ParseCertificate parses one DER-encoded X.509 certificate with a GOST (or any other)
// key. It checks the structure only; call PublicKey to check the key and
// CheckSignatureFrom to check the signature.
func ParseCertificate(der []byte) (*Certificate, error) {
	c, err := parseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate: %w: %w", ErrMalformedCertificate, err)
	}
	return c, nil
}

func parseCertificate(der []byte) (*Certificate, error) {
	so, err := splitSigned(der)
	if err != nil {
		return nil, err
	}
	var tbs tbsCertificate
	rest, err := asn1.Unmarshal(so.TBS.FullBytes, &tbs)
	if err != nil {
		return nil, fmt.Errorf("tbsCertificate: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data in tbsCertificate")
	}
	if tbs.Version < 0 || tbs.Version > 2 {
		return nil, fmt.Errorf("unknown certificate version %d", tbs.Version+1)
	}
	if tbs.SerialNumber == nil {
		return nil, errors.New("missing serial number")
	}
	if !tbs.Signature.Algorithm.Equal(so.Algorithm.Algorithm) {
		return nil, fmt.Errorf("signature algorithm %v in tbsCertificate differs from %v outside it",
			tbs.Signature.Algorithm, so.Algorithm.Algorithm)
	}
	c := &Certificate{
		Raw:                der[:len(der):len(der)],
		RawTBSCertificate:  so.TBS.FullBytes,
		Version:            tbs.Version + 1,
		SerialNumber:       tbs.SerialNumber,
		RawIssuer:          tbs.Issuer.FullBytes,
		RawSubject:         tbs.Subject.FullBytes,
		NotBefore:          tbs.Validity.NotBefore,
		NotAfter:           tbs.Validity.NotAfter,
		Extensions:         tbs.Extensions,
		SignatureAlgorithm: so.Algorithm.Algorithm.String(),
		Signature:          so.Signature.Bytes,
	}
	if c.Issuer, err = parseName(tbs.Issuer.FullBytes); err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	if c.Subject, err = parseName(tbs.Subject.FullBytes); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	ki, err := parseKeyInfo(tbs.PublicKey)
	if err != nil {
		return nil, err
	}
	c.PublicKeyAlgorithm, c.PublicKeyParamSet, c.DigestParamSet, c.PublicKeyBytes =
		ki.algorithm, ki.paramSet, ki.digestSet, ki.octets
	return c, nil
}

// keyInfo is a decoded SubjectPublicKeyInfo.
type keyInfo struct {
	algorithm, paramSet, digestSet string
	octets                         []byte
}

// parseSPKI decodes a DER SubjectPublicKeyInfo, as `openssl pkey -pubout` writes it.
func parseSPKI(der []byte) (*keyInfo, error) {
	var pki publicKeyInfo
	rest, err := asn1.Unmarshal(der, &pki)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after SubjectPublicKeyInfo")
	}
	return parseKeyInfo(pki)
}

func parseKeyInfo(pki publicKeyInfo) (*keyInfo, error) {
	ki := &keyInfo{algorithm: pki.Algorithm.Algorithm.String()}
	key := pki.PublicKey
	if _, gost := keySize(ki.algorithm); !gost {
		ki.octets = key.Bytes
		return ki, nil
	}
	// RFC 9215 §4.3.1: parameters are a SEQUENCE of OIDs. (RFC 4491 allows them to be
	// absent and inherited from the issuer; OMS certificates carry them, so absence is
	// reported as malformed rather than resolved.)
	var params gostKeyParameters
	rest, err := asn1.Unmarshal(pki.Algorithm.Parameters.FullBytes, &params)
	if err != nil {
		return nil, fmt.Errorf("GOST key parameters: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after GOST key parameters")
	}
	ki.paramSet = params.PublicKeyParamSet.String()
	if len(params.DigestParamSet) > 0 {
		ki.digestSet = params.DigestParamSet.String()
	}
	// RFC 9215 §4.3.2: the BIT STRING holds the DER of an OCTET STRING x || y.
	if key.BitLength%8 != 0 {
		return nil, errors.New("public key BIT STRING is not a whole number of bytes")
	}
	rest, err = asn1.Unmarshal(key.Bytes, &ki.octets)
	if err != nil {
		return nil, fmt.Errorf("GOST public key OCTET STRING: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after GOST public key")
	}
	return ki, nil
}

func parseName(der []byte) (pkix.Name, error) {
	var rdn pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &rdn)
	if err != nil {
		return pkix.Name{}, err
	}
	if len(rest) != 0 {
		return pkix.Name{}, errors.New("trailing data after Name")
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdn)
	return n, nil
}

// Curve returns the parameter set the certificate's key names, if this package knows it.
func (c *Certificate) Curve() (*Curve, bool) {
	return CurveByOID(c.PublicKeyParamSet)
}

// PublicKey returns the certificate's subject public key. It fails with
// ErrUnsupportedAlgorithm for a non-GOST key or a curve of the wrong size for the key
// algorithm, ErrUnknownCurve for an unknown parameter set, and ErrMalformedKey when
// the key bytes have the wrong length or are not a point on the curve.
func (c *Certificate) PublicKey() (*PublicKey, error) {
	ki := keyInfo{c.PublicKeyAlgorithm, c.PublicKeyParamSet, c.DigestParamSet, c.PublicKeyBytes}
	pub, err := ki.publicKey()
	if err != nil {
		return nil, fmt.Errorf("reading certificate public key: %w", err)
	}
	return pub, nil
}

func (ki *keyInfo) publicKey() (*PublicKey, error) {
	size, ok := keySize(ki.algorithm)
	if !ok {
		return nil, fmt.Errorf("%w: key algorithm %s", ErrUnsupportedAlgorithm, ki.algorithm)
	}
	curve, ok := CurveByOID(ki.paramSet)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownCurve, ki.paramSet)
	}
	if curve.Size != size {
		return nil, fmt.Errorf("%w: %d-bit curve %s with key algorithm %s",
			ErrUnsupportedAlgorithm, curve.Size*8, curve.Name, AlgorithmName(ki.algorithm))
	}
	return ParsePublicKeyLE(curve, ki.octets)
}

// CheckSignatureFrom checks that c was signed by the key of parent (which is c itself
// for a self-signed certificate). It checks the signature only: names, validity dates,
// key usage and chain building are the caller's business.
func (c *Certificate) CheckSignatureFrom(parent *Certificate) error {
	if parent == nil {
		return errors.New("checking certificate signature: no issuer certificate")
	}
	pub, err := parent.PublicKey()
	if err != nil {
		return fmt.Errorf("checking certificate signature: issuer key: %w", err)
	}
	if err := CheckSignature(pub, c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		return fmt.Errorf("checking certificate signature: %w", err)
	}
	return nil
}

// CheckSignature strictly verifies an X.509-style GOST signature: algorithm is the
// dotted signature algorithm OID (OIDSignGost2001, OIDSignGost2012256 or
// OIDSignGost2012512), signed the exact signed bytes (for example a tbsCertificate,
// certificationRequestInfo or tbsCertList), signature the BIT STRING content s || r
// big-endian. It returns nil, or an error matching ErrUnsupportedAlgorithm,
// ErrMalformedKey (nil or invalid pub), ErrMalformedSignature or ErrVerification.
func CheckSignature(pub *PublicKey, algorithm string, signed, signature []byte) error {
	h, size, ok := signatureHash(algorithm)
	if !ok {
		return fmt.Errorf("%w: signature algorithm %s", ErrUnsupportedAlgorithm, algorithm)
	}
	if !validKey(pub) {
		return ErrMalformedKey
	}
	if pub.Curve.Size != size {
		return fmt.Errorf("%w: %s with a %d-bit key", ErrUnsupportedAlgorithm, AlgorithmName(algorithm), pub.Curve.Size*8)
	}
	if len(signature) != 2*size {
		return fmt.Errorf("%w: %d bytes, want %d", ErrMalformedSignature, len(signature), 2*size)
	}
	r, s, err := ParseSignature(signature, Layout{})
	if err != nil {
		return err
	}
	if !VerifyDigest(pub, h.Sum(signed), r, s) {
		return ErrVerification
	}
	return nil
}
