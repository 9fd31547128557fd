package doc

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"sync"
)

// fontProgram is the document-independent part of an embedded font: the subset's
// name, font file and ToUnicode stream objects and its widths array.
type fontProgram struct {
	name      string
	file      []byte // stream object
	toUnicode []byte // stream object
	widths    []byte // /W array
}

// baseRepertoire lists the characters whose glyphs every document's subset starts
// with: printable ASCII, the Russian alphabet with Ё and ё, and the punctuation Russian
// documents use. Names and texts within it cost no font work per document; a text with
// any other character gets a subset of its own.
func baseRepertoire() []rune {
	var rs []rune
	for r := rune(0x20); r <= 0x7E; r++ {
		rs = append(rs, r)
	}
	rs = append(rs, 0x401, 0x451) // Ё ё
	for r := rune(0x410); r <= 0x44F; r++ {
		rs = append(rs, r)
	}
	rs = append(rs, '«', '»', '–', '—', '‐', '…', '№', '„', '“', '”', '‘', '’', '·', '°', '×', 0xA0, 0xFFFD)
	return rs
}

// baseSubset is a face's base subset and its program, built on first use.
type baseSubset struct {
	once sync.Once
	sf   *subsetFont
	prog *fontProgram
	err  error
}

var bases sync.Map // *Face → *baseSubset

// baseProgram returns the face's base subset, building and compressing it once.
func (f *Face) baseProgram() (*baseSubset, error) {
	v, _ := bases.LoadOrStore(f, &baseSubset{})
	b := v.(*baseSubset)
	b.once.Do(func() {
		sf := &subsetFont{face: f, index: map[uint16]uint16{}, runes: map[uint16]rune{}}
		sf.add(0)
		for _, r := range baseRepertoire() {
			if f.Has(r) {
				sf.note(sf.add(f.Glyph(r)), r)
			}
		}
		var zbuf bytes.Buffer
		// Building also appends the composite glyphs' components to sf.order, so that
		// documents sharing the base never renumber.
		b.prog, b.err = buildProgram(sf, &zbuf)
		b.sf = sf
	})
	return b, b.err
}

// buildProgram subsets and compresses a font program.
func buildProgram(sf *subsetFont, zbuf *bytes.Buffer) (*fontProgram, error) {
	file, err := sf.build()
	if err != nil {
		return nil, err
	}
	f := sf.face
	h := sha256.New()
	for _, g := range sf.order {
		h.Write([]byte{byte(g >> 8), byte(g)})
	}
	sum := h.Sum(nil)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	prog := &fontProgram{name: string(tag) + "+" + f.Name}
	prog.file = streamObj(zbuf, fmt.Sprintf("/Length1 %d", len(file)), file, true)
	var wb bytes.Buffer
	wb.WriteString("[0 [")
	for i, g := range sf.order {
		if i > 0 {
			wb.WriteByte(' ')
		}
		wb.WriteString(strconv.Itoa(int(float64(f.Advance(g))*1000/float64(f.upem) + 0.5)))
	}
	wb.WriteString("]]")
	prog.widths = wb.Bytes()
	var cm bytes.Buffer
	cm.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	var entries []string
	for n := uint16(0); int(n) < len(sf.order); n++ {
		if r, ok := sf.runes[n]; ok {
			entries = append(entries, fmt.Sprintf("<%04X> <%04X>", n, r))
		}
	}
	for len(entries) > 0 {
		k := min(100, len(entries))
		fmt.Fprintf(&cm, "%d beginbfchar\n", k)
		for _, e := range entries[:k] {
			cm.WriteString(e + "\n")
		}
		cm.WriteString("endbfchar\n")
		entries = entries[k:]
	}
	cm.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	prog.toUnicode = streamObj(zbuf, "", cm.Bytes(), true)
	return prog, nil
}
