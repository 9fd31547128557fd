// Package tlv decodes and encodes BER-TLV data objects as ISO/IEC 7816-4 §5.2 defines
// them for smart cards (a profile of the Basic Encoding Rules of ISO/IEC 8825-1, X.690).
//
// The OMS policy card keeps its owner record (template 62, with the nested citizenship
// template 7F30 and a photo template 7F40 that can exceed 10 KB) and its insurer record
// (template 64, with the signature template 7F60) as BER-TLV. Those bytes come from a
// card, a reader or a file somebody hands us, so the decoder treats them as hostile:
// every read is bounds-checked, nesting depth, object count, value length and tag size
// are bounded by [Limits], nothing is allocated on the strength of a length before the
// bytes are known to be there, and malformed input yields a [*SyntaxError], never a panic.
//
// The profile is that of ISO 7816-4 §5.2:
//   - tags of one to four bytes (§5.2.2.1); '00' and 'FF' never start a tag;
//   - definite lengths only (§5.2.2.2): the short form '00'–'7F' or a long form '81'–'84'
//     followed by one to four length bytes. Non-minimal long forms such as 81 05 are
//     accepted because cards write them; the indefinite form '80' is rejected;
//   - optionally, '00' and 'FF' bytes before, between and after objects are skipped as
//     padding (§5.2.2, left by erased or rewritten objects), see [Decoder.AllowPadding].
//
// Encoding always writes the shortest length form (DER style), so decoding and encoding
// again yields a canonical form of the same tree.
//
// Decoded values alias the input: [Object.Value] is a sub-slice of the bytes given to the
// decoder (with its capacity clipped, so appending to it never overwrites the input).
// Copy the input, or the values, if the input buffer is reused.
package tlv

import "fmt"

// Tag is a BER-TLV tag: its one to four bytes read as a big-endian integer, so the tag
// written 5F 21 on the card is Tag(0x5F21) and 9F 81 01 is Tag(0x9F8101).
type Tag uint32

// Class is the class of a tag, from bits 8 and 7 of its first byte (X.690 §8.1.2.2).
type Class uint8

// The four tag classes (X.690 §8.1.2.2, Table 1).
const (
	Universal       Class = 0 // bits 00: ASN.1 universal types
	Application     Class = 1 // bits 01: interindustry application tags, e.g. 5F21, 7F30
	ContextSpecific Class = 2 // bits 10: e.g. 80, 9F8101
	Private         Class = 3 // bits 11: e.g. C1, DF01
)

// String returns the class name in lower case, e.g. "application".
func (c Class) String() string {
	switch c {
	case Universal:
		return "universal"
	case Application:
		return "application"
	case ContextSpecific:
		return "context-specific"
	case Private:
		return "private"
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Tag byte layout (ISO 7816-4 §5.2.2.1, X.690 §8.1.2).
const (
	tagConstructedBit = 0x20 // bit 6 of the first byte: the value is a sequence of objects
	tagNumberMask     = 0x1F // bits 5–1 of the first byte; all ones: more tag bytes follow
	tagMoreBit        = 0x80 // bit 8 of a subsequent byte: another tag byte follows
	maxTagBytes       = 4    // the size of Tag
)

// size returns the number of bytes in t's encoding: one for Tag(0).
func (t Tag) size() int {
	switch {
	case t > 0xFFFFFF:
		return 4
	case t > 0xFFFF:
		return 3
	case t > 0xFF:
		return 2
	}
	return 1
}

// first returns the first byte of t's encoding.
func (t Tag) first() byte { return byte(t >> (8 * (t.size() - 1))) }

// Constructed reports whether bit 6 of t's first byte is set, that is whether the value
// of an object with this tag is itself a sequence of BER-TLV objects (a template).
func (t Tag) Constructed() bool { return t.first()&tagConstructedBit != 0 }

// Class returns t's class, from bits 8 and 7 of its first byte.
func (t Tag) Class() Class { return Class(t.first() >> 6) }

// String returns t's bytes in upper-case hexadecimal without separators, e.g. "5F21".
func (t Tag) String() string { return fmt.Sprintf("%0*X", 2*t.size(), uint32(t)) }

// Bytes returns t's encoding, the bytes as they appear on the card.
func (t Tag) Bytes() []byte { return appendTag(make([]byte, 0, maxTagBytes), t) }

// Valid reports whether t is a well-formed tag of this profile: its first byte is neither
// '00' nor 'FF' (ISO 7816-4 §5.2.2.1), a first byte with bits 5–1 all set is followed by
// bytes with bit 8 set except the last, the first of those is not '80' (X.690 §8.1.2.4.2),
// and no byte is missing or left over.
func (t Tag) Valid() bool {
	var buf [maxTagBytes]byte
	b := appendTag(buf[:0], t)
	_, n, err := readTag(b, maxTagBytes)
	return err == nil && n == len(b)
}

func appendTag(dst []byte, t Tag) []byte {
	for i := t.size() - 1; i >= 0; i-- {
		dst = append(dst, byte(t>>(8*i)))
	}
	return dst
}

// ParseTag parses a tag written in hexadecimal, such as "5F21" or "9f8101", and checks
// that it is well formed (see [Tag.Valid]). It returns an error wrapping [ErrBadTag] if
// not, or [ErrTagTooLong] for a tag of more than four bytes.
func ParseTag(s string) (Tag, error) {
	if len(s) == 0 || len(s)%2 != 0 {
		return 0, fmt.Errorf("%w %q: want an even number of hex digits", ErrBadTag, s)
	}
	b := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return 0, fmt.Errorf("%w %q: not hexadecimal", ErrBadTag, s)
		}
		b = append(b, hi<<4|lo)
	}
	t, n, err := readTag(b, maxTagBytes)
	if err != nil {
		if err.Err == ErrTruncated {
			return 0, fmt.Errorf("%w %q: the last byte announces another tag byte", ErrBadTag, s)
		}
		return 0, fmt.Errorf("%w %q: %s", err.Err, s, err.Detail)
	}
	if n != len(b) {
		return 0, fmt.Errorf("%w %q: %d bytes after the end of the tag", ErrBadTag, s, len(b)-n)
	}
	return t, nil
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Object is one BER-TLV data object.
type Object struct {
	// Tag is the object's tag.
	Tag Tag
	// Value holds the value bytes. For a constructed object it holds the raw content,
	// the encoded children, as it was read (or as the builder encoded it).
	Value []byte
	// Children holds the parsed children of a constructed object (empty, not nil, when
	// a decoded template has no children); it is nil for a primitive object.
	Children []Object
	// Offset is the offset of the object's first tag byte within the input given to the
	// decoder. It is zero for objects made with the builders.
	Offset int
	// HeaderLen is the number of tag and length bytes the object had in the input, so
	// the object spans input[Offset : Offset+HeaderLen+len(Value)]. It is zero for
	// objects made with the builders.
	HeaderLen int
}

// Find returns the first direct child of o with tag t, and whether there was one.
func (o Object) Find(t Tag) (Object, bool) { return Find(o.Children, t) }

// Find returns the first object in objs with tag t, and whether there was one. It is the
// top-level counterpart of [Object.Find], for the result of [Decode].
func Find(objs []Object, t Tag) (Object, bool) {
	for _, c := range objs {
		if c.Tag == t {
			return c, true
		}
	}
	return Object{}, false
}

// Primitive returns a primitive object with tag t and value v. It does not copy v.
func Primitive(t Tag, v []byte) Object { return Object{Tag: t, Value: v} }

// Constructed returns a constructed object with tag t and the given children. Value is
// set to the encoded children, so the object looks like a decoded one; [Object.Encode]
// encodes from Children regardless, so later changes to Children are not lost.
func Constructed(t Tag, children ...Object) Object {
	if children == nil {
		children = []Object{}
	}
	return Object{Tag: t, Value: Encode(children...), Children: children}
}
