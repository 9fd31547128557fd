// Package gost94 implements the GOST R 34.11-94 hash function (RFC 5831) and, inside
// it, the GOST 28147-89 block cipher, using only the standard library.
//
// OMS Desk needs it to verify insurer signatures made under GOST R 34.10-2001, which
// sign a GOST R 34.11-94 digest (see package omsdesk/cardio/gost/gostsig). The hash is
// parameterised by the cipher's S-boxes; both sets of RFC 4357 section 11.2 are
// provided: [CryptoProParams], the one used in practice, and [TestParams], the one of
// the RFC 5831 examples.
//
// # Byte order
//
// The state is kept little-endian, as in the OpenSSL gost engine: the first input byte
// is the least significant byte of the first 256-bit block, and the digest is the final
// state written least significant byte first. That is the order
// `openssl dgst -engine gost -md_gost94` prints and the order from which
// GOST R 34.10-2001 reads e as a little-endian integer. `gostsum` (and RFC 5831) print
// the same 32 bytes reversed.
package gost94

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

const (
	// Size is the size of a GOST R 34.11-94 digest in bytes.
	Size = 32
	// BlockSize is the size of the message block the step function takes, in bytes.
	BlockSize = 32
)

// SBox holds the eight substitution units of GOST 28147-89: SBox[0] is pi1, which
// substitutes the least significant nibble of the round function's input, through
// SBox[7], pi8, for the most significant one (RFC 5831 section 5, RFC 4357 section
// 11.2). Only the low four bits of each entry are used.
type SBox [8][16]byte

// Params names one GOST R 34.11-94 parameter set: the GOST 28147-89 S-boxes the hash
// uses, with the set's name and object identifier from RFC 4357 section 11.2. The
// starting hash value h0 of both standard sets is zero, so it is not a field.
type Params struct {
	// Name is the RFC 4357 name, e.g. "id-GostR3411-94-CryptoProParamSet".
	Name string
	// OID is the dotted object identifier, e.g. "1.2.643.2.2.30.1".
	OID string
	// SBox holds the cipher's substitution units.
	SBox SBox
}

// digest is the running state of one GOST R 34.11-94 computation. It implements
// hash.Hash.
type digest struct {
	c      *cipher
	h      [4]uint64 // chaining value H, little-endian words
	sigma  [4]uint64 // SIGMA: sum of the message blocks, mod 2^256
	length [4]uint64 // L: message length in bits, mod 2^256
	buf    [BlockSize]byte
	nbuf   int // bytes waiting in buf, always < BlockSize
}

// New returns a new hash.Hash computing the GOST R 34.11-94 digest with the S-boxes of
// p, for example [CryptoProParams]. Its Sum appends the digest in the byte order
// `openssl dgst -engine gost -md_gost94` prints; `gostsum` prints it reversed. The
// S-boxes are copied, so later changes to p do not affect the hash. New panics if p is
// nil.
func New(p *Params) hash.Hash {
	return &digest{c: cipherFor(p)}
}

// Sum returns the GOST R 34.11-94 digest of data with the S-boxes of p, in the byte
// order `openssl dgst -engine gost -md_gost94` prints. Sum panics if p is nil.
func Sum(p *Params, data []byte) [Size]byte {
	d := digest{c: cipherFor(p)}
	d.Write(data)
	var out [Size]byte
	d.finish(&out)
	return out
}

// Size returns the digest size, 32 bytes.
func (d *digest) Size() int { return Size }

// BlockSize returns the block size of the step function, 32 bytes.
func (d *digest) BlockSize() int { return BlockSize }

// Reset restores the initial state; the parameter set stays the same.
func (d *digest) Reset() {
	*d = digest{c: d.c}
}

// Write adds p to the message. It never returns an error.
func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	if d.nbuf > 0 {
		k := copy(d.buf[d.nbuf:], p)
		d.nbuf += k
		p = p[k:]
		if d.nbuf < BlockSize {
			return n, nil
		}
		d.block(d.buf[:])
		d.nbuf = 0
	}
	// A complete block can be processed at once: a final chunk of exactly 32 bytes is
	// treated like any other block (RFC 5831 section 6).
	for len(p) >= BlockSize {
		d.block(p[:BlockSize])
		p = p[BlockSize:]
	}
	d.nbuf = copy(d.buf[:], p)
	return n, nil
}

// Sum appends the digest of the data written so far to b and returns the result. The
// running state is not changed.
func (d *digest) Sum(b []byte) []byte {
	c := *d
	var out [Size]byte
	c.finish(&out)
	return append(b, out[:]...)
}

// block processes one full 32-byte block: H = chi(M, H), L += 256, SIGMA += M.
func (d *digest) block(p []byte) {
	m := loadBlock(p)
	d.c.step(&d.h, &m)
	add256(&d.length, &[4]uint64{BlockSize * 8})
	add256(&d.sigma, &m)
}

// finish runs the end of RFC 5831 section 6: the last partial block, zero-padded (or
// an all-zero block for the empty message), then chi(L, H) and chi(SIGMA, H). It writes
// the digest to out and changes d.
func (d *digest) finish(out *[Size]byte) {
	if d.nbuf > 0 || d.length == [4]uint64{} {
		var last [BlockSize]byte
		copy(last[:], d.buf[:d.nbuf])
		m := loadBlock(last[:])
		d.c.step(&d.h, &m)
		add256(&d.length, &[4]uint64{uint64(d.nbuf) * 8})
		add256(&d.sigma, &m)
	}
	d.c.step(&d.h, &d.length)
	d.c.step(&d.h, &d.sigma)
	for i, w := range d.h {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
}

// loadBlock reads 32 bytes as four little-endian 64-bit words, least significant first.
func loadBlock(p []byte) [4]uint64 {
	_ = p[31]
	return [4]uint64{
		binary.LittleEndian.Uint64(p[0:]),
		binary.LittleEndian.Uint64(p[8:]),
		binary.LittleEndian.Uint64(p[16:]),
		binary.LittleEndian.Uint64(p[24:]),
	}
}

// add256 adds y to x, both 256-bit little-endian numbers, mod 2^256.
func add256(x, y *[4]uint64) {
	var carry uint64
	for i := range x {
		x[i], carry = bits.Add64(x[i], y[i], carry)
	}
}
