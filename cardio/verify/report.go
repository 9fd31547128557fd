// Package verify is the technician's integrity check of an OMS policy card or a dump of
// one: TLV well-formedness, the fields present and their formats and check digits, the
// insurer pointer, the photo, the insurer's digital signature with its certificate, and
// for cards of our issuance profile the life cycle status and the insurer history (so an
// interrupted personalisation or insurer change reads "incomplete"), with optional
// cross-checks against the issuing office's registry and the card's QR code.
// Every check ends pass, fail or not applicable, always with a reason, so a technician
// can tell "broken" from "not there to check".
//
// Reasons are machine-readable (a code and parameters, translated by the CLI and GUI
// from assets/i18n/verify.*.json) with an English text beside them.
package verify

import (
	"fmt"
	"sort"
	"strings"
)

// Status is a check's outcome.
type Status string

// Outcomes of a check.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	NA   Status = "not_applicable"
)

// Check is one line of the report.
type Check struct {
	ID     string            `json:"id"`     // stable: "tlv.owner", "enp", "signature" …
	Status Status            `json:"status"` // pass, fail, not_applicable
	Code   string            `json:"code"`   // reason key: "verify.reason.<code>" in the catalogues
	Params map[string]string `json:"params"` // values for the reason's {placeholders}
	Reason string            `json:"reason"` // the reason in English
}

// Report is the whole integrity check.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Reader        string `json:"reader"`
	ATR           string `json:"atr"`
	// Verdict is fail when any check failed, pass otherwise.
	Verdict Status  `json:"verdict"`
	Checks  []Check `json:"checks"`
	// Signature describes what verified the insurer signature, when one did.
	Signature *SignatureInfo `json:"signature"`
	// Certificate describes the signer's certificate, when the record carries one.
	Certificate *CertificateInfo `json:"certificate"`
}

// SchemaVersion of the report's JSON (docs/verify-report.md).
const SchemaVersion = 1

// SignatureInfo says how a signature verified: which algorithm, which signed bytes,
// which layout of the signature value.
type SignatureInfo struct {
	Algorithm   string `json:"algorithm"`    // "ECDSA P-256 SHA-256", "GOST R 34.10-2012 256 / Streebog-256" …
	SignedBytes string `json:"signed_bytes"` // which byte range matched (see the signedRange names)
	Layout      string `json:"layout"`       // how r and s were laid out
}

// CertificateInfo is what a technician needs to know about the signer's certificate.
type CertificateInfo struct {
	Subject      string `json:"subject"`
	Issuer       string `json:"issuer"`
	NotBefore    string `json:"not_before"`
	NotAfter     string `json:"not_after"`
	KeyAlgorithm string `json:"key_algorithm"`
	Serial       string `json:"serial"`
}

// add records a check. The English reason comes from the reasons table.
func (r *Report) add(id string, st Status, code string, params map[string]string) {
	if params == nil {
		params = map[string]string{}
	}
	r.Checks = append(r.Checks, Check{ID: id, Status: st, Code: code, Params: params, Reason: english(code, params)})
	if st == Fail {
		r.Verdict = Fail
	}
}

// Find returns the check with the given ID.
func (r *Report) Find(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Failed lists the IDs of the failed checks.
func (r *Report) Failed() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == Fail {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// english expands the English template of a reason code.
func english(code string, params map[string]string) string {
	tmpl, ok := reasonsEN[code]
	if !ok {
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k+"="+params[k])
		}
		sort.Strings(keys)
		return code + " " + strings.Join(keys, " ")
	}
	for k, v := range params {
		tmpl = strings.ReplaceAll(tmpl, "{"+k+"}", v)
	}
	return tmpl
}

// reasonsEN holds the English text of every reason code; assets/i18n/verify.en.json
// holds the same under "verify.reason.<code>" (a test keeps them equal) and
// verify.ru.json the Russian.
var reasonsEN = map[string]string{
	"atr_ok":               "ATR well-formed, protocols {protocols}",
	"atr_bad":              "ATR malformed: {error}",
	"atr_tck":              "ATR check byte TCK is wrong or missing",
	"atr_absent":           "no ATR recorded",
	"tlv_ok":               "one {template} template, {size} bytes, lengths consistent",
	"tlv_padding":          "one {template} template, {size} bytes, then {padding} padding bytes (00/FF)",
	"tlv_bad":              "not well-formed BER-TLV: {error}",
	"tlv_trailing":         "{count} object(s) after the {template} template",
	"record_absent":        "the card holds no {template} record",
	"decode_bad":           "the record does not decode: {error}",
	"tags_ok":              "every tag belongs in its template",
	"tags_unknown":         "tags that do not belong: {tags}",
	"text_bad":             "text that is not UTF-8 in {tags}",
	"field_ok":             "{value}",
	"field_absent":         "not on the card",
	"field_invalid":        "{message}",
	"required_ok":          "surname, first name, policy number, birth date and sex are present",
	"required_missing":     "missing: {fields}",
	"dates_ok":             "dates are calendar dates and in order",
	"dates_bad":            "{message}",
	"pointer_ok":           "GET DATA 01B0 names EF {fid}, which holds the insurer record",
	"pointer_absent":       "the card names no current insurer record",
	"pointer_dangling":     "GET DATA 01B0 names EF {fid}, which the card does not have",
	"photo_ok":             "{type}, {width}×{height} pixels, {size} bytes",
	"photo_absent":         "the card holds no photo",
	"photo_bad":            "the photo does not decode as {type}: {error}",
	"photo_jp2":            "JPEG 2000 photo of {size} bytes: its structure was checked, the image was not decoded",
	"signature_absent":     "the insurer record carries no signature",
	"signature_ok":         "{algorithm} over {signed}, {layout}",
	"signature_bad":        "the signature does not verify with the certificate's key ({tried} combinations tried)",
	"signature_no_cert":    "the signature cannot be checked: the record carries no signer certificate",
	"signature_unknownkey": "the certificate's key is neither ECDSA P-256 nor GOST R 34.10: {algorithm}",
	"cert_ok":              "{subject}, valid {from} to {to}",
	"cert_bad":             "the certificate does not parse: {error}",
	"cert_expired":         "the certificate was valid {from} to {to}, not on {today}",
	"chain_ok":             "issued by {issuer}, trusted",
	"chain_no_store":       "no trust store configured",
	"chain_untrusted":      "no trusted certificate issued it: {error}",

	"lifecycle_unknown":       "the card does not report a life cycle status (official cards do not)",
	"lifecycle_bad":           "the recorded life cycle status {value} is not one byte",
	"lifecycle_operational":   "life cycle status {value}: operational, personalisation closed",
	"lifecycle_personalising": "life cycle status {value}: personalisation not closed — incomplete card",
	"lifecycle_deactivated":   "life cycle status {value}: deactivated",
	"lifecycle_terminated":    "life cycle status {value}: voided (terminated)",
	"lifecycle_other":         "life cycle status {value} has no meaning this check knows",

	"history_single":          "{count} insurer record(s): no history to check",
	"history_locked":          "older insurer records {fids} need authentication and cannot be checked",
	"history_ok":              "{count} insurer records ({fids}), each signed, dates in order, the last one current",
	"record_unreadable":       "insurer record(s) {fids} cannot be read or decoded — incomplete card",
	"record_unsigned":         "insurer record(s) {fids} carry no signature — incomplete card",
	"signature_invalid":       "the signature of insurer record(s) {fids} does not verify — incomplete card",
	"dates_not_increasing":    "insurance start dates of records {fids} do not increase with the file ID",
	"record_not_closed":       "insurer record(s) {fids} have no end date although a later record follows — the insurer change was interrupted, incomplete card",
	"closed_after_next_start": "insurer record(s) {fids} end on or after the next record's start",
	"last_record_closed":      "the last insurer record {fids} has an end date — incomplete card",
	"pointer_not_last":        "GET DATA 01B0 names EF {pointer}, not the last insurer record {fids} — the insurer change was interrupted, incomplete card",

	"registry_none":              "no registry configured",
	"chip_unreadable":            "the owner record could not be read: nothing to compare",
	"registry_no_serial":         "the card has no serial number (not issued by OMS Desk)",
	"registry_serial_unreadable": "the card's serial number cannot be read: {error}",
	"registry_error":             "the registry could not be asked: {error}",
	"registry_unknown_card":      "the registry has no card {serial}",
	"registry_card_status":       "the registry holds card {serial} as {status}, not active",
	"registry_unknown_policy":    "the registry has no policy with the number on card {serial}",
	"registry_mismatch":          "the chip differs from the registry in: {fields}",
	"registry_ok":                "card {serial} is active in the registry, holder and insurer match",

	"qr_none":      "no QR code given",
	"qr_signature": "the QR code's signature is not valid ({verdict})",
	"qr_mismatch":  "the chip differs from the QR code in: {fields}",
	"qr_ok":        "the QR code's signature is valid and its fields match the chip",
}

// fmtList joins values for a reason parameter.
func fmtList(items []string) string { return strings.Join(items, ", ") }

func itoa(n int) string { return fmt.Sprint(n) }
