package printing

import (
	"math"
	"regexp"
	"strconv"
)

// mediaBoxRe finds a page size as fpdf and most producers write it uncompressed.
var mediaBoxRe = regexp.MustCompile(`/MediaBox\s*\[\s*0(?:\.0+)?\s+0(?:\.0+)?\s+(\d{1,5}(?:\.\d{1,6})?)\s+(\d{1,5}(?:\.\d{1,6})?)\s*\]`)

// DetectMedia guesses the media a PDF was made for from the first /MediaBox in it:
// MediaCard for an ID-1 page (either orientation), MediaA4 for A4, "" when there is no
// readable box (compressed object streams) or the size is neither. It is a fallback for
// a printer without a profile; it reads at most the first 1 MiB.
func DetectMedia(pdf []byte) Media {
	m := mediaBoxRe.FindSubmatch(pdf[:min(len(pdf), 1<<20)])
	if m == nil {
		return ""
	}
	w, err1 := strconv.ParseFloat(string(m[1]), 64)
	h, err2 := strconv.ParseFloat(string(m[2]), 64)
	if err1 != nil || err2 != nil {
		return ""
	}
	const pt = 72 / 25.4
	near := func(a, b, mmW, mmH float64) bool {
		return math.Abs(a-mmW*pt) < 1.5 && math.Abs(b-mmH*pt) < 1.5
	}
	switch {
	case near(w, h, CardWidth, CardHeight), near(w, h, CardHeight, CardWidth):
		return MediaCard
	case near(w, h, A4Width, A4Height), near(w, h, A4Height, A4Width):
		return MediaA4
	}
	return ""
}
