// Command xwatch is scripts/gui-bench.sh's stopwatch for a desktop program under Xvfb:
// it starts the program, watches the X server until a window of the program shows a
// painted frame, and prints how long that took from the moment it started the process;
// then it lets the program idle and reads its resident memory from /proc.
//
//	xwatch [-idle 5s] [-timeout 30s] -- PROGRAM ARGS...
//
// prints one line: first_frame_ms=… rss_kib=… anon_kib=… file_kib=… (the program's standard output and
// error pass through). A frame counts as painted when more than half of the window's
// pixels are not black and it has at least three colours: the X server must run with a
// black root window (Xvfb -br), so a mapped window the program has not drawn into yet is
// black. The window is sampled with XGetImage every poll interval (2 ms by default),
// which bounds the resolution. It needs libX11 (cgo); it lives under testdata so that
// `go build ./...` and `go vet ./...` of the module leave it alone.
package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdlib.h>

static int ignoreErrors(Display *d, XErrorEvent *e) { return 0; }
static void quietErrors(void) { XSetErrorHandler(ignoreErrors); }

// painted reports whether a viewable top-level window at least 200×150 shows a painted
// frame (see the command's doc).
static int painted(Display *d) {
	Window root = DefaultRootWindow(d), parent, *kids = NULL;
	unsigned int n = 0, i;
	int found = 0;
	if (!XQueryTree(d, root, &root, &parent, &kids, &n)) return 0;
	for (i = 0; i < n && !found; i++) {
		XWindowAttributes a;
		if (!XGetWindowAttributes(d, kids[i], &a) || a.map_state != IsViewable || a.width < 200 || a.height < 150) continue;
		XImage *img = XGetImage(d, kids[i], 0, 0, a.width, a.height, AllPlanes, ZPixmap);
		if (!img) continue;
		long lit = 0, total = (long)a.width * a.height;
		unsigned long colours[3];
		int ncolours = 0, x, y, k;
		for (y = 0; y < a.height; y++) {
			for (x = 0; x < a.width; x++) {
				unsigned long p = XGetPixel(img, x, y) & 0xffffff;
				if (p) lit++;
				if (ncolours < 3) {
					for (k = 0; k < ncolours && colours[k] != p; k++);
					if (k == ncolours) colours[ncolours++] = p;
				}
			}
		}
		XDestroyImage(img);
		found = lit * 2 > total && ncolours >= 3;
	}
	if (kids) XFree(kids);
	return found;
}
*/
import "C"

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

func main() {
	idle := flag.Duration("idle", 5*time.Second, "how long the program idles after its first frame before its memory is read")
	timeout := flag.Duration("timeout", 30*time.Second, "give up when no frame was painted by then")
	poll := flag.Duration("poll", 2*time.Millisecond, "pause between two looks at the screen")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: xwatch [-idle D] [-timeout D] [-poll D] -- PROGRAM ARGS...")
		os.Exit(2)
	}
	if err := run(flag.Args(), *idle, *timeout, *poll); err != nil {
		fmt.Fprintln(os.Stderr, "xwatch:", err)
		os.Exit(1)
	}
}

func run(argv []string, idle, timeout, poll time.Duration) error {
	d := C.XOpenDisplay(nil)
	if d == nil {
		return errors.New("cannot open the X display (is DISPLAY set?)")
	}
	defer C.XCloseDisplay(d)
	C.quietErrors()
	if C.painted(d) != 0 {
		return errors.New("a painted window is already on screen")
	}

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", argv[0], err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()

	var first time.Duration
	for C.painted(d) == 0 {
		if time.Since(start) > timeout {
			return fmt.Errorf("no painted window within %s", timeout)
		}
		time.Sleep(poll)
	}
	first = time.Since(start)

	time.Sleep(idle)
	mem, err := memory(cmd.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("first_frame_ms=%.1f rss_kib=%d anon_kib=%d file_kib=%d\n",
		float64(first.Microseconds())/1000, mem["VmRSS"], mem["RssAnon"], mem["RssFile"])
	return nil
}

// memory reads VmRSS and its parts (RssAnon: the program's own heap and stacks;
// RssFile: pages of mapped files, mostly shared libraries) from /proc/PID/status, in KiB.
func memory(pid int) (map[string]int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, fmt.Errorf("reading the program's memory: %w", err)
	}
	defer f.Close()
	mem := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "RssAnon" && key != "RssFile") {
			continue
		}
		var kib int
		if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kib); err != nil {
			return nil, fmt.Errorf("parsing %s %q: %w", key, v, err)
		}
		mem[key] = kib
	}
	if _, ok := mem["VmRSS"]; !ok {
		return nil, errors.New("no VmRSS in the program's status (has it exited?)")
	}
	return mem, nil
}
