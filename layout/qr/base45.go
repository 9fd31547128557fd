package qr

import (
	"errors"
	"fmt"
)

// base45Alphabet is RFC 9285 §4: exactly the 45 characters of QR alphanumeric mode
// (ISO/IEC 18004 §7.4.4), so a Base45 text is stored at 5.5 bits per character.
const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// base45Value maps a byte to its Base45 value, or -1.
var base45Value = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(base45Alphabet); i++ {
		v[base45Alphabet[i]] = int8(i)
	}
	return v
}()

// ErrBase45 is wrapped by every Base45 decoding error.
var ErrBase45 = errors.New("invalid Base45")

// EncodeBase45 encodes b as RFC 9285 Base45: every two bytes n = a·256 + b become three
// characters c, d, e with n = c + 45·d + 45²·e; a last odd byte becomes two.
func EncodeBase45(b []byte) string {
	out := make([]byte, 0, len(b)/2*3+2)
	for i := 0; i+1 < len(b); i += 2 {
		n := int(b[i])<<8 | int(b[i+1])
		out = append(out, base45Alphabet[n%45], base45Alphabet[n/45%45], base45Alphabet[n/(45*45)])
	}
	if len(b)%2 == 1 {
		n := int(b[len(b)-1])
		out = append(out, base45Alphabet[n%45], base45Alphabet[n/45])
	}
	return string(out)
}

// DecodeBase45 decodes RFC 9285 Base45 strictly: a character outside the alphabet, a
// lone last character, or a group whose value exceeds what its bytes can hold
// (RFC 9285 §4.2: above 65535 for three characters, above 255 for two) is an error.
func DecodeBase45(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, fmt.Errorf("decoding Base45: length %d leaves a lone character: %w", len(s), ErrBase45)
	}
	out := make([]byte, 0, len(s)/3*2+1)
	for i := 0; i < len(s); i += 3 {
		end := min(i+3, len(s))
		n, mul := 0, 1
		for j := i; j < end; j++ {
			v := base45Value[s[j]]
			if v < 0 {
				return nil, fmt.Errorf("decoding Base45: character %q at %d: %w", s[j], j, ErrBase45)
			}
			n += int(v) * mul
			mul *= 45
		}
		if end-i == 3 {
			if n > 0xFFFF {
				return nil, fmt.Errorf("decoding Base45: group at %d is %d, above 65535: %w", i, n, ErrBase45)
			}
			out = append(out, byte(n>>8), byte(n))
		} else {
			if n > 0xFF {
				return nil, fmt.Errorf("decoding Base45: last group is %d, above 255: %w", n, ErrBase45)
			}
			out = append(out, byte(n))
		}
	}
	return out, nil
}
