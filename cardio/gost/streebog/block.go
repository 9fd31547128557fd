package streebog

import (
	"math/bits"
	"sync"
)

// lpsTable combines the S, P and L transforms of RFC 6986 section 7. lpsTable[c][v] is
// the contribution of a byte v found in word c of the input to the output word whose
// index is the byte's position in word c: LPS(x)[r] = XOR over c of
// lpsTable[c][byte r of x[c]]. P sends input byte 8c+r to output byte tau[8c+r] = 8r+c,
// so that byte lands in output word r at byte position c; S replaces it with pi[v]
// first; L is linear, so the word's image is the XOR of the images of its bytes.
// Built from pi, tau and matrixA (8 x 256 words, 16 KiB) the first time a hash is
// made, not at program start: most runs of OMS Desk never hash with Streebog.
var lpsTable [8][256]uint64

var tablesOnce sync.Once

// buildTables fills lpsTable; callers go through tablesOnce.
func buildTables() {
	for c := range 8 {
		// The byte position in its output word of an input byte from word c, as tau
		// says. tau is a transpose, so it is the same for every byte of word c; the
		// tests check lps against a direct S, P, L composition.
		shift := 8 * (uint(tau[8*c]) % 8)
		for v := range 256 {
			lpsTable[c][v] = linearL(uint64(pi[v]) << shift)
		}
	}
}

// linearL is the l transform of RFC 6986 section 7 on one 64-bit word: the XOR of the
// rows of A selected by the set bits of w, the most significant bit selecting row 0.
func linearL(w uint64) uint64 {
	var r uint64
	for i := range 64 {
		if w>>uint(i)&1 != 0 {
			r ^= matrixA[63-i]
		}
	}
	return r
}

// lpsX computes LPS(a xor b) (RFC 6986 section 7) into out; out may be a or b. It is
// unrolled by hand: with a loop over the output words the compiler spills the table
// addresses and the whole hash runs about a third slower.
func lpsX(out, a, b *[8]uint64) {
	x0, x1, x2, x3 := a[0]^b[0], a[1]^b[1], a[2]^b[2], a[3]^b[3]
	x4, x5, x6, x7 := a[4]^b[4], a[5]^b[5], a[6]^b[6], a[7]^b[7]
	t := &lpsTable
	out[0] = t[0][byte(x0)] ^ t[1][byte(x1)] ^ t[2][byte(x2)] ^ t[3][byte(x3)] ^
		t[4][byte(x4)] ^ t[5][byte(x5)] ^ t[6][byte(x6)] ^ t[7][byte(x7)]
	out[1] = t[0][byte(x0>>8)] ^ t[1][byte(x1>>8)] ^ t[2][byte(x2>>8)] ^ t[3][byte(x3>>8)] ^
		t[4][byte(x4>>8)] ^ t[5][byte(x5>>8)] ^ t[6][byte(x6>>8)] ^ t[7][byte(x7>>8)]
	out[2] = t[0][byte(x0>>16)] ^ t[1][byte(x1>>16)] ^ t[2][byte(x2>>16)] ^ t[3][byte(x3>>16)] ^
		t[4][byte(x4>>16)] ^ t[5][byte(x5>>16)] ^ t[6][byte(x6>>16)] ^ t[7][byte(x7>>16)]
	out[3] = t[0][byte(x0>>24)] ^ t[1][byte(x1>>24)] ^ t[2][byte(x2>>24)] ^ t[3][byte(x3>>24)] ^
		t[4][byte(x4>>24)] ^ t[5][byte(x5>>24)] ^ t[6][byte(x6>>24)] ^ t[7][byte(x7>>24)]
	out[4] = t[0][byte(x0>>32)] ^ t[1][byte(x1>>32)] ^ t[2][byte(x2>>32)] ^ t[3][byte(x3>>32)] ^
		t[4][byte(x4>>32)] ^ t[5][byte(x5>>32)] ^ t[6][byte(x6>>32)] ^ t[7][byte(x7>>32)]
	out[5] = t[0][byte(x0>>40)] ^ t[1][byte(x1>>40)] ^ t[2][byte(x2>>40)] ^ t[3][byte(x3>>40)] ^
		t[4][byte(x4>>40)] ^ t[5][byte(x5>>40)] ^ t[6][byte(x6>>40)] ^ t[7][byte(x7>>40)]
	out[6] = t[0][byte(x0>>48)] ^ t[1][byte(x1>>48)] ^ t[2][byte(x2>>48)] ^ t[3][byte(x3>>48)] ^
		t[4][byte(x4>>48)] ^ t[5][byte(x5>>48)] ^ t[6][byte(x6>>48)] ^ t[7][byte(x7>>48)]
	out[7] = t[0][byte(x0>>56)] ^ t[1][byte(x1>>56)] ^ t[2][byte(x2>>56)] ^ t[3][byte(x3>>56)] ^
		t[4][byte(x4>>56)] ^ t[5][byte(x5>>56)] ^ t[6][byte(x6>>56)] ^ t[7][byte(x7>>56)]
}

// g is the compression function g_N(h, m) of RFC 6986 section 8:
// h = E(LPS(h xor N), m) xor h xor m, where E(K, m) = X[K13] LPS X[K12] ... LPS X[K1](m),
// K1 = K and K(i+1) = LPS(K(i) xor C(i)).
func g(h, n, m *[8]uint64) {
	var k, t [8]uint64
	lpsX(&k, h, n)
	t = *m
	for r := range 12 {
		lpsX(&t, &t, &k)        // LPS X[K(r+1)]
		lpsX(&k, &k, &iterC[r]) // K(r+2) = LPS(K(r+1) xor C(r+1))
	}
	// E(K, m) = X[K13](t).
	for i := range 8 {
		h[i] ^= t[i] ^ k[i] ^ m[i]
	}
}

// add512 adds the small value v to the 512-bit little-endian number x, mod 2^512.
func add512(x *[8]uint64, v uint64) {
	var carry uint64
	x[0], carry = bits.Add64(x[0], v, 0)
	for i := 1; i < 8 && carry != 0; i++ {
		x[i], carry = bits.Add64(x[i], 0, carry)
	}
}

// addBlock adds m to the 512-bit little-endian number x, mod 2^512 (the EPSILON sum).
func addBlock(x, m *[8]uint64) {
	var carry uint64
	for i := range 8 {
		x[i], carry = bits.Add64(x[i], m[i], carry)
	}
}
