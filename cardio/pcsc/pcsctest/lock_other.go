//go:build !unix

package pcsctest

import (
	"os"
	"time"
)

// lockFile does nothing where flock(2) is missing: vpcd end-to-end tests run on Linux.
func lockFile(*os.File, time.Duration) error { return nil }

func unlockFile(*os.File) {}
