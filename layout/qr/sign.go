package qr

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Errors of Sign about the key.
var (
	ErrUnsupportedKey = errors.New("signer certificate key is not ECDSA P-256")
	ErrKeyMismatch    = errors.New("signer key does not match the certificate")
	ErrBadSignature   = errors.New("signer returned a malformed signature")
)

// Sign makes the text of a QR code for p: the record of docs/qr-format.md with the key
// identifier of cert, signed by signer (ECDSA P-256 over SHA-256; any crypto.Signer, so
// an in-memory key in tests and a PKCS#11 token key in an office), in Base45 after
// Prefix. The text is ASCII in the QR alphanumeric set and never ends in a space (phone
// scanner apps trim trailing spaces). A payload that format version 1 cannot carry gives
// a *FieldError.
func Sign(p Payload, signer crypto.Signer, cert *x509.Certificate) (string, error) {
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("signing qr payload: %w", err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return "", fmt.Errorf("signing qr payload: %w", ErrUnsupportedKey)
	}
	if !pub.Equal(signer.Public()) {
		return "", fmt.Errorf("signing qr payload: %w", ErrKeyMismatch)
	}
	id := KeyIDOf(cert)
	rec := append(encodeBody(&p), id[:]...)
	digest := sha256.Sum256(rec)
	sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing qr payload: %w", err)
	}
	raw, err := rawSignature(sig)
	if err != nil {
		return "", fmt.Errorf("signing qr payload: %w", err)
	}
	return Prefix + EncodeBase45(append(rec, raw...)), nil
}

// rawSignature turns the DER ECDSA-Sig-Value that crypto.Signer implementations return
// into r||s, 32 bytes each. A signer that already returns 64 raw bytes is accepted too.
func rawSignature(sig []byte) ([]byte, error) {
	var v struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &v)
	if err != nil || len(rest) != 0 {
		if len(sig) == SignatureSize {
			return sig, nil
		}
		return nil, fmt.Errorf("%d bytes, neither DER nor r||s: %w", len(sig), ErrBadSignature)
	}
	if v.R.Sign() <= 0 || v.S.Sign() <= 0 || v.R.BitLen() > 256 || v.S.BitLen() > 256 {
		return nil, ErrBadSignature
	}
	out := make([]byte, SignatureSize)
	v.R.FillBytes(out[:32])
	v.S.FillBytes(out[32:])
	return out, nil
}
