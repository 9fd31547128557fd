// Package doc is the page model that OMS Desk's card faces and certificates are laid out
// in, and the two backends that draw it: a vector PDF writer and a raster PNG renderer.
//
// A layout is computed once, in millimetres, with every text already measured, shrunk,
// wrapped or shortened to fit its box (package face and package certificate build
// them). The model is plain data that serialises to JSON, so tests can compare the
// geometry itself with a golden file before any pixel is drawn. Both backends draw the
// same model with the same font metrics (DejaVu Sans from assets/fonts, measured with
// its own advance widths and no kerning), so what was measured is what is drawn.
package doc

// Kind names what an Item draws.
type Kind string

// Item kinds.
const (
	KindRect  Kind = "rect"  // a filled and/or stroked rectangle, optionally with rounded corners
	KindText  Kind = "text"  // one or more lines of text fitted into a box
	KindImage Kind = "image" // a raster image (photo, signature) scaled into a box
	KindQR    Kind = "qr"    // a QR code: dark modules as filled squares
	KindPath  Kind = "path"  // vector artwork: filled and/or stroked paths scaled into a box
	KindLine  Kind = "line"  // a straight line from (X, Y) to (X+W, Y+H)
)

// Page is one page of a document, in millimetres, with its origin at the top-left
// corner of the trimmed page (the card's edge). Bleed extends the page beyond the trim
// on every side; items flagged Bleed grow into it.
type Page struct {
	Name  string  `json:"name"` // "front", "back", "certificate"
	W     float64 `json:"w_mm"`
	H     float64 `json:"h_mm"`
	Bleed float64 `json:"bleed_mm,omitempty"`
	// Scale, OffsetX and OffsetY are a printer's correction (layout/calibration): every
	// item is scaled about the trim's top-left corner, then moved. The page itself keeps
	// its size.
	Scale   float64 `json:"scale,omitempty"`
	OffsetX float64 `json:"offset_x_mm,omitempty"`
	OffsetY float64 `json:"offset_y_mm,omitempty"`
	Items   []Item  `json:"items"`
	// Notes record decisions a reader of the layout needs, such as "photo omitted:
	// holder under 14".
	Notes []string `json:"notes,omitempty"`
}

// Color is an sRGB colour.
type Color struct{ R, G, B uint8 }

// MarshalText writes the colour as #RRGGBB.
func (c Color) MarshalText() ([]byte, error) {
	const hex = "0123456789ABCDEF"
	return []byte{'#', hex[c.R>>4], hex[c.R&15], hex[c.G>>4], hex[c.G&15], hex[c.B>>4], hex[c.B&15]}, nil
}

// Fit says what was done to make a text fit its box.
type Fit string

// Fits, from mildest to last resort.
const (
	FitNone     Fit = ""         // fitted at its preferred size on one line
	FitShrunk   Fit = "shrunk"   // the font size was reduced
	FitWrapped  Fit = "wrapped"  // broken into several lines (after shrinking to the minimum)
	FitBroken   Fit = "broken"   // at the minimum size, a word wider than the box was broken between letters; nothing lost
	FitEllipsis Fit = "ellipsis" // even so it did not fit: the last line was cut with "…"
)

// Line is one line of a fitted text: its string, where its baseline starts (mm, page
// coordinates) and its measured width.
type Line struct {
	Text     string  `json:"text"`
	X        float64 `json:"x_mm"`
	Baseline float64 `json:"baseline_mm"`
	W        float64 `json:"w_mm"`
}

// Item is one thing drawn on a page. Which fields matter depends on Kind; the box
// (X, Y, W, H) is always the area the item occupies.
type Item struct {
	Kind Kind    `json:"kind"`
	ID   string  `json:"id"`
	X    float64 `json:"x_mm"`
	Y    float64 `json:"y_mm"`
	W    float64 `json:"w_mm"`
	H    float64 `json:"h_mm"`
	// Bleed makes a rectangle cover the page's bleed too (backgrounds).
	Bleed bool `json:"bleed,omitempty"`

	Fill   *Color  `json:"fill,omitempty"`
	Stroke *Color  `json:"stroke,omitempty"`
	LineW  float64 `json:"line_w_mm,omitempty"`
	Radius float64 `json:"radius_mm,omitempty"`
	Dash   float64 `json:"dash_mm,omitempty"` // stroke dash length; 0 is solid

	// Text.
	Text  string  `json:"text,omitempty"` // the text asked for, before fitting
	Bold  bool    `json:"bold,omitempty"`
	Size  float64 `json:"size_pt,omitempty"` // the size drawn, after shrinking
	Align string  `json:"align,omitempty"`   // "L", "C" or "R"
	Color *Color  `json:"color,omitempty"`
	Fit   Fit     `json:"fit,omitempty"`
	Lines []Line  `json:"lines,omitempty"`

	// Image: the encoded JPEG or PNG bytes (not serialised; ImageSHA names them).
	Image    []byte `json:"-"`
	ImageSHA string `json:"image_sha256,omitempty"`

	// QR: the payload, the module matrix size (with quiet zone) and the module size.
	QRText   string  `json:"qr_text,omitempty"`
	Modules  int     `json:"modules,omitempty"`
	ModuleMM float64 `json:"module_mm,omitempty"`
	qr       [][]bool

	// Path: artwork in its own unit box, scaled into the item's box.
	Art *Art `json:"art,omitempty"`
}

// QRBitmap returns the QR code's module matrix, quiet zone included (true is dark). An
// item read back from JSON has no matrix; it is encoded again from QRText.
func (it *Item) QRBitmap() [][]bool {
	if it.qr == nil && it.QRText != "" {
		if bm, err := qrBitmap(it.QRText); err == nil {
			it.qr = bm
		}
	}
	return it.qr
}
