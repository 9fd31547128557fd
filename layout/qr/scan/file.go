package scan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // photos
	_ "image/png"  // scans and renders
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Errors of File besides ErrNoCode.
var (
	ErrFormat   = errors.New("not a PNG, JPEG or PDF file")
	ErrTooLarge = errors.New("image too large")
	// ErrToolMissing is matched by a *ToolMissingError.
	ErrToolMissing = errors.New("external tool missing")
)

// ToolMissingError says which program a PDF needs and which Debian package has it.
type ToolMissingError struct {
	Tool, Package string
}

func (e *ToolMissingError) Error() string {
	return fmt.Sprintf("%s not found (install the %s package)", e.Tool, e.Package)
}

// Is makes errors.Is(err, ErrToolMissing) true.
func (e *ToolMissingError) Is(target error) bool { return target == ErrToolMissing }

// Code is one decoded QR code of a file.
type Code struct {
	// Page is the PDF page (from 1), 0 for an image file.
	Page int    `json:"page"`
	Text string `json:"text"`
}

// PDFResolution is the dpi PDF pages are rasterised at: 300 gives a card-face code of
// version 10 printed 20 mm wide about 4 pixels per module, where 150 gives under 2 and
// small codes stop decoding.
const PDFResolution = 300

// maxPixels refuses decompression bombs: 50 megapixels is a 600 dpi A4 scan.
const maxPixels = 50_000_000

// File decodes every QR code in a PNG or JPEG image or on every page of a PDF. No code
// in the whole file is ErrNoCode; a PDF without pdftoppm is a *ToolMissingError.
func File(path string) ([]Code, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scanning %s: %w", path, err)
	}
	var codes []Code
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		codes, err = pdf(path)
	} else {
		codes, err = imageFile(data)
	}
	if err != nil {
		return nil, fmt.Errorf("scanning %s: %w", path, err)
	}
	return codes, nil
}

func imageFile(data []byte) ([]Code, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("%d×%d pixels: %w", cfg.Width, cfg.Height, ErrTooLarge)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decoding image: %w", err)
	}
	texts, err := Image(img)
	if err != nil {
		return nil, err
	}
	codes := make([]Code, len(texts))
	for i, t := range texts {
		codes[i] = Code{Text: t}
	}
	return codes, nil
}

// pdf rasterises every page with pdftoppm and scans each.
func pdf(path string) ([]Code, error) {
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, &ToolMissingError{Tool: "pdftoppm", Package: "poppler-utils"}
	}
	dir, err := os.MkdirTemp("", "omsdesk-scan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out, err := exec.Command(tool, "-r", strconv.Itoa(PDFResolution), "-gray", "-png", path, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("rasterising PDF: %w: %s", err, strings.TrimSpace(string(out)))
	}
	pages, err := pageFiles(dir)
	if err != nil {
		return nil, err
	}
	var codes []Code
	for _, p := range pages {
		data, err := os.ReadFile(p.path)
		if err != nil {
			return nil, err
		}
		found, err := imageFile(data)
		if errors.Is(err, ErrNoCode) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p.n, err)
		}
		for _, c := range found {
			codes = append(codes, Code{Page: p.n, Text: c.Text})
		}
	}
	if len(codes) == 0 {
		return nil, ErrNoCode
	}
	return codes, nil
}

type page struct {
	n    int
	path string
}

// pageFiles lists pdftoppm's page-N.png files (N zero-padded to the page count's width)
// in page order.
func pageFiles(dir string) ([]page, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var pages []page
	for _, e := range entries {
		num, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), ".png"), "page-")
		if n, err := strconv.Atoi(num); ok && err == nil {
			pages = append(pages, page{n, filepath.Join(dir, e.Name())})
		}
	}
	if len(pages) == 0 {
		return nil, errors.New("rasterising PDF: pdftoppm wrote no pages")
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].n < pages[j].n })
	return pages, nil
}
