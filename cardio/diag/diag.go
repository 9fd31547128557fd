// Package diag collects the technician's diagnostics bundle: one file that tells a
// support desk everything about a workstation's card-reading set-up — program and
// module versions, operating system, the PC/SC service, every reader and the card in
// it — and nothing about the people whose cards were read.
//
// A support desk cannot ask a clinic to send a policy card, and must not receive the
// holder's data: so the bundle says of an OMS card only what the program learned about
// the card as a card (how many APDUs the read took, how big the records are, whether
// the policy is valid today, which validation checks failed, by code) and never a name,
// a policy number, a date, the photo or a check-digit value. The one value taken from
// the card's records is the insurer's OGRN, which identifies the insurance company
// (a legal entity, 13 digits), and only when it is a valid OGRN.
//
// Collection never stops at the first failure: each section records its own error, and
// [Bundle.Errors] lists them all, so a bundle made on a machine without pcscd still
// says which OS and program version it came from.
//
// # Fields
//
// The JSON form ([Bundle.WriteJSON]) has these members; [Bundle.WriteText] prints the
// same facts with English labels. Errors are objects {"message", "pcsc_code"}, the code
// (for example "0x8010001D") present when PC/SC gave one.
//
//   - format: the layout version, [FormatVersion].
//   - created: when the bundle was made (RFC 3339).
//   - program: name (as the caller gave it), module and version of the main module, Go
//     version, VCS revision and whether the tree was modified, and modules: the versions
//     of github.com/ebfe/scard and fyne.io/fyne/v2 (linked false when not in the binary);
//     error when the binary carries no build information.
//   - host: os and arch (GOOS/GOARCH), distribution (PRETTY_NAME of /etc/os-release).
//   - service: connected (whether SCardEstablishContext worked) with connect_error,
//     list_error (listing readers failed), and on systems whose service is pcsc-lite's
//     pcscd a daemon object: running and pids (processes named pcscd found through
//     /proc), command (the first one's command line), socket (the client socket,
//     $PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm) and socket_present, version (first
//     line of `pcscd --version`), library (`dpkg-query -W libpcsclite1`), each with its
//     error, and notes for what could not be looked at.
//   - atr_list: whether pcsc-tools' list of known ATRs is installed and its entries.
//   - readers: one object per reader: name; state (present, empty, in_use, exclusive,
//     mute, unavailable, unknown: the SCARD_STATE_* flags); attributes read through a
//     direct connection (vendor_name, ifd_type, ifd_version as "major.minor.build",
//     ifd_serial, max_input in bytes — the longest message the reader takes in one
//     exchange —, unsupported: the ones the driver does not provide); and card when
//     one is present:
//   - card: atr (hex), decoded (protocols, historical bytes in hex and ASCII,
//     tck_valid, extended_length: whether the card announces extended Lc/Le), known
//     (descriptions from the known-ATR list) and probe: verdict "OMS policy", "not an
//     OMS policy" or "unreadable" (then error says why), and for an OMS policy policy:
//     apdus, owner_record_bytes, insurer_record_bytes, insurer_file_id, via_root
//     (foms_root was selected), extended_read, photo_bytes, status ("valid",
//     "expired", …: policy.Status), insurer_ogrn, findings (validation codes with the
//     field they concern, e.g. {"field":"enp","code":"enp.check_digit"}) and
//     decode_problems (record, tag and code of what decoding found odd).
//   - errors: every error above as "where: message", in the order met.
package diag

import (
	"context"
	"errors"
	"fmt"
	"time"

	"omsdesk/cardio/pcsc"
)

// FormatVersion is the layout version written in [Bundle.Format]. It changes when a
// field changes meaning or disappears, not when one is added.
const FormatVersion = 1

// Probe verdicts ([Probe.Verdict]).
const (
	VerdictOMS        = "OMS policy"
	VerdictNotOMS     = "not an OMS policy"
	VerdictUnreadable = "unreadable"
)

// Options tune [Collect].
type Options struct {
	// Now gives the bundle's creation time and "today" for the policy status;
	// time.Now when nil.
	Now func() time.Time
	// Program names the program and its version as the user sees them, for example
	// "omsdesk 1.4.0"; the executable's base name when empty.
	Program string
	// ProbeTimeout bounds the read of each card (probe.DefaultTimeout when 0).
	ProbeTimeout time.Duration
}

// Bundle is one diagnostics report. See the package documentation for what each field
// holds; nothing in it identifies a card holder.
type Bundle struct {
	Format  int       `json:"format"`
	Created time.Time `json:"created"`
	Program Program   `json:"program"`
	Host    Host      `json:"host"`
	Service Service   `json:"service"`
	ATRList ATRList   `json:"atr_list"`
	Readers []Reader  `json:"readers"`
	// Errors lists every error recorded in the sections above, as "where: message".
	Errors []string `json:"errors"`
}

// Program describes the running binary.
type Program struct {
	Name      string   `json:"name"`
	Module    string   `json:"module,omitempty"`
	Version   string   `json:"version,omitempty"`
	GoVersion string   `json:"go_version,omitempty"`
	Revision  string   `json:"revision,omitempty"`
	Modified  bool     `json:"modified,omitempty"`
	Modules   []Module `json:"modules"`
	Error     *Error   `json:"error,omitempty"`
}

// Module is a dependency whose version matters to card reading or display.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"` // with " => replacement" when replaced
	Linked  bool   `json:"linked"`
}

// Host describes the operating system.
type Host struct {
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	Distribution string `json:"distribution,omitempty"`
	Error        *Error `json:"error,omitempty"`
}

// Service describes the PC/SC service.
type Service struct {
	// Daemon is nil where the service is the system's own (Windows, macOS).
	Daemon       *Daemon `json:"daemon,omitempty"`
	Connected    bool    `json:"connected"`
	ConnectError *Error  `json:"connect_error,omitempty"`
	ListError    *Error  `json:"list_error,omitempty"`
}

// Daemon describes pcsc-lite's pcscd as seen from outside the PC/SC API, which helps
// when the API cannot connect.
type Daemon struct {
	Running       bool     `json:"running"`
	PIDs          []int    `json:"pids,omitempty"`
	Command       string   `json:"command,omitempty"`
	ProcessError  *Error   `json:"process_error,omitempty"`
	Socket        string   `json:"socket"`
	SocketPresent bool     `json:"socket_present"`
	SocketError   *Error   `json:"socket_error,omitempty"`
	Version       string   `json:"version,omitempty"`
	VersionError  *Error   `json:"version_error,omitempty"`
	Library       string   `json:"library,omitempty"`
	LibraryError  *Error   `json:"library_error,omitempty"`
	Notes         []string `json:"notes,omitempty"`
}

// ATRList describes pcsc-tools' list of known ATRs, which names the cards found.
type ATRList struct {
	Installed bool   `json:"installed"`
	Entries   int    `json:"entries"`
	Error     *Error `json:"error,omitempty"`
}

// Reader is one PC/SC reader and the card in it.
type Reader struct {
	Name       string     `json:"name"`
	State      *State     `json:"state,omitempty"`
	StateError *Error     `json:"state_error,omitempty"`
	Attributes Attributes `json:"attributes"`
	Card       *Card      `json:"card,omitempty"`
}

// State is a reader's SCARD_STATE_* flags.
type State struct {
	Present     bool `json:"present"`
	Empty       bool `json:"empty"`
	InUse       bool `json:"in_use"`
	Exclusive   bool `json:"exclusive"`
	Mute        bool `json:"mute"`
	Unavailable bool `json:"unavailable"`
	Unknown     bool `json:"unknown"`
}

// Attributes are what the reader's driver tells about the reader (SCardGetAttrib).
type Attributes struct {
	VendorName  string   `json:"vendor_name,omitempty"`
	IFDType     string   `json:"ifd_type,omitempty"`
	IFDVersion  string   `json:"ifd_version,omitempty"`
	IFDSerial   string   `json:"ifd_serial,omitempty"`
	MaxInput    int      `json:"max_input,omitempty"`
	Unsupported []string `json:"unsupported,omitempty"`
	Errors      []*Error `json:"errors,omitempty"`
}

// Card is the card found in a reader.
type Card struct {
	ATR         string      `json:"atr"`
	Decoded     *ATRSummary `json:"decoded,omitempty"`
	DecodeError *Error      `json:"decode_error,omitempty"`
	Known       []string    `json:"known,omitempty"`
	Probe       Probe       `json:"probe"`
}

// ATRSummary is the part of the decoded ATR a support desk looks at first.
type ATRSummary struct {
	Protocols       []string `json:"protocols"`
	Historical      string   `json:"historical,omitempty"`
	HistoricalASCII string   `json:"historical_ascii,omitempty"`
	TCKValid        bool     `json:"tck_valid"`
	ExtendedLength  bool     `json:"extended_length"`
}

// Probe is the result of reading the card as an OMS policy.
type Probe struct {
	Verdict string       `json:"verdict"`
	Error   *Error       `json:"error,omitempty"`
	Policy  *PolicyFacts `json:"policy,omitempty"`
}

// PolicyFacts are the facts about an OMS card that say nothing about its holder.
type PolicyFacts struct {
	APDUs              int       `json:"apdus"`
	OwnerRecordBytes   int       `json:"owner_record_bytes"`
	InsurerRecordBytes int       `json:"insurer_record_bytes"`
	InsurerFileID      string    `json:"insurer_file_id,omitempty"`
	ViaRoot            bool      `json:"via_root"`
	ExtendedRead       bool      `json:"extended_read"`
	PhotoBytes         int       `json:"photo_bytes"`
	Status             string    `json:"status"`
	InsurerOGRN        string    `json:"insurer_ogrn,omitempty"`
	Findings           []Finding `json:"findings"`
	DecodeProblems     []Problem `json:"decode_problems,omitempty"`
}

// Finding is one validation finding: the field it concerns and its stable code
// (policy.FieldError without its parameters, which hold the card's values).
type Finding struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Problem is one decoding finding (policy.Problem without its note).
type Problem struct {
	Record string `json:"record"` // "owner" or "insurer"
	Tag    string `json:"tag"`
	Code   string `json:"code"`
}

// Error is an error as the bundle records it. It keeps the original error, so that
// callers of [Collect] can still match it with errors.Is; the JSON form has only the
// message and the PC/SC code.
type Error struct {
	Message  string `json:"message"`
	PCSCCode string `json:"pcsc_code,omitempty"`
	err      error
}

// newError records err; nil gives nil.
func newError(err error) *Error {
	if err == nil {
		return nil
	}
	e := &Error{Message: err.Error(), err: err}
	var pe *pcsc.Error
	if errors.As(err, &pe) {
		e.PCSCCode = fmt.Sprintf("0x%08X", pe.Code)
	}
	return e
}

// Error returns the message ("" for a nil *Error).
func (e *Error) Error() string {
	if e == nil {
		return ""
	}
	return e.Message
}

// Unwrap returns the original error (nil after a JSON round trip).
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

// text is the message with the PC/SC code, as the text form prints it.
func (e *Error) text() string {
	if e.PCSCCode == "" {
		return e.Message
	}
	return e.Message + " [PC/SC " + e.PCSCCode + "]"
}

// Collect makes a bundle. It never fails: what it cannot find out is recorded as an
// error in the section concerned. ctx bounds the external commands it runs and stops
// the probing of further cards when cancelled.
func Collect(ctx context.Context, opts Options) *Bundle {
	return newCollector(opts).collect(ctx)
}
