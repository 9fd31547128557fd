// Package calibration holds how far one printer misplaces what it prints, so that card
// faces and certificates can be drawn shifted and scaled to land where they belong.
//
// It is its own tiny package because two jobs meet here: the printing code measures and
// stores a printer's profile, and the page renderers apply it. Neither should import the
// other.
package calibration

// Adjustment is a printer's correction, applied to everything drawn on a page: content is
// scaled by Scale about the page's top-left corner, then moved by (OffsetX, OffsetY)
// millimetres (positive: right and down). A duplex card printer misplaces the back side
// differently from the front, so the back of a card gets BackOffsetX/Y instead.
//
// The zero value means "no correction" (Scale 0 is read as 1).
type Adjustment struct {
	OffsetX     float64 `json:"offset_x_mm"`
	OffsetY     float64 `json:"offset_y_mm"`
	Scale       float64 `json:"scale"`
	BackOffsetX float64 `json:"back_offset_x_mm"`
	BackOffsetY float64 `json:"back_offset_y_mm"`
}

// Factor is the scale to apply: Scale, or 1 when it is unset.
func (a Adjustment) Factor() float64 {
	if a.Scale == 0 {
		return 1
	}
	return a.Scale
}

// Offset is the shift for the front (back false) or the back side of a card.
func (a Adjustment) Offset(back bool) (x, y float64) {
	if back {
		return a.BackOffsetX, a.BackOffsetY
	}
	return a.OffsetX, a.OffsetY
}

// IsZero reports whether the adjustment changes nothing.
func (a Adjustment) IsZero() bool {
	return a.OffsetX == 0 && a.OffsetY == 0 && a.Factor() == 1 && a.BackOffsetX == 0 && a.BackOffsetY == 0
}
