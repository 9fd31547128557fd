package qr

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// Prefix starts every text: it tells our codes from any other QR code on a page before
// anything is decoded. Its characters are in QR alphanumeric mode.
const Prefix = "OMS:"

// KeyID names the signer's key in a record so the verifier can find the certificate in
// its trust store; the certificate itself would not fit on a card face.
type KeyID [KeyIDSize]byte

// KeyIDOf returns the first 8 bytes of SHA-256 of cert's SubjectPublicKeyInfo. It names
// the key, not the certificate, so a renewed certificate for the same key still matches.
func KeyIDOf(cert *x509.Certificate) KeyID {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	var id KeyID
	copy(id[:], sum[:])
	return id
}

// String is the key identifier in upper-case hex, as docs and the CLI show it.
func (id KeyID) String() string { return strings.ToUpper(hex.EncodeToString(id[:])) }

// MarshalText writes the hex form into JSON.
func (id KeyID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// record is a decoded text split into its parts (docs/qr-format.md "Layout").
type record struct {
	body      []byte // version byte, fields, parity padding
	signed    []byte // body || key id: what the signature covers
	keyID     KeyID
	signature []byte // r||s
}

// minRecord is the shortest record that can hold a trailer and a version byte.
const minRecord = 1 + trailerSize

// splitText checks the prefix, decodes the Base45 text and splits the record. It does
// not look inside the body, so the signature can be checked before the version is known.
func splitText(text string) (*record, error) {
	rest, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		return nil, ErrNotOurs
	}
	b, err := DecodeBase45(rest)
	if err != nil {
		return nil, err
	}
	if len(b) < minRecord {
		return nil, fmt.Errorf("record of %d bytes, at least %d: %w", len(b), minRecord, ErrTruncated)
	}
	if len(b)%2 == 0 {
		return nil, fmt.Errorf("record of %d bytes, odd length required: %w", len(b), ErrMalformed)
	}
	n := len(b) - trailerSize
	r := &record{body: b[:n], signed: b[:n+KeyIDSize], signature: b[n+KeyIDSize:]}
	copy(r.keyID[:], b[n:])
	return r, nil
}

// Parse reads a text made by Sign without checking its signature: for showing what an
// unverified code claims, and for tools. Use Verify to trust it. Errors wrap
// ErrNotOurs, ErrBase45, ErrTruncated, ErrMalformed or ErrUnsupportedVersion.
func Parse(text string) (Payload, error) {
	r, err := splitText(text)
	if err != nil {
		return Payload{}, fmt.Errorf("parsing qr text: %w", err)
	}
	p, err := decodeBody(r.body)
	if err != nil {
		return Payload{}, fmt.Errorf("parsing qr text: %w", err)
	}
	return p, nil
}

// ParseKeyID returns the signer's key identifier of a text without checking anything
// else: for a verifier that must report which key signed a code it cannot verify.
func ParseKeyID(text string) (KeyID, error) {
	r, err := splitText(text)
	if err != nil {
		return KeyID{}, fmt.Errorf("parsing qr text: %w", err)
	}
	return r.keyID, nil
}
