package encoder

import (
	"errors"
	"strings"
	"testing"
)

// FuzzEncode: Encode never panics; it fails only with ErrEmpty for empty text and
// ErrTooLong for text no version 40 symbol holds; a symbol's fields are consistent
// with each other and with its format information; and symbols of up to 300 bytes read back with gozxing as the same bytes.
func FuzzEncode(f *testing.F) {
	for _, seed := range []struct {
		text  string
		level uint8
	}{
		{"", 0},
		{"0", 1},
		{"HELLO WORLD", 2},
		{base45Text(), 1},
		{"https://example.org/a?b=c", 3},
		{"\x00\xff\xfe\x80", 0},
		{"ÄÖÜ € 漢字", 1},
		{strings.Repeat("9", 41), 0},   // version 1-L numeric, full
		{strings.Repeat("Z", 26), 0},   // one past version 1-L alphanumeric
		{strings.Repeat("a", 2332), 1}, // one past version 40-M byte
	} {
		f.Add(seed.text, seed.level)
	}
	f.Fuzz(func(t *testing.T, text string, level uint8) {
		lv := Level(level % 4)
		s, err := Encode(text, lv)
		if err != nil {
			switch {
			case text == "" && errors.Is(err, ErrEmpty):
			case text != "" && errors.Is(err, ErrTooLong) && len(text) > maxChars(modeOf(text), lv):
			default:
				t.Fatalf("%d bytes at %v: unexpected error %v", len(text), lv, err)
			}
			return
		}
		if s.Version < 1 || s.Version > 40 || s.Size != 17+4*s.Version || s.Mask < 0 || s.Mask > 7 || s.Level != lv {
			t.Fatalf("inconsistent symbol: version %d size %d mask %d level %v", s.Version, s.Size, s.Mask, s.Level)
		}
		if bm := s.Bitmap(4); len(bm) != s.Size+8 || len(bm[0]) != s.Size+8 {
			t.Fatalf("bitmap %d×%d for size %d", len(bm), len(bm[0]), s.Size)
		}
		if l, m := readFormat(t, s.Bitmap(0)); l != lv || m != s.Mask {
			t.Fatalf("format information says %v mask %d, symbol %v mask %d", l, m, lv, s.Mask)
		}
		if len(text) <= 300 {
			checkDecodes(t, s, text)
		}
	})
}
