package register

// Checking the photo and signature image files a row names. Only the image header is
// decoded (image.DecodeConfig): a 20 MB scan must not be loaded to learn that it is a
// JPEG.

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the formats a row may name
	_ "image/png"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// files opens paths beneath one directory. os.Root refuses paths (and symbolic
// links) that leave it, so a register cannot make the issuer read /etc/shadow.
type files struct {
	dir  string
	root *os.Root
	err  error
}

// fileJob is one image file a row names, checked after all rows are read so that the
// file system work can run in parallel.
type fileJob struct {
	line int
	col  column
	rel  string
	row  int // index in Register.Rows, or -1 when the row is invalid anyway
}

// fileResult is the outcome of a fileJob: the joined path, or a finding.
type fileResult struct {
	path string
	f    *finding
}

// minParallelJobs: below this many files the goroutines cost more than they save.
const minParallelJobs = 64

// checkAll checks every job and returns the results in job order, with one worker
// per CPU. (Four per CPU, to overlap system-call waits, measured slower on the
// 2-core CI machine: the workers contend in the kernel and in the allocator, since
// image.DecodeConfig allocates a JPEG decoder per file.)
func (f *files) checkAll(jobs []fileJob) []fileResult {
	results := make([]fileResult, len(jobs))
	if len(jobs) == 0 {
		return results
	}
	if f.root == nil && f.err == nil {
		f.root, f.err = os.OpenRoot(f.dir)
	}
	workers := runtime.GOMAXPROCS(0)
	if len(jobs) < minParallelJobs {
		workers = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf *bufio.Reader
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				results[i].path, results[i].f = f.check(jobs[i].rel, &buf)
			}
		})
	}
	wg.Wait()
	return results
}

// cleanRelPath turns a path as a register writes it (possibly with Windows
// backslashes) into a slash-separated path inside the directory, or "" when it is
// absolute or climbs out.
func cleanRelPath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if strings.HasPrefix(p, "/") || (len(p) >= 2 && p[1] == ':') {
		return ""
	}
	p = path.Clean(p)
	if p == "." || !fs.ValidPath(p) {
		return ""
	}
	return p
}

// check verifies that rel names a readable JPEG or PNG file and returns its path
// joined onto the directory. f.root must have been opened (checkAll does); *buf is the
// caller's reusable reader (image.DecodeConfig would allocate one per file).
func (f *files) check(rel string, buf **bufio.Reader) (string, *finding) {
	clean := cleanRelPath(rel)
	if clean == "" {
		return "", find("file.outside_dir", "path", rel)
	}
	if f.err != nil {
		return "", find("file.dir_unreadable", "dir", f.dir)
	}
	// O_NONBLOCK: opening a FIFO must not wait for a writer; the descriptor's own
	// Stat then refuses everything but a regular file before a byte is read. One
	// open + fstat costs half of a path Stat followed by an Open.
	fh, err := f.root.OpenFile(filepath.FromSlash(clean), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "", find("file.not_found", "path", rel)
		case isEscape(err):
			return "", find("file.outside_dir", "path", rel)
		}
		return "", find("file.unreadable", "path", rel)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", find("file.not_regular", "path", rel)
	}
	if *buf == nil {
		*buf = bufio.NewReaderSize(fh, 4096)
	} else {
		(*buf).Reset(fh)
	}
	cfg, format, err := image.DecodeConfig(*buf)
	if err != nil || (format != "jpeg" && format != "png") || cfg.Width <= 0 || cfg.Height <= 0 {
		if format == "" {
			format = "?"
		}
		return "", find("file.not_image", "path", rel, "format", format)
	}
	return filepath.Join(f.dir, filepath.FromSlash(clean)), nil
}

// isEscape recognises os.Root's refusal of a path leading outside it (a symbolic
// link pointing out of the directory); the error has no exported sentinel.
func isEscape(err error) bool {
	return strings.Contains(fmt.Sprint(err), "escapes")
}

func (f *files) close() {
	if f.root != nil {
		f.root.Close()
	}
}
