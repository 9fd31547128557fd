package registry

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ProblemCode is the stable code of one kind of journal damage. The i18n key of a
// problem is "registry.journal.<code>".
type ProblemCode string

// What verification can report. docs/registry.md says which hand edits produce which.
const (
	// ProblemEdited: the entry's stored hash is not the hash of its stored fields — a
	// field or the hash itself was changed.
	ProblemEdited ProblemCode = "edited"
	// ProblemMoved: the entry's fields and hash are intact but belong to another seq
	// (From): entries were reordered.
	ProblemMoved ProblemCode = "moved"
	// ProblemBrokenLink: the entry's prev_hash is not the hash of the entry before it
	// (or, for entry 1, not 32 zero bytes): the previous entry's hash was changed, or
	// entries were moved.
	ProblemBrokenLink ProblemCode = "broken_link"
	// ProblemDeleted: entries From…To are missing before this entry.
	ProblemDeleted ProblemCode = "deleted"
	// ProblemTimeOrder: the entry is dated earlier than the entry before it.
	ProblemTimeOrder ProblemCode = "time_order"
	// ProblemSeqOrder: an export lists this seq after a higher or equal one.
	ProblemSeqOrder ProblemCode = "seq_order"
	// ProblemMalformed: a seq, time or hash that does not parse (Got says which).
	ProblemMalformed ProblemCode = "malformed"
	// ProblemTruncated: the journal ends at To-… before the anchor's entry (From…To
	// are missing at the end).
	ProblemTruncated ProblemCode = "truncated"
	// ProblemAnchorMismatch: the anchor's entry exists but has another hash: history up
	// to it was rewritten.
	ProblemAnchorMismatch ProblemCode = "anchor_mismatch"
	// ProblemAnchorMissing: the anchor's entry is among deleted entries.
	ProblemAnchorMissing ProblemCode = "anchor_missing"
)

// maxProblems bounds a report; a journal mangled beyond that is reported as such.
const maxProblems = 1000

// moveWindow is how far from its position a moved entry is looked for, and
// moveBudget how many damaged entries are tried: each try is one SHA-256 per
// candidate seq, so the search stays well under a second.
const (
	moveWindow = 256
	moveBudget = 200
)

// JournalProblem is one finding, at one entry.
type JournalProblem struct {
	Seq  int64       `json:"seq"` // the entry where it was found (0 when it has no usable seq)
	Code ProblemCode `json:"code"`
	// From and To: the missing range (deleted, truncated, anchor_missing), or in From
	// the seq a moved entry belongs to.
	From int64 `json:"from,omitempty"`
	To   int64 `json:"to,omitempty"`
	// Want and Got: the expected and found hash, time or text.
	Want string `json:"want,omitempty"`
	Got  string `json:"got,omitempty"`
}

// Key is the i18n key of the problem's message.
func (p JournalProblem) Key() string { return "registry.journal." + string(p.Code) }

// Args are the message's parameters: seq, from, to, want, got.
func (p JournalProblem) Args() map[string]string {
	return map[string]string{
		"seq": strconv.FormatInt(p.Seq, 10), "from": strconv.FormatInt(p.From, 10),
		"to": strconv.FormatInt(p.To, 10), "want": p.Want, "got": p.Got,
	}
}

// String is an English one-line description, for logs and tests.
func (p JournalProblem) String() string {
	switch p.Code {
	case ProblemEdited:
		return fmt.Sprintf("entry %d: fields do not match its hash (edited): stored %s, computed %s", p.Seq, p.Got, p.Want)
	case ProblemMoved:
		return fmt.Sprintf("entry %d: holds entry %d (reordered)", p.Seq, p.From)
	case ProblemBrokenLink:
		return fmt.Sprintf("entry %d: prev_hash %s is not the previous entry's hash %s", p.Seq, p.Got, p.Want)
	case ProblemDeleted:
		return fmt.Sprintf("entry %d: entries %d–%d are missing (deleted)", p.Seq, p.From, p.To)
	case ProblemTimeOrder:
		return fmt.Sprintf("entry %d: time %s is before the previous entry's %s", p.Seq, p.Got, p.Want)
	case ProblemSeqOrder:
		return fmt.Sprintf("entry %d: listed after entry %s", p.Seq, p.Want)
	case ProblemMalformed:
		return fmt.Sprintf("entry %d: malformed %s", p.Seq, p.Got)
	case ProblemTruncated:
		return fmt.Sprintf("journal ends at entry %d: entries %d–%d of the anchor are missing (truncated)", p.Seq, p.From, p.To)
	case ProblemAnchorMismatch:
		return fmt.Sprintf("entry %d: hash %s differs from the anchor's %s (rewritten)", p.Seq, p.Got, p.Want)
	case ProblemAnchorMissing:
		return fmt.Sprintf("anchor entry %d is missing", p.From)
	}
	return fmt.Sprintf("entry %d: %s", p.Seq, p.Code)
}

// JournalReport is the outcome of a verification.
type JournalReport struct {
	Entries  int64  `json:"entries"`
	FirstSeq int64  `json:"first_seq"`
	LastSeq  int64  `json:"last_seq"`
	Head     Anchor `json:"head"` // last entry's seq and stored hash (zero when unparseable or empty)
	// Anchor is the anchor checked, nil when none was given.
	Anchor   *Anchor          `json:"anchor,omitempty"`
	Problems []JournalProblem `json:"problems"`
	// Omitted counts problems beyond the report's limit.
	Omitted int `json:"omitted,omitempty"`
}

// OK reports whether no problem was found.
func (r *JournalReport) OK() bool { return len(r.Problems) == 0 }

// Err returns nil for a sound journal, else an error wrapping [ErrJournalBroken] that
// names the first problem.
func (r *JournalReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("%w: %d problem(s), first: %s", ErrJournalBroken, len(r.Problems)+r.Omitted, r.Problems[0])
}

// Verifier checks a journal entry by entry, in the order stored (by seq for a
// database, file order for an export), holding only the previous entry, so a journal of
// any length can be verified in constant memory. Any [Store] implementation and
// [VerifyExport] use it.
type Verifier struct {
	anchor     *Anchor
	report     JournalReport
	havePrev   bool
	prevSeq    int64
	prevHash   string // raw, as stored
	prevAt     string // raw, when it parsed
	anchorSeen bool
	moveTries  int
	// late holds seqs listed after a higher one (exports only), so that the gap they
	// left is not reported as deleted entries.
	late map[int64]bool
}

// maxLate bounds the memory spent on out-of-place export lines.
const maxLate = 1 << 16

// NewVerifier starts a verification; anchor may be nil.
func NewVerifier(anchor *Anchor) *Verifier {
	v := &Verifier{anchor: anchor}
	if anchor != nil {
		a := *anchor
		v.report.Anchor = &a
	}
	return v
}

func (v *Verifier) add(p JournalProblem) {
	if len(v.report.Problems) >= maxProblems {
		v.report.Omitted++
		return
	}
	v.report.Problems = append(v.report.Problems, p)
}

// Add checks the next entry.
func (v *Verifier) Add(r RawEntry) {
	v.report.Entries++
	seq, seqErr := strconv.ParseInt(r.Seq, 10, 64)
	if seqErr != nil {
		v.add(JournalProblem{Seq: v.prevSeq + 1, Code: ProblemMalformed, Got: "seq " + strconv.Quote(r.Seq)})
		seq = v.prevSeq + 1
	}
	prev, prevErr := ParseHash(r.PrevHash)
	if prevErr != nil {
		v.add(JournalProblem{Seq: seq, Code: ProblemMalformed, Got: "prev_hash " + strconv.Quote(r.PrevHash)})
	}
	stored, hashErr := ParseHash(r.Hash)
	if hashErr != nil {
		v.add(JournalProblem{Seq: seq, Code: ProblemMalformed, Got: "hash " + strconv.Quote(r.Hash)})
	}
	_, atErr := time.Parse(TimeLayout, r.At)
	if atErr != nil {
		v.add(JournalProblem{Seq: seq, Code: ProblemMalformed, Got: "at " + strconv.Quote(r.At)})
	}

	// Position: gaps mean deleted entries; in an export, a seq that does not grow means
	// lines were moved or copied.
	gap := false
	switch {
	case !v.havePrev && seq > 1:
		v.add(JournalProblem{Seq: seq, Code: ProblemDeleted, From: 1, To: seq - 1})
		gap = true
	case v.havePrev && seq > v.prevSeq+1:
		v.add(JournalProblem{Seq: seq, Code: ProblemDeleted, From: v.prevSeq + 1, To: seq - 1})
		gap = true
	case v.havePrev && seq <= v.prevSeq:
		v.add(JournalProblem{Seq: seq, Code: ProblemSeqOrder, Want: strconv.FormatInt(v.prevSeq, 10)})
		gap = true
	}

	// Link to the entry before. After a gap there is nothing to link to.
	if !gap && prevErr == nil {
		want := ZeroHash.String()
		if v.havePrev {
			want = v.prevHash
		}
		if prev.String() != want {
			v.add(JournalProblem{Seq: seq, Code: ProblemBrokenLink, Want: want, Got: prev.String()})
		}
	}

	// The entry's own hash; a mismatch may be an intact entry at the wrong place.
	if seqErr == nil && prevErr == nil && hashErr == nil {
		if computed := rawHash(seq, &r, prev); computed != stored {
			if from, ok := v.findMove(seq, &r, prev, stored); ok {
				v.add(JournalProblem{Seq: seq, Code: ProblemMoved, From: from})
			} else {
				v.add(JournalProblem{Seq: seq, Code: ProblemEdited, Want: computed.String(), Got: stored.String()})
			}
		}
	}

	// Time order (the store never dates an entry before its predecessor).
	if atErr == nil {
		if v.prevAt != "" && r.At < v.prevAt {
			v.add(JournalProblem{Seq: seq, Code: ProblemTimeOrder, Want: v.prevAt, Got: r.At})
		}
		v.prevAt = r.At
	}

	if v.anchor != nil && seq == v.anchor.Seq {
		v.anchorSeen = true
		if hashErr != nil || stored != v.anchor.Hash {
			v.add(JournalProblem{Seq: seq, Code: ProblemAnchorMismatch, Want: v.anchor.Hash.String(), Got: r.Hash})
		}
	}

	if !v.havePrev {
		v.report.FirstSeq = seq
	}
	if v.havePrev && seq <= v.prevSeq {
		if v.late == nil {
			v.late = map[int64]bool{}
		}
		if len(v.late) < maxLate {
			v.late[seq] = true
		}
		// An export line out of place: keep following the chain from the highest
		// entry seen, so the lines after it are judged against their real predecessor.
		return
	}
	v.havePrev = true
	v.prevSeq = seq
	v.prevHash = strings.ToLower(r.Hash)
	v.report.LastSeq = seq
	v.report.Head = Anchor{Seq: seq}
	if hashErr == nil {
		v.report.Head.Hash = stored
	}
}

// findMove looks for the seq near this position at which the entry's fields hash to
// its stored hash.
func (v *Verifier) findMove(seq int64, r *RawEntry, prev, stored Hash) (int64, bool) {
	if v.moveTries >= moveBudget {
		return 0, false
	}
	v.moveTries++
	for d := int64(1); d <= moveWindow; d++ {
		for _, k := range []int64{seq + d, seq - d} {
			if k >= 1 && rawHash(k, r, prev) == stored {
				return k, true
			}
		}
	}
	return 0, false
}

func (v *Verifier) allLate(from, to int64) bool {
	if len(v.late) == 0 || to-from >= int64(len(v.late)) {
		return false
	}
	for k := from; k <= to; k++ {
		if !v.late[k] {
			return false
		}
	}
	return true
}

// Report finishes the verification: it adds what only the end can tell (an anchor
// beyond the last entry) and returns the report.
func (v *Verifier) Report() JournalReport {
	r := v.report
	r.Problems = nil
	for _, p := range v.report.Problems {
		if p.Code == ProblemDeleted && v.allLate(p.From, p.To) {
			continue // not deleted: listed later, which seq_order reports
		}
		r.Problems = append(r.Problems, p)
	}
	if v.anchor != nil && !v.anchorSeen {
		switch {
		case !v.havePrev || v.prevSeq < v.anchor.Seq:
			last := int64(0)
			if v.havePrev {
				last = v.prevSeq
			}
			p := JournalProblem{Seq: last, Code: ProblemTruncated, From: last + 1, To: v.anchor.Seq}
			if len(r.Problems) < maxProblems {
				r.Problems = append(r.Problems, p)
			} else {
				r.Omitted++
			}
		default:
			p := JournalProblem{Code: ProblemAnchorMissing, From: v.anchor.Seq}
			if len(r.Problems) < maxProblems {
				r.Problems = append(r.Problems, p)
			} else {
				r.Omitted++
			}
		}
	}
	return r
}
