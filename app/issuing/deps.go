package issuing

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"omsdesk/assets/i18n"
	"omsdesk/cardio"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
)

// Deps is everything the issuance mode needs from the outside world. The shell wires
// the real implementations (preferences, PC/SC, the signing key, CUPS); tests pass
// in-process ones (a virtual card, a registry in a temporary directory, a test key).
type Deps struct {
	// Tr is the catalogue of the user's language.
	Tr *i18n.Catalog
	// Window is the parent of dialogs (file choosers, PIN entry). Nil disables the
	// dialogs: tests call the screen's Import… and Load… methods instead.
	Window fyne.Window
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Issuer returns the workstation's issuer with its registry and signer wired (the
	// shell builds it from the preferences: registry path, key spec, actor). The mode
	// sets Progress and Reader on a copy; it never closes anything it gets here.
	Issuer func(ctx context.Context) (*issuance.Issuer, error)
	// Card connects to the card in the selected reader. release disconnects; it is
	// called once the workflow is done with the card.
	Card func(ctx context.Context) (t cardio.Transport, release func(), err error)
	// PINs asks the operator for the PINs a workflow needs (see PINRequest). The
	// PINs are used for one workflow and then dropped: never stored, never logged.
	// It is called off the UI goroutine and may block until the operator answers;
	// ErrCancelled means the operator declined.
	PINs func(ctx context.Context, need PINRequest) (personalise.PINs, error)
	// Renderer makes the previews and the printable PDFs; nil shows "not available".
	Renderer Renderer
	// Print sends a PDF to the printer of the job's kind (card printer for faces, A4
	// for certificates); nil disables printing.
	Print func(ctx context.Context, job PrintJob) error
	// Feeder hands the batch one card after another: in the app it waits for the next
	// card in the reader; in tests it is a list of virtual blank cards. Nil disables
	// running batches (queueing still works).
	Feeder issuance.Feeder
}

// PINRequest says which PINs a workflow needs, so the dialog asks for no more.
type PINRequest int

// What each workflow needs.
const (
	// PINsForIssue: the issuer PIN and the new holder PIN the card will get.
	PINsForIssue PINRequest = iota
	// PINsForChange: the issuer PIN and the holder's current PIN (change of insurer).
	PINsForChange
	// PINsForRecover: the issuer PIN only (wipe or void an unfinished card).
	PINsForRecover
	// PINsForBatch: the issuer PIN and the holder PIN every card of the batch gets.
	PINsForBatch
)

// ErrCancelled is what PINs returns when the operator closes the dialog.
var ErrCancelled = errors.New("cancelled by the operator")

// Printable is what the previews and print-outs are made from: only data read back
// from the card after issuance.
type Printable struct {
	Policy *policy.Policy
	Serial string
	// Photo is the holder's photo as on the card (nil for children under 14).
	Photo []byte
	// Signature is the holder's signature image, printed on the card face only.
	Signature []byte
	// Issued is the issue date (the age rules of the face apply on it).
	Issued policy.Date
}

// Renderer turns an issued card into previews and PDFs. The default, LayoutRenderer,
// uses layout/face and layout/certificate.
type Renderer interface {
	// Face returns the front and back of the card face as PNG and both as one PDF.
	Face(d Printable) (front, back, pdf []byte, err error)
	// Certificate returns the A4 certificate as a PNG preview and as a PDF.
	Certificate(d Printable) (preview, pdf []byte, err error)
}

// PrintKind names what is printed, so the shell picks the printer and its profile.
type PrintKind string

// Kinds of print jobs.
const (
	PrintFace        PrintKind = "face"
	PrintCertificate PrintKind = "certificate"
)

// PrintJob is one document for the printer.
type PrintJob struct {
	Kind  PrintKind
	Title string // a job title: ASCII letters, digits, '-', '_' and '.'
	PDF   []byte
}
