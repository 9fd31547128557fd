package tlv

import (
	"bytes"
	"errors"
	"testing"
)

// field is an expected primitive object inside a decoded template.
type field struct {
	tag    Tag
	offset int
	value  []byte
}

func TestDecodeOwnerFile(t *testing.T) {
	objs, err := Decode(ownerFile)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(objs) != 1 {
		t.Fatalf("Decode returned %d objects, want 1", len(objs))
	}
	owner := objs[0]
	if owner.Tag != 0x62 || owner.Offset != 0 || owner.HeaderLen != 2 || len(owner.Value) != 0x7D {
		t.Fatalf("owner = tag %s offset %d header %d value %d bytes; want 62, 0, 2, 125", owner.Tag, owner.Offset, owner.HeaderLen, len(owner.Value))
	}
	checkSpans(t, ownerFile, objs)

	wantTags := []Tag{0x5F26, 0x5F21, 0x5F22, 0x5F23, 0x5F25, 0x5F24, 0x7F30, 0x5F29, 0x5F2A}
	if len(owner.Children) != len(wantTags) {
		t.Fatalf("owner has %d children, want %d", len(owner.Children), len(wantTags))
	}
	for i, c := range owner.Children {
		if c.Tag != wantTags[i] {
			t.Errorf("child %d is %s, want %s", i, c.Tag, wantTags[i])
		}
	}

	fields := []field{
		{0x5F26, 2, []byte("5001234567890127")},
		{0x5F21, 21, []byte("ИВАНОВ")},
		{0x5F22, 36, []byte("ИВАН")},
		{0x5F23, 47, []byte("ИВАНОВИЧ")},
		{0x5F25, 66, h("01")},
		{0x5F24, 70, h("15 03 19 85")},
		{0x5F29, 101, []byte("Г. МОСКВА")},
		{0x5F2A, 120, h("01 09 20 15")},
	}
	for _, f := range fields {
		c := mustFind(t, owner, f.tag)
		if c.Offset != f.offset || c.HeaderLen != 3 || !bytes.Equal(c.Value, f.value) || c.Children != nil {
			t.Errorf("%s: offset %d header %d value %q children %v; want %d, 3, %q, nil", f.tag, c.Offset, c.HeaderLen, c.Value, c.Children, f.offset, f.value)
		}
	}

	cit := mustFind(t, owner, 0x7F30)
	if cit.Offset != 77 || len(cit.Value) != 0x15 || len(cit.Children) != 2 {
		t.Fatalf("7F30: offset %d, %d value bytes, %d children; want 77, 21, 2", cit.Offset, len(cit.Value), len(cit.Children))
	}
	for _, f := range []field{{0x5F31, 80, []byte("RUS")}, {0x5F32, 86, []byte("РОССИЯ")}} {
		c := mustFind(t, cit, f.tag)
		if c.Offset != f.offset || !bytes.Equal(c.Value, f.value) {
			t.Errorf("7F30/%s: offset %d value %q; want %d, %q", f.tag, c.Offset, c.Value, f.offset, f.value)
		}
	}
}

func TestDecodeInsurerRecord(t *testing.T) {
	objs, err := Decode(insurerFile)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(objs) != 1 || objs[0].Tag != 0x64 || len(insurerFile) != 33 {
		t.Fatalf("got %d objects (first %s) from %d bytes; want one 64 from 33", len(objs), objs[0].Tag, len(insurerFile))
	}
	checkSpans(t, insurerFile, objs)
	ins := objs[0]
	for _, f := range []field{
		{0x5F51, 2, []byte("1027700000008")},
		{0x5F52, 18, []byte("45000")},
		{0x5F53, 26, h("01 09 20 15")},
	} {
		c := mustFind(t, ins, f.tag)
		if c.Offset != f.offset || !bytes.Equal(c.Value, f.value) {
			t.Errorf("%s: offset %d value %q; want %d, %q", f.tag, c.Offset, c.Value, f.offset, f.value)
		}
	}
	if _, ok := ins.Find(0x5F54); ok {
		t.Error("found insurance end date 5F54, which the record does not have")
	}
}

func TestDecodeOwnerWithPhoto(t *testing.T) {
	const photoLen = 10 * 1024
	in := ownerWithPhoto(photoLen)
	objs, err := Decode(in)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	checkSpans(t, in, objs)
	owner := objs[0]
	if owner.HeaderLen != 4 || owner.HeaderLen+len(owner.Value) != len(in) {
		t.Errorf("owner header %d, value %d, input %d", owner.HeaderLen, len(owner.Value), len(in))
	}
	photoTmpl := mustFind(t, owner, 0x7F40)
	if got := mustFind(t, photoTmpl, 0x5F41); string(got.Value) != "JPEG" {
		t.Errorf("5F41 = %q, want JPEG", got.Value)
	}
	img := mustFind(t, photoTmpl, 0x5F42)
	if img.HeaderLen != 5 || !bytes.Equal(img.Value, syntheticPhoto(photoLen)) {
		t.Errorf("5F42: header %d, %d value bytes; want 5 and the %d photo bytes", img.HeaderLen, len(img.Value), photoLen)
	}
	// Values alias the input, with capacity clipped so appending cannot clobber it.
	if &img.Value[0] != &in[img.Offset+img.HeaderLen] {
		t.Error("5F42 value does not alias the input")
	}
	format := mustFind(t, photoTmpl, 0x5F41)
	if cap(format.Value) != len(format.Value) {
		t.Errorf("5F41 value has capacity %d beyond its length %d", cap(format.Value), len(format.Value))
	}
	_ = append(format.Value, 0xEE)
	if in[format.Offset+format.HeaderLen+len(format.Value)] != 0x5F {
		t.Error("appending to the 5F41 value overwrote the 5F42 tag after it")
	}
}

func TestDecodeLengthForms(t *testing.T) {
	long := bytes.Repeat([]byte{0xA5}, 0x1234)
	tests := []struct {
		name      string
		in        []byte
		headerLen int
		value     []byte
	}{
		{"short 0", h("04 00"), 2, []byte{}},
		{"short 7F", cat(h("04 7F"), bytes.Repeat([]byte{1}, 0x7F)), 2, bytes.Repeat([]byte{1}, 0x7F)},
		{"81 80", cat(h("04 81 80"), bytes.Repeat([]byte{2}, 0x80)), 3, bytes.Repeat([]byte{2}, 0x80)},
		{"81 FF", cat(h("04 81 FF"), bytes.Repeat([]byte{3}, 0xFF)), 3, bytes.Repeat([]byte{3}, 0xFF)},
		{"82 01 00 photo-sized", cat(h("5F42 82 01 00"), bytes.Repeat([]byte{4}, 0x100)), 5, bytes.Repeat([]byte{4}, 0x100)},
		{"82 12 34", cat(h("5F42 82 12 34"), long), 5, long},
		{"83 00 12 34", cat(h("5F42 83 00 12 34"), long), 6, long},
		{"84 00 00 12 34", cat(h("5F42 84 00 00 12 34"), long), 7, long},
		// Non-minimal long forms, as some cards write them.
		{"non-minimal 81 05", h("5F21 81 05 4142434445"), 4, []byte("ABCDE")},
		{"non-minimal 82 00 05", h("5F21 82 00 05 4142434445"), 5, []byte("ABCDE")},
		{"non-minimal 84 00 00 00 00", h("5F21 84 00 00 00 00"), 7, []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(objs) != 1 || objs[0].HeaderLen != tt.headerLen || !bytes.Equal(objs[0].Value, tt.value) {
				t.Fatalf("got %d objects, header %d, %d value bytes; want 1, %d, %d", len(objs), objs[0].HeaderLen, len(objs[0].Value), tt.headerLen, len(tt.value))
			}
			checkSpans(t, tt.in, objs)
		})
	}
}

func TestDecodeNonMinimalTemplate(t *testing.T) {
	// A template whose own length and whose child's length are non-minimal.
	in := h("62 82 00 06 5F21 81 02 4142 04 00")
	objs, err := Decode(in)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(objs) != 2 || len(objs[0].Children) != 1 || string(objs[0].Children[0].Value) != "AB" || objs[1].Tag != 0x04 {
		t.Fatalf("unexpected tree: %+v", objs)
	}
	checkSpans(t, in, objs)
	if got, want := Encode(objs...), h("62 05 5F21 02 4142 04 00"); !bytes.Equal(got, want) {
		t.Errorf("re-encoded as % X, want the canonical % X", got, want)
	}
}

func TestDecodeNestedAndMultiByteTags(t *testing.T) {
	// A private-class template nesting context-specific tags of two, three and four
	// bytes, an empty template and a constructed context-specific tag.
	in := h("E1 1A" +
		" 9F8101 02 AABB" +
		" BF8102 0E" +
		/**/ " 9F818101 01 CC" +
		/**/ " 7F30 00" +
		/**/ " 5F21 02 4142" +
		" 80 00")
	objs, err := Decode(in)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	checkSpans(t, in, objs)
	root := objs[0]
	if root.Tag != 0xE1 || root.Tag.Class() != Private || len(root.Children) != 3 {
		t.Fatalf("root: %s with %d children", root.Tag, len(root.Children))
	}
	if c := mustFind(t, root, 0x9F8101); !bytes.Equal(c.Value, h("AABB")) || c.HeaderLen != 4 {
		t.Errorf("9F8101 = % X header %d", c.Value, c.HeaderLen)
	}
	inner := mustFind(t, root, 0xBF8102)
	if len(inner.Children) != 3 {
		t.Fatalf("BF8102 has %d children, want 3", len(inner.Children))
	}
	if c := mustFind(t, inner, 0x9F818101); !bytes.Equal(c.Value, h("CC")) || c.HeaderLen != 5 || c.Offset != 12 {
		t.Errorf("9F818101 = % X header %d offset %d; want CC, 5, 12", c.Value, c.HeaderLen, c.Offset)
	}
	if c := mustFind(t, inner, 0x7F30); c.Children == nil || len(c.Children) != 0 || len(c.Value) != 0 {
		t.Errorf("empty 7F30: children %#v value % X; want empty non-nil children", c.Children, c.Value)
	}
	if c := mustFind(t, root, 0x80); c.Children != nil || len(c.Value) != 0 {
		t.Errorf("80 = %+v, want an empty primitive", c)
	}
}

func TestDecodeEmpty(t *testing.T) {
	for _, in := range [][]byte{nil, {}} {
		objs, err := Decode(in)
		if err != nil || len(objs) != 0 {
			t.Errorf("Decode(%#v) = %v, %v; want no objects and no error", in, objs, err)
		}
	}
}

// decodeErrorCase is one malformed input and the error it must give.
type decodeErrorCase struct {
	name   string
	dec    Decoder
	in     []byte
	want   error
	offset int
	msg    string // full Error() text, checked when set
}

func decodeErrorCases() []decodeErrorCase {
	owner := ownerWithPhoto(300)
	return []decodeErrorCase{
		// Truncation: the input ends inside a tag, a length or a top-level value.
		{name: "tag cut", in: h("5F"), want: ErrTruncated, offset: 0, msg: "tlv: at offset 0: input ends inside a tag"},
		{name: "four-byte tag cut", in: h("04 00 9F8181"), want: ErrTruncated, offset: 2},
		{name: "length missing", in: h("5F21"), want: ErrTruncated, offset: 2, msg: "tlv: at offset 2: input ends before the length"},
		{name: "long length cut", in: h("5F42 82 01"), want: ErrTruncated, offset: 2},
		{name: "value cut", in: h("5F21 05 4142"), want: ErrTruncated, offset: 2, msg: "tlv: at offset 2: length 5 of 5F21 exceeds remaining 2 bytes"},
		{name: "owner file cut", in: ownerFile[:100], want: ErrTruncated, offset: 1},
		{name: "owner file with photo cut", in: owner[:256], want: ErrTruncated, offset: 1},
		{name: "second object cut", in: cat(insurerFile, h("64 1F 5F51")), want: ErrTruncated, offset: 34},
		// Inside a template, a header cut short by the template's end is truncated too.
		{name: "tag cut by template", in: h("62 01 5F"), want: ErrTruncated, offset: 2, msg: "tlv: at offset 2: tag runs past the end of the enclosing template"},
		{name: "length cut by template", in: h("62 02 5F21 03 414243"), want: ErrTruncated, offset: 4},
		// Impossible lengths: a child longer than its template, or over MaxLength.
		{name: "child overruns template", in: h("62 05 5F21 03 4142 43"), want: ErrLengthTooLarge, offset: 4},
		{name: "photo overruns 7F40", in: h("62 0B 7F40 08 5F42 82 01 2C 0102 03"), want: ErrLengthTooLarge, offset: 7},
		{
			name:   "brief's example",
			in:     cat(h("62 21 5F21 05"), []byte("ABCDE"), h("5F42 82 01 2C"), bytes.Repeat([]byte{7}, 20)),
			want:   ErrLengthTooLarge,
			offset: 12,
			msg:    "tlv: at offset 12: length 300 of 5F42 exceeds remaining 20 bytes",
		},
		{name: "over default MaxLength", in: h("04 83 10 00 01"), want: ErrLengthTooLarge, offset: 1, msg: "tlv: at offset 1: length 1048577 of 04 exceeds the limit of 1048576 bytes"},
		{name: "4 GiB length", in: h("04 84 FF FF FF FF 00"), want: ErrLengthTooLarge, offset: 1},
		{name: "over custom MaxLength", dec: Decoder{Limits: Limits{MaxLength: 100}}, in: ownerFile, want: ErrLengthTooLarge, offset: 1},
		// Length fields outside the profile.
		{name: "indefinite length", in: h("62 80 5F21 01 41 00 00"), want: ErrIndefiniteLength, offset: 1, msg: "tlv: at offset 1: indefinite length (80) is not allowed"},
		{name: "indefinite length nested", in: h("62 06 7F30 80 00 00 00"), want: ErrIndefiniteLength, offset: 4},
		{name: "length FF", in: h("04 FF 00"), want: ErrBadLength, offset: 1},
		{name: "length of length 5", in: h("04 85 00 00 00 00 01 41"), want: ErrBadLength, offset: 1},
		{name: "length of length 126", in: h("04 FE"), want: ErrBadLength, offset: 1},
		// Tags.
		{name: "00 without padding", in: h("00 04 00"), want: ErrBadTag, offset: 0},
		{name: "FF after object", in: h("04 00 FF"), want: ErrBadTag, offset: 2},
		{name: "00 inside template", in: h("62 03 00 04 00"), want: ErrBadTag, offset: 2},
		{name: "second tag byte 80", in: h("1F 80 01 00"), want: ErrBadTag, offset: 0},
		{name: "five-byte tag", in: h("9F 81 81 81 01 00"), want: ErrTagTooLong, offset: 0},
		{name: "tag over custom MaxTagBytes", dec: Decoder{Limits: Limits{MaxTagBytes: 2}}, in: h("62 05 9F8101 01 00"), want: ErrTagTooLong, offset: 2},
		// Limits on structure.
		{name: "nine templates deep", in: nested(9), want: ErrTooDeep, offset: 24},
		{name: "7F30 over MaxDepth 1", dec: Decoder{Limits: Limits{MaxDepth: 1}}, in: ownerFile, want: ErrTooDeep, offset: 77},
		{name: "owner over MaxObjects 11", dec: Decoder{Limits: Limits{MaxObjects: 11}}, in: ownerFile, want: ErrTooManyObjects, offset: 120},
		{name: "flat list over default MaxObjects", in: bytes.Repeat(h("04 00"), 4097), want: ErrTooManyObjects, offset: 8192},
	}
}

// nested returns n templates 7F30 nested in one another around a primitive 04 01 00.
func nested(n int) []byte {
	o := Primitive(0x04, []byte{0})
	for range n {
		o = Constructed(0x7F30, o)
	}
	return o.Encode()
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range decodeErrorCases() {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := tt.dec.Decode(tt.in)
			if objs != nil {
				t.Errorf("Decode returned %d objects along with the error", len(objs))
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode error = %v, want %v", err, tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode error %T is not a *SyntaxError", err)
			}
			if se.Offset != tt.offset {
				t.Errorf("offset %d, want %d (%v)", se.Offset, tt.offset, err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.msg)
			}
		})
	}
}

// TestDecodeLimitBoundaries checks that each limit admits exactly its value.
func TestDecodeLimitBoundaries(t *testing.T) {
	photo := ownerWithPhoto(10 * 1024)
	photoValueLen := len(photo) - 4
	tests := []struct {
		name string
		dec  Decoder
		in   []byte
	}{
		{"default MaxDepth 8", Decoder{}, nested(8)},
		{"MaxDepth 2 for the owner file", Decoder{Limits: Limits{MaxDepth: 2}}, ownerFile},
		{"MaxDepth 20", Decoder{Limits: Limits{MaxDepth: 20}}, nested(20)},
		{"MaxObjects 12 for the owner file", Decoder{Limits: Limits{MaxObjects: 12}}, ownerFile},
		{"default MaxObjects", Decoder{}, bytes.Repeat(h("04 00"), 4096)},
		{"MaxLength equal to the longest value", Decoder{Limits: Limits{MaxLength: photoValueLen}}, photo},
		{"MaxLength 125 for the owner file", Decoder{Limits: Limits{MaxLength: 125}}, ownerFile},
		{"MaxTagBytes 2", Decoder{Limits: Limits{MaxTagBytes: 2}}, ownerFile},
		{"MaxTagBytes above 4 means 4", Decoder{Limits: Limits{MaxTagBytes: 9}}, h("9F818101 00")},
		{"1 MiB value", Decoder{}, cat(h("5F42 83 10 00 00"), make([]byte, 1<<20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := tt.dec.Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(objs) == 0 {
				t.Fatal("no objects")
			}
			checkSpans(t, tt.in, objs)
		})
	}
	// And one beyond each limit fails.
	beyond := []struct {
		name string
		dec  Decoder
		in   []byte
		want error
	}{
		{"MaxDepth 20", Decoder{Limits: Limits{MaxDepth: 20}}, nested(21), ErrTooDeep},
		{"MaxLength one short", Decoder{Limits: Limits{MaxLength: photoValueLen - 1}}, photo, ErrLengthTooLarge},
		{"MaxTagBytes 4 above 4", Decoder{Limits: Limits{MaxTagBytes: 9}}, h("9F81818101 00"), ErrTagTooLong},
		{"1 MiB + 1 value", Decoder{}, cat(h("5F42 83 10 00 01"), make([]byte, 1<<20+1)), ErrLengthTooLarge},
	}
	for _, tt := range beyond {
		t.Run("beyond "+tt.name, func(t *testing.T) {
			if _, err := tt.dec.Decode(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("Decode error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDefaultLimitsAreUsedForZeroFields(t *testing.T) {
	saved := DefaultLimits
	t.Cleanup(func() { DefaultLimits = saved })
	DefaultLimits.MaxDepth = 1
	if _, err := Decode(ownerFile); !errors.Is(err, ErrTooDeep) {
		t.Errorf("with DefaultLimits.MaxDepth 1, Decode error = %v, want ErrTooDeep", err)
	}
	DefaultLimits = Limits{} // nonsense defaults fall back to the built-in values
	if _, err := Decode(nested(8)); err != nil {
		t.Errorf("with zeroed DefaultLimits, Decode: %v", err)
	}
	if _, err := Decode(nested(9)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("with zeroed DefaultLimits, Decode error = %v, want ErrTooDeep", err)
	}
}

func TestDecodePadding(t *testing.T) {
	pad := Decoder{AllowPadding: true}
	tests := []struct {
		name    string
		in      []byte
		tags    []Tag
		offsets []int
	}{
		{"none", h("5F21 01 41"), []Tag{0x5F21}, []int{0}},
		{"only padding", h("FF FF 00 00 FF"), nil, nil},
		{"before", h("00 00 FF 5F21 01 41"), []Tag{0x5F21}, []int{3}},
		{"between", h("5F21 01 41 00 FF 5F22 01 42"), []Tag{0x5F21, 0x5F22}, []int{0, 6}},
		{"after", h("5F21 01 41 FF FF FF"), []Tag{0x5F21}, []int{0}},
		{"erased rest of file", cat(ownerFile, bytes.Repeat([]byte{0xFF}, 129)), []Tag{0x62}, []int{0}},
		{"owner and insurer with gaps", cat(h("00"), ownerFile, h("00 00"), insurerFile, h("FF")), []Tag{0x62, 0x64}, []int{1, 130}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := pad.Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(objs) != len(tt.tags) {
				t.Fatalf("got %d objects, want %d", len(objs), len(tt.tags))
			}
			for i, o := range objs {
				if o.Tag != tt.tags[i] || o.Offset != tt.offsets[i] {
					t.Errorf("object %d: %s at %d, want %s at %d", i, o.Tag, o.Offset, tt.tags[i], tt.offsets[i])
				}
			}
			checkSpans(t, tt.in, objs)
		})
	}

	t.Run("inside a template", func(t *testing.T) {
		in := h("62 08 00 5F21 01 41 FF 04 00")
		objs, err := pad.Decode(in)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		c := objs[0].Children
		if len(c) != 2 || c[0].Tag != 0x5F21 || c[0].Offset != 3 || c[1].Tag != 0x04 || c[1].Offset != 8 {
			t.Fatalf("children %+v", c)
		}
		if got, want := objs[0].Encode(), h("62 06 5F21 01 41 04 00"); !bytes.Equal(got, want) {
			t.Errorf("re-encoded as % X, want % X without padding", got, want)
		}
	})

	t.Run("value bytes are not padding", func(t *testing.T) {
		objs, err := pad.Decode(h("5F42 03 00 FF 00"))
		if err != nil || !bytes.Equal(objs[0].Value, h("00 FF 00")) {
			t.Errorf("Decode = %+v, %v; want value 00 FF 00", objs, err)
		}
	})

	t.Run("padding does not excuse a cut object", func(t *testing.T) {
		if _, err := pad.Decode(h("FF 5F21 05 41 FF FF")); !errors.Is(err, ErrTruncated) {
			t.Errorf("Decode error = %v, want ErrTruncated", err)
		}
	})
}

func TestDecodeOne(t *testing.T) {
	both := cat(ownerFile, insurerFile)
	o, rest, err := DecodeOne(both)
	if err != nil {
		t.Fatalf("DecodeOne: %v", err)
	}
	if o.Tag != 0x62 || len(o.Children) != 9 || !bytes.Equal(rest, insurerFile) {
		t.Fatalf("DecodeOne = %s with %d children, rest % X", o.Tag, len(o.Children), rest)
	}
	o, rest, err = DecodeOne(rest)
	if err != nil || o.Tag != 0x64 || len(rest) != 0 || o.Offset != 0 {
		t.Fatalf("second DecodeOne = %s at %d, rest %d bytes, %v", o.Tag, o.Offset, len(rest), err)
	}

	// The rest is returned unexamined, even if it is garbage.
	o, rest, err = DecodeOne(h("04 01 41 80 80"))
	if err != nil || o.Tag != 0x04 || !bytes.Equal(rest, h("80 80")) {
		t.Errorf("DecodeOne = %s, rest % X, %v", o.Tag, rest, err)
	}

	o, rest, err = Decoder{AllowPadding: true}.DecodeOne(h("FF 00 5F21 01 41 FF"))
	if err != nil || o.Tag != 0x5F21 || o.Offset != 2 || !bytes.Equal(rest, h("FF")) {
		t.Errorf("DecodeOne with padding = %s at %d, rest % X, %v", o.Tag, o.Offset, rest, err)
	}

	errTests := []struct {
		name   string
		dec    Decoder
		in     []byte
		want   error
		offset int
	}{
		{"empty", Decoder{}, nil, ErrEmpty, 0},
		{"only padding", Decoder{AllowPadding: true}, h("FF FF 00"), ErrEmpty, 3},
		{"padding not allowed", Decoder{}, h("FF 04 00"), ErrBadTag, 0},
		{"cut", Decoder{}, ownerFile[:126], ErrTruncated, 1},
		{"bad child", Decoder{}, h("62 03 04 80 00"), ErrIndefiniteLength, 3},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, rest, err := tt.dec.DecodeOne(tt.in)
			var se *SyntaxError
			if !errors.Is(err, tt.want) || !errors.As(err, &se) || se.Offset != tt.offset {
				t.Fatalf("DecodeOne error = %v, want %v at offset %d", err, tt.want, tt.offset)
			}
			if rest != nil {
				t.Errorf("rest = % X along with an error", rest)
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	photo := ownerWithPhoto(10 * 1024)
	tests := []struct {
		name      string
		dec       Decoder
		in        []byte
		tag       Tag
		headerLen int
		valueLen  int
		want      error
		offset    int
	}{
		{name: "owner file", in: ownerFile, tag: 0x62, headerLen: 2, valueLen: 125},
		{name: "owner header only", in: ownerFile[:2], tag: 0x62, headerLen: 2, valueLen: 125},
		{name: "first chunk of a photo file", in: photo[:0xF0], tag: 0x62, headerLen: 4, valueLen: len(photo) - 4},
		{name: "insurer", in: insurerFile[:8], tag: 0x64, headerLen: 2, valueLen: 31},
		{name: "four-byte tag, four-byte length", in: h("9F818101 84 00 01 00 00"), tag: 0x9F818101, headerLen: 9, valueLen: 65536},
		{name: "non-minimal", in: h("5F21 82 00 05"), tag: 0x5F21, headerLen: 5, valueLen: 5},
		{name: "empty", in: nil, want: ErrTruncated, offset: 0},
		{name: "tag cut", in: h("7F"), want: ErrTruncated, offset: 0},
		{name: "length missing", in: h("62"), want: ErrTruncated, offset: 1},
		{name: "long length cut", in: h("62 82 01"), want: ErrTruncated, offset: 1},
		{name: "indefinite", in: h("62 80"), want: ErrIndefiniteLength, offset: 1},
		{name: "length FF", in: h("62 FF"), want: ErrBadLength, offset: 1},
		{name: "length of length 5", in: h("62 85 00 00 00 00 10"), want: ErrBadLength, offset: 1},
		{name: "over default MaxLength", in: h("62 84 7F FF FF FF"), want: ErrLengthTooLarge, offset: 1},
		{name: "over custom MaxLength", dec: Decoder{Limits: Limits{MaxLength: 124}}, in: ownerFile, want: ErrLengthTooLarge, offset: 1},
		{name: "padding is not skipped", dec: Decoder{AllowPadding: true}, in: h("FF 62 00"), want: ErrBadTag, offset: 0},
		{name: "tag too long", in: h("5F 81 81 81 01 00"), want: ErrTagTooLong, offset: 0},
		{name: "over custom MaxTagBytes", dec: Decoder{Limits: Limits{MaxTagBytes: 1}}, in: h("5F21 00"), want: ErrTagTooLong, offset: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag, hl, vl, err := tt.dec.ParseHeader(tt.in)
			if tt.want == nil {
				if err != nil || tag != tt.tag || hl != tt.headerLen || vl != tt.valueLen {
					t.Fatalf("ParseHeader = %s, %d, %d, %v; want %s, %d, %d", tag, hl, vl, err, tt.tag, tt.headerLen, tt.valueLen)
				}
				return
			}
			var se *SyntaxError
			if !errors.Is(err, tt.want) || !errors.As(err, &se) || se.Offset != tt.offset {
				t.Fatalf("ParseHeader error = %v, want %v at offset %d", err, tt.want, tt.offset)
			}
			if tag != 0 || hl != 0 || vl != 0 {
				t.Errorf("ParseHeader returned %s, %d, %d along with an error", tag, hl, vl)
			}
		})
	}
	// The package-level function uses the default limits.
	if _, _, _, err := ParseHeader(h("62 84 00 10 00 01")); !errors.Is(err, ErrLengthTooLarge) {
		t.Errorf("ParseHeader over 1 MiB: error = %v, want ErrLengthTooLarge", err)
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct {
		err  *SyntaxError
		want string
	}{
		{&SyntaxError{Offset: 12, Err: ErrLengthTooLarge, Detail: "length 300 exceeds remaining 20 bytes"}, "tlv: at offset 12: length 300 exceeds remaining 20 bytes"},
		{&SyntaxError{Offset: 3, Err: ErrTruncated}, "tlv: at offset 3: truncated input"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, tt.err.Err) {
			t.Errorf("errors.Is(%v, %v) = false", tt.err, tt.err.Err)
		}
	}
}
