package encoder

import "math/bits"

// Penalty weights of ISO 18004 §7.8.3.1, Table 11.
const (
	weightN1 = 3
	weightN2 = 3
	weightN3 = 40
	weightN4 = 10
)

// penalty is the §7.8.3 score of a whole candidate symbol (function patterns and
// format information included, as the other encoders do), given both as rows and as
// columns so that the row and the column rules run the same bit-parallel code:
//
//   - N1: each run of L ≥ 5 same-coloured modules in a row or column scores
//     N1 + (L − 5).
//   - N2: each 2×2 block of one colour scores N2; an m×n block thereby scores
//     N2·(m−1)·(n−1) as Table 11 says, and overlapping blocks are counted the
//     way every encoder counts them.
//   - N3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1, one module per unit,
//     as zxing and skip2 read it) in a row or column with four light modules before
//     or after it scores N3, once even if both sides are light ("existence of the
//     pattern"). Modules outside the symbol count as light: the standard requires a
//     light quiet zone there, and a finder look-alike against the edge looks to a
//     reader just like one in the middle.
//   - N4: a dark share between 50 ± 5k % and 50 ± 5(k+1) % scores N4·k.
//
// skip2 reads the rules differently (a run of exactly 5 scores 0; a 1011101 near but
// not against the far edge is not counted, nor one sharing its light gap with a
// previous match; N4 steps are computed with truncated divisions), so it chooses
// another mask for about one symbol in five. Both symbols are valid; the
// differential test compares them under skip2's choice.
//
// Each line is scored 64 modules at a time with shifts and masks (see lineScore);
// lines longer than 64 modules are cut into overlapping windows (see windowsFor).
// It returns the points of each rule, N1 to N4.
func penalty(rows, cols []uint64, n, stride int, windows []window) [4]int {
	var p1, p2, p3, dark int
	if stride == 1 { // versions 1–10: a line is a word, one window at 0
		own, valid := windows[0].own, windows[0].valid
		rows, cols = rows[:n], cols[:n]
		for i, r := range rows {
			a, b := lineScore(r, own, valid)
			c, d := lineScore(cols[i], own, valid)
			p1 += a + c
			p3 += b + d
			dark += bits.OnesCount64(r)
			if i > 0 {
				p2 += blockCount(rows[i-1], r, valid)
			}
		}
	} else {
		for i := range n {
			row := rows[i*stride : (i+1)*stride]
			a, b := linePenalty(row, windows)
			c, d := linePenalty(cols[i*stride:(i+1)*stride], windows)
			p1 += a + c
			p3 += b + d
			for _, x := range row {
				dark += bits.OnesCount64(x)
			}
			if i > 0 {
				above := rows[(i-1)*stride : i*stride]
				for _, w := range windows {
					p2 += blockCount(extract(above, w.start), extract(row, w.start), w.valid&w.own)
				}
			}
		}
	}
	total := n * n
	k := abs(2*dark-total) * 10 / total // floor(|dark/total − 1/2| / 5 %)
	return [4]int{p1, weightN2 * p2, weightN3 * p3, weightN4 * k}
}

// window is a 64-module piece of a line: modules start … start+63 (start may be
// negative: modules outside the line are light). Only positions in own are counted
// there, so that every position is counted in exactly one window; valid holds the
// positions i with modules i and i+1 both in the line.
type window struct {
	start      int
	own, valid uint64
}

// windowsFor cuts lines of n modules into windows. One word holds a whole line of up
// to 64 modules. Longer lines are read in windows starting every 50 modules, each
// owning its positions 4…53: the rules look at most 4 modules back (light before a
// 1011101, the previous run start) and 10 ahead (light after a 1011101), which then
// stays inside the window.
func windowsFor(n int) []window {
	if n <= 64 {
		return []window{{0, lowBits(n), lowBits(n - 1)}}
	}
	var ws []window
	for start := -4; start+4 < n; start += 50 {
		var w window
		w.start = start
		for b := range 64 {
			i := start + b // module
			if b >= 4 && b < 54 && i < n {
				w.own |= 1 << b
			}
			if i >= 0 && i < n-1 {
				w.valid |= 1 << b
			}
		}
		ws = append(ws, w)
	}
	return ws
}

func lowBits(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

// extract returns modules s … s+63 of a line (0 outside it).
func extract(line []uint64, s int) uint64 {
	if s < 0 {
		return line[0] << uint(-s)
	}
	q, r := s>>6, uint(s&63)
	x := line[q] >> r
	if q+1 < len(line) {
		x |= line[q+1] << (64 - r) // 0 when r is 0
	}
	return x
}

// linePenalty returns the N1 points and the number of N3 patterns of one line of any
// length.
func linePenalty(line []uint64, windows []window) (n1, n3 int) {
	for _, w := range windows {
		a, b := lineScore(extract(line, w.start), w.own, w.valid)
		n1 += a
		n3 += b
	}
	return n1, n3
}

// lineScore returns the N1 points and the number of N3 patterns starting at the own
// positions of a 64-module window w (modules beyond the line are 0); valid is as at
// window.
func lineScore(w, own, valid uint64) (n1 int, n3 int) {
	// N1. same has bit i set where modules i and i+1 match, so a run of L modules is a
	// run of L−1 ones; four ones from bit i mean five equal modules from i. A run of
	// L ≥ 5 therefore has L−4 such bits and one start (a bit whose predecessor is
	// not set), and scores N1 + (L−5) = (L−4) + (N1−1).
	w1 := w >> 1
	same := ^(w ^ w1) & valid
	four := same & (same >> 1) & (same >> 2) & (same >> 3)
	n1 = bits.OnesCount64(four&own) + (weightN1-1)*bits.OnesCount64(four&^(four<<1)&own)

	// N3. core has bit i set where modules i…i+6 read 1011101 (a pattern running past
	// the end of the line is impossible: it is 0 there but the pattern ends dark).
	// Light before: none of i−4…i−1 dark; after: none of i+7…i+10. Shifts bring in
	// zeros from beyond both ends, which is how outside the symbol counts as light.
	core := w &^ w1 & (w >> 2) & (w >> 3) & (w >> 4) &^ (w >> 5) & (w >> 6) & own
	if core == 0 {
		return n1, 0
	}
	darkBefore := w<<1 | w<<2 | w<<3 | w<<4
	darkAfter := w>>7 | w>>8 | w>>9 | w>>10
	return n1, bits.OnesCount64(core &^ (darkBefore & darkAfter))
}

// blockCount counts the 2×2 blocks of one colour with top row a and bottom row b (two
// windows at the same place), at the positions in mask.
func blockCount(a, b, mask uint64) int {
	vert := ^(a ^ b)     // column i: a and b match
	horiz := ^(a ^ a>>1) // a: modules i and i+1 match
	return bits.OnesCount64(vert & (vert >> 1) & horiz & mask)
}
