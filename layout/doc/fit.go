package doc

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// TextSpec asks for a text fitted into a box.
type TextSpec struct {
	ID         string
	Text       string
	X, Y, W, H float64 // the box, mm
	Bold       bool
	Size       float64 // preferred size, pt
	MinSize    float64 // smallest size allowed, pt; 0 means Size (never shrink)
	Align      string  // "L" (default), "C", "R"
	VAlign     string  // "T", "M" (default), "B"
	Color      Color
	// NoWrap keeps the text on one line: when it does not fit at MinSize it is cut with
	// an ellipsis (numbers, dates).
	NoWrap bool
}

// LineFactor is the line height as a multiple of the font size: DejaVu Sans's ascent
// plus descent is 1.164 em, so lines of 1.17 em never touch.
const LineFactor = 1.17

// sizeStep is how finely a text is shrunk, in points.
const sizeStep = 0.25

const ellipsis = "…"

// FitText lays a text out in its box: at its preferred size on one line if it fits;
// otherwise shrunk on one line down to MinSize; otherwise wrapped at spaces and after
// hyphens, at the largest size from Size down to MinSize at which every line fits;
// otherwise at MinSize, words wider than the box broken between letters; and as a last
// resort, with as many lines as the box holds and the last one cut with "…". No line is ever wider than the box, and no line lies below
// it (a box too low even for one line at MinSize gets that one line, centred).
func (fs *FontSet) FitText(s TextSpec) Item {
	fs.fitMu.Lock()
	it, ok := fs.fitted[s]
	fs.fitMu.Unlock()
	if !ok {
		it = fs.fitText(s)
		fs.fitMu.Lock()
		if fs.fitted == nil || len(fs.fitted) >= maxFitted {
			fs.fitted = make(map[TextSpec]Item)
		}
		fs.fitted[s] = it
		fs.fitMu.Unlock()
	}
	// The caller owns what it gets: its own lines and colour, never the memo's.
	it.Lines = slices.Clone(it.Lines)
	if it.Color != nil {
		c := *it.Color
		it.Color = &c
	}
	return it
}

func (fs *FontSet) fitText(s TextSpec) Item {
	face := fs.Face(s.Bold)
	text := Clean(s.Text)
	minSize := s.MinSize
	if minSize <= 0 || minSize > s.Size {
		minSize = s.Size
	}
	it := Item{Kind: KindText, ID: s.ID, X: s.X, Y: s.Y, W: s.W, H: s.H, Text: text, Bold: s.Bold,
		Align: s.Align, Color: &s.Color}
	if it.Align == "" {
		it.Align = "L"
	}
	fitsH := func(size float64, n int) bool { return float64(n)*size*LineFactor*PtMM <= s.H+1e-9 }
	// 1. One line, shrinking.
	for size := s.Size; size >= minSize-1e-9; size -= sizeStep {
		if face.Width(text, size) <= s.W+1e-9 && (fitsH(size, 1) || size == minSize) {
			it.Size = size
			if size < s.Size {
				it.Fit = FitShrunk
			}
			return place(face, it, s.VAlign, []string{text})
		}
	}
	// 2. Wrapped.
	if !s.NoWrap {
		for size := s.Size; size >= minSize-1e-9; size -= sizeStep {
			lines, ok := wrap(face, text, size, s.W)
			if ok && fitsH(size, len(lines)) {
				it.Size, it.Fit = size, FitWrapped
				return place(face, it, s.VAlign, lines)
			}
		}
	}
	// 3. At the minimum size, cut.
	it.Size, it.Fit = minSize, FitEllipsis
	maxLines := max(1, int(math.Floor(s.H/(minSize*LineFactor*PtMM)+1e-9)))
	if s.NoWrap {
		maxLines = 1
	}
	lines := breakAll(face, text, minSize, s.W)
	truncated := len(lines) > maxLines
	if truncated {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], rest)
	}
	last := len(lines) - 1
	if truncated {
		lines[last] = cut(face, lines[last], minSize, s.W)
		if !strings.HasSuffix(lines[last], ellipsis) {
			lines[last] = cut(face, lines[last]+ellipsis, minSize, s.W)
		}
	} else {
		it.Fit = FitBroken
	}
	return place(face, it, s.VAlign, lines)
}

// token is a piece of text between break opportunities.
type token struct {
	s     string
	space bool // a space stood before it
}

// tokens splits text at spaces and after hyphens.
func tokens(text string) []token {
	var out []token
	for _, word := range strings.Fields(text) {
		first := true
		for word != "" {
			i := strings.IndexAny(word, "-‐–")
			if i < 0 || i == len(word)-1 {
				out = append(out, token{word, first})
				break
			}
			_, n := utf8.DecodeRuneInString(word[i:])
			out = append(out, token{word[:i+n], first})
			word, first = word[i+n:], false
		}
	}
	return out
}

// wrap breaks text greedily into lines no wider than w; ok is false when a single
// piece is wider than w.
func wrap(face *Face, text string, size, w float64) (lines []string, ok bool) {
	var cur string
	for _, t := range tokens(text) {
		if face.Width(t.s, size) > w+1e-9 {
			return nil, false
		}
		next := t.s
		if cur != "" {
			if t.space {
				next = cur + " " + t.s
			} else {
				next = cur + t.s
			}
		}
		if cur != "" && face.Width(next, size) > w+1e-9 {
			lines = append(lines, cur)
			next = t.s
		}
		cur = next
	}
	return append(lines, cur), true
}

// breakAll wraps like wrap, but splits a piece wider than w between characters
// instead of giving up.
func breakAll(face *Face, text string, size, w float64) []string {
	var pieces []token
	for _, t := range tokens(text) {
		if face.Width(t.s, size) <= w+1e-9 {
			pieces = append(pieces, t)
			continue
		}
		var cur []rune
		first := t.space
		for _, r := range t.s {
			if len(cur) > 0 && face.Width(string(append(cur, r)), size) > w+1e-9 {
				pieces = append(pieces, token{string(cur), first})
				cur, first = nil, false
			}
			cur = append(cur, r)
		}
		pieces = append(pieces, token{string(cur), first})
	}
	var lines []string
	var cur string
	for _, t := range pieces {
		next := t.s
		if cur != "" {
			if t.space {
				next = cur + " " + t.s
			} else {
				next = cur + t.s
			}
		}
		if cur != "" && face.Width(next, size) > w+1e-9 {
			lines = append(lines, cur)
			next = t.s
		}
		cur = next
	}
	return append(lines, cur)
}

// cut shortens s with an ellipsis until it fits w (it is returned whole if it fits).
func cut(face *Face, s string, size, w float64) string {
	if face.Width(s, size) <= w+1e-9 {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimRight(string(r), " -") + ellipsis
		if face.Width(t, size) <= w+1e-9 {
			return t
		}
	}
	return ""
}

// place positions the lines in the item's box.
func place(face *Face, it Item, valign string, lines []string) Item {
	lh := it.Size * LineFactor * PtMM
	block := float64(len(lines)) * lh
	top := it.Y + (it.H-block)/2
	switch valign {
	case "T":
		top = it.Y
	case "B":
		top = it.Y + it.H - block
	}
	// The baseline sits one ascent below the top of its line, with the line's spare
	// height split above and below.
	asc := float64(face.Ascent) / float64(face.upem) * it.Size * PtMM
	desc := -float64(face.Descent) / float64(face.upem) * it.Size * PtMM
	pad := (lh - asc - desc) / 2
	for i, l := range lines {
		w := face.Width(l, it.Size)
		x := it.X
		switch it.Align {
		case "C":
			x = it.X + (it.W-w)/2
		case "R":
			x = it.X + it.W - w
		}
		it.Lines = append(it.Lines, Line{Text: l, X: round4(x), Baseline: round4(top + float64(i)*lh + pad + asc), W: round4(w)})
	}
	return it
}

// round4 rounds to 0.1 µm so the layout's JSON is stable across platforms.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
