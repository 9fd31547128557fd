package printing

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"omsdesk/assets/fonts"
	"omsdesk/assets/i18n"
	"omsdesk/layout/calibration"
)

// FrameInset is how far inside the page edge the calibration sheet's inner frame is
// drawn, in millimetres: the distance a perfect printer leaves between the paper's edge
// and that frame.
const FrameInset = 5.0

// Point is a position on a page in millimetres from its top-left corner.
type Point struct{ X, Y float64 }

// SheetGeometry is where the calibration sheet of one media puts what a person
// measures.
type SheetGeometry struct {
	Width, Height float64 // page size, mm
	// X1 and X2 are the centres of the horizontal pair of crosshairs, CrossX apart;
	// Y1 and Y2 those of the vertical pair, CrossY apart.
	X1, X2, Y1, Y2 Point
	CrossX, CrossY float64
}

// SheetGeometryOf returns the geometry of m's calibration sheet. Crosshairs sit on
// whole millimetres of the rulers, so they can also be checked against them.
func SheetGeometryOf(m Media) SheetGeometry {
	if m == MediaA4 {
		return SheetGeometry{Width: A4Width, Height: A4Height,
			X1: Point{15, 150}, X2: Point{195, 150}, Y1: Point{105, 25}, Y2: Point{105, 275},
			CrossX: 180, CrossY: 250}
	}
	return SheetGeometry{Width: CardWidth, Height: CardHeight,
		X1: Point{15, 27}, X2: Point{75, 27}, Y1: Point{70, 12}, Y2: Point{70, 42},
		CrossX: 60, CrossY: 30}
}

// SheetOptions tune a calibration sheet.
type SheetOptions struct {
	Media Media
	// Printer is the queue the sheet is for, printed on it so that sheets of several
	// printers are not mixed up. Empty leaves it out.
	Printer string
	// Duplex adds a back page, on which the back side's offsets are measured.
	Duplex bool
	// Check draws the sheet with Adjustment applied, to check a stored correction: on
	// such a print the inner frame should lie FrameInset from the edges. Sheets to
	// measure are drawn without correction (Check false), whatever Adjustment holds.
	Check      bool
	Adjustment calibration.Adjustment
	// Created is the PDF's creation date and the date on the sheet; zero means now.
	// Tests fix it, which makes the output byte for byte reproducible.
	Created time.Time
}

// Drawing constants, millimetres unless named otherwise.
const (
	lineW     = 0.2  // frames
	tickW     = 0.15 // ruler ticks and crosshairs
	tick1     = 1.0  // tick length at each millimetre
	tick5     = 1.8  // … at every 5 mm
	tick10    = 2.8  // … at every 10 mm
	sheetMaxS = 200  // cap on texts taken from the caller (printer name)
)

// Sheet writes the calibration sheet described by opts as a PDF to w: a millimetre
// ruler along the top and left edges, a frame exactly at the page edge (it shows what
// the printer cuts off), one FrameInset inside it, two pairs of crosshairs a known
// distance apart, and instructions in Russian and English (on the A4 sheet in full,
// on the card a short reminder of what to measure).
func Sheet(w io.Writer, opts SheetOptions) error {
	if !opts.Media.Valid() {
		return fmt.Errorf("drawing calibration sheet: %w", &ProfileError{Field: "media", Code: "media", Value: string(opts.Media)})
	}
	if opts.Check {
		if err := ValidateAdjustment(opts.Adjustment); err != nil {
			return fmt.Errorf("drawing calibration sheet: %w", err)
		}
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	s := &sheet{opts: opts, g: SheetGeometryOf(opts.Media),
		ru: i18n.MustLoad(i18n.Russian), en: i18n.MustLoad(i18n.English)}
	s.opts.Printer = cleanName(opts.Printer)
	s.pdf = fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm",
		Size: fpdf.SizeType{Wd: s.g.Width, Ht: s.g.Height}})
	p := s.pdf
	p.AddUTF8FontFromBytes(fonts.Family, "", fonts.Regular())
	p.AddUTF8FontFromBytes(fonts.Family, "B", fonts.Bold())
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	p.SetCreationDate(opts.Created)
	p.SetModificationDate(opts.Created)
	p.SetCatalogSort(true)
	p.SetTitle(s.en.T("printing.sheet.title"), true)
	p.SetCreator("OMS Desk", true)
	s.page(false)
	if opts.Duplex {
		s.page(true)
	}
	if err := p.Output(w); err != nil {
		return fmt.Errorf("drawing calibration sheet: %w", err)
	}
	return nil
}

// sheet is a calibration sheet being drawn.
type sheet struct {
	pdf    *fpdf.Fpdf
	opts   SheetOptions
	g      SheetGeometry
	ru, en *i18n.Catalog
}

func (s *sheet) card() bool { return s.opts.Media == MediaCard }

// page draws one side.
func (s *sheet) page(back bool) {
	p := s.pdf
	p.AddPage()
	if s.opts.Check && !s.opts.Adjustment.IsZero() {
		// q = scale·p + offset: the cm operators apply the later one first.
		ox, oy := s.opts.Adjustment.Offset(back)
		p.TransformBegin()
		p.TransformTranslate(ox, oy)
		f := s.opts.Adjustment.Factor() * 100
		p.TransformScale(f, f, 0, 0)
		defer p.TransformEnd()
	}
	p.SetDrawColor(0, 0, 0)
	p.SetTextColor(0, 0, 0)
	s.frames()
	s.rulers()
	g := s.g
	s.crosshair(g.X1, "X1")
	s.crosshair(g.X2, "X2")
	s.crosshair(g.Y1, "Y1")
	s.crosshair(g.Y2, "Y2")
	s.arrows()
	if s.card() {
		s.cardText(back)
	} else {
		s.a4Text(back)
	}
}

// frames draws the edge frame (its outer side on the page edge) and the inner frame
// (centred on FrameInset).
func (s *sheet) frames() {
	p, g := s.pdf, s.g
	p.SetLineWidth(lineW)
	p.Rect(lineW/2, lineW/2, g.Width-lineW, g.Height-lineW, "D")
	p.Rect(FrameInset, FrameInset, g.Width-2*FrameInset, g.Height-2*FrameInset, "D")
}

// rulers draws millimetre ticks from the top and left edges, with the tens labelled
// just inside the inner frame.
func (s *sheet) rulers() {
	p, g := s.pdf, s.g
	p.SetLineWidth(tickW)
	size := 6.0
	if s.card() {
		size = 3.6
	}
	s.font(false, size)
	lh := size * 25.4 / 72
	for x := 1; float64(x) < g.Width; x++ {
		l := tickLen(x)
		p.Line(float64(x), 0, float64(x), l)
		if x%10 == 0 && float64(x) < g.Width-FrameInset-3 {
			lbl := strconv.Itoa(x)
			p.SetXY(float64(x)-5, FrameInset+0.3)
			p.CellFormat(10, lh, lbl, "", 0, "C", false, 0, "")
		}
	}
	for y := 1; float64(y) < g.Height; y++ {
		l := tickLen(y)
		p.Line(0, float64(y), l, float64(y))
		if y%10 == 0 && float64(y) < g.Height-FrameInset-1 {
			p.SetXY(FrameInset+0.4, float64(y)-lh/2)
			p.CellFormat(10, lh, strconv.Itoa(y), "", 0, "L", false, 0, "")
		}
	}
}

func tickLen(mm int) float64 {
	switch {
	case mm%10 == 0:
		return tick10
	case mm%5 == 0:
		return tick5
	}
	return tick1
}

// crosshair draws a cross with a circle round its centre, and its name.
func (s *sheet) crosshair(c Point, name string) {
	p := s.pdf
	arm, r, size := 3.0, 1.5, 7.0
	if s.card() {
		arm, r, size = 2.0, 1.0, 4.0
	}
	p.SetLineWidth(tickW)
	p.Line(c.X-arm, c.Y, c.X+arm, c.Y)
	p.Line(c.X, c.Y-arm, c.X, c.Y+arm)
	p.Circle(c.X, c.Y, r, "D")
	s.font(true, size)
	p.SetXY(c.X+r+0.3, c.Y-arm)
	p.CellFormat(10, size*25.4/72, name, "", 0, "L", false, 0, "")
}

// arrows mark what A and B are: the gaps between the left and top edges and the
// inner frame. They sit between ruler ticks so that no tick hides them.
func (s *sheet) arrows() {
	p := s.pdf
	ay, bx, size := 22.5, 32.5, 4.0
	if !s.card() {
		ay, bx, size = 67.5, 52.5, 7.0
	}
	p.SetLineWidth(tickW)
	p.Line(0, ay, FrameInset, ay)
	p.Line(bx, 0, bx, FrameInset)
	s.font(true, size)
	p.SetXY(FrameInset+0.5, ay-size*25.4/72/2)
	p.CellFormat(5, size*25.4/72, "A", "", 0, "L", false, 0, "")
	p.SetXY(bx+0.5, FrameInset+0.3+size*25.4/72)
	p.CellFormat(5, size*25.4/72, "B", "", 0, "L", false, 0, "")
}

// params are the values every instruction fills in.
func (s *sheet) params() []string {
	printer := s.opts.Printer
	if printer == "" {
		printer = "PRINTER"
	}
	return []string{"printer", printer, "inset", num(FrameInset), "lx", num(s.g.CrossX), "ly", num(s.g.CrossY)}
}

func (s *sheet) side(tr *i18n.Catalog, back bool) string {
	if back {
		return tr.T("printing.sheet.side.back")
	}
	return tr.T("printing.sheet.side.front")
}

// cardText draws the card's title and a two-language reminder of what to measure.
func (s *sheet) cardText(back bool) {
	p := s.pdf
	x, w := 8.0, 58.0
	s.font(true, 4.6)
	p.SetXY(x, 8.2)
	p.CellFormat(w, 2, cleanText(s.ru.T("printing.sheet.title")+" · "+s.en.T("printing.sheet.title")), "", 0, "L", false, 0, "")
	s.font(false, 4.2)
	p.SetXY(x, 10.6)
	line := s.side(s.ru, back) + " · " + s.side(s.en, back)
	if s.opts.Printer != "" {
		line += " · " + s.opts.Printer
	}
	p.CellFormat(w, 2, cleanText(line), "", 0, "L", false, 0, "")
	p.SetXY(x, 12.8)
	p.CellFormat(w, 2, s.date(), "", 0, "L", false, 0, "")
	y := 34.0
	if s.opts.Check {
		s.font(true, 4.2)
		p.SetXY(x, y-2.6)
		p.CellFormat(w, 2, cleanText(s.ru.T("printing.sheet.check_short")+" · "+s.en.T("printing.sheet.check_short")), "", 0, "L", false, 0, "")
	}
	s.font(false, 3.8)
	for _, tr := range []*i18n.Catalog{s.ru, s.en} {
		for _, key := range []string{"printing.sheet.card_hint", "printing.sheet.card_command"} {
			for _, l := range p.SplitText(cleanText(tr.T(key, s.params()...)), w) {
				p.SetXY(x, y)
				p.CellFormat(w, 1.7, l, "", 0, "L", false, 0, "")
				y += 1.75
			}
		}
		y += 0.6
	}
}

// a4Text draws the title and the full instructions, Russian above the crosshair line
// and English below it.
func (s *sheet) a4Text(back bool) {
	p := s.pdf
	x, w := 16.0, 84.0
	s.font(true, 13)
	p.SetXY(x, 10)
	p.CellFormat(w, 6, cleanText(s.ru.T("printing.sheet.title")), "", 0, "L", false, 0, "")
	s.font(false, 9)
	p.SetXY(x, 16)
	p.CellFormat(w, 4, cleanText(s.en.T("printing.sheet.title")+" · "+s.side(s.ru, back)+" / "+s.side(s.en, back)), "", 0, "L", false, 0, "")
	info := s.date()
	if s.opts.Printer != "" {
		info = cleanText(s.opts.Printer) + " · " + info
	}
	p.SetXY(x, 20)
	p.CellFormat(w, 4, info, "", 0, "L", false, 0, "")
	blocks := []struct {
		tr   *i18n.Catalog
		y    float64
		stop float64
	}{{s.ru, 34, 143}, {s.en, 160, 268}}
	for _, b := range blocks {
		s.instructions(b.tr, b.y, b.stop)
	}
}

// instructions draws one language's numbered steps from y down, never past stop.
func (s *sheet) instructions(tr *i18n.Catalog, y, stop float64) {
	p := s.pdf
	x, w, lh := 16.0, 178.0, 4.1
	if s.opts.Check {
		s.font(true, 9)
		for _, l := range p.SplitText(cleanText(tr.T("printing.sheet.check", "adjustment", formatAdjustment(s.opts.Adjustment))), w) {
			p.SetXY(x, y)
			p.CellFormat(w, lh, l, "", 0, "L", false, 0, "")
			y += lh
		}
		y += 1.5
	}
	s.font(true, 10)
	p.SetXY(x, y)
	p.CellFormat(w, 5, cleanText(tr.T("printing.sheet.howto")), "", 0, "L", false, 0, "")
	y += 6.5
	s.font(false, 8.6)
	for i := 1; i <= 6; i++ {
		num := strconv.Itoa(i) + "."
		for j, l := range p.SplitText(cleanText(tr.T("printing.sheet.step"+strconv.Itoa(i), s.params()...)), w-6) {
			if y+lh > stop {
				return
			}
			if j == 0 {
				p.SetXY(x, y)
				p.CellFormat(6, lh, num, "", 0, "L", false, 0, "")
			}
			p.SetXY(x+6, y)
			p.CellFormat(w-6, lh, l, "", 0, "L", false, 0, "")
			y += lh
		}
		y += 1.2
	}
}

func (s *sheet) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	s.pdf.SetFont(fonts.Family, style, size)
}

// date is the sheet's date, the same in both languages.
func (s *sheet) date() string { return s.opts.Created.Format("2006-01-02 15:04") }

// FormatAdjustment writes an adjustment the way `omsdesk calibrate --set` reads it.
func FormatAdjustment(a calibration.Adjustment) string { return formatAdjustment(a) }

func formatAdjustment(a calibration.Adjustment) string {
	return fmt.Sprintf("offset-x=%s,offset-y=%s,scale=%s,back-offset-x=%s,back-offset-y=%s",
		num(a.OffsetX), num(a.OffsetY), num(a.Factor()), num(a.BackOffsetX), num(a.BackOffsetY))
}

// cleanText makes a text safe to draw: invalid UTF-8 and characters beyond the Basic
// Multilingual Plane (which fpdf cannot map and panics on) become U+FFFD, control
// characters spaces.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return utf8.RuneError
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
	return s
}

// cleanName is cleanText for a name the caller gave, cut at sheetMaxS characters.
func cleanName(s string) string {
	s = cleanText(s)
	if utf8.RuneCountInString(s) > sheetMaxS {
		s = string([]rune(s)[:sheetMaxS]) + "…"
	}
	return s
}
