package registry

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"omsdesk/cardio/policy"
)

// syntheticENP makes the n-th synthetic ENP: a 15-digit body from n and its check digit.
func syntheticENP(n int) string {
	body := fmt.Sprintf("77%013d", n)
	c, err := policy.ENPCheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// chainOf builds a valid chain of n entries in memory, as a store's Append would.
func chainOf(n int) []Entry {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []string{StepValidate, StepCheckBlank, StepPersonalise, StepReadBack, StepCompare, StepActivate, StepRecord, StepPrint}
	var out []Entry
	prev := ZeroHash
	for i := 0; i < n; i++ {
		e := Entry{
			Seq: int64(i + 1), At: t0.Add(time.Duration(i) * time.Minute), Actor: "operator1", Workstation: "desk-3",
			Reader: "Virtual PCD 00 00", CardSerial: fmt.Sprintf("CARD%04d", i/8), ENP: syntheticENP(i / 8),
			Step: steps[i%len(steps)], Result: ResultOK, Detail: fmt.Sprintf("apdus=%d", 8+i), PrevHash: prev,
		}
		e.Hash = EntryHash(&e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

// appendTo chains e after es, as Append would.
func appendTo(es []Entry, e Entry) []Entry {
	e.Seq = int64(len(es) + 1)
	if len(es) > 0 {
		e.PrevHash = es[len(es)-1].Hash
	}
	e.Hash = EntryHash(&e)
	return append(es, e)
}

// exportOf writes entries in one format.
func exportOf(t testing.TB, es []Entry, f ExportFormat) []byte {
	t.Helper()
	var b bytes.Buffer
	x, err := NewExportWriter(&b, f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range es {
		if err := x.Write(es[i].Raw()); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// problem is the comparable core of a JournalProblem.
type problem struct {
	seq  int64
	code ProblemCode
	from int64
	to   int64
}

func problemsOf(r JournalReport) []problem {
	var out []problem
	for _, p := range r.Problems {
		q := problem{seq: p.Seq, code: p.Code}
		switch p.Code {
		case ProblemDeleted, ProblemTruncated, ProblemMoved, ProblemAnchorMissing:
			q.from, q.to = p.From, p.To
		}
		out = append(out, q)
	}
	return out
}
