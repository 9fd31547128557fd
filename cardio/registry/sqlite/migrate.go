package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"omsdesk/cardio/registry"
)

// migrationFiles are the schema migrations, NNNN_name.sql, applied in number order.
// A migration, once released, is never edited: changes go into a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations in order; it panics on a misnamed file,
// which a test catches.
func migrations() []migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	var list []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			panic("registry: migration file " + base + " is not named NNNN_name.sql")
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		list = append(list, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i, m := range list {
		if m.version != i+1 {
			panic(fmt.Sprintf("registry: migration %s: want version %d", m.name, i+1))
		}
	}
	return list
}

// SchemaVersion is the newest schema version this program knows.
func SchemaVersion() int { return len(migrations()) }

// migrate applies the missing migrations up to version upTo (-1: all) in one
// transaction, recording each in schema_migrations.
func migrate(ctx context.Context, db *sql.DB, upTo int) error {
	all := migrations()
	if upTo < 0 || upTo > len(all) {
		upTo = len(all)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrating schema: reading version: %w", err)
	}
	if have > len(all) {
		return &registry.SchemaVersionError{Found: have, Known: len(all)}
	}
	for _, m := range all[have:upTo] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrating schema to %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, storeTime(time.Now())); err != nil {
			return fmt.Errorf("migrating schema to %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	return nil
}

// schemaVersion reads the applied version.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
