package encoder

// Reed–Solomon error correction codewords over GF(256) with the QR Code field
// polynomial x⁸+x⁴+x³+x²+1 (0x11D) and generator roots α⁰…α^(n-1) (ISO 18004 §7.5.2,
// Annex A). Multiplication goes through log/antilog tables, and each generator
// polynomial is kept in log form, so encoding a block is one table lookup and one XOR
// per data codeword and EC codeword, with no allocation.

var (
	gfExp [512]byte // gfExp[i] = α^i, doubled so that gfExp[log a + log b] needs no mod 255
	gfLog [256]byte // gfLog[α^i] = i; gfLog[0] is unused
)

// generators[n] is the degree-n generator polynomial, without its leading 1, as the
// logarithms of its coefficients from x^(n-1) down to x^0 (all are non-zero). Only the
// EC lengths that Table 9 uses are built.
var generators [31][]byte

func init() {
	x := 1
	for i := range 255 {
		gfExp[i], gfExp[i+255] = byte(x), byte(x)
		gfLog[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for v := 1; v <= 40; v++ {
		for _, b := range ecTable[v] {
			if generators[b.ecPerBlock] == nil {
				generators[b.ecPerBlock] = generator(b.ecPerBlock)
			}
		}
	}
}

// generator computes ∏(x − αⁱ), i = 0…n−1, and returns it in the form described at
// generators.
func generator(n int) []byte {
	// g[0] is the x^n coefficient (always 1), g[n] the constant term.
	g := make([]byte, n+1)
	g[0] = 1
	for i := range n {
		// Multiply by (x + αⁱ): new g[j] = g[j] + αⁱ·g[j−1].
		for j := i + 1; j >= 1; j-- {
			g[j] ^= gfMul(g[j-1], gfExp[i])
		}
	}
	logs := make([]byte, n)
	for j := range n {
		logs[j] = gfLog[g[j+1]]
	}
	return logs
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsEncode writes into ec (len(ec) = len(gen)) the remainder of data·x^len(ec) divided
// by the generator: the block's EC codewords. It is long division in place in a
// buffer holding the block's data followed by room for the remainder, so nothing is
// shifted per step.
func rsEncode(data []byte, gen []byte, ec []byte) {
	var buf [maxBlockCodewords]byte
	n := len(ec)
	gen = gen[:n]
	copy(buf[:], data)
	rem := buf[len(data) : len(data)+n]
	clear(rem)
	for i := range data {
		f := buf[i]
		if f == 0 {
			continue
		}
		lf := int(gfLog[f])
		t := buf[i+1:][:n]
		for j, g := range gen {
			t[j] ^= gfExp[lf+int(g)]
		}
	}
	copy(ec, rem)
}

// maxBlockCodewords bounds a block's data plus EC codewords (Table 9: at most 153).
const maxBlockCodewords = 160
