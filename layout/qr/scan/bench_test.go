package scan_test

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"omsdesk/layout/qr"
	"omsdesk/layout/qr/scan"
)

// cardImage is a card face at 300 dpi (1011×638 pixels) with a maximal code 20 mm wide,
// as pdftoppm renders a card PDF.
func cardImage(b *testing.B) (image.Image, string, *qr.Trust) {
	s := newSigner(b)
	text := s.sign(b, maxPayload())
	code := render(b, text, 4) // 65 modules × 4 px = 260 px ≈ 22 mm at 300 dpi
	return sheet(1011, 638, []image.Image{code}, []image.Point{{700, 330}}), text, qr.NewTrust(s.cert)
}

// Decode+verify from pixels: the whole search for every code in a card image, then Verify.
func BenchmarkScanVerify(b *testing.B) {
	img, text, trust := cardImage(b)
	for b.Loop() {
		texts, err := scan.Image(img)
		if err != nil || len(texts) != 1 || texts[0] != text {
			b.Fatal(texts, err)
		}
		if res := qr.Verify(texts[0], trust); res.Verdict != qr.Valid {
			b.Fatal(res)
		}
	}
}

// Baseline: one pass of gozxing's single-code reader on the same image, no search for
// further codes, no signature check.
func BenchmarkScanBaselineSingleRead(b *testing.B) {
	img, text, _ := cardImage(b)
	for b.Loop() {
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			b.Fatal(err)
		}
		r, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || r.GetText() != text {
			b.Fatal(err)
		}
	}
}
