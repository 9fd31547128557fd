package printing

import "testing"

func TestDetectMedia(t *testing.T) {
	for _, tt := range []struct {
		name string
		pdf  []byte
		want Media
	}{
		{"card sheet", drawSheet(t, SheetOptions{Media: MediaCard}), MediaCard},
		{"a4 sheet", drawSheet(t, SheetOptions{Media: MediaA4}), MediaA4},
		{"card portrait", []byte("%PDF-1.4 /MediaBox [0 0 153.01 242.65]"), MediaCard},
		{"a4 whole points", []byte("%PDF-1.4 /MediaBox [ 0 0 595 842 ]"), MediaA4},
		{"letter", []byte("%PDF-1.4 /MediaBox [0 0 612 792]"), ""},
		{"offset box", []byte("%PDF-1.4 /MediaBox [10 10 252.65 163.01]"), ""},
		{"none", []byte("%PDF-1.4"), ""},
	} {
		if got := DetectMedia(tt.pdf); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
