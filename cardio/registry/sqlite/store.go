package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// busyTimeoutMS is how long a connection waits for another process's write lock
// before giving up with SQLITE_BUSY.
const busyTimeoutMS = 5000

// Store is the [registry.Store] on one SQLite file. It is safe for concurrent use; writes
// are serialised inside the process by a mutex and across processes by SQLite's write
// lock, taken at the start of every write transaction (BEGIN IMMEDIATE).
type Store struct {
	db      *sql.DB
	path    string
	writeMu sync.Mutex
	// policyByENP and policyByRowID are prepared once: a look-up is the hot path of
	// the front desk and of batch validation.
	policyByENP, policyByRowID *sql.Stmt
	// now is the clock for store-set times (card updates, batch rows, journal entries
	// without a time).
	now func() time.Time
}

var _ registry.Store = (*Store)(nil)

// Open opens or creates the registry at path and brings its schema up to date. path
// ":memory:" gives a private in-memory database (one connection). A database written by
// a newer program is refused with a *registry.SchemaVersionError.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, -1)
}

// open is Open with the schema brought up to version upTo (-1: the newest); tests use
// it to make old databases.
func open(ctx context.Context, path string, upTo int) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("opening registry %q: %w: path must be non-empty without ? or #", path, registry.ErrInvalid)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening registry %s: %w", path, err)
	}
	if path == ":memory:" {
		db.SetMaxOpenConns(1) // every connection would be a separate empty database
	}
	s := &Store{db: db, path: path, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening registry %s: %w", path, err)
	}
	if err := migrate(ctx, db, upTo); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening registry %s: %w", path, err)
	}
	if s.policyByENP, err = db.PrepareContext(ctx, selectPolicy+`WHERE p.enp = ?`); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening registry %s: %w", path, err)
	}
	if s.policyByRowID, err = db.PrepareContext(ctx, selectPolicy+`WHERE p.id = ?`); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening registry %s: %w", path, err)
	}
	return s, nil
}

// dsn is the modernc.org/sqlite connection string: every connection gets the busy
// timeout, foreign keys and WAL, and write transactions begin IMMEDIATE so that a
// read-then-write transaction (a journal append) never fails half-way on a lock.
func dsn(path string) string {
	return path + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate", busyTimeoutMS)
}

// Close closes the database.
func (s *Store) Close() error {
	s.policyByENP.Close()
	s.policyByRowID.Close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing registry: %w", err)
	}
	return nil
}

// Path is the database file the store was opened on.
func (s *Store) Path() string { return s.path }

// write runs fn in one write transaction, one at a time in this process.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// storeTime is the text form of store-set times: the journal's layout, which sorts.
func storeTime(t time.Time) string { return t.UTC().Format(registry.TimeLayout) }

func parseStoreTime(s string) (time.Time, error) {
	t, err := time.Parse(registry.TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parsing stored time %q: %w", s, err)
	}
	return t, nil
}

func parseStoreDate(s string) (policy.Date, error) {
	d, err := policy.ParseDate(s)
	if err != nil {
		return policy.Date{}, fmt.Errorf("parsing stored date: %w", err)
	}
	return d, nil
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return registry.ErrNotFound
	}
	return err
}

// DefaultPath is where an office's registry lives unless told otherwise, the same for
// the command line and the desktop application: $OMSDESK_REGISTRY, else
// $XDG_DATA_HOME/omsdesk/registry.db (~/.local/share/… when XDG_DATA_HOME is unset).
func DefaultPath() string {
	if p := os.Getenv("OMSDESK_REGISTRY"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "registry.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "omsdesk", "registry.db")
}
