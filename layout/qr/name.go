package qr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Name forms (the first byte of the name field, docs/qr-format.md "Name").
const (
	nameUTF8   byte = 0x00 // length in bytes, then UTF-8
	namePacked byte = 0x01 // length in characters, then 6 bits per character
)

// packedAlphabet is the 64-character alphabet of the packed name form: upper-case
// Cyrillic and Latin, the punctuation of names, and the separator as code 63. It is in
// the spirit of the paper policy's 6-bit name (oms-card-format.md §8), whose exact table
// is not public, so it is our own; a name with any other character (lower case, Ukrainian
// letters, accents) is stored in UTF-8 instead.
var packedAlphabet = func() []rune {
	a := []rune(" -.'")
	for r := 'А'; r <= 'Я'; r++ { // U+0410…U+042F, with Ъ Ы Ь
		a = append(a, r)
	}
	a = append(a, 'Ё')
	for r := 'A'; r <= 'Z'; r++ {
		a = append(a, r)
	}
	return append(a, nameSep)
}()

var packedCode = func() map[rune]byte {
	m := make(map[rune]byte, len(packedAlphabet))
	for i, r := range packedAlphabet {
		m[r] = byte(i)
	}
	return m
}()

// appendName appends the name field: form, length, data. The packed form is used
// whenever every character has a code, since it is always smaller.
func appendName(b []byte, name string) []byte {
	codes := make([]byte, 0, len(name))
	for _, r := range name {
		c, ok := packedCode[r]
		if !ok {
			return append(append(b, nameUTF8, byte(len(name))), name...)
		}
		codes = append(codes, c)
	}
	b = append(b, namePacked, byte(len(codes)))
	var acc uint32
	bits := 0
	for _, c := range codes {
		acc = acc<<6 | uint32(c)
		bits += 6
		for bits >= 8 {
			bits -= 8
			b = append(b, byte(acc>>bits))
		}
	}
	if bits > 0 {
		b = append(b, byte(acc<<(8-bits)))
	}
	return b
}

// readName reads the name field at the start of b and returns surname, first name,
// patronymic and the bytes after the field. It is strict so that one text has exactly
// one reading: padding bits must be zero, and a packed-able name must not be in UTF-8.
func readName(b []byte) (parts [3]string, rest []byte, err error) {
	if len(b) < 2 {
		return parts, nil, fmt.Errorf("name header: %w", ErrTruncated)
	}
	form, n := b[0], int(b[1])
	b = b[2:]
	var name string
	switch form {
	case nameUTF8:
		if len(b) < n {
			return parts, nil, fmt.Errorf("name: %d bytes, %d left: %w", n, len(b), ErrTruncated)
		}
		name, b = string(b[:n]), b[n:]
		if !utf8.ValidString(name) {
			return parts, nil, fmt.Errorf("name is not UTF-8: %w", ErrMalformed)
		}
		if packable(name) {
			return parts, nil, fmt.Errorf("name in UTF-8 could be packed: %w", ErrMalformed)
		}
	case namePacked:
		size := (n*6 + 7) / 8
		if len(b) < size {
			return parts, nil, fmt.Errorf("packed name: %d bytes, %d left: %w", size, len(b), ErrTruncated)
		}
		var sb strings.Builder
		var acc uint32
		bits, in := 0, b[:size]
		for i := 0; i < n; i++ {
			for bits < 6 {
				acc = acc<<8 | uint32(in[0])
				in = in[1:]
				bits += 8
			}
			bits -= 6
			sb.WriteRune(packedAlphabet[acc>>bits&0x3F])
		}
		if acc&(1<<bits-1) != 0 {
			return parts, nil, fmt.Errorf("packed name: padding bits are not zero: %w", ErrMalformed)
		}
		name, b = sb.String(), b[size:]
	default:
		return parts, nil, fmt.Errorf("name form %02X: %w", form, ErrMalformed)
	}
	if strings.ContainsFunc(name, isControl) {
		return parts, nil, fmt.Errorf("name holds a control character: %w", ErrMalformed)
	}
	split := strings.Split(name, string(nameSep))
	if len(split) != 3 || split[0] == "" {
		return parts, nil, fmt.Errorf("name has %d parts or no surname: %w", len(split), ErrMalformed)
	}
	if utf8.RuneCountInString(name) > MaxNameRunes || len(name) > MaxNameBytes {
		return parts, nil, fmt.Errorf("name longer than %d characters: %w", MaxNameRunes, ErrMalformed)
	}
	copy(parts[:], split)
	return parts, b, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7F }

func packable(name string) bool {
	for _, r := range name {
		if _, ok := packedCode[r]; !ok {
			return false
		}
	}
	return true
}
