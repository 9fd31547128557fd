package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"omsdesk/cardio/diag"
)

// diagnose writes the support bundle: service, readers, cards, probes, versions —
// without personal data — to a file or standard output.
func (c *cli) diagnose(args []string) int {
	fs, lang := c.flags("diagnose")
	out := fs.String("o", "-", c.tr.T("cli.flag.diag_out"))
	asText := fs.Bool("text", false, c.tr.T("cli.flag.diag_text"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := diag.Collect(ctx, diag.Options{Now: c.now, Program: program})
	write := b.WriteJSON
	if *asText {
		write = b.WriteText
	}
	var err error
	if *out == "-" {
		err = write(c.stdout)
	} else {
		err = writeFile(*out, func(w io.Writer) error { return write(w) })
	}
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("cli.err.other", "error", err.Error()))
		return exitFailure
	}
	if *out != "-" {
		fmt.Fprintln(c.stderr, c.tr.T("cli.diag.saved", "file", *out))
	}
	return exitOK
}
