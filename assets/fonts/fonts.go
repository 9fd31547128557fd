// Package fonts embeds the TrueType fonts OMS Desk draws its PDFs with: DejaVu Sans,
// regular and bold. The PDF core fonts cannot show Cyrillic, and a PDF that depends on
// the fonts of the machine it was made on renders differently on every machine, so the
// program carries its own. DejaVu is free to redistribute (LICENSE-DejaVu.txt beside
// this file).
package fonts

import _ "embed"

// Family is the font family name the PDF packages register the fonts under.
const Family = "DejaVuSans"

var (
	//go:embed DejaVuSans.ttf
	regular []byte
	//go:embed DejaVuSans-Bold.ttf
	bold []byte
)

// Regular returns DejaVu Sans Book as TrueType bytes. The slice is shared: callers must
// not modify it.
func Regular() []byte { return regular }

// Bold returns DejaVu Sans Bold as TrueType bytes. The slice is shared: callers must not
// modify it.
func Bold() []byte { return bold }
