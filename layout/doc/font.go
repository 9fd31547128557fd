package doc

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"omsdesk/assets/fonts"
)

// Face is one parsed font with its metrics, shared by every document: parsing a TrueType
// file takes milliseconds, so it happens once per process (see [Fonts]).
type Face struct {
	Name  string // PostScript-style name for the PDF: "DejaVuSans", "DejaVuSans-Bold"
	raw   []byte
	sfnt  *sfnt.Font
	upem  int
	gid   []uint16 // rune (BMP) → glyph index; 0 is .notdef
	adv   []uint16 // glyph index → advance width in font units
	fbGID uint16   // the glyph drawn for characters the font lacks (U+FFFD or '?')

	Ascent, Descent, CapHeight int // font units; Descent is negative
	BBox                       [4]int
}

// FontSet is the regular and bold face.
type FontSet struct {
	Regular, Bold *Face

	// fitted remembers FitText's answers: a batch lays out the same labels, headings
	// and notes on every page, and fitting them again was a sixth of a certificate's
	// time. Bounded by maxFitted; safe for concurrent use.
	fitMu  sync.Mutex
	fitted map[TextSpec]Item
}

// maxFitted bounds FontSet.fitted; past it the memo starts afresh, so a stream of
// unique texts (holders' names) costs memory for at most this many entries.
const maxFitted = 4096

var (
	fontsOnce sync.Once
	fontSet   *FontSet
	fontErr   error
)

// Fonts returns the process-wide font set, parsing the embedded DejaVu fonts on first
// use.
func Fonts() (*FontSet, error) {
	fontsOnce.Do(func() {
		var fs FontSet
		if fs.Regular, fontErr = parseFace("DejaVuSans", fonts.Regular()); fontErr != nil {
			return
		}
		if fs.Bold, fontErr = parseFace("DejaVuSans-Bold", fonts.Bold()); fontErr != nil {
			return
		}
		fontSet = &fs
	})
	return fontSet, fontErr
}

// MustFonts is Fonts for the built-in fonts, which a test proves parse.
func MustFonts() *FontSet {
	fs, err := Fonts()
	if err != nil {
		panic(err)
	}
	return fs
}

// Face returns the bold or the regular face.
func (fs *FontSet) Face(bold bool) *Face {
	if bold {
		return fs.Bold
	}
	return fs.Regular
}

func parseFace(name string, raw []byte) (*Face, error) {
	f, err := sfnt.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing font %s: %w", name, err)
	}
	fc := &Face{Name: name, raw: raw, sfnt: f, upem: int(f.UnitsPerEm())}
	var buf sfnt.Buffer
	n := f.NumGlyphs()
	fc.adv = make([]uint16, n)
	ppem := fixed.I(fc.upem)
	for g := 0; g < n; g++ {
		a, err := f.GlyphAdvance(&buf, sfnt.GlyphIndex(g), ppem, font.HintingNone)
		if err != nil {
			return nil, fmt.Errorf("parsing font %s: glyph %d: %w", name, g, err)
		}
		fc.adv[g] = uint16(a.Round())
	}
	fc.gid = make([]uint16, 0x10000)
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		g, err := f.GlyphIndex(&buf, r)
		if err == nil {
			fc.gid[r] = uint16(g)
		}
	}
	fc.fbGID = fc.gid[0xFFFD]
	if fc.fbGID == 0 {
		fc.fbGID = fc.gid['?']
	}
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("parsing font %s: metrics: %w", name, err)
	}
	fc.Ascent, fc.Descent, fc.CapHeight = m.Ascent.Round(), -m.Descent.Round(), m.CapHeight.Round()
	b, err := f.Bounds(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("parsing font %s: bounds: %w", name, err)
	}
	// sfnt's bounds are y-down; PDF wants y-up.
	fc.BBox = [4]int{b.Min.X.Round(), -b.Max.Y.Round(), b.Max.X.Round(), -b.Min.Y.Round()}
	return fc, nil
}

// UnitsPerEm is the font's design grid.
func (f *Face) UnitsPerEm() int { return f.upem }

// Glyph returns the glyph index drawn for r: the font's own glyph, or the fallback
// glyph for characters it lacks. Text passed through [Clean] has only such runes.
func (f *Face) Glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		if g := f.gid[r]; g != 0 {
			return g
		}
	}
	return f.fbGID
}

// Has reports whether the font has its own glyph for r.
func (f *Face) Has(r rune) bool { return r >= 0 && r < 0x10000 && f.gid[r] != 0 }

// Advance is the advance width of glyph g in font units.
func (f *Face) Advance(g uint16) int {
	if int(g) < len(f.adv) {
		return int(f.adv[g])
	}
	return 0
}

// Width is the width of s in millimetres at size points: the sum of the glyphs'
// advances, without kerning, exactly as both backends place the glyphs.
func (f *Face) Width(s string, size float64) float64 {
	units := 0
	for _, r := range s {
		units += f.Advance(f.Glyph(r))
	}
	return float64(units) / float64(f.upem) * size * PtMM
}

// PtMM is one typographic point in millimetres.
const PtMM = 25.4 / 72

// Clean makes a text safe to lay out and draw: invalid UTF-8 and characters beyond the
// Basic Multilingual Plane become U+FFFD (PDF writers commonly fail on them and the
// embedded fonts have no such glyphs), line breaks, tabs and other control characters
// become spaces, and runs of spaces collapse to one.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return utf8.RuneError
		case unicode.IsControl(r) || unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
