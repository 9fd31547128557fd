package printing

import (
	"errors"
	"math"
	"testing"

	"omsdesk/layout/calibration"
)

// TestFromMeasurementsCancelsThePrinter simulates printers that scale by k and shift
// by e, "measures" the sheet they would print, and checks that the correction worked
// out from it puts every point back where it was drawn.
func TestFromMeasurementsCancelsThePrinter(t *testing.T) {
	for _, tt := range []struct {
		media          Media
		k, ex, ey      float64
		bex, bey       float64
		back, vertical bool
	}{
		{MediaCard, 1, 0.4, -0.3, 0, 0, false, true},
		{MediaCard, 1.01, -1.2, 0.8, 0.5, -0.5, true, true},
		{MediaA4, 0.985, 2.5, -1.5, -2, 1, true, false},
		{MediaA4, 1.003, 0, 0, 0, 0, false, true},
	} {
		g := SheetGeometryOf(tt.media)
		printed := func(p, e float64) float64 { return tt.k*p + e }
		ms := Measurements{
			Left: printed(FrameInset, tt.ex), Top: printed(FrameInset, tt.ey),
			Horizontal: tt.k * g.CrossX,
		}
		if tt.vertical {
			ms.Vertical = tt.k * g.CrossY
		}
		if tt.back {
			ms.Back, ms.BackLeft, ms.BackTop = true, printed(FrameInset, tt.bex), printed(FrameInset, tt.bey)
		}
		a, err := FromMeasurements(tt.media, ms)
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		for _, p := range []float64{0, 5, 42.8, g.Width, g.Height} {
			s := a.Factor()
			for _, c := range []struct {
				name string
				o, e float64
			}{{"x", a.OffsetX, tt.ex}, {"y", a.OffsetY, tt.ey}, {"back x", a.BackOffsetX, tt.bex}, {"back y", a.BackOffsetY, tt.bey}} {
				if got := printed(s*p+c.o, c.e); math.Abs(got-p) > 0.02+p*0.0001 {
					t.Errorf("%s k=%v: %s: drawn at %.2f, corrected print at %.3f (adjustment %+v)", tt.media, tt.k, c.name, p, got, a)
				}
			}
		}
	}
}

func TestFromMeasurementsRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		ms   Measurements
		code string
	}{
		{"nothing", Measurements{}, "measurement"},
		{"no top", Measurements{Left: 5}, "measurement"},
		{"back half", Measurements{Left: 5, Top: 5, Back: true, BackLeft: 5}, "measurement"},
		{"far off", Measurements{Left: 11, Top: 5}, "offset_range"},
		{"fit to page", Measurements{Left: 5, Top: 5, Horizontal: 50}, "scale_range"},
	} {
		_, err := FromMeasurements(MediaCard, tt.ms)
		var pe *ProfileError
		if !errors.As(err, &pe) || pe.Code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	a, err := FromMeasurements(MediaCard, Measurements{Left: 5, Top: 5, Horizontal: 60})
	if err != nil || a != (calibration.Adjustment{}) {
		t.Errorf("a perfect printer needs no correction: %+v %v", a, err)
	}
}

func TestParseMeasurements(t *testing.T) {
	ms, err := ParseMeasurements("left=5.4, top=4.7,x=60.2,y=30.1,back-left=5.1,back-top=4.9")
	want := Measurements{Left: 5.4, Top: 4.7, Horizontal: 60.2, Vertical: 30.1, BackLeft: 5.1, BackTop: 4.9, Back: true}
	if err != nil || ms != want {
		t.Fatalf("%+v %v", ms, err)
	}
	for _, bad := range []string{"left", "left=-1", "left=a", "width=3", "left=5,top=5,back-left=5"} {
		if _, err := ParseMeasurements(bad); !errors.Is(err, ErrInvalidProfile) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
