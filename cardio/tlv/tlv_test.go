package tlv

import (
	"bytes"
	"errors"
	"testing"
)

func TestTagProperties(t *testing.T) {
	tests := []struct {
		tag         Tag
		constructed bool
		class       Class
		str         string
		bytes       []byte
		valid       bool
	}{
		{0x62, true, Application, "62", h("62"), true},
		{0x64, true, Application, "64", h("64"), true},
		{0x04, false, Universal, "04", h("04"), true},
		{0x30, true, Universal, "30", h("30"), true},
		{0x80, false, ContextSpecific, "80", h("80"), true},
		{0xA5, true, ContextSpecific, "A5", h("A5"), true},
		{0xC1, false, Private, "C1", h("C1"), true},
		{0x5F21, false, Application, "5F21", h("5F21"), true},
		{0x7F30, true, Application, "7F30", h("7F30"), true},
		{0x7F40, true, Application, "7F40", h("7F40"), true},
		{0x5F42, false, Application, "5F42", h("5F42"), true},
		{0x9F8101, false, ContextSpecific, "9F8101", h("9F8101"), true},
		{0xBF8101, true, ContextSpecific, "BF8101", h("BF8101"), true},
		{0xDF01, false, Private, "DF01", h("DF01"), true},
		{0x9F818101, false, ContextSpecific, "9F818101", h("9F818101"), true},
		{0x1F1F, false, Universal, "1F1F", h("1F1F"), true},
		// Malformed: padding bytes as first byte, missing or extra bytes, '80' second byte.
		{0x00, false, Universal, "00", h("00"), false},
		{0xFF01, true, Private, "FF01", h("FF01"), false},
		{0x5F, false, Application, "5F", h("5F"), false},
		{0x5F81, false, Application, "5F81", h("5F81"), false},
		{0x9F818181, false, ContextSpecific, "9F818181", h("9F818181"), false},
		{0x6201, true, Application, "6201", h("6201"), false},
		{0x1F8001, false, Universal, "1F8001", h("1F8001"), false},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			if got := tt.tag.Constructed(); got != tt.constructed {
				t.Errorf("Constructed() = %v, want %v", got, tt.constructed)
			}
			if got := tt.tag.Class(); got != tt.class {
				t.Errorf("Class() = %v, want %v", got, tt.class)
			}
			if got := tt.tag.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.tag.Bytes(); !bytes.Equal(got, tt.bytes) {
				t.Errorf("Bytes() = % X, want % X", got, tt.bytes)
			}
			if got := tt.tag.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
		})
	}
}

func TestClassString(t *testing.T) {
	tests := []struct {
		c    Class
		want string
	}{
		{Universal, "universal"},
		{Application, "application"},
		{ContextSpecific, "context-specific"},
		{Private, "private"},
		{Class(7), "Class(7)"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Class(%d).String() = %q, want %q", uint8(tt.c), got, tt.want)
		}
	}
}

func TestParseTag(t *testing.T) {
	tests := []struct {
		in      string
		want    Tag
		wantErr error
	}{
		{"62", 0x62, nil},
		{"5F21", 0x5F21, nil},
		{"5f21", 0x5F21, nil},
		{"7F30", 0x7F30, nil},
		{"9F8101", 0x9F8101, nil},
		{"9F818101", 0x9F818101, nil},
		{"", 0, ErrBadTag},
		{"5", 0, ErrBadTag},
		{"5G21", 0, ErrBadTag},
		{"5F 21", 0, ErrBadTag},
		{"5F", 0, ErrBadTag},     // announces a second byte
		{"5F81", 0, ErrBadTag},   // last byte announces another
		{"00", 0, ErrBadTag},     // padding byte
		{"FF01", 0, ErrBadTag},   // padding byte
		{"1F8001", 0, ErrBadTag}, // non-minimal '80' second byte
		{"6201", 0, ErrBadTag},   // one-byte tag with a byte left over
		{"0062", 0, ErrBadTag},   // leading zero byte
		{"9F81818101", 0, ErrTagTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTag(tt.in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("ParseTag(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseTag(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if err == nil && got.String() != upper(tt.in) {
				t.Errorf("ParseTag(%q).String() = %q, does not round-trip", tt.in, got.String())
			}
		})
	}
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }

func TestFind(t *testing.T) {
	objs, err := Decode(ownerFile)
	if err != nil {
		t.Fatal(err)
	}
	owner, ok := Find(objs, 0x62)
	if !ok {
		t.Fatal("Find(objs, 62) found nothing")
	}
	if _, ok := Find(objs, 0x64); ok {
		t.Error("Find(objs, 64) found an insurer record in the owner file")
	}
	tests := []struct {
		parent Object
		tag    Tag
		want   string
		ok     bool
	}{
		{owner, 0x5F21, "ИВАНОВ", true},
		{owner, 0x5F26, "5001234567890127", true},
		{owner, 0x5F27, "", false}, // SNILS absent
		{owner, 0x5F31, "", false}, // only a grandchild, not a direct child
		{mustFind(t, owner, 0x7F30), 0x5F31, "RUS", true},
		{mustFind(t, owner, 0x5F21), 0x5F21, "", false}, // primitive: no children
	}
	for _, tt := range tests {
		got, ok := tt.parent.Find(tt.tag)
		if ok != tt.ok || string(got.Value) != tt.want {
			t.Errorf("%s.Find(%s) = %q, %v; want %q, %v", tt.parent.Tag, tt.tag, got.Value, ok, tt.want, tt.ok)
		}
		if ok && got.Tag != tt.tag {
			t.Errorf("%s.Find(%s) returned tag %s", tt.parent.Tag, tt.tag, got.Tag)
		}
	}
}

func TestFindReturnsFirst(t *testing.T) {
	o := Constructed(0x62, Primitive(0x5F21, []byte("A")), Primitive(0x5F21, []byte("B")))
	got, ok := o.Find(0x5F21)
	if !ok || string(got.Value) != "A" {
		t.Errorf("Find = %q, %v; want the first child, \"A\"", got.Value, ok)
	}
}

func mustFind(t *testing.T, o Object, tag Tag) Object {
	t.Helper()
	c, ok := o.Find(tag)
	if !ok {
		t.Fatalf("%s has no child %s", o.Tag, tag)
	}
	return c
}

func TestBuilders(t *testing.T) {
	p := Primitive(0x5F25, []byte{0x01})
	if p.Tag != 0x5F25 || !bytes.Equal(p.Value, []byte{1}) || p.Children != nil {
		t.Errorf("Primitive = %+v", p)
	}
	empty := Constructed(0x7F40)
	if empty.Children == nil || len(empty.Children) != 0 {
		t.Errorf("Constructed with no children: Children = %#v, want empty non-nil", empty.Children)
	}
	if got := empty.Encode(); !bytes.Equal(got, h("7F40 00")) {
		t.Errorf("empty template encodes as % X, want 7F 40 00", got)
	}
	c := Constructed(0x7F30, Primitive(0x5F31, []byte("RUS")))
	if want := h("5F31 03 525553"); !bytes.Equal(c.Value, want) {
		t.Errorf("Constructed Value = % X, want the encoded children % X", c.Value, want)
	}
}

// TestBuildOwnerFile builds the owner file of oms-card-format.md §6 with the builders
// and checks that the encoder produces exactly the bytes the document lists.
func TestBuildOwnerFile(t *testing.T) {
	if len(ownerFile) != 127 {
		t.Fatalf("owner file fixture is %d bytes, the document says 127", len(ownerFile))
	}
	owner := Constructed(0x62,
		Primitive(0x5F26, []byte("5001234567890127")),
		Primitive(0x5F21, []byte("ИВАНОВ")),
		Primitive(0x5F22, []byte("ИВАН")),
		Primitive(0x5F23, []byte("ИВАНОВИЧ")),
		Primitive(0x5F25, h("01")),
		Primitive(0x5F24, h("15031985")),
		Constructed(0x7F30,
			Primitive(0x5F31, []byte("RUS")),
			Primitive(0x5F32, []byte("РОССИЯ")),
		),
		Primitive(0x5F29, []byte("Г. МОСКВА")),
		Primitive(0x5F2A, h("01092015")),
	)
	if got := owner.Encode(); !bytes.Equal(got, ownerFile) {
		t.Errorf("encoded owner file differs:\n got % X\nwant % X", got, ownerFile)
	}
	insurer := Constructed(0x64,
		Primitive(0x5F51, []byte("1027700000008")),
		Primitive(0x5F52, []byte("45000")),
		Primitive(0x5F53, h("01092015")),
	)
	if got := insurer.Encode(); !bytes.Equal(got, insurerFile) || len(got) != 33 {
		t.Errorf("encoded insurer record differs (%d bytes):\n got % X\nwant % X", len(got), got, insurerFile)
	}
}
