package main

import (
	"context"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"os"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/signing"
)

// statusOutput is what `status --json` prints.
type statusOutput struct {
	Policy   registry.PolicyRecord    `json:"policy"`
	Cards    []registry.Card          `json:"cards"`
	Insurers []registry.InsurerRecord `json:"insurer_records"`
}

// status shows what the registry knows of one policy.
func (c *cli) status(args []string) int {
	fs, lang := c.flags("status")
	f := c.officeFlagSet(fs, false)
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	enp := fs.Arg(0)
	if err := policy.ValidateENP(enp); err != nil {
		return c.fail(&fieldErrors{err})
	}
	ctx := context.Background()
	store, err := c.openRegistry(ctx, f.registry)
	if err != nil {
		return c.fail(err)
	}
	defer store.Close()
	var out statusOutput
	if out.Policy, err = store.Policy(ctx, enp); err != nil {
		return c.fail(err)
	}
	if out.Cards, err = store.CardsByENP(ctx, enp); err != nil {
		return c.fail(err)
	}
	if out.Insurers, err = store.InsurerRecords(ctx, enp); err != nil {
		return c.fail(err)
	}
	if f.json {
		return c.writeJSON(out)
	}
	p := out.Policy.Person
	fmt.Fprintln(c.stdout, c.tr.T("issue.status.policy", "enp", enp, "name", fullName(p.Surname, p.FirstName, p.Patronymic),
		"birth", p.BirthDate.Russian()))
	for _, card := range out.Cards {
		fmt.Fprintln(c.stdout, c.tr.T("issue.status.card", "serial", card.Serial, "status", c.tr.T("issue.card_status."+string(card.Status)),
			"issued", card.IssuedAt.Format("2006-01-02"), "replaced_by", card.ReplacedBy))
	}
	for _, r := range out.Insurers {
		end := r.End.Russian()
		if r.End.IsZero() {
			end = "—"
		}
		fmt.Fprintln(c.stdout, c.tr.T("issue.status.insurer", "ogrn", r.OGRN, "okato", r.OKATO, "start", r.Start.Russian(), "end", end,
			"fid", fmt.Sprintf("%04X", r.FileID)))
	}
	return exitOK
}

func fullName(parts ...string) string {
	s := ""
	for _, p := range parts {
		if p != "" {
			if s != "" {
				s += " "
			}
			s += p
		}
	}
	return s
}

// fieldErrors carries validator errors to explain.
type fieldErrors struct{ err error }

func (e *fieldErrors) Error() string { return e.err.Error() }
func (e *fieldErrors) Unwrap() error { return e.err }

// mark records what happened to a card: reported lost or stolen, voided, spoiled.
func (c *cli) mark(args []string) int {
	fs, lang := c.flags("mark")
	f := c.officeFlagSet(fs, false)
	actor := fs.String("actor", currentUser(), c.tr.T("issue.flag.actor"))
	note := fs.String("note", "", c.tr.T("issue.flag.note"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	status := registry.CardStatus(fs.Arg(1))
	if fs.NArg() != 2 || !map[registry.CardStatus]bool{registry.StatusLost: true, registry.StatusStolen: true,
		registry.StatusVoided: true, registry.StatusSpoiled: true}[status] {
		fs.Usage()
		return exitUsage
	}
	serial := fs.Arg(0)
	ctx := context.Background()
	store, err := c.openRegistry(ctx, f.registry)
	if err != nil {
		return c.fail(err)
	}
	defer store.Close()
	card, err := store.Card(ctx, serial)
	if err != nil {
		return c.fail(err)
	}
	host, _ := os.Hostname()
	entry := registry.Entry{Actor: *actor, Workstation: host, CardSerial: serial, ENP: card.ENP, Step: "mark_" + string(status)}
	if err := store.SetCardStatus(ctx, serial, status, *note); err != nil {
		entry.Result, entry.Detail = "failed", err.Error()
		store.Append(ctx, entry)
		return c.fail(err)
	}
	entry.Result = "ok"
	if _, err := store.Append(ctx, entry); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.tr.T("issue.marked", "serial", serial, "status", c.tr.T("issue.card_status."+string(status))))
	return exitOK
}

// journal verifies, exports or anchors the issuance journal.
func (c *cli) journal(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, c.tr.T("cli.usage.journal"))
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs, lang := c.flags("journal")
	f := c.officeFlagSet(fs, false)
	anchorText := fs.String("anchor", "", c.tr.T("issue.flag.anchor"))
	format := fs.String("format", "jsonl", c.tr.T("issue.flag.format"))
	outPath := fs.String("o", "", c.tr.T("issue.flag.output"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	var anchor *registry.Anchor
	if *anchorText != "" {
		a, err := registry.ParseAnchor(*anchorText)
		if err != nil {
			return c.fail(err)
		}
		anchor = &a
	}
	ctx := context.Background()
	switch sub {
	case "verify-export":
		if fs.NArg() != 1 {
			fs.Usage()
			return exitUsage
		}
		in, err := os.Open(fs.Arg(0))
		if err != nil {
			return c.fail(err)
		}
		defer in.Close()
		rep, err := registry.VerifyExport(in, anchor)
		if err != nil {
			return c.fail(err)
		}
		return c.journalReport(rep, f.json)
	case "verify", "export", "head":
	default:
		fs.Usage()
		return exitUsage
	}
	if _, err := os.Stat(f.registry); err != nil {
		return c.fail(fmt.Errorf("%w: %s", registry.ErrNotFound, f.registry))
	}
	store, err := c.openRegistry(ctx, f.registry)
	if err != nil {
		return c.fail(err)
	}
	defer store.Close()
	switch sub {
	case "head":
		a, err := store.Head(ctx)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.stdout, a.String())
		return exitOK
	case "export":
		ef, err := registry.ParseExportFormat(*format)
		if err != nil {
			return c.fail(err)
		}
		err = writeTo(c.stdout, *outPath, func(w io.Writer) error { return store.ExportJournal(ctx, w, ef) })
		if err != nil {
			return c.fail(err)
		}
		return exitOK
	}
	rep, err := store.VerifyJournal(ctx, anchor)
	if err != nil {
		return c.fail(err)
	}
	return c.journalReport(rep, f.json)
}

// writeTo writes to the named file, or to w when the name is "" or "-".
func writeTo(w io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(w)
	}
	return writeFile(path, write)
}

func (c *cli) journalReport(rep registry.JournalReport, asJSON bool) int {
	code := exitOK
	if !rep.OK() {
		code = exitJournal
	}
	if asJSON {
		if out := c.writeJSON(rep); out != exitOK {
			return out
		}
		return code
	}
	if rep.OK() {
		fmt.Fprintln(c.stdout, c.tr.T("issue.journal.ok", "entries", fmt.Sprint(rep.Entries), "head", rep.Head.String()))
		return code
	}
	fmt.Fprintln(c.stdout, c.tr.T("issue.journal.broken", "problems", fmt.Sprint(len(rep.Problems)+rep.Omitted)))
	for _, p := range rep.Problems {
		fmt.Fprintln(c.stdout, "  "+c.tr.Format(p.Key(), p.Args()))
	}
	return code
}

// key makes a signing key: in a PKCS#11 token (production) or PEM files
// (development only).
func (c *cli) key(args []string) int {
	fs, lang := c.flags("key")
	spec := fs.String("key", os.Getenv("OMSDESK_KEY"), c.tr.T("issue.flag.key"))
	pemDir := fs.String("pem-dir", "", c.tr.T("issue.flag.pem_dir"))
	cn := fs.String("subject", "", c.tr.T("issue.flag.subject"))
	org := fs.String("organization", "", c.tr.T("issue.flag.organization"))
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	if fs.NArg() != 1 || fs.Arg(0) != "generate" || *cn == "" || (*spec == "") == (*pemDir == "") {
		fs.Usage()
		return exitUsage
	}
	req := signing.CertRequest{Subject: pkix.Name{CommonName: *cn}}
	if *org != "" {
		req.Subject.Organization = []string{*org}
	}
	if *pemDir != "" {
		if err := os.MkdirAll(*pemDir, 0o700); err != nil {
			return c.fail(err)
		}
		newSpec, err := signing.GeneratePEM(*pemDir, req)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.stderr, c.tr.T("signing.warn.development_only", "spec", newSpec))
		fmt.Fprintln(c.stdout, newSpec)
		return exitOK
	}
	k, err := signing.GenerateInToken(*spec, req)
	if err != nil {
		return c.fail(err)
	}
	defer k.Close()
	fmt.Fprintln(c.stdout, k.Spec)
	return exitOK
}
