package face

// Card geometry in millimetres, origin at the card's top-left corner, x to the right and
// y down. docs/card-face.md draws and explains every area.

// ID-1 card size (ISO/IEC 7810).
const (
	CardW = 85.60
	CardH = 53.98
)

// ChipContacts is the area ISO/IEC 7816-2 reserves for the eight contacts C1–C8 on an
// ID-1 card, measured from the left and top edges of the front: the two contact columns
// span 10.25–12.25 mm and 17.87–19.87 mm from the left edge, the four rows 19.23–28.55 mm
// from the top edge.
var ChipContacts = Box{X: 10.25, Y: 19.23, W: 19.87 - 10.25, H: 28.55 - 19.23}

// ChipClear is the area of the front kept free of print: the contact area with a 2 mm
// margin, enough for the chip module's plate (about 11.8 × 13 mm) and its placement
// tolerance.
var ChipClear = Box{X: ChipContacts.X - 2, Y: ChipContacts.Y - 2, W: ChipContacts.W + 4, H: ChipContacts.H + 4}

// Box is a rectangle.
type Box struct{ X, Y, W, H float64 }

// Overlaps reports whether two boxes share any area.
func (b Box) Overlaps(o Box) bool {
	return b.X < o.X+o.W && o.X < b.X+b.W && b.Y < o.Y+o.H && o.Y < b.Y+b.H
}

// Front areas.
var (
	frontBand     = Box{0, 0, CardW, 10.5}
	frontEmblem   = Box{3.5, 1.5, 6.25, 7.5}
	frontTitle    = Box{11, 1.2, 63.6, 8.1}
	frontMarkDisc = Box{75.6, 1.1, 8.3, 8.3}
	frontMark     = Box{64.1, 13.5, 16, 16}
	frontWordmark = Box{60, 29.8, 24, 5}
	frontENPLabel = Box{4, 33.3, 55, 3}
	frontENP      = Box{4, 36.4, 77.6, 7}
	frontValid    = Box{4, 45.5, 77.6, 5.5}
)

// Back areas.
var (
	backPhoto      = Box{4, 4, 21, 28} // 3:4
	backSerial     = Box{4, 32.6, 21, 3.4}
	backHologram   = Box{4, 37.2, 21, 10}
	backPhone      = Box{4, 48.3, 48, 3.2}
	backSurname    = Box{28, 4, 53.6, 6.2}
	backFirstName  = Box{28, 10.4, 53.6, 4.6}
	backPatronymic = Box{28, 15.1, 53.6, 4.6}
	backBirthLabel = Box{28, 20.5, 25, 2.6}
	backBirth      = Box{28, 23.1, 25, 3.6}
	backSignature  = Box{28, 31.5, 25, 10.5}
	backSignLine   = 42.3
	backSignLabel  = Box{28, 42.6, 25, 2.4}
	backQR         = Box{54.6, 21.6, 27, 27} // 81 modules (version 14 with quiet zone) of 0.333 mm
)

// MinQRModule is the smallest QR module the card prints: 0.33 mm is four printer dots at
// 300 dpi, the coarsest resolution card printers use, and scans reliably.
const MinQRModule = 0.33

// ChildAge is the age below which the card carries no photo.
const ChildAge = 14
