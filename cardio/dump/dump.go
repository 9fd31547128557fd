// Package dump saves what was read from a card — ATR, reader, the raw record files (every
// insurer record, not only the current one), the current-insurer pointer, the card
// serial and life cycle status of our issuance profile, and the APDU trace — as a
// versioned JSON file, loads it back into the virtual card so the whole program runs
// against it without the card, and compares two dumps field by field.
//
// A dump is a copy of the card and so holds its personal data; only the APDU trace is
// redacted by default (house-style convention 6), since the files themselves are the
// point of a dump.
package dump

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

// Format and Version identify the file. Readers accept versions up to Version and
// refuse newer ones rather than misreading them.
const (
	Format  = "omsdesk-card-dump"
	Version = 1
)

// ErrNotADump and ErrNewerVersion are returned by Load.
var (
	ErrNotADump     = errors.New("not an OMS Desk card dump")
	ErrNewerVersion = errors.New("dump written by a newer OMS Desk")
)

// Dump is one card, as read.
type Dump struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Program string    `json:"program"` // what wrote it, e.g. "omsdesk 0.1.0"
	Reader  string    `json:"reader"`
	ATR     string    `json:"atr"` // hex
	// Files are the EFs read, in reading order: FOMS_ID/0201, then FOMS_INS/<fid> for
	// every insurer record found (0202, 0203, …), or only the current one when the
	// details were not read.
	Files []File `json:"files"`
	// CurrentInsurer is the FID GET DATA 01B0 answered (4 hex digits), "" when none.
	CurrentInsurer string `json:"current_insurer"`
	// Serial is the card serial of our issuance profile (EF 2FE2, 20 digits); "" on
	// official cards and in dumps made without the details.
	Serial string `json:"serial"`
	// SerialError says why EF 2FE2, which the card has, could not be read or decoded.
	SerialError string `json:"serial_error,omitempty"`
	// Lifecycle is foms_root's life cycle status byte (FCP tag 8A) in 2 hex digits;
	// "" when the card does not say (official cards) or the details were not read.
	Lifecycle string `json:"lifecycle"`
	// Trace is the APDU exchange of the read; TraceRedacted says whether personal data
	// in it were overwritten.
	Trace         []TraceEntry `json:"trace"`
	TraceRedacted bool         `json:"trace_redacted"`
}

// File is one elementary file's bytes, or why they could not be read.
type File struct {
	DF   string `json:"df"`  // "FOMS_ID" or "FOMS_INS"
	FID  string `json:"fid"` // 4 hex digits
	Data string `json:"hex"`
	// Error says why the EF could not be read (Data then empty); SW is the card's
	// status word for it (4 hex digits) when the card refused, e.g. "6982" for a history
	// record that needs authentication on an official card.
	Error string `json:"error,omitempty"`
	SW    string `json:"sw,omitempty"`
}

// TraceEntry is one APDU exchange in hex.
type TraceEntry struct {
	Command  string `json:"command"`
	Response string `json:"response"`
	Micros   int64  `json:"micros"`
	Error    string `json:"error,omitempty"`
}

// FromRead makes a dump of a read without the details. The trace is redacted unless
// full is set.
func FromRead(program, reader string, atr []byte, res *omscard.Result, exchanges []trace.Exchange, full bool, now time.Time) *Dump {
	return FromReadDetails(program, reader, atr, res, nil, exchanges, full, now)
}

// FromReadDetails makes a dump of a read and of the details read after it (det may be
// nil): every insurer EF, the serial and the life cycle status. exchanges is the trace
// of both. The trace is redacted unless full is set.
func FromReadDetails(program, reader string, atr []byte, res *omscard.Result, det *omscard.Details,
	exchanges []trace.Exchange, full bool, now time.Time) *Dump {
	d := &Dump{Format: Format, Version: Version, Created: now.UTC(), Program: program, Reader: reader,
		ATR: strings.ToUpper(hex.EncodeToString(atr)), TraceRedacted: !full, Files: []File{}, Trace: []TraceEntry{}}
	d.Files = append(d.Files, File{DF: omscard.DFOwner, FID: fid(omscard.EFOwner), Data: hexOf(res.OwnerFile)})
	if res.Policy != nil && res.Policy.InsurerFileID != 0 {
		// Recorded even when that EF could not be read: a dangling pointer is a finding.
		d.CurrentInsurer = fid(res.Policy.InsurerFileID)
	}
	if det != nil {
		d.addDetails(det, res)
	} else if res.InsurerFile != nil {
		d.Files = append(d.Files, File{DF: omscard.DFInsurers, FID: d.CurrentInsurer, Data: hexOf(res.InsurerFile)})
	}
	for _, e := range exchanges {
		if !full {
			e = trace.Redact(e)
		}
		d.Trace = append(d.Trace, TraceEntry{Command: hexOf(e.Command), Response: hexOf(e.Response),
			Micros: e.Duration.Microseconds(), Error: e.Err})
	}
	return d
}

func fid(f uint16) string   { return fmt.Sprintf("%04X", f) }
func hexOf(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// Save writes the dump as indented JSON.
func (d *Dump) Save(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// maxDumpSize bounds what Load reads: a card's files are tens of kilobytes.
const maxDumpSize = 16 << 20

// Load reads and checks a dump.
func Load(r io.Reader) (*Dump, error) {
	var d Dump
	dec := json.NewDecoder(io.LimitReader(r, maxDumpSize))
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("loading dump: %w: %w", ErrNotADump, err)
	}
	if d.Format != Format {
		return nil, fmt.Errorf("loading dump: format %q: %w", d.Format, ErrNotADump)
	}
	if d.Version < 1 || d.Version > Version {
		return nil, fmt.Errorf("loading dump: version %d (this program reads up to %d): %w", d.Version, Version, ErrNewerVersion)
	}
	if err := d.checkDetails(); err != nil {
		return nil, fmt.Errorf("loading dump: %w", err)
	}
	if _, err := d.Layout(); err != nil {
		return nil, fmt.Errorf("loading dump: %w", err)
	}
	return &d, nil
}

// Layout turns the dump into a virtual card with the same ATR and files.
func (d *Dump) Layout() (vcard.Layout, error) {
	var l vcard.Layout
	var err error
	if d.ATR != "" {
		if l.ATR, err = hex.DecodeString(d.ATR); err != nil {
			return l, fmt.Errorf("atr: %w", err)
		}
	}
	for _, f := range d.Files {
		data, err := hex.DecodeString(f.Data)
		if err != nil {
			return l, fmt.Errorf("file %s/%s: %w", f.DF, f.FID, err)
		}
		n, err := strconv.ParseUint(f.FID, 16, 16)
		if err != nil {
			return l, fmt.Errorf("file %s/%s: bad file ID", f.DF, f.FID)
		}
		switch f.DF {
		case omscard.DFOwner:
			if uint16(n) != omscard.EFOwner {
				return l, fmt.Errorf("file %s/%s: the owner record lives in EF 0201", f.DF, f.FID)
			}
			l.Owner = data
		case omscard.DFInsurers:
			l.Insurers = append(l.Insurers, vcard.InsurerEF{FID: uint16(n), Data: data})
		default:
			return l, fmt.Errorf("file %s/%s: unknown DF", f.DF, f.FID)
		}
	}
	if l.Owner == nil {
		return l, errors.New("no owner record (FOMS_ID/0201)")
	}
	if d.CurrentInsurer != "" {
		n, err := strconv.ParseUint(d.CurrentInsurer, 16, 16)
		if err != nil {
			return l, fmt.Errorf("current_insurer %q: bad file ID", d.CurrentInsurer)
		}
		l.Current = uint16(n)
	}
	return l, nil
}

// Policy decodes the dump's records the way a read would.
func (d *Dump) Policy() (*policy.Policy, error) {
	l, err := d.Layout()
	if err != nil {
		return nil, err
	}
	res, err := omscard.Read(vcard.New(l).Transport(), omscard.Options{})
	if err != nil {
		return nil, err
	}
	return res.Policy, nil
}

// Difference is one field that differs between two dumps.
type Difference struct {
	Field string `json:"field"` // JSON name in docs/json-schema.md terms, e.g. "insurer.ogrn"
	A     string `json:"a"`
	B     string `json:"b"`
}

// Diff compares two dumps: the card (ATR, serial, life cycle status), every policy
// field, unknown tags, the raw files and their read errors, and the fields of the
// insurer history records ("history.0202.end"). Dumps whose records do not decode are
// compared byte by byte only.
func Diff(a, b *Dump) []Difference {
	var out []Difference
	add := func(field, x, y string) {
		if x != y {
			out = append(out, Difference{Field: field, A: x, B: y})
		}
	}
	add("atr", a.ATR, b.ATR)
	pa, errA := a.Policy()
	pb, errB := b.Policy()
	add("decoding", errString(errA), errString(errB))
	if errA == nil && errB == nil {
		for _, f := range flatten(pa.Document(), pb.Document()) {
			add(f[0], f[1], f[2])
		}
	}
	files := func(d *Dump) map[string]string {
		m := map[string]string{}
		for _, f := range d.Files {
			m[f.DF+"/"+f.FID] = f.Data
		}
		return m
	}
	fa, fb := files(a), files(b)
	for _, k := range unionKeys(fa, fb) {
		if fa[k] != fb[k] {
			x, y := around(fa[k], fb[k])
			out = append(out, Difference{Field: "file " + k, A: x, B: y})
		}
	}
	add("current_insurer", a.CurrentInsurer, b.CurrentInsurer)
	add("serial", a.Serial, b.Serial)
	add("lifecycle", a.Lifecycle, b.Lifecycle)
	errs := func(d *Dump) map[string]string {
		m := map[string]string{}
		for _, f := range d.Files {
			if f.Error != "" || f.SW != "" {
				m[f.DF+"/"+f.FID] = strings.TrimSpace(f.SW + " " + f.Error)
			}
		}
		return m
	}
	ea, eb := errs(a), errs(b)
	for _, k := range unionKeys(ea, eb) {
		add("file "+k+" error", ea[k], eb[k])
	}
	ha, hb := historyLeaves(a, b), historyLeaves(b, a)
	for _, k := range unionKeys(ha, hb) {
		add(k, ha[k], hb[k])
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// around describes two different files' hex by their sizes and the 16 bytes from the
// first one that differs.
func around(a, b string) (string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	i -= i % 2 // whole bytes
	show := func(h string) string {
		if h == "" {
			return "" // file absent
		}
		end := min(len(h), i+32)
		return fmt.Sprintf("%d bytes; at byte %d: %s", len(h)/2, i/2, h[min(i, len(h)):end])
	}
	return show(a), show(b)
}

// FromLayout makes a dump straight from a virtual card's layout, bytes as they are —
// broken records too, which a read would refuse. Tests and fixtures use it to build
// dumps with defects on purpose.
func FromLayout(l vcard.Layout, reader string) *Dump {
	atrBytes := l.ATR
	if atrBytes == nil {
		atrBytes = vcard.DefaultATR
	}
	d := &Dump{Format: Format, Version: Version, Reader: reader, ATR: hexOf(atrBytes),
		Files: []File{{DF: omscard.DFOwner, FID: fid(omscard.EFOwner), Data: hexOf(l.Owner)}}, Trace: []TraceEntry{}}
	for _, e := range l.Insurers {
		d.Files = append(d.Files, File{DF: omscard.DFInsurers, FID: fid(e.FID), Data: hexOf(e.Data)})
	}
	if l.Current != 0 {
		d.CurrentInsurer = fid(l.Current)
	}
	return d
}
