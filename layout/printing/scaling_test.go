package printing

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// catalogText is the text of the newest version of the PDF's catalog, found through
// the last trailer, the way a reader does.
func catalogText(t *testing.T, pdf []byte) string {
	t.Helper()
	tail := pdf[max(0, len(pdf)-maxPDFScan):]
	ms := startxrefRe.FindAllSubmatch(tail, -1)
	if ms == nil {
		t.Fatal("no startxref")
	}
	sec := pdf[atoi(t, string(ms[len(ms)-1][1])):]
	lx := &lexer{b: sec, pos: bytes.Index(sec, []byte("trailer")) + 7}
	tr, err := lx.dict()
	if err != nil {
		t.Fatal(err)
	}
	n, g, err := tr.ref("Root")
	if err != nil {
		t.Fatal(err)
	}
	off, err := xrefOffset(sec[:bytes.Index(sec, []byte("trailer"))], n, g)
	if err != nil {
		t.Fatal(err)
	}
	lx = &lexer{b: pdf, pos: off}
	lx.integer()
	lx.integer()
	lx.space()
	lx.pos += 3 // obj
	d, err := lx.dict()
	if err != nil {
		t.Fatal(err)
	}
	return string(pdf[d.start:d.end])
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

var printScalingNone = regexp.MustCompile(`/ViewerPreferences\s*<<[^>]*/PrintScaling\s*/None`)

func TestSetPrintScalingNone(t *testing.T) {
	sheet := drawSheet(t, SheetOptions{Media: MediaCard})
	out, err := SetPrintScalingNone(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, sheet) {
		t.Fatal("the original bytes were not kept: an incremental update only appends")
	}
	cat := catalogText(t, out)
	if !printScalingNone.MatchString(cat) || !strings.Contains(cat, "/Type /Catalog") || !strings.Contains(cat, "/Pages 1 0 R") {
		t.Fatalf("catalog after the update:\n%s", cat)
	}
	// poppler reads the updated file as the same document: same pages, same text.
	if pdfInfo(t, out)["Pages"] != "1" || text(t, out) != text(t, sheet) {
		t.Error("the updated PDF reads differently")
	}
	if qpdf, err := exec.LookPath("qpdf"); err == nil {
		file := filepath.Join(t.TempDir(), "u.pdf")
		os.WriteFile(file, out, 0o600)
		if msg, err := exec.Command(qpdf, "--check", file).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, msg)
		}
	}
	// Marking twice changes nothing.
	again, err := SetPrintScalingNone(out)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("second marking: %v, changed %v", err, !bytes.Equal(again, out))
	}
}

// TestSetPrintScalingNoneCatalogs covers catalogs that already have viewer
// preferences, with or without PrintScaling, built by hand.
func TestSetPrintScalingNoneCatalogs(t *testing.T) {
	for _, tt := range []struct {
		name, catalog string
		want          *regexp.Regexp
		err           error
	}{
		{"plain", "<< /Type /Catalog /Pages 2 0 R >>", printScalingNone, nil},
		{"other prefs", "<< /Type /Catalog /ViewerPreferences << /HideToolbar true /Direction /L2R >> /Pages 2 0 R >>",
			regexp.MustCompile(`/ViewerPreferences << /HideToolbar true /Direction /L2R /PrintScaling /None >> /Pages 2 0 R`), nil},
		{"appdefault", "<</Type/Catalog/ViewerPreferences<</PrintScaling/AppDefault>>/Pages 2 0 R>>",
			regexp.MustCompile(`/ViewerPreferences<</PrintScaling/None>>/Pages 2 0 R`), nil},
		{"tricky strings", "<< /Type /Catalog /Lang (en \\) >> /ViewerPreferences) /Pages 2 0 R /X [<< /A (>>) >> <ab>] >>", printScalingNone, nil},
		{"indirect prefs", "<< /Type /Catalog /ViewerPreferences 3 0 R /Pages 2 0 R >>", nil, ErrUnsupportedPDF},
		{"broken", "<< /Type /Catalog /Pages 2 0 R", nil, ErrUnsupportedPDF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pdf := handPDF(tt.catalog)
			out, err := SetPrintScalingNone(pdf)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cat := catalogText(t, out)
			if !tt.want.MatchString(cat) || len(regexp.MustCompile(`/ViewerPreferences\s*<<`).FindAllString(cat, -1)) != 1 {
				t.Fatalf("catalog:\n%s", cat)
			}
			if pdfInfo(t, out)["Pages"] != "1" {
				t.Error("poppler does not read the updated PDF")
			}
		})
	}
}

// handPDF builds a minimal one-page PDF with the given catalog as object 1.
func handPDF(catalog string) []byte {
	objs := []string{
		catalog,
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := []int{}
	for i, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(itoa10(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	x := b.Len()
	b.WriteString("xref\n0 4\n0000000000 65535 f \n")
	for _, o := range offs {
		s := itoa10(o)
		b.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n" + itoa10(x) + "\n%%EOF\n")
	return b.Bytes()
}

func itoa10(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestSetPrintScalingNoneRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		pdf  []byte
		want error
	}{
		{"empty", nil, ErrNotPDF},
		{"text", []byte("hello"), ErrNotPDF},
		{"no trailer", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"), ErrUnsupportedPDF},
		{"xref stream", []byte("%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF\n"), ErrUnsupportedPDF},
		{"startxref out of range", []byte("%PDF-1.4\nstartxref\n999999\n%%EOF\n"), ErrUnsupportedPDF},
		{"encrypted", bytes.Replace(handPDF("<< /Type /Catalog >>"), []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt 5 0 R"), 1), ErrUnsupportedPDF},
		{"root not in table", bytes.Replace(handPDF("<< /Type /Catalog >>"), []byte("/Root 1 0 R"), []byte("/Root 9 0 R"), 1), ErrUnsupportedPDF},
	} {
		if _, err := SetPrintScalingNone(tt.pdf); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// FuzzSetPrintScalingNone: hostile PDFs never panic; whatever is accepted is the
// original plus an appended update that is itself accepted and left unchanged.
func FuzzSetPrintScalingNone(f *testing.F) {
	f.Add(handPDF("<< /Type /Catalog /Pages 2 0 R >>"))
	f.Add(handPDF("<< /ViewerPreferences << /PrintScaling /AppDefault >> >>"))
	f.Add(handPDF("<< /A (x\\)) /B [1 2 [3]] /C <0a> % comment\n>>"))
	f.Add([]byte("%PDF-1.4\nstartxref\n1\n%%EOF"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		out, err := SetPrintScalingNone(pdf)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(out, pdf) {
			t.Fatal("original bytes not kept")
		}
		again, err := SetPrintScalingNone(out)
		if err != nil {
			t.Fatalf("the updated PDF is refused: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatal("marking twice changed the PDF again")
		}
	})
}
