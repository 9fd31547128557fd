package doc

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkInside fails when a fitted text leaves its box.
func checkInside(t *testing.T, it Item) {
	t.Helper()
	fs := MustFonts()
	face := fs.Face(it.Bold)
	const eps = 1e-6
	for _, l := range it.Lines {
		w := face.Width(l.Text, it.Size)
		if w > it.W+eps || l.X < it.X-eps || l.X+w > it.X+it.W+eps {
			t.Errorf("%s: line %q (%.3f mm at %.3f) overflows box x %.3f w %.3f", it.ID, l.Text, w, l.X, it.X, it.W)
		}
	}
	if n := len(it.Lines); n > 1 || it.Fit != FitEllipsis {
		if h := float64(n) * it.Size * LineFactor * PtMM; h > it.H+eps {
			t.Errorf("%s: %d lines at %.2f pt are %.3f mm high, box %.3f", it.ID, n, it.Size, h, it.H)
		}
	}
}

func TestFitText(t *testing.T) {
	fs := MustFonts()
	long60 := strings.Repeat("Щ", 60)
	tests := []struct {
		name      string
		text      string
		w, h      float64
		wantFit   Fit
		wantLines int
		noWrap    bool
	}{
		{"short", "ИВАНОВ", 50, 6, FitNone, 1, false},
		{"yo", "ЁЛКИН", 50, 6, FitNone, 1, false},
		{"latin", "SMITH-JONES", 50, 6, FitNone, 1, false},
		{"shrinks", "КОНСТАНТИНОПОЛЬСКИЙ-ПРЕОБРАЖЕНСКИЙ", 70, 6, FitShrunk, 1, false},
		{"wraps at hyphen", "ЁЛКИНА-ЩЕДРИНА-ПРЕОБРАЖЕНСКАЯ-КОНСТАНТИНОПОЛЬСКАЯ", 50, 6, FitWrapped, 2, false},
		{"wraps at space", "ОГЛЫ МАМЕДОВ ГУСЕЙН АЛИ ИБРАГИМ МУСТАФА КЫЗЫ", 40, 8, FitWrapped, 0, false},
		{"cut at words", "ОГЛЫ МАМЕДОВ ГУСЕЙН АЛИ ИБРАГИМ МУСТАФА КЫЗЫ", 30, 6, FitEllipsis, 2, false},
		{"60-letter surname", long60, 50, 6, FitEllipsis, 2, false},
		{"no wrap cuts", "5001 2345 6789 0127 5001 2345 6789 0127", 30, 6, FitEllipsis, 1, true},
		{"whitespace collapses", "  ИВАН \t\n ИВАНОВИЧ ", 50, 6, FitNone, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := fs.FitText(TextSpec{ID: "t", Text: tt.text, X: 10, Y: 5, W: tt.w, H: tt.h, Bold: true, Size: 11, MinSize: 6, NoWrap: tt.noWrap})
			if it.Fit != tt.wantFit || (tt.wantLines > 0 && len(it.Lines) != tt.wantLines) {
				t.Fatalf("fit %q with %d lines %+v, want %q with %d", it.Fit, len(it.Lines), it.Lines, tt.wantFit, tt.wantLines)
			}
			checkInside(t, it)
			if it.Fit == FitNone && it.Size != 11 {
				t.Errorf("size %v, want 11", it.Size)
			}
			if tt.name == "cut at words" && it.Lines[0].Text != "ОГЛЫ МАМЕДОВ" {
				t.Errorf("first line %q, want whole words", it.Lines[0].Text)
			}
			if it.Fit == FitEllipsis && !strings.HasSuffix(it.Lines[len(it.Lines)-1].Text, "…") {
				t.Errorf("last line %q has no ellipsis", it.Lines[len(it.Lines)-1].Text)
			}
			if it.Fit != FitEllipsis {
				got := strings.Join(strings.Fields(strings.ReplaceAll(joinLines(it.Lines), "- ", "-")), " ")
				if want := strings.Join(strings.Fields(tt.text), " "); got != want {
					t.Errorf("lines %q lose text: want %q", got, want)
				}
			}
		})
	}
}

func joinLines(ls []Line) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Text)
	}
	return strings.Join(s, " ")
}

// TestFitTextRandomNames fits names the tests have never seen: random Cyrillic and
// Latin letters, hyphens and spaces, 1 to 80 characters. None may leave its box.
func TestFitTextRandomNames(t *testing.T) {
	fs := MustFonts()
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯABCDEFGHIJKLMNOPQRSTUVWXYZ--  ")
	for i := 0; i < 500; i++ {
		n := 1 + rng.IntN(80)
		r := make([]rune, n)
		for j := range r {
			r[j] = alphabet[rng.IntN(len(alphabet))]
		}
		it := fs.FitText(TextSpec{ID: "name", Text: string(r), W: 53.6, H: 6.2, Bold: true, Size: 11, MinSize: 6})
		checkInside(t, it)
		if len(it.Lines) == 0 {
			t.Fatalf("%q: no lines", string(r))
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ИВАН", "ИВАН"},
		{"a\x00b", "a b"},
		{"emoji 😀 here", "emoji \uFFFD here"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{" \t a \n b ", "a b"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(Clean(tt.in)) {
			t.Errorf("Clean(%q) not valid UTF-8", tt.in)
		}
	}
}

func TestWidthMatchesAdvances(t *testing.T) {
	fs := MustFonts()
	// DejaVu Sans: 2048 units per em; the digit advance is 1303 units.
	if got, want := fs.Regular.Width("0", 72), 1303.0/2048*25.4; abs(got-want) > 1e-9 {
		t.Errorf("width of 0 at 72 pt = %v mm, want %v", got, want)
	}
	if fs.Regular.Width("ЁЁ", 10) != 2*fs.Regular.Width("Ё", 10) {
		t.Error("widths do not add up")
	}
	if !fs.Bold.Has('Ё') || !fs.Regular.Has('ё') {
		t.Error("fonts lack Ё")
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
