package gost94

// c3 is the constant C3 of the key generation (RFC 5831 section 5.1), as little-endian
// words; C2 and C4 are zero.
var c3 = [4]uint64{0xff00ff00ff00ff00, 0x00ff00ff00ff00ff, 0xff0000ff00ffff00, 0xff00ffff000000ff}

// step is the step function chi(M, H) of RFC 5831 section 5: it derives four keys from
// H and M, enciphers the four 64-bit words of H with them (S = s4||s3||s2||s1) and
// mixes the result: H = PSI^61(H xor PSI(M xor PSI^12(S))).
func (c *cipher) step(h, m *[4]uint64) {
	var s [4]uint64
	var k [8]uint32
	u, v := *h, *m
	for i := range 4 {
		if i > 0 {
			// U = A(U) xor C(i+1), V = A(A(V)), for the keys K2, K3, K4.
			u = transformA(u)
			if i == 2 {
				for j := range u {
					u[j] ^= c3[j]
				}
			}
			v = transformA(transformA(v))
		}
		keyP(&k, u, v)
		s[i] = c.encrypt(&k, h[i])
	}
	s = psi(s, 12)
	for j := range s {
		s[j] ^= m[j]
	}
	s = psi(s, 1)
	for j := range s {
		s[j] ^= h[j]
	}
	*h = psi(s, 61)
}

// transformA is A(x4||x3||x2||x1) = (x1 xor x2)||x4||x3||x2 on 64-bit words, x1 least
// significant (RFC 5831 section 5.1).
func transformA(x [4]uint64) [4]uint64 {
	return [4]uint64{x[1], x[2], x[3], x[0] ^ x[1]}
}

// keyP sets k to the GOST 28147-89 subkeys of the key P(u xor v) (RFC 5831 section 5.1):
// P moves byte 8i+j (i, j = 0..3, little-endian numbering) of its input to byte 4j+i,
// so subkey j is made of byte j of each of the four 64-bit words.
func keyP(k *[8]uint32, u, v [4]uint64) {
	w0, w1, w2, w3 := u[0]^v[0], u[1]^v[1], u[2]^v[2], u[3]^v[3]
	for j := range k {
		s := uint(8 * j)
		k[j] = uint32(byte(w0>>s)) | uint32(byte(w1>>s))<<8 | uint32(byte(w2>>s))<<16 | uint32(byte(w3>>s))<<24
	}
}

// psi applies PSI n times (0 <= n <= 61) to x (RFC 5831 section 5.3). With x as sixteen
// 16-bit words w0..w15, w0 least significant, PSI shifts the words down by one and puts
// w0^w1^w2^w3^w12^w15 on top; n applications therefore extend the sequence by n
// feedback words and keep the last sixteen.
func psi(x [4]uint64, n int) [4]uint64 {
	var w [16 + 61]uint16
	for i := range 16 {
		w[i] = uint16(x[i/4] >> (16 * (i % 4)))
	}
	for i := range n {
		w[16+i] = w[i] ^ w[i+1] ^ w[i+2] ^ w[i+3] ^ w[i+12] ^ w[i+15]
	}
	var y [4]uint64
	for i := range 16 {
		y[i/4] |= uint64(w[n+i]) << (16 * (i % 4))
	}
	return y
}
