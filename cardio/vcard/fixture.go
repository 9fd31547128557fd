package vcard

import (
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
)

// Fixture is the JSON description of a virtual card (docs/virtual-card.md). A card is
// described either by a policy (the same shape `omsdesk read --json` prints) or by the
// raw bytes of its files, so that card data captured elsewhere replays as a card.
type Fixture struct {
	// ATR in hex; empty for DefaultATR.
	ATR string `json:"atr,omitempty"`
	// Policy describes the owner record and the current insurer record.
	Policy *policy.Document `json:"policy,omitempty"`
	// PhotoSize, when set, gives the policy a synthetic JPEG photo of this many bytes.
	PhotoSize int `json:"synthetic_photo_size,omitempty"`
	// OwnerFile is a path (relative to the fixture) to the raw EF 0201, binary or hex;
	// OwnerHex holds the same inline. Either replaces the policy's owner record.
	OwnerFile string `json:"owner_file,omitempty"`
	OwnerHex  string `json:"owner_hex,omitempty"`
	// InsurerFiles are raw insurer EFs; they replace the policy's insurer record.
	InsurerFiles []FixtureFile `json:"insurer_files,omitempty"`
	// CurrentInsurer is the FID (hex) GET DATA 01B0 answers; default: the first insurer EF.
	CurrentInsurer string `json:"current_insurer,omitempty"`
	// NoApplication makes a card without the OMS application (a bank card, a token).
	NoApplication bool `json:"no_application,omitempty"`
	// ExtendedLength makes the card accept extended-length APDUs.
	ExtendedLength bool `json:"extended_length,omitempty"`
	// NoRootDF leaves out foms_root: FOMS_ID and FOMS_INS sit directly under the MF.
	NoRootDF bool          `json:"no_root_df,omitempty"`
	Faults   FixtureFaults `json:"faults,omitempty"`
}

// FixtureFile is one raw file of a fixture.
type FixtureFile struct {
	FID  string `json:"fid"`
	File string `json:"file,omitempty"`
	Hex  string `json:"hex,omitempty"`
}

// FixtureFaults switches on fault modes: the behavioural ones of [Faults] and two that
// damage the owner file's bytes as loaded.
type FixtureFaults struct {
	T0          bool `json:"t0,omitempty"`
	WrongLe     bool `json:"wrong_le,omitempty"`
	DelayMS     int  `json:"delay_ms,omitempty"`
	RemoveAfter int  `json:"remove_after,omitempty"`
	TearAfter   int  `json:"tear_after,omitempty"`
	// MalformedTLV makes the first field of the owner record claim more bytes than its
	// template holds.
	MalformedTLV bool `json:"malformed_tlv,omitempty"`
	// OversizeLength makes the owner template claim a length of 2 GiB.
	OversizeLength bool `json:"oversize_length,omitempty"`
}

//go:embed default.json
var defaultFixture []byte

// Default returns the built-in demonstration card: a synthetic holder with a photo
// and a current insurer record, so the program can be tried without a reader.
func Default() *Card {
	l, err := ParseFixture(defaultFixture, ".")
	if err != nil {
		panic("the embedded default fixture is broken: " + err.Error())
	}
	return New(l)
}

// DefaultFixture returns the JSON of the built-in card, a starting point for new ones.
func DefaultFixture() []byte { return append([]byte(nil), defaultFixture...) }

// LoadFixture reads a fixture file and builds its layout.
func LoadFixture(path string) (Layout, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Layout{}, fmt.Errorf("loading fixture: %w", err)
	}
	l, err := ParseFixture(data, filepath.Dir(path))
	if err != nil {
		return Layout{}, fmt.Errorf("loading fixture %s: %w", path, err)
	}
	return l, nil
}

// ParseFixture builds a layout from fixture JSON; relative file names are taken from dir.
func ParseFixture(data []byte, dir string) (Layout, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var f Fixture
	if err := dec.Decode(&f); err != nil {
		return Layout{}, fmt.Errorf("parsing fixture: %w", err)
	}
	l := Layout{ExtendedLength: f.ExtendedLength, NoRootDF: f.NoRootDF, Faults: Faults{
		T0: f.Faults.T0, WrongLe: f.Faults.WrongLe, RemoveAfter: f.Faults.RemoveAfter, TearAfter: f.Faults.TearAfter,
		Delay: time.Duration(f.Faults.DelayMS) * time.Millisecond,
	}}
	if f.ATR != "" {
		atr, err := ParseHex(f.ATR)
		if err != nil {
			return Layout{}, fmt.Errorf("parsing fixture atr: %w", err)
		}
		l.ATR = atr
	}
	if f.NoApplication {
		return l, nil
	}
	if f.Policy != nil {
		p, err := f.Policy.Policy()
		if err != nil {
			return Layout{}, fmt.Errorf("parsing fixture policy: %w", err)
		}
		if f.PhotoSize > 0 {
			p.Owner.Photo = &policy.Photo{Format: []byte{0x01}, Data: SyntheticPhoto(f.PhotoSize)}
		}
		pl := FromPolicy(p)
		l.Owner, l.Insurers, l.Current = pl.Owner, pl.Insurers, pl.Current
	}
	var err error
	switch {
	case f.OwnerHex != "":
		l.Owner, err = ParseHex(f.OwnerHex)
	case f.OwnerFile != "":
		l.Owner, err = ReadRawFile(filepath.Join(dir, f.OwnerFile))
	}
	if err != nil {
		return Layout{}, fmt.Errorf("loading owner file: %w", err)
	}
	if len(f.InsurerFiles) > 0 {
		l.Insurers, l.Current = nil, 0
		for _, rf := range f.InsurerFiles {
			fid, err := parseFID(rf.FID)
			if err != nil {
				return Layout{}, err
			}
			var data []byte
			if rf.Hex != "" {
				data, err = ParseHex(rf.Hex)
			} else {
				data, err = ReadRawFile(filepath.Join(dir, rf.File))
			}
			if err != nil {
				return Layout{}, fmt.Errorf("loading insurer file %s: %w", rf.FID, err)
			}
			l.Insurers = append(l.Insurers, InsurerEF{FID: fid, Data: data})
		}
		l.Current = l.Insurers[0].FID
	}
	if f.CurrentInsurer != "" {
		if l.Current, err = parseFID(f.CurrentInsurer); err != nil {
			return Layout{}, err
		}
	}
	if l.Owner == nil {
		return Layout{}, errors.New("parsing fixture: no owner record (give policy, owner_file or owner_hex, or set no_application)")
	}
	if f.Faults.OversizeLength {
		l.Owner = oversize(l.Owner)
	}
	if f.Faults.MalformedTLV {
		l.Owner = overlong(l.Owner)
	}
	return l, nil
}

func parseFID(s string) (uint16, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 16, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("parsing file ID %q: want 4 hex digits", s)
	}
	return uint16(n), nil
}

// SamplePolicy returns the synthetic holder of oms-card-format.md §6 (ИВАНОВ ИВАН
// ИВАНОВИЧ, ENP 5001234567890127, insurer OGRN 1027700000008 in Moscow), with a
// synthetic photo of photoSize bytes when photoSize > 0. Tests and benchmarks share it.
func SamplePolicy(photoSize int) *policy.Policy {
	p := &policy.Policy{
		Owner: policy.Owner{ENP: "5001234567890127", Surname: "ИВАНОВ", FirstName: "ИВАН", Patronymic: "ИВАНОВИЧ",
			Sex: policy.Male, BirthDate: policy.MakeDate(1985, 3, 15), IssueDate: policy.MakeDate(2015, 9, 1),
			BirthPlace: "Г. МОСКВА", Citizenship: &policy.Citizenship{Code: "RUS", Name: "РОССИЯ"}},
		Insurer: &policy.Insurer{OGRN: "1027700000008", OKATO: "45000", Start: policy.MakeDate(2015, 9, 1)},
	}
	if photoSize > 0 {
		p.Owner.Photo = &policy.Photo{Format: []byte{1}, Data: SyntheticPhoto(photoSize)}
	}
	return p
}

// FromPolicy lays a policy out as the card stores it: template 62 in EF 0201, the
// insurer record in EF 0202 (or the policy's InsurerFileID) named by GET DATA 01B0.
func FromPolicy(p *policy.Policy) Layout {
	l := Layout{Owner: p.Owner.Encode()}
	if p.Insurer != nil {
		fid := p.InsurerFileID
		if fid == 0 {
			fid = FirstInsurerFID
		}
		l.Insurers = []InsurerEF{{FID: fid, Data: p.Insurer.Encode()}}
		l.Current = fid
	}
	return l
}

// ParseHex reads hex bytes written the ways people and tools write them: "627D5F26",
// "62 7D 5F 26", "62:7d:5f:26", "0x62, 0x7D" — over several lines, too.
func ParseHex(s string) ([]byte, error) {
	digits, ok := hexDigits(s)
	if !ok {
		return nil, fmt.Errorf("parsing hex: %q is not hex bytes", truncate(s, 40))
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fmt.Errorf("parsing hex: %w", err)
	}
	return b, nil
}

// hexDigits splits s at separators (white space , ; :), drops a 0x prefix from each
// piece and joins the digits; ok is false when anything else is left.
func hexDigits(s string) (string, bool) {
	pieces := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ':' || r == ',' || r == ';'
	})
	var b strings.Builder
	for _, p := range pieces {
		if len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X") {
			p = p[2:]
		}
		for _, c := range []byte(p) {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return "", false
			}
		}
		b.WriteString(p)
	}
	return b.String(), true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ReadRawFile reads a card file saved as binary or as hex text ("-" reads standard
// input). A file made only of hex digits and separators is hex; anything else is taken
// as binary. (A binary record
// cannot pass for hex: its second byte is a length, and the TLV templates 62 and 64
// begin "b" and "d" followed by a non-hex length byte.)
func ReadRawFile(path string) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if looksHex(data) {
		return ParseHex(string(data))
	}
	return data, nil
}

func looksHex(b []byte) bool {
	digits, ok := hexDigits(string(b))
	return ok && len(digits) > 0 && len(digits)%2 == 0
}

// oversize replaces the record's header with one claiming 0x7FFFFFFF bytes.
func oversize(rec []byte) []byte {
	_, hdr, _, err := tlv.ParseHeader(rec)
	if err != nil || len(rec) == 0 {
		return rec
	}
	out := []byte{rec[0], 0x84, 0x7F, 0xFF, 0xFF, 0xFF}
	return append(out, rec[hdr:]...)
}

// overlong makes the first field's short-form length claim 0x40 more bytes than it has,
// so it runs past its template.
func overlong(rec []byte) []byte {
	objs, err := tlv.Decode(rec)
	if err != nil || len(objs) == 0 || len(objs[0].Children) == 0 {
		return rec
	}
	first := objs[0].Children[0]
	lenPos := first.Offset + len(first.Tag.Bytes())
	if lenPos >= len(rec) || rec[lenPos] >= 0x40 {
		return rec
	}
	out := append([]byte(nil), rec...)
	out[lenPos] += 0x40
	return out
}
