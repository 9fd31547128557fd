package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"omsdesk/cardio"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	regsqlite "omsdesk/cardio/registry/sqlite"
	"omsdesk/cardio/signing"
)

// Exit codes of the issuance commands (docs/cli.md).
const (
	exitNotBlank     = 11 // the card is not blank, or holds an incomplete personalisation
	exitMismatch     = 12 // the card read back differently and was spoiled
	exitPIN          = 13 // a PIN was refused or is blocked
	exitInvalidInput = 14 // holder data or CSV rows invalid: nothing was written
	exitJournal      = 15 // journal verify found tampering
	exitRegistry     = 16 // the registry refuses: policy already issued, wrong old card, unknown card
)

// officeFlags are what every command that writes cards or the registry needs.
type officeFlags struct {
	registry, key, reader        string
	actor, workstation           string
	issuerPINFile, holderPINFile string
	timeout                      time.Duration
	json                         bool
}

func (c *cli) officeFlagSet(fs *flag.FlagSet, withCard bool) *officeFlags {
	f := &officeFlags{}
	fs.StringVar(&f.registry, "registry", regsqlite.DefaultPath(), c.tr.T("issue.flag.registry"))
	fs.BoolVar(&f.json, "json", false, c.tr.T("issue.flag.json"))
	if !withCard {
		return f
	}
	fs.StringVar(&f.key, "key", os.Getenv("OMSDESK_KEY"), c.tr.T("issue.flag.key"))
	fs.StringVar(&f.reader, "reader", "", c.tr.T("issue.flag.reader"))
	fs.StringVar(&f.actor, "actor", currentUser(), c.tr.T("issue.flag.actor"))
	host, _ := os.Hostname()
	fs.StringVar(&f.workstation, "workstation", host, c.tr.T("issue.flag.workstation"))
	fs.StringVar(&f.issuerPINFile, "issuer-pin-file", "", c.tr.T("issue.flag.issuer_pin_file"))
	fs.StringVar(&f.holderPINFile, "holder-pin-file", "", c.tr.T("issue.flag.holder_pin_file"))
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, c.tr.T("issue.flag.timeout"))
	return f
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// pins reads the PINs from their files or, failing that, from OMSDESK_ISSUER_PIN and
// OMSDESK_HOLDER_PIN. PINs never come from flags: flags show up in process lists.
func (f *officeFlags) pins() (personalise.PINs, error) {
	read := func(file, env string) (string, error) {
		if file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				return "", fmt.Errorf("reading PIN file: %w", err)
			}
			return strings.TrimRight(string(b), "\r\n"), nil
		}
		return os.Getenv(env), nil
	}
	issuer, err := read(f.issuerPINFile, "OMSDESK_ISSUER_PIN")
	if err != nil {
		return personalise.PINs{}, err
	}
	holder, err := read(f.holderPINFile, "OMSDESK_HOLDER_PIN")
	return personalise.PINs{Issuer: issuer, Holder: holder}, err
}

// openRegistry opens (creating if needed) the registry database.
func (c *cli) openRegistry(ctx context.Context, path string) (*regsqlite.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating registry directory: %w", err)
	}
	return regsqlite.Open(ctx, path)
}

// office is an open registry, key and reader: what an issuance command runs with.
type office struct {
	store  *regsqlite.Store
	key    *signing.Key
	pc     *pcsc.Context
	issuer *issuance.Issuer
	pins   personalise.PINs
	flags  *officeFlags
}

func (o *office) close() {
	if o.pc != nil {
		o.pc.Release()
	}
	if o.key != nil {
		o.key.Close()
	}
	if o.store != nil {
		o.store.Close()
	}
}

// openOffice opens everything an issuance command needs — registry, reader, signing key
// — and says what is missing.
func (c *cli) openOffice(ctx context.Context, f *officeFlags) (*office, error) {
	if f.key == "" {
		return nil, errNoKey
	}
	o, err := c.openOfficeNoKey(ctx, f)
	if err != nil {
		return nil, err
	}
	if o.key, err = signing.Open(f.key); err != nil {
		o.close()
		return nil, err
	}
	if o.key.DevelopmentOnly {
		fmt.Fprintln(c.stderr, c.tr.T("signing.warn.development_only", "spec", o.key.Spec))
	}
	o.issuer.Sign = func(in *policy.Insurer) error { return signing.SignRecord(o.key, in) }
	if !f.json {
		o.issuer.Progress = c.progress()
	}
	return o, nil
}

// errNoKey means no signing key was named.
var errNoKey = errors.New("no signing key: give --key or set OMSDESK_KEY")

// card waits for a card in the office's reader and connects to it.
func (c *cli) card(ctx context.Context, o *office) (*pcsc.Card, error) {
	reader := o.flags.reader
	if reader == "" {
		readers, err := o.pc.Readers()
		if err != nil {
			return nil, err
		}
		if len(readers) != 1 {
			// Writing to whichever card happens to be present is how the wrong card gets
			// personalised: with several readers the operator must name one.
			return nil, fmt.Errorf("%w: %d readers, name one with --reader", errReaderNeeded, len(readers))
		}
		reader = readers[0]
	}
	wctx, cancel := context.WithTimeout(ctx, o.flags.timeout)
	defer cancel()
	got, _, err := pcsc.WaitForCard(wctx, o.pc, reader)
	if err != nil {
		if errors.Is(wctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w (%v)", errTimeout, o.flags.timeout)
		}
		return nil, err
	}
	o.issuer.Reader = got
	return o.pc.Connect(got, pcsc.T1)
}

var errReaderNeeded = errors.New("reader must be named")

// progress prints one line per finished workflow step, and a bar for APDU plans when
// stderr is a terminal (a log file gets the lines only).
func (c *cli) progress() func(issuance.Event) {
	tty := isTerminal(c.stderr)
	return func(ev issuance.Event) {
		if ev.Total > 0 {
			if !tty {
				return
			}
			if ev.Done == ev.Total {
				fmt.Fprintf(c.stderr, "\r%s\r", strings.Repeat(" ", 60))
			} else {
				fmt.Fprintf(c.stderr, "\r%s %s", bar(ev.Done, ev.Total, 30), c.tr.T("issue.step."+ev.Step))
			}
			return
		}
		fmt.Fprintln(c.stderr, c.tr.T("issue.done", "step", c.tr.T("issue.step."+ev.Step)))
	}
}

// bar draws a text progress bar.
func bar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = done * width / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + fmt.Sprintf("] %d/%d", done, total)
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// issueOutput is what `issue --json` prints.
type issueOutput struct {
	Serial string           `json:"serial"`
	ENP    string           `json:"enp"`
	Reason string           `json:"reason"`
	APDUs  int              `json:"apdus"`
	Policy *policy.Document `json:"policy"`
}

// issue personalises a blank card; reissue is the same with a reason and the old card.
func (c *cli) issue(args []string) int { return c.issueWith("issue", args) }

func (c *cli) reissue(args []string) int { return c.issueWith("reissue", args) }

func (c *cli) issueWith(name string, args []string) int {
	fs, lang := c.flags(name)
	f := c.officeFlagSet(fs, true)
	data := fs.String("data", "", c.tr.T("issue.flag.data"))
	photo := fs.String("photo", "", c.tr.T("issue.flag.photo"))
	reason := fs.String("reason", "", c.tr.T("issue.flag.reason"))
	old := fs.String("old-card", "", c.tr.T("issue.flag.old_card"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if *data == "" || fs.NArg() > 0 || (name == "reissue") == (*reason == "" || *reason == string(issuance.ReasonNew)) {
		fs.Usage()
		return exitUsage
	}
	r, err := issuance.ParseReason(*reason)
	if err != nil {
		return c.fail(err)
	}
	p, err := loadHolder(*data, *photo)
	if err != nil {
		return c.fail(err)
	}
	return c.withCard(f, c.openOffice, func(ctx context.Context, o *office, card cardio.Transport) int {
		res, err := o.issuer.Issue(ctx, card, issuance.Request{Policy: p, Reason: r, OldCardSerial: *old, PINs: o.pins})
		if err != nil {
			return c.fail(err)
		}
		return c.printIssued(f, res, r)
	})
}

func (c *cli) printIssued(f *officeFlags, res *issuance.Result, r issuance.Reason) int {
	doc := res.Policy.Document()
	if f.json {
		return c.writeJSON(issueOutput{Serial: res.Serial, ENP: doc.ENP, Reason: string(r), APDUs: res.APDUs, Policy: &doc})
	}
	fmt.Fprintln(c.stdout, c.tr.T("issue.issued", "serial", res.Serial, "enp", doc.ENP, "apdus", fmt.Sprint(res.APDUs)))
	return exitOK
}

func (c *cli) writeJSON(v any) int {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return c.fail(err)
	}
	return exitOK
}

// loadHolder reads the holder's data in the documented JSON shape (docs/json-schema.md,
// the same as `read --json` prints) and the photo, normalised for the chip.
func loadHolder(path, photoPath string) (*policy.Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading holder data: %w", err)
	}
	var doc policy.Document
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading holder data %s: %w", path, err)
	}
	p, err := doc.Policy()
	if err != nil {
		return nil, fmt.Errorf("reading holder data %s: %w", path, err)
	}
	if photoPath != "" {
		raw, err := os.ReadFile(photoPath)
		if err != nil {
			return nil, fmt.Errorf("reading photo: %w", err)
		}
		jpg, err := issuance.NormalizePhoto(raw)
		if err != nil {
			return nil, err
		}
		p.Owner.Photo = &policy.Photo{Format: []byte{0x01}, Data: jpg}
	}
	if p.Insurer != nil {
		p.Insurer.Signature = nil
	}
	return p, nil
}

// changeInsurer writes a new insurer record to an issued card.
func (c *cli) changeInsurer(args []string) int {
	fs, lang := c.flags("change-insurer")
	f := c.officeFlagSet(fs, true)
	ogrn := fs.String("ogrn", "", c.tr.T("issue.flag.ogrn"))
	okato := fs.String("okato", "", c.tr.T("issue.flag.okato"))
	start := fs.String("start", "", c.tr.T("issue.flag.start"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if *ogrn == "" || *okato == "" || *start == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	d, err := policy.ParseDate(*start)
	if err != nil {
		return c.fail(err)
	}
	return c.withCard(f, c.openOffice, func(ctx context.Context, o *office, card cardio.Transport) int {
		res, err := o.issuer.ChangeInsurer(ctx, card, issuance.InsurerChange{OGRN: *ogrn, OKATO: *okato, Start: d, PINs: o.pins})
		if err != nil {
			return c.fail(err)
		}
		return c.printIssued(f, res, issuance.ReasonInsurerChange)
	})
}

// recoverCard wipes (or, with --void, terminates) an incomplete personalisation.
func (c *cli) recoverCard(args []string) int {
	fs, lang := c.flags("recover")
	f := c.officeFlagSet(fs, true)
	void := fs.Bool("void", false, c.tr.T("issue.flag.void"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	return c.withCard(f, c.openOfficeNoKey, func(ctx context.Context, o *office, card cardio.Transport) int {
		serial, err := o.issuer.Recover(ctx, card, o.pins, *void)
		if err != nil {
			return c.fail(err)
		}
		key := "issue.recovered"
		if *void {
			key = "issue.voided"
		}
		fmt.Fprintln(c.stdout, c.tr.T(key, "serial", serial))
		return exitOK
	})
}

// openOfficeNoKey opens the registry and the reader, for commands that write no signed
// data; its issuer refuses to sign.
func (c *cli) openOfficeNoKey(ctx context.Context, f *officeFlags) (*office, error) {
	o := &office{flags: f}
	var err error
	if o.pins, err = f.pins(); err != nil {
		return nil, err
	}
	if o.store, err = c.openRegistry(ctx, f.registry); err != nil {
		return nil, err
	}
	if o.pc, err = pcsc.Establish(); err != nil {
		o.close()
		return nil, err
	}
	o.issuer = &issuance.Issuer{Registry: o.store, Actor: f.actor, Workstation: f.workstation, Now: c.now,
		Sign: func(*policy.Insurer) error { return errNoKey }}
	return o, nil
}

// classifyIssuance maps the issuance errors to exit codes and message keys.
func classifyIssuance(err error) (int, string, bool) {
	var ve *issuance.ValidationError
	var te *registry.TransitionError
	var se *signing.Error
	switch {
	case errors.As(err, &ve):
		return exitInvalidInput, "issue.err.invalid", true
	case errors.Is(err, issuance.ErrPhotoForbidden):
		return exitInvalidInput, "issue.err.photo_forbidden", true
	case errors.Is(err, issuance.ErrPhotoRequired):
		return exitInvalidInput, "issue.err.photo_required", true
	case errors.Is(err, issuance.ErrImage):
		return exitInvalidInput, "issue.err.image", true
	case errors.Is(err, issuance.ErrUnknownReason):
		return exitUsage, "issue.err.reason", true
	case errors.Is(err, issuance.ErrIncomplete):
		return exitNotBlank, "issue.err.incomplete", true
	case errors.Is(err, issuance.ErrNotBlank):
		return exitNotBlank, "issue.err.not_blank", true
	case errors.Is(err, issuance.ErrNoSerial):
		return exitNotBlank, "issue.err.no_serial", true
	case errors.Is(err, issuance.ErrMismatch):
		return exitMismatch, "issue.err.mismatch", true
	case errors.Is(err, issuance.ErrAlreadyIssued):
		return exitRegistry, "issue.err.already_issued", true
	case errors.Is(err, issuance.ErrOldCard), errors.Is(err, issuance.ErrCardKnown):
		return exitRegistry, "issue.err.old_card", true
	case errors.Is(err, issuance.ErrNotIssuedHere):
		return exitRegistry, "issue.err.not_issued_here", true
	case errors.As(err, &te):
		return exitRegistry, "issue.err.transition", true
	case errors.Is(err, registry.ErrNotFound):
		return exitRegistry, "issue.err.not_found", true
	case errors.Is(err, apdu.ErrAuthenticationBlocked):
		return exitPIN, "issue.err.pin_blocked", true
	case errors.Is(err, apdu.ErrVerificationFailed):
		return exitPIN, "issue.err.pin_wrong", true
	case errors.Is(err, personalise.ErrBadPIN):
		return exitPIN, "issue.err.pin_format", true
	case errors.Is(err, errNoKey):
		return exitUsage, "issue.err.no_key", true
	case errors.As(err, &se):
		return exitFailure, "issue.err.key", true
	case errors.Is(err, errReaderNeeded):
		return exitUsage, "issue.err.reader_needed", true
	}
	return 0, "", false
}

// explain is an error's text in the user's language where the error carries a stable
// code (field validation, signing keys), and its English text otherwise.
func (c *cli) explain(err error) string {
	var ve *issuance.ValidationError
	var se *signing.Error
	switch {
	case errors.As(err, &ve):
		lines := make([]string, len(ve.Fields))
		for i, fe := range ve.Fields {
			lines[i] = c.tr.Format("validate."+fe.Code, fe.Params)
		}
		return strings.Join(lines, "; ")
	case errors.As(err, &se) && c.tr.Has("signing.err."+se.Code):
		return c.tr.Format("signing.err."+se.Code, se.Params)
	}
	return err.Error()
}

// isTerminal reports whether w is a character device (a terminal), where redrawing a
// progress bar with \r makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// withCard opens the office (registry, reader, key as open requires), waits for the card
// in its reader and runs job on it; everything is closed afterwards.
func (c *cli) withCard(f *officeFlags, open func(context.Context, *officeFlags) (*office, error),
	job func(context.Context, *office, cardio.Transport) int) int {
	ctx, stop := signalContext()
	defer stop()
	o, err := open(ctx, f)
	if err != nil {
		return c.fail(err)
	}
	defer o.close()
	card, err := c.card(ctx, o)
	if err != nil {
		return c.fail(err)
	}
	defer card.Disconnect(false)
	return job(ctx, o, card)
}
