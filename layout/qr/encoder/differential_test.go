package encoder

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// diffCase is one text to compare with skip2 at one level.
type diffCase struct {
	name  string
	text  string
	level Level
}

// capacity is how many characters of mode m fit version v at level (0 if none).
func capacity(m mode, v int, level Level) int {
	lo, hi := 0, 7089
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if cv := chooseVersion(m, mid, level); cv != 0 && cv <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// diffCases are deterministic pseudo-random texts: alphanumeric, printable ASCII
// (byte mode) and digits of random lengths up to 400, our Base45 payload, and texts
// exactly filling each version and one character more, at every level.
func diffCases(short bool) []diffCase {
	r := rand.New(rand.NewPCG(18004, 2015))
	var cs []diffCase
	nRandom, step := 120, 1
	if short {
		nRandom, step = 30, 3
	}
	for _, lv := range levels {
		cs = append(cs, diffCase{"base45", base45Text(), lv})
		for i := range nRandom {
			n := 1 + r.IntN(400)
			if i%10 == 0 {
				n = 1 + r.IntN(20) // small versions get more than their share
			}
			cs = append(cs,
				diffCase{"alnum", randText(r, alnumChars, n), lv},
				diffCase{"ascii", randText(r, "", n), lv})
			if i%4 == 0 {
				cs = append(cs, diffCase{"digits", randText(r, digitChars, n), lv})
			}
		}
		// Texts that skip2 splits into segments of different modes, so that the
		// mixed-mode branch below is known to work (and to be rare elsewhere).
		for _, n := range []int{20, 60, 150} {
			cs = append(cs,
				diffCase{"mixed-ascii", "abc" + randText(r, alnumChars[10:36], n) + "def", lv},
				diffCase{"mixed-alnum", "ABC" + randText(r, digitChars, n) + "XYZ", lv})
		}
		// Capacity boundaries: a full symbol (terminator shortened or omitted) and one
		// character more (next version), for every version and mode. Large versions
		// are slow in skip2, so beyond version 20 only every fourth.
		for v := 1; v <= 40; v += step {
			if v > 20 && v%4 != 0 {
				continue
			}
			for _, m := range []struct {
				m   mode
				set string
			}{{alphanumeric, alnumChars}, {byteMode, ""}, {numeric, digitChars}} {
				c := capacity(m.m, v, lv)
				cs = append(cs, diffCase{fmt.Sprintf("full-%d-%v", v, m.m), randText(r, m.set, c), lv})
				if v < 40 {
					cs = append(cs, diffCase{fmt.Sprintf("full+1-%d-%v", v, m.m), randText(r, m.set, c+1), lv})
				}
			}
		}
	}
	return cs
}

// TestSkip2Differential: skip2 is the oracle. For each text we read the mask skip2
// chose from its format information, force the same mask on our encoder, and require
// the same version and an identical matrix, module for module, whenever skip2 encoded
// the text as one segment. skip2 may split a text into segments of different modes
// when that is shorter (a long run of digits in alphanumeric text, of capitals in
// ASCII): those texts may need a smaller version in skip2 and cannot match; they are
// counted, and ours must then not be smaller than skip2's.
func TestSkip2Differential(t *testing.T) {
	cases := diffCases(testing.Short())
	var identical, mixed, sameMask int
	versionsSeen := map[[2]int]bool{}
	for _, c := range cases {
		bm, sv, slv, smask := skip2Symbol(t, c.text, c.level)
		if slv != c.level {
			t.Fatalf("%s %q: skip2's format information says level %v, want %v", c.name, abbrev(c.text), slv, c.level)
		}
		ours, err := EncodeWithMask(c.text, c.level, smask)
		if err != nil {
			t.Fatalf("%s %q: %v", c.name, abbrev(c.text), err)
		}
		// Did skip2 use one segment for everything? Its first segment header says so.
		m, count := header(dataCodewordsOf(bm, sv, c.level, smask), sv)
		if m != modeOf(c.text) || count != len(c.text) {
			mixed++
			if ours.Version < sv {
				t.Errorf("%s %q at %v: our version %d is smaller than skip2's mixed-mode %d", c.name, abbrev(c.text), c.level, ours.Version, sv)
			}
			continue
		}
		if ours.Version != sv {
			t.Errorf("%s %q at %v (%d chars, one %v segment in both): version %d, skip2 %d",
				c.name, abbrev(c.text), c.level, len(c.text), m, ours.Version, sv)
			continue
		}
		if ours.Mask != smask || ours.Size != len(bm) {
			t.Fatalf("%s: symbol says mask %d size %d, want %d %d", c.name, ours.Mask, ours.Size, smask, len(bm))
		}
		if x, y, ok := firstDifference(ours, bm); !ok {
			t.Errorf("%s %q at %v, version %d mask %d: module (x=%d, y=%d) differs from skip2", c.name, abbrev(c.text), c.level, sv, smask, x, y)
			continue
		}
		identical++
		versionsSeen[[2]int{sv, int(c.level)}] = true
		if chosen, err := Encode(c.text, c.level); err != nil {
			t.Fatal(err)
		} else if chosen.Mask == smask {
			sameMask++
		}
	}
	t.Logf("%d texts: %d identical to skip2 module for module (%d version/level pairs), %d mixed-mode in skip2; our penalty chose skip2's mask for %d of the %d",
		len(cases), identical, len(versionsSeen), mixed, sameMask, identical)
	// The comparison must actually have run, on nearly every text and across versions.
	if identical < len(cases)*9/10 {
		t.Errorf("only %d of %d texts compared module for module", identical, len(cases))
	}
	if mixed == 0 {
		t.Errorf("no text was mixed-mode in skip2: the segment check is not working")
	}
	if minPairs := 100; !testing.Short() && len(versionsSeen) < minPairs {
		t.Errorf("only %d version/level pairs compared, want ≥ %d", len(versionsSeen), minPairs)
	}
}

// firstDifference compares s with a [row][col] matrix; ok is false at the first
// module that differs.
func firstDifference(s *Symbol, bm [][]bool) (x, y int, ok bool) {
	for y := range bm {
		for x := range bm[y] {
			if s.Dark(x, y) != bm[y][x] {
				return x, y, false
			}
		}
	}
	return 0, 0, true
}
