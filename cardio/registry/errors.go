package registry

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers match with errors.Is. Every error the store returns for
// one of these conditions wraps the sentinel, usually inside one of the typed errors
// below that says more.
var (
	// ErrNotFound means the policy, card, batch, item or insurer record asked for is not
	// in the registry.
	ErrNotFound = errors.New("not found")
	// ErrExists means a card with the same serial (or a batch item with the same row)
	// is already recorded.
	ErrExists = errors.New("already exists")
	// ErrInvalid means a record failed validation before it reached the database; the
	// wrapped error (often a *policy.FieldError) says which field.
	ErrInvalid = errors.New("invalid record")
	// ErrIllegalTransition means a card or batch item cannot move from its current
	// status to the one asked for; see [TransitionError].
	ErrIllegalTransition = errors.New("illegal status transition")
	// ErrNoPending means a batch has no item left in state pending.
	ErrNoPending = errors.New("no pending item")
	// ErrSchemaTooNew means the database was written by a newer program; opening it
	// would risk damaging data this program does not understand.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
	// ErrJournalBroken is returned by [JournalReport.Err] when verification found a
	// problem.
	ErrJournalBroken = errors.New("journal chain is broken")
	// ErrBadAnchor means an anchor string is not "SEQ:HEX".
	ErrBadAnchor = errors.New("malformed journal anchor")
	// ErrBadExport means an export file is not in a format [VerifyExport] reads.
	ErrBadExport = errors.New("malformed journal export")
)

// TransitionError says which status change was refused. It matches
// [ErrIllegalTransition].
type TransitionError struct {
	Object string // "card" or "batch_item"
	Key    string // the card serial, or "batch/row"
	From   string
	To     string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s %s: %s → %s is not allowed: %v", e.Object, e.Key, e.From, e.To, ErrIllegalTransition)
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// SchemaVersionError reports a database whose schema version is newer than the newest
// migration this program carries. It matches [ErrSchemaTooNew].
type SchemaVersionError struct {
	Found int // version recorded in the database
	Known int // newest version this program knows
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("database schema version %d, this program knows up to %d: %v", e.Found, e.Known, ErrSchemaTooNew)
}

// Is makes errors.Is(err, ErrSchemaTooNew) true.
func (e *SchemaVersionError) Is(target error) bool { return target == ErrSchemaTooNew }

// ImportError says which record of an [Policies.ImportPolicies] call was refused; the
// whole import was rolled back.
type ImportError struct {
	Index int    // position in the slice, from 0
	ENP   string // the record's policy number as given
	Err   error  // ErrInvalid (wrapping the field error) or ErrExists for a duplicate
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("importing record %d (ENP %s): %v", e.Index, e.ENP, e.Err)
}

func (e *ImportError) Unwrap() error { return e.Err }
