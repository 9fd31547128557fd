// Package cupstest gives tests a real CUPS scheduler with OMS Desk's cups-pdf test
// printer, OMSDesk-PDF, which writes every job as a PDF file the test can read back.
//
// [Require] makes sure the queue exists, running scripts/cups-setup.sh (as root) when
// it does not: it starts cupsd if needed and creates the queue. Without root or without
// the Debian packages cups and printer-driver-cups-pdf the test is skipped, unless
// OMSDESK_REQUIRE_TOOLS=1 demands that it run. The set-up is serialised across test
// processes with a file lock (go test runs packages in parallel).
package cupstest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Queue is the cups-pdf test printer scripts/cups-setup.sh creates.
const Queue = "OMSDesk-PDF"

// OutBase is where that printer's cups-pdf instance writes: one directory per user.
const OutBase = "/var/spool/omsdesk-pdf"

// Printer is the ready test printer.
type Printer struct {
	Queue string
	// Dir is where the jobs of the user running the test land, as
	// <title>…-job_<number>.pdf.
	Dir string
}

// Require returns the test printer, setting it up first if it is missing.
func Require(t testing.TB) Printer {
	t.Helper()
	for _, tool := range []string{"lp", "lpstat"} {
		if _, err := exec.LookPath(tool); err != nil {
			need(t, "%s not found (Debian: cups-client, cups, printer-driver-cups-pdf)", tool)
		}
	}
	unlock := lock(t)
	defer unlock()
	if !ready() {
		if os.Geteuid() != 0 {
			need(t, "the %s queue is missing and only root can create it: run scripts/cups-setup.sh as root", Queue)
		}
		script := filepath.Join(repoRoot(t), "scripts", "cups-setup.sh")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "bash", script).CombinedOutput()
		if err != nil {
			need(t, "scripts/cups-setup.sh failed: %v\n%s", err, out)
		}
		if !ready() {
			t.Fatalf("scripts/cups-setup.sh ran but %s is not ready:\n%s", Queue, out)
		}
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("who am I: %v", err)
	}
	return Printer{Queue: Queue, Dir: filepath.Join(OutBase, u.Username)}
}

// need skips the test, or fails it under OMSDESK_REQUIRE_TOOLS=1.
func need(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// ready reports whether the scheduler runs and the queue is enabled and accepting.
func ready() bool {
	env := append(os.Environ(), "LC_ALL=C", "LANG=C")
	cmd := exec.Command("lpstat", "-r", "-p", Queue, "-a", Queue)
	cmd.Env = env
	out, err := cmd.Output()
	s := string(out)
	return err == nil && strings.Contains(s, "scheduler is running") &&
		strings.Contains(s, "printer "+Queue+" is") && !strings.Contains(s, "disabled") &&
		strings.Contains(s, Queue+" accepting requests")
}

// FindOutput waits until cups-pdf has written job number n's file into dir and
// returns its path. cups-pdf writes the file before the job completes, but a reader
// may see it half written: the size must stop changing first.
func FindOutput(dir string, n int, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	pattern := filepath.Join(dir, fmt.Sprintf("*-job_%d.pdf", n))
	var last int64 = -1
	for {
		ms, _ := filepath.Glob(pattern)
		if len(ms) > 1 {
			return "", fmt.Errorf("several files for job %d: %v", n, ms)
		}
		if len(ms) == 1 {
			if fi, err := os.Stat(ms[0]); err == nil && fi.Size() > 0 && fi.Size() == last {
				return ms[0], nil
			} else if err == nil {
				last = fi.Size()
			}
		}
		if time.Now().After(deadline) {
			return "", errors.New("no output file " + pattern)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// lock takes a machine-wide lock so that two test processes do not set CUPS up at
// once.
func lock(t testing.TB) func() {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "omsdesk-cups-setup.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("opening CUPS set-up lock: %v", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			t.Fatalf("locking CUPS set-up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}

// repoRoot is the module's root: two directories above this file's package.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate cupstest's source")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}
