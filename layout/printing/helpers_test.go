package printing

import (
	"bytes"
	"flag"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// created is the fixed date of every sheet the tests draw.
var created = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)

// tool finds an external program; tests that need one skip without it, unless
// OMSDESK_REQUIRE_TOOLS=1 makes its absence a failure.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not found (Debian: %s): %v", name, pkg, err)
		}
		t.Skipf("%s not found (Debian: %s)", name, pkg)
	}
	return path
}

// poppler runs a poppler-utils program on the PDF and returns its output.
func poppler(t *testing.T, pdf []byte, name string, args ...string) string {
	t.Helper()
	bin := tool(t, name, "poppler-utils")
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, file)
	if name == "pdftotext" {
		args = append(args, "-")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

// pdfInfo is pdfinfo's key: value output.
func pdfInfo(t *testing.T, pdf []byte, args ...string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(poppler(t, pdf, "pdfinfo", args...), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

var pageSizeRe = regexp.MustCompile(`^([\d.]+) x ([\d.]+) pts`)

// pageSize is the first page's size in points, as pdfinfo reports it.
func pageSize(t *testing.T, pdf []byte) (w, h float64) {
	t.Helper()
	s := pdfInfo(t, pdf)["Page size"]
	m := pageSizeRe.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("pdfinfo page size %q", s)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return w, h
}

// text is the PDF's text with white space collapsed.
func text(t *testing.T, pdf []byte) string {
	return strings.Join(strings.Fields(poppler(t, pdf, "pdftotext", "-enc", "UTF-8")), " ")
}

// word is a word pdftotext -bbox found, in points from the page's top left.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var wordTag = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

func words(t *testing.T, pdf []byte) []word {
	t.Helper()
	var ws []word
	for i, pg := range strings.Split(poppler(t, pdf, "pdftotext", "-bbox", "-enc", "UTF-8"), "<page ")[1:] {
		for _, m := range wordTag.FindAllStringSubmatch(pg, -1) {
			w := word{page: i + 1, text: html.UnescapeString(m[5])}
			w.xMin, _ = strconv.ParseFloat(m[1], 64)
			w.yMin, _ = strconv.ParseFloat(m[2], 64)
			w.xMax, _ = strconv.ParseFloat(m[3], 64)
			w.yMax, _ = strconv.ParseFloat(m[4], 64)
			ws = append(ws, w)
		}
	}
	return ws
}

func findWord(ws []word, page int, s string) (word, bool) {
	for _, w := range ws {
		if w.page == page && w.text == s {
			return w, true
		}
	}
	return word{}, false
}

const ptPerMM = 72 / 25.4

// golden compares got with testdata/name, or rewrites it under -update. A missing
// golden fails.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		bad := filepath.Join(t.TempDir(), name)
		os.WriteFile(bad, got, 0o644)
		t.Fatalf("%s differs from the golden file; the new output is %s (go test -update rewrites it)", name, bad)
	}
}

// nearest is the word s on page whose top-left corner is nearest to at (mm): the
// crosshair names also appear in the instructions.
func nearest(ws []word, page int, s string, at Point) (word, bool) {
	best, found, bestD := word{}, false, 0.0
	for _, w := range ws {
		if w.page != page || w.text != s {
			continue
		}
		dx, dy := w.xMin/ptPerMM-at.X, w.yMin/ptPerMM-at.Y
		if d := dx*dx + dy*dy; !found || d < bestD {
			best, found, bestD = w, true, d
		}
	}
	return best, found
}
