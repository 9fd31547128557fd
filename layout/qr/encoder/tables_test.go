package encoder

import (
	"bytes"
	"testing"
)

// TestTables checks Table 9 against the geometry: in every version the codewords of
// each level add up to the same total, which fills the encoding region exactly but
// for the remainder bits of Table 1; group 2 blocks hold one data codeword more than
// group 1 blocks.
func TestTables(t *testing.T) {
	// Remainder bits per version, ISO 18004 Table 1.
	remainder := func(v int) int {
		switch {
		case v == 1:
			return 0
		case v <= 6:
			return 7
		case v <= 13:
			return 0
		case v <= 20:
			return 3
		case v <= 27:
			return 4
		case v <= 34:
			return 3
		}
		return 0
	}
	for v := 1; v <= 40; v++ {
		modules := len(orderOf(v))
		for _, lv := range levels {
			b := ecTable[v][lv]
			total := (b.g1Blocks+b.g2Blocks)*b.ecPerBlock + dataCodewords(v, lv)
			if got := modules - 8*total; got != remainder(v) {
				t.Errorf("version %d-%v: %d codewords leave %d of %d modules, want %d remainder bits",
					v, lv, total, got, modules, remainder(v))
			}
			if max(b.g1Data, b.g2Data)+b.ecPerBlock > maxBlockCodewords {
				t.Errorf("version %d-%v: blocks exceed rsEncode's buffer", v, lv)
			}
			if b.g2Blocks > 0 && b.g2Data != b.g1Data+1 {
				t.Errorf("version %d-%v: group 2 blocks hold %d data codewords, group 1 %d", v, lv, b.g2Data, b.g1Data)
			}
		}
		if ac := alignmentCentres[v]; v > 1 && (ac[0] != 6 || ac[len(ac)-1] != 17+4*v-7) {
			t.Errorf("version %d: alignment centres %v do not span 6..size-7", v, ac)
		}
	}
}

// TestFormatAndVersionInfo: BCH codes against values listed in ISO 18004 Annex C
// (format) and Annex D / Table D.1 (version).
func TestFormatAndVersionInfo(t *testing.T) {
	for _, c := range []struct {
		level Level
		mask  int
		want  uint32
	}{
		{Medium, 0, 0x5412}, // data 00000: the mask pattern itself
		{Low, 0, 0x77C4},
		{Quartile, 0, 0x355F},
		{High, 0, 0x1689},
		{Medium, 5, 0x40CE},
		{High, 7, 0x083B},
	} {
		if got := formatInfo(c.level, c.mask); got != c.want {
			t.Errorf("format info %v mask %d: %#04x, want %#04x", c.level, c.mask, got, c.want)
		}
	}
	for v, want := range map[int]uint32{7: 0x07C94, 8: 0x085BC, 21: 0x15683, 40: 0x28C69} {
		if got := versionInfo(v); got != want {
			t.Errorf("version info %d: %#05x, want %#05x", v, got, want)
		}
	}
}

// TestCodewords: the worked example of ISO 18004 Annex I, "01234567" at 1-M: its data
// codewords and the ten Reed–Solomon codewords the standard lists.
func TestCodewords(t *testing.T) {
	var b codewordBuffers
	got := b.codewords("01234567", numeric, 1, Medium)
	want := []byte{
		0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
		0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55,
	}
	if !bytes.Equal(got, want) {
		t.Errorf("codewords\n got % X\nwant % X", got, want)
	}
}
