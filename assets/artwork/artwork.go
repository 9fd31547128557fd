// Package artwork holds OMS Desk's own artwork: the application icon (icon.png, drawn
// by gen_icon.go) and the vector marks printed on card faces and certificates — an
// emblem (a shield with a cross) and an "OMS system" mark (a ring with a cross). Both
// are simple geometric designs made for this project, deliberately unlike the state
// coat of arms and the official OMS logo, which the program must not reproduce.
//
// The marks are JSON path lists (see layout/doc.ParseArt): a unit box and filled shapes
// in a subset of SVG path syntax, so that the PDF writer draws them as vector paths and
// the PNG renderer rasterises the very same outlines.
package artwork

import _ "embed"

var (
	//go:embed emblem.json
	emblem []byte
	//go:embed omsmark.json
	omsMark []byte
)

// Emblem returns the emblem's path list. The slice is shared: do not modify it.
func Emblem() []byte { return emblem }

// OMSMark returns the OMS system mark's path list. The slice is shared: do not modify it.
func OMSMark() []byte { return omsMark }
