package main

import (
	"fmt"
	"io"
	"os"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/probe"
)

// program names the writer in dump files.
const program = "omsdesk 0.1.0"

// dumpCard reads a card and saves it as a dump file (docs/dump-format.md).
func (c *cli) dumpCard(args []string) int {
	fs, lang := c.flags("dump")
	out := fs.String("o", "", c.tr.T("cli.flag.dump_out"))
	full := fs.Bool("full-trace", false, c.tr.T("cli.flag.full_trace"))
	src := c.sourceFlags(fs)
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if *out == "" {
		fs.Usage()
		return exitUsage
	}
	source, outs, code := c.acquire(src, probe.Options{Trace: true})
	if code != exitOK {
		return code
	}
	for _, o := range outs {
		if !o.IsOMS() {
			if len(outs) > 1 {
				continue
			}
			return c.fail(o.Err)
		}
		// The details (serial, life cycle, insurer history) are worth having but not
		// worth losing the dump over: without them it holds what the read got.
		det, ex, err := c.cardDetails(src, o)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
		}
		d := dump.FromReadDetails(program, o.Reader, o.ATR, o.Result, det, append(o.Trace, ex...), *full, c.now())
		if source == "virtual" {
			d.Reader = virtualReader
		}
		if err := writeFile(*out, d.Save); err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitFailure
		}
		fmt.Fprintln(c.stderr, c.tr.T("cli.dump.saved", "file", *out, "reader", o.Reader))
		return exitOK
	}
	return c.fail(outs[0].Err)
}

// writeFile writes through save into path, or to standard output for "-". Dumps hold
// personal data: the file is created readable by its owner only.
func writeFile(path string, save func(io.Writer) error) error {
	if path == "-" {
		return save(os.Stdout)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := save(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// diff compares two dumps field by field.
func (c *cli) diff(args []string) int {
	fs, lang := c.flags("diff")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return exitUsage
	}
	var dumps [2]*dump.Dump
	for i, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
			return exitFailure
		}
		dumps[i], err = dump.Load(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(c.stderr, c.tr.T("cli.err.bad_dump", "file", path, "error", err.Error()))
			return exitUnreadable
		}
	}
	diffs := dump.Diff(dumps[0], dumps[1])
	if *asJSON {
		if diffs == nil {
			diffs = []dump.Difference{}
		}
		writeJSON(c.stdout, diffs)
	} else if len(diffs) == 0 {
		fmt.Fprintln(c.stdout, c.tr.T("cli.diff.same"))
	} else {
		for _, d := range diffs {
			fmt.Fprintf(c.stdout, "%s\n  - %s\n  + %s\n", d.Field, d.A, d.B)
		}
	}
	if len(diffs) > 0 {
		return exitDiffer
	}
	return exitOK
}
