package printing

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"omsdesk/layout/calibration"
)

func drawSheet(t *testing.T, opts SheetOptions) []byte {
	t.Helper()
	if opts.Created.IsZero() {
		opts.Created = created
	}
	var buf bytes.Buffer
	if err := Sheet(&buf, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSheetGolden pins the sheets byte for byte: the drawing is deterministic (fixed
// date, sorted catalog), and any change to the geometry must be deliberate.
func TestSheetGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts SheetOptions
	}{
		{"sheet-card.golden.pdf", SheetOptions{Media: MediaCard, Printer: "OMSDesk-PDF"}},
		{"sheet-a4-duplex.golden.pdf", SheetOptions{Media: MediaA4, Printer: "OMSDesk-PDF", Duplex: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := drawSheet(t, tt.opts)
			if b := drawSheet(t, tt.opts); !bytes.Equal(a, b) {
				t.Fatal("two drawings of the same sheet differ")
			}
			golden(t, tt.name, a)
		})
	}
}

// TestSheetGeometry reads the drawn sheets back with poppler: the page is exactly the
// media's size, there is one page per side, both languages' instructions are there,
// and the crosshair labels sit where SheetGeometry says.
func TestSheetGeometry(t *testing.T) {
	for _, tt := range []struct {
		media  Media
		duplex bool
		w, h   float64 // points
		pages  string
		want   []string
	}{
		{MediaCard, false, 242.65, 153.01, "1", []string{"Калибровочный лист OMS Desk", "OMS Desk calibration sheet", "X1–X2 60", "Y1–Y2 30", "left=A,top=B"}},
		{MediaCard, true, 242.65, 153.01, "2", []string{"оборот · back"}},
		{MediaA4, true, 595.28, 841.89, "2", []string{"Как откалибровать принтер", "How to calibrate the printer", "nominal 180 mm", "номинал 250 мм", "--printer OMSDesk-PDF --measure"}},
	} {
		pdf := drawSheet(t, SheetOptions{Media: tt.media, Printer: "OMSDesk-PDF", Duplex: tt.duplex})
		w, h := pageSize(t, pdf)
		if math.Abs(w-tt.w) > 0.01 || math.Abs(h-tt.h) > 0.01 {
			t.Errorf("%s: page %.2f × %.2f pt, want %.2f × %.2f", tt.media, w, h, tt.w, tt.h)
		}
		if got := pdfInfo(t, pdf)["Pages"]; got != tt.pages {
			t.Errorf("%s duplex %v: %s pages, want %s", tt.media, tt.duplex, got, tt.pages)
		}
		txt := text(t, pdf)
		for _, s := range tt.want {
			if !strings.Contains(txt, s) {
				t.Errorf("%s: text lacks %q:\n%s", tt.media, s, txt)
			}
		}
		if strings.Contains(txt, "printing.") {
			t.Errorf("%s: an untranslated key leaked into the sheet:\n%s", tt.media, txt)
		}
		g := SheetGeometryOf(tt.media)
		ws := words(t, pdf)
		for _, c := range []struct {
			name string
			at   Point
		}{{"X1", g.X1}, {"X2", g.X2}, {"Y1", g.Y1}, {"Y2", g.Y2}} {
			wd, ok := nearest(ws, 1, c.name, c.at)
			if !ok {
				t.Errorf("%s: no label %s", tt.media, c.name)
				continue
			}
			// The label starts just right of the circle and above the centre.
			if dx := wd.xMin/ptPerMM - c.at.X; dx < 0.5 || dx > 3 {
				t.Errorf("%s: %s label %.2f mm right of its crosshair", tt.media, c.name, dx)
			}
			if dy := c.at.Y - wd.yMin/ptPerMM; dy < 0 || dy > 4 {
				t.Errorf("%s: %s label %.2f mm above its crosshair", tt.media, c.name, dy)
			}
		}
		// Ruler labels: "50" centred on x = 50 mm in the top ruler.
		if wd, ok := findWord(ws, 1, "50"); !ok || math.Abs((wd.xMin+wd.xMax)/2/ptPerMM-50) > 0.3 {
			t.Errorf("%s: ruler label 50 at %+v", tt.media, wd)
		}
	}
}

// TestSheetCheckShifts proves that a check sheet is drawn with the correction: every
// word moves by the offset (and the scale) compared with the sheet to measure.
func TestSheetCheckShifts(t *testing.T) {
	adj := calibration.Adjustment{OffsetX: 1.5, OffsetY: -2, Scale: 1.02, BackOffsetX: -1, BackOffsetY: 0.5}
	plain := words(t, drawSheet(t, SheetOptions{Media: MediaA4, Duplex: true, Adjustment: adj}))
	check := words(t, drawSheet(t, SheetOptions{Media: MediaA4, Duplex: true, Adjustment: adj, Check: true}))
	for _, tt := range []struct {
		page   int
		label  string
		ox, oy float64
	}{{1, "X2", 1.5, -2}, {1, "Y2", 1.5, -2}, {2, "X2", -1, 0.5}} {
		at := SheetGeometryOf(MediaA4).X2
		if tt.label == "Y2" {
			at = SheetGeometryOf(MediaA4).Y2
		}
		a, ok1 := nearest(plain, tt.page, tt.label, at)
		b, ok2 := nearest(check, tt.page, tt.label, Point{at.X*adj.Scale + tt.ox, at.Y*adj.Scale + tt.oy})
		if !ok1 || !ok2 {
			t.Fatalf("page %d: label %s missing", tt.page, tt.label)
		}
		wantX := a.xMin/ptPerMM*adj.Scale + tt.ox
		wantY := a.yMin/ptPerMM*adj.Scale + tt.oy
		if math.Abs(b.xMin/ptPerMM-wantX) > 0.2 || math.Abs(b.yMin/ptPerMM-wantY) > 0.2 {
			t.Errorf("page %d %s: at (%.2f, %.2f) mm, want (%.2f, %.2f)", tt.page, tt.label,
				b.xMin/ptPerMM, b.yMin/ptPerMM, wantX, wantY)
		}
	}
	if !strings.Contains(text(t, drawSheet(t, SheetOptions{Media: MediaA4, Adjustment: adj, Check: true})), "offset-x=1.5,offset-y=-2,scale=1.02") {
		t.Error("the check sheet does not say which correction it carries")
	}
}

func TestSheetErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Sheet(&buf, SheetOptions{Media: "letter"}); err == nil {
		t.Error("unknown media accepted")
	}
	if err := Sheet(&buf, SheetOptions{Media: MediaCard, Check: true, Adjustment: calibration.Adjustment{OffsetX: 9}}); err == nil {
		t.Error("an out-of-range correction was drawn")
	}
}

// TestSheetHostilePrinterName: characters beyond the BMP make fpdf panic; invalid
// UTF-8 and control characters must not reach the PDF either.
func TestSheetHostilePrinterName(t *testing.T) {
	for _, name := range []string{"😀 printer", "bad\xff\xfeutf8", "line\nbreak\x00", strings.Repeat("Ж", 500)} {
		for _, m := range []Media{MediaCard, MediaA4} {
			var buf bytes.Buffer
			if err := Sheet(&buf, SheetOptions{Media: m, Printer: name, Created: created}); err != nil {
				t.Errorf("%q on %s: %v", name, m, err)
			}
		}
	}
}
