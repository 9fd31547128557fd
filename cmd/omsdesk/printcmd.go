package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"omsdesk/layout/printing"
)

// exitNoPrinter is print's and calibrate's code for "CUPS is not running, not
// installed, or has no printer of that name" (docs/printing.md).
const exitNoPrinter = 10

// printStdin is where `omsdesk print -` reads the document; tests replace it.
var printStdin io.Reader = os.Stdin

// maxPrintFile caps what print reads: card faces and certificates are well under it.
const maxPrintFile = 64 << 20

// printClient is the CUPS client the commands use; tests point it elsewhere.
var printClient = printing.Default

// parseInterspersed parses flags that may come before or after positional arguments
// ("print FILE.pdf --printer P"), which the flag package alone stops at.
func (c *cli) parseInterspersed(fs *flag.FlagSet, lang *string, args []string) ([]string, bool) {
	var pos []string
	for {
		if !c.parse(fs, lang, args) {
			return nil, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// profileFlag adds --profile-file.
func (c *cli) profileFlag(fs *flag.FlagSet) *string {
	return fs.String("profile-file", "", c.tr.T("printing.flag.profile_file"))
}

// loadProfiles reads the profiles file at path, or the default one.
func (c *cli) loadProfiles(path string) (*printing.Profiles, string, error) {
	if path == "" {
		var err error
		if path, err = printing.DefaultProfilePath(); err != nil {
			return nil, "", err
		}
	}
	ps, err := printing.LoadProfiles(path)
	return ps, path, err
}

// print sends a PDF to a CUPS printer at 100 %.
func (c *cli) print(args []string) int {
	fs, lang := c.flags("print")
	name := fs.String("printer", "", c.tr.T("printing.flag.printer"))
	copies := fs.Int("copies", 1, c.tr.T("printing.flag.copies"))
	duplex := fs.Bool("duplex", false, c.tr.T("printing.flag.duplex"))
	media := fs.String("media", "", c.tr.T("printing.flag.media"))
	wait := fs.Bool("wait", false, c.tr.T("printing.flag.wait"))
	timeout := fs.Duration("timeout", 2*time.Minute, c.tr.T("printing.flag.timeout"))
	list := fs.Bool("list", false, c.tr.T("printing.flag.list"))
	profileFile := c.profileFlag(fs)
	pos, ok := c.parseInterspersed(fs, lang, args)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *list {
		return c.listPrinters(ctx)
	}
	if *name == "" {
		fmt.Fprintln(c.stderr, c.tr.T("printing.cli.need_printer"))
		fs.Usage()
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(c.stderr, c.tr.T("printing.cli.need_file"))
		fs.Usage()
		return exitUsage
	}
	ps, _, err := c.loadProfiles(*profileFile)
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("printing.err.profile_file", "error", c.explainPrinting(err)))
		return exitUsage
	}
	// Media and duplex: the flags, else the printer's profile, else (media) what the
	// PDF's page size says, else the queue's default.
	prof, hasProfile := ps.Get(*name)
	job := printing.Job{Printer: *name, Copies: *copies}
	if hasProfile {
		job.Media, job.Duplex = prof.Media, prof.Duplex
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "duplex" {
			job.Duplex = *duplex
		}
	})
	if *media != "" {
		if job.Media, err = printing.ParseMedia(*media); err != nil {
			fmt.Fprintln(c.stderr, c.explainPrinting(err))
			return exitUsage
		}
	}
	if job.PDF, err = readDocument(pos[0]); err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("printing.err.other", "error", err.Error()))
		return exitFailure
	}
	if job.Media == "" {
		job.Media = printing.DetectMedia(job.PDF)
	}
	// The title is a fixed token: the file name often is the holder's name.
	job.Title = "omsdesk"
	switch job.Media {
	case printing.MediaCard:
		job.Title = "omsdesk-card"
	case printing.MediaA4:
		job.Title = "omsdesk-a4"
	}
	id, err := printClient.Print(ctx, job)
	if err != nil {
		return c.failPrinting(err)
	}
	fmt.Fprintln(c.stdout, c.tr.T("printing.cli.submitted", "printer", *name, "job", string(id)))
	if !*wait {
		return exitOK
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := printClient.WaitJob(wctx, id); err != nil {
		return c.failPrinting(err)
	}
	fmt.Fprintln(c.stdout, c.tr.T("printing.cli.printed", "job", string(id)))
	return exitOK
}

// readDocument reads a file, or standard input for "-".
func readDocument(path string) ([]byte, error) {
	var r io.Reader = printStdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxPrintFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPrintFile {
		return nil, fmt.Errorf("reading %s: larger than %d MiB", path, maxPrintFile>>20)
	}
	return data, nil
}

// listPrinters prints CUPS's destinations, the default one marked.
func (c *cli) listPrinters(ctx context.Context) int {
	ps, err := printClient.Printers(ctx)
	if err != nil {
		return c.failPrinting(err)
	}
	if len(ps) == 0 {
		fmt.Fprintln(c.stderr, c.tr.T("printing.cli.printers_none"))
		return exitNoPrinter
	}
	for _, p := range ps {
		if p.Default {
			fmt.Fprintln(c.stdout, p.Name, c.tr.T("printing.cli.default_mark"))
		} else {
			fmt.Fprintln(c.stdout, p.Name)
		}
	}
	return exitOK
}

// calibrate writes a calibration sheet, or stores or shows a printer's profile.
func (c *cli) calibrate(args []string) int {
	fs, lang := c.flags("calibrate")
	name := fs.String("printer", "", c.tr.T("printing.flag.printer"))
	sheet := fs.String("sheet", "", c.tr.T("printing.flag.sheet"))
	check := fs.Bool("check", false, c.tr.T("printing.flag.check"))
	set := fs.String("set", "", c.tr.T("printing.flag.set"))
	measure := fs.String("measure", "", c.tr.T("printing.flag.measure"))
	show := fs.Bool("show", false, c.tr.T("printing.flag.show"))
	media := fs.String("media", "", c.tr.T("printing.flag.calibrate_media"))
	duplex := fs.Bool("duplex", false, c.tr.T("printing.flag.duplex"))
	notes := fs.String("notes", "", c.tr.T("printing.flag.notes"))
	profileFile := c.profileFlag(fs)
	pos, ok := c.parseInterspersed(fs, lang, args)
	if !ok {
		return exitUsage
	}
	if len(pos) > 0 {
		fs.Usage()
		return exitUsage
	}
	if *name == "" {
		fmt.Fprintln(c.stderr, c.tr.T("printing.cli.need_printer"))
		fs.Usage()
		return exitUsage
	}
	if err := printing.ValidatePrinterName(*name); err != nil {
		fmt.Fprintln(c.stderr, c.explainPrinting(err))
		return exitUsage
	}
	actions := 0
	for _, on := range []bool{*sheet != "", *set != "", *measure != "", *show} {
		if on {
			actions++
		}
	}
	if actions != 1 {
		fmt.Fprintln(c.stderr, c.tr.T("printing.cli.need_action"))
		fs.Usage()
		return exitUsage
	}
	ps, path, err := c.loadProfiles(*profileFile)
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("printing.err.profile_file", "error", c.explainPrinting(err)))
		return exitUsage
	}
	prof, _ := ps.Get(*name)
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *media != "" {
		if prof.Media, err = printing.ParseMedia(*media); err != nil {
			fmt.Fprintln(c.stderr, c.explainPrinting(err))
			return exitUsage
		}
	}
	if given["duplex"] {
		prof.Duplex = *duplex
	}
	if given["notes"] {
		prof.Notes = *notes
	}
	switch {
	case *show:
		return c.showProfile(ps, *name, path)
	case *sheet != "":
		return c.writeSheet(*sheet, *name, prof, *check)
	case *set != "":
		if prof.Adjustment, err = printing.ParseSettings(*set, prof.Adjustment); err != nil {
			fmt.Fprintln(c.stderr, c.explainPrinting(err))
			return exitUsage
		}
	case *measure != "":
		ms, err := printing.ParseMeasurements(*measure)
		if err == nil {
			prof.Adjustment, err = printing.FromMeasurements(prof.Media, ms)
		}
		if err != nil {
			fmt.Fprintln(c.stderr, c.explainPrinting(err))
			return exitUsage
		}
	}
	if err := ps.Set(*name, prof); err != nil {
		fmt.Fprintln(c.stderr, c.explainPrinting(err))
		return exitUsage
	}
	if err := ps.Save(path); err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("printing.err.other", "error", err.Error()))
		return exitFailure
	}
	fmt.Fprintln(c.stdout, c.tr.T("printing.cli.saved", "printer", *name, "file", path,
		"adjustment", printing.FormatAdjustment(prof.Adjustment)))
	return exitOK
}

// writeSheet draws the calibration sheet into file (with the stored correction when
// check is set).
func (c *cli) writeSheet(file, name string, prof printing.Profile, check bool) int {
	var buf bytes.Buffer
	err := printing.Sheet(&buf, printing.SheetOptions{Media: prof.Media, Printer: name, Duplex: prof.Duplex,
		Check: check, Adjustment: prof.Adjustment, Created: c.now()})
	if err == nil {
		err = os.WriteFile(file, buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("printing.err.other", "error", c.explainPrinting(err)))
		return exitFailure
	}
	m := "card"
	if prof.Media == printing.MediaA4 {
		m = "a4"
	}
	fmt.Fprintln(c.stdout, c.tr.T("printing.cli.sheet_written", "file", file, "printer", name, "media", m))
	return exitOK
}

// showProfile prints a printer's stored profile.
func (c *cli) showProfile(ps *printing.Profiles, name, path string) int {
	prof, ok := ps.Get(name)
	if !ok {
		fmt.Fprintln(c.stdout, c.tr.T("printing.cli.show_none", "printer", name, "file", path))
		return exitOK
	}
	duplex := c.tr.T("printing.cli.no")
	if prof.Duplex {
		duplex = c.tr.T("printing.cli.yes")
	}
	fmt.Fprintln(c.stdout, c.tr.T("printing.cli.show", "printer", name, "file", path, "media", string(prof.Media),
		"duplex", duplex, "adjustment", printing.FormatAdjustment(prof.Adjustment), "notes", prof.Notes))
	return exitOK
}

// explainPrinting is a printing error in the user's language: a profile error by its
// code, anything else as it is.
func (c *cli) explainPrinting(err error) string {
	var pe *printing.ProfileError
	if errors.As(err, &pe) {
		return c.tr.Format("printing.err."+pe.Code, pe.Params())
	}
	return err.Error()
}

// failPrinting prints a printing error with what to do and returns its exit code.
func (c *cli) failPrinting(err error) int {
	code, key := exitFailure, "printing.err.other"
	switch {
	case errors.Is(err, printing.ErrNoCUPS):
		code, key = exitNoPrinter, "printing.err.no_cups"
	case errors.Is(err, printing.ErrUnknownPrinter):
		code, key = exitNoPrinter, "printing.err.unknown_printer"
	case errors.Is(err, printing.ErrNotPDF):
		code, key = exitUsage, "printing.err.not_pdf"
	case errors.Is(err, printing.ErrInvalidJob):
		code, key = exitUsage, "printing.err.invalid_job"
	case errors.Is(err, printing.ErrJobFailed):
		code, key = exitFailure, "printing.err.job_failed"
	case errors.Is(err, context.Canceled):
		code = exitInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		code = exitTimeout
	}
	fmt.Fprintln(c.stderr, c.tr.T(key, "error", err.Error()))
	return code
}
