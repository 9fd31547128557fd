// Package pcsctest helps tests drive the real PC/SC stack: it connects to pcscd (skipping
// the test when pcscd is not running, unless OMSDESK_REQUIRE_PCSC=1 demands it), and
// inserts and removes Go-implemented cards through vsmartcard's vpcd, waiting each time
// until pcscd has seen the change. pcscd polls vpcd every 400 ms, so these waits take up
// to about half a second; they block on SCardGetStatusChange, never on fixed sleeps.
//
// vpcd slots are shared by every process on the machine: two packages inserting cards
// into the same slot collide. [InsertCard] therefore holds a machine-wide lock on the slot
// ([LockSlot]) until the test ends.
package pcsctest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/vpcd"
)

// RequireEnv is the environment variable that turns "pcscd is not reachable" from a
// skip into a failure (CI sets it to 1).
const RequireEnv = "OMSDESK_REQUIRE_PCSC"

// Timeout bounds each wait for pcscd to notice an insertion or removal: far above the
// 400 ms polling interval, so that only a real failure trips it.
const Timeout = 5 * time.Second

// RequirePCSCD connects to pcscd and checks that vpcd's first reader is configured. When
// either is missing it skips the test, or fails it if OMSDESK_REQUIRE_PCSC=1. The context
// is released when the test ends.
func RequirePCSCD(t testing.TB) *pcsc.Context {
	t.Helper()
	ctx, err := pcsc.Establish()
	if err != nil {
		unavailable(t, "pcscd not reachable: %v", err)
	}
	t.Cleanup(func() { ctx.Release() })
	readers, err := ctx.Readers()
	if err != nil {
		unavailable(t, "listing readers: %v", err)
	}
	want := vpcd.ReaderName(0)
	for _, r := range readers {
		if r == want {
			return ctx
		}
	}
	unavailable(t, "vpcd reader %q not among %q (is vsmartcard-vpcd installed?)", want, readers)
	return nil
}

func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (set "+RequireEnv+"=1 to fail instead)", args...)
}

// InsertCard locks vpcd slot for the test ([LockSlot]), waits until the slot's reader is
// empty, inserts card, and waits until pcscd reports a card with card's ATR there. The
// card is removed when the test ends if it is still in.
func InsertCard(t testing.TB, ctx *pcsc.Context, slot int, card vpcd.Card) *vpcd.Link {
	t.Helper()
	LockSlot(t, slot)
	reader := vpcd.ReaderName(slot)
	wctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := pcsc.WaitForRemoval(wctx, ctx, reader); err != nil {
		t.Fatalf("waiting for %q to be empty before inserting: %v", reader, err)
	}
	link, err := vpcd.Insert(wctx, vpcd.SlotAddr(slot), card)
	if err != nil {
		t.Fatalf("inserting card into %q: %v", reader, err)
	}
	t.Cleanup(func() {
		if err := removeAndWait(ctx, reader, link); err != nil {
			t.Errorf("removing card from %q: %v", reader, err)
		}
	})
	_, atr, err := pcsc.WaitForCard(wctx, ctx, reader)
	if err != nil {
		link.Remove()
		t.Fatalf("waiting for pcscd to see the card in %q: %v (link: %v)", reader, err, link.Err())
	}
	if want := card.ATR(); !bytes.Equal(atr, want) {
		link.Remove()
		t.Fatalf("card in %q has ATR % X, want % X: is another test using this slot?", reader, atr, want)
	}
	return link
}

// RemoveCard removes the card behind link from vpcd slot and waits until pcscd reports
// the reader empty.
func RemoveCard(t testing.TB, ctx *pcsc.Context, slot int, link *vpcd.Link) {
	t.Helper()
	if err := removeAndWait(ctx, vpcd.ReaderName(slot), link); err != nil {
		t.Fatal(err)
	}
}

// removeAndWait removes the card and waits until pcscd reports the reader empty.
func removeAndWait(ctx *pcsc.Context, reader string, link *vpcd.Link) error {
	if err := link.Remove(); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	err := pcsc.WaitForRemoval(wctx, ctx, reader)
	if errors.Is(err, pcsc.ErrClosed) {
		return nil // the test's context is already released: nothing left to wait with
	}
	return err
}
