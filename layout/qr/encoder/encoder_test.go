package encoder

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// Capacities in characters from ISO 18004 Table 7, per level L, M, Q, H: an
// independent statement of what Table 9 and the bit stream rules add up to.
var capacities = []struct {
	version                 int
	numeric, alnum, byteCap [4]int
}{
	{1, [4]int{41, 34, 27, 17}, [4]int{25, 20, 16, 10}, [4]int{17, 14, 11, 7}},
	{10, [4]int{652, 513, 364, 288}, [4]int{395, 311, 221, 174}, [4]int{271, 213, 151, 119}},
	{40, [4]int{7089, 5596, 3993, 3057}, [4]int{4296, 3391, 2420, 1852}, [4]int{2953, 2331, 1663, 1273}},
}

// TestCapacity: the exact Table 7 capacity fits the version, one character more does
// not; at version 40 one more is ErrTooLong. The full alphanumeric version 40
// symbols must also read back.
func TestCapacity(t *testing.T) {
	r := rand.New(rand.NewPCG(40, 40))
	for _, c := range capacities {
		for _, lv := range levels {
			for _, m := range []struct {
				set string
				n   int
			}{{digitChars, c.numeric[lv]}, {alnumChars, c.alnum[lv]}, {"", c.byteCap[lv]}} {
				text := randText(r, m.set, m.n)
				s, err := Encode(text, lv)
				if err != nil {
					t.Fatalf("%d chars at %v: %v", m.n, lv, err)
				}
				if s.Version != c.version {
					t.Errorf("%d %s chars at %v: version %d, want %d", m.n, modeOf(text), lv, s.Version, c.version)
				}
				if c.version == 40 && m.set == alnumChars {
					checkDecodes(t, s, text)
				}
				longer := text + text[:1]
				s, err = Encode(longer, lv)
				switch {
				case c.version < 40 && err != nil:
					t.Errorf("%d %s chars at %v: %v", len(longer), modeOf(text), lv, err)
				case c.version < 40 && s.Version != c.version+1:
					t.Errorf("%d %s chars at %v: version %d, want %d", len(longer), modeOf(text), lv, s.Version, c.version+1)
				case c.version == 40 && !errors.Is(err, ErrTooLong):
					t.Errorf("%d %s chars at %v: error %v, want ErrTooLong", len(longer), modeOf(text), lv, err)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := Encode("", Medium); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty text: %v, want ErrEmpty", err)
	}
	if _, err := EncodeWithMask("", Medium, 3); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty text with mask: %v, want ErrEmpty", err)
	}
	_, err := Encode(strings.Repeat("A", 3392), Medium)
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("3392 alphanumeric at M: %v, want ErrTooLong", err)
	}
	// The message says how much fits, so that the caller can act on it.
	if msg := err.Error(); !strings.Contains(msg, "3392") || !strings.Contains(msg, "3391") || !strings.Contains(msg, "alphanumeric") {
		t.Errorf("message %q lacks the length, the maximum or the mode", msg)
	}
	if _, err := Encode(strings.Repeat("é", 1<<20), Low); !errors.Is(err, ErrTooLong) {
		t.Errorf("1 MiB: %v, want ErrTooLong", err)
	}
	for _, lv := range []Level{-1, 4} {
		if _, err := Encode("A", lv); err == nil || errors.Is(err, ErrEmpty) || errors.Is(err, ErrTooLong) {
			t.Errorf("level %d: %v, want an invalid-level error", int(lv), err)
		}
	}
	for _, m := range []int{-1, 8} {
		if _, err := EncodeWithMask("A", Low, m); err == nil {
			t.Errorf("mask %d accepted", m)
		}
	}
}

// TestModes: the mode is the most compact one for the whole text.
func TestModes(t *testing.T) {
	for _, c := range []struct {
		text string
		want mode
	}{
		{"0123456789", numeric},
		{"0", numeric},
		{"HELLO WORLD", alphanumeric},
		{"6BFOXN*TS0BI$ZT-VRT8YV:A%1./+", alphanumeric},
		{"Hello", byteMode},
		{"ABC#", byteMode},
		{"A\x00", byteMode},
		{"ÄÖ", byteMode},
	} {
		if got := modeOf(c.text); got != c.want {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
}

// TestSymbolAccessors: Size, Dark and Bitmap agree with each other and with the fixed
// parts of every symbol (finder patterns, timing, dark module, quiet zone).
func TestSymbolAccessors(t *testing.T) {
	for _, text := range []string{"1", base45Text(), strings.Repeat("Z", 1800)} {
		s, err := Encode(text, Medium)
		if err != nil {
			t.Fatal(err)
		}
		n := s.Size
		if n != 17+4*s.Version {
			t.Fatalf("size %d for version %d", n, s.Version)
		}
		for _, q := range []int{0, 4} {
			bm := s.Bitmap(q)
			if len(bm) != n+2*q {
				t.Fatalf("Bitmap(%d) has %d rows, want %d", q, len(bm), n+2*q)
			}
			for y := range bm {
				if len(bm[y]) != n+2*q {
					t.Fatalf("Bitmap(%d) row %d has %d modules", q, y, len(bm[y]))
				}
				for x := range bm[y] {
					if bm[y][x] != s.Dark(x-q, y-q) {
						t.Fatalf("Bitmap(%d)[%d][%d] = %v, Dark(%d, %d) = %v", q, y, x, bm[y][x], x-q, y-q, !bm[y][x])
					}
				}
			}
		}
		if len(s.Bitmap(-3)) != n {
			t.Errorf("negative quiet zone is not 0")
		}
		for _, p := range [][2]int{{-1, 0}, {0, -1}, {n, 0}, {0, n}, {n + 5, n + 5}} {
			if s.Dark(p[0], p[1]) {
				t.Errorf("Dark(%d, %d) outside the symbol is dark", p[0], p[1])
			}
		}
		// Finder centres and rings, the dark module, the timing patterns.
		for _, c := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
			if !s.Dark(c[0], c[1]) || s.Dark(c[0]+2, c[1]) || !s.Dark(c[0]+3, c[1]) || s.Dark(c[0], c[1]-2) {
				t.Errorf("version %d: no finder pattern at %v", s.Version, c)
			}
		}
		if !s.Dark(8, n-8) {
			t.Errorf("version %d: dark module is light", s.Version)
		}
		for i := 8; i < n-8; i++ {
			if s.Dark(i, 6) != (i%2 == 0) || s.Dark(6, i) != (i%2 == 0) {
				t.Errorf("version %d: timing pattern wrong at %d", s.Version, i)
			}
		}
	}
}

// TestConcurrentEncode: symbols made concurrently (first use of each version's layout
// included; run with -race) equal symbols made one at a time.
func TestConcurrentEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	texts := make([]string, 64)
	for i := range texts {
		texts[i] = randText(r, alnumChars, 1+r.IntN(1500))
	}
	got := make([]*Symbol, len(texts))
	var wg sync.WaitGroup
	for i, text := range texts {
		wg.Go(func() {
			s, err := Encode(text, levels[i%4])
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	for i, text := range texts {
		want, err := Encode(text, levels[i%4])
		if err != nil {
			t.Fatal(err)
		}
		if got[i] == nil || got[i].Mask != want.Mask || got[i].Version != want.Version {
			t.Fatalf("text %d: concurrent and sequential symbols differ", i)
		}
		if x, y, ok := firstDifference(got[i], want.Bitmap(0)); !ok {
			t.Fatalf("text %d: module (%d, %d) differs", i, x, y)
		}
	}
}
