package printing

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// SetPrintScalingNone returns pdf with /ViewerPreferences << /PrintScaling /None >>
// in its document catalog (ISO 32000-1 §12.2, table 150), which makes viewers' print
// dialogs default to "actual size" instead of "fit to page": a card face scaled to fit
// an A4 page, or shrunk by a printer's margins, is useless. fpdf has no API for it.
//
// The change is made as an incremental update (ISO 32000-1 §7.5.6): the original
// bytes are kept as they are and a new version of the catalog object, a cross-reference
// section for it and a trailer pointing back to the previous one are appended. Nothing
// that was there is rewritten, so offsets, streams and fonts cannot be damaged. An
// existing /PrintScaling is replaced; a PDF already marked is returned unchanged.
//
// Only PDFs with a classic cross-reference table are supported (fpdf writes those);
// one with a cross-reference stream, an encrypted one, or one whose viewer preferences
// are an indirect object gives ErrUnsupportedPDF; data that is not a PDF gives
// ErrNotPDF.
func SetPrintScalingNone(pdf []byte) ([]byte, error) {
	out, err := setPrintScalingNone(pdf)
	if err != nil {
		return nil, fmt.Errorf("marking PDF print at 100 %%: %w", err)
	}
	return out, nil
}

// maxPDFScan bounds how far from the end the trailer is searched for.
const maxPDFScan = 4096

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d{1,12})\s+%%EOF`)
	objHeadRe   = regexp.MustCompile(`^(\d{1,10})\s+(\d{1,5})\s+obj\b`)
)

func setPrintScalingNone(pdf []byte) ([]byte, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, ErrNotPDF
	}
	tail := pdf[max(0, len(pdf)-maxPDFScan):]
	ms := startxrefRe.FindAllSubmatchIndex(tail, -1)
	if ms == nil {
		return nil, fmt.Errorf("%w: no startxref", ErrUnsupportedPDF)
	}
	last := ms[len(ms)-1]
	xref, err := strconv.Atoi(string(tail[last[2]:last[3]]))
	if err != nil || xref <= 0 || xref >= len(pdf) {
		return nil, fmt.Errorf("%w: startxref out of range", ErrUnsupportedPDF)
	}
	sec := pdf[xref:]
	if !bytes.HasPrefix(sec, []byte("xref")) {
		return nil, fmt.Errorf("%w: cross-reference stream", ErrUnsupportedPDF)
	}
	tpos := bytes.Index(sec, []byte("trailer"))
	if tpos < 0 {
		return nil, fmt.Errorf("%w: no trailer", ErrUnsupportedPDF)
	}
	table := sec[:tpos]
	lx := &lexer{b: sec, pos: tpos + len("trailer")}
	trailer, err := lx.dict()
	if err != nil {
		return nil, fmt.Errorf("%w: trailer: %v", ErrUnsupportedPDF, err)
	}
	if _, ok := trailer.get("Encrypt"); ok {
		return nil, fmt.Errorf("%w: encrypted", ErrUnsupportedPDF)
	}
	size, err := trailer.int("Size")
	if err != nil || size <= 0 {
		return nil, fmt.Errorf("%w: trailer /Size", ErrUnsupportedPDF)
	}
	rootNum, rootGen, err := trailer.ref("Root")
	if err != nil {
		return nil, fmt.Errorf("%w: trailer /Root", ErrUnsupportedPDF)
	}
	off, err := xrefOffset(table, rootNum, rootGen)
	if err != nil {
		return nil, err
	}
	if off <= 0 || off >= len(pdf) {
		return nil, fmt.Errorf("%w: catalog offset out of range", ErrUnsupportedPDF)
	}
	head := objHeadRe.FindSubmatch(pdf[off:min(len(pdf), off+40)])
	if head == nil || string(head[1]) != strconv.Itoa(rootNum) || string(head[2]) != strconv.Itoa(rootGen) {
		return nil, fmt.Errorf("%w: catalog not at its offset", ErrUnsupportedPDF)
	}
	lx = &lexer{b: pdf, pos: off + len(head[0])}
	catalog, err := lx.dict()
	if err != nil {
		return nil, fmt.Errorf("%w: catalog: %v", ErrUnsupportedPDF, err)
	}
	body, changed, err := withPrintScalingNone(pdf, catalog)
	if err != nil {
		return nil, err
	}
	if !changed {
		return pdf, nil
	}

	// The incremental update: the catalog's new version, a one-entry section, a trailer.
	var b bytes.Buffer
	b.Grow(len(pdf) + len(body) + 512)
	b.Write(pdf)
	if pdf[len(pdf)-1] != '\n' && pdf[len(pdf)-1] != '\r' {
		b.WriteByte('\n')
	}
	objOff := b.Len()
	fmt.Fprintf(&b, "%d %d obj\n%s\nendobj\n", rootNum, rootGen, body)
	newXref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n", rootNum, objOff, rootGen)
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R", max(size, rootNum+1), rootNum, rootGen)
	for _, key := range []string{"Info", "ID"} {
		if v, ok := trailer.get(key); ok {
			fmt.Fprintf(&b, " /%s %s", key, v)
		}
	}
	fmt.Fprintf(&b, " /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", xref, newXref)
	return b.Bytes(), nil
}

// withPrintScalingNone returns the catalog dictionary's text with /PrintScaling /None
// in its viewer preferences, and whether that changed anything.
func withPrintScalingNone(src []byte, cat *dict) ([]byte, bool, error) {
	text := src[cat.start:cat.end]
	vp, ok := cat.entry("ViewerPreferences")
	if !ok {
		// Insert a new entry before the catalog's closing ">>".
		out := append([]byte{}, text[:len(text)-2]...)
		out = append(out, []byte("/ViewerPreferences << /PrintScaling /None >>\n>>")...)
		return out, true, nil
	}
	val := src[vp.valStart:vp.valEnd]
	if !bytes.HasPrefix(val, []byte("<<")) {
		return nil, false, fmt.Errorf("%w: indirect /ViewerPreferences", ErrUnsupportedPDF)
	}
	inner := &lexer{b: src, pos: vp.valStart}
	vpd, err := inner.dict()
	if err != nil {
		return nil, false, fmt.Errorf("%w: /ViewerPreferences: %v", ErrUnsupportedPDF, err)
	}
	var newVP []byte
	if ps, ok := vpd.entry("PrintScaling"); ok {
		if string(src[ps.valStart:ps.valEnd]) == "/None" {
			return nil, false, nil
		}
		newVP = concat(src[vpd.start:ps.valStart], []byte("/None"), src[ps.valEnd:vpd.end])
	} else {
		newVP = concat(bytes.TrimRight(src[vpd.start:vpd.end-2], " \t\r\n"), []byte(" /PrintScaling /None >>"))
	}
	out := concat(src[cat.start:vp.valStart], newVP, src[vp.valEnd:cat.end])
	return out, true, nil
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// xrefOffset finds object num gen's offset in a classic cross-reference table (its
// subsections of "first count" and 20-byte entries, ISO 32000-1 §7.5.4).
func xrefOffset(table []byte, num, gen int) (int, error) {
	lx := &lexer{b: table, pos: len("xref")}
	for {
		first, ok1 := lx.integer()
		count, ok2 := lx.integer()
		if !ok1 || !ok2 || first < 0 || count < 0 {
			return 0, fmt.Errorf("%w: catalog not in the cross-reference table", ErrUnsupportedPDF)
		}
		lx.space()
		if num >= first && num < first+count {
			at := lx.pos + (num-first)*20
			if at+18 > len(table) {
				return 0, fmt.Errorf("%w: cross-reference table truncated", ErrUnsupportedPDF)
			}
			e := table[at : at+18]
			off, err1 := strconv.Atoi(string(e[0:10]))
			g, err2 := strconv.Atoi(string(e[11:16]))
			if err1 != nil || err2 != nil || e[17] != 'n' || g != gen {
				return 0, fmt.Errorf("%w: bad cross-reference entry for the catalog", ErrUnsupportedPDF)
			}
			return off, nil
		}
		skip := count * 20
		if skip < 0 || lx.pos+skip > len(table) {
			return 0, fmt.Errorf("%w: cross-reference table truncated", ErrUnsupportedPDF)
		}
		lx.pos += skip
	}
}
