// Package encoder makes QR Code symbols (ISO/IEC 18004:2015, model 2) fast enough for
// the certificate batch: 1,000 signed PDF certificates per second on one core, each
// with one QR code. github.com/skip2/go-qrcode, which we used before, spends 1.3–2.2 ms
// per symbol (per-module get/set calls while scoring masks, polynomial Reed–Solomon
// with allocations, bit-by-bit appends). This package makes the same symbols, module
// for module, whenever both use the same mask and skip2 keeps the text in one segment
// (see the differential test), in about 20 µs for our version-10 payload.
//
// Speed comes from work done once per version and kept (function patterns, which
// modules carry data, the zig-zag placement order, the eight mask patterns restricted
// to data modules), from bit-packed rows and columns, so that the mask penalty rules
// run 64 modules per machine word, and from table-driven Reed–Solomon.
//
// Scope: one segment in the most compact single mode for the whole text (numeric,
// alphanumeric or byte), no ECI, no Kanji, no structured append, no Micro QR. Our
// payloads are Base45 text, which is alphanumeric.
package encoder

import (
	"errors"
	"fmt"
	"sync"
)

// Level is the error correction level: the share of codewords that can be restored
// (L about 7 %, M 15 %, Q 25 %, H 30 %), bought with a larger symbol.
type Level int

// Error correction levels, in the order of ISO 18004 Table 9 (which is not the order
// of their format-information bits).
const (
	Low Level = iota
	Medium
	Quartile
	High
)

func (l Level) String() string {
	switch l {
	case Low:
		return "L"
	case Medium:
		return "M"
	case Quartile:
		return "Q"
	case High:
		return "H"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// formatBits is the level's 2-bit code in the format information (ISO 18004 Table 12).
func (l Level) formatBits() uint32 {
	return [4]uint32{1, 0, 3, 2}[l]
}

var (
	// ErrEmpty means there is nothing to encode; a QR code of an empty text would read
	// as nothing, which for a certificate is a bug upstream, not a symbol to print.
	ErrEmpty = errors.New("encoder: empty text")
	// ErrTooLong means the text does not fit a version 40 symbol at the requested level.
	ErrTooLong = errors.New("encoder: text too long for a QR code")
)

// Symbol is an encoded QR code: its modules without the quiet zone, and how they were
// made. It is immutable once returned and safe to share between goroutines.
type Symbol struct {
	Version int   // 1..40
	Level   Level // error correction level
	Mask    int   // 0..7: the data mask (ISO 18004 §7.8.2) applied to the encoding region
	Size    int   // modules per side: 17 + 4*Version

	// rows holds module (x, y) as bit x%64 of rows[y*stride + x/64]; 1 is dark. Bits
	// beyond Size in a row are always 0.
	rows   []uint64
	stride int
}

// Dark reports whether the module in column x, row y is dark; (0, 0) is the top-left
// module of the symbol proper (no quiet zone). Outside the symbol is the quiet zone,
// which is light.
func (s *Symbol) Dark(x, y int) bool {
	if uint(x) >= uint(s.Size) || uint(y) >= uint(s.Size) {
		return false
	}
	return s.rows[y*s.stride+x>>6]>>(uint(x)&63)&1 != 0
}

// Bitmap returns the modules as [row][column], true for dark, surrounded by quietZone
// light modules on each side (ISO 18004 asks for 4; negative counts as 0). The rows
// share one backing array.
func (s *Symbol) Bitmap(quietZone int) [][]bool {
	q := max(quietZone, 0)
	n := s.Size + 2*q
	cells := make([]bool, n*n)
	out := make([][]bool, n)
	for y := range out {
		out[y] = cells[y*n : (y+1)*n : (y+1)*n]
	}
	for y := 0; y < s.Size; y++ {
		row := out[y+q][q:]
		for x := 0; x < s.Size; x++ {
			row[x] = s.rows[y*s.stride+x>>6]>>(uint(x)&63)&1 != 0
		}
	}
	return out
}

// Encode returns text as the smallest QR code that holds it at level, with the data
// mask of lowest penalty under the ISO 18004 §7.8.3 rules (ties go to the lower mask
// number). It is safe for concurrent use.
func Encode(text string, level Level) (*Symbol, error) {
	return encode(text, level, -1)
}

// EncodeWithMask is Encode with the data mask forced instead of chosen. It exists for
// tests and for comparing with other encoders, which may score masks differently; a
// printed symbol should come from Encode.
func EncodeWithMask(text string, level Level, mask int) (*Symbol, error) {
	if mask < 0 || mask > 7 {
		return nil, fmt.Errorf("encoder: mask %d out of range 0..7", mask)
	}
	return encode(text, level, mask)
}

// encode does Encode (mask < 0) and EncodeWithMask.
func encode(text string, level Level, mask int) (*Symbol, error) {
	if level < Low || level > High {
		return nil, fmt.Errorf("encoder: invalid error correction level %d", int(level))
	}
	if len(text) == 0 {
		return nil, ErrEmpty
	}
	md := modeOf(text)
	version := chooseVersion(md, len(text), level)
	if version == 0 {
		return nil, fmt.Errorf("%w: %d characters in %s mode exceed version 40-%v (at most %d)",
			ErrTooLong, len(text), md, level, maxChars(md, level))
	}

	bufs := bufPool.Get().(*codewordBuffers)
	defer bufPool.Put(bufs)
	cw := bufs.codewords(text, md, version, level)

	return place(version, level, mask, cw), nil
}

// mode is a data mode of ISO 18004 §7.4; its value is the 4-bit mode indicator.
type mode uint8

const (
	numeric      mode = 1
	alphanumeric mode = 2
	byteMode     mode = 4
)

func (m mode) String() string {
	switch m {
	case numeric:
		return "numeric"
	case alphanumeric:
		return "alphanumeric"
	}
	return "byte"
}

// alnumValue maps a byte to its alphanumeric-mode value (ISO 18004 Table 5), or -1
// for bytes outside the 45-character set.
var alnumValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" {
		t[c] = int8(i)
	}
	return t
}()

// modeOf picks the most compact single mode able to hold all of text. Mixing modes
// would sometimes save a few bits (skip2 does it); one mode keeps the encoder simple,
// and Base45 payloads are alphanumeric from end to end anyway.
func modeOf(text string) mode {
	m := numeric
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c-'0' <= 9 {
			continue
		}
		if alnumValue[c] < 0 {
			return byteMode
		}
		m = alphanumeric
	}
	return m
}

// countBits is the length of the character count indicator (ISO 18004 Table 3), which
// grows at versions 10 and 27.
func countBits(m mode, version int) int {
	r := 0
	if version >= 27 {
		r = 2
	} else if version >= 10 {
		r = 1
	}
	switch m {
	case numeric:
		return [3]int{10, 12, 14}[r]
	case alphanumeric:
		return [3]int{9, 11, 13}[r]
	}
	return [3]int{8, 16, 16}[r]
}

// payloadBits is the length of n characters' data bits in mode m, without the mode
// indicator and character count.
func payloadBits(m mode, n int) int {
	switch m {
	case numeric:
		return 10*(n/3) + [3]int{0, 4, 7}[n%3]
	case alphanumeric:
		return 11*(n/2) + 6*(n%2)
	}
	return 8 * n
}

// dataCodewords is the number of data codewords of a version at a level.
func dataCodewords(version int, level Level) int {
	b := ecTable[version][level]
	return b.g1Blocks*b.g1Data + b.g2Blocks*b.g2Data
}

// chooseVersion returns the smallest version holding n characters of mode m at level,
// or 0 if none does.
func chooseVersion(m mode, n int, level Level) int {
	if n > 7089 { // the most any symbol holds: numeric, version 40-L
		return 0
	}
	for v := 1; v <= 40; v++ {
		cb := countBits(m, v)
		if n < 1<<cb && 4+cb+payloadBits(m, n) <= 8*dataCodewords(v, level) {
			return v
		}
	}
	return 0
}

// maxChars is the capacity of version 40 at level in mode m, for error messages.
func maxChars(m mode, level Level) int {
	lo, hi := 0, 7089
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if chooseVersion(m, mid, level) != 0 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// maxCodewords is the codeword count of version 40 (data plus error correction).
const maxCodewords = 3706

// codewordBuffers is scratch space for one symbol's codewords, pooled so that a batch
// does not allocate it per symbol.
type codewordBuffers struct {
	data [maxCodewords]byte // data codewords, blocks one after the other
	ec   [maxCodewords]byte // EC codewords, ecPerBlock per block
	out  [maxCodewords]byte // final sequence: data interleaved, then EC interleaved
}

var bufPool = sync.Pool{New: func() any { return new(codewordBuffers) }}

// codewords returns the final codeword sequence of text (ISO 18004 §7.4–7.6): the
// data bit stream with terminator and padding, split into blocks, each block
// extended by its Reed–Solomon codewords, the blocks interleaved. The result aliases
// b.out.
func (b *codewordBuffers) codewords(text string, m mode, version int, level Level) []byte {
	nData := dataCodewords(version, level)
	w := bitWriter{buf: b.data[:nData]}
	w.put(uint64(m), 4)
	w.put(uint64(len(text)), uint(countBits(m, version)))
	switch m {
	case numeric:
		i := 0
		for ; i+3 <= len(text); i += 3 {
			w.put(uint64(text[i]-'0')*100+uint64(text[i+1]-'0')*10+uint64(text[i+2]-'0'), 10)
		}
		switch len(text) - i {
		case 1:
			w.put(uint64(text[i]-'0'), 4)
		case 2:
			w.put(uint64(text[i]-'0')*10+uint64(text[i+1]-'0'), 7)
		}
	case alphanumeric:
		i := 0
		for ; i+2 <= len(text); i += 2 {
			w.put(uint64(alnumValue[text[i]])*45+uint64(alnumValue[text[i+1]]), 11)
		}
		if i < len(text) {
			w.put(uint64(alnumValue[text[i]]), 6)
		}
	default:
		for i := 0; i < len(text); i++ {
			w.put(uint64(text[i]), 8)
		}
	}
	// Terminator: up to four 0 bits, fewer if the symbol is full (§7.4.9); then 0 bits
	// to the codeword boundary and alternate pad codewords 0xEC 0x11 (§7.4.10).
	w.put(0, uint(min(4, 8*nData-w.bits())))
	if w.n > 0 {
		w.put(0, 8-w.n)
	}
	for i, p := w.pos, byte(0xEC); i < nData; i, p = i+1, p^(0xEC^0x11) {
		w.buf[i] = p
	}

	// Split into blocks (group 1, then group 2 with one more data codeword each),
	// compute each block's EC codewords, and interleave (§7.6).
	t := ecTable[version][level]
	nBlocks := t.g1Blocks + t.g2Blocks
	ecLen := t.ecPerBlock
	gen := generators[ecLen]
	start := 0
	for i := range nBlocks {
		n := t.g1Data
		if i >= t.g1Blocks {
			n = t.g2Data
		}
		rsEncode(b.data[start:start+n], gen, b.ec[i*ecLen:(i+1)*ecLen])
		start += n
	}
	out := b.out[:nData+nBlocks*ecLen]
	k := 0
	for i := range t.g1Data {
		for j := range nBlocks {
			// Block j starts at j*g1Data, plus one for every group-2 block before it.
			out[k] = b.data[j*t.g1Data+max(0, j-t.g1Blocks)+i]
			k++
		}
	}
	if t.g2Blocks > 0 { // the last data codeword of each group-2 block
		for j := t.g1Blocks; j < nBlocks; j++ {
			out[k] = b.data[j*t.g1Data+(j-t.g1Blocks)+t.g1Data]
			k++
		}
	}
	for i := range ecLen {
		for j := range nBlocks {
			out[k] = b.ec[j*ecLen+i]
			k++
		}
	}
	return out
}

// bitWriter appends big-endian bit fields to a byte slice.
type bitWriter struct {
	buf []byte
	pos int    // bytes written
	acc uint64 // pending bits, the last n of them not yet written
	n   uint   // number of pending bits, < 8 between calls
}

// put appends the low `bits` bits of v (bits ≤ 32).
func (w *bitWriter) put(v uint64, bits uint) {
	w.acc = w.acc<<bits | v
	w.n += bits
	for w.n >= 8 {
		w.n -= 8
		w.buf[w.pos] = byte(w.acc >> w.n)
		w.pos++
	}
}

// bits is the number of bits written so far.
func (w *bitWriter) bits() int { return 8*w.pos + int(w.n) }
