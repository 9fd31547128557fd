package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"omsdesk/layout/printing"
	"omsdesk/layout/printing/cupstest"
)

// noCUPS points the print commands at a scheduler that is not there.
func noCUPS(t *testing.T) {
	t.Helper()
	old := printClient
	printClient = &printing.Client{Server: filepath.Join(t.TempDir(), "no-cups.sock")}
	t.Cleanup(func() { printClient = old })
}

func TestCalibrateSetShowMeasure(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "printers.json")
	code, out, errOut := runCLI(t, "--lang", "en", "calibrate", "--printer", "Evolis", "--profile-file", file,
		"--set", "offset-x=0.4,offset-y=-0.3,scale=1.002,back-offset-x=0.1", "--duplex", "--notes", "ruler A")
	if code != exitOK || !strings.Contains(out, "offset-x=0.4,offset-y=-0.3,scale=1.002,back-offset-x=0.1,back-offset-y=0") {
		t.Fatalf("--set: exit %d\n%s%s", code, out, errOut)
	}
	ps, err := printing.LoadProfiles(file)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := ps.Get("Evolis")
	if !ok || !p.Duplex || p.Notes != "ruler A" || p.Media != printing.MediaCard || p.Adjustment.OffsetX != 0.4 || p.Adjustment.Scale != 1.002 {
		t.Fatalf("stored %+v", p)
	}
	// A second --set keeps what it does not name.
	if code, _, errOut := runCLI(t, "calibrate", "--printer", "Evolis", "--profile-file", file, "--set", "offset-y=0.2"); code != exitOK {
		t.Fatalf("second --set: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "--lang", "ru", "calibrate", "--printer", "Evolis", "--profile-file", file, "--show")
	for _, want := range []string{"Принтер Evolis", "offset-x=0.4,offset-y=0.2,scale=1.002", "двусторонняя печать: да", "ruler A"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("--show lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	code, out, _ = runCLI(t, "--lang", "en", "calibrate", "--printer", "Other", "--profile-file", file, "--show")
	if code != exitOK || !strings.Contains(out, "no profile yet") {
		t.Errorf("--show of an unknown printer (exit %d): %s", code, out)
	}
	// Measurements on an A4 printer that prints 1 % large and 1 mm to the right.
	code, out, errOut = runCLI(t, "calibrate", "--printer", "Office", "--profile-file", file, "--media", "a4",
		"--measure", "left=6.05,top=5.05,x=181.8")
	if code != exitOK {
		t.Fatalf("--measure: exit %d %s", code, errOut)
	}
	ps, _ = printing.LoadProfiles(file)
	if p, _ := ps.Get("Office"); p.Media != printing.MediaA4 || p.Adjustment.OffsetX != -0.99 || p.Adjustment.OffsetY != 0 || p.Adjustment.Scale != 0.9901 {
		t.Errorf("measured profile %+v", p)
	}
	if _, ok := ps.Get("Evolis"); !ok {
		t.Error("saving Office lost Evolis")
	}
}

func TestCalibrateRefuses(t *testing.T) {
	file := filepath.Join(t.TempDir(), "printers.json")
	for _, tt := range []struct {
		args []string
		want string // in the English message
	}{
		{[]string{"--printer", "P", "--set", "scale=1.5"}, "outside 0.9–1.1"},
		{[]string{"--printer", "P", "--set", "offset-x=7"}, "more than 5 mm"},
		{[]string{"--printer", "P", "--set", "offset-x=0,4"}, "Unknown setting"},
		{[]string{"--printer", "P", "--set", "offset-x=abc"}, "not a number"},
		{[]string{"--printer", "P", "--measure", "left=5"}, "incomplete"},
		{[]string{"--printer", "P", "--media", "letter", "--show"}, "Unknown media"},
		{[]string{"--printer", "bad name", "--show"}, "not a valid printer name"},
		{[]string{"--printer", "P"}, "Say what to do"},
		{[]string{"--printer", "P", "--show", "--set", "scale=1"}, "Say what to do"},
		{[]string{"--show"}, "--printer is required"},
	} {
		args := append([]string{"--lang", "en", "calibrate", "--profile-file", file}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tt.args, code, exitUsage, tt.want, errOut)
		}
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a refused command wrote the profiles file")
	}
	os.WriteFile(file, []byte("{broken"), 0o644)
	code, _, errOut := runCLI(t, "--lang", "ru", "calibrate", "--profile-file", file, "--printer", "P", "--show")
	if code != exitUsage || !strings.Contains(errOut, "Файл профилей принтеров") {
		t.Errorf("a damaged profiles file: exit %d\n%s", code, errOut)
	}
}

func TestCalibrateSheet(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "printers.json")
	if code, _, errOut := runCLI(t, "calibrate", "--printer", "P", "--profile-file", file, "--media", "a4", "--set", "offset-x=1"); code != exitOK {
		t.Fatal(errOut)
	}
	sheet := filepath.Join(dir, "sheet.pdf")
	code, out, errOut := runCLI(t, "--lang", "en", "calibrate", "--printer", "P", "--profile-file", file, "--sheet", sheet)
	if code != exitOK || !strings.Contains(out, "omsdesk print "+sheet+" --printer P --media a4") {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	check := filepath.Join(dir, "check.pdf")
	if code, _, errOut := runCLI(t, "calibrate", "--printer", "P", "--profile-file", file, "--sheet", check, "--check"); code != exitOK {
		t.Fatal(errOut)
	}
	a, _ := os.ReadFile(sheet)
	b, _ := os.ReadFile(check)
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.HasPrefix(b, []byte("%PDF-")) || bytes.Equal(a, b) {
		t.Fatal("the sheets are not PDFs, or the check sheet ignores the correction")
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		txt, _ := exec.Command(pdftotext, check, "-").Output()
		if !strings.Contains(string(txt), "offset-x=1,") {
			t.Errorf("the check sheet does not name its correction:\n%s", txt)
		}
	}
}

func TestPrintUsage(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "note.txt")
	os.WriteFile(text, []byte("not a pdf"), 0o644)
	profiles := filepath.Join(dir, "printers.json")
	noCUPS(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"x.pdf"}, exitUsage, "--printer is required"},
		{[]string{"--printer", "P"}, exitUsage, "Give one PDF file"},
		{[]string{"a.pdf", "b.pdf", "--printer", "P"}, exitUsage, "Give one PDF file"},
		{[]string{text, "--printer", "P"}, exitUsage, "not a PDF"},
		{[]string{text, "--printer", "P", "--media", "letter"}, exitUsage, "Unknown media"},
		{[]string{filepath.Join(dir, "missing.pdf"), "--printer", "P"}, exitFailure, "no such file"},
		{[]string{"--list"}, exitNoPrinter, "CUPS is not available"},
	} {
		args := append([]string{"--lang", "en", "print", "--profile-file", profiles}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tt.args, code, tt.code, tt.want, errOut)
		}
	}
}

// TestPrintNoCUPS: a PDF to a scheduler that is not running exits with exitNoPrinter
// and says how to start CUPS, in Russian too.
func TestPrintNoCUPS(t *testing.T) {
	if _, err := exec.LookPath("lp"); err != nil && os.Getenv("OMSDESK_REQUIRE_TOOLS") != "1" {
		t.Skip("lp not installed")
	}
	noCUPS(t)
	dir := t.TempDir()
	sheet := filepath.Join(dir, "s.pdf")
	if code, _, errOut := runCLI(t, "calibrate", "--printer", "P", "--profile-file", filepath.Join(dir, "p.json"), "--sheet", sheet); code != exitOK {
		t.Fatal(errOut)
	}
	code, _, errOut := runCLI(t, "--lang", "ru", "print", sheet, "--printer", "OMSDesk-PDF", "--profile-file", filepath.Join(dir, "p.json"))
	if code != exitNoPrinter || !strings.Contains(errOut, "Служба печати CUPS недоступна") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
}

var jobRe = regexp.MustCompile(`job (\S+-(\d+))`)

// TestPrintThroughCUPS prints a calibration sheet with the real CLI through the real
// scheduler to the cups-pdf printer, from a file and from standard input, and reads
// back what it wrote.
func TestPrintThroughCUPS(t *testing.T) {
	pr := cupstest.Require(t)
	dir := t.TempDir()
	profiles := filepath.Join(dir, "printers.json")
	sheet := filepath.Join(dir, "ivanov-ivan-card.pdf") // a file name with a holder's name in it
	if code, _, errOut := runCLI(t, "calibrate", "--printer", pr.Queue, "--profile-file", profiles, "--sheet", sheet); code != exitOK {
		t.Fatal(errOut)
	}
	data, _ := os.ReadFile(sheet)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"file", []string{sheet}},
		{"stdin", []string{"-"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old := printStdin
			printStdin = bytes.NewReader(data)
			defer func() { printStdin = old }()
			args := append([]string{"--lang", "en", "print"}, tt.args...)
			args = append(args, "--printer", pr.Queue, "--wait", "--timeout", "60s", "--profile-file", profiles)
			code, out, errOut := runCLI(t, args...)
			if code != exitOK || !strings.Contains(out, "printed") {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
			m := jobRe.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no job id in %q", out)
			}
			n, _ := strconv.Atoi(m[2])
			file, err := cupstest.FindOutput(pr.Dir, n, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove(file) })
			if strings.Contains(file, "ivanov") || !strings.Contains(filepath.Base(file), "omsdesk-card") {
				t.Errorf("the job title leaks the file name or is not the fixed token: %s", file)
			}
			info, err := exec.Command("pdfinfo", file).Output()
			if err != nil {
				t.Fatalf("pdfinfo: %v", err)
			}
			if !strings.Contains(string(info), "Page size:       242.65 x 153.01 pts") {
				t.Errorf("printed page is not the card size:\n%s", info)
			}
		})
	}
	code, _, errOut := runCLI(t, "--lang", "en", "print", sheet, "--printer", "No-Such-Printer", "--profile-file", profiles)
	if code != exitNoPrinter || !strings.Contains(errOut, "does not exist") {
		t.Errorf("unknown printer: exit %d\n%s", code, errOut)
	}
	code, out, _ := runCLI(t, "print", "--list")
	if code != exitOK || !strings.Contains(out, pr.Queue) {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
}

// The profiles file is JSON a technician may read and edit: check its shape.
func TestProfilesFileShape(t *testing.T) {
	file := filepath.Join(t.TempDir(), "printers.json")
	if code, _, errOut := runCLI(t, "calibrate", "--printer", "P", "--profile-file", file, "--set", "scale=0.995"); code != exitOK {
		t.Fatal(errOut)
	}
	var doc struct {
		Version  int                        `json:"version"`
		Printers map[string]json.RawMessage `json:"printers"`
	}
	data, _ := os.ReadFile(file)
	if err := json.Unmarshal(data, &doc); err != nil || doc.Version != 1 || !strings.Contains(string(doc.Printers["P"]), `"scale": 0.995`) {
		t.Fatalf("%v\n%s", err, data)
	}
}
