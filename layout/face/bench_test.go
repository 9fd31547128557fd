package face

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"omsdesk/assets/fonts"
	"omsdesk/assets/i18n"
	"omsdesk/layout/doc"
)

// BenchmarkFacePNG300 lays out both faces and renders each as a 300 dpi PNG; the
// metric counts faces (two per card).
func BenchmarkFacePNG300(b *testing.B) {
	tr := i18n.MustLoad("ru")
	d := cases()[0].data
	for b.Loop() {
		f, bk, err := Layout(d, tr, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, pg := range []*doc.Page{f, bk} {
			if err := WritePNG(io.Discard, pg, 300); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "faces/s")
}

// BenchmarkFacePNG300Naive is the baseline: the same layouts drawn the obvious way,
// parsing the TrueType fonts for every face, text through font.Drawer, rectangles and
// QR modules with draw.Draw, PNG at the default compression.
func BenchmarkFacePNG300Naive(b *testing.B) {
	tr := i18n.MustLoad("ru")
	d := cases()[0].data
	for b.Loop() {
		f, bk, err := Layout(d, tr, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, pg := range []*doc.Page{f, bk} {
			if err := naivePNG(io.Discard, pg, 300); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "faces/s")
}

func naivePNG(w io.Writer, pg *doc.Page, dpi float64) error {
	reg, err := opentype.Parse(fonts.Regular())
	if err != nil {
		return err
	}
	bold, err := opentype.Parse(fonts.Bold())
	if err != nil {
		return err
	}
	k := dpi / 25.4
	pw, ph := doc.PixelSize(pg, dpi)
	img := image.NewRGBA(image.Rect(0, 0, pw, ph))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	rect := func(x, y, w, h float64) image.Rectangle {
		return image.Rect(int(x*k), int(y*k), int((x+w)*k), int((y+h)*k))
	}
	for _, it := range pg.Items {
		switch it.Kind {
		case doc.KindRect:
			if it.Fill != nil {
				draw.Draw(img, rect(it.X, it.Y, it.W, it.H), image.NewUniform(color.RGBA{it.Fill.R, it.Fill.G, it.Fill.B, 255}), image.Point{}, draw.Src)
			}
		case doc.KindText:
			f := reg
			if it.Bold {
				f = bold
			}
			face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: it.Size, DPI: dpi})
			if err != nil {
				return err
			}
			dr := font.Drawer{Dst: img, Src: image.Black, Face: face}
			for _, l := range it.Lines {
				dr.Dot = fixed.P(int(l.X*k), int(l.Baseline*k))
				dr.DrawString(l.Text)
			}
		case doc.KindQR:
			m := it.ModuleMM
			for y, row := range it.QRBitmap() {
				for x, dark := range row {
					if dark {
						draw.Draw(img, rect(it.X+float64(x)*m, it.Y+float64(y)*m, m, m), image.Black, image.Point{}, draw.Src)
					}
				}
			}
		case doc.KindImage:
			src, _, err := image.Decode(bytes.NewReader(it.Image))
			if err != nil {
				return err
			}
			draw.Draw(img, rect(it.X, it.Y, it.W, it.H), src, src.Bounds().Min, draw.Over)
		}
	}
	return png.Encode(w, img)
}
