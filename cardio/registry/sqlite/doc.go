// Package sqlite is the registry ([registry.Store]) on an embedded SQLite file, through
// database/sql and the pure-Go driver modernc.org/sqlite: no cgo, one file (plus its
// WAL) per office.
//
// Every connection runs with journal_mode=WAL (readers never block the writer),
// foreign_keys=ON and a busy timeout; write transactions begin IMMEDIATE, so two
// processes on one file queue for the write lock instead of failing half-way. The
// schema is built by numbered migrations embedded from migrations/*.sql and recorded
// in schema_migrations; a file written by a newer program is refused with a
// *registry.SchemaVersionError. The journal table carries triggers that abort UPDATE
// and DELETE; the hash chain (package registry) catches what a hand edit that drops
// them does.
package sqlite
