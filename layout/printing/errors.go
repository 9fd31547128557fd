package printing

import (
	"errors"
	"fmt"
)

// Errors callers act on. The CLI and GUI translate them (printing.err.* keys).
var (
	// ErrNoCUPS means the CUPS client tools are not installed or the scheduler is not
	// running: start cupsd (scripts/cups-setup.sh does) or install cups.
	ErrNoCUPS = errors.New("CUPS is not available")
	// ErrUnknownPrinter means the scheduler runs but has no queue of that name.
	ErrUnknownPrinter = errors.New("no such printer")
	// ErrJobFailed means the scheduler accepted a job but it did not complete: it was
	// aborted by a filter or backend, or cancelled. A *JobError says which.
	ErrJobFailed = errors.New("print job did not complete")
	// ErrNotPDF is returned for a document that does not start with a PDF header.
	ErrNotPDF = errors.New("not a PDF document")
	// ErrUnsupportedPDF means SetPrintScalingNone cannot update this PDF safely (a
	// cross-reference stream, an indirect viewer-preferences dictionary, damage).
	ErrUnsupportedPDF = errors.New("PDF structure not supported")
	// ErrInvalidProfile is matched by every *ProfileError.
	ErrInvalidProfile = errors.New("invalid printer profile")
	// ErrInvalidJob is returned for a job that must not be submitted as given: a bad
	// printer name, title, copy count or media.
	ErrInvalidJob = errors.New("invalid print job")
)

// ProfileError says which setting of which printer's profile is wrong. Code is stable
// (printing.err.<code> in the catalogues): "scale_range", "offset_range", "media",
// "printer_name", "setting", "number", "measurement", "file_format", "version".
type ProfileError struct {
	Printer string // the queue name, "" when not known
	Field   string // e.g. "offset_x_mm", "scale", "media"
	Code    string
	Value   string // the offending value as written
}

func (e *ProfileError) Error() string {
	s := "invalid printer profile"
	if e.Printer != "" {
		s += " for " + e.Printer
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	s += ": " + e.Code
	if e.Value != "" {
		s += fmt.Sprintf(" (%s)", e.Value)
	}
	return s
}

// Is makes every ProfileError match ErrInvalidProfile.
func (e *ProfileError) Is(target error) bool { return target == ErrInvalidProfile }

// Params are the values the translated message of a ProfileError fills in.
func (e *ProfileError) Params() map[string]string {
	return map[string]string{"printer": e.Printer, "setting": e.Field, "value": e.Value}
}

// JobError is a job that ended without completing. State is the IPP job-state keyword
// ("aborted", "canceled"); Reasons are the scheduler's job-state-reasons and Message
// its job-printer-state-message, which name the failing filter or backend.
type JobError struct {
	ID      JobID
	State   string
	Reasons []string
	Message string
}

func (e *JobError) Error() string {
	s := fmt.Sprintf("print job %s %s", e.ID, e.State)
	if len(e.Reasons) > 0 {
		s += fmt.Sprintf(" %v", e.Reasons)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes every JobError match ErrJobFailed.
func (e *JobError) Is(target error) bool { return target == ErrJobFailed }
