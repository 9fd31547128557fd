package issuance

import (
	"context"
	"fmt"
	"testing"

	"omsdesk/cardio"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// feeder hands out the cards of a list, as an operator would insert them.
type feeder struct {
	cards []cardio.Transport
	next  int
	// cancelAfter stops the run (Ctrl-C, crash) once this many cards were handed out.
	cancelAfter int
	cancel      context.CancelFunc
}

func (f *feeder) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	if f.next >= len(f.cards) {
		return nil, func() {}, fmt.Errorf("no card left for row %d", row)
	}
	t := f.cards[f.next]
	f.next++
	return t, func() {
		if f.cancelAfter > 0 && f.next == f.cancelAfter {
			f.cancel()
		}
	}, nil
}

// holders makes n synthetic adults with distinct ENPs.
func holders(t *testing.T, n int) []BatchRow {
	t.Helper()
	rows := make([]BatchRow, n)
	for i := range rows {
		p := adult()
		body := fmt.Sprintf("770000000%06d", i+1)
		d, err := policy.ENPCheckDigit(body)
		if err != nil {
			t.Fatal(err)
		}
		p.Owner.ENP = body + string(d)
		rows[i] = BatchRow{Line: i + 2, Holder: p.Document(), Reason: ReasonNew}
	}
	return rows
}

func TestBatchSurvivesInterruptionAndReconciles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rows := holders(t, 5)
	bad := adult()
	bad.Owner.ENP = rows[0].Holder.ENP // the same policy twice: the second is refused
	rows = append(rows, BatchRow{Line: 7, Holder: bad.Document(), Reason: ReasonNew})
	id, err := Enqueue(ctx, f.store, "test", rows)
	if err != nil {
		t.Fatal(err)
	}
	issued := blank(90, vcard.Faults{})
	if _, err := f.issue(t, issued, Request{Policy: holders(t, 10)[9].policy(t)}); err != nil {
		t.Fatal(err)
	}
	// First run: a good card, a card that is not blank (stays pending), a card that
	// stores a wrong byte (spoiled), a good card — then the run is interrupted.
	runCtx, cancel := context.WithCancel(ctx)
	first := &feeder{cards: []cardio.Transport{blank(1, vcard.Faults{}).Transport(), issued.Transport(),
		&corruptingTransport{Transport: blank(2, vcard.Faults{}).Transport(), n: 1}, blank(3, vcard.Faults{}).Transport()},
		cancelAfter: 4, cancel: cancel}
	rep, err := f.issuer.RunBatch(runCtx, id, first, pins, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Stopped || len(rep.Issued) != 2 || len(rep.Spoiled) != 1 || rep.Batch.Pending != 4 {
		t.Fatalf("first run %+v", rep)
	}
	// Second run on a new process (same registry): resumes at the first pending row.
	second := &feeder{cards: []cardio.Transport{blank(4, vcard.Faults{}).Transport(), blank(5, vcard.Faults{}).Transport(),
		blank(6, vcard.Faults{}).Transport(), blank(7, vcard.Faults{}).Transport()}}
	rep, err = f.issuer.RunBatch(ctx, id, second, pins, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stopped || rep.Batch.Done != 5 || rep.Batch.Failed != 1 || rep.Batch.Pending != 0 || len(rep.Failed) != 1 || rep.Failed[0].Code != "already_issued" {
		t.Fatalf("second run %+v", rep)
	}
	if second.next != 3 {
		t.Errorf("second run used %d cards, want 3: the refused row must not take a card", second.next)
	}
	items, _ := f.store.BatchItems(ctx, id)
	serials := map[string]bool{}
	for _, it := range items {
		if it.State == registry.ItemDone {
			if serials[it.CardSerial] {
				t.Errorf("card %s issued twice", it.CardSerial)
			}
			serials[it.CardSerial] = true
		}
	}
	if j, err := f.store.VerifyJournal(ctx, nil); err != nil || !j.OK() {
		t.Fatalf("journal %+v %v", j, err)
	}
}

func (r BatchRow) policy(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := r.Holder.Policy()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
