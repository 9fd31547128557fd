package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ExportFormat is the file format of a journal export.
type ExportFormat string

// Export formats. Both carry every field as stored, hashes included, so a third party
// can re-verify the chain with docs/registry.md alone.
const (
	// ExportJSONL is JSON Lines: one object per entry, keys as in [ExportColumns],
	// seq a number, everything else a string.
	ExportJSONL ExportFormat = "jsonl"
	// ExportCSV is RFC 4180 CSV with a header row of [ExportColumns].
	ExportCSV ExportFormat = "csv"
)

// ExportColumns are the field names of both export formats, in CSV column order.
var ExportColumns = []string{
	"seq", "at", "actor", "workstation", "reader", "card_serial", "enp", "step", "result", "detail", "prev_hash", "hash",
}

// ParseExportFormat reads "jsonl" or "csv".
func ParseExportFormat(s string) (ExportFormat, error) {
	switch f := ExportFormat(strings.ToLower(s)); f {
	case ExportJSONL, ExportCSV:
		return f, nil
	}
	return "", fmt.Errorf("parsing export format %q: want jsonl or csv: %w", s, ErrBadExport)
}

// exportLine is the JSON Lines shape of one entry.
type exportLine struct {
	Seq         json.Number `json:"seq"`
	At          string      `json:"at"`
	Actor       string      `json:"actor"`
	Workstation string      `json:"workstation"`
	Reader      string      `json:"reader"`
	CardSerial  string      `json:"card_serial"`
	ENP         string      `json:"enp"`
	Step        string      `json:"step"`
	Result      string      `json:"result"`
	Detail      string      `json:"detail"`
	PrevHash    string      `json:"prev_hash"`
	Hash        string      `json:"hash"`
}

func (r *RawEntry) columns() []string {
	return []string{r.Seq, r.At, r.Actor, r.Workstation, r.Reader, r.CardSerial, r.ENP, r.Step, r.Result, r.Detail, r.PrevHash, r.Hash}
}

func rawFromColumns(c []string) RawEntry {
	return RawEntry{Seq: c[0], At: c[1], Actor: c[2], Workstation: c[3], Reader: c[4], CardSerial: c[5],
		ENP: c[6], Step: c[7], Result: c[8], Detail: c[9], PrevHash: c[10], Hash: c[11]}
}

// ExportWriter writes journal entries in one export format. A [Store] feeds it its
// entries as stored, so an export of a damaged journal shows the damage too.
type ExportWriter struct {
	format ExportFormat
	bw     *bufio.Writer
	cw     *csv.Writer
	enc    *json.Encoder
}

// NewExportWriter starts an export to w; CSV writes its header at once.
func NewExportWriter(w io.Writer, format ExportFormat) (*ExportWriter, error) {
	x := &ExportWriter{format: format, bw: bufio.NewWriter(w)}
	switch format {
	case ExportJSONL:
		x.enc = json.NewEncoder(x.bw)
	case ExportCSV:
		x.cw = csv.NewWriter(x.bw)
		if err := x.cw.Write(ExportColumns); err != nil {
			return nil, fmt.Errorf("writing export header: %w", err)
		}
	default:
		return nil, fmt.Errorf("starting export: format %q: %w", format, ErrBadExport)
	}
	return x, nil
}

// Write adds one entry.
func (x *ExportWriter) Write(r RawEntry) error {
	var err error
	if x.cw != nil {
		err = x.cw.Write(r.columns())
	} else {
		seq := json.Number(r.Seq)
		if _, perr := strconv.ParseInt(r.Seq, 10, 64); perr != nil {
			seq = "0"
		}
		err = x.enc.Encode(exportLine{Seq: seq, At: r.At, Actor: r.Actor, Workstation: r.Workstation,
			Reader: r.Reader, CardSerial: r.CardSerial, ENP: r.ENP, Step: r.Step, Result: r.Result,
			Detail: r.Detail, PrevHash: r.PrevHash, Hash: r.Hash})
	}
	if err != nil {
		return fmt.Errorf("writing export entry %s: %w", r.Seq, err)
	}
	return nil
}

// Close flushes the export; it does not close the underlying writer.
func (x *ExportWriter) Close() error {
	if x.cw != nil {
		x.cw.Flush()
		if err := x.cw.Error(); err != nil {
			return fmt.Errorf("flushing export: %w", err)
		}
	}
	if err := x.bw.Flush(); err != nil {
		return fmt.Errorf("flushing export: %w", err)
	}
	return nil
}

// maxExportLine bounds one JSON line (entries are short; this is hostile input).
const maxExportLine = 1 << 20

// VerifyExport verifies a journal export (either format, told apart by its first byte)
// the way [Journal.VerifyJournal] verifies the database, with an optional anchor. The
// error is for input that is not an export at all (wrapping [ErrBadExport]) or cannot be
// read; damage to the chain is in the report.
func VerifyExport(r io.Reader, anchor *Anchor) (JournalReport, error) {
	br := bufio.NewReader(r)
	v := NewVerifier(anchor)
	first, err := firstByte(br)
	if err == io.EOF {
		return v.Report(), nil
	}
	if err != nil {
		return JournalReport{}, fmt.Errorf("reading export: %w", err)
	}
	if first == '{' {
		err = readJSONL(br, v)
	} else {
		err = readCSV(br, v)
	}
	if err != nil {
		return JournalReport{}, err
	}
	return v.Report(), nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		if b[0] != ' ' && b[0] != '\n' && b[0] != '\r' && b[0] != '\t' {
			return b[0], nil
		}
		if _, err := br.ReadByte(); err != nil {
			return 0, err
		}
	}
}

func readJSONL(br *bufio.Reader, v *Verifier) error {
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64*1024), maxExportLine)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var l exportLine
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		if err := dec.Decode(&l); err != nil {
			return fmt.Errorf("reading export line %d: %w: %w", line, ErrBadExport, err)
		}
		v.Add(RawEntry{Seq: l.Seq.String(), At: l.At, Actor: l.Actor, Workstation: l.Workstation,
			Reader: l.Reader, CardSerial: l.CardSerial, ENP: l.ENP, Step: l.Step, Result: l.Result,
			Detail: l.Detail, PrevHash: l.PrevHash, Hash: l.Hash})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("reading export: %w: line longer than %d bytes", ErrBadExport, maxExportLine)
		}
		return fmt.Errorf("reading export: %w", err)
	}
	return nil
}

func readCSV(br *bufio.Reader, v *Verifier) error {
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = len(ExportColumns)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("reading export header: %w: %w", ErrBadExport, err)
	}
	for i, c := range ExportColumns {
		if head[i] != c {
			return fmt.Errorf("reading export header: column %d is %q, want %q: %w", i+1, head[i], c, ErrBadExport)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading export: %w: %w", ErrBadExport, err)
		}
		v.Add(rawFromColumns(rec))
	}
}
