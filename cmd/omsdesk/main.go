// Command omsdesk is OMS Desk's command line: everything that can run without a screen.
//
//	omsdesk readers              list PC/SC readers and their cards
//	omsdesk watch                a line per reader/card event, with the ATR
//	omsdesk read                 wait for a card and read the policy (--json for programs)
//	omsdesk decode               decode raw owner/insurer file bytes, no card needed
//	omsdesk atr                  decode an ATR
//	omsdesk dump                 save a card as a dump file
//	omsdesk diff                 compare two dumps field by field
//	omsdesk verify               check a card's or a dump's integrity
//	omsdesk diagnose             the support bundle, without personal data
//
// Exit codes are stable (docs/cli.md): see the exit* constants.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/tlv"
	"omsdesk/cardio/vcard"
)

// Exit codes, documented in docs/cli.md; scripts depend on them.
const (
	exitOK           = 0
	exitFailure      = 1 // anything not covered below
	exitUsage        = 2 // bad command line
	exitNotOMS       = 3 // a card answered, but it is not an OMS policy card
	exitNoPCSC       = 4 // pcscd not running, no readers, or the named reader does not exist
	exitUnreadable   = 5 // the card or file could not be read or decoded (removed, malformed)
	exitTimeout      = 6 // no card arrived before --timeout
	exitInterrupted  = 7 // interrupted by a signal
	exitDiffer       = 8 // diff: the dumps differ
	exitFailedChecks = 9 // verify: the card failed an integrity check
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// cli is what every subcommand needs: where to write, in which language, what day it is.
type cli struct {
	stdout, stderr io.Writer
	tr             *i18n.Catalog
	now            func() time.Time
}

type command struct {
	name string
	run  func(c *cli, args []string) int
}

var commands = []command{
	{"readers", (*cli).readers},
	{"watch", (*cli).watch},
	{"read", (*cli).read},
	{"decode", (*cli).decode},
	{"atr", (*cli).atr},
	{"dump", (*cli).dumpCard},
	{"diff", (*cli).diff},
	{"verify", (*cli).verifyCard},
	{"verify-qr", (*cli).verifyQR},
	{"diagnose", (*cli).diagnose},
	{"issue", (*cli).issue},
	{"reissue", (*cli).reissue},
	{"change-insurer", (*cli).changeInsurer},
	{"recover", (*cli).recoverCard},
	{"batch", (*cli).batch},
	{"status", (*cli).status},
	{"mark", (*cli).mark},
	{"journal", (*cli).journal},
	{"key", (*cli).key},
	{"face", (*cli).face},
	{"certificate", (*cli).certificateCmd},
	{"print", (*cli).print},
	{"calibrate", (*cli).calibrate},
}

func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, now: time.Now}
	// --lang may come before the subcommand; every subcommand also accepts it.
	lang := ""
	for len(args) > 0 && (args[0] == "--lang" || args[0] == "-lang") && len(args) > 1 {
		lang, args = args[1], args[2:]
	}
	var err error
	if c.tr, err = i18n.Load(i18n.Detect(lang)); err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, c.tr.T("cli.usage"))
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, cmd := range commands {
		if cmd.name == args[0] {
			return cmd.run(c, args[1:])
		}
	}
	fmt.Fprintln(stderr, c.tr.T("cli.unknown_command", "command", args[0]))
	fmt.Fprintln(stderr, c.tr.T("cli.usage"))
	return exitUsage
}

// flags returns a flag set for a subcommand whose usage text is translated, with the
// common --lang flag.
func (c *cli) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	lang := fs.String("lang", "", c.tr.T("cli.flag.lang"))
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, c.tr.T("cli.usage."+name))
		fs.PrintDefaults()
	}
	return fs, lang
}

// parse parses a subcommand's flags and switches language if --lang was given there.
//
// Flags may follow the positional arguments (`status ENP --json`), as people type them;
// "--" ends the flags.
func (c *cli) parse(fs *flag.FlagSet, lang *string, args []string) bool {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...) // everything after "--"
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		return false
	}
	if *lang != "" {
		tr, err := i18n.Load(*lang)
		if err != nil {
			fmt.Fprintln(c.stderr, err)
			return false
		}
		c.tr = tr
	}
	return true
}

// fail prints err in the user's language with what to do next, and returns its exit code.
func (c *cli) fail(err error) int {
	code, key := classify(err)
	fmt.Fprintln(c.stderr, c.tr.T(key, "error", c.explain(err)))
	return code
}

// classify maps an error to an exit code and the message key that explains it.
func classify(err error) (int, string) {
	if code, key, ok := classifyIssuance(err); ok {
		return code, key
	}
	if code, key, ok := classifyLayout(err); ok {
		return code, key
	}
	var de *policy.DecodeError
	var se *tlv.SyntaxError
	switch {
	case errors.Is(err, omscard.ErrVoided):
		return exitNotOMS, "cli.err.voided"
	case errors.Is(err, omscard.ErrNotOMSCard):
		return exitNotOMS, "cli.err.not_oms"
	case errors.Is(err, pcsc.ErrNoService):
		return exitNoPCSC, "cli.err.no_service"
	case errors.Is(err, pcsc.ErrNoReaders):
		return exitNoPCSC, "cli.err.no_readers"
	case errors.Is(err, pcsc.ErrUnknownReader):
		return exitNoPCSC, "cli.err.unknown_reader"
	case errors.Is(err, errTimeout):
		return exitTimeout, "cli.err.timeout"
	case errors.Is(err, errInterrupted):
		return exitInterrupted, "cli.err.interrupted"
	case errors.Is(err, omscard.ErrInsurerUnreadable):
		return exitUnreadable, "cli.err.insurer_unreadable"
	case errors.Is(err, probe.ErrBusy), errors.Is(err, pcsc.ErrSharingViolation):
		return exitUnreadable, "cli.err.busy"
	case errors.Is(err, pcsc.ErrCardRemoved), errors.Is(err, pcsc.ErrNoCard), errors.Is(err, vcard.ErrRemoved):
		return exitUnreadable, "cli.err.removed"
	case errors.As(err, &de), errors.As(err, &se), errors.Is(err, omscard.ErrFileTruncated):
		return exitUnreadable, "cli.err.bad_data"
	case errors.Is(err, errUnreadable):
		return exitUnreadable, "cli.err.unreadable"
	}
	return exitFailure, "cli.err.other"
}

var (
	errTimeout     = errors.New("timed out waiting for a card")
	errInterrupted = errors.New("interrupted")
	errUnreadable  = errors.New("card could not be read")
)
