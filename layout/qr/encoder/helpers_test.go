package encoder

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"
)

var levels = []Level{Low, Medium, Quartile, High}

// skip2Level is skip2's name for our level (its High is our Q, its Highest our H).
func skip2Level(l Level) qrcode.RecoveryLevel {
	return [4]qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}[l]
}

// skip2Symbol encodes text with skip2 and returns its modules ([row][col], no border),
// its version, and the level and mask read back from the format information modules.
func skip2Symbol(t testing.TB, text string, level Level) (bm [][]bool, version int, lv Level, mask int) {
	t.Helper()
	q, err := qrcode.New(text, skip2Level(level))
	if err != nil {
		t.Fatalf("skip2 %q: %v", text, err)
	}
	q.DisableBorder = true
	bm = q.Bitmap()
	if len(bm) != 17+4*q.VersionNumber {
		t.Fatalf("skip2 bitmap of version %d is %d modules wide", q.VersionNumber, len(bm))
	}
	lv, mask = readFormat(t, bm)
	return bm, q.VersionNumber, lv, mask
}

// readFormat decodes both copies of the format information of a matrix (§7.9.1):
// unmask with 0x5412; the top two data bits are the level (L=01, M=00, Q=11, H=10),
// the next three the mask. Both copies must agree and carry a valid BCH code.
func readFormat(t testing.TB, bm [][]bool) (Level, int) {
	t.Helper()
	n := len(bm)
	var f1, f2 uint32
	for i := range 15 {
		p := formatPositions(n, i)
		if bm[p[1]][p[0]] {
			f1 |= 1 << i
		}
		if bm[p[3]][p[2]] {
			f2 |= 1 << i
		}
	}
	if f1 != f2 {
		t.Fatalf("format information copies differ: %015b vs %015b", f1, f2)
	}
	d := (f1 ^ 0x5412) >> 10
	lv := map[uint32]Level{1: Low, 0: Medium, 3: Quartile, 2: High}[d>>3]
	if formatInfo(lv, int(d&7)) != f1 {
		t.Fatalf("format information %015b is not a BCH code word", f1)
	}
	return lv, int(d & 7)
}

// orderOf is the placement order of a version's encoding region.
func orderOf(v int) []uint16 { return layoutFor(v).order }

// dataCodewordsOf reads a matrix back into its data codewords, undoing mask,
// placement and interleaving: what a decoder does before error correction.
func dataCodewordsOf(bm [][]bool, v int, level Level, mask int) []byte {
	order := orderOf(v)
	t := ecTable[v][level]
	nb := t.g1Blocks + t.g2Blocks
	total := nb*t.ecPerBlock + dataCodewords(v, level)
	cw := make([]byte, total)
	for i := range 8 * total {
		x, y := int(order[i]&0xFF), int(order[i]>>8)
		if bm[y][x] != maskBit(mask, x, y) {
			cw[i/8] |= 0x80 >> (i % 8)
		}
	}
	blocks := make([][]byte, nb)
	k := 0
	for i := 0; i < t.g2Data || i < t.g1Data; i++ {
		for j := range nb {
			n := t.g1Data
			if j >= t.g1Blocks {
				n = t.g2Data
			}
			if i < n {
				blocks[j] = append(blocks[j], cw[k])
				k++
			}
		}
	}
	return bytes.Join(blocks, nil)
}

// header reads the mode indicator and character count at the start of data codewords.
func header(data []byte, v int) (m mode, count int) {
	bit := func(i int) int { return int(data[i/8]>>(7-i%8)) & 1 }
	for i := range 4 {
		m = m<<1 | mode(bit(i))
	}
	if m != numeric && m != alphanumeric && m != byteMode {
		return m, -1
	}
	for i := range countBits(m, v) {
		count = count<<1 | bit(4+i)
	}
	return m, count
}

// decodeOpts are gozxing hints: bytes in byte mode are read as ISO-8859-1, which maps
// every byte to one rune, so that gozxing never rejects or re-interprets our bytes.
var decodeOpts = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_CHARACTER_SET: "ISO-8859-1",
}

// render draws s at px pixels per module with a 4-module quiet zone, black on white.
func render(s *Symbol, px int) *image.Gray {
	bm := s.Bitmap(4)
	n := len(bm) * px
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			c := color.Gray{Y: 255}
			if bm[y/px][x/px] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

// decode reads s back with gozxing (finder detection, sampling, format information,
// unmasking, de-interleaving, Reed–Solomon correction, bit stream parsing) from a
// 4 px/module rendering, and returns the text as bytes: byte-mode segments as gozxing
// read them, other modes as its text. Like package scan, it tries the single-code
// reader and then the multi-code reader: gozxing's single reader stops at the first
// three finder-like patterns it confirms, and a dense symbol's data now and then holds
// a finder look-alike above the bottom-left finder (a few per cent of dense symbols,
// skip2's identical ones too); the multi reader weighs every candidate triple.
// second reports that the multi reader was needed.
func decode(s *Symbol) (text []byte, second bool, err error) {
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(render(s, 4))))
	if err != nil {
		return nil, false, err
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, decodeOpts)
	if err == nil {
		return resultBytes(res), false, nil
	}
	results, err2 := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, decodeOpts)
	if err2 != nil || len(results) != 1 {
		return nil, true, fmt.Errorf("single reader: %w; multi reader: %d results, %v", err, len(results), err2)
	}
	return resultBytes(results[0]), true, nil
}

func resultBytes(res *gozxing.Result) []byte {
	if segs, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte); ok && len(segs) > 0 {
		return bytes.Join(segs, nil)
	}
	return []byte(res.GetText())
}

// checkDecodes fails unless s decodes to text; second is as at decode.
func checkDecodes(t testing.TB, s *Symbol, text string) (second bool) {
	t.Helper()
	got, second, err := decode(s)
	if err != nil {
		t.Fatalf("gozxing cannot read %d-%v mask %d of %q: %v", s.Version, s.Level, s.Mask, abbrev(text), err)
	}
	if string(got) != text {
		t.Fatalf("gozxing read %q from %d-%v mask %d, want %q", abbrev(string(got)), s.Version, s.Level, s.Mask, abbrev(text))
	}
	return second
}

func abbrev(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%s…(%d bytes)", s[:60], len(s))
	}
	return s
}

const (
	alnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	digitChars = "0123456789"
)

// randText is n characters drawn from set, or printable ASCII when set is "".
func randText(r *rand.Rand, set string, n int) string {
	var b strings.Builder
	for range n {
		if set == "" {
			b.WriteByte(byte(0x20 + r.IntN(0x7F-0x20)))
		} else {
			b.WriteByte(set[r.IntN(len(set))])
		}
	}
	return b.String()
}

// base45Text is a realistic payload: the shape of our signed certificate QR content
// (a prefix and Base45 of about 145 bytes), ~195 alphanumeric characters.
func base45Text() string {
	r := rand.New(rand.NewPCG(45, 45))
	return "OMS1:" + randText(r, alnumChars, 190)
}

// symbolPenalty scores s with the encoder's bit-parallel rules.
func symbolPenalty(s *Symbol) [4]int {
	return penaltyOfBitmap(s.Bitmap(0), s.stride)
}

// penaltyOfBitmap scores any square matrix with the encoder's rules, its lines packed
// stride words wide.
func penaltyOfBitmap(bm [][]bool, stride int) [4]int {
	n := len(bm)
	rows, cols := make([]uint64, n*stride), make([]uint64, n*stride)
	for y := range n {
		for x := range n {
			if bm[y][x] {
				setBit(rows, stride, x, y)
				setBit(cols, stride, y, x)
			}
		}
	}
	return penalty(rows, cols, n, stride, windowsFor(n))
}

// referencePenalty is §7.8.3 written the plain way, module by module, as the test's
// independent statement of the rules (see penalty for the reading of the standard).
func referencePenalty(bm [][]bool) [4]int {
	n := len(bm)
	at := func(x, y int, transpose bool) bool {
		if x < 0 || y < 0 || x >= n || y >= n {
			return false // outside: light quiet zone
		}
		if transpose {
			return bm[x][y]
		}
		return bm[y][x]
	}
	var p [4]int
	for _, tr := range []bool{false, true} {
		for y := range n {
			// N1: runs.
			run := 1
			for x := 1; x <= n; x++ {
				if x < n && at(x, y, tr) == at(x-1, y, tr) {
					run++
					continue
				}
				if run >= 5 {
					p[0] += weightN1 + run - 5
				}
				run = 1
			}
			// N3: 1011101 with four light modules on at least one side.
			for x := 0; x+7 <= n; x++ {
				pat := true
				for k, d := range []bool{true, false, true, true, true, false, true} {
					if at(x+k, y, tr) != d {
						pat = false
					}
				}
				if !pat {
					continue
				}
				lightBefore, lightAfter := true, true
				for k := 1; k <= 4; k++ {
					lightBefore = lightBefore && !at(x-k, y, tr)
					lightAfter = lightAfter && !at(x+6+k, y, tr)
				}
				if lightBefore || lightAfter {
					p[2] += weightN3
				}
			}
		}
	}
	// N2: 2×2 blocks of one colour.
	for y := 0; y+1 < n; y++ {
		for x := 0; x+1 < n; x++ {
			c := bm[y][x]
			if bm[y][x+1] == c && bm[y+1][x] == c && bm[y+1][x+1] == c {
				p[1] += weightN2
			}
		}
	}
	// N4: 10 points per full 5 % of deviation from half dark.
	dark := 0
	for y := range n {
		for x := range n {
			if bm[y][x] {
				dark++
			}
		}
	}
	// |dark% − 50| in units of 1/total %, then whole steps of 5 %.
	dev := abs(100*dark - 50*n*n)
	p[3] = weightN4 * (dev / (5 * n * n))
	return p
}
