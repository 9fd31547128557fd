package tlv

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzSeeds are real-shaped inputs: the card files, a first READ BINARY chunk, padded
// and non-minimal variants, and a few of the malformed inputs the unit tests use.
func fuzzSeeds() [][]byte {
	seeds := [][]byte{
		ownerFile,
		insurerFile,
		ownerWithPhoto(300),
		ownerWithPhoto(300)[:0xF0],
		cat(h("00 FF"), ownerFile, h("FF FF FF"), insurerFile, h("00")),
		h("62 82 00 06 5F21 81 02 4142 04 00"),
		h("E1 1A 9F8101 02 AABB BF8102 0E 9F818101 01 CC 7F30 00 5F21 02 4142 80 00"),
		nested(9),
		h("62 80 5F21 01 41 00 00"),
		h("04 84 FF FF FF FF 00"),
		h("1F 80 01 00"),
	}
	for _, c := range decodeErrorCases() {
		if len(c.in) < 512 {
			seeds = append(seeds, c.in)
		}
	}
	return seeds
}

// FuzzDecode checks that Decode never panics and returns either objects or a
// *SyntaxError pointing into the input; that decoded objects locate themselves in the
// input correctly; and that encoding each decoded object and decoding it again gives
// the same tree, with a canonical encoding that is stable.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, dec := range []Decoder{{}, {AllowPadding: true}} {
			objs, err := dec.Decode(data)
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Err == nil {
					t.Fatalf("padding %v: error %v is not a *SyntaxError with a sentinel", dec.AllowPadding, err)
				}
				if se.Offset < 0 || se.Offset > len(data) {
					t.Fatalf("padding %v: error offset %d outside input of %d bytes", dec.AllowPadding, se.Offset, len(data))
				}
				if objs != nil {
					t.Fatalf("padding %v: objects returned with an error", dec.AllowPadding)
				}
				continue
			}
			checkSpans(t, data, objs)
			for _, o := range objs {
				enc := o.Encode()
				again, err := Decode(enc)
				if err != nil {
					t.Fatalf("padding %v: decoding the re-encoded %s: %v\n% X", dec.AllowPadding, o.Tag, err, enc)
				}
				if len(again) != 1 || !sameTree(o, again[0]) {
					t.Fatalf("padding %v: re-encoded %s decodes to a different tree", dec.AllowPadding, o.Tag)
				}
				if enc2 := again[0].Encode(); !bytes.Equal(enc, enc2) {
					t.Fatalf("padding %v: canonical encoding of %s is not stable", dec.AllowPadding, o.Tag)
				}
			}
		}
	})
}

// FuzzParseHeader checks that ParseHeader never panics, that a header it accepts is
// well formed and consistent with the input, and that it agrees with DecodeOne: the
// whole object is headerLen+valueLen bytes, and less input than that is ErrTruncated.
func FuzzParseHeader(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tag, hl, vl, err := ParseHeader(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("error %v is not a *SyntaxError pointing into %d bytes", err, len(data))
			}
			if _, _, err2 := DecodeOne(data); err2 == nil {
				t.Fatalf("ParseHeader failed (%v) but DecodeOne succeeded", err)
			}
			return
		}
		tb := tag.Bytes()
		if !tag.Valid() || hl > len(data) || hl < len(tb)+1 || hl > len(tb)+5 || !bytes.Equal(tb, data[:len(tb)]) {
			t.Fatalf("ParseHeader = %s, %d, %d for % X", tag, hl, vl, data[:min(len(data), 9)])
		}
		if vl < 0 || vl > DefaultLimits.MaxLength {
			t.Fatalf("value length %d outside [0, %d]", vl, DefaultLimits.MaxLength)
		}
		o, rest, err := DecodeOne(data)
		switch {
		case hl+vl > len(data):
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("object of %d bytes in %d: DecodeOne error = %v, want ErrTruncated", hl+vl, len(data), err)
			}
		case err == nil:
			if o.Tag != tag || o.HeaderLen != hl || len(o.Value) != vl || len(rest) != len(data)-hl-vl {
				t.Fatalf("DecodeOne = %s, header %d, value %d, rest %d; ParseHeader said %s, %d, %d", o.Tag, o.HeaderLen, len(o.Value), len(rest), tag, hl, vl)
			}
		case !tag.Constructed():
			t.Fatalf("complete primitive %s: DecodeOne: %v", tag, err)
		default:
			// A complete template can still fail, but only because of its content.
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < hl {
				t.Fatalf("complete template %s: DecodeOne error %v not inside its value", tag, err)
			}
		}
	})
}
