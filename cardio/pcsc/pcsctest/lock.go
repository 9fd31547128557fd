package pcsctest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// LockWait bounds how long LockSlot waits for another process to free a slot.
const LockWait = 2 * time.Minute

// slotHold is this process's claim on one slot: the locked file and how many tests hold it.
type slotHold struct {
	f *os.File
	n int
}

var (
	slotMu sync.Mutex
	held   = map[int]*slotHold{}
)

// LockSlot gives the calling test the vpcd slot until it ends, serialising test
// processes on this machine: `go test ./...` runs packages in parallel, and two
// packages inserting cards into one slot see each other's cards. The lock is an flock(2)
// on a file in os.TempDir(), so it only keeps out processes that take it too; it is
// re-entrant within a process. InsertCard takes it; tests that insert cards with
// vpcd.Insert directly should call it first.
func LockSlot(t testing.TB, slot int) {
	t.Helper()
	slotMu.Lock()
	defer slotMu.Unlock()
	h := held[slot]
	if h == nil {
		name := filepath.Join(os.TempDir(), fmt.Sprintf("omsdesk-vpcd-slot%d.lock", slot))
		f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			t.Fatalf("opening slot lock: %v", err)
		}
		if err := lockFile(f, LockWait); err != nil {
			f.Close()
			t.Fatalf("locking vpcd slot %d (%s): %v", slot, name, err)
		}
		h = &slotHold{f: f}
		held[slot] = h
	}
	h.n++
	t.Cleanup(func() {
		slotMu.Lock()
		defer slotMu.Unlock()
		if h.n--; h.n == 0 {
			unlockFile(h.f)
			h.f.Close()
			delete(held, slot)
		}
	})
}
