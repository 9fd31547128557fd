package vcard

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
)

// SyntheticPhoto returns a real JPEG (a grey head-and-shoulders silhouette, 3:4, no
// person's likeness) of at least size bytes: comment segments (COM, ISO/IEC 10918-1
// B.2.4.5) pad it to exactly size when the picture itself is smaller. Tests and demo
// cards use it so that photos of realistic size cross the card interface and still
// decode as images.
func SyntheticPhoto(size int) []byte {
	const w, h = 120, 160
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			bg := uint8(200 + y/8)
			dx, dy := x-w/2, y-h*2/5
			head := dx*dx*16+dy*dy*9 < 30*30*12
			body := y > h*2/3 && (x-w/2)*(x-w/2) < (y-h/2)*(y-h/2)*2
			switch {
			case head:
				img.SetGray(x, y, color.Gray{Y: 120})
			case body:
				img.SetGray(x, y, color.Gray{Y: 80})
			default:
				img.SetGray(x, y, color.Gray{Y: bg})
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		panic("encoding a synthetic JPEG into memory cannot fail: " + err.Error())
	}
	pic := buf.Bytes()
	missing := size - len(pic)
	if missing <= 0 {
		return pic
	}
	out := make([]byte, 0, size)
	out = append(out, pic[:2]...) // SOI
	for missing > 0 {
		// A COM segment is FF FE, a 2-byte length that counts itself, then the comment.
		n := min(missing, 0xFFFF+2)
		if missing-n > 0 && missing-n < 4 {
			n = missing - 4 // leave room for one more whole segment
		}
		if n < 4 {
			n = 4
		}
		seg := make([]byte, n)
		seg[0], seg[1] = 0xFF, 0xFE
		seg[2], seg[3] = byte((n-2)>>8), byte(n-2)
		for i := 4; i < n; i++ {
			seg[i] = 'x'
		}
		out = append(out, seg...)
		missing -= n
	}
	return append(out, pic[2:]...)
}
