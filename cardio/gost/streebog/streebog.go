// Package streebog implements the GOST R 34.11-2012 hash function "Streebog"
// (RFC 6986) with 256-bit and 512-bit digests, using only the standard library.
//
// OMS Desk needs it to verify the insurer's GOST R 34.10-2012 signature on an OMS
// card: the signature covers a Streebog digest of the signed data (see package
// omsdesk/cardio/gost/gostsig).
//
// # Byte order
//
// RFC 6986 prints every vector most significant byte first. This package, like
// gost12sum and the OpenSSL gost engine, keeps the state little-endian: the first
// input byte is the least significant byte of the first 512-bit block, and the digest
// is the state written least significant byte first. The digests returned here are
// therefore byte for byte what `gost12sum` and `openssl dgst -md_gost12_256` /
// `-md_gost12_512` print, i.e. the RFC's printed values reversed. The 256-bit digest
// is the most significant half of the final state (RFC 6986 section 8, MSB_256),
// which is bytes 32..63 of the little-endian state.
//
// GOST R 34.10 reads e from this digest as a little-endian integer.
package streebog

import (
	"encoding/binary"
	"hash"
)

// Digest and block sizes in bytes (RFC 6986 section 4).
const (
	// Size256 is the size of a 256-bit Streebog digest.
	Size256 = 32
	// Size512 is the size of a 512-bit Streebog digest.
	Size512 = 64
	// BlockSize is the size of the message block the compression function takes.
	BlockSize = 64
)

// iv256Word is one 64-bit word of the 256-bit initialisation vector, which is 64 bytes
// of 0x01 (RFC 6986 section 6.1). The 512-bit IV is all zero.
const iv256Word = 0x0101010101010101

// digest is the running state of one Streebog computation. It implements hash.Hash.
type digest struct {
	h     [8]uint64 // chaining value h, little-endian words
	n     [8]uint64 // N: number of message bits processed so far, mod 2^512
	sigma [8]uint64 // EPSILON: sum of the processed blocks, mod 2^512
	buf   [BlockSize]byte
	nbuf  int // bytes waiting in buf, always < BlockSize
	size  int // Size256 or Size512
}

// New256 returns a new hash.Hash computing the 256-bit Streebog digest. Its Sum
// appends the digest in the byte order gost12sum and `openssl dgst -md_gost12_256`
// print.
func New256() hash.Hash {
	d := &digest{size: Size256}
	d.Reset()
	return d
}

// New512 returns a new hash.Hash computing the 512-bit Streebog digest. Its Sum
// appends the digest in the byte order `gost12sum -l` and
// `openssl dgst -md_gost12_512` print.
func New512() hash.Hash {
	d := &digest{size: Size512}
	d.Reset()
	return d
}

// Sum256 returns the 256-bit Streebog digest of data, in the byte order gost12sum
// prints.
func Sum256(data []byte) [Size256]byte {
	d := digest{size: Size256}
	d.Reset()
	d.Write(data)
	var state [Size512]byte
	d.finish(&state)
	return [Size256]byte(state[32:])
}

// Sum512 returns the 512-bit Streebog digest of data, in the byte order
// `gost12sum -l` prints.
func Sum512(data []byte) [Size512]byte {
	d := digest{size: Size512}
	d.Reset()
	d.Write(data)
	var state [Size512]byte
	d.finish(&state)
	return state
}

// Size returns the digest size in bytes: Size256 or Size512.
func (d *digest) Size() int { return d.size }

// BlockSize returns the Streebog block size, 64 bytes.
func (d *digest) BlockSize() int { return BlockSize }

// Reset restores the initial state for the digest size d was created with.
func (d *digest) Reset() {
	tablesOnce.Do(buildTables) // every constructor and Sum function passes through here
	var iv uint64
	if d.size == Size256 {
		iv = iv256Word
	}
	for i := range d.h {
		d.h[i] = iv
	}
	d.n = [8]uint64{}
	d.sigma = [8]uint64{}
	d.buf = [BlockSize]byte{}
	d.nbuf = 0
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
		d.block(&d.buf)
		d.nbuf = 0
	}
	// A whole block can be compressed as soon as it is complete: RFC 6986 section 9
	// (stage 3) always ends with a padded block of fewer than 512 bits, even an empty one.
	for len(p) >= BlockSize {
		d.block((*[BlockSize]byte)(p))
		p = p[BlockSize:]
	}
	d.nbuf = copy(d.buf[:], p)
	return n, nil
}

// Sum appends the digest of the data written so far to b and returns the result. The
// running state is not changed.
func (d *digest) Sum(b []byte) []byte {
	c := *d
	var state [Size512]byte
	c.finish(&state)
	if d.size == Size256 {
		return append(b, state[32:]...)
	}
	return append(b, state[:]...)
}

// block runs stage 2 of RFC 6986 section 9 on one full 64-byte block.
func (d *digest) block(p *[BlockSize]byte) {
	var m [8]uint64
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	g(&d.h, &d.n, &m)
	add512(&d.n, 512)
	addBlock(&d.sigma, &m)
}

// finish runs stage 3 of RFC 6986 section 9 (pad the remaining bytes, compress, then
// fold in N and EPSILON with g_0) and writes the final 512-bit state, little-endian,
// to out. It changes d.
func (d *digest) finish(out *[Size512]byte) {
	var m [8]uint64
	var last [BlockSize]byte
	copy(last[:], d.buf[:d.nbuf])
	last[d.nbuf] = 0x01 // padding: the bytes, then 0x01, then zeros (RFC 6986 section 9, stage 3)
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(last[8*i:])
	}
	g(&d.h, &d.n, &m)
	add512(&d.n, uint64(d.nbuf)*8)
	addBlock(&d.sigma, &m)

	var zero [8]uint64
	g(&d.h, &zero, &d.n)
	g(&d.h, &zero, &d.sigma)
	for i, w := range d.h {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
}
