//go:build unix

package pcsctest

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockRetry is the pause between attempts to take a busy slot lock.
const lockRetry = 50 * time.Millisecond

// lockFile takes an exclusive flock on f, retrying until wait has passed.
func lockFile(f *os.File, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still held by another process after %v", wait)
		}
		time.Sleep(lockRetry)
	}
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
