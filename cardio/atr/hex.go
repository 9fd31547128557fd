package atr

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrBadHex is returned (wrapped) by [ParseHex] and [Hex.UnmarshalText] when the text is
// not an even number of hexadecimal digits.
var ErrBadHex = errors.New("invalid hexadecimal ATR text")

// Hex is a byte string that marshals to and from text as upper-case hexadecimal pairs
// separated by single spaces ("3B F7 13"), the way ATRs are written in ISO 7816 examples
// and in pcsc-tools. Its underlying type is []byte, so it converts freely.
type Hex []byte

// String returns the bytes as upper-case hexadecimal pairs separated by spaces.
func (h Hex) String() string {
	const digits = "0123456789ABCDEF"
	if len(h) == 0 {
		return ""
	}
	var sb strings.Builder
	sb.Grow(len(h)*3 - 1)
	for i, c := range h {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&0x0F])
	}
	return sb.String()
}

// MarshalText implements encoding.TextMarshaler, so JSON shows "3B F7 13" rather than
// base64.
func (h Hex) MarshalText() ([]byte, error) {
	return []byte(h.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler and accepts the same forms as
// [DecodeHex].
func (h *Hex) UnmarshalText(text []byte) error {
	b, err := DecodeHex(string(text))
	if err != nil {
		return err
	}
	*h = b
	return nil
}

// DecodeHex decodes hexadecimal text written in any of the usual ATR notations:
// "3B F7 13", "3BF713", "3b:f7:13" (case-insensitive; spaces, tabs, colons and a leading
// "0x" are ignored).
func DecodeHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\n', ':':
		default:
			clean = append(clean, c)
		}
	}
	if len(clean)%2 != 0 {
		return nil, fmt.Errorf("%w: odd number of digits (%d)", ErrBadHex, len(clean))
	}
	out := make([]byte, len(clean)/2)
	if _, err := hex.Decode(out, clean); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadHex, err)
	}
	return out, nil
}

// ParseHex decodes hexadecimal ATR text (see [DecodeHex] for the accepted forms) and
// parses it with [Parse].
func ParseHex(s string) (*ATR, error) {
	b, err := DecodeHex(s)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}
