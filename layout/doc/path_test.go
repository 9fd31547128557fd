package doc

import (
	"errors"
	"testing"

	"omsdesk/assets/artwork"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		d     string
		ncmd  int
		valid bool
	}{
		{"M 0 0 L 10 0 L 10 10 Z", 4, true},
		{"M 0,0 Q 5 5 10 0 C 1 2 3 4 5 6 Z", 4, true},
		{"M0,0", 0, false}, // commands stand apart from their numbers
		{"", 0, false},
		{"L 1 1", 0, false},
		{"M 1", 0, false},
		{"M 1 x", 0, false},
		{"M 1 1 A 1 1", 0, false},
		{"M 1 1e9", 0, false},
		{"M NaN 1", 0, false},
	}
	for _, tt := range tests {
		cmds, err := ParsePath(tt.d)
		if tt.valid != (err == nil) {
			t.Errorf("ParsePath(%q) error %v, want valid %v", tt.d, err, tt.valid)
			continue
		}
		if err != nil && !errors.Is(err, ErrBadPath) {
			t.Errorf("ParsePath(%q) error %v does not wrap ErrBadPath", tt.d, err)
		}
		if len(cmds) != tt.ncmd {
			t.Errorf("ParsePath(%q) = %d commands, want %d", tt.d, len(cmds), tt.ncmd)
		}
	}
}

func TestArtworkParses(t *testing.T) {
	for _, data := range [][]byte{artwork.Emblem(), artwork.OMSMark()} {
		a, err := ParseArt(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Shapes) < 2 || a.W <= 0 || a.H <= 0 {
			t.Errorf("%s: %d shapes, %vx%v", a.Name, len(a.Shapes), a.W, a.H)
		}
	}
	for _, bad := range []string{`{}`, `{"w":1,"h":1,"shapes":[{"d":"M 0 0 L 1 1","fill":"red"}]}`, `{"w":1,"h":1,"shapes":[{"d":"L 0 0","fill":"#000000"}]}`, `nope`} {
		if _, err := ParseArt([]byte(bad)); !errors.Is(err, ErrBadPath) {
			t.Errorf("ParseArt(%s) = %v, want ErrBadPath", bad, err)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	f.Add("M 0 0 L 10 0 L 10 10 Z")
	f.Add("M0,0 Q 5 5 10 0 C 1 2 3 4 5 6 Z M 1 1 L 2 2")
	f.Add("M 1 1e9")
	f.Fuzz(func(t *testing.T, d string) {
		cmds, err := ParsePath(d)
		if err != nil {
			return
		}
		for _, c := range cmds {
			want := map[byte]int{'M': 2, 'L': 2, 'Q': 4, 'C': 6, 'Z': 0}[c.Op]
			if len(c.Pts) != want {
				t.Fatalf("command %c with %d numbers", c.Op, len(c.Pts))
			}
		}
	})
}

func FuzzParseArt(f *testing.F) {
	f.Add(artwork.Emblem())
	f.Add(artwork.OMSMark())
	f.Add([]byte(`{"w":1,"h":1,"shapes":[{"d":"M 0 0 L 1 1 Z","fill":"#000000"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseArt(data)
		if err != nil {
			return
		}
		if a.W <= 0 || a.H <= 0 || len(a.Shapes) == 0 {
			t.Fatalf("accepted art with size %vx%v and %d shapes", a.W, a.H, len(a.Shapes))
		}
		// Whatever parses must draw.
		pg := &Page{Name: "fuzz", W: 10, H: 10, Items: []Item{{Kind: KindPath, W: 10, H: 10, Art: a}}}
		if _, err := Render(pg, 20); err != nil {
			t.Fatal(err)
		}
	})
}
