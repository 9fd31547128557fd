package doc

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// PixelSize is the size in pixels of a page (bleed included) rendered at dpi: each side
// is its length in inches times dpi, rounded to the nearest whole pixel (an ID-1 card,
// 85.60 × 53.98 mm, is 1011 × 638 px at 300 dpi and 2022 × 1275 px at 600 dpi).
func PixelSize(pg *Page, dpi float64) (w, h int) {
	return int(math.Round((pg.W + 2*pg.Bleed) * dpi / 25.4)), int(math.Round((pg.H + 2*pg.Bleed) * dpi / 25.4))
}

// Render draws a page as an RGBA image at dpi pixels per inch: shapes and text
// antialiased, QR modules snapped to whole pixels (every module the same whole number of
// pixels, no antialiased edges) so that the code scans, images scaled with Catmull-Rom.
func Render(pg *Page, dpi float64) (*image.RGBA, error) {
	if !(dpi >= 10 && dpi <= 2400) {
		return nil, fmt.Errorf("rendering page %s: dpi %v out of range 10–2400", pg.Name, dpi)
	}
	fs, err := Fonts()
	if err != nil {
		return nil, fmt.Errorf("rendering page %s: %w", pg.Name, err)
	}
	w, h := PixelSize(pg, dpi)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	copy(img.Pix, bytes.Repeat([]byte{255}, len(img.Pix)))
	scale := pg.Scale
	if scale == 0 {
		scale = 1
	}
	r := &rast{dst: img, k: dpi / 25.4, s: scale, ox: pg.Bleed + pg.OffsetX, oy: pg.Bleed + pg.OffsetY, vr: vector.NewRasterizer(1, 1)}
	for i := range pg.Items {
		it := &pg.Items[i]
		switch it.Kind {
		case KindRect:
			r.rect(pg, it)
		case KindLine:
			r.line(it)
		case KindText:
			r.text(fs.Face(it.Bold), it)
		case KindImage:
			if err := r.image(it); err != nil {
				return nil, fmt.Errorf("rendering page %s: image %s: %w", pg.Name, it.ID, err)
			}
		case KindQR:
			r.qr(it)
		case KindPath:
			r.art(it)
		}
	}
	return img, nil
}

// WritePNG renders a page at dpi and writes it as PNG with its resolution recorded (a
// pHYs chunk), so that printing programs print it at its true size.
func WritePNG(w io.Writer, pg *Page, dpi float64) error {
	img, err := Render(pg, dpi)
	if err != nil {
		return err
	}
	if err := encodePNG(w, img, dpi); err != nil {
		return fmt.Errorf("writing page %s as PNG: %w", pg.Name, err)
	}
	return nil
}

// encodePNG writes an opaque RGBA image as 8-bit RGB PNG (ISO/IEC 15948) with a pHYs
// chunk. Every row uses the Up filter and zlib's fastest level: image/png tries all five
// filters on every row, which costs more than the rest of a card's rendering; for flat
// backgrounds with text, Up compresses about as well.
func encodePNG(w io.Writer, img *image.RGBA, dpi float64) error {
	b := img.Bounds()
	wd, ht := b.Dx(), b.Dy()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var hdr [8]byte
		binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
		copy(hdr[4:], typ)
		out.Write(hdr[:])
		out.Write(data)
		crc := crc32.NewIEEE()
		crc.Write(hdr[4:])
		crc.Write(data)
		out.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(wd))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(ht))
	chunk("IHDR", append(ihdr, 8, 2, 0, 0, 0)) // 8 bits, truecolour, deflate, adaptive filters, no interlace
	ppm := uint32(math.Round(dpi / 0.0254))
	phys := binary.BigEndian.AppendUint32(nil, ppm)
	phys = binary.BigEndian.AppendUint32(phys, ppm)
	chunk("pHYs", append(phys, 1)) // unit: metre
	var z bytes.Buffer
	zw := zpool.Get().(*zlib.Writer)
	zw.Reset(&z)
	row := make([]byte, 1+3*wd)
	prev := make([]byte, 3*wd)
	cur := make([]byte, 3*wd)
	for y := 0; y < ht; y++ {
		pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < wd; x++ {
			cur[3*x], cur[3*x+1], cur[3*x+2] = pix[4*x], pix[4*x+1], pix[4*x+2]
		}
		row[0] = 2 // Up
		for i := range cur {
			row[1+i] = cur[i] - prev[i]
		}
		zw.Write(row)
		prev, cur = cur, prev
	}
	if err := zw.Close(); err != nil {
		return err
	}
	zpool.Put(zw)
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	_, err := w.Write(out.Bytes())
	return err
}

// rast draws items onto an image: k pixels per millimetre, then the calibration.
type rast struct {
	dst        *image.RGBA
	k, s       float64
	ox, oy     float64
	vr         *vector.Rasterizer
	buf        sfnt.Buffer
	bx, by     int // the current rasterizer's origin in image pixels
	haveRegion bool
}

func (r *rast) px(x float64) float64 { return (r.ox + x*r.s) * r.k }
func (r *rast) py(y float64) float64 { return (r.oy + y*r.s) * r.k }

// begin prepares the rasterizer for the image region covering [x0,x1)×[y0,y1) pixels.
func (r *rast) begin(x0, y0, x1, y1 float64) bool {
	b := image.Rect(int(math.Floor(x0))-1, int(math.Floor(y0))-1, int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(r.dst.Bounds())
	if b.Empty() {
		r.haveRegion = false
		return false
	}
	r.bx, r.by = b.Min.X, b.Min.Y
	r.vr.Reset(b.Dx(), b.Dy())
	r.haveRegion = true
	return true
}

func (r *rast) moveTo(x, y float64) { r.vr.MoveTo(float32(x-float64(r.bx)), float32(y-float64(r.by))) }
func (r *rast) lineTo(x, y float64) { r.vr.LineTo(float32(x-float64(r.bx)), float32(y-float64(r.by))) }

func (r *rast) fill(c Color) {
	if !r.haveRegion {
		return
	}
	sz := r.vr.Size()
	rect := image.Rect(r.bx, r.by, r.bx+sz.X, r.by+sz.Y)
	r.vr.Draw(r.dst, rect, image.NewUniform(color.RGBA{c.R, c.G, c.B, 255}), image.Point{})
}

// box adds a rectangle (pixels), clockwise, or counter-clockwise when ccw is set.
func (r *rast) box(x0, y0, x1, y1 float64, ccw bool) {
	r.moveTo(x0, y0)
	if ccw {
		r.lineTo(x0, y1)
		r.lineTo(x1, y1)
		r.lineTo(x1, y0)
	} else {
		r.lineTo(x1, y0)
		r.lineTo(x1, y1)
		r.lineTo(x0, y1)
	}
	r.vr.ClosePath()
}

// roundBox adds a rounded rectangle (pixels) with corner radius rad.
func (r *rast) roundBox(x0, y0, x1, y1, rad float64, ccw bool) {
	if rad <= 0 {
		r.box(x0, y0, x1, y1, ccw)
		return
	}
	rad = min(rad, (x1-x0)/2, (y1-y0)/2)
	// Corner points approximated by short polylines.
	var pts [][2]float64
	corner := func(cx, cy, a0 float64) {
		for i := 0; i <= 8; i++ {
			a := a0 + float64(i)*math.Pi/16
			pts = append(pts, [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
		}
	}
	corner(x1-rad, y0+rad, -math.Pi/2)
	corner(x1-rad, y1-rad, 0)
	corner(x0+rad, y1-rad, math.Pi/2)
	corner(x0+rad, y0+rad, math.Pi)
	if ccw {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	r.moveTo(pts[0][0], pts[0][1])
	for _, p := range pts[1:] {
		r.lineTo(p[0], p[1])
	}
	r.vr.ClosePath()
}

func (r *rast) rect(pg *Page, it *Item) {
	x0, y0, x1, y1 := r.px(it.X), r.py(it.Y), r.px(it.X+it.W), r.py(it.Y+it.H)
	if it.Bleed {
		b := r.dst.Bounds()
		x0, y0, x1, y1 = 0, 0, float64(b.Dx()), float64(b.Dy())
	}
	rad := it.Radius * r.s * r.k
	if it.Fill != nil && rad == 0 {
		// Square corners: a plain fill of the pixels the rectangle mostly covers is
		// indistinguishable from antialiased edges and many times faster for
		// page-sized backgrounds.
		px := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
		f := *it.Fill
		draw.Draw(r.dst, px, image.NewUniform(color.RGBA{f.R, f.G, f.B, 255}), image.Point{}, draw.Src)
	} else if it.Fill != nil && r.begin(x0, y0, x1, y1) {
		r.roundBox(x0, y0, x1, y1, rad, false)
		r.fill(*it.Fill)
	}
	if it.Stroke == nil || it.LineW <= 0 {
		return
	}
	lw := it.LineW * r.s * r.k
	if it.Dash > 0 {
		// Dashes along the four edges, as the PDF's [d d] 0 d pattern draws them.
		d := it.Dash * r.s * r.k
		if !r.begin(x0-lw, y0-lw, x1+lw, y1+lw) {
			return
		}
		edge := func(ax, ay, bx, by float64) {
			l := math.Hypot(bx-ax, by-ay)
			ux, uy := (bx-ax)/l, (by-ay)/l
			for s := 0.0; s < l; s += 2 * d {
				e := min(s+d, l)
				sx, sy, ex, ey := ax+ux*s, ay+uy*s, ax+ux*e, ay+uy*e
				r.box(min(sx, ex)-lw/2*math.Abs(uy), min(sy, ey)-lw/2*math.Abs(ux), max(sx, ex)+lw/2*math.Abs(uy), max(sy, ey)+lw/2*math.Abs(ux), false)
			}
		}
		edge(x0, y0, x1, y0)
		edge(x1, y0, x1, y1)
		edge(x1, y1, x0, y1)
		edge(x0, y1, x0, y0)
		r.fill(*it.Stroke)
		return
	}
	if r.begin(x0-lw, y0-lw, x1+lw, y1+lw) {
		r.roundBox(x0-lw/2, y0-lw/2, x1+lw/2, y1+lw/2, rad+lw/2, false)
		r.roundBox(x0+lw/2, y0+lw/2, x1-lw/2, y1-lw/2, max(rad-lw/2, 0), true)
		r.fill(*it.Stroke)
	}
}

func (r *rast) line(it *Item) {
	if it.Stroke == nil {
		return
	}
	ax, ay, bx, by := r.px(it.X), r.py(it.Y), r.px(it.X+it.W), r.py(it.Y+it.H)
	l := math.Hypot(bx-ax, by-ay)
	if l == 0 {
		return
	}
	hw := it.LineW * r.s * r.k / 2
	nx, ny := -(by-ay)/l*hw, (bx-ax)/l*hw
	if !r.begin(min(ax, bx)-hw, min(ay, by)-hw, max(ax, bx)+hw, max(ay, by)+hw) {
		return
	}
	r.moveTo(ax+nx, ay+ny)
	r.lineTo(bx+nx, by+ny)
	r.lineTo(bx-nx, by-ny)
	r.lineTo(ax-nx, ay-ny)
	r.vr.ClosePath()
	r.fill(*it.Stroke)
}

// text draws each line glyph by glyph with the same advances the layout measured.
func (r *rast) text(f *Face, it *Item) {
	c := Color{}
	if it.Color != nil {
		c = *it.Color
	}
	ppemPx := it.Size * r.s * r.k * PtMM // pixels per em
	ppem := fixed.Int26_6(math.Round(ppemPx * 64))
	unit := ppemPx / float64(f.upem)
	top := float64(f.BBox[3]) * unit
	bottom := float64(-f.BBox[1]) * unit
	for _, l := range it.Lines {
		x, base := r.px(l.X), r.py(l.Baseline)
		if !r.begin(x-2*ppemPx, base-top, x+l.W*r.s*r.k+2*ppemPx, base+bottom) {
			continue
		}
		pen := x
		for _, ch := range l.Text {
			g := f.Glyph(ch)
			segs, err := f.sfnt.LoadGlyph(&r.buf, sfnt.GlyphIndex(g), ppem, nil)
			if err == nil {
				gx, gy := pen-float64(r.bx), base-float64(r.by)
				for _, s := range segs {
					p := func(i int) (float32, float32) {
						return float32(gx + float64(s.Args[i].X)/64), float32(gy + float64(s.Args[i].Y)/64)
					}
					switch s.Op {
					case sfnt.SegmentOpMoveTo:
						r.vr.MoveTo(p(0))
					case sfnt.SegmentOpLineTo:
						r.vr.LineTo(p(0))
					case sfnt.SegmentOpQuadTo:
						ax, ay := p(0)
						bx, by := p(1)
						r.vr.QuadTo(ax, ay, bx, by)
					case sfnt.SegmentOpCubeTo:
						ax, ay := p(0)
						bx, by := p(1)
						cx, cy := p(2)
						r.vr.CubeTo(ax, ay, bx, by, cx, cy)
					}
				}
				r.vr.ClosePath()
			}
			pen += float64(f.Advance(g)) * unit
		}
		r.fill(c)
	}
}

func (r *rast) image(it *Item) error {
	src, err := decodeImage(it.Image)
	if err != nil {
		return err
	}
	rect := image.Rect(int(math.Round(r.px(it.X))), int(math.Round(r.py(it.Y))), int(math.Round(r.px(it.X+it.W))), int(math.Round(r.py(it.Y+it.H))))
	xdraw.CatmullRom.Scale(r.dst, rect, src, src.Bounds(), xdraw.Over, nil)
	return nil
}

// qr draws the modules as squares of a whole number of pixels, the code centred on its
// box, so that no module edge is blurred.
func (r *rast) qr(it *Item) {
	bm := it.QRBitmap()
	n := len(bm)
	if n == 0 {
		return
	}
	side := it.W * r.s * r.k
	m := max(1, int(math.Floor(side/float64(n)+1e-6)))
	total := m * n
	cx, cy := r.px(it.X)+side/2, r.py(it.Y)+side/2
	x0, y0 := int(math.Round(cx-float64(total)/2)), int(math.Round(cy-float64(total)/2))
	white := color.RGBA{255, 255, 255, 255}
	black := color.RGBA{0, 0, 0, 255}
	// The whole box is light, as in the PDF, whatever the snapping left over.
	bx := image.Rect(int(math.Floor(r.px(it.X))), int(math.Floor(r.py(it.Y))), int(math.Ceil(r.px(it.X+it.W))), int(math.Ceil(r.py(it.Y+it.H))))
	draw.Draw(r.dst, bx, image.NewUniform(white), image.Point{}, draw.Src)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c := white
			if bm[y][x] {
				c = black
			}
			for py := y0 + y*m; py < y0+(y+1)*m; py++ {
				for px := x0 + x*m; px < x0+(x+1)*m; px++ {
					r.dst.SetRGBA(px, py, c)
				}
			}
		}
	}
}

func (r *rast) art(it *Item) {
	a := it.Art
	if a == nil {
		return
	}
	sx, sy := it.W/a.W, it.H/a.H
	X := func(u float64) float64 { return r.px(it.X + u*sx) }
	Y := func(u float64) float64 { return r.py(it.Y + u*sy) }
	for _, sh := range a.Shapes {
		if !r.begin(r.px(it.X), r.py(it.Y), r.px(it.X+it.W), r.py(it.Y+it.H)) {
			return
		}
		f32 := func(x, y float64) (float32, float32) { return float32(x - float64(r.bx)), float32(y - float64(r.by)) }
		open := false
		for _, c := range sh.Cmds {
			q := c.Pts
			switch c.Op {
			case 'M':
				if open {
					r.vr.ClosePath()
				}
				r.vr.MoveTo(f32(X(q[0]), Y(q[1])))
				open = true
			case 'L':
				r.vr.LineTo(f32(X(q[0]), Y(q[1])))
			case 'Q':
				ax, ay := f32(X(q[0]), Y(q[1]))
				bx, by := f32(X(q[2]), Y(q[3]))
				r.vr.QuadTo(ax, ay, bx, by)
			case 'C':
				ax, ay := f32(X(q[0]), Y(q[1]))
				bx, by := f32(X(q[2]), Y(q[3]))
				cx, cy := f32(X(q[4]), Y(q[5]))
				r.vr.CubeTo(ax, ay, bx, by, cx, cy)
			case 'Z':
				r.vr.ClosePath()
				open = false
			}
		}
		if open {
			r.vr.ClosePath()
		}
		r.fill(sh.Fill)
	}
}

// PixelDiff decodes two PNGs and counts the pixels whose red, green or blue differ by
// more than tol levels (of 255), for golden tests that tolerate the rasteriser's
// rounding differences between CPUs.
func PixelDiff(a, b []byte, tol uint32) (n, total int, err error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 0, 0, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 0, 0, fmt.Errorf("size %v, want %v", ia.Bounds(), ib.Bounds())
	}
	far := func(x, y uint32) bool { x, y = x>>8, y>>8; return x > y+tol || y > x+tol }
	bd := ia.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r1, g1, b1, _ := ia.At(x, y).RGBA()
			r2, g2, b2, _ := ib.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) {
				n++
			}
		}
	}
	return n, bd.Dx() * bd.Dy(), nil
}
