package sqlite

import (
	"errors"
	"sync"
	"testing"
	"time"

	"omsdesk/cardio/registry"
)

func TestAppendChains(t *testing.T) {
	s, _ := newStore(t)
	if h, err := s.Head(ctx); err != nil || h != (registry.Anchor{}) {
		t.Fatalf("empty journal head %v, %v", h, err)
	}
	es := journalOf(t, s, 5)
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d has seq %d", i, e.Seq)
		}
		prev := registry.ZeroHash
		if i > 0 {
			prev = es[i-1].Hash
		}
		if e.PrevHash != prev {
			t.Errorf("entry %d prev hash %s, want %s", e.Seq, e.PrevHash, prev)
		}
		if e.Hash != registry.EntryHash(&e) {
			t.Errorf("entry %d returned with a hash that is not its own", e.Seq)
		}
	}
	h, err := s.Head(ctx)
	if err != nil || h != (registry.Anchor{Seq: 5, Hash: es[4].Hash}) {
		t.Fatalf("head %v, %v", h, err)
	}
	// A clock that steps back does not date an entry before its predecessor.
	back, err := s.Append(ctx, registry.Entry{At: es[4].At.Add(-time.Hour), Step: registry.StepPrint, Result: registry.ResultOK})
	if err != nil {
		t.Fatal(err)
	}
	if !back.At.Equal(es[4].At) {
		t.Errorf("clock step back: at %v, want clamped to %v", back.At, es[4].At)
	}
	// Zero time: the store's clock.
	s.now = func() time.Time { return time.Date(2027, 1, 2, 3, 4, 5, 6, time.FixedZone("MSK", 3*3600)) }
	e, err := s.Append(ctx, registry.Entry{Step: registry.StepPrint, Result: registry.ResultOK})
	if err != nil {
		t.Fatal(err)
	}
	if e.At != time.Date(2027, 1, 2, 0, 4, 5, 6, time.UTC) {
		t.Errorf("store clock entry at %v", e.At)
	}
	if r, err := s.VerifyJournal(ctx, &h); err != nil || !r.OK() || r.Entries != 7 || r.Head.Seq != 7 {
		t.Fatalf("verify: %+v, %v", r, err)
	}
}

func TestAppendRefusesBadEntries(t *testing.T) {
	s, _ := newStore(t)
	for name, e := range map[string]registry.Entry{
		"no step":         {Result: registry.ResultOK},
		"no result":       {Step: registry.StepPrint},
		"invalid utf-8":   {Step: registry.StepPrint, Result: registry.ResultOK, Detail: "\xff"},
		"carriage return": {Step: registry.StepPrint, Result: registry.ResultOK, Detail: "a\rb"},
		"nul":             {Step: registry.StepPrint, Result: registry.ResultOK, Actor: "a\x00"},
	} {
		if _, err := s.Append(ctx, e); !errors.Is(err, registry.ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.Append(ctx, registry.Entry{Step: registry.StepPrint, Result: registry.ResultOK, Detail: "multi\nline\ttab"}); err != nil {
		t.Errorf("newline and tab refused: %v", err)
	}
}

func TestAppendConcurrent(t *testing.T) {
	s, _ := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_, err := s.Append(ctx, registry.Entry{Actor: "worker", Workstation: string(rune('A' + g)), Step: registry.StepValidate, Result: registry.ResultOK})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.VerifyJournal(ctx, nil)
	if err != nil || !r.OK() || r.Entries != 200 || r.LastSeq != 200 {
		t.Fatalf("after concurrent appends: %+v, %v", r, err)
	}
}

// TestAppendTwoHandles appends through two stores on the same file, as two processes
// would: SQLite's write lock, not the in-process mutex, keeps the chain straight.
func TestAppendTwoHandles(t *testing.T) {
	s1, path := newStore(t)
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				_, err := s.Append(ctx, registry.Entry{Step: registry.StepValidate, Result: registry.ResultOK})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s1.VerifyJournal(ctx, nil); err != nil || !r.OK() || r.Entries != 100 {
		t.Fatalf("after appends from two handles: %+v, %v", r, err)
	}
}
