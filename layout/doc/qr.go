package doc

import (
	"errors"
	"fmt"

	"omsdesk/layout/qr/encoder"
)

// ErrQRTooLarge is returned when a payload needs so many modules that they would be
// smaller than the minimum module size in the space the layout has for the code.
var ErrQRTooLarge = errors.New("QR payload too long for its area")

// ErrQREmpty is returned for an empty QR payload.
var ErrQREmpty = errors.New("empty QR payload")

// qrQuietZone is the light margin ISO/IEC 18004 §6.3.8 asks around a symbol, in modules.
const qrQuietZone = 4

// qrBitmap is text's symbol at level M with its quiet zone, [row][column], true dark.
func qrBitmap(text string) ([][]bool, error) {
	s, err := encoder.Encode(text, encoder.Medium)
	if err != nil {
		return nil, err
	}
	return s.Bitmap(qrQuietZone), nil
}

// QR lays out a QR code (error correction level M) for text in the square box at (x, y)
// of side box millimetres: as large as the box allows, its modules at least minModule
// millimetres, the 4-module quiet zone of ISO/IEC 18004 included, centred in the box.
// The text should be ASCII: the encoder writes byte mode without an ECI header (and
// alphanumeric mode for Base45 payloads).
func QR(id, text string, x, y, box, minModule float64) (Item, error) {
	if text == "" {
		return Item{}, fmt.Errorf("laying out QR code %s: %w", id, ErrQREmpty)
	}
	bm, err := qrBitmap(text)
	if err != nil {
		return Item{}, fmt.Errorf("laying out QR code %s: %w", id, err)
	}
	n := len(bm)
	module := box / float64(n)
	if module < minModule {
		return Item{}, fmt.Errorf("laying out QR code %s: %d modules of %.3f mm, want at least %.2f mm: %w",
			id, n, module, minModule, ErrQRTooLarge)
	}
	// Whole hundredths of a millimetre keep the layout JSON short and stable.
	module = float64(int(module*100)) / 100
	side := module * float64(n)
	return Item{Kind: KindQR, ID: id, X: round4(x + (box-side)/2), Y: round4(y + (box-side)/2), W: round4(side), H: round4(side),
		QRText: text, Modules: n, ModuleMM: module, qr: bm}, nil
}
