package fonts

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestFontsAreTrueType checks that each embedded font is a TrueType file (sfnt
// version 0x00010000) with a character map and glyph outlines, and that regular and
// bold are different files.
func TestFontsAreTrueType(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{{"regular", Regular()}, {"bold", Bold()}} {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.data
			if len(b) < 12 {
				t.Fatalf("%d bytes", len(b))
			}
			if v := binary.BigEndian.Uint32(b); v != 0x00010000 {
				t.Fatalf("sfnt version %08X, want 00010000", v)
			}
			n := int(binary.BigEndian.Uint16(b[4:]))
			if len(b) < 12+16*n {
				t.Fatalf("table directory of %d tables truncated", n)
			}
			tables := map[string]bool{}
			for i := 0; i < n; i++ {
				tables[string(b[12+16*i:12+16*i+4])] = true
			}
			for _, tag := range []string{"cmap", "glyf", "head", "hmtx", "name"} {
				if !tables[tag] {
					t.Errorf("no %q table", tag)
				}
			}
		})
	}
	if bytes.Equal(Regular(), Bold()) {
		t.Fatal("regular and bold are the same font")
	}
}
