package encoder

import (
	"math/rand/v2"
	"testing"
)

// TestDecodeAllMasks: a sample of texts, every level and every forced mask, read back
// by gozxing (an independent decoder: finder detection, format information, unmasking,
// de-interleaving, Reed–Solomon correction, bit stream parsing) from a rendered image.
func TestDecodeAllMasks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	texts := []string{
		"1",                          // version 1, numeric
		"HELLO WORLD",                // the textbook alphanumeric example
		base45Text(),                 // our payload: version 10-M
		"https://example.org/?q=1&x", // byte mode
		randText(r, digitChars, 500), // numeric, mid-size
		randText(r, "", 300),         // byte mode, two- or three-word lines
		randText(r, alnumChars, 900), // alphanumeric, version 20+
	}
	if !testing.Short() {
		texts = append(texts, randText(r, alnumChars, 1800)) // up to version 40-H
	}
	decoded, second := 0, 0
	for _, text := range texts {
		for _, lv := range levels {
			for m := range 8 {
				s, err := EncodeWithMask(text, lv, m)
				if err != nil {
					t.Fatalf("%q %v mask %d: %v", abbrev(text), lv, m, err)
				}
				if s.Mask != m || s.Level != lv {
					t.Fatalf("asked for mask %d level %v, symbol says %d %v", m, lv, s.Mask, s.Level)
				}
				if checkDecodes(t, s, text) {
					second++
				}
				decoded++
			}
		}
	}
	t.Logf("%d symbols decoded with forced masks (%d by the multi-code reader only)", decoded, second)
}

// TestDecodeEncoded: Encode's own choice of mask for many texts of all modes, lengths
// and levels reads back with gozxing.
func TestDecodeEncoded(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 240
	if testing.Short() {
		n = 60
	}
	versions, second := map[int]bool{}, 0
	for i := range n {
		lv := levels[i%4]
		length := 1 + r.IntN(600)
		var text string
		switch i % 3 {
		case 0:
			text = randText(r, alnumChars, length)
		case 1:
			text = randText(r, "", length)
		default:
			// Arbitrary bytes, UTF-8 or not: byte mode must carry them unchanged.
			b := make([]byte, length)
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			text = string(b)
		}
		s, err := Encode(text, lv)
		if err != nil {
			t.Fatalf("%q: %v", abbrev(text), err)
		}
		if checkDecodes(t, s, text) {
			second++
		}
		versions[s.Version] = true
	}
	t.Logf("%d symbols decoded (Encode's mask; %d by the multi-code reader only), %d distinct versions", n, second, len(versions))
	if len(versions) < 10 {
		t.Errorf("only %d distinct versions exercised", len(versions))
	}
}
