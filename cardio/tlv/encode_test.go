package tlv

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestEncodeLengthForms(t *testing.T) {
	tests := []struct {
		n      int
		header []byte
	}{
		{0, h("04 00")},
		{1, h("04 01")},
		{0x7F, h("04 7F")},
		{0x80, h("04 81 80")},
		{0xFF, h("04 81 FF")},
		{0x100, h("04 82 01 00")},
		{0xFFFF, h("04 82 FF FF")},
		{0x10000, h("04 83 01 00 00")},
		{0xFFFFFF, h("04 83 FF FF FF")},
		{0x1000000, h("04 84 01 00 00 00")},
	}
	for _, tt := range tests {
		value := bytes.Repeat([]byte{0x5A}, tt.n)
		got := Primitive(0x04, value).Encode()
		if !bytes.Equal(got[:len(tt.header)], tt.header) || !bytes.Equal(got[len(tt.header):], value) {
			t.Errorf("length %#x: header % X, want % X (total %d bytes)", tt.n, got[:min(len(got), len(tt.header))], tt.header, len(got))
		}
		if tt.n > DefaultLimits.MaxLength {
			continue
		}
		objs, err := Decode(got)
		if err != nil || len(objs) != 1 || len(objs[0].Value) != tt.n {
			t.Errorf("length %#x: decoding the encoding failed: %v", tt.n, err)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		obj  Object
		want []byte
	}{
		{"primitive", Primitive(0x5F21, []byte("AB")), h("5F21 02 4142")},
		{"four-byte tag", Primitive(0x9F818101, nil), h("9F818101 00")},
		{"constructed from children", Object{Tag: 0x62, Value: h("DEAD"), Children: []Object{Primitive(0x5F25, h("02"))}}, h("62 04 5F25 01 02")},
		{"constructed from value when children nil", Object{Tag: 0x62, Value: h("5F25 01 02")}, h("62 04 5F25 01 02")},
		{"empty children override value", Object{Tag: 0x62, Value: h("5F25 01 02"), Children: []Object{}}, h("62 00")},
		{"primitive ignores children", Object{Tag: 0x5F21, Value: h("41"), Children: []Object{Primitive(0x04, nil)}}, h("5F21 01 41")},
		{"nested long form", Constructed(0x7F40, Primitive(0x5F42, bytes.Repeat([]byte{1}, 200))), cat(h("7F40 81 CC 5F42 81 C8"), bytes.Repeat([]byte{1}, 200))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.obj.Encode(); !bytes.Equal(got, tt.want) {
				t.Errorf("Encode() = % X, want % X", got, tt.want)
			}
		})
	}
}

func TestEncodeMany(t *testing.T) {
	objs, err := Decode(cat(ownerFile, insurerFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := Encode(objs...); !bytes.Equal(got, cat(ownerFile, insurerFile)) {
		t.Errorf("Encode(owner, insurer) = % X", got)
	}
	if got := Encode(); len(got) != 0 {
		t.Errorf("Encode() = % X, want nothing", got)
	}
}

func TestAppendEncode(t *testing.T) {
	prefix := h("90 00")
	for _, capacity := range []int{2, 200} { // growing and in place
		dst := append(make([]byte, 0, capacity), prefix...)
		got := AppendEncode(dst, Primitive(0x5F21, []byte("ИВАНОВ")))
		want := cat(prefix, h("5F21 0C"), []byte("ИВАНОВ"))
		if !bytes.Equal(got, want) {
			t.Errorf("cap %d: AppendEncode = % X, want % X", capacity, got, want)
		}
	}
}

func TestEncodeCanonicalisesDecoded(t *testing.T) {
	tests := []struct {
		name string
		dec  Decoder
		in   []byte
		want []byte
	}{
		{"non-minimal lengths", Decoder{}, h("62 81 08 5F21 84 00 00 00 01 41"), h("62 04 5F21 01 41")},
		{"padding inside", Decoder{AllowPadding: true}, h("62 05 FF 04 00 00 00"), h("62 02 04 00")},
		{"already canonical", Decoder{}, ownerFile, ownerFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := tt.dec.Decode(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := Encode(objs...); !bytes.Equal(got, tt.want) {
				t.Errorf("Encode = % X, want % X", got, tt.want)
			}
		})
	}
}

// randTag returns a random well-formed tag of one to four bytes of any class.
func randTag(r *rand.Rand, constructed bool) Tag {
	for {
		first := byte(r.IntN(4)) << 6
		if constructed {
			first |= tagConstructedBit
		}
		var t Tag
		if r.IntN(3) == 0 {
			t = Tag(first | byte(r.IntN(tagNumberMask)))
		} else {
			t = Tag(first | tagNumberMask)
			n := 1 + r.IntN(maxTagBytes-1)
			for i := range n {
				c := byte(r.IntN(0x80))
				if i < n-1 {
					c |= tagMoreBit
				}
				t = t<<8 | Tag(c)
			}
		}
		if t.Valid() { // skips 00, FF.. and a second byte of 80
			return t
		}
	}
}

// randObject returns a random tree no more than depth templates deep, with values
// whose lengths straddle the one-, two- and three-byte length forms.
func randObject(r *rand.Rand, depth int) Object {
	if depth > 1 && r.IntN(3) == 0 {
		children := make([]Object, r.IntN(5))
		for i := range children {
			children[i] = randObject(r, depth-1)
		}
		return Constructed(randTag(r, true), children...)
	}
	var n int
	switch r.IntN(6) {
	case 0:
		n = 0
	case 1:
		n = 0x7E + r.IntN(4) // around the 7F/81 80 boundary
	case 2:
		n = 0xFE + r.IntN(4) // around the 81 FF/82 01 00 boundary
	case 3:
		n = 10*1024 + r.IntN(1024) // photo-sized
	default:
		n = r.IntN(40)
	}
	v := make([]byte, n)
	for i := range v {
		v[i] = byte(r.Uint32())
	}
	return Primitive(randTag(r, false), v)
}

// TestRoundTripRandomTrees is a property test: for random trees from a fixed seed,
// Decode(Encode(tree)) gives back the same tree (values of templates included, since
// the builders keep them canonical), with consistent offsets, and encoding again gives
// the same bytes.
func TestRoundTripRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(7816, 4))
	for i := range 500 {
		objs := make([]Object, 1+r.IntN(3))
		for j := range objs {
			objs[j] = randObject(r, DefaultLimits.MaxDepth)
		}
		enc := Encode(objs...)
		got, err := Decode(enc)
		if err != nil {
			t.Fatalf("tree %d: Decode(Encode(tree)): %v", i, err)
		}
		if len(got) != len(objs) {
			t.Fatalf("tree %d: %d objects back, want %d", i, len(got), len(objs))
		}
		for j := range objs {
			if !sameTree(objs[j], got[j]) || !bytes.Equal(objs[j].Value, got[j].Value) {
				t.Fatalf("tree %d, object %d: decoded tree differs from the encoded one", i, j)
			}
		}
		checkSpans(t, enc, got)
		if again := Encode(got...); !bytes.Equal(again, enc) {
			t.Fatalf("tree %d: encoding the decoded tree gives different bytes", i)
		}
	}
}
