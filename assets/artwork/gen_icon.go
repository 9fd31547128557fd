//go:build ignore

// gen_icon draws OMS Desk's icon (our own artwork: a blue card with a chip and a white
// cross, no third-party images). Regenerate with: go run assets/artwork/gen_icon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
)

func main() {
	const n = 256
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	blue := color.NRGBA{0x1B, 0x4F, 0x9C, 0xFF}
	gold := color.NRGBA{0xD9, 0xB2, 0x4C, 0xFF}
	white := color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	in := func(x, y, x0, y0, x1, y1, r int) bool {
		if x < x0 || x >= x1 || y < y0 || y >= y1 {
			return false
		}
		cx, cy := min(max(x, x0+r), x1-r-1), min(max(y, y0+r), y1-r-1)
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			switch {
			case in(x, y, 150, 40, 190, 120, 0) || in(x, y, 130, 60, 210, 100, 0):
				img.Set(x, y, white) // cross
			case in(x, y, 40, 120, 100, 170, 8):
				img.Set(x, y, gold) // chip
			case in(x, y, 16, 28, 240, 228, 24):
				img.Set(x, y, blue) // card, ID-1 proportions
			}
		}
	}
	f, err := os.Create("assets/artwork/icon.png")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}
