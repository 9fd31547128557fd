package doc

import (
	"sync"

	"omsdesk/assets/artwork"
)

var (
	marksOnce         sync.Once
	emblemArt, omsArt *Art
	marksErr          error
)

func loadMarks() {
	if emblemArt, marksErr = ParseArt(artwork.Emblem()); marksErr != nil {
		return
	}
	omsArt, marksErr = ParseArt(artwork.OMSMark())
}

// Emblem returns the emblem of assets/artwork, parsed once.
func Emblem() (*Art, error) { marksOnce.Do(loadMarks); return emblemArt, marksErr }

// OMSMark returns the OMS system mark of assets/artwork, parsed once.
func OMSMark() (*Art, error) { marksOnce.Do(loadMarks); return omsArt, marksErr }
