package vcard

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Reinsert puts a card that was pulled or lost power (RemoveAfter, TearAfter) back into
// the reader: it answers again, its persistent state (files, PINs, counters, life cycle)
// as the last APDU left it, its volatile state (current files, verified PINs) reset.
// Spent faults stay spent; SetFaults arms them again.
func (c *Card) Reinsert() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removed = false
	c.resetVolatile()
}

// SetFaults replaces the card's faults and restarts their APDU count, so that
// RemoveAfter and TearAfter count from the next APDU.
func (c *Card) SetFaults(f Faults) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults, c.answered = f, 0
}

// Faults returns the faults in force (spent ones cleared).
func (c *Card) Faults() Faults {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.faults
}

// StateVersion increases with every change to the card's persistent state (a write, a
// PIN counter going down or back up, a life cycle change). A holder that saves the card
// (omsdesk-vcard --state) saves when it has moved.
func (c *Card) StateVersion() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// Lifecycle returns the life cycle status byte (FCP tag 8A) of the file reached from
// the MF through the given file IDs (none: the MF itself); ok is false when there is no
// such file. Official-like cards (New) report 0 for every file.
func (c *Card) Lifecycle(path ...uint16) (lcs byte, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.lookup(path)
	if f == nil {
		return 0, false
	}
	return f.lcs, true
}

// FileData returns a copy of the contents of the EF reached from the MF through the
// given file IDs, for tests and tools that check what a personalisation wrote.
func (c *Card) FileData(path ...uint16) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.lookup(path)
	if f == nil || f.df {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}

func (c *Card) lookup(path []uint16) *file {
	f := c.mf
	for _, fid := range path {
		if f = f.child(fid); f == nil {
			return nil
		}
	}
	return f
}

// Serial returns the serial number in EF 2FE2, or "" on a card without one.
func (c *Card) Serial() string {
	data, ok := c.FileData(FIDSerial)
	if !ok {
		return ""
	}
	s, _ := decodeSerial(data)
	return s
}

// FreeMemory returns the bytes a profile card has left for new files.
func (c *Card) FreeMemory() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.capacity - c.used()
}

// PINStatus returns the tries left of a PIN (PINIssuer, PINHolder) and whether it is
// set; ok is false for other references and on official-like cards.
func (c *Card) PINStatus(ref byte) (tries int, set, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.profile {
		return 0, false, false
	}
	p := c.pinRef(ref)
	if p == nil {
		return 0, false, false
	}
	return p.tries, p.set, true
}

// ErrBadState reports a snapshot that Restore cannot turn into a card.
var ErrBadState = errors.New("invalid card state")

// stateVersion is the format version of Snapshot's JSON.
const stateVersion = 1

// state is the JSON form of a card's persistent state (docs/virtual-card.md).
type state struct {
	Version        int        `json:"version"`
	Profile        bool       `json:"profile,omitempty"`
	ATR            string     `json:"atr"`
	ExtendedLength bool       `json:"extended_length,omitempty"`
	Capacity       int        `json:"capacity,omitempty"`
	PINs           []pinJSON  `json:"pins,omitempty"`
	MF             *fileState `json:"mf"`
}

// pinJSON is one PIN. The value is in clear: the state file is the card's memory.
type pinJSON struct {
	Ref   byte   `json:"ref"`
	Set   bool   `json:"set"`
	PIN   string `json:"pin,omitempty"`
	Tries int    `json:"tries"`
}

type fileState struct {
	FID      string            `json:"fid"`
	DF       bool              `json:"df,omitempty"`
	Name     string            `json:"name,omitempty"`
	NameHex  string            `json:"name_hex,omitempty"` // a DF name that is not UTF-8
	LCS      byte              `json:"lcs,omitempty"`
	Data     string            `json:"data,omitempty"`
	Objects  map[string]string `json:"objects,omitempty"`
	Children []*fileState      `json:"children,omitempty"`
}

// Snapshot returns the card's persistent state as JSON: ATR, files with their contents
// and life cycle, data objects, PINs and counters. Faults and volatile state (current
// files, verified PINs, a removed card) are not part of it. The encoding is
// deterministic: equal states give equal bytes.
func (c *Card) Snapshot() ([]byte, error) {
	c.mu.Lock()
	s := state{Version: stateVersion, Profile: c.profile, ATR: hex.EncodeToString(c.atr),
		ExtendedLength: c.extLength, MF: snapshotFile(c.mf)}
	if c.profile {
		s.Capacity = c.capacity
		for i, p := range c.pins {
			s.PINs = append(s.PINs, pinJSON{Ref: byte(i + 1), Set: p.set, PIN: p.value, Tries: p.tries})
		}
	}
	c.mu.Unlock()
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encoding card state: %w", err)
	}
	return b, nil
}

func snapshotFile(f *file) *fileState {
	s := &fileState{FID: fmt.Sprintf("%04X", f.fid), DF: f.df, Name: f.name, LCS: f.lcs}
	if !utf8.ValidString(f.name) {
		s.Name, s.NameHex = "", hex.EncodeToString([]byte(f.name))
	}
	if !f.df {
		s.Data = hex.EncodeToString(f.data)
	}
	if len(f.objects) > 0 {
		s.Objects = map[string]string{}
		for tag, v := range f.objects {
			s.Objects[fmt.Sprintf("%04X", tag)] = hex.EncodeToString(v)
		}
	}
	for _, ch := range f.children {
		s.Children = append(s.Children, snapshotFile(ch))
	}
	return s
}

// Limits on a restored state: a state file is input like any other.
const (
	maxStateDepth = 8
	maxStateFiles = 1024
	maxStateEF    = 1 << 20
	maxStateATR   = 33 // ISO/IEC 7816-3 §8.2.1
	maxObjectLen  = 256
)

// Restore builds a card from a Snapshot, with no faults, powered and in the reader.
func Restore(data []byte) (*Card, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s state
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("restoring card: %w: %w", ErrBadState, err)
	}
	c, err := s.card()
	if err != nil {
		return nil, fmt.Errorf("restoring card: %w: %w", ErrBadState, err)
	}
	return c, nil
}

func (s *state) card() (*Card, error) {
	if s.Version != stateVersion {
		return nil, fmt.Errorf("version %d, want %d", s.Version, stateVersion)
	}
	atr, err := hex.DecodeString(s.ATR)
	if err != nil || len(atr) < 2 || len(atr) > maxStateATR {
		return nil, fmt.Errorf("atr %q", s.ATR)
	}
	if s.MF == nil {
		return nil, errors.New("no mf")
	}
	files, names := 0, map[string]bool{}
	mf, err := restoreFile(s.MF, nil, 0, &files, names)
	if err != nil {
		return nil, err
	}
	if mf.fid != fidMF || !mf.df {
		return nil, errors.New("root is not the MF 3F00")
	}
	c := &Card{atr: atr, mf: mf, curDF: mf, extLength: s.ExtendedLength, profile: s.Profile}
	if !s.Profile {
		if len(s.PINs) > 0 || s.Capacity != 0 {
			return nil, errors.New("pins or capacity on a card without the profile")
		}
		return c, nil
	}
	if s.Capacity < 1 || s.Capacity > maxCapacity {
		return nil, fmt.Errorf("capacity %d", s.Capacity)
	}
	c.capacity = s.Capacity
	if c.used() > c.capacity {
		return nil, fmt.Errorf("files take %d bytes of %d", c.used(), c.capacity)
	}
	if len(s.PINs) != len(c.pins) {
		return nil, fmt.Errorf("%d pins, want %d", len(s.PINs), len(c.pins))
	}
	for i, p := range s.PINs {
		if p.Ref != byte(i+1) || p.Tries < 0 || p.Tries > PINTries ||
			p.Set != allDigits(p.PIN, PINMinLen, PINMaxLen) || !p.Set && p.PIN != "" {
			return nil, fmt.Errorf("pin %d", i+1)
		}
		c.pins[i] = pinState{value: p.PIN, set: p.Set, tries: p.Tries}
	}
	return c, nil
}

func restoreFile(s *fileState, parent *file, depth int, files *int, names map[string]bool) (*file, error) {
	*files++
	if s == nil || depth > maxStateDepth || *files > maxStateFiles {
		return nil, errors.New("file tree too deep or too large")
	}
	fid, err := strconv.ParseUint(s.FID, 16, 16)
	if err != nil || len(s.FID) != 4 {
		return nil, fmt.Errorf("file ID %q", s.FID)
	}
	switch s.LCS {
	case 0, LCSCreation, LCSActivated, LCSTerminated:
	default:
		return nil, fmt.Errorf("file %s: life cycle %02X", s.FID, s.LCS)
	}
	f := &file{fid: uint16(fid), df: s.DF, name: s.Name, lcs: s.LCS, parent: parent}
	if s.NameHex != "" {
		name, err := hex.DecodeString(s.NameHex)
		if err != nil || s.Name != "" || utf8.Valid(name) {
			return nil, fmt.Errorf("file %s: name_hex", s.FID)
		}
		f.name = string(name)
	}
	if !s.DF {
		if f.name != "" || len(s.Objects) > 0 || len(s.Children) > 0 {
			return nil, fmt.Errorf("EF %s with DF contents", s.FID)
		}
		if f.data, err = hex.DecodeString(s.Data); err != nil || len(f.data) > maxStateEF {
			return nil, fmt.Errorf("EF %s data", s.FID)
		}
		return f, nil
	}
	if s.Data != "" || len(f.name) > 16 {
		return nil, fmt.Errorf("DF %s", s.FID)
	}
	if f.name != "" {
		if names[f.name] {
			return nil, fmt.Errorf("DF name %q twice", f.name)
		}
		names[f.name] = true
	}
	f.objects = map[uint16][]byte{}
	for k, v := range s.Objects {
		tag, err := strconv.ParseUint(k, 16, 16)
		b, herr := hex.DecodeString(v)
		if err != nil || len(k) != 4 || herr != nil || len(b) > maxObjectLen {
			return nil, fmt.Errorf("DF %s object %q", s.FID, k)
		}
		f.objects[uint16(tag)] = b
	}
	for _, cs := range s.Children {
		ch, err := restoreFile(cs, f, depth+1, files, names)
		if err != nil {
			return nil, err
		}
		if f.child(ch.fid) != nil {
			return nil, fmt.Errorf("file ID %04X twice in DF %s", ch.fid, s.FID)
		}
		f.children = append(f.children, ch)
	}
	return f, nil
}
