package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"omsdesk/layout/qr"
	"omsdesk/layout/qr/scan"
)

// qrReportVersion is the version of the `verify-qr --json` document; adding keys keeps
// it, renaming or removing one bumps it.
const qrReportVersion = 1

// qrReport is what `verify-qr --json` prints: every file, every code in it, a verdict each.
type qrReport struct {
	SchemaVersion int        `json:"schema_version"`
	Files         []qrFile   `json:"files"`
	Outcome       string     `json:"outcome"` // "valid", "failed", "unreadable", "error": the exit code in words
	Error         *errorInfo `json:"error"`
}

type qrFile struct {
	File  string       `json:"file"` // "-" for --text
	Codes []*qrCodeOut `json:"codes"`
	Error *errorInfo   `json:"error"` // "no_code", "format", "tool_missing", "io"
}

type qrCodeOut struct {
	Page       int         `json:"page"` // PDF page from 1; 0 for images and --text
	Text       string      `json:"text"`
	Verdict    qr.Verdict  `json:"verdict"`
	Reason     qr.Reason   `json:"reason"`
	ReasonText string      `json:"reason_text"`
	KeyID      string      `json:"key_id"`
	Signer     *qrSigner   `json:"signer"`
	Payload    *qr.Payload `json:"payload"` // vouched for only when verdict is "valid"
}

type qrSigner struct {
	Subject   string `json:"subject"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
}

// verifyQR decodes every QR code in photos, scans or PDFs and checks each against the
// trusted issuing-office certificates (docs/qr-format.md).
func (c *cli) verifyQR(args []string) int {
	fs, lang := c.flags("verify-qr")
	asJSON := fs.Bool("json", false, c.tr.T("cli.flag.json"))
	text := fs.String("text", "", c.tr.T("qr.flag.text"))
	var trustPaths []string
	fs.Func("trust", c.tr.T("qr.flag.trust"), func(s string) error { trustPaths = append(trustPaths, s); return nil })
	if !c.parse(fs, lang, args) {
		return exitUsage
	}
	files := fs.Args()
	switch {
	case len(trustPaths) == 0:
		fmt.Fprintln(c.stderr, c.tr.T("qr.err.no_trust"))
		return exitUsage
	case len(files) == 0 && *text == "":
		fmt.Fprintln(c.stderr, c.tr.T("qr.err.no_input"))
		fs.Usage()
		return exitUsage
	}
	trust, err := qr.LoadTrust(trustPaths...)
	if err != nil {
		fmt.Fprintln(c.stderr, c.tr.T("qr.err.trust", "error", err.Error()))
		return exitUsage
	}
	r := &qrReport{SchemaVersion: qrReportVersion, Files: []qrFile{}}
	if *text != "" {
		r.Files = append(r.Files, qrFile{File: "-", Codes: []*qrCodeOut{c.checkQR(scan.Code{Text: *text}, trust)}})
	}
	for _, f := range files {
		r.Files = append(r.Files, c.scanQRFile(f, trust))
	}
	code := qrExitCode(r)
	r.Outcome = map[int]string{exitOK: "valid", exitFailedChecks: "failed", exitUnreadable: "unreadable", exitFailure: "error"}[code]
	if *asJSON {
		writeJSON(c.stdout, r)
	} else {
		c.printQR(r)
	}
	return code
}

func (c *cli) scanQRFile(path string, trust *qr.Trust) qrFile {
	out := qrFile{File: path, Codes: []*qrCodeOut{}}
	codes, err := scan.File(path)
	if err != nil {
		out.Error = c.qrFileError(err)
		return out
	}
	for _, sc := range codes {
		out.Codes = append(out.Codes, c.checkQR(sc, trust))
	}
	return out
}

func (c *cli) qrFileError(err error) *errorInfo {
	var tm *scan.ToolMissingError
	switch {
	case errors.Is(err, scan.ErrNoCode):
		return &errorInfo{Code: "no_code", Message: c.tr.T("qr.err.no_code"), Detail: err.Error()}
	case errors.Is(err, scan.ErrFormat), errors.Is(err, scan.ErrTooLarge):
		return &errorInfo{Code: "format", Message: c.tr.T("qr.err.format"), Detail: err.Error()}
	case errors.As(err, &tm):
		return &errorInfo{Code: "tool_missing", Message: c.tr.T("qr.err.tool_missing", "tool", tm.Tool, "package", tm.Package), Detail: err.Error()}
	}
	return &errorInfo{Code: "io", Message: c.tr.T("qr.err.file", "error", err.Error()), Detail: err.Error()}
}

func (c *cli) checkQR(sc scan.Code, trust *qr.Trust) *qrCodeOut {
	res := qr.Verify(sc.Text, trust)
	out := &qrCodeOut{Page: sc.Page, Text: sc.Text, Verdict: res.Verdict, Reason: res.Reason,
		ReasonText: c.tr.T("qr.reason." + string(res.Reason)), KeyID: res.KeyID, Payload: res.Payload}
	if s := res.Signer; s != nil {
		out.Signer = &qrSigner{Subject: s.Subject.String(), Serial: strings.ToUpper(s.SerialNumber.Text(16)),
			NotBefore: s.NotBefore.UTC().Format(time.DateOnly), NotAfter: s.NotAfter.UTC().Format(time.DateOnly)}
	}
	return out
}

// qrExitCode: 9 when any code is tampered or has an untrusted signer (the finding that
// matters most); 1 when a file could not be checked for another reason (missing,
// pdftoppm absent); 5 when a file holds no code, one of our codes is unreadable, or no
// code at all is valid; 0 otherwise. Other QR codes beside valid ones (a web link on a
// letter) do not fail the check.
func qrExitCode(r *qrReport) int {
	failed, broken, unreadable, valid := false, false, false, false
	for _, f := range r.Files {
		if f.Error != nil {
			if f.Error.Code == "io" || f.Error.Code == "tool_missing" {
				broken = true
			} else {
				unreadable = true
			}
		}
		for _, cd := range f.Codes {
			switch {
			case cd.Verdict == qr.Tampered, cd.Verdict == qr.UnknownSigner:
				failed = true
			case cd.Verdict == qr.Valid:
				valid = true
			case cd.Reason != qr.ReasonNotOurs:
				unreadable = true
			}
		}
	}
	switch {
	case failed:
		return exitFailedChecks
	case broken:
		return exitFailure
	case unreadable || !valid:
		return exitUnreadable
	}
	return exitOK
}

func (c *cli) printQR(r *qrReport) {
	for _, f := range r.Files {
		name := f.File
		if f.Error != nil {
			fmt.Fprintln(c.stdout, c.tr.T("qr.file_error", "file", name, "message", f.Error.Message))
			continue
		}
		fmt.Fprintln(c.stdout, c.tr.T("qr.file", "file", name, "count", strconv.Itoa(len(f.Codes))))
		for i, cd := range f.Codes {
			where := c.tr.T("qr.code", "n", strconv.Itoa(i+1))
			if cd.Page > 0 {
				where += " " + c.tr.T("qr.page", "page", strconv.Itoa(cd.Page))
			}
			fmt.Fprintf(c.stdout, "  %s %s — %s\n", where, c.tr.T("qr.verdict."+string(cd.Verdict)), cd.ReasonText)
			c.printQRDetails(cd)
		}
	}
	key := map[string]string{"valid": "qr.summary.valid", "failed": "qr.summary.failed", "unreadable": "qr.summary.unreadable", "error": "qr.summary.error"}[r.Outcome]
	fmt.Fprintln(c.stdout, c.tr.T(key))
}

func (c *cli) printQRDetails(cd *qrCodeOut) {
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(c.stdout, "      %-24s %s\n", capitalize(label)+":", value)
		}
	}
	if cd.Signer != nil {
		line(c.tr.T("qr.label.signer"), cd.Signer.Subject)
	}
	if cd.KeyID != "" {
		line(c.tr.T("qr.label.key_id"), cd.KeyID)
	}
	p := cd.Payload
	if p == nil {
		return
	}
	if cd.Verdict != qr.Valid {
		fmt.Fprintf(c.stdout, "      %s:\n", capitalize(c.tr.T("qr.label.claimed")))
	}
	line(c.tr.T("field.enp"), p.ENP)
	line(c.tr.T("qr.label.name"), strings.TrimSpace(strings.Join([]string{p.Surname, p.FirstName, p.Patronymic}, " ")))
	line(c.tr.T("field.birth_date"), p.BirthDate.Russian())
	line(c.tr.T("field.ogrn"), p.OGRN)
	line(c.tr.T("field.okato"), p.OKATO)
	line(c.tr.T("qr.label.card_serial"), p.CardSerial)
	line(c.tr.T("field.issue_date"), p.IssueDate.Russian())
	line(c.tr.T("qr.label.office"), p.Office)
}
