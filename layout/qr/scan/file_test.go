package scan_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"omsdesk/layout/qr"
	"omsdesk/layout/qr/scan"
)

type placed struct {
	text     string
	x, y, mm float64 // position and width on the page, millimetres
}

// writePDF makes a PDF whose pages hold the given codes, drawn as images the way card
// faces and certificates embed them.
func writePDF(t *testing.T, size fpdf.SizeType, pages [][]placed) string {
	t.Helper()
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: size, OrientationStr: "P"})
	pdf.SetAutoPageBreak(false, 0)
	n := 0
	for _, page := range pages {
		pdf.AddPage()
		for _, c := range page {
			sym, err := qr.NewSymbol(c.text)
			if err != nil {
				t.Fatal(err)
			}
			b, err := sym.PNG(8)
			if err != nil {
				t.Fatal(err)
			}
			n++
			name := fmt.Sprintf("qr%d", n)
			pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(b))
			pdf.ImageOptions(name, c.x, c.y, c.mm, c.mm, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		}
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := pdf.OutputFileAndClose(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPDF(t *testing.T) {
	needTool(t, "pdftoppm", "poppler-utils")
	s := newSigner(t)
	maxText, a, b := s.sign(t, maxPayload()), s.sign(t, payload(1)), s.sign(t, payload(2))
	// A card face (ID-1) with a maximal code 20 mm wide (its 65 modules with the quiet
	// zone at about 0.3 mm), and an A4 sheet: two codes on page 1, none on page 2, one
	// on page 3.
	card := writePDF(t, fpdf.SizeType{Wd: 85.6, Ht: 53.98}, [][]placed{{{maxText, 60, 28, 20}}})
	codes, err := scan.File(card)
	if err != nil || len(codes) != 1 || codes[0] != (scan.Code{Page: 1, Text: maxText}) {
		t.Fatalf("card: %+v, %v", codes, err)
	}
	a4 := writePDF(t, fpdf.SizeType{Wd: 210, Ht: 297}, [][]placed{{{a, 20, 20, 30}, {b, 120, 200, 25}}, {}, {{maxText, 100, 100, 22}}})
	codes, err = scan.File(a4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[scan.Code]bool{{Page: 1, Text: a}: true, {Page: 1, Text: b}: true, {Page: 3, Text: maxText}: true}
	if len(codes) != len(want) {
		t.Errorf("A4: %d codes, want %d: %+v", len(codes), len(want), codes)
	}
	for _, c := range codes {
		if !want[c] {
			t.Errorf("A4: unexpected %+v", c)
		}
	}
	empty := writePDF(t, fpdf.SizeType{Wd: 85.6, Ht: 53.98}, [][]placed{{}})
	if codes, err := scan.File(empty); !errors.Is(err, scan.ErrNoCode) {
		t.Errorf("empty PDF: %+v, %v", codes, err)
	}
}

func TestPDFWithoutPdftoppm(t *testing.T) {
	s := newSigner(t)
	path := writePDF(t, fpdf.SizeType{Wd: 85.6, Ht: 53.98}, [][]placed{{{s.sign(t, payload(0)), 10, 10, 30}}})
	t.Setenv("PATH", t.TempDir())
	_, err := scan.File(path)
	var tm *scan.ToolMissingError
	if !errors.As(err, &tm) || tm.Tool != "pdftoppm" || !errors.Is(err, scan.ErrToolMissing) {
		t.Errorf("error %v, want a *ToolMissingError for pdftoppm", err)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(txt, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := scan.File(txt); !errors.Is(err, scan.ErrFormat) {
		t.Errorf("text file: %v", err)
	}
	if _, err := scan.File(filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	white := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(white, white.Bounds(), image.White, image.Point{}, draw.Src)
	if _, err := scan.File(writePNG(t, white)); !errors.Is(err, scan.ErrNoCode) {
		t.Errorf("blank image: %v", err)
	}
}
