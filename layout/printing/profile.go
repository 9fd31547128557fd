package printing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"omsdesk/layout/calibration"
)

// Limits of a believable correction. A printer that misplaces more than 5 mm or scales
// by more than 10 % is misconfigured (wrong paper size, "fit to page" on), and
// correcting it in the drawing would hide that.
const (
	MinScale  = 0.9
	MaxScale  = 1.1
	MaxOffset = 5.0 // mm, either direction
)

// ProfileVersion is the version of the profiles file this package writes.
const ProfileVersion = 1

// Media is what a printer prints on.
type Media string

// The media OMS Desk prints: an ID-1 card (ISO/IEC 7810, 85.60 × 53.98 mm) for card
// faces, A4 for certificates and calibration sheets on office printers.
const (
	MediaCard Media = "card-id1"
	MediaA4   Media = "a4"
)

// Page sizes in millimetres.
const (
	CardWidth  = 85.60
	CardHeight = 53.98
	A4Width    = 210.0
	A4Height   = 297.0
)

// ParseMedia reads a media name as people type it: "card", "card-id1", "id1" or "a4".
func ParseMedia(s string) (Media, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "card", "card-id1", "id1", "id-1":
		return MediaCard, nil
	case "a4":
		return MediaA4, nil
	}
	return "", &ProfileError{Field: "media", Code: "media", Value: s}
}

// Size is the page size of m in millimetres (portrait for A4, landscape for the card).
func (m Media) Size() (w, h float64) {
	if m == MediaA4 {
		return A4Width, A4Height
	}
	return CardWidth, CardHeight
}

// Valid reports whether m is one of the known media.
func (m Media) Valid() bool { return m == MediaCard || m == MediaA4 }

// Profile is how one printer is set up for OMS Desk.
type Profile struct {
	Media      Media                  `json:"media"`
	Duplex     bool                   `json:"duplex"`
	Adjustment calibration.Adjustment `json:"adjustment"`
	// Notes are the technician's own, e.g. when and with which ruler it was measured.
	Notes string `json:"notes,omitempty"`
}

// Validate checks the media and that the adjustment is within the believable limits.
func (p Profile) Validate() error {
	if !p.Media.Valid() {
		return &ProfileError{Field: "media", Code: "media", Value: string(p.Media)}
	}
	return ValidateAdjustment(p.Adjustment)
}

// ValidateAdjustment checks that the scale (0 meaning unset) is within MinScale–MaxScale
// and every offset within ±MaxOffset millimetres.
func ValidateAdjustment(a calibration.Adjustment) error {
	if a.Scale != 0 && !(a.Scale >= MinScale && a.Scale <= MaxScale) {
		return &ProfileError{Field: "scale", Code: "scale_range", Value: num(a.Scale)}
	}
	for _, o := range []struct {
		name string
		v    float64
	}{{"offset_x_mm", a.OffsetX}, {"offset_y_mm", a.OffsetY}, {"back_offset_x_mm", a.BackOffsetX}, {"back_offset_y_mm", a.BackOffsetY}} {
		if !(math.Abs(o.v) <= MaxOffset) { // also rejects NaN
			return &ProfileError{Field: o.name, Code: "offset_range", Value: num(o.v)}
		}
	}
	return nil
}

// ValidatePrinterName accepts a CUPS queue name: 1–127 printable ASCII characters
// without spaces, '/', '#' or '\\', not starting with '-' (which lp would read as an
// option).
func ValidatePrinterName(name string) error {
	bad := name == "" || len(name) > 127 || name[0] == '-'
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || r == '/' || r == '#' || r == '\\' {
			bad = true
		}
	}
	if bad {
		return &ProfileError{Printer: name, Field: "printer", Code: "printer_name", Value: name}
	}
	return nil
}

// Profiles is the contents of a profiles file: every printer the user calibrated.
type Profiles struct {
	Version  int                `json:"version"`
	Printers map[string]Profile `json:"printers"`
}

// NewProfiles returns an empty set of profiles.
func NewProfiles() *Profiles {
	return &Profiles{Version: ProfileVersion, Printers: map[string]Profile{}}
}

// Get returns the profile of printer, or a default one (card media, no duplex, no
// correction) and false when the printer has none.
func (ps *Profiles) Get(printer string) (Profile, bool) {
	p, ok := ps.Printers[printer]
	if !ok {
		return Profile{Media: MediaCard}, false
	}
	return p, true
}

// Set stores printer's profile after validating both.
func (ps *Profiles) Set(printer string, p Profile) error {
	if err := ValidatePrinterName(printer); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		var pe *ProfileError
		if errors.As(err, &pe) {
			pe.Printer = printer
		}
		return err
	}
	if ps.Printers == nil {
		ps.Printers = map[string]Profile{}
	}
	ps.Printers[printer] = p
	return nil
}

// Names returns the printers that have a profile, sorted.
func (ps *Profiles) Names() []string {
	names := make([]string, 0, len(ps.Printers))
	for n := range ps.Printers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks every profile.
func (ps *Profiles) Validate() error {
	if ps.Version != ProfileVersion {
		return &ProfileError{Field: "version", Code: "version", Value: strconv.Itoa(ps.Version)}
	}
	for _, name := range ps.Names() {
		if err := ValidatePrinterName(name); err != nil {
			return err
		}
		if err := ps.Printers[name].Validate(); err != nil {
			var pe *ProfileError
			if errors.As(err, &pe) {
				pe.Printer = name
			}
			return err
		}
	}
	return nil
}

// DefaultProfilePath is where a user's profiles live: $XDG_CONFIG_HOME/omsdesk/printers.json,
// falling back to the platform's configuration directory (~/.config on Linux).
func DefaultProfilePath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		var err error
		if dir, err = os.UserConfigDir(); err != nil {
			return "", fmt.Errorf("finding the configuration directory: %w", err)
		}
	}
	return filepath.Join(dir, "omsdesk", "printers.json"), nil
}

// maxProfileFile caps what LoadProfiles reads: a file with thousands of printers is
// not a profiles file.
const maxProfileFile = 1 << 20

// LoadProfiles reads a profiles file. A file that does not exist yet gives empty
// profiles; a file that is not valid JSON of this shape, or holds an invalid profile,
// gives a *ProfileError (or the read error).
func LoadProfiles(path string) (*Profiles, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewProfiles(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading printer profiles: %w", err)
	}
	ps, err := ParseProfiles(data)
	if err != nil {
		return nil, fmt.Errorf("reading printer profiles %s: %w", path, err)
	}
	return ps, nil
}

// ParseProfiles decodes and validates the contents of a profiles file. Unknown keys
// are refused, so a misspelt setting is not silently ignored.
func ParseProfiles(data []byte) (*Profiles, error) {
	if len(data) > maxProfileFile {
		return nil, &ProfileError{Code: "file_format", Value: "too large"}
	}
	ps := &Profiles{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ps); err != nil {
		return nil, &ProfileError{Code: "file_format", Value: err.Error()}
	}
	if dec.More() {
		return nil, &ProfileError{Code: "file_format", Value: "data after the profiles"}
	}
	if ps.Printers == nil {
		ps.Printers = map[string]Profile{}
	}
	if err := ps.Validate(); err != nil {
		return nil, err
	}
	return ps, nil
}

// Save validates the profiles and writes them to path atomically: to a temporary file
// in the same directory, synced, then renamed over the old file, so that a crash or a
// full disk leaves either the old file or the new one, never half of one.
func (ps *Profiles) Save(path string) error {
	if err := ps.Validate(); err != nil {
		return fmt.Errorf("saving printer profiles: %w", err)
	}
	data, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return fmt.Errorf("saving printer profiles: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving printer profiles: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".printers-*.json")
	if err != nil {
		return fmt.Errorf("saving printer profiles: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("saving printer profiles: %w", err)
	}
	return nil
}

// Setting names accepted by ParseSettings, as typed after `omsdesk calibrate --set`.
var settingNames = []string{"offset-x", "offset-y", "scale", "back-offset-x", "back-offset-y"}

// ParseSettings applies settings written as "offset-x=0.4,offset-y=-0.3,scale=1.002"
// (names: offset-x, offset-y, scale, back-offset-x, back-offset-y; millimetres, a dot
// for decimals) to base and returns the result, validated.
func ParseSettings(s string, base calibration.Adjustment) (calibration.Adjustment, error) {
	a := base
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		name, val, ok := strings.Cut(kv, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return base, &ProfileError{Field: name, Code: "setting", Value: kv}
		}
		v, err := parseNumber(val)
		if err != nil {
			return base, &ProfileError{Field: name, Code: "number", Value: val}
		}
		switch name {
		case "offset-x":
			a.OffsetX = v
		case "offset-y":
			a.OffsetY = v
		case "scale":
			a.Scale = v
		case "back-offset-x":
			a.BackOffsetX = v
		case "back-offset-y":
			a.BackOffsetY = v
		default:
			return base, &ProfileError{Field: name, Code: "setting", Value: strings.Join(settingNames, ", ")}
		}
	}
	if err := ValidateAdjustment(a); err != nil {
		return base, err
	}
	return a, nil
}

// parseNumber reads a finite decimal number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, strconv.ErrSyntax
	}
	return v, nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
