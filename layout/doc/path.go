package doc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Art is a piece of vector artwork: shapes drawn in their own W × H unit box, which the
// backends scale into an item's box. The emblem and the OMS system mark of
// assets/artwork are Art.
type Art struct {
	Name   string  `json:"name"`
	W      float64 `json:"-"`
	H      float64 `json:"-"`
	Shapes []Shape `json:"-"`
}

// Shape is one filled path (non-zero winding). Artwork has no strokes: an outline is
// drawn as a filled ring, which both backends render identically.
type Shape struct {
	Cmds []Cmd
	Fill Color
}

// Cmd is one path command with absolute coordinates: 'M' (move to X,Y), 'L' (line to),
// 'Q' (quadratic curve: control, end), 'C' (cubic curve: two controls, end), 'Z'
// (close).
type Cmd struct {
	Op  byte
	Pts []float64
}

// ErrBadPath is wrapped by every path and artwork parsing error.
var ErrBadPath = errors.New("bad path")

// maxPathCmds bounds a path: artwork has a few dozen commands; more is a broken file.
const maxPathCmds = 10000

// ParsePath reads the subset of SVG path data the artwork uses: absolute M, L, Q, C and
// Z, numbers separated by spaces or commas ("M 10 0 L 20 10 Z").
func ParsePath(d string) ([]Cmd, error) {
	fields := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' || r == '\r' })
	var cmds []Cmd
	for i := 0; i < len(fields); {
		op := fields[i]
		if len(op) != 1 {
			return nil, fmt.Errorf("parsing path: %q is not a command: %w", op, ErrBadPath)
		}
		n := map[byte]int{'M': 2, 'L': 2, 'Q': 4, 'C': 6, 'Z': 0}
		k, ok := n[op[0]]
		if !ok {
			return nil, fmt.Errorf("parsing path: unknown command %q: %w", op, ErrBadPath)
		}
		if len(cmds) == 0 && op[0] != 'M' {
			return nil, fmt.Errorf("parsing path: must start with M: %w", ErrBadPath)
		}
		if i+1+k > len(fields) {
			return nil, fmt.Errorf("parsing path: %s needs %d numbers: %w", op, k, ErrBadPath)
		}
		c := Cmd{Op: op[0], Pts: make([]float64, k)}
		for j := 0; j < k; j++ {
			v, err := strconv.ParseFloat(fields[i+1+j], 64)
			if err != nil || v != v || v > 1e6 || v < -1e6 {
				return nil, fmt.Errorf("parsing path: bad number %q: %w", fields[i+1+j], ErrBadPath)
			}
			c.Pts[j] = v
		}
		cmds = append(cmds, c)
		if len(cmds) > maxPathCmds {
			return nil, fmt.Errorf("parsing path: more than %d commands: %w", maxPathCmds, ErrBadPath)
		}
		i += 1 + k
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("parsing path: empty: %w", ErrBadPath)
	}
	return cmds, nil
}

// artFile is the JSON form of artwork (assets/artwork/*.json).
type artFile struct {
	Name   string  `json:"name"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Shapes []struct {
		D    string `json:"d"`
		Fill string `json:"fill"`
	} `json:"shapes"`
}

// ParseArt reads artwork from its JSON form: {"name", "w", "h", "shapes": [{"d": path,
// "fill": "#RRGGBB"}]}.
func ParseArt(data []byte) (*Art, error) {
	var f artFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parsing artwork: %v: %w", err, ErrBadPath)
	}
	if !(f.W >= 1e-3 && f.H >= 1e-3 && f.W <= 1e6 && f.H <= 1e6) || len(f.Shapes) == 0 {
		return nil, fmt.Errorf("parsing artwork %q: needs a positive size and shapes: %w", f.Name, ErrBadPath)
	}
	a := &Art{Name: f.Name, W: f.W, H: f.H}
	for i, s := range f.Shapes {
		cmds, err := ParsePath(s.D)
		if err != nil {
			return nil, fmt.Errorf("parsing artwork %q shape %d: %w", f.Name, i, err)
		}
		c, err := ParseColor(s.Fill)
		if err != nil {
			return nil, fmt.Errorf("parsing artwork %q shape %d: %w", f.Name, i, err)
		}
		sh := Shape{Cmds: cmds, Fill: c}
		a.Shapes = append(a.Shapes, sh)
	}
	return a, nil
}

// ParseColor reads #RRGGBB.
func ParseColor(s string) (Color, error) {
	if len(s) != 7 || s[0] != '#' {
		return Color{}, fmt.Errorf("parsing colour %q: want #RRGGBB: %w", s, ErrBadPath)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return Color{}, fmt.Errorf("parsing colour %q: want #RRGGBB: %w", s, ErrBadPath)
	}
	return Color{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}
