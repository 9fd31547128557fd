package doc

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"compress/zlib"
	"crypto/md5"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // photos
	_ "image/png"  // signatures
	"io"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
)

// PDFOptions tune a PDF.
type PDFOptions struct {
	// Created is the creation and modification date. Fixing it (tests, batch runs that
	// must be reproducible) makes the output identical byte for byte; the zero time
	// means now.
	Created time.Time
	Title   string
	Lang    string // "ru", "en"
}

// Producer is the PDF's /Producer: fixed, so equal inputs give equal files.
const Producer = "OMS Desk layout/doc"

// ErrNoPages is returned when a PDF would have no page.
var ErrNoPages = errors.New("no pages to write")

// ErrBadImage wraps an image that cannot be decoded.
var ErrBadImage = errors.New("undecodable image")

// mmPt converts millimetres to PDF points.
const mmPt = 72 / 25.4

// WritePDF writes pages as one PDF: vector throughout (text as text in embedded,
// subset DejaVu fonts; QR codes and artwork as filled paths; photos as images), each
// page exactly its size plus bleed, with the viewer preference PrintScaling /None so
// that print dialogs default to 100 % (ISO 32000-1 §12.2, table 150).
//
// The writer is this package's own rather than fpdf's: fpdf re-parses each TrueType
// font for every document (about 10 ms for the two DejaVu faces) and re-derives their
// tables when writing, which caps it near 50 separate documents per second; here the
// fonts are parsed once per process and each document only subsets the glyphs it uses.
func WritePDF(w io.Writer, pages []*Page, opts PDFOptions) error {
	if len(pages) == 0 {
		return fmt.Errorf("writing PDF: %w", ErrNoPages)
	}
	fs, err := Fonts()
	if err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	reg, err := newSubset(fs.Regular)
	if err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	bold, err := newSubset(fs.Bold)
	if err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	p := &pdfDoc{fonts: [2]*subsetFont{reg, bold}, images: map[[32]byte]int{}}
	var fontUsed [2]bool
	p.objs = make([][]byte, 3) // 1 catalog, 2 pages, 3 info (object n is objs[n-1])
	fontObj := [2]int{p.alloc(), p.alloc()}
	var kids []int
	for _, pg := range pages {
		pageObj, contentObj := p.alloc(), p.alloc()
		kids = append(kids, pageObj)
		res := &bytes.Buffer{}
		content, imgs, used, err := p.content(pg)
		if err != nil {
			return fmt.Errorf("writing PDF page %s: %w", pg.Name, err)
		}
		fontUsed[0], fontUsed[1] = fontUsed[0] || used[0], fontUsed[1] || used[1]
		p.set(contentObj, p.stream("", content, true))
		res.WriteString("<< /ProcSet [/PDF /Text /ImageC /ImageB]")
		if used[0] || used[1] {
			res.WriteString(" /Font <<")
			for i := range 2 {
				if used[i] {
					fmt.Fprintf(res, " /F%d %d 0 R", i+1, fontObj[i])
				}
			}
			res.WriteString(" >>")
		}
		if len(imgs) > 0 {
			res.WriteString(" /XObject <<")
			for _, o := range imgs {
				fmt.Fprintf(res, " /Im%d %d 0 R", o, o)
			}
			res.WriteString(" >>")
		}
		res.WriteString(" >>")
		wpt, hpt := (pg.W+2*pg.Bleed)*mmPt, (pg.H+2*pg.Bleed)*mmPt
		box := fmt.Sprintf("/MediaBox [0 0 %s %s]", num(wpt), num(hpt))
		if pg.Bleed > 0 {
			b := pg.Bleed * mmPt
			box += fmt.Sprintf(" /BleedBox [0 0 %s %s] /TrimBox [%s %s %s %s]", num(wpt), num(hpt), num(b), num(b), num(wpt-b), num(hpt-b))
		}
		p.set(pageObj, fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R %s /Resources %s /Contents %d 0 R >>", box, res.Bytes(), contentObj))
	}
	for i, sf := range p.fonts {
		if !fontUsed[i] {
			p.set(fontObj[i], []byte("null"))
			continue
		}
		if err := p.writeFont(fontObj[i], sf); err != nil {
			return fmt.Errorf("writing PDF: %w", err)
		}
	}
	var kb bytes.Buffer
	for i, k := range kids {
		if i > 0 {
			kb.WriteByte(' ')
		}
		fmt.Fprintf(&kb, "%d 0 R", k)
	}
	p.set(2, fmt.Appendf(nil, "<< /Type /Pages /Kids [%s] /Count %d >>", kb.Bytes(), len(kids)))
	lang := ""
	if opts.Lang != "" {
		lang = " /Lang " + pdfText(opts.Lang)
	}
	p.set(1, fmt.Appendf(nil, "<< /Type /Catalog /Pages 2 0 R /ViewerPreferences << /PrintScaling /None >>%s >>", lang))
	date := pdfDate(opts.Created)
	info := fmt.Sprintf("<< /Producer %s /CreationDate %s /ModDate %s", pdfText(Producer), date, date)
	if opts.Title != "" {
		info += " /Title " + pdfText(opts.Title)
	}
	p.set(3, []byte(info+" >>"))
	return p.output(w)
}

// pdfDoc is a PDF being assembled: numbered objects kept in memory until the end, when
// the font subsets are known.
type pdfDoc struct {
	objs   [][]byte
	fonts  [2]*subsetFont
	images map[[32]byte]int
	zbuf   bytes.Buffer
}

func (p *pdfDoc) alloc() int          { p.objs = append(p.objs, nil); return len(p.objs) }
func (p *pdfDoc) set(n int, b []byte) { p.objs[n-1] = b }

// zpool holds zlib writers: making one allocates about 1 MB. BestSpeed compresses the
// content streams (runs of path operators) nearly as well as the default level at a
// fraction of the cost; the fonts are compressed once per process anyway.
var zpool = sync.Pool{New: func() any { w, _ := zlib.NewWriterLevel(io.Discard, flate.BestSpeed); return w }}

// stream makes a stream object, Flate-compressed when compress is set.
func (p *pdfDoc) stream(dict string, data []byte, compress bool) []byte {
	return streamObj(&p.zbuf, dict, data, compress)
}

// streamObj makes a stream object, compressing through zbuf.
func streamObj(zbuf *bytes.Buffer, dict string, data []byte, compress bool) []byte {
	filter := ""
	if compress {
		zbuf.Reset()
		zw := zpool.Get().(*zlib.Writer)
		zw.Reset(zbuf)
		zw.Write(data)
		zw.Close()
		zpool.Put(zw)
		data = zbuf.Bytes()
		filter = " /Filter /FlateDecode"
	}
	out := make([]byte, 0, len(data)+len(dict)+64)
	out = fmt.Appendf(out, "<< %s%s /Length %d >>\nstream\n", dict, filter, len(data))
	out = append(out, data...)
	return append(out, "\nendstream"...)
}

// output writes the objects, the cross-reference table and the trailer. The document
// goes straight to w through a buffer (a batch of a thousand certificates is tens of
// megabytes; gathering it first cost a tenth of the batch's time in copying); the file
// ID is the MD5 of everything before the cross-reference table, hashed on the way.
func (p *pdfDoc) output(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	h := md5.New()
	body := &countingWriter{w: io.MultiWriter(bw, h)}
	body.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offs := make([]int, len(p.objs))
	var head []byte
	for i, o := range p.objs {
		offs[i] = body.n
		head = strconv.AppendInt(head[:0], int64(i+1), 10)
		head = append(head, " 0 obj\n"...)
		body.Write(head)
		body.Write(o)
		body.WriteString("\nendobj\n")
	}
	var id [md5.Size]byte
	h.Sum(id[:0])
	tail := &countingWriter{w: bw}
	fmt.Fprintf(tail, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(tail, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(tail, "trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, id, id, body.n)
	err := cmp.Or(body.err, tail.err)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	return nil
}

// countingWriter counts what it wrote (the offsets of the cross-reference table) and
// keeps the first error, so that writing can go on unchecked and be checked once.
type countingWriter struct {
	w   io.Writer
	n   int
	err error
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(b)
	c.n += n
	c.err = err
	return n, err
}

func (c *countingWriter) WriteString(s string) { c.Write([]byte(s)) }

// pdfText is a PDF text string: literal for printable ASCII, UTF-16BE hex otherwise.
func pdfText(s string) string {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7E || r == '(' || r == ')' || r == '\\' {
			ascii = false
			break
		}
	}
	if ascii {
		return "(" + s + ")"
	}
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func pdfDate(t time.Time) string {
	t = t.UTC()
	return "(D:" + t.Format("20060102150405") + "Z)"
}

// num formats a number with at most three decimals and no trailing zeros.
func num(v float64) string { return string(appendNum(nil, v)) }

// appendNum appends num(v) to dst.
func appendNum(dst []byte, v float64) []byte {
	if math.Abs(v) < 0.0005 {
		return append(dst, '0')
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, v, 'f', 3, 64)
	for len(dst) > start && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// xform maps page millimetres to PDF points, with the page's calibration.
type xform struct {
	h, bleed, s, ox, oy float64
}

func (t xform) x(mm float64) float64 { return (t.bleed + t.ox + mm*t.s) * mmPt }
func (t xform) y(mm float64) float64 { return t.h - (t.bleed+t.oy+mm*t.s)*mmPt }
func (t xform) d(mm float64) float64 { return mm * t.s * mmPt }

// content draws a page's items; it returns the content stream, the image objects and
// which fonts (regular, bold) the page uses.
func (p *pdfDoc) content(pg *Page) ([]byte, []int, [2]bool, error) {
	var used [2]bool
	var imgs []int
	scale := pg.Scale
	if scale == 0 {
		scale = 1
	}
	t := xform{h: (pg.H + 2*pg.Bleed) * mmPt, bleed: pg.Bleed, s: scale, ox: pg.OffsetX, oy: pg.OffsetY}
	var c bytes.Buffer
	var nb []byte
	f := func(v float64) { nb = appendNum(nb[:0], v); c.Write(nb); c.WriteByte(' ') }
	col := func(cl Color, op string) {
		f(float64(cl.R) / 255)
		f(float64(cl.G) / 255)
		f(float64(cl.B) / 255)
		c.WriteString(op + "\n")
	}
	for i := range pg.Items {
		it := &pg.Items[i]
		switch it.Kind {
		case KindRect:
			tt := t
			x, y, w, h := it.X, it.Y, it.W, it.H
			if it.Bleed {
				tt = xform{h: t.h, s: 1}
				x, y, w, h = 0, 0, pg.W+2*pg.Bleed, pg.H+2*pg.Bleed
			}
			var st bytes.Buffer
			c, st = st, c // paint state goes inside q … Q, after the path is known to be drawn
			op := ""
			if it.Fill != nil {
				col(*it.Fill, "rg")
				op = "f"
			}
			if it.Stroke != nil && it.LineW > 0 {
				col(*it.Stroke, "RG")
				f(tt.d(it.LineW))
				c.WriteString("w\n")
				if it.Dash > 0 {
					fmt.Fprintf(&c, "[%s %s] 0 d\n", num(tt.d(it.Dash)), num(tt.d(it.Dash)))
				}
				op = map[string]string{"f": "B", "": "S"}[op]
			}
			c, st = st, c
			if op == "" {
				continue
			}
			c.WriteString("q\n")
			c.Write(st.Bytes())
			roundRect(&c, tt, x, y, w, h, it.Radius)
			c.WriteString(op + "\nQ\n")
		case KindLine:
			if it.Stroke == nil {
				continue
			}
			c.WriteString("q\n")
			col(*it.Stroke, "RG")
			f(t.d(it.LineW))
			c.WriteString("w\n")
			f(t.x(it.X))
			f(t.y(it.Y))
			c.WriteString("m ")
			f(t.x(it.X + it.W))
			f(t.y(it.Y + it.H))
			c.WriteString("l S\nQ\n")
		case KindText:
			k := 0
			if it.Bold {
				k = 1
			}
			used[k] = true
			sf := p.fonts[k]
			cl := Color{}
			if it.Color != nil {
				cl = *it.Color
			}
			c.WriteString("BT\n")
			col(cl, "rg")
			fmt.Fprintf(&c, "/F%d %s Tf\n", k+1, num(it.Size*t.s))
			for _, l := range it.Lines {
				c.WriteString("1 0 0 1 ")
				f(t.x(l.X))
				f(t.y(l.Baseline))
				c.WriteString("Tm <")
				for _, r := range l.Text {
					n := sf.add(sf.face.Glyph(r))
					sf.note(n, r)
					const hexd = "0123456789ABCDEF"
					c.Write([]byte{hexd[n>>12], hexd[n>>8&15], hexd[n>>4&15], hexd[n&15]})
				}
				c.WriteString("> Tj\n")
			}
			c.WriteString("ET\n")
		case KindImage:
			o, err := p.image(it.Image)
			if err != nil {
				return nil, nil, used, fmt.Errorf("image %s: %w", it.ID, err)
			}
			imgs = append(imgs, o)
			fmt.Fprintf(&c, "q %s 0 0 %s %s %s cm /Im%d Do Q\n", num(t.d(it.W)), num(t.d(it.H)), num(t.x(it.X)), num(t.y(it.Y+it.H)), o)
		case KindQR:
			bm := it.QRBitmap()
			c.WriteString("q\n1 1 1 rg\n")
			f(t.x(it.X))
			f(t.y(it.Y + it.H))
			f(t.d(it.W))
			f(t.d(it.H))
			c.WriteString("re f\n0 0 0 rg\n")
			// The modules are drawn in a space of their own, one module a unit square
			// and rows counted down from the code's top-left corner, so that each run
			// of dark modules is four small integers: formatting thousands of decimal
			// fractions per code was a third of a certificate's PDF time.
			m := t.d(it.ModuleMM)
			f(m)
			c.WriteString("0 0 ")
			f(-m)
			f(t.x(it.X))
			f(t.y(it.Y))
			c.WriteString("cm\n")
			for r, row := range bm {
				for x0 := 0; x0 < len(row); {
					if !row[x0] {
						x0++
						continue
					}
					x1 := x0
					for x1 < len(row) && row[x1] {
						x1++
					}
					nb = strconv.AppendInt(nb[:0], int64(x0), 10)
					nb = append(nb, ' ')
					nb = strconv.AppendInt(nb, int64(r), 10)
					nb = append(nb, ' ')
					nb = strconv.AppendInt(nb, int64(x1-x0), 10)
					nb = append(nb, " 1 re\n"...)
					c.Write(nb)
					x0 = x1
				}
			}
			c.WriteString("f\nQ\n")
		case KindPath:
			if it.Art == nil {
				continue
			}
			a := it.Art
			sx, sy := it.W/a.W, it.H/a.H
			c.WriteString("q\n")
			for _, sh := range a.Shapes {
				col(sh.Fill, "rg")
				var cx, cy float64
				pt := func(ux, uy float64) { f(t.x(it.X + ux*sx)); f(t.y(it.Y + uy*sy)) }
				for _, cmd := range sh.Cmds {
					q := cmd.Pts
					switch cmd.Op {
					case 'M':
						pt(q[0], q[1])
						c.WriteString("m\n")
						cx, cy = q[0], q[1]
					case 'L':
						pt(q[0], q[1])
						c.WriteString("l\n")
						cx, cy = q[0], q[1]
					case 'Q':
						pt(cx+2.0/3*(q[0]-cx), cy+2.0/3*(q[1]-cy))
						pt(q[2]+2.0/3*(q[0]-q[2]), q[3]+2.0/3*(q[1]-q[3]))
						pt(q[2], q[3])
						c.WriteString("c\n")
						cx, cy = q[2], q[3]
					case 'C':
						pt(q[0], q[1])
						pt(q[2], q[3])
						pt(q[4], q[5])
						c.WriteString("c\n")
						cx, cy = q[4], q[5]
					case 'Z':
						c.WriteString("h\n")
					}
				}
				c.WriteString("f\n")
			}
			c.WriteString("Q\n")
		}
	}
	return c.Bytes(), imgs, used, nil
}

// roundRect appends a rectangle path, with corners of radius r when r > 0.
func roundRect(c *bytes.Buffer, t xform, x, y, w, h, r float64) {
	if r <= 0 {
		fmt.Fprintf(c, "%s %s %s %s re\n", num(t.x(x)), num(t.y(y+h)), num(t.d(w)), num(t.d(h)))
		return
	}
	r = min(r, w/2, h/2)
	const k = 0.5523 // cubic Bézier approximation of a quarter circle
	pt := func(px, py float64) { fmt.Fprintf(c, "%s %s ", num(t.x(px)), num(t.y(py))) }
	pt(x+r, y)
	c.WriteString("m\n")
	pt(x+w-r, y)
	c.WriteString("l\n")
	pt(x+w-r+k*r, y)
	pt(x+w, y+r-k*r)
	pt(x+w, y+r)
	c.WriteString("c\n")
	pt(x+w, y+h-r)
	c.WriteString("l\n")
	pt(x+w, y+h-r+k*r)
	pt(x+w-r+k*r, y+h)
	pt(x+w-r, y+h)
	c.WriteString("c\n")
	pt(x+r, y+h)
	c.WriteString("l\n")
	pt(x+r-k*r, y+h)
	pt(x, y+h-r+k*r)
	pt(x, y+h-r)
	c.WriteString("c\n")
	pt(x, y+r)
	c.WriteString("l\n")
	pt(x, y+r-k*r)
	pt(x+r-k*r, y)
	pt(x+r, y)
	c.WriteString("c h\n")
}

// image adds an image XObject once per document and returns its object number.
// Baseline JPEGs in grey or YCbCr are embedded as they are (DCTDecode); anything else
// is decoded, flattened onto white and embedded as Flate-compressed RGB.
func (p *pdfDoc) image(data []byte) (int, error) {
	key := sha256.Sum256(data)
	if o, ok := p.images[key]; ok {
		return o, nil
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return 0, fmt.Errorf("%w: %d×%d pixels", ErrBadImage, cfg.Width, cfg.Height)
	}
	o := p.alloc()
	p.images[key] = o
	if format == "jpeg" && (cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.YCbCrModel) {
		cs := "/DeviceRGB"
		if cfg.ColorModel == color.GrayModel {
			cs = "/DeviceGray"
		}
		// Make sure it decodes: a viewer would otherwise show a broken page.
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			return 0, fmt.Errorf("%w: %v", ErrBadImage, err)
		}
		p.set(o, p.stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode",
			cfg.Width, cfg.Height, cs), data, false))
		return o, nil
	}
	img, err := decodeImage(data)
	if err != nil {
		return 0, err
	}
	rgb := flatten(img)
	b := rgb.Bounds()
	raw := make([]byte, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := rgb.Pix[rgb.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			raw = append(raw, row[4*x], row[4*x+1], row[4*x+2])
		}
	}
	p.set(o, p.stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", b.Dx(), b.Dy()), raw, true))
	return o, nil
}

// flatten draws img onto white.
func flatten(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// writeFont writes a Type 0 font with its CIDFontType2 descendant, descriptor, subset
// font file and ToUnicode map (ISO 32000-1 §9.7, §9.10.3). A subset still equal to the
// face's base subset reuses the program built once per process.
func (p *pdfDoc) writeFont(obj int, sf *subsetFont) error {
	prog := (*fontProgram)(nil)
	if sf.shared {
		b, err := sf.face.baseProgram()
		if err != nil {
			return err
		}
		prog = b.prog
	} else {
		var err error
		if prog, err = buildProgram(sf, &p.zbuf); err != nil {
			return err
		}
	}
	f := sf.face
	scale := func(v int) int { return int(math.Round(float64(v) * 1000 / float64(f.upem))) }
	cid, desc, ff, tu := p.alloc(), p.alloc(), p.alloc(), p.alloc()
	p.set(ff, prog.file)
	p.set(tu, prog.toUnicode)
	p.set(desc, fmt.Appendf(nil, "<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>",
		prog.name, scale(f.BBox[0]), scale(f.BBox[1]), scale(f.BBox[2]), scale(f.BBox[3]), scale(f.Ascent), scale(f.Descent), scale(f.CapHeight), ff))
	p.set(cid, fmt.Appendf(nil, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W %s /CIDToGIDMap /Identity >>",
		prog.name, desc, prog.widths))
	p.set(obj, fmt.Appendf(nil, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", prog.name, cid, tu))
	return nil
}
