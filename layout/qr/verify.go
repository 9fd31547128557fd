package qr

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"math/big"
	"time"
)

// Verdict is the answer a front desk needs about one QR code.
type Verdict string

// Verdicts (docs/qr-format.md "Verdicts").
const (
	// Valid: a trusted office signed exactly this content, with a certificate valid on
	// the issue date.
	Valid Verdict = "valid"
	// Tampered: the content differs from what the trusted key signed.
	Tampered Verdict = "tampered"
	// UnknownSigner: well-formed, but no trusted certificate vouches for the signature
	// (unknown key, or the certificate was not valid on the issue date).
	UnknownSigner Verdict = "unknown_signer"
	// Unreadable: not one of our codes, or one that cannot be decoded.
	Unreadable Verdict = "unreadable"
)

// Reason is the stable code that says why, for translation under qr.reason.<code>.
type Reason string

// Reasons, grouped by the verdict they go with.
const (
	ReasonOK Reason = "ok" // Valid

	ReasonBadSignature Reason = "bad_signature"  // Tampered: the signature does not match the content
	ReasonKeyIDAltered Reason = "key_id_altered" // Tampered: a trusted key signed it, but its key identifier was changed

	ReasonUnknownKey     Reason = "unknown_key"     // UnknownSigner: no trusted certificate has this key
	ReasonUnsupportedKey Reason = "unsupported_key" // UnknownSigner: the trusted certificate's key is not ECDSA P-256
	ReasonSignerExpired  Reason = "signer_expired"  // UnknownSigner: the certificate was not valid on the issue date

	ReasonNotOurs            Reason = "not_ours"            // Unreadable: a QR code, but not an OMS Desk one
	ReasonBadEncoding        Reason = "bad_encoding"        // Unreadable: the prefix is ours, the Base45 text is broken
	ReasonTruncated          Reason = "truncated"           // Unreadable: too short to hold a signature
	ReasonMalformed          Reason = "malformed"           // Unreadable: signed by a trusted key, but its fields do not decode
	ReasonUnsupportedVersion Reason = "unsupported_version" // Unreadable: signed by a trusted key, in a newer format
)

// Result is the outcome of verifying one text.
type Result struct {
	Verdict Verdict `json:"verdict"`
	Reason  Reason  `json:"reason"`
	// Payload is what the code states, nil when it cannot be decoded. Only a Valid
	// result's payload is vouched for; otherwise it is a claim, shown for diagnosis.
	Payload *Payload `json:"payload"`
	// KeyID is the signer key named in the code ("" when unreadable).
	KeyID string `json:"key_id"`
	// Signer is the trusted certificate whose key made the signature, when one did:
	// Valid, Tampered key_id_altered, UnknownSigner signer_expired, Unreadable
	// malformed or unsupported_version after the signature checked out; else nil.
	Signer *x509.Certificate `json:"-"`
	// Detail is a technical English detail for logs, "" when there is none.
	Detail string `json:"detail,omitempty"`
}

// Verify checks a text against trust. The signature is checked before the fields are
// decoded, so any change to the signed bytes — fields, version byte, key identifier or
// signature — is Tampered, never a misleading reading. A nil trust trusts nothing.
func Verify(text string, trust *Trust) Result { return VerifyAt(text, trust, time.Now()) }

// VerifyAt is Verify with the moment of verification given: the signer's certificate
// must have been valid on the code's issue date or be valid at now. The first keeps a
// card valid after its office's certificate expires; the second lets an office reprint
// the face of a card issued before its current certificate.
func VerifyAt(text string, trust *Trust, now time.Time) Result {
	rec, err := splitText(text)
	if err != nil {
		return unreadable(err)
	}
	res := Result{KeyID: rec.keyID.String()}
	p, perr := decodeBody(rec.body)
	if perr == nil {
		res.Payload = &p
	}
	r := new(big.Int).SetBytes(rec.signature[:32])
	s := new(big.Int).SetBytes(rec.signature[32:])
	if trust == nil {
		trust = NewTrust()
	}
	cands := trust.byKey[rec.keyID]
	if len(cands) == 0 {
		// A trusted key that verifies the record with its own identifier put back
		// proves the identifier, and only it, was changed.
		for _, c := range trust.certs {
			id := KeyIDOf(c)
			signed := append(append([]byte(nil), rec.body...), id[:]...)
			if verifies(c, signed, r, s) {
				res.Verdict, res.Reason, res.Signer = Tampered, ReasonKeyIDAltered, c
				return res
			}
		}
		res.Verdict, res.Reason = UnknownSigner, ReasonUnknownKey
		return res
	}
	supported := false
	var signer *x509.Certificate
	for _, c := range cands {
		if isP256(c) {
			supported = true
			if verifies(c, rec.signed, r, s) {
				signer = c
				break
			}
		}
	}
	switch {
	case !supported:
		res.Verdict, res.Reason = UnknownSigner, ReasonUnsupportedKey
		return res
	case signer == nil:
		res.Verdict, res.Reason = Tampered, ReasonBadSignature
		return res
	}
	if perr != nil {
		res.Verdict, res.Reason, res.Detail, res.Signer = Unreadable, ReasonMalformed, perr.Error(), signer
		if errors.Is(perr, ErrUnsupportedVersion) {
			res.Reason = ReasonUnsupportedVersion
		}
		return res
	}
	// Several trusted certificates may hold the key (a renewal): any valid on the issue
	// date, or now, will do.
	for _, c := range cands {
		if isP256(c) && (validOn(c, p.IssueDate.Time()) || validAt(c, now)) {
			res.Verdict, res.Reason, res.Signer = Valid, ReasonOK, c
			return res
		}
	}
	res.Verdict, res.Reason, res.Signer = UnknownSigner, ReasonSignerExpired, signer
	return res
}

// validOn reports whether the certificate was valid at some moment of the day starting
// at day (UTC): the code carries a date, not a time.
func validOn(c *x509.Certificate, day time.Time) bool {
	return !c.NotAfter.Before(day) && c.NotBefore.Before(day.Add(24*time.Hour))
}

// validAt reports whether the certificate is valid at the moment t.
func validAt(c *x509.Certificate, t time.Time) bool {
	return !t.Before(c.NotBefore) && !t.After(c.NotAfter)
}

func isP256(c *x509.Certificate) bool {
	pub, ok := c.PublicKey.(*ecdsa.PublicKey)
	return ok && pub.Curve == elliptic.P256()
}

func verifies(c *x509.Certificate, signed []byte, r, s *big.Int) bool {
	pub, ok := c.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return false
	}
	digest := sha256.Sum256(signed)
	return ecdsa.Verify(pub, digest[:], r, s)
}

func unreadable(err error) Result {
	res := Result{Verdict: Unreadable, Reason: ReasonMalformed, Detail: err.Error()}
	switch {
	case errors.Is(err, ErrNotOurs):
		res.Reason, res.Detail = ReasonNotOurs, ""
	case errors.Is(err, ErrBase45):
		res.Reason = ReasonBadEncoding
	case errors.Is(err, ErrTruncated):
		res.Reason = ReasonTruncated
	}
	return res
}
