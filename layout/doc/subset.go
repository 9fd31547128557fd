package doc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// errBadFont is wrapped when the embedded TrueType font lacks a table the subsetter
// needs; it cannot happen with the fonts of assets/fonts (a test subsets them).
var errBadFont = errors.New("unusable TrueType font")

// sfntTables reads a TrueType table directory.
func sfntTables(b []byte) (map[string][]byte, error) {
	if len(b) < 12 {
		return nil, errBadFont
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	t := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		r := 12 + 16*i
		if r+16 > len(b) {
			return nil, errBadFont
		}
		off, ln := binary.BigEndian.Uint32(b[r+8:]), binary.BigEndian.Uint32(b[r+12:])
		if uint64(off)+uint64(ln) > uint64(len(b)) {
			return nil, errBadFont
		}
		t[string(b[r:r+4])] = b[off : off+ln]
	}
	return t, nil
}

// subsetFont is a TrueType font cut down to the glyphs one document uses. Glyphs are
// renumbered densely (new index = position in the list, .notdef first), composite
// glyphs bring their components along, and the tables a PDF viewer needs to render a
// CIDFontType2 with an identity CID-to-glyph map (ISO 32000-1 §9.9: head, hhea, maxp,
// hmtx, loca, glyf, and the hinting tables cvt, fpgm, prep) are written, with an empty
// cmap and a name-less post table for font parsers that insist on them; names and
// kerning are left out, because the PDF maps characters and places glyphs itself.
type subsetFont struct {
	face  *Face
	order []uint16          // new index → original glyph index
	index map[uint16]uint16 // original → new
	runes map[uint16]rune   // new index → the character it was drawn for (ToUnicode)
	// shared marks order, index and runes as the face's base subset's, read-only.
	shared bool
}

// newSubset starts a document's subset from the face's shared base subset (see
// [Face.base]): a document whose text stays within the base repertoire embeds the
// base font program, built and compressed once per process.
func newSubset(f *Face) (*subsetFont, error) {
	b, err := f.baseProgram()
	if err != nil {
		return nil, err
	}
	return &subsetFont{face: f, order: b.sf.order, index: b.sf.index, runes: b.sf.runes, shared: true}, nil
}

// own gives the subset its own copy of the base tables before it adds to them.
func (s *subsetFont) own() {
	if !s.shared {
		return
	}
	s.order = append([]uint16(nil), s.order...)
	index := make(map[uint16]uint16, len(s.index)+8)
	for k, v := range s.index {
		index[k] = v
	}
	runes := make(map[uint16]rune, len(s.runes)+8)
	for k, v := range s.runes {
		runes[k] = v
	}
	s.index, s.runes, s.shared = index, runes, false
}

// add returns the new index of original glyph g, adding it when new.
func (s *subsetFont) add(g uint16) uint16 {
	if n, ok := s.index[g]; ok {
		return n
	}
	s.own()
	n := uint16(len(s.order))
	s.index[g] = n
	s.order = append(s.order, g)
	return n
}

// note records that new glyph n was drawn for r (for the ToUnicode map).
func (s *subsetFont) note(n uint16, r rune) {
	if _, ok := s.runes[n]; ok || !s.face.Has(r) {
		return
	}
	s.own()
	s.runes[n] = r
}

// Composite glyph flags (TrueType 'glyf' table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// build writes the subset font.
func (s *subsetFont) build() ([]byte, error) {
	t, err := sfntTables(s.face.raw)
	if err != nil {
		return nil, fmt.Errorf("subsetting %s: %w", s.face.Name, err)
	}
	head, hhea, maxp, hmtx, loca, glyf := t["head"], t["hhea"], t["maxp"], t["hmtx"], t["loca"], t["glyf"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || loca == nil || glyf == nil {
		return nil, fmt.Errorf("subsetting %s: %w", s.face.Name, errBadFont)
	}
	long := binary.BigEndian.Uint16(head[50:]) == 1
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	numHM := int(binary.BigEndian.Uint16(hhea[34:]))
	offset := func(g int) (int, bool) {
		if long {
			if 4*g+4 > len(loca) {
				return 0, false
			}
			return int(binary.BigEndian.Uint32(loca[4*g:])), true
		}
		if 2*g+2 > len(loca) {
			return 0, false
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*g:])), true
	}
	glyphData := func(g int) ([]byte, error) {
		a, ok1 := offset(g)
		b, ok2 := offset(g + 1)
		if g >= numGlyphs || !ok1 || !ok2 || a > b || b > len(glyf) {
			return nil, fmt.Errorf("subsetting %s: glyph %d: %w", s.face.Name, g, errBadFont)
		}
		return glyf[a:b], nil
	}
	// Copy the glyphs, adding components as they appear (s.order grows in the loop).
	var newGlyf []byte
	newLoca := make([]byte, 0, 4*(len(s.order)+1))
	for i := 0; i < len(s.order); i++ {
		data, err := glyphData(int(s.order[i]))
		if err != nil {
			return nil, err
		}
		newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(len(newGlyf)))
		start := len(newGlyf)
		newGlyf = append(newGlyf, data...)
		if len(data) >= 10 && int16(binary.BigEndian.Uint16(data)) < 0 {
			g := newGlyf[start:]
			for p := 10; ; {
				if p+4 > len(g) {
					return nil, fmt.Errorf("subsetting %s: composite glyph %d: %w", s.face.Name, s.order[i], errBadFont)
				}
				flags := binary.BigEndian.Uint16(g[p:])
				comp := binary.BigEndian.Uint16(g[p+2:])
				binary.BigEndian.PutUint16(g[p+2:], s.add(comp))
				p += 4
				if flags&argsAreWords != 0 {
					p += 4
				} else {
					p += 2
				}
				switch {
				case flags&haveScale != 0:
					p += 2
				case flags&haveXYScale != 0:
					p += 4
				case flags&haveTwoByTwo != 0:
					p += 8
				}
				if flags&moreComponents == 0 {
					break
				}
			}
		}
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(len(newGlyf)))
	n := len(s.order)
	newHmtx := make([]byte, 0, 4*n)
	for _, g := range s.order {
		gi := int(g)
		var adv, lsb uint16
		if gi < numHM {
			if 4*gi+4 <= len(hmtx) {
				adv, lsb = binary.BigEndian.Uint16(hmtx[4*gi:]), binary.BigEndian.Uint16(hmtx[4*gi+2:])
			}
		} else if numHM > 0 && 4*numHM+2*(gi-numHM)+2 <= len(hmtx) {
			adv = binary.BigEndian.Uint16(hmtx[4*(numHM-1):])
			lsb = binary.BigEndian.Uint16(hmtx[4*numHM+2*(gi-numHM):])
		}
		newHmtx = binary.BigEndian.AppendUint16(newHmtx, adv)
		newHmtx = binary.BigEndian.AppendUint16(newHmtx, lsb)
	}
	newHead := append([]byte(nil), head...)
	binary.BigEndian.PutUint32(newHead[8:], 0) // checkSumAdjustment, unchecked by PDF viewers
	binary.BigEndian.PutUint16(newHead[50:], 1)
	newHhea := append([]byte(nil), hhea...)
	binary.BigEndian.PutUint16(newHhea[34:], uint16(n))
	newMaxp := append([]byte(nil), maxp...)
	binary.BigEndian.PutUint16(newMaxp[4:], uint16(n))
	out := map[string][]byte{"head": newHead, "hhea": newHhea, "maxp": newMaxp, "hmtx": newHmtx, "loca": newLoca, "glyf": newGlyf, "cmap": emptyCmap}
	if post := t["post"]; len(post) >= 32 {
		// Version 3: the header only, no glyph names.
		p3 := append([]byte(nil), post[:32]...)
		binary.BigEndian.PutUint32(p3, 0x00030000)
		out["post"] = p3
	}
	for _, tag := range []string{"cvt ", "fpgm", "prep"} {
		if b, ok := t[tag]; ok {
			out[tag] = b
		}
	}
	return writeSFNT(out), nil
}

// emptyCmap is a cmap table mapping no character (one format 4 subtable with only the
// final 0xFFFF segment): the PDF maps characters to glyphs itself, but font parsers
// insist on the table.
var emptyCmap = []byte{
	0, 0, 0, 1, // version, one subtable
	0, 3, 0, 1, 0, 0, 0, 12, // Windows Unicode BMP at offset 12
	0, 4, 0, 24, 0, 0, // format 4, length, language
	0, 2, 0, 2, 0, 0, 0, 0, // segCountX2, searchRange, entrySelector, rangeShift
	0xFF, 0xFF, 0, 0, // endCode, reservedPad
	0xFF, 0xFF, 0, 1, 0, 0, // startCode, idDelta, idRangeOffset
}

// writeSFNT assembles tables into a TrueType file.
func writeSFNT(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	var b []byte
	b = binary.BigEndian.AppendUint32(b, 0x00010000)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = binary.BigEndian.AppendUint16(b, uint16(16<<es))
	b = binary.BigEndian.AppendUint16(b, uint16(es))
	b = binary.BigEndian.AppendUint16(b, uint16(n*16-16<<es))
	off := 12 + 16*n
	for _, tag := range tags {
		d := tables[tag]
		b = append(b, tag...)
		b = binary.BigEndian.AppendUint32(b, checksum(d))
		b = binary.BigEndian.AppendUint32(b, uint32(off))
		b = binary.BigEndian.AppendUint32(b, uint32(len(d)))
		off += (len(d) + 3) &^ 3
	}
	for _, tag := range tags {
		b = append(b, tables[tag]...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	return b
}

func checksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
