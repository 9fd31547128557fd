package issuance

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // holders' photos and signatures arrive as PNG too

	"golang.org/x/image/draw"
)

// Limits of the images the profile stores (docs/card-profile.md, "Photo"). The photo is
// 3:4 like the card face's photo box; 240×320 pixels print sharply at the box's
// 21×28 mm (about 290 dpi) and keep the owner record small enough to write and read in
// well under a second.
const (
	PhotoWidth, PhotoHeight = 240, 320
	// MaxPhotoBytes is the largest JPEG written to the chip; the quality is lowered
	// until the photo fits.
	MaxPhotoBytes = 12 * 1024
	// SignatureWidth, SignatureHeight bound the holder's signature image for the card
	// face (it is not stored on the chip: the owner template has no tag for it).
	SignatureWidth, SignatureHeight = 600, 200
	// maxInputPixels refuses decompression bombs before decoding.
	maxInputPixels = 40_000_000
)

// ErrImage means an image could not be used: not JPEG or PNG, too large, or too small.
var ErrImage = errors.New("unusable image")

func decodeImage(data []byte) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	if format != "jpeg" && format != "png" {
		return nil, fmt.Errorf("%w: %s (JPEG or PNG expected)", ErrImage, format)
	}
	if cfg.Width*cfg.Height > maxInputPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels is too large", ErrImage, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	return img, nil
}

// NormalizePhoto crops a holder's photo to 3:4 around its centre, scales it to
// PhotoWidth×PhotoHeight and encodes it as baseline JPEG of at most MaxPhotoBytes.
func NormalizePhoto(data []byte) ([]byte, error) {
	img, err := decodeImage(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Dx() < PhotoWidth/2 || b.Dy() < PhotoHeight/2 {
		return nil, fmt.Errorf("%w: %d×%d pixels is too small for a photo (at least %d×%d)", ErrImage, b.Dx(), b.Dy(), PhotoWidth/2, PhotoHeight/2)
	}
	crop := b
	if b.Dx()*4 > b.Dy()*3 { // too wide: cut the sides
		w := b.Dy() * 3 / 4
		crop.Min.X += (b.Dx() - w) / 2
		crop.Max.X = crop.Min.X + w
	} else { // too tall: cut top and bottom
		h := b.Dx() * 4 / 3
		crop.Min.Y += (b.Dy() - h) / 2
		crop.Max.Y = crop.Min.Y + h
	}
	dst := image.NewRGBA(image.Rect(0, 0, PhotoWidth, PhotoHeight))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, crop, draw.Src, nil)
	for q := 85; q >= 30; q -= 5 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q}); err != nil {
			return nil, fmt.Errorf("encoding photo: %w", err)
		}
		if buf.Len() <= MaxPhotoBytes {
			return buf.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("%w: photo does not fit %d bytes even at low quality", ErrImage, MaxPhotoBytes)
}

// NormalizeSignature turns a scanned signature into a grey JPEG that fits
// SignatureWidth×SignatureHeight with its aspect kept, on white.
func NormalizeSignature(data []byte) ([]byte, error) {
	img, err := decodeImage(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	scale := min(float64(SignatureWidth)/float64(b.Dx()), float64(SignatureHeight)/float64(b.Dy()), 1)
	w, h := max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("encoding signature: %w", err)
	}
	return buf.Bytes(), nil
}
