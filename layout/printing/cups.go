package printing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// JobID is a CUPS job as lp names it: "<queue>-<number>", e.g. "OMSDesk-PDF-12".
type JobID string

// Number is the scheduler's job number, the part after the last '-'.
func (id JobID) Number() (int, bool) {
	i := strings.LastIndexByte(string(id), '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(id[i+1:]))
	return n, err == nil && n > 0
}

// Job is one document to print.
type Job struct {
	Printer string // CUPS queue name
	PDF     []byte
	// Title names the job in queues, logs and on banner pages, where anyone near the
	// printer can read it: a short ASCII token such as "omsdesk-card", never a
	// holder's name or the document's file name (see ValidateTitle). Empty: "omsdesk".
	Title  string
	Copies int // 0 means 1
	Duplex bool
	// Media is the paper: MediaCard or MediaA4; empty leaves the queue's default.
	Media Media
}

// MaxCopies caps Job.Copies: more is a typo, not a print run.
const MaxCopies = 100

// titleRe is what a job title may be: it never reaches a log with personal data in it
// because nothing but a short technical token fits.
var titleRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// ValidateTitle accepts 1–40 ASCII letters, digits, '.', '_' and '-' starting with a
// letter or digit. Names in Cyrillic, spaces and paths are refused, so a holder's name
// or a file name cannot slip into a queue listing by accident.
func ValidateTitle(title string) error {
	if !titleRe.MatchString(title) {
		return fmt.Errorf("%w: title must be a short ASCII token", ErrInvalidJob)
	}
	return nil
}

// cardMediaOption is the ID-1 card size for CUPS. Both media= and PageSize= are sent:
// with a PPD queue, media=Custom.… alone is rounded down to whole points (measured with
// cups-pdf: 242 × 152 pt instead of 242.65 × 153.01), PageSize=Custom.… is exact.
const cardMediaOption = "Custom.85.6x53.98mm"

// LPOptions returns the lp(1) arguments for job, without the input file: the queue,
// the title, copies, and the options that make CUPS print at 100 %:
// print-scaling=none (IPP, PWG 5100.16) and fit-to-page=false (older cups-filters),
// the media size, and sides for duplex.
func LPOptions(job Job) ([]string, error) {
	if err := ValidatePrinterName(job.Printer); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidJob, err)
	}
	title := job.Title
	if title == "" {
		title = "omsdesk"
	}
	if err := ValidateTitle(title); err != nil {
		return nil, err
	}
	copies := job.Copies
	if copies == 0 {
		copies = 1
	}
	if copies < 1 || copies > MaxCopies {
		return nil, fmt.Errorf("%w: copies must be 1–%d", ErrInvalidJob, MaxCopies)
	}
	args := []string{"-d", job.Printer, "-t", title, "-n", strconv.Itoa(copies),
		"-o", "print-scaling=none", "-o", "fit-to-page=false"}
	switch job.Media {
	case "":
	case MediaCard:
		args = append(args, "-o", "media="+cardMediaOption, "-o", "PageSize="+cardMediaOption)
	case MediaA4:
		args = append(args, "-o", "media=A4", "-o", "PageSize=A4")
	default:
		return nil, fmt.Errorf("%w: media %q", ErrInvalidJob, job.Media)
	}
	if job.Duplex {
		args = append(args, "-o", "sides=two-sided-long-edge")
	} else {
		args = append(args, "-o", "sides=one-sided")
	}
	return args, nil
}

// Client runs the CUPS client tools and talks IPP to the scheduler. The zero value
// uses the scheduler the tools find themselves (CUPS_SERVER, client.conf, the local
// socket).
type Client struct {
	// Server, when set, is passed to the tools as CUPS_SERVER: a socket path or
	// host[:port]. Tests use it to point at a scheduler that is not there.
	Server string
	// PollInterval is how often WaitJob asks for the job's state; zero means 200 ms.
	PollInterval time.Duration
}

// Default is the client the package-level functions use.
var Default = &Client{}

// Print submits job with Default; see Client.Print.
func Print(ctx context.Context, job Job) (JobID, error) { return Default.Print(ctx, job) }

// Printers lists queues with Default; see Client.Printers.
func Printers(ctx context.Context) ([]Printer, error) { return Default.Printers(ctx) }

// WaitJob waits with Default; see Client.WaitJob.
func WaitJob(ctx context.Context, id JobID) error { return Default.WaitJob(ctx, id) }

// requestRe is lp's answer (in the C locale) for an accepted job.
var requestRe = regexp.MustCompile(`request id is (\S+-\d+)`)

// Print submits job.PDF through `lp … -` (the document on standard input, so no
// temporary file holds it) and returns the scheduler's job id. The PDF is marked
// "print at 100 %" (SetPrintScalingNone) when its structure allows; the job options
// ask for it in any case (LPOptions).
func (c *Client) Print(ctx context.Context, job Job) (JobID, error) {
	if !bytes.HasPrefix(job.PDF, []byte("%PDF-")) {
		return "", fmt.Errorf("printing: %w", ErrNotPDF)
	}
	args, err := LPOptions(job)
	if err != nil {
		return "", fmt.Errorf("printing: %w", err)
	}
	doc := job.PDF
	if marked, err := SetPrintScalingNone(doc); err == nil {
		doc = marked
	}
	out, stderr, err := c.tool(ctx, doc, "lp", append(args, "-")...)
	if err != nil {
		return "", fmt.Errorf("printing on %s: %w", job.Printer, c.classify(ctx, job.Printer, stderr, err))
	}
	m := requestRe.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("printing on %s: unexpected answer from lp: %q", job.Printer, firstLine(out))
	}
	return JobID(m[1]), nil
}

// Printer is a CUPS destination.
type Printer struct {
	Name    string
	Default bool // the system's default destination
}

// Printers lists the scheduler's destinations (`lpstat -e`) and marks the default one
// (`lpstat -d`). No scheduler gives ErrNoCUPS; no queue gives an empty list.
func (c *Client) Printers(ctx context.Context) ([]Printer, error) {
	if err := c.Running(ctx); err != nil {
		return nil, fmt.Errorf("listing printers: %w", err)
	}
	out, stderr, err := c.tool(ctx, nil, "lpstat", "-e")
	if err != nil {
		return nil, fmt.Errorf("listing printers: %w", c.classify(ctx, "", stderr, err))
	}
	def := ""
	if d, _, err := c.tool(ctx, nil, "lpstat", "-d"); err == nil {
		if _, name, ok := strings.Cut(d, "system default destination:"); ok {
			def = strings.TrimSpace(name)
		}
	}
	var ps []Printer
	for _, line := range strings.Split(out, "\n") {
		if name := strings.TrimSpace(line); name != "" {
			ps = append(ps, Printer{Name: name, Default: name == def})
		}
	}
	return ps, nil
}

// Running returns nil when the scheduler answers (`lpstat -r`), ErrNoCUPS otherwise.
func (c *Client) Running(ctx context.Context) error {
	out, _, err := c.tool(ctx, nil, "lpstat", "-r")
	if err != nil {
		if errors.Is(err, ErrNoCUPS) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrNoCUPS, err)
	}
	if !strings.Contains(out, "scheduler is running") {
		return fmt.Errorf("%w: scheduler is not running", ErrNoCUPS)
	}
	return nil
}

// classify turns a failed tool run into ErrNoCUPS, ErrUnknownPrinter or a plain error.
// lp says "The printer or class does not exist" both for an unknown queue and when no
// scheduler answers, so the scheduler is asked which.
func (c *Client) classify(ctx context.Context, printer, stderr string, err error) error {
	if errors.Is(err, ErrNoCUPS) || ctx.Err() != nil {
		return err
	}
	if rerr := c.Running(ctx); rerr != nil {
		return rerr
	}
	msg := firstLine(stderr)
	if strings.Contains(stderr, "does not exist") || strings.Contains(stderr, "Invalid destination") {
		return fmt.Errorf("%w: %s", ErrUnknownPrinter, printer)
	}
	return fmt.Errorf("%v: %s", err, msg)
}

// tool runs a CUPS client program in the C locale (its messages are parsed) with
// stdin as its input, and returns its standard output and error.
func (c *Client) tool(ctx context.Context, stdin []byte, name string, args ...string) (string, string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s not found (Debian: cups-client)", ErrNoCUPS, name)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	env := append(os.Environ(), "LC_ALL=C", "LANG=C")
	if c.Server != "" {
		env = append(env, "CUPS_SERVER="+c.Server)
	}
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return stdout.String(), stderr.String(), ctx.Err()
	}
	return stdout.String(), stderr.String(), err
}

// firstLine is the first line of a tool's message, capped: the rest is noise.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
