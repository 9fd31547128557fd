package doc

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
)

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// samplePage has one item of every kind.
func samplePage(t *testing.T, text string) *Page {
	t.Helper()
	fs := MustFonts()
	em, err := Emblem()
	if err != nil {
		t.Fatal(err)
	}
	q, err := QR("qr", "HELLO-OMS-0123456789", 50, 5, 30, 0.33)
	if err != nil {
		t.Fatal(err)
	}
	var sig bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, 10+x%5, color.NRGBA{0, 0, 128, 255})
	}
	if err := png.Encode(&sig, img); err != nil {
		t.Fatal(err)
	}
	blue := Color{0, 0, 200}
	return &Page{Name: "sample", W: 85.6, H: 53.98, Items: []Item{
		{Kind: KindRect, ID: "bg", Bleed: true, Fill: &Color{240, 240, 250}},
		{Kind: KindRect, ID: "frame", X: 2, Y: 2, W: 40, H: 20, Radius: 2, Stroke: &blue, LineW: 0.3},
		{Kind: KindLine, ID: "rule", X: 2, Y: 30, W: 40, Stroke: &blue, LineW: 0.2},
		{Kind: KindPath, ID: "emblem", X: 4, Y: 32, W: 10, H: 12, Art: em},
		{Kind: KindImage, ID: "sig", X: 20, Y: 32, W: 20, H: 10, Image: sig.Bytes()},
		fs.FitText(TextSpec{ID: "text", Text: text, X: 3, Y: 3, W: 38, H: 18, Bold: true, Size: 10, MinSize: 6}),
		q,
	}}
}

func TestWritePDFDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePDF(&a, []*Page{samplePage(t, "ЁЛКИН Пётр")}, PDFOptions{Created: fixedTime, Title: "Тест", Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, []*Page{samplePage(t, "ЁЛКИН Пётр")}, PDFOptions{Created: fixedTime, Title: "Тест", Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs gave different PDFs")
	}
	for _, want := range []string{"/PrintScaling /None", "/CreationDate (D:20260102030405Z)", "/Producer (OMS Desk layout/doc)", "/FontFile2"} {
		if !bytes.Contains(a.Bytes(), []byte(want)) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	if err := WritePDF(&a, nil, PDFOptions{}); !errors.Is(err, ErrNoPages) {
		t.Errorf("no pages: %v", err)
	}
}

// TestPDFReadBack checks the PDF with poppler: page size, embedded subset fonts, and
// that the text extracts as written (the ToUnicode maps), for the shared base subset
// and for a document with characters outside it.
func TestPDFReadBack(t *testing.T) {
	pdfinfo, pdftotext, pdffonts := requireTool(t, "pdfinfo"), requireTool(t, "pdftotext"), requireTool(t, "pdffonts")
	for _, text := range []string{"ЁЛКИН-ЩЕДРИН Пётр", "Ærøskøbing Łódź Ĳ"} {
		dir := t.TempDir()
		path := filepath.Join(dir, "p.pdf")
		var buf bytes.Buffer
		if err := WritePDF(&buf, []*Page{samplePage(t, text), samplePage(t, "2")}, PDFOptions{Created: fixedTime}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := exec.Command(pdfinfo, path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfinfo: %v\n%s", err, info)
		}
		for _, want := range []string{"Pages:           2", "Page size:       242.646 x 153.014 pts"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("pdfinfo lacks %q:\n%s", want, info)
			}
		}
		out, err := exec.Command(pdftotext, "-f", "1", "-l", "1", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		if got := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(got, strings.Join(strings.Fields(text), " ")) {
			t.Errorf("extracted %q, want %q", got, text)
		}
		fonts, err := exec.Command(pdffonts, path).CombinedOutput()
		if err != nil || strings.Count(string(fonts), "CID TrueType      Identity-H       yes yes yes") != 1 {
			t.Errorf("pdffonts: %v\n%s", err, fonts)
		}
	}
}

func TestSubsetFontParses(t *testing.T) {
	fs := MustFonts()
	sf, err := newSubset(fs.Bold)
	if err != nil {
		t.Fatal(err)
	}
	// Ё is a composite glyph in DejaVu (Е and a diaeresis): the subset must bring the
	// components.
	for _, r := range "ЁЙŁ" {
		sf.add(fs.Bold.Glyph(r))
	}
	file, err := sf.build()
	if err != nil {
		t.Fatal(err)
	}
	f, err := sfnt.Parse(file)
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	if f.NumGlyphs() != len(sf.order) || f.NumGlyphs() < 100 {
		t.Fatalf("subset has %d glyphs, order %d", f.NumGlyphs(), len(sf.order))
	}
	var b sfnt.Buffer
	for i := 0; i < f.NumGlyphs(); i++ {
		if _, err := f.LoadGlyph(&b, sfnt.GlyphIndex(i), 2048<<6, nil); err != nil {
			t.Fatalf("glyph %d (original %d): %v", i, sf.order[i], err)
		}
	}
}
