package registry

import (
	"context"
	"io"

	"omsdesk/cardio/policy"
)

// Policies keeps policies and their holders.
type Policies interface {
	// PutPolicy adds the policy or, when its ENP is known, replaces its holder data and
	// dates.
	PutPolicy(ctx context.Context, r PolicyRecord) error
	// Policy returns the policy with this ENP, or an error wrapping ErrNotFound.
	Policy(ctx context.Context, enp string) (PolicyRecord, error)
	// ImportPolicies validates and stores all records in one transaction: either every
	// record is stored or none is (an *ImportError names the first bad one).
	ImportPolicies(ctx context.Context, records []PolicyRecord) error
}

// Cards keeps the chip cards written for policies.
type Cards interface {
	// AddCard records a new card of a known policy, normally in StatusPersonalising.
	// Adding a card directly as active follows the rules of SetCardStatus.
	AddCard(ctx context.Context, c Card) error
	// Card returns the card with this serial, or an error wrapping ErrNotFound.
	Card(ctx context.Context, serial string) (Card, error)
	// CardsByENP returns the policy's cards, oldest first.
	CardsByENP(ctx context.Context, enp string) ([]Card, error)
	// SetCardStatus moves a card to a new status, refusing illegal changes with a
	// *TransitionError. Activating a card marks the policy's previously active card
	// replaced and links lost or stolen cards to it, in the same transaction.
	SetCardStatus(ctx context.Context, serial string, status CardStatus, note string) error
}

// Insurers keeps the insurer records written to cards.
type Insurers interface {
	// AddInsurerRecord stores a record for a known policy and returns its ID.
	AddInsurerRecord(ctx context.Context, r InsurerRecord) (int64, error)
	// CloseInsurerRecord sets the end date of the policy's current record (the latest
	// one that is open or ends after end).
	CloseInsurerRecord(ctx context.Context, enp string, end policy.Date) error
	// InsurerRecords returns the policy's records by start date.
	InsurerRecords(ctx context.Context, enp string) ([]InsurerRecord, error)
}

// Visits keeps the front desk's log of cards read.
type Visits interface {
	// AddVisit records a card read and returns its ID.
	AddVisit(ctx context.Context, v Visit) (int64, error)
	// Visits returns the visits of one front-desk day, in time order.
	Visits(ctx context.Context, day policy.Date) ([]Visit, error)
}

// Batches is the persistent queue of a batch issuance: it survives a crash, so an
// interrupted batch resumes at its first pending row.
type Batches interface {
	// CreateBatch stores a batch and its items (all pending) and returns its ID.
	CreateBatch(ctx context.Context, name string, items []BatchItem) (int64, error)
	// Batch returns one batch's summary.
	Batch(ctx context.Context, id int64) (Batch, error)
	// Batches returns every batch, newest first.
	Batches(ctx context.Context) ([]Batch, error)
	// BatchItems returns a batch's items by row.
	BatchItems(ctx context.Context, id int64) ([]BatchItem, error)
	// NextPending returns the pending item with the lowest row, or ErrNoPending.
	NextPending(ctx context.Context, id int64) (BatchItem, error)
	// SetItemState records the outcome of one row.
	SetItemState(ctx context.Context, id int64, row int, state ItemState, cardSerial, note string) error
}

// Journal is the append-only, hash-chained log of issuance steps.
type Journal interface {
	// Append assigns the entry its Seq, At (when zero), PrevHash and Hash, stores it and
	// returns it as stored.
	Append(ctx context.Context, e Entry) (Entry, error)
	// Head returns the newest entry's seq and hash: an anchor to keep elsewhere.
	Head(ctx context.Context) (Anchor, error)
	// VerifyJournal walks the whole chain. Problems found are in the report; the error
	// is only for failing to read. A non-nil anchor is checked too.
	VerifyJournal(ctx context.Context, anchor *Anchor) (JournalReport, error)
	// ExportJournal writes every entry, hashes included, for [VerifyExport].
	ExportJournal(ctx context.Context, w io.Writer, format ExportFormat) error
}

// Store is the whole registry. Package omsdesk/cardio/registry/sqlite implements it on
// an SQLite file; a server database can follow behind the same interface.
type Store interface {
	Policies
	Cards
	Insurers
	Visits
	Batches
	Journal
	// Summary counts what the registry holds.
	Summary(ctx context.Context) (Summary, error)
	Close() error
}
