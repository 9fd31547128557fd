package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"omsdesk/cardio/registry"
)

// Append stores the next journal entry. It assigns Seq (last + 1), PrevHash (the last
// entry's hash, or 32 zero bytes for the first) and Hash; a zero At becomes now. At is
// never earlier than the previous entry's: a clock that stepped back is clamped, so
// that an entry dated before its predecessor always means tampering.
func (s *Store) Append(ctx context.Context, e registry.Entry) (registry.Entry, error) {
	if err := e.Validate(); err != nil {
		return registry.Entry{}, fmt.Errorf("appending journal entry: %w", err)
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var lastSeq int64
		var lastAt, lastHash string
		err := tx.QueryRowContext(ctx, `SELECT seq, at, hash FROM journal ORDER BY seq DESC LIMIT 1`).Scan(&lastSeq, &lastAt, &lastHash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			e.Seq, e.PrevHash = 1, registry.ZeroHash
		case err != nil:
			return err
		default:
			prev, err := registry.ParseHash(lastHash)
			if err != nil {
				return fmt.Errorf("%w: entry %d: %w", registry.ErrJournalBroken, lastSeq, err)
			}
			e.Seq, e.PrevHash = lastSeq+1, prev
			if t, err := time.Parse(registry.TimeLayout, lastAt); err == nil && e.At.Before(t) {
				e.At = t
			}
		}
		e.Hash = registry.EntryHash(&e)
		r := e.Raw()
		_, err = tx.ExecContext(ctx, `INSERT INTO journal (seq, at, actor, workstation, reader, card_serial, enp, step, result, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, r.At, r.Actor, r.Workstation, r.Reader, r.CardSerial, r.ENP, r.Step, r.Result, r.Detail, r.PrevHash, r.Hash)
		return err
	})
	if err != nil {
		return registry.Entry{}, fmt.Errorf("appending journal entry: %w", err)
	}
	return e, nil
}

// Head returns the newest entry's seq and hash (zero for an empty journal).
func (s *Store) Head(ctx context.Context) (registry.Anchor, error) {
	var seq int64
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1`).Scan(&seq, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return registry.Anchor{}, nil
	}
	if err != nil {
		return registry.Anchor{}, fmt.Errorf("reading journal head: %w", err)
	}
	hash, err := registry.ParseHash(h)
	if err != nil {
		return registry.Anchor{}, fmt.Errorf("reading journal head: entry %d: %w: %w", seq, registry.ErrJournalBroken, err)
	}
	return registry.Anchor{Seq: seq, Hash: hash}, nil
}

// VerifyJournal walks the journal by seq in one read snapshot and checks the chain
// (and the anchor, when given). See [registry.Verifier] for what is found.
func (s *Store) VerifyJournal(ctx context.Context, anchor *registry.Anchor) (registry.JournalReport, error) {
	v := registry.NewVerifier(anchor)
	if err := s.eachRaw(ctx, func(r registry.RawEntry) error { v.Add(r); return nil }); err != nil {
		return registry.JournalReport{}, fmt.Errorf("verifying journal: %w", err)
	}
	return v.Report(), nil
}

// ExportJournal writes every entry as stored, hashes included.
func (s *Store) ExportJournal(ctx context.Context, w io.Writer, format registry.ExportFormat) error {
	x, err := registry.NewExportWriter(w, format)
	if err != nil {
		return fmt.Errorf("exporting journal: %w", err)
	}
	if err := s.eachRaw(ctx, x.Write); err != nil {
		return fmt.Errorf("exporting journal: %w", err)
	}
	if err := x.Close(); err != nil {
		return fmt.Errorf("exporting journal: %w", err)
	}
	return nil
}

// eachRaw streams the journal by seq in one read snapshot. Columns are read as
// whatever type they now hold, so a hand edit that stored a number or a blob is
// verified, not refused.
func (s *Store) eachRaw(ctx context.Context, fn func(registry.RawEntry) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, workstation, reader, card_serial, enp, step, result, detail, prev_hash, hash
		FROM journal ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, 12)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		var c [12]string
		for i, v := range vals {
			c[i] = sqlText(v)
		}
		r := registry.RawEntry{Seq: c[0], At: c[1], Actor: c[2], Workstation: c[3], Reader: c[4], CardSerial: c[5],
			ENP: c[6], Step: c[7], Result: c[8], Detail: c[9], PrevHash: c[10], Hash: c[11]}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// sqlText renders a column value as the text it would be in a TEXT column.
func sqlText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.UTC().Format(registry.TimeLayout)
	}
	return fmt.Sprint(v)
}

// Summary counts what the registry holds.
func (s *Store) Summary(ctx context.Context) (registry.Summary, error) {
	sum := registry.Summary{Cards: map[registry.CardStatus]int{}}
	var err error
	if sum.SchemaVersion, err = s.schemaVersion(ctx); err != nil {
		return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
	}
	for _, c := range []struct {
		dst   *int64
		query string
	}{
		{&sum.Policies, `SELECT COUNT(*) FROM policies`},
		{&sum.InsurerRecords, `SELECT COUNT(*) FROM insurer_records`},
		{&sum.Visits, `SELECT COUNT(*) FROM visits`},
		{&sum.Batches, `SELECT COUNT(*) FROM batches`},
		{&sum.JournalEntries, `SELECT COUNT(*) FROM journal`},
	} {
		if err := s.db.QueryRowContext(ctx, c.query).Scan(c.dst); err != nil {
			return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM cards GROUP BY status`)
	if err != nil {
		return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
		}
		sum.Cards[registry.CardStatus(st)] = n
	}
	if err := rows.Err(); err != nil {
		return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
	}
	// A damaged head hash is for journal verify to explain; the summary still counts.
	if sum.Head, err = s.Head(ctx); err != nil && !errors.Is(err, registry.ErrJournalBroken) {
		return registry.Summary{}, fmt.Errorf("summarising registry: %w", err)
	}
	return sum, nil
}
