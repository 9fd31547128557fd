package cardsource

import (
	"context"
	"testing"
	"time"

	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/vpcd"
)

// e2eSlot is the vpcd slot this package's end-to-end test uses; slot 0 is busier.
const e2eSlot = 1

// TestPCSCSourceEndToEnd follows vpcd's second reader through the real pcscd: insert a
// card of the issuance profile, remove it, put it back quickly.
func TestPCSCSourceEndToEnd(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	pcsctest.LockSlot(t, e2eSlot)
	reader := vpcd.ReaderName(e2eSlot)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := make(chan Update, 64)
	readerLists := make(chan []string, 64)
	src := PCSCSource{Reader: reader, OnReaders: func(l []string) { readerLists <- l }}
	done := make(chan struct{})
	go func() { src.Run(ctx, func(u Update) { updates <- u }); close(done) }()
	defer func() { cancel(); <-done }()

	next := func(want State) Update {
		t.Helper()
		for {
			select {
			case u := <-updates:
				if u.State == want {
					return u
				}
				if u.State == StateError || u.State == StateNoService {
					t.Fatalf("waiting for %v: got %v (%v)", want, u.State, u.Err)
				}
			case <-time.After(pcsctest.Timeout):
				t.Fatalf("no %v update", want)
			}
		}
	}
	next(StateWaiting)
	select {
	case l := <-readerLists:
		found := false
		for _, r := range l {
			found = found || r == reader
		}
		if !found {
			t.Fatalf("reader list %q lacks %q", l, reader)
		}
	case <-time.After(pcsctest.Timeout):
		t.Fatal("no reader list")
	}

	card := issuedCard(t, testSerial)
	link := pcsctest.InsertCard(t, pc, e2eSlot, card)
	next(StateReading)
	u := next(StateRead)
	if u.Reader != reader || u.Details == nil || u.Details.Serial != testSerial || u.Result.Policy.Owner.ENP != "5001234567890127" {
		t.Fatalf("read %+v (details %+v)", u, u.Details)
	}
	pcsctest.RemoveCard(t, pc, e2eSlot, link)
	next(StateRemoved)

	// Re-insert at once: the source must report the card again.
	link, err := vpcd.Insert(ctx, vpcd.SlotAddr(e2eSlot), card)
	if err != nil {
		t.Fatal(err)
	}
	defer link.Remove()
	if u := next(StateRead); u.Details == nil || u.Details.Serial != testSerial {
		t.Fatalf("second read %+v", u)
	}
	link.Remove()
	next(StateRemoved)
}
