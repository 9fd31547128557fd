package doc

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"

	xdraw "golang.org/x/image/draw"
)

// CropAspect returns the image cropped about its centre to the proportions w:h, re-encoded
// as JPEG (quality 90); an image already within 1 % of them is returned as it is. Card
// faces and certificates print photos 3:4.
func CropAspect(data []byte, w, h int) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrBadImage, cfg.Width, cfg.Height)
	}
	want := float64(w) / float64(h)
	got := float64(cfg.Width) / float64(cfg.Height)
	if got/want > 0.99 && got/want < 1.01 {
		return data, nil
	}
	img, err := decodeImage(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	cw, ch := b.Dx(), b.Dy()
	if got > want {
		cw = int(float64(ch) * want)
	} else {
		ch = int(float64(cw) / want)
	}
	src := image.Rect(b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2, 0, 0)
	src.Max = src.Min.Add(image.Pt(cw, ch))
	dst := image.NewRGBA(image.Rect(0, 0, cw, ch))
	xdraw.Copy(dst, image.Point{}, img, src, xdraw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("re-encoding cropped photo: %w", err)
	}
	return buf.Bytes(), nil
}

// maxPixels bounds the images a page accepts: a photo or signature has well under a
// million pixels; a file claiming tens of millions is broken or hostile.
const maxPixels = 40_000_000

// decodeImage decodes a JPEG or PNG after checking its claimed size.
func decodeImage(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrBadImage, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	return img, nil
}
