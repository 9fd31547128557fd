package printing

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"omsdesk/layout/printing/cupstest"
)

// markerPDF draws a PDF of the given page size (mm) and page count whose every page
// carries marker in large type at (20, 20) mm, and a frame at the page edge.
func markerPDF(t *testing.T, w, h float64, pages int, marker string) []byte {
	t.Helper()
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	p.SetAutoPageBreak(false, 0)
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	for i := 0; i < pages; i++ {
		p.AddPage()
		p.SetFont("Helvetica", "B", 12)
		p.SetXY(20, 20)
		p.CellFormat(40, 6, marker, "", 0, "L", false, 0, "")
		p.SetLineWidth(0.2)
		p.Rect(0.1, 0.1, w-0.2, h-0.2, "D")
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func token(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "MARK" + strings.ToUpper(hex.EncodeToString(b))
}

// TestPrintThroughCUPS prints through the real scheduler to the cups-pdf printer and
// reads the file it wrote. cups-pdf re-renders every job through Ghostscript
// (pdftopdf → PostScript → pdfwrite), so the output is a new PDF: sizes are compared
// within 0.5 pt (the A4 PPD size is whole points, 595 × 842, against fpdf's 595.28 ×
// 841.89) and text positions within 1 pt, which would still catch any "fit to page"
// scaling (A4 margins shrink a page by several percent, tens of points).
func TestPrintThroughCUPS(t *testing.T) {
	pr := cupstest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := &Client{PollInterval: 100 * time.Millisecond}
	for _, tt := range []struct {
		name         string
		media        Media
		w, h         float64 // mm
		pages        int
		copies       int
		duplex       bool
		wantPages    int
		wantW, wantH float64 // pt
	}{
		{"card", MediaCard, CardWidth, CardHeight, 1, 1, false, 1, 242.65, 153.01},
		{"a4-duplex", MediaA4, A4Width, A4Height, 2, 1, true, 2, 595.28, 841.89},
	} {
		t.Run(tt.name, func(t *testing.T) {
			marker := token(t)
			in := markerPDF(t, tt.w, tt.h, tt.pages, marker)
			id, err := c.Print(ctx, Job{Printer: pr.Queue, PDF: in, Title: "omsdesk-test-" + tt.name,
				Copies: tt.copies, Duplex: tt.duplex, Media: tt.media})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(id), pr.Queue+"-") {
				t.Fatalf("job id %q", id)
			}
			if err := c.WaitJob(ctx, id); err != nil {
				t.Fatal(err)
			}
			n, _ := id.Number()
			file, err := cupstest.FindOutput(pr.Dir, n, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove(file) })
			if !strings.Contains(filepath.Base(file), "omsdesk-test-"+tt.name) {
				t.Errorf("output %s is not named after the job title", file)
			}
			out, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			w, h := pageSize(t, out)
			if math.Abs(w-tt.wantW) > 0.5 || math.Abs(h-tt.wantH) > 0.5 {
				t.Errorf("printed page %.2f × %.2f pt, want %.2f × %.2f (±0.5)", w, h, tt.wantW, tt.wantH)
			}
			if got := pdfInfo(t, out)["Pages"]; got != itoa(tt.wantPages) {
				t.Errorf("printed %s pages, want %d", got, tt.wantPages)
			}
			if txt := text(t, out); strings.Count(txt, marker) != tt.wantPages {
				t.Errorf("marker %s found %d times in the printed text, want %d:\n%s", marker, strings.Count(txt, marker), tt.wantPages, txt)
			}
			a, ok1 := findWord(words(t, in), 1, marker)
			b, ok2 := findWord(words(t, out), 1, marker)
			if !ok1 || !ok2 {
				t.Fatal("marker has no position")
			}
			if math.Abs(a.xMin-b.xMin) > 1 || math.Abs(a.yMin-b.yMin) > 1 || math.Abs((a.xMax-a.xMin)-(b.xMax-b.xMin)) > 1 {
				t.Errorf("marker moved or scaled: drawn at %.1f,%.1f (%.1f wide), printed at %.1f,%.1f (%.1f wide)",
					a.xMin, a.yMin, a.xMax-a.xMin, b.xMin, b.yMin, b.xMax-b.xMin)
			}
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestPrinters(t *testing.T) {
	pr := cupstest.Require(t)
	ps, err := (&Client{}).Printers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range ps {
		found = found || p.Name == pr.Queue
	}
	if !found {
		t.Fatalf("%s not among %+v", pr.Queue, ps)
	}
}

// TestWaitJobCancelled: a job cancelled before it printed must not count as printed.
func TestWaitJobCancelled(t *testing.T) {
	pr := cupstest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "lp", "-d", pr.Queue, "-t", "omsdesk-held", "-H", "indefinite", "-")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdin = bytes.NewReader(markerPDF(t, CardWidth, CardHeight, 1, "held"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lp -H indefinite: %v", err)
	}
	m := requestRe.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("lp said %q", out)
	}
	id := JobID(m[1])
	c := &Client{PollInterval: 50 * time.Millisecond}
	st, err := c.JobState(ctx, id)
	if err != nil || st.State != "pending-held" {
		t.Fatalf("held job: %+v, %v", st, err)
	}
	if err := exec.CommandContext(ctx, "cancel", string(id)).Run(); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	err = c.WaitJob(ctx, id)
	var je *JobError
	if !errors.Is(err, ErrJobFailed) || !errors.As(err, &je) || je.State != "canceled" || je.ID != id {
		t.Fatalf("WaitJob on a cancelled job: %v", err)
	}
}

// TestPrintErrors: each way a submission fails gives the error callers match.
func TestPrintErrors(t *testing.T) {
	card := markerPDF(t, CardWidth, CardHeight, 1, "x")
	ctx := context.Background()
	dead := &Client{Server: filepath.Join(t.TempDir(), "no-cups.sock")}
	for _, tt := range []struct {
		name string
		c    *Client
		job  Job
		want error
		cups bool // needs the real scheduler
	}{
		{"not a PDF", dead, Job{Printer: "P", PDF: []byte("hello")}, ErrNotPDF, false},
		{"personal title", dead, Job{Printer: "P", PDF: card, Title: "Иванов Иван"}, ErrInvalidJob, false},
		{"title with a path", dead, Job{Printer: "P", PDF: card, Title: "/home/ivanov/card.pdf"}, ErrInvalidJob, false},
		{"too many copies", dead, Job{Printer: "P", PDF: card, Copies: 1000}, ErrInvalidJob, false},
		{"negative copies", dead, Job{Printer: "P", PDF: card, Copies: -1}, ErrInvalidJob, false},
		{"option as printer", dead, Job{Printer: "-oraw", PDF: card}, ErrInvalidJob, false},
		{"unknown media", dead, Job{Printer: "P", PDF: card, Media: "letter"}, ErrInvalidJob, false},
		{"no scheduler", dead, Job{Printer: "OMSDesk-PDF", PDF: card}, ErrNoCUPS, false},
		{"unknown printer", &Client{}, Job{Printer: "No-Such-Printer", PDF: card}, ErrUnknownPrinter, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cups {
				cupstest.Require(t)
			} else if tt.want == ErrNoCUPS {
				if _, err := exec.LookPath("lp"); err != nil && os.Getenv("OMSDESK_REQUIRE_TOOLS") != "1" {
					t.Skip("lp not installed")
				}
			}
			_, err := tt.c.Print(ctx, tt.job)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := dead.Printers(ctx); !errors.Is(err, ErrNoCUPS) {
		t.Errorf("Printers without a scheduler: %v", err)
	}
	if _, err := dead.JobState(ctx, "OMSDesk-PDF-1"); !errors.Is(err, ErrNoCUPS) {
		t.Errorf("JobState without a scheduler: %v", err)
	}
}

func TestLPOptions(t *testing.T) {
	for _, tt := range []struct {
		job  Job
		want string
	}{
		{Job{Printer: "P"}, "-d P -t omsdesk -n 1 -o print-scaling=none -o fit-to-page=false -o sides=one-sided"},
		{Job{Printer: "Card-1", Title: "omsdesk-card", Copies: 3, Media: MediaCard},
			"-d Card-1 -t omsdesk-card -n 3 -o print-scaling=none -o fit-to-page=false -o media=Custom.85.6x53.98mm -o PageSize=Custom.85.6x53.98mm -o sides=one-sided"},
		{Job{Printer: "Office", Media: MediaA4, Duplex: true},
			"-d Office -t omsdesk -n 1 -o print-scaling=none -o fit-to-page=false -o media=A4 -o PageSize=A4 -o sides=two-sided-long-edge"},
	} {
		got, err := LPOptions(tt.job)
		if err != nil || strings.Join(got, " ") != tt.want {
			t.Errorf("%+v:\n got %q %v\nwant %q", tt.job, strings.Join(got, " "), err, tt.want)
		}
	}
}

func TestJobIDNumber(t *testing.T) {
	for _, tt := range []struct {
		id JobID
		n  int
		ok bool
	}{{"OMSDesk-PDF-12", 12, true}, {"P-1", 1, true}, {"P", 0, false}, {"P-x", 0, false}, {"P-0", 0, false}} {
		n, ok := tt.id.Number()
		if n != tt.n || ok != tt.ok {
			t.Errorf("%q: %d %v", tt.id, n, ok)
		}
	}
}
