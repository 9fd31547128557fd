// Package scan finds and decodes every QR code in a photo, a scan or a PDF page, for
// `omsdesk verify-qr` and the technician's cross-check. It decodes symbols only; what a
// text means and whether to trust it is for package qr.
//
// Decoding is pure Go (github.com/makiuchi-d/gozxing). A page may hold several codes (a
// sheet of cards), so each image is searched repeatedly, blanking every code found, with
// two binarisers (local for uneven light in photos, global for clean renders) and at a
// second scale for very large photos and very small images. PDF pages are rasterised
// with pdftoppm (poppler-utils).
package scan

import (
	"errors"
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"
)

// ErrNoCode means the image holds no QR code that could be decoded: nothing found, or
// symbols too damaged to read. A code that decodes but is not ours is not this error:
// it is returned, and package qr calls it not_ours.
var ErrNoCode = errors.New("no QR code found")

// Scale limits: photos above maxSide are also searched shrunk to workSide, where the
// binariser's 8-pixel blocks match module sizes better; images below minSide are also
// searched enlarged, since the finder-pattern search needs a few pixels per module.
const (
	maxSide    = 2000
	workSide   = 1600
	minSide    = 500
	maxRounds  = 32 // codes per image and pass; a sheet of 10 cards has 10
	maxDecoded = 256
)

// Image returns the text of every QR code in img, each distinct text once, in the
// order found; ErrNoCode when there is none.
func Image(img image.Image) ([]string, error) {
	g := gray(img)
	var texts []string
	seen := map[string]bool{}
	for _, v := range variants(g) {
		for _, binarize := range []func(gozxing.LuminanceSource) gozxing.Binarizer{
			gozxing.NewHybridBinarizer, gozxing.NewGlobalHistgramBinarizer,
		} {
			for _, t := range decodeAll(clone(v), binarize) {
				if !seen[t] && len(texts) < maxDecoded {
					seen[t] = true
					texts = append(texts, t)
				}
			}
		}
	}
	if len(texts) == 0 {
		return nil, ErrNoCode
	}
	return texts, nil
}

// variants is the image itself and, for very large or very small images, a rescaled copy.
func variants(g *image.Gray) []*image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	side := max(w, h)
	out := []*image.Gray{g}
	switch {
	case side > maxSide:
		out = append(out, scaled(g, float64(workSide)/float64(side)))
	case side > 0 && side < minSide:
		out = append(out, scaled(g, 2))
	}
	return out
}

// scaled resizes g by f: an area average when shrinking (thin modules keep their
// weight), bilinear when enlarging.
func scaled(g *image.Gray, f float64) *image.Gray {
	b := g.Bounds()
	dst := image.NewGray(image.Rect(0, 0, max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f))))
	if f > 1 {
		xdraw.BiLinear.Scale(dst, dst.Bounds(), g, b, draw.Src, nil)
		return dst
	}
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := range h {
		y0, y1 := y*b.Dy()/h, max((y+1)*b.Dy()/h, y*b.Dy()/h+1)
		for x := range w {
			x0, x1 := x*b.Dx()/w, max((x+1)*b.Dx()/w, x*b.Dx()/w+1)
			sum := 0
			for sy := y0; sy < y1; sy++ {
				row := g.Pix[sy*g.Stride:]
				for sx := x0; sx < x1; sx++ {
					sum += int(row[sx])
				}
			}
			dst.Pix[y*dst.Stride+x] = uint8(sum / ((y1 - y0) * (x1 - x0)))
		}
	}
	return dst
}

// gray converts img to 8-bit luminance with its origin at 0,0 and stride = width, the
// layout gozxing's planar luminance source reads without copying.
func gray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g
}

func clone(g *image.Gray) *image.Gray {
	c := image.NewGray(g.Bounds())
	copy(c.Pix, g.Pix)
	return c
}

var hints = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}

// decodeAll decodes codes in g until a round finds nothing new, blanking each code found
// so that the next round's detector looks at the others. g is modified. A panic in the
// decoder on a hostile image ends the search with what was found so far, instead of
// ending the program.
func decodeAll(g *image.Gray, binarize func(gozxing.LuminanceSource) gozxing.Binarizer) (texts []string) {
	defer func() { _ = recover() }() // texts keeps what was appended before the panic
	multi := multiqr.NewQRCodeMultiReader()
	single := qrcode.NewQRCodeReader()
	seen := map[string]bool{}
	for range maxRounds {
		src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Rect.Dx(), g.Rect.Dy(), 0, 0, g.Rect.Dx(), g.Rect.Dy(), false)
		if err != nil {
			return texts
		}
		bmp, err := gozxing.NewBinaryBitmap(binarize(src))
		if err != nil {
			return texts
		}
		results, _ := multi.DecodeMultiple(bmp, hints)
		if r, err := single.Decode(bmp, hints); err == nil {
			results = append(results, r)
		}
		fresh := false
		for _, r := range results {
			if !seen[r.GetText()] {
				seen[r.GetText()], fresh = true, true
				texts = append(texts, r.GetText())
			}
			blank(g, r.GetResultPoints())
		}
		if !fresh { // nothing, or only codes the blanking missed: stop rather than loop
			return texts
		}
	}
	return texts
}

// blank paints white over the code whose finder patterns are at pts (bottom-left,
// top-left, top-right, then perhaps an alignment pattern), with its fourth corner and a
// margin of the quiet zone around the finder centres.
func blank(g *image.Gray, pts []gozxing.ResultPoint) {
	if len(pts) < 3 {
		return
	}
	bl, tl, tr := pts[0], pts[1], pts[2]
	xs := []float64{bl.GetX(), tl.GetX(), tr.GetX(), tr.GetX() + bl.GetX() - tl.GetX()}
	ys := []float64{bl.GetY(), tl.GetY(), tr.GetY(), tr.GetY() + bl.GetY() - tl.GetY()}
	module := 0.0
	if f, ok := tl.(interface{ GetEstimatedModuleSize() float64 }); ok {
		module = f.GetEstimatedModuleSize()
	}
	if module <= 0 { // fall back to the smallest symbol: 14 modules between finder centres
		module = gozxing.ResultPoint_Distance(tl, tr) / 14
	}
	margin := 5*module + 2 // 3.5 modules from a finder centre to the symbol's edge, and slack
	minX, maxX, minY, maxY := xs[0], xs[0], ys[0], ys[0]
	for i := range xs {
		minX, maxX = min(minX, xs[i]), max(maxX, xs[i])
		minY, maxY = min(minY, ys[i]), max(maxY, ys[i])
	}
	r := image.Rect(int(minX-margin), int(minY-margin), int(maxX+margin)+1, int(maxY+margin)+1).Intersect(g.Rect)
	draw.Draw(g, r, image.White, image.Point{}, draw.Src)
}
