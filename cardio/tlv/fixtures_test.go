package tlv

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// h decodes hex written with optional spaces, e.g. h("5F21 0C").
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// cat concatenates byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// ownerContent is the content of the synthetic owner record of oms-card-format.md §6,
// written out byte for byte as the document lists it (lengths included), so that a
// wrong length in the document, or in the encoder, shows up.
var ownerContent = cat(
	h("5F26 10"), []byte("5001234567890127"),
	h("5F21 0C"), []byte("ИВАНОВ"),
	h("5F22 08"), []byte("ИВАН"),
	h("5F23 10"), []byte("ИВАНОВИЧ"),
	h("5F25 01 01"),
	h("5F24 04 15 03 19 85"),
	h("7F30 15"),
	h("5F31 03"), []byte("RUS"),
	h("5F32 0C"), []byte("РОССИЯ"),
	h("5F29 10"), []byte("Г. МОСКВА"),
	h("5F2A 04 01 09 20 15"),
)

// ownerFile is the 127-byte synthetic owner file of oms-card-format.md §6.
var ownerFile = cat(h("62 7D"), ownerContent)

// insurerFile is the synthetic insurer record of oms-card-format.md §6 (33 bytes).
var insurerFile = cat(
	h("64 1F"),
	h("5F51 0D"), []byte("1027700000008"),
	h("5F52 05"), []byte("45000"),
	h("5F53 04 01 09 20 15"),
)

// syntheticPhoto returns n bytes that look like a JPEG (SOI marker, deterministic
// filler, EOI marker). It is not a decodable image and depicts nobody.
func syntheticPhoto(n int) []byte {
	p := make([]byte, n)
	x := uint32(2463534242)
	for i := range p {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p[i] = byte(x)
	}
	copy(p, h("FF D8 FF E0"))
	copy(p[n-2:], h("FF D9"))
	return p
}

// ownerWithPhoto returns the owner file with a photo template 7F40 appended, holding
// 5F41 (format, synthetic "JPEG") and 5F42 (photoLen image bytes), built with explicit
// two-byte long-form lengths so the test does not rely on the encoder.
func ownerWithPhoto(photoLen int) []byte {
	photo := cat(h("5F42 82"), be16(photoLen), syntheticPhoto(photoLen))
	photoTmpl := cat(h("5F41 04"), []byte("JPEG"), photo)
	photoObj := cat(h("7F40 82"), be16(len(photoTmpl)), photoTmpl)
	content := cat(ownerContent, photoObj)
	return cat(h("62 82"), be16(len(content)), content)
}

func be16(n int) []byte {
	if n > 0xFFFF {
		panic("be16: too large")
	}
	return []byte{byte(n >> 8), byte(n)}
}

// sameTree reports whether a and b have the same tags, the same primitive values and
// the same children, ignoring offsets, header lengths and the raw content of
// constructed objects (which differs when one of them was read with non-minimal
// lengths or padding).
func sameTree(a, b Object) bool {
	if a.Tag != b.Tag || (a.Children == nil) != (b.Children == nil) || len(a.Children) != len(b.Children) {
		return false
	}
	if a.Children == nil {
		return bytes.Equal(a.Value, b.Value)
	}
	for i := range a.Children {
		if !sameTree(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

// checkSpans verifies, for objs and all their descendants decoded from in, that Offset
// and HeaderLen locate the object in in, that Value is the matching sub-slice, that
// ParseHeader agrees with them, and that exactly the constructed objects have children.
func checkSpans(t testing.TB, in []byte, objs []Object) {
	t.Helper()
	for _, o := range objs {
		end := o.Offset + o.HeaderLen + len(o.Value)
		if o.Offset < 0 || o.HeaderLen < 2 || end > len(in) {
			t.Fatalf("%s: span [%d, %d) header %d outside input of %d bytes", o.Tag, o.Offset, end, o.HeaderLen, len(in))
		}
		if !bytes.Equal(in[o.Offset+o.HeaderLen:end], o.Value) {
			t.Fatalf("%s at %d: Value is not the input bytes after the header", o.Tag, o.Offset)
		}
		tag, hl, vl, err := ParseHeader(in[o.Offset:])
		if err != nil || tag != o.Tag || hl != o.HeaderLen || vl != len(o.Value) {
			t.Fatalf("%s at %d: ParseHeader = %s, %d, %d, %v; want %s, %d, %d", o.Tag, o.Offset, tag, hl, vl, err, o.Tag, o.HeaderLen, len(o.Value))
		}
		if o.Tag.Constructed() != (o.Children != nil) {
			t.Fatalf("%s at %d: constructed %v but Children nil is %v", o.Tag, o.Offset, o.Tag.Constructed(), o.Children == nil)
		}
		checkSpans(t, in, o.Children)
	}
}
