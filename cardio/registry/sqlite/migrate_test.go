package sqlite

import (
	"errors"
	"path/filepath"
	"testing"

	"omsdesk/cardio/registry"
)

func TestMigrationsNumbered(t *testing.T) {
	ms := migrations()
	if len(ms) < 2 || SchemaVersion() != len(ms) {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
	for i, m := range ms {
		if m.version != i+1 || m.sql == "" {
			t.Errorf("migration %d: %+v", i, m)
		}
	}
}

// TestMigrateFromV1 makes a database as the first release left it, with data, and
// opens it with this program.
func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	old, err := open(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.schemaVersion(ctx); v != 1 {
		t.Fatalf("old database at version %d", v)
	}
	p := syntheticPolicy(1)
	if err := old.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	es := journalOf(t, old, 3)
	if _, err := old.AddVisit(ctx, registry.Visit{ENP: p.ENP, Verdict: "valid"}); err == nil {
		t.Fatal("version 1 already has visits: the test no longer tests a migration")
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.schemaVersion(ctx); v != SchemaVersion() {
		t.Fatalf("migrated to version %d, want %d", v, SchemaVersion())
	}
	if got, err := s.Policy(ctx, p.ENP); err != nil || got != p {
		t.Fatalf("policy after migration: %+v, %v", got, err)
	}
	if r, err := s.VerifyJournal(ctx, &registry.Anchor{Seq: 3, Hash: es[2].Hash}); err != nil || !r.OK() {
		t.Fatalf("journal after migration: %+v, %v", r, err)
	}
	if _, err := s.AddVisit(ctx, registry.Visit{ENP: p.ENP, Verdict: "valid"}); err != nil {
		t.Fatalf("visits after migration: %v", err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != SchemaVersion() {
		t.Fatalf("schema_migrations rows %d, %v", n, err)
	}
	// Opening again applies nothing.
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != SchemaVersion() {
		t.Fatalf("schema_migrations rows after reopening %d, %v", n, err)
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	s, path := newStore(t)
	s.Close()
	db := rawDB(t, path)
	mustExec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', '')`, SchemaVersion()+1)
	db.Close()
	_, err := Open(ctx, path)
	var sv *registry.SchemaVersionError
	if !errors.As(err, &sv) || !errors.Is(err, registry.ErrSchemaTooNew) || sv.Found != SchemaVersion()+1 || sv.Known != SchemaVersion() {
		t.Fatalf("opening a newer database: %v", err)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	old, err := open(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	// Someone made a table that migration 2 wants to create: it must fail as a whole.
	db := rawDB(t, path)
	mustExec(t, db, `CREATE TABLE batches (x)`)
	db.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("migration over a conflicting table succeeded")
	}
	db = rawDB(t, path)
	var v, visits int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != 1 {
		t.Fatalf("version after failed migration %d, %v", v, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'visits'`).Scan(&visits); err != nil || visits != 0 {
		t.Fatalf("failed migration left table visits: %d, %v", visits, err)
	}
}
