package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"omsdesk/layout/qr/encoder"
)

// QuietZone is the white margin, in modules, that ISO/IEC 18004 §6.3.8 requires around a
// symbol; renderers must leave it free.
const QuietZone = 4

// Symbol is the QR symbol of a text at error correction level M (15 % of the symbol
// may be lost): the level that keeps a maximal record at version 10 while surviving the
// scuffs of a card carried in a wallet.
type Symbol struct {
	// Version is the QR version (1–40); a maximal version-1 record needs 10.
	Version int
	// Modules is the module matrix without the quiet zone, [row][column], true = dark;
	// it is 17 + 4·Version modules square.
	Modules [][]bool
}

// NewSymbol encodes text (from Sign) as the smallest QR symbol at level M, in
// alphanumeric mode, since Base45 uses only that mode's characters (package encoder).
func NewSymbol(text string) (*Symbol, error) {
	s, err := encoder.Encode(text, encoder.Medium)
	if err != nil {
		return nil, fmt.Errorf("encoding qr symbol: %w", err)
	}
	return &Symbol{Version: s.Version, Modules: s.Bitmap(0)}, nil
}

// Size is the width of the symbol in modules, without the quiet zone.
func (s *Symbol) Size() int { return len(s.Modules) }

// PNG draws the symbol with its quiet zone, modulePx pixels per module (crisp edges, for
// printing and for tests), as a two-colour image.
func (s *Symbol) PNG(modulePx int) ([]byte, error) {
	if modulePx < 1 {
		return nil, fmt.Errorf("drawing qr symbol: %d pixels per module", modulePx)
	}
	side := (s.Size() + 2*QuietZone) * modulePx
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y, row := range s.Modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+QuietZone)*modulePx, (y+QuietZone)*modulePx
			for py := y0; py < y0+modulePx; py++ {
				line := img.Pix[py*img.Stride+x0 : py*img.Stride+x0+modulePx]
				for i := range line {
					line[i] = 1
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("drawing qr symbol: %w", err)
	}
	return b.Bytes(), nil
}
