package qr

import (
	"fmt"

	"github.com/skip2/go-qrcode"
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
	q       *qrcode.QRCode
}

// NewSymbol encodes text (from Sign) as the smallest QR symbol at level M. go-qrcode
// picks alphanumeric mode for it, since Base45 uses only that mode's characters.
func NewSymbol(text string) (*Symbol, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("encoding qr symbol: %w", err)
	}
	q.DisableBorder = true
	mods := q.Bitmap()
	q.DisableBorder = false
	return &Symbol{Version: q.VersionNumber, Modules: mods, q: q}, nil
}

// Size is the width of the symbol in modules, without the quiet zone.
func (s *Symbol) Size() int { return len(s.Modules) }

// PNG draws the symbol with its quiet zone, modulePx pixels per module (crisp edges, for
// printing and for tests).
func (s *Symbol) PNG(modulePx int) ([]byte, error) {
	b, err := s.q.PNG(-modulePx)
	if err != nil {
		return nil, fmt.Errorf("drawing qr symbol: %w", err)
	}
	return b, nil
}
