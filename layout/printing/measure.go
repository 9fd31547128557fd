package printing

import (
	"math"
	"strings"

	"omsdesk/layout/calibration"
)

// Measurements are what a person measures on a printed calibration sheet, in
// millimetres (see docs/printing.md and the sheet's own instructions). The sheet is
// always printed without correction, so the measurements describe the bare printer.
type Measurements struct {
	// Left and Top: from the paper's (or card's) left and top edge to the inner
	// frame, which is drawn 5 mm inside the page (FrameInset).
	Left, Top float64
	// Horizontal: between the centres of crosshairs X1 and X2; Vertical: between Y1 and
	// Y2. Their nominal distances depend on the media (SheetGeometry). Zero: not
	// measured (the scale is then taken from the other one, or left at 1).
	Horizontal, Vertical float64
	// BackLeft and BackTop: Left and Top on the back page of a duplex sheet. Back
	// reports whether they were measured.
	BackLeft, BackTop float64
	Back              bool
}

// FromMeasurements works out the Adjustment that cancels what the measurements show.
// A printer that scales by k and shifts by e puts a point drawn at p at k·p + e; the
// renderers draw it at s·p + o instead, so s = 1/k and o = FrameInset − measured·s
// (k is the mean of the measured crosshair distances over their nominal ones). Offsets
// are rounded to 0.01 mm and the scale to 0.0001; the result is validated.
func FromMeasurements(m Media, ms Measurements) (calibration.Adjustment, error) {
	g := SheetGeometryOf(m)
	if !(ms.Left > 0) || !(ms.Top > 0) {
		return calibration.Adjustment{}, &ProfileError{Field: "left/top", Code: "measurement"}
	}
	var ratios []float64
	for _, r := range []struct{ got, want float64 }{{ms.Horizontal, g.CrossX}, {ms.Vertical, g.CrossY}} {
		if r.got < 0 || math.IsNaN(r.got) {
			return calibration.Adjustment{}, &ProfileError{Field: "x/y", Code: "measurement", Value: num(r.got)}
		}
		if r.got > 0 {
			ratios = append(ratios, r.got/r.want)
		}
	}
	k := 1.0
	if len(ratios) > 0 {
		k = 0
		for _, r := range ratios {
			k += r
		}
		k /= float64(len(ratios))
	}
	s := 1 / k
	a := calibration.Adjustment{
		OffsetX: round(FrameInset-ms.Left*s, 100),
		OffsetY: round(FrameInset-ms.Top*s, 100),
	}
	if len(ratios) > 0 {
		a.Scale = round(s, 10000)
	}
	if ms.Back {
		if !(ms.BackLeft > 0) || !(ms.BackTop > 0) {
			return calibration.Adjustment{}, &ProfileError{Field: "back-left/back-top", Code: "measurement"}
		}
		a.BackOffsetX = round(FrameInset-ms.BackLeft*s, 100)
		a.BackOffsetY = round(FrameInset-ms.BackTop*s, 100)
	}
	if a.Scale == 1 {
		a.Scale = 0
	}
	if err := ValidateAdjustment(a); err != nil {
		return calibration.Adjustment{}, err
	}
	return a, nil
}

// ParseMeasurements reads measurements typed as
// "left=5.4,top=4.7,x=60.2,y=30.1,back-left=5.1,back-top=4.9" (millimetres; x, y and
// the back pair are optional).
func ParseMeasurements(s string) (Measurements, error) {
	var ms Measurements
	var backL, backT bool
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		name, val, ok := strings.Cut(kv, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return Measurements{}, &ProfileError{Field: name, Code: "setting", Value: kv}
		}
		v, err := parseNumber(val)
		if err != nil || v < 0 {
			return Measurements{}, &ProfileError{Field: name, Code: "number", Value: val}
		}
		switch name {
		case "left":
			ms.Left = v
		case "top":
			ms.Top = v
		case "x":
			ms.Horizontal = v
		case "y":
			ms.Vertical = v
		case "back-left":
			ms.BackLeft, backL = v, true
		case "back-top":
			ms.BackTop, backT = v, true
		default:
			return Measurements{}, &ProfileError{Field: name, Code: "setting", Value: "left, top, x, y, back-left, back-top"}
		}
	}
	if backL != backT {
		return Measurements{}, &ProfileError{Field: "back-left/back-top", Code: "measurement"}
	}
	ms.Back = backL
	return ms, nil
}

func round(v, unit float64) float64 { return math.Round(v*unit) / unit }
