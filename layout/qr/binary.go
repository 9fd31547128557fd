package qr

import (
	"encoding/binary"
	"fmt"

	"omsdesk/cardio/policy"
)

// Version is the format version, the first byte of every record (docs/qr-format.md).
const Version byte = 1

// Frame sizes. In every format version the record ends with the signer's key
// identifier and the signature, so a verifier finds them before it knows the version.
const (
	KeyIDSize     = 8  // first 8 bytes of SHA-256 of the certificate's SubjectPublicKeyInfo
	SignatureSize = 64 // ECDSA P-256 r||s, 32 bytes each, big-endian
	trailerSize   = KeyIDSize + SignatureSize
)

// encodeBody writes the version byte and the fields in the order of docs/qr-format.md,
// then a 00 byte if needed to make the whole record's length odd (see appendTrailer).
// p must have passed Validate.
func encodeBody(p *Payload) []byte {
	b := make([]byte, 0, 160)
	b = append(b, Version)
	b = appendBCD(b, p.ENP)
	b = appendName(b, p.joinedName())
	b = binary.BigEndian.AppendUint16(b, dayNumber(p.BirthDate))
	var ogrn uint64
	for i := 0; i < len(p.OGRN); i++ {
		ogrn = ogrn*10 + uint64(p.OGRN[i]-'0')
	}
	b = append(b, byte(ogrn>>40), byte(ogrn>>32), byte(ogrn>>24), byte(ogrn>>16), byte(ogrn>>8), byte(ogrn))
	b = append(b, byte(len(p.OKATO)))
	b = appendBCD(b, p.OKATO)
	b = append(append(b, byte(len(p.CardSerial))), p.CardSerial...)
	b = binary.BigEndian.AppendUint16(b, dayNumber(p.IssueDate))
	b = append(append(b, byte(len(p.Office))), p.Office...)
	if (len(b)+trailerSize)%2 == 0 {
		b = append(b, 0)
	}
	return b
}

// appendBCD packs decimal digits two per byte, high nibble first; an odd count ends
// with the nibble F.
func appendBCD(b []byte, digits string) []byte {
	for i := 0; i < len(digits); i += 2 {
		hi := digits[i] - '0'
		lo := byte(0xF)
		if i+1 < len(digits) {
			lo = digits[i+1] - '0'
		}
		b = append(b, hi<<4|lo)
	}
	return b
}

// readBCD reads n digits packed by appendBCD.
func readBCD(b []byte, n int) (string, []byte, error) {
	size := (n + 1) / 2
	if len(b) < size {
		return "", nil, ErrTruncated
	}
	out := make([]byte, 0, n)
	for i := 0; i < n; i++ {
		x := b[i/2]
		nib := x >> 4
		if i%2 == 1 {
			nib = x & 0xF
		}
		if nib > 9 {
			return "", nil, fmt.Errorf("nibble %X is not a digit: %w", nib, ErrMalformed)
		}
		out = append(out, '0'+nib)
	}
	if n%2 == 1 && b[size-1]&0xF != 0xF {
		return "", nil, fmt.Errorf("odd digit count not padded with F: %w", ErrMalformed)
	}
	return string(out), b[size:], nil
}

func dayNumber(d policy.Date) uint16 {
	return uint16(d.Time().Sub(epoch.Time()).Hours() / 24)
}

func dateOf(n uint16) policy.Date {
	return policy.DateOf(epoch.Time().AddDate(0, 0, int(n)))
}

// maxOKATO is the longest OKATO code (settlement level, 11 digits).
const maxOKATO = 11

// decodeBody reads the fields of a version-1 body (the record without its trailer).
// Errors name the field and wrap ErrTruncated, ErrMalformed or ErrUnsupportedVersion.
func decodeBody(b []byte) (Payload, error) {
	var p Payload
	if len(b) == 0 {
		return p, fmt.Errorf("reading version: %w", ErrTruncated)
	}
	if b[0] != Version {
		return p, fmt.Errorf("version %d: %w", b[0], ErrUnsupportedVersion)
	}
	b = b[1:]
	var err error
	if p.ENP, b, err = readBCD(b, 16); err != nil {
		return p, fmt.Errorf("reading enp: %w", err)
	}
	var parts [3]string
	if parts, b, err = readName(b); err != nil {
		return p, fmt.Errorf("reading name: %w", err)
	}
	p.Surname, p.FirstName, p.Patronymic = parts[0], parts[1], parts[2]
	if len(b) < 2+6+1 {
		return p, fmt.Errorf("reading birth date and ogrn: %w", ErrTruncated)
	}
	p.BirthDate = dateOf(binary.BigEndian.Uint16(b))
	var ogrn uint64
	for _, x := range b[2:8] {
		ogrn = ogrn<<8 | uint64(x)
	}
	if ogrn > 9_999_999_999_999 {
		return p, fmt.Errorf("reading ogrn: %d has more than 13 digits: %w", ogrn, ErrMalformed)
	}
	p.OGRN = fmt.Sprintf("%013d", ogrn)
	n := int(b[8])
	if n == 0 || n > maxOKATO {
		return p, fmt.Errorf("reading okato: %d digits: %w", n, ErrMalformed)
	}
	if p.OKATO, b, err = readBCD(b[9:], n); err != nil {
		return p, fmt.Errorf("reading okato: %w", err)
	}
	if p.CardSerial, b, err = readASCII(b, MaxSerial); err != nil {
		return p, fmt.Errorf("reading card serial: %w", err)
	}
	if len(b) < 2 {
		return p, fmt.Errorf("reading issue date: %w", ErrTruncated)
	}
	p.IssueDate = dateOf(binary.BigEndian.Uint16(b))
	if p.Office, b, err = readASCII(b[2:], MaxOffice); err != nil {
		return p, fmt.Errorf("reading office: %w", err)
	}
	// What may follow is the parity padding of encodeBody; the caller has checked that
	// the record's length is odd, so a 00 here was needed and nothing else may be here.
	if !(len(b) == 0 || len(b) == 1 && b[0] == 0) {
		return p, fmt.Errorf("%d bytes after the last field: %w", len(b), ErrMalformed)
	}
	return p, nil
}

// readASCII reads a length-prefixed string of 1..limit printable ASCII characters
// without space.
func readASCII(b []byte, limit int) (string, []byte, error) {
	if len(b) < 1 {
		return "", nil, ErrTruncated
	}
	n := int(b[0])
	if n == 0 || n > limit {
		return "", nil, fmt.Errorf("length %d: %w", n, ErrMalformed)
	}
	if len(b) < 1+n {
		return "", nil, ErrTruncated
	}
	s := b[1 : 1+n]
	for _, c := range s {
		if c <= ' ' || c > '~' {
			return "", nil, fmt.Errorf("byte %02X is not printable ASCII: %w", c, ErrMalformed)
		}
	}
	return string(s), b[1+n:], nil
}
