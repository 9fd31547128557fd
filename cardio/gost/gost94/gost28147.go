package gost94

import (
	"math/bits"
	"sync"
)

// cipher is GOST 28147-89 in ECB mode, encryption only, for one set of S-boxes: all the
// step function of GOST R 34.11-94 needs.
type cipher struct {
	// f[j][b] is the round function's output for a byte b at byte position j of its
	// input: the two nibbles substituted (low nibble by pi(2j+1), high by pi(2j+2)),
	// placed back at bit 8j and rotated left by 11 bits (GOST 28147-89 section 2.1,
	// RFC 5831 section 5). The round function is the XOR of the four entries.
	f [4][256]uint32
}

func newCipher(s *SBox) *cipher {
	c := new(cipher)
	for j := range 4 {
		lo, hi := &s[2*j], &s[2*j+1]
		for b := range 256 {
			v := uint32(lo[b&0x0f]&0x0f) | uint32(hi[b>>4]&0x0f)<<4
			c.f[j][b] = bits.RotateLeft32(v<<(8*j), 11)
		}
	}
	return c
}

// builtinCiphers caches the expanded S-boxes of the two standard parameter sets. The
// S-boxes are compared by value, so a caller changing CryptoProParams or TestParams
// (which the documentation forbids) still gets a cipher matching what it passed.
var builtinCiphers = sync.OnceValue(func() []struct {
	sbox SBox
	c    *cipher
} {
	return []struct {
		sbox SBox
		c    *cipher
	}{
		{CryptoProParams.SBox, newCipher(&CryptoProParams.SBox)},
		{TestParams.SBox, newCipher(&TestParams.SBox)},
	}
})

// cipherFor returns the cipher for p's S-boxes. It panics if p is nil.
func cipherFor(p *Params) *cipher {
	if p == nil {
		panic("gost94: nil *Params")
	}
	for _, b := range builtinCiphers() {
		if b.sbox == p.SBox {
			return b.c
		}
	}
	return newCipher(&p.SBox)
}

// round is the GOST 28147-89 round function: S-box substitution of x, then a rotation
// left by 11 bits.
func (c *cipher) round(x uint32) uint32 {
	return c.f[0][byte(x)] ^ c.f[1][byte(x>>8)] ^ c.f[2][byte(x>>16)] ^ c.f[3][byte(x>>24)]
}

// encrypt enciphers one 64-bit block with the 256-bit key k (eight subkeys, k[i] from
// key bytes 4i..4i+3 little-endian). The block is read and written little-endian: n1
// is its low 32 bits and n2 its high 32 bits on input, and the output is n2 || n1
// after the last round, n2 in the low half (GOST 28147-89 section 2.1, the 32-3
// cycle: subkeys k0..k7 three times, then k7..k0).
func (c *cipher) encrypt(k *[8]uint32, block uint64) uint64 {
	n1, n2 := uint32(block), uint32(block>>32)
	for range 3 {
		n2 ^= c.round(n1 + k[0])
		n1 ^= c.round(n2 + k[1])
		n2 ^= c.round(n1 + k[2])
		n1 ^= c.round(n2 + k[3])
		n2 ^= c.round(n1 + k[4])
		n1 ^= c.round(n2 + k[5])
		n2 ^= c.round(n1 + k[6])
		n1 ^= c.round(n2 + k[7])
	}
	n2 ^= c.round(n1 + k[7])
	n1 ^= c.round(n2 + k[6])
	n2 ^= c.round(n1 + k[5])
	n1 ^= c.round(n2 + k[4])
	n2 ^= c.round(n1 + k[3])
	n1 ^= c.round(n2 + k[2])
	n2 ^= c.round(n1 + k[1])
	n1 ^= c.round(n2 + k[0])
	return uint64(n2) | uint64(n1)<<32
}
