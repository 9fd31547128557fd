package encoder

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// grid parses a square matrix drawn with '#' (dark) and '.' (light).
func grid(t *testing.T, rows ...string) [][]bool {
	t.Helper()
	bm := make([][]bool, len(rows))
	for y, r := range rows {
		if len(r) != len(rows) {
			t.Fatalf("row %d has %d modules, want %d", y, len(r), len(rows))
		}
		bm[y] = make([]bool, len(r))
		for x, c := range r {
			bm[y][x] = c == '#'
		}
	}
	return bm
}

// partsOf scores bm with the encoder's bit-parallel code, with lines packed as
// narrow as they fit and as three words (which takes the general, windowed path), and
// checks that both agree with each other and with the plain reference.
func partsOf(t *testing.T, bm [][]bool) [4]int {
	t.Helper()
	p := penaltyOfBitmap(bm, (len(bm)+63)/64)
	if p3 := penaltyOfBitmap(bm, 3); p3 != p {
		t.Fatalf("as three-word lines %v, as narrow lines %v", p3, p)
	}
	if ref := referencePenalty(bm); ref != p {
		t.Fatalf("bit-parallel penalty %v, reference %v", p, ref)
	}
	return p
}

// lineOf scores one line with the encoder's windows; a line of up to 64 modules is
// also scored as one word, which must agree.
func lineOf(t *testing.T, line string) (n1, n3 int) {
	t.Helper()
	words := make([]uint64, 3)
	for i, c := range line {
		if c == '#' {
			words[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	n1, n3 = linePenalty(words[:(len(line)+63)/64], windowsFor(len(line)))
	if a, b := linePenalty(words, windowsFor(len(line))); a != n1 || b != n3 {
		t.Errorf("%q: %d, %d as three words; %d, %d as narrow", line, a, b, n1, n3)
	}
	if len(line) <= 64 {
		if a, b := lineScore(words[0], lowBits(len(line)), lowBits(len(line)-1)); a != n1 || b != n3 {
			t.Errorf("%q: %d, %d as one word; %d, %d in windows", line, a, b, n1, n3)
		}
	}
	return n1, n3
}

// TestLinePenalty: rules N1 (points) and N3 (pattern count) on single lines, worked
// out by hand.
func TestLinePenalty(t *testing.T) {
	for _, c := range []struct {
		line   string
		n1, n3 int
		why    string
	}{
		{"#####", 3, 0, "run of 5: N1 = 3"},
		{"######", 4, 0, "run of 6: 3 + 1"},
		{".....", 3, 0, "light runs count as dark ones do"},
		{"##########", 8, 0, "run of 10: 3 + 5"},
		{"####.####", 0, 0, "runs of 4 score nothing"},
		{"#####.#####", 6, 0, "two runs of 5: 3 + 3"},
		{"#.###.#", 0, 1, "1011101 alone: light (outside) on both sides, counted once"},
		{"....#.###.#", 0, 1, "four light modules before, none needed after"},
		{"#.###.#....#.###.#", 0, 2, "two patterns sharing the light gap: both count (skip2 counts 1)"},
		{"##.###.#", 0, 1, "dark before, but the outside after is light"},
		{"#.#.###.#", 0, 1, "dark two before; outside after"},
		{"#..#.###.#..#", 0, 0, "dark within four modules on both sides"},
		{"##..######..##", 4, 0, "2:2:6:2:2 is not the one-module pattern; the run of 6 scores 4"},
		{".#.###.#.....", 3, 1, "light run of 5 after the pattern: N1 3, N3 1"},
	} {
		n1, n3 := lineOf(t, c.line)
		if n1 != c.n1 || n3 != c.n3 {
			t.Errorf("%q (%s): N1 %d, N3 count %d; want %d, %d", c.line, c.why, n1, n3, c.n1, c.n3)
		}
		// The same line moved across a word and window boundary scores the same, plus
		// the 61 light modules before it: a run scoring 3+56 (longer if the line
		// starts light).
		shifted := strings.Repeat(".", 61) + c.line
		wantN1 := c.n1 + weightN1 + 56
		if strings.HasPrefix(c.line, ".") {
			// The leading light run joins the 61: recompute that run's points.
			lead := len(c.line) - len(strings.TrimLeft(c.line, "."))
			wantN1 = c.n1 - runPoints(lead) + runPoints(61+lead)
		}
		if n1, n3 := lineOf(t, shifted); n1 != wantN1 || n3 != c.n3 {
			t.Errorf("%q after 61 light modules: N1 %d, N3 %d; want %d, %d", c.line, n1, n3, wantN1, c.n3)
		}
	}
	if n1, _ := lineOf(t, strings.Repeat("#", 177)); n1 != 3+172 {
		t.Errorf("run of 177 scores %d, want 175", n1)
	}
}

// runPoints is N1's score of one run of n modules.
func runPoints(n int) int {
	if n < 5 {
		return 0
	}
	return weightN1 + n - 5
}

// TestPenaltyRules: whole small matrices, each rule's points worked out by hand.
func TestPenaltyRules(t *testing.T) {
	for _, c := range []struct {
		name string
		rows []string
		want [4]int
	}{
		{
			// N1: row 0 is a run of 6 (3+1 = 4); every other row and every column
			// alternates or has runs of at most 2. N2: row 1 alternates, so no 2×2
			// block. N3: none. N4: 6 + 5·3 = 21 dark of 36 = 58.3 %, one full 5 % step
			// beyond 50 %: 10.
			name: "run of six",
			rows: []string{
				"######",
				"#.#.#.",
				".#.#.#",
				"#.#.#.",
				".#.#.#",
				"#.#.#.",
			},
			want: [4]int{4, 0, 0, 10},
		},
		{
			// N2: 4 blocks of 2×2 in a 3×3 dark square: 12 = 3·(3−1)·(3−1). N4: 100 %
			// dark, 50 % off, 10 steps: 100.
			name: "dark 3×3",
			rows: []string{"###", "###", "###"},
			want: [4]int{0, 12, 0, 100},
		},
		{
			// A 2×3 dark block (top left) in a checkerboard. N2: blocks at columns 0–1
			// and 1–2 of rows 0–1: 2·3 = 6 = 3·(2−1)·(3−1). N1: longest run is row 1's
			// 4. N4: 4+4+3+2+3 = 16 of 25 = 64 %: 14 % off, two steps: 20.
			name: "2×3 block",
			rows: []string{
				"###.#",
				"####.",
				"#.#.#",
				".#.#.",
				"#.#.#",
			},
			want: [4]int{0, 6, 0, 20},
		},
		{
			// A finder pattern alone. N1: rows 0 and 6 are dark runs of 7 (5 each),
			// rows 1 and 5 hold light runs of 5 (3 each): 16, the same again in
			// columns: 32. N2: the 3×3 centre holds 4 blocks: 12. N3: rows and
			// columns 2, 3 and 4 read 1011101 with light (outside) around: 6·40 =
			// 240. N4: 24 + 9 = 33 of 49 = 67.3 %: three steps: 30.
			name: "finder",
			rows: []string{
				"#######",
				"#.....#",
				"#.###.#",
				"#.###.#",
				"#.###.#",
				"#.....#",
				"#######",
			},
			want: [4]int{32, 12, 240, 30},
		},
	} {
		if got := partsOf(t, grid(t, c.rows...)); got != c.want {
			t.Errorf("%s: N1..N4 = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPenaltyN4: the dark share in 5 % steps, on 10×10 matrices where the step
// boundaries are reachable exactly: 55 % and 45 % are one step off, 54 % and 46 %
// none; all light or all dark is ten steps.
func TestPenaltyN4(t *testing.T) {
	for _, c := range []struct{ dark, want int }{
		{50, 0}, {54, 0}, {55, 10}, {59, 10}, {60, 20}, {46, 0}, {45, 10}, {0, 100}, {100, 100},
	} {
		bm := make([][]bool, 10)
		for y := range bm {
			bm[y] = make([]bool, 10)
		}
		r := rand.New(rand.NewPCG(uint64(c.dark), 4))
		for _, i := range r.Perm(100)[:c.dark] {
			bm[i/10][i%10] = true
		}
		if got := partsOf(t, bm)[3]; got != c.want {
			t.Errorf("%d %% dark: N4 %d, want %d", c.dark, got, c.want)
		}
	}
}

// TestPenaltyMatchesReference: the bit-parallel rules agree with the plain ones on
// random matrices of every width class, with finder patterns planted so that N3 has
// something to find (also against the edges and across word boundaries).
func TestPenaltyMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	finder := []string{"#######", "#.....#", "#.###.#", "#.###.#", "#.###.#", "#.....#", "#######"}
	withN3 := 0
	for i := range 300 {
		n := 5 + r.IntN(173)
		if i%3 == 0 {
			n = 17 + 4*(1+r.IntN(40)) // symbol sizes
		}
		density := 0.2 + 0.6*r.Float64()
		bm := make([][]bool, n)
		for y := range bm {
			bm[y] = make([]bool, n)
			for x := range bm[y] {
				bm[y][x] = r.Float64() < density
			}
		}
		for range r.IntN(4) {
			if n < 11 {
				break
			}
			ox, oy := r.IntN(n-6), r.IntN(n-6)
			for y, row := range finder {
				for x, c := range row {
					bm[oy+y][ox+x] = c == '#'
				}
			}
		}
		if partsOf(t, bm)[2] > 0 {
			withN3++
		}
	}
	if withN3 < 100 {
		t.Errorf("only %d of 300 matrices had N3 patterns", withN3)
	}
}

// TestEncodePicksLowestPenalty: Encode's mask has the lowest penalty of the eight
// (the lowest mask number among equals), the penalties computed from the finished
// symbols both by the encoder's rules and by the reference.
func TestEncodePicksLowestPenalty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	texts := []string{"1", "HELLO WORLD", base45Text()}
	for range 30 {
		texts = append(texts, randText(r, alnumChars, 1+r.IntN(300)), randText(r, "", 1+r.IntN(300)))
	}
	notMaskZero := 0
	for i, text := range texts {
		lv := levels[i%4]
		var pens [8]int
		best := 0
		for m := range 8 {
			s, err := EncodeWithMask(text, lv, m)
			if err != nil {
				t.Fatal(err)
			}
			p := symbolPenalty(s)
			if ref := referencePenalty(s.Bitmap(0)); ref != p {
				t.Fatalf("%q mask %d: penalty %v, reference %v", abbrev(text), m, p, ref)
			}
			pens[m] = p[0] + p[1] + p[2] + p[3]
			if pens[m] < pens[best] {
				best = m
			}
		}
		s, err := Encode(text, lv)
		if err != nil {
			t.Fatal(err)
		}
		if s.Mask != best {
			t.Errorf("%q at %v: Encode chose mask %d, penalties %v", abbrev(text), lv, s.Mask, pens)
		}
		if best != 0 {
			notMaskZero++
		}
	}
	if notMaskZero < len(texts)/2 {
		t.Errorf("mask 0 won %d of %d times: the comparison is not exercised", len(texts)-notMaskZero, len(texts))
	}
}
