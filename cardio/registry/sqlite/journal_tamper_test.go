package sqlite

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"omsdesk/cardio/registry"
)

// journalOf appends n entries with distinct, increasing times and returns them.
func journalOf(t testing.TB, s *Store, n int) []registry.Entry {
	t.Helper()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []string{registry.StepValidate, registry.StepCheckBlank, registry.StepPersonalise, registry.StepReadBack, registry.StepCompare, registry.StepActivate, registry.StepRecord, registry.StepPrint}
	var out []registry.Entry
	for i := 0; i < n; i++ {
		e, err := s.Append(ctx, registry.Entry{
			At: t0.Add(time.Duration(i) * time.Minute), Actor: "operator1", Workstation: "desk-3",
			Reader: "Virtual PCD 00 00", CardSerial: fmt.Sprintf("CARD%04d", i/8), ENP: syntheticENP(i / 8),
			Step: steps[i%len(steps)], Result: registry.ResultOK, Detail: fmt.Sprintf("apdus=%d", 8+i),
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// dropTriggers removes the append-only triggers, as a tamperer would first.
func dropTriggers(t testing.TB, db *sql.DB) {
	mustExec(t, db, `DROP TRIGGER journal_no_update`)
	mustExec(t, db, `DROP TRIGGER journal_no_delete`)
}

// problem is the comparable core of a JournalProblem.
type problem struct {
	seq  int64
	code registry.ProblemCode
	from int64
	to   int64
}

func problemsOf(r registry.JournalReport) []problem {
	var out []problem
	for _, p := range r.Problems {
		q := problem{seq: p.Seq, code: p.Code}
		switch p.Code {
		case registry.ProblemDeleted, registry.ProblemTruncated, registry.ProblemMoved, registry.ProblemAnchorMissing:
			q.from, q.to = p.From, p.To
		}
		out = append(out, q)
	}
	return out
}

func TestJournalTriggersRefuseEdits(t *testing.T) {
	s, path := newStore(t)
	journalOf(t, s, 3)
	db := rawDB(t, path)
	for _, q := range []string{
		`UPDATE journal SET actor = 'x' WHERE seq = 2`,
		`DELETE FROM journal WHERE seq = 3`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: succeeded despite the trigger", q)
		}
	}
	if r, err := s.VerifyJournal(ctx, nil); err != nil || !r.OK() || r.Entries != 3 {
		t.Fatalf("after refused edits: %+v, %v", r, err)
	}
}

// TestJournalVerifyDetectsTampering edits the file through a second handle, the way a
// person with sqlite3 would, and checks that verification names the entry.
func TestJournalVerifyDetectsTampering(t *testing.T) {
	const n = 10
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB, es []registry.Entry)
		anchor func(es []registry.Entry) *registry.Anchor
		want   []problem
	}{
		{
			name:   "untouched",
			tamper: func(*testing.T, *sql.DB, []registry.Entry) {},
		},
		{
			name:   "untouched with head anchor",
			tamper: func(*testing.T, *sql.DB, []registry.Entry) {},
			anchor: func(es []registry.Entry) *registry.Anchor {
				return &registry.Anchor{Seq: es[n-1].Seq, Hash: es[n-1].Hash}
			},
		},
		{
			name:   "untouched with older anchor",
			tamper: func(*testing.T, *sql.DB, []registry.Entry) {},
			anchor: func(es []registry.Entry) *registry.Anchor { return &registry.Anchor{Seq: es[3].Seq, Hash: es[3].Hash} },
		},
		{
			name: "field edited",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET result = 'ok' , detail = 'apdus=99' WHERE seq = 4`)
			},
			want: []problem{{seq: 4, code: registry.ProblemEdited}},
		},
		{
			name: "ENP edited",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET enp = ? WHERE seq = 9`, syntheticENP(42))
			},
			want: []problem{{seq: 9, code: registry.ProblemEdited}},
		},
		{
			name: "time edited backwards",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET at = '2026-03-01T08:00:00.000000000Z' WHERE seq = 5`)
			},
			want: []problem{{seq: 5, code: registry.ProblemEdited}, {seq: 5, code: registry.ProblemTimeOrder}},
		},
		{
			name: "value stored as another type",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET detail = 17 WHERE seq = 2`)
			},
			want: []problem{{seq: 2, code: registry.ProblemEdited}},
		},
		{
			name: "hash changed",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET hash = ? WHERE seq = 6`, fmt.Sprintf("%064x", 6))
			},
			want: []problem{{seq: 6, code: registry.ProblemEdited}, {seq: 7, code: registry.ProblemBrokenLink}},
		},
		{
			name: "hash recomputed after an edit",
			tamper: func(t *testing.T, db *sql.DB, es []registry.Entry) {
				e := es[2]
				e.Actor = "someone-else"
				h := registry.EntryHash(&e)
				mustExec(t, db, `UPDATE journal SET actor = ?, hash = ? WHERE seq = 3`, e.Actor, h.String())
			},
			want: []problem{{seq: 4, code: registry.ProblemBrokenLink}},
		},
		{
			name: "hash garbled",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET hash = 'not a hash' WHERE seq = 2`)
			},
			want: []problem{{seq: 2, code: registry.ProblemMalformed}, {seq: 3, code: registry.ProblemBrokenLink}},
		},
		{
			name: "prev hash changed",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET prev_hash = ? WHERE seq = 8`, fmt.Sprintf("%064x", 8))
			},
			want: []problem{{seq: 8, code: registry.ProblemBrokenLink}, {seq: 8, code: registry.ProblemEdited}},
		},
		{
			name: "genesis prev hash changed",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET prev_hash = ? WHERE seq = 1`, fmt.Sprintf("%064x", 1))
			},
			want: []problem{{seq: 1, code: registry.ProblemBrokenLink}, {seq: 1, code: registry.ProblemEdited}},
		},
		{
			name: "middle entry deleted",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq = 5`)
			},
			want: []problem{{seq: 6, code: registry.ProblemDeleted, from: 5, to: 5}},
		},
		{
			name: "several entries deleted",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq BETWEEN 3 AND 6`)
			},
			want: []problem{{seq: 7, code: registry.ProblemDeleted, from: 3, to: 6}},
		},
		{
			name: "first entries deleted",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq <= 2`)
			},
			want: []problem{{seq: 3, code: registry.ProblemDeleted, from: 1, to: 2}},
		},
		{
			name: "entry deleted and later renumbered",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq = 5`)
				mustExec(t, db, `UPDATE journal SET seq = seq - 1 WHERE seq > 5`)
			},
			want: []problem{
				{seq: 5, code: registry.ProblemBrokenLink}, {seq: 5, code: registry.ProblemMoved, from: 6},
				{seq: 6, code: registry.ProblemMoved, from: 7}, {seq: 7, code: registry.ProblemMoved, from: 8},
				{seq: 8, code: registry.ProblemMoved, from: 9}, {seq: 9, code: registry.ProblemMoved, from: 10},
			},
		},
		{
			name: "two rows swapped by seq",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `UPDATE journal SET seq = -1 WHERE seq = 5`)
				mustExec(t, db, `UPDATE journal SET seq = 5 WHERE seq = 6`)
				mustExec(t, db, `UPDATE journal SET seq = 6 WHERE seq = -1`)
			},
			want: []problem{
				{seq: 5, code: registry.ProblemBrokenLink}, {seq: 5, code: registry.ProblemMoved, from: 6},
				{seq: 6, code: registry.ProblemBrokenLink}, {seq: 6, code: registry.ProblemMoved, from: 5}, {seq: 6, code: registry.ProblemTimeOrder},
				{seq: 7, code: registry.ProblemBrokenLink},
			},
		},
		{
			name: "two rows' contents swapped",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `CREATE TEMP TABLE j AS SELECT * FROM journal WHERE seq IN (2, 3)`)
				for _, c := range []string{"at", "actor", "workstation", "reader", "card_serial", "enp", "step", "result", "detail", "prev_hash", "hash"} {
					mustExec(t, db, fmt.Sprintf(`UPDATE journal SET %[1]s = (SELECT %[1]s FROM j WHERE j.seq = 5 - journal.seq) WHERE seq IN (2, 3)`, c))
				}
			},
			want: []problem{
				{seq: 2, code: registry.ProblemBrokenLink}, {seq: 2, code: registry.ProblemMoved, from: 3},
				{seq: 3, code: registry.ProblemBrokenLink}, {seq: 3, code: registry.ProblemMoved, from: 2}, {seq: 3, code: registry.ProblemTimeOrder},
				{seq: 4, code: registry.ProblemBrokenLink},
			},
		},
		{
			name: "tail truncated, anchor kept",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq > 7`)
			},
			anchor: func(es []registry.Entry) *registry.Anchor {
				return &registry.Anchor{Seq: es[n-1].Seq, Hash: es[n-1].Hash}
			},
			want: []problem{{seq: 7, code: registry.ProblemTruncated, from: 8, to: 10}},
		},
		{
			name: "whole journal deleted, anchor kept",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal`)
			},
			anchor: func(es []registry.Entry) *registry.Anchor {
				return &registry.Anchor{Seq: es[n-1].Seq, Hash: es[n-1].Hash}
			},
			want: []problem{{seq: 0, code: registry.ProblemTruncated, from: 1, to: 10}},
		},
		{
			name: "tail rewritten with a valid chain, anchor kept",
			tamper: func(t *testing.T, db *sql.DB, es []registry.Entry) {
				prev := es[5].Hash
				for i := 6; i < n; i++ {
					e := es[i]
					e.Result = registry.ResultFailed
					e.PrevHash = prev
					e.Hash = registry.EntryHash(&e)
					prev = e.Hash
					mustExec(t, db, `UPDATE journal SET result = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
						e.Result, e.PrevHash.String(), e.Hash.String(), e.Seq)
				}
			},
			anchor: func(es []registry.Entry) *registry.Anchor {
				return &registry.Anchor{Seq: es[n-1].Seq, Hash: es[n-1].Hash}
			},
			want: []problem{{seq: 10, code: registry.ProblemAnchorMismatch}},
		},
		{
			name: "anchor entry deleted in the middle",
			tamper: func(t *testing.T, db *sql.DB, _ []registry.Entry) {
				mustExec(t, db, `DELETE FROM journal WHERE seq = 4`)
			},
			anchor: func(es []registry.Entry) *registry.Anchor { return &registry.Anchor{Seq: es[3].Seq, Hash: es[3].Hash} },
			want:   []problem{{seq: 5, code: registry.ProblemDeleted, from: 4, to: 4}, {seq: 0, code: registry.ProblemAnchorMissing, from: 4}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := newStore(t)
			es := journalOf(t, s, n)
			db := rawDB(t, path)
			dropTriggers(t, db)
			tt.tamper(t, db, es)
			var anchor *registry.Anchor
			if tt.anchor != nil {
				anchor = tt.anchor(es)
			}
			r, err := s.VerifyJournal(ctx, anchor)
			if err != nil {
				t.Fatal(err)
			}
			if got := problemsOf(r); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %v\nwant %v", got, tt.want)
				for _, p := range r.Problems {
					t.Log(p)
				}
			}
			if (r.Err() == nil) != (len(tt.want) == 0) {
				t.Errorf("Err() = %v with %d expected problems", r.Err(), len(tt.want))
			}
		})
	}
}
