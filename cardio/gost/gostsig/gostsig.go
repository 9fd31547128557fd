// Package gostsig verifies GOST R 34.10-2001 and GOST R 34.10-2012 (256- and 512-bit)
// elliptic-curve signatures, and parses the GOST X.509 certificates that carry their
// public keys. It only verifies: OMS Desk never signs with GOST keys.
//
// It exists for the insurer signature on OMS policy cards (template 7F60: signature
// value 5F61, signer certificate 5F62; oms-card-format.md §3). The certificate is a
// GOST X.509 certificate that crypto/x509 cannot read, and the exact signed byte range,
// hash and byte order of the card signature are not public. So the package offers a
// strict verifier with the byte orders of the standards ([VerifyDigest], [CheckSignature],
// [Certificate.CheckSignatureFrom]) and a diagnostic one, [VerifyAny], that tries the
// plausible hashes and byte layouts of an unknown producer and reports which one
// matched, in words a technician can put in an integrity report.
//
// Byte-order conventions (RFC 4491, RFC 9215, gost-engine; checked against the reference
// data in testdata/):
//
//   - e is the hash digest read as a little-endian integer (first digest byte least
//     significant), reduced mod q; e = 0 becomes 1 (GOST R 34.10-2012 §6.2 step 3).
//   - The signature in X.509 BIT STRINGs and from OpenSSL is s || r, each big-endian and
//     Curve.Size bytes long.
//   - A public key in SubjectPublicKeyInfo is an OCTET STRING x || y, each little-endian.
//
// Hashes come from the sibling packages streebog (GOST R 34.11-2012) and gost94
// (GOST R 34.11-94). Arithmetic is math/big and not constant time, which is fine for
// verification because every input is public.
package gostsig

import (
	"errors"
	"fmt"
	"math/big"
)

// Errors callers can match with errors.Is.
var (
	// ErrUnknownCurve means a key names a parameter set OID this package does not know.
	ErrUnknownCurve = errors.New("unknown GOST curve parameter set")
	// ErrUnsupportedAlgorithm means a key or signature algorithm OID is not GOST R
	// 34.10-2001/2012, or a signature algorithm does not fit the key.
	ErrUnsupportedAlgorithm = errors.New("unsupported GOST algorithm")
	// ErrMalformedKey means public key bytes have the wrong length or are not a point
	// of the curve.
	ErrMalformedKey = errors.New("malformed GOST public key")
	// ErrMalformedSignature means signature bytes have the wrong length for the key.
	ErrMalformedSignature = errors.New("malformed GOST signature")
	// ErrMalformedCertificate means DER bytes are not a GOST X.509 certificate this
	// package can read.
	ErrMalformedCertificate = errors.New("malformed certificate")
	// ErrVerification means the signature is well formed but does not verify: the data,
	// the signature or the key is not what was signed.
	ErrVerification = errors.New("GOST signature verification failed")
)

// PublicKey is a GOST R 34.10 public key: the point (X, Y) on Curve.
type PublicKey struct {
	Curve *Curve
	X, Y  *big.Int
}

// ParsePublicKeyLE parses a public key as stored in the OCTET STRING of a GOST
// SubjectPublicKeyInfo (RFC 4491 §2.3.2, RFC 9215 §4.3): x || y, each coordinate
// Curve.Size bytes little-endian. It checks that the point lies on the curve.
func ParsePublicKeyLE(c *Curve, raw []byte) (*PublicKey, error) {
	if c == nil {
		return nil, fmt.Errorf("parsing public key: %w", ErrUnknownCurve)
	}
	if len(raw) != 2*c.Size {
		return nil, fmt.Errorf("parsing public key: %w: %d bytes, want %d for %s",
			ErrMalformedKey, len(raw), 2*c.Size, c.Name)
	}
	pub := &PublicKey{
		Curve: c,
		X:     leInt(raw[:c.Size]),
		Y:     leInt(raw[c.Size:]),
	}
	if !c.onCurve(pub.X, pub.Y) {
		return nil, fmt.Errorf("parsing public key: %w: point is not on %s", ErrMalformedKey, c.Name)
	}
	return pub, nil
}

// Layout says how r and s are laid out in a raw 2n-byte signature. The zero value,
// s || r with each half big-endian, is the layout of X.509, CMS and OpenSSL (RFC 4491
// §2.2.2; gost-engine pack_sign_cp) and the only one the strict functions accept.
type Layout struct {
	// RFirst puts r in the first half: r || s, the order in which the standard's text
	// lists the signature vector (RFC 7091 §6.1 step 6).
	RFirst bool
	// LittleEndian stores each half least significant byte first. The whole s || r
	// buffer reversed, as Windows CryptoAPI returns GOST signatures, is r || s with
	// both flags set.
	LittleEndian bool
}

// layouts lists every Layout in the order VerifyAny tries them.
var layouts = []Layout{
	{},
	{RFirst: true},
	{RFirst: true, LittleEndian: true},
	{LittleEndian: true},
}

// String describes the layout for a report, e.g. "s||r, big-endian (X.509/OpenSSL)".
func (l Layout) String() string {
	switch l {
	case Layout{}:
		return "s||r, big-endian (X.509/OpenSSL layout)"
	case Layout{RFirst: true}:
		return "r||s, big-endian (order of the standard's text)"
	case Layout{RFirst: true, LittleEndian: true}:
		return "r||s, little-endian (X.509 layout byte-reversed, as Windows CryptoAPI returns it)"
	default:
		return "s||r, little-endian (r||s big-endian byte-reversed)"
	}
}

// ParseSignature splits a raw signature of 64 bytes (256-bit keys) or 128 bytes
// (512-bit keys) into r and s according to layout. It does not check the range of r and
// s; VerifyDigest does.
func ParseSignature(sig []byte, layout Layout) (r, s *big.Int, err error) {
	if len(sig) != 64 && len(sig) != 128 {
		return nil, nil, fmt.Errorf("parsing signature: %w: %d bytes, want 64 or 128",
			ErrMalformedSignature, len(sig))
	}
	n := len(sig) / 2
	first, second := sig[:n], sig[n:]
	conv := beInt
	if layout.LittleEndian {
		conv = leInt
	}
	if layout.RFirst {
		return conv(first), conv(second), nil
	}
	return conv(second), conv(first), nil
}

// VerifyDigest reports whether (r, s) is a valid GOST R 34.10 signature by pub of a
// message whose hash is digest (GOST R 34.10-2012 §6.2, RFC 7091 §6.2). The digest is
// read as a little-endian integer, as the standards and every known implementation do;
// it must be Curve.Size bytes long (GOST R 34.11-94 and Streebog-256 for 256-bit keys,
// Streebog-512 for 512-bit keys). It returns false, never panics, for any malformed
// input: nil values, r or s outside (0, q), a key that is not on its curve.
func VerifyDigest(pub *PublicKey, digest []byte, r, s *big.Int) bool {
	ok, _ := verify(pub, digest, r, s)
	return ok
}

// trace holds the intermediate values of one verification, named as in RFC 7091 §6.2,
// so tests can compare them with the worked examples.
type trace struct {
	e, v, z1, z2 *big.Int
	cx, cy       *big.Int
}

func verify(pub *PublicKey, digest []byte, r, s *big.Int) (bool, *trace) {
	if !validKey(pub) || r == nil || s == nil || len(digest) != pub.Curve.Size {
		return false, nil
	}
	c := pub.Curve
	q := c.Q
	// Step 1: 0 < r < q and 0 < s < q.
	if r.Sign() <= 0 || r.Cmp(q) >= 0 || s.Sign() <= 0 || s.Cmp(q) >= 0 {
		return false, nil
	}
	// Steps 2-3: e = digest (little-endian) mod q, 0 -> 1.
	t := &trace{e: leInt(digest)}
	t.e.Mod(t.e, q)
	if t.e.Sign() == 0 {
		t.e.SetInt64(1)
	}
	// Step 4: v = e^-1 mod q.
	t.v = new(big.Int).ModInverse(t.e, q)
	if t.v == nil { // q is prime, so only a corrupted curve gets here
		return false, nil
	}
	// Step 5: z1 = s*v mod q, z2 = -r*v mod q.
	t.z1 = new(big.Int).Mul(s, t.v)
	t.z1.Mod(t.z1, q)
	t.z2 = new(big.Int).Mul(r, t.v)
	t.z2.Neg(t.z2)
	t.z2.Mod(t.z2, q)
	// Step 6: C = z1*P + z2*Q, R = x_C mod q.
	a := newArith(c)
	var g, k jacobian
	g.setAffine(c.X, c.Y)
	k.setAffine(pub.X, pub.Y)
	cx, cy, ok := a.affine(a.combinedMult(t.z1, &g, t.z2, &k))
	if !ok {
		return false, t
	}
	t.cx, t.cy = cx, cy
	// Step 7: valid iff R = r.
	return new(big.Int).Mod(cx, q).Cmp(r) == 0, t
}

// validKey checks everything verify relies on, so hand-built keys cannot make it panic.
func validKey(pub *PublicKey) bool {
	if pub == nil || pub.Curve == nil {
		return false
	}
	c := pub.Curve
	if c.P == nil || c.A == nil || c.B == nil || c.Q == nil || c.X == nil || c.Y == nil ||
		c.P.Sign() <= 0 || c.Q.Sign() <= 0 || (c.Size != 32 && c.Size != 64) {
		return false
	}
	return c.onCurve(pub.X, pub.Y) && c.onCurve(c.X, c.Y)
}

// leInt reads b as an unsigned little-endian integer.
func leInt(b []byte) *big.Int {
	return new(big.Int).SetBytes(reversedCopy(b))
}

// beInt reads b as an unsigned big-endian integer.
func beInt(b []byte) *big.Int {
	return new(big.Int).SetBytes(b)
}
