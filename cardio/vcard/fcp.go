package vcard

import "errors"

// errBadFCP is every malformed CREATE FILE data field; the card answers it with 6A80.
var errBadFCP = errors.New("malformed FCP")

// fileSpec is what a CREATE FILE asks for.
type fileSpec struct {
	df   bool
	fid  uint16
	name string // DFs only, optional
	size int    // EFs only
}

// parseFCP decodes the data field of CREATE FILE: an FCP template 62 (ISO/IEC 7816-4
// §5.3.3, ISO/IEC 7816-9 §8.1) holding exactly the profile's tags, each at most once:
// 82 file descriptor (1 byte: 38 DF, 01 transparent EF, required), 83 file ID (2 bytes,
// required; not 3F00, 3FFF or FFFF, which ISO/IEC 7816-4 §5.3.1.1 reserves), 84 DF name
// (1–16 bytes, DFs only), 80 EF size (2 bytes, 1–7FFF, required for EFs). Lengths are
// one byte (00–7F) or 81 xx. Nothing may follow the template.
func parseFCP(b []byte) (fileSpec, error) {
	tag, body, rest, ok := nextTLV(b)
	if !ok || tag != 0x62 || len(rest) != 0 {
		return fileSpec{}, errBadFCP
	}
	var spec fileSpec
	var seen [4]bool // 80, 82, 83, 84
	for len(body) > 0 {
		var v []byte
		tag, v, body, ok = nextTLV(body)
		if !ok || tag < 0x80 || tag > 0x84 || tag == 0x81 {
			return fileSpec{}, errBadFCP
		}
		i := int(tag - 0x80) // 80→0, 82→1, 83→2, 84→3 (81 refused above)
		if i > 0 {
			i--
		}
		if seen[i] {
			return fileSpec{}, errBadFCP
		}
		seen[i] = true
		switch tag {
		case 0x80:
			if len(v) != 2 {
				return fileSpec{}, errBadFCP
			}
			spec.size = int(v[0])<<8 | int(v[1])
		case 0x82:
			if len(v) != 1 || v[0] != fdDF && v[0] != fdTransparentEF {
				return fileSpec{}, errBadFCP
			}
			spec.df = v[0] == fdDF
		case 0x83:
			if len(v) != 2 {
				return fileSpec{}, errBadFCP
			}
			spec.fid = uint16(v[0])<<8 | uint16(v[1])
		case 0x84:
			if len(v) < 1 || len(v) > 16 {
				return fileSpec{}, errBadFCP
			}
			spec.name = string(v)
		}
	}
	switch {
	case !seen[1] || !seen[2]:
		return fileSpec{}, errBadFCP
	case spec.fid == fidMF || spec.fid == 0x3FFF || spec.fid == 0xFFFF:
		return fileSpec{}, errBadFCP
	case spec.df && seen[0], !spec.df && seen[3]:
		return fileSpec{}, errBadFCP
	case !spec.df && (spec.size < 1 || spec.size > MaxEFSize):
		return fileSpec{}, errBadFCP
	}
	return spec, nil
}

// nextTLV splits one simple TLV (one-byte tag, length 00–7F or 81 xx) off b.
func nextTLV(b []byte) (tag byte, v, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag, n, hdr := b[0], int(b[1]), 2
	switch {
	case n == 0x81:
		if len(b) < 3 {
			return 0, nil, nil, false
		}
		n, hdr = int(b[2]), 3
	case n > 0x7F:
		return 0, nil, nil, false
	}
	if len(b)-hdr < n {
		return 0, nil, nil, false
	}
	return tag, b[hdr : hdr+n], b[hdr+n:], true
}

// encodeFCP is parseFCP's inverse, for tests and the fuzz round trip.
func encodeFCP(s fileSpec) []byte {
	var body []byte
	tlv := func(tag byte, v []byte) { body = append(body, tag, byte(len(v))); body = append(body, v...) }
	if s.df {
		tlv(0x82, []byte{fdDF})
	} else {
		tlv(0x82, []byte{fdTransparentEF})
	}
	tlv(0x83, []byte{byte(s.fid >> 8), byte(s.fid)})
	if s.name != "" {
		tlv(0x84, []byte(s.name))
	}
	if !s.df {
		tlv(0x80, []byte{byte(s.size >> 8), byte(s.size)})
	}
	if len(body) > 0x7F {
		return append([]byte{0x62, 0x81, byte(len(body))}, body...)
	}
	return append([]byte{0x62, byte(len(body))}, body...)
}
