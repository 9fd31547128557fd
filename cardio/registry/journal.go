package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Journal steps the issuance workflow records. Step is free text for the journal, but
// these are the names the workflow and docs use.
const (
	StepValidate    = "validate"
	StepCheckBlank  = "check_blank"
	StepPersonalise = "personalise"
	StepReadBack    = "read_back"
	StepCompare     = "compare"
	StepActivate    = "activate"
	StepRecord      = "record"
	StepPrint       = "print"
	StepMarkLost    = "mark_lost"
	StepMarkStolen  = "mark_stolen"
	StepSpoil       = "spoil"
	StepVoid        = "void"
)

// Journal results.
const (
	ResultOK     = "ok"
	ResultFailed = "failed"
)

// TimeLayout is the one text form of [Entry.At] in the database, the hash and the
// exports: UTC with exactly nine fractional digits, so the text sorts as the time does
// and every instant has exactly one spelling.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// hashDomain starts every hashed message, so a journal hash can never be mistaken for
// the hash of anything else.
const hashDomain = "omsdesk-journal-v1"

// Hash is a SHA-256 value of the journal chain.
type Hash [sha256.Size]byte

// ZeroHash is the PrevHash of the first entry (genesis).
var ZeroHash Hash

// String returns the hash as 64 lower-case hex digits, the form stored and exported.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the hex form.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads the hex form (upper or lower case).
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash reads 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return h, fmt.Errorf("parsing hash: %d characters, want %d", len(s), 2*len(h))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("parsing hash: %w", err)
	}
	return h, nil
}

// Entry is one journal entry: one step of an issuance (or of a status change) with who
// did it, where, on which card and policy, and how it went.
type Entry struct {
	Seq         int64     `json:"seq"` // 1, 2, 3 … assigned by Append
	At          time.Time `json:"at"`  // UTC; assigned by Append when zero
	Actor       string    `json:"actor"`
	Workstation string    `json:"workstation"`
	Reader      string    `json:"reader"`
	CardSerial  string    `json:"card_serial"`
	ENP         string    `json:"enp"`
	Step        string    `json:"step"`
	Result      string    `json:"result"`
	// Detail is a code or technical fact. Never names, birth dates or SNILS: the
	// journal cannot be edited to remove them later.
	Detail   string `json:"detail"`
	PrevHash Hash   `json:"prev_hash"`
	Hash     Hash   `json:"hash"`
}

// Validate refuses entries that could not be exported and re-verified byte for byte:
// a step and a result are required, and text must be UTF-8 without control characters
// other than tab and line feed. The error wraps [ErrInvalid]. Stores call it in Append.
func (e *Entry) Validate() error {
	if e.Step == "" || e.Result == "" {
		return fmt.Errorf("%w: journal entry needs a step and a result", ErrInvalid)
	}
	for _, f := range e.textFields() {
		if !utf8.ValidString(f) || strings.ContainsFunc(f, isControl) {
			return fmt.Errorf("%w: journal entry field is not UTF-8 text without control characters", ErrInvalid)
		}
	}
	return nil
}

// isControl refuses C0 controls other than tab and line feed, and DEL: a carriage
// return would not survive a CSV round trip, and the rest have no place in a log.
func isControl(r rune) bool { return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f }

func (e *Entry) textFields() []string {
	return []string{e.Actor, e.Workstation, e.Reader, e.CardSerial, e.ENP, e.Step, e.Result, e.Detail}
}

// RawEntry is an entry exactly as stored or exported: every field as text, so that a
// hand-edited value that is no longer a number, time or hash can still be hashed and
// reported rather than refused.
type RawEntry struct {
	Seq         string
	At          string
	Actor       string
	Workstation string
	Reader      string
	CardSerial  string
	ENP         string
	Step        string
	Result      string
	Detail      string
	PrevHash    string
	Hash        string
}

// Raw returns the stored text form of e.
func (e *Entry) Raw() RawEntry {
	return RawEntry{
		Seq: strconv.FormatInt(e.Seq, 10), At: e.At.UTC().Format(TimeLayout),
		Actor: e.Actor, Workstation: e.Workstation, Reader: e.Reader, CardSerial: e.CardSerial,
		ENP: e.ENP, Step: e.Step, Result: e.Result, Detail: e.Detail,
		PrevHash: e.PrevHash.String(), Hash: e.Hash.String(),
	}
}

// Entry parses the raw form; it fails on a seq, time or hash that does not parse.
func (r *RawEntry) Entry() (Entry, error) {
	seq, err := strconv.ParseInt(r.Seq, 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("parsing seq %q: %w", r.Seq, err)
	}
	at, err := time.Parse(TimeLayout, r.At)
	if err != nil {
		return Entry{}, fmt.Errorf("parsing time %q: %w", r.At, err)
	}
	prev, err := ParseHash(r.PrevHash)
	if err != nil {
		return Entry{}, fmt.Errorf("prev_hash: %w", err)
	}
	h, err := ParseHash(r.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("hash: %w", err)
	}
	return Entry{
		Seq: seq, At: at, Actor: r.Actor, Workstation: r.Workstation, Reader: r.Reader,
		CardSerial: r.CardSerial, ENP: r.ENP, Step: r.Step, Result: r.Result, Detail: r.Detail,
		PrevHash: prev, Hash: h,
	}, nil
}

// EntryHash computes an entry's hash from its fields and PrevHash (its own Hash field
// is ignored). The message is, with field(x) = uint32 big-endian len(x) ‖ x:
//
//	field("omsdesk-journal-v1") ‖ field(seq as int64 big-endian, 8 bytes) ‖
//	field(at in TimeLayout) ‖ field(actor) ‖ field(workstation) ‖ field(reader) ‖
//	field(card_serial) ‖ field(enp) ‖ field(step) ‖ field(result) ‖ field(detail) ‖
//	field(prev_hash, 32 raw bytes)
//
// and the hash is SHA-256 of that message. docs/registry.md has a worked example.
func EntryHash(e *Entry) Hash {
	return hashFields(e.Seq, e.At.UTC().Format(TimeLayout), e.textFields(), e.PrevHash)
}

// rawHash hashes a raw entry whose seq and prev hash parsed.
func rawHash(seq int64, r *RawEntry, prev Hash) Hash {
	return hashFields(seq, r.At, []string{r.Actor, r.Workstation, r.Reader, r.CardSerial, r.ENP, r.Step, r.Result, r.Detail}, prev)
}

func hashFields(seq int64, at string, text []string, prev Hash) Hash {
	n := 4 + len(hashDomain) + 4 + 8 + 4 + len(at) + 4 + len(prev)
	for _, t := range text {
		n += 4 + len(t)
	}
	msg := make([]byte, 0, n)
	field := func(b []byte) {
		msg = binary.BigEndian.AppendUint32(msg, uint32(len(b)))
		msg = append(msg, b...)
	}
	field([]byte(hashDomain))
	field(binary.BigEndian.AppendUint64(nil, uint64(seq)))
	field([]byte(at))
	for _, t := range text {
		field([]byte(t))
	}
	field(prev[:])
	return sha256.Sum256(msg)
}

// Anchor names one journal entry by seq and hash. Kept outside the database (printed
// on the day's report, sent to another system), it lets verification notice a cut-off
// or rewritten tail, which the chain alone cannot.
type Anchor struct {
	Seq  int64 `json:"seq"`
	Hash Hash  `json:"hash"`
}

// String returns "SEQ:HEX", the form [ParseAnchor] reads.
func (a Anchor) String() string { return strconv.FormatInt(a.Seq, 10) + ":" + a.Hash.String() }

// ParseAnchor reads "SEQ:HEX". The error wraps [ErrBadAnchor].
func ParseAnchor(s string) (Anchor, error) {
	seqText, hashText, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Anchor{}, fmt.Errorf("parsing anchor %q: want SEQ:HASH: %w", s, ErrBadAnchor)
	}
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil || seq < 1 {
		return Anchor{}, fmt.Errorf("parsing anchor %q: seq must be a positive number: %w", s, ErrBadAnchor)
	}
	h, err := ParseHash(strings.ToLower(hashText))
	if err != nil {
		return Anchor{}, fmt.Errorf("parsing anchor %q: %w: %w", s, ErrBadAnchor, err)
	}
	return Anchor{Seq: seq, Hash: h}, nil
}
