package doc

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

func TestPixelSize(t *testing.T) {
	card := &Page{W: 85.6, H: 53.98}
	tests := []struct {
		pg           *Page
		dpi          float64
		wantW, wantH int
	}{
		{card, 300, 1011, 638},
		{card, 600, 2022, 1275},
		{&Page{W: 85.6, H: 53.98, Bleed: 2}, 300, 1058, 685},
		{&Page{W: 210, H: 297}, 150, 1240, 1754},
	}
	for _, tt := range tests {
		if w, h := PixelSize(tt.pg, tt.dpi); w != tt.wantW || h != tt.wantH {
			t.Errorf("%v×%v mm (bleed %v) at %v dpi = %d×%d, want %d×%d", tt.pg.W, tt.pg.H, tt.pg.Bleed, tt.dpi, w, h, tt.wantW, tt.wantH)
		}
	}
}

func TestWritePNG(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePNG(&buf, samplePage(t, "ЁЛКИН"), 300); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes()[:64], []byte("pHYs")) {
		t.Error("no pHYs chunk after IHDR")
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("PNG with pHYs does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1011 || b.Dy() != 638 {
		t.Errorf("size %v", b)
	}
	// The QR code's modules are whole pixels: every pixel is pure black or white.
	it := samplePage(t, "x").Items[6]
	k := 300 / 25.4
	for y := int(it.Y*k) + 2; y < int((it.Y+it.H)*k)-2; y++ {
		for x := int(it.X*k) + 2; x < int((it.X+it.W)*k)-2; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if !(r == g && g == b && (r == 0 || r == 0xFFFF)) {
				t.Fatalf("QR pixel %d,%d is %x,%x,%x: not snapped", x, y, r, g, b)
			}
		}
	}
	if _, err := Render(samplePage(t, "x"), 5); err == nil {
		t.Error("5 dpi accepted")
	}
}

// TestConcurrent draws pages from several goroutines: the fonts and base subsets are
// shared and must be safe for that (run with -race).
func TestConcurrent(t *testing.T) {
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			pg := samplePage(t, "ЁЛКИН Ærø")
			if i%2 == 0 {
				done <- WritePDF(&bytes.Buffer{}, []*Page{pg}, PDFOptions{Created: fixedTime})
			} else {
				_, err := Render(pg, 100)
				done <- err
			}
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestQRFromJSON draws a QR item that lost its matrix in a JSON round trip.
func TestQRFromJSON(t *testing.T) {
	q, err := QR("qr", "ABC", 0, 0, 20, 0.33)
	if err != nil {
		t.Fatal(err)
	}
	want := q.QRBitmap()
	q.qr = nil
	got := q.QRBitmap()
	if len(got) != len(want) || got[10][10] != want[10][10] {
		t.Fatal("matrix not rebuilt from QRText")
	}
}

func TestCropAspect(t *testing.T) {
	for _, tt := range []struct{ w, h int }{{160, 120}, {120, 160}, {90, 200}} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, tt.w, tt.h))); err != nil {
			t.Fatal(err)
		}
		out, err := CropAspect(buf.Bytes(), 3, 4)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if r := float64(cfg.Width) / float64(cfg.Height); r < 0.74 || r > 0.76 {
			t.Errorf("%d×%d cropped to %d×%d", tt.w, tt.h, cfg.Width, cfg.Height)
		}
		if tt.w == 120 && !bytes.Equal(out, buf.Bytes()) {
			t.Error("a 3:4 image was re-encoded")
		}
	}
	if _, err := CropAspect([]byte("junk"), 3, 4); err == nil {
		t.Error("junk accepted")
	}
}
