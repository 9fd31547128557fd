package encoder

import (
	"math/bits"
	"sync"
)

// Lines of modules (rows, and the columns of the transposed matrix) are bit-packed:
// module i of a line is bit i%64 of the line's word i/64, and a line takes stride =
// ceil(size/64) words (one for versions 1–10, two for 11–25, three for 26–40). A
// matrix is size lines one after the other in a flat []uint64. Bits beyond size are 0.

// layout is what a version's symbols share whatever their data: built once per version
// (see layoutFor) and read-only afterwards, hence safe for concurrent encoders.
type layout struct {
	size, stride int
	// fn and fnT are the dark modules of the function patterns (finders, timing,
	// alignment, the dark module, version information), as rows and as columns.
	// Separators and the format-information area are function modules too, but they
	// are light here: format information depends on level and mask and is drawn per
	// symbol.
	fn, fnT []uint64
	// mask[m] and maskT[m] are the modules that data mask m inverts: the modules of the
	// encoding region where the mask condition holds (§7.8.2).
	mask, maskT [8][]uint64
	// order lists the encoding region's modules in placement order (§7.7.3), each as
	// y<<8 | x: the first codeword bit goes to order[0].
	order []uint16
	// place is order as positions in a row matrix: word index << 6 | bit.
	place []uint32
	// formatRow and formatCol are the places of the format information bits, both
	// copies, as word index << 6 | bit in a row and in a column matrix.
	formatRow, formatCol [15][2]uint32
	// windows cut a line into 64-bit pieces for the penalty rules (see windowsFor).
	windows []window
	// pool recycles per-symbol scratch matrices of this version.
	pool sync.Pool
}

// scratch is one symbol's working matrices: the unmasked data bits (rows and columns),
// a masked candidate symbol (rows and columns), and the best candidate so far.
type scratch struct {
	data, dataT, cand, candT, best []uint64
}

var layouts [41]struct {
	once sync.Once
	l    *layout
}

// layoutFor returns the cached layout of version v.
func layoutFor(v int) *layout {
	c := &layouts[v]
	c.once.Do(func() { c.l = buildLayout(v) })
	return c.l
}

// buildLayout draws the function patterns of version v (§6.3, §7.9–7.10) and derives
// the encoding region, its placement order and the eight masks.
func buildLayout(v int) *layout {
	n := 17 + 4*v
	w := (n + 63) / 64
	l := &layout{size: n, stride: w, windows: windowsFor(n)}
	isFn := make([]bool, n*n)
	dark := make([]bool, n*n)
	set := func(x, y int, d bool) {
		isFn[y*n+x] = true
		dark[y*n+x] = d
	}

	// Finder patterns with their separators: 7×7 rings dark/light/dark 3×3 centre,
	// drawn as a 9×9 square clipped to the symbol, so the outer ring is the separator.
	for _, c := range [3][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || x >= n || y < 0 || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy)) // ring number
				set(x, y, d != 2 && d != 4)
			}
		}
	}
	// Timing patterns: row 6 and column 6 between the separators, dark on even indices.
	for i := 8; i < n-8; i++ {
		set(i, 6, i%2 == 0)
		set(6, i, i%2 == 0)
	}
	// Alignment patterns: 5×5, dark ring, light ring, dark centre, at each pair of
	// Table E.1 coordinates except the three corners taken by finder patterns.
	ac := alignmentCentres[v]
	for i, cy := range ac {
		for j, cx := range ac {
			if (i == 0 && j == 0) || (i == 0 && j == len(ac)-1) || (i == len(ac)-1 && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	// Format information area (drawn per symbol) and the dark module (§7.9.1).
	for i := range 15 {
		p := formatPositions(n, i)
		set(p[0], p[1], false)
		set(p[2], p[3], false)
	}
	set(8, n-8, true)
	// Version information, versions 7 and up (§7.10): bit i (from the least
	// significant) at column i/3, row n-11+i%3, and transposed.
	if v >= 7 {
		vi := versionInfo(v)
		for i := range 18 {
			d := vi>>i&1 != 0
			set(i/3, n-11+i%3, d)
			set(n-11+i%3, i/3, d)
		}
	}

	l.fn, l.fnT = make([]uint64, n*w), make([]uint64, n*w)
	for y := range n {
		for x := range n {
			if dark[y*n+x] {
				setBit(l.fn, w, x, y)
				setBit(l.fnT, w, y, x)
			}
		}
	}

	// Placement (§7.7.3): two-module-wide columns from the right edge, alternately
	// upwards and downwards, right module before left, skipping function modules; the
	// vertical timing pattern's column is skipped altogether.
	l.order = make([]uint16, 0, n*n)
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := range n {
			y := vert
			if upward {
				y = n - 1 - vert
			}
			for j := range 2 {
				x := right - j
				if !isFn[y*n+x] {
					l.order = append(l.order, uint16(y)<<8|uint16(x))
				}
			}
		}
	}
	for i := range 15 {
		p := formatPositions(n, i)
		l.formatRow[i] = [2]uint32{packPos(p[0], p[1], w), packPos(p[2], p[3], w)}
		l.formatCol[i] = [2]uint32{packPos(p[1], p[0], w), packPos(p[3], p[2], w)}
	}
	l.place = make([]uint32, len(l.order))
	for i, p := range l.order {
		x, y := int(p&0xFF), int(p>>8)
		l.place[i] = packPos(x, y, w)
	}

	for m := range 8 {
		l.mask[m], l.maskT[m] = make([]uint64, n*w), make([]uint64, n*w)
		for _, p := range l.order {
			x, y := int(p&0xFF), int(p>>8)
			if maskBit(m, x, y) {
				setBit(l.mask[m], w, x, y)
				setBit(l.maskT[m], w, y, x)
			}
		}
	}
	l.pool.New = func() any {
		return &scratch{
			data: make([]uint64, n*w), dataT: make([]uint64, n*w),
			cand: make([]uint64, n*w), candT: make([]uint64, n*w),
			best: make([]uint64, n*w),
		}
	}
	return l
}

// packPos is module (x, y) of a matrix of the given stride as word index << 6 | bit.
func packPos(x, y, stride int) uint32 {
	return uint32(y*stride+x>>6)<<6 | uint32(x&63)
}

// setBit sets module (x, y) of a matrix of the given stride.
func setBit(m []uint64, stride, x, y int) {
	m[y*stride+x>>6] |= 1 << (uint(x) & 63)
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// maskBit is the condition of data mask m (ISO 18004 Table 10) at column x, row y:
// where it holds, the module is inverted.
func maskBit(m, x, y int) bool {
	i, j := y, x
	switch m {
	case 0:
		return (i+j)%2 == 0
	case 1:
		return i%2 == 0
	case 2:
		return j%3 == 0
	case 3:
		return (i+j)%3 == 0
	case 4:
		return (i/2+j/3)%2 == 0
	case 5:
		return i*j%2+i*j%3 == 0
	case 6:
		return (i*j%2+i*j%3)%2 == 0
	default:
		return ((i+j)%2+i*j%3)%2 == 0
	}
}

// formatPositions returns the two places of format information bit i (0 = least
// significant) in a symbol of n modules per side, as x1, y1, x2, y2 (§7.9.1, Figure
// 25): the first copy around the top-left finder, the second split between the
// top-right and bottom-left finders.
func formatPositions(n, i int) [4]int {
	var p [4]int
	switch {
	case i <= 5:
		p[0], p[1] = 8, i
	case i == 6:
		p[0], p[1] = 8, 7
	case i == 7:
		p[0], p[1] = 8, 8
	case i == 8:
		p[0], p[1] = 7, 8
	default:
		p[0], p[1] = 14-i, 8
	}
	if i <= 7 {
		p[2], p[3] = n-1-i, 8
	} else {
		p[2], p[3] = 8, n-15+i
	}
	return p
}

// formatInfo is the 15-bit format information of a level and mask: 5 data bits, 10
// BCH(15,5) check bits (generator 0x537), XORed with 0x5412 so that it is never all
// zero (§7.9.1, Annex C).
func formatInfo(level Level, mask int) uint32 {
	d := level.formatBits()<<3 | uint32(mask)
	return (d<<10 | bchRemainder(d<<10, 0x537)) ^ 0x5412
}

// formatTable is formatInfo for every level and mask.
var formatTable = func() (t [4][8]uint32) {
	for l := range t {
		for m := range t[l] {
			t[l][m] = formatInfo(Level(l), m)
		}
	}
	return t
}()

// versionInfo is the 18-bit version information: 6 bits of version, 12 BCH(18,6)
// check bits (generator 0x1F25) (§7.10, Annex D).
func versionInfo(v int) uint32 {
	return uint32(v)<<12 | bchRemainder(uint32(v)<<12, 0x1F25)
}

// bchRemainder is x mod gen over GF(2).
func bchRemainder(x, gen uint32) uint32 {
	g := bits.Len32(gen)
	for bits.Len32(x) >= g {
		x ^= gen << (bits.Len32(x) - g)
	}
	return x
}

// place draws a symbol of version v from its final codeword sequence cw: the data
// bits in placement order, then each data mask (or only the forced one, if mask ≥ 0)
// with its format information, keeping the one of lowest penalty.
func place(v int, level Level, mask int, cw []byte) *Symbol {
	l := layoutFor(v)
	n, w := l.size, l.stride
	s := l.pool.Get().(*scratch)
	defer l.pool.Put(s)

	// Data bits, without branches on their values (they are random). Remainder bits
	// (§7.6) are 0: nothing to draw.
	data := s.data
	clear(data)
	bitPos := l.place[:8*len(cw)]
	for i, c := range cw {
		pos := bitPos[8*i : 8*i+8 : 8*i+8]
		for b, p := range pos {
			data[p>>6] |= uint64(c>>(7-b)&1) << (p & 63)
		}
	}

	lo, hi := 0, 7
	if mask >= 0 {
		lo, hi = mask, mask
	}
	if lo != hi {
		transpose(s.dataT, data, n, w)
	}
	bestMask, bestPenalty := -1, 0
	for m := lo; m <= hi; m++ {
		fi := formatTable[level][m]
		maskMatrix(s.cand, l.fn, data, l.mask[m])
		drawFormat(s.cand, fi, &l.formatRow)
		if lo == hi {
			bestMask = m
			copy(s.best, s.cand)
			break
		}
		maskMatrix(s.candT, l.fnT, s.dataT, l.maskT[m])
		drawFormat(s.candT, fi, &l.formatCol)
		p := penalty(s.cand, s.candT, n, w, l.windows)
		if total := p[0] + p[1] + p[2] + p[3]; bestMask < 0 || total < bestPenalty {
			bestMask, bestPenalty = m, total
			copy(s.best, s.cand)
		}
	}

	sym := &Symbol{Version: v, Level: level, Mask: bestMask, Size: n, stride: w,
		rows: make([]uint64, n*w)}
	copy(sym.rows, s.best)
	return sym
}

// maskMatrix sets out = fn | (data ^ mask).
func maskMatrix(out, fn, data, mask []uint64) {
	fn, data, mask = fn[:len(out)], data[:len(out)], mask[:len(out)]
	for i := range out {
		out[i] = fn[i] | data[i] ^ mask[i]
	}
}

// drawFormat sets the dark bits of format information fi at their places pos (both
// copies), in a row or a column matrix.
func drawFormat(m []uint64, fi uint32, pos *[15][2]uint32) {
	for i, p := range pos {
		d := uint64(fi >> i & 1)
		m[p[0]>>6] |= d << (p[0] & 63)
		m[p[1]>>6] |= d << (p[1] & 63)
	}
}

// transpose writes into dst the transpose of the n×n matrix src, 64×64 blocks at a
// time.
func transpose(dst, src []uint64, n, stride int) {
	var blk [64]uint64
	for bi := range stride { // source rows 64·bi…
		for bj := range stride { // source word bj of each row
			for k := range blk {
				blk[k] = 0
				if r := bi*64 + k; r < n {
					blk[k] = src[r*stride+bj]
				}
			}
			transpose64(&blk)
			for k, x := range blk {
				if c := bj*64 + k; c < n {
					dst[c*stride+bi] = x
				}
			}
		}
	}
}

// transpose64 transposes a 64×64 bit matrix in place (a[r] bit c ↔ a[c] bit r) by
// swapping ever smaller off-diagonal blocks (Hacker's Delight §7-3).
func transpose64(a *[64]uint64) {
	m := uint64(0x00000000FFFFFFFF)
	for j := 32; j != 0; j, m = j>>1, m^(m<<(j>>1)) {
		for k := 0; k < 64; k = (k + j + 1) &^ j {
			t := (a[k]>>uint(j) ^ a[k+j]) & m
			a[k] ^= t << uint(j)
			a[k+j] ^= t
		}
	}
}
