package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// AddInsurerRecord stores an insurer record of a known policy and returns its ID.
func (s *Store) AddInsurerRecord(ctx context.Context, r registry.InsurerRecord) (int64, error) {
	if err := r.Validate(); err != nil {
		return 0, fmt.Errorf("adding insurer record of %s: %w", r.ENP, err)
	}
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := policyExists(ctx, tx, r.ENP); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO insurer_records (enp, ogrn, okato, start_date, end_date, file_id, signer_fingerprint)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ENP, r.OGRN, r.OKATO, r.Start.String(), r.End.String(), int(r.FileID), r.SignerFingerprint)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("adding insurer record of %s: %w", r.ENP, err)
	}
	return id, nil
}

// CloseInsurerRecord ends the policy's current insurer record on end: the record with
// the latest start that is open or ends after end. The end may not precede its start.
func (s *Store) CloseInsurerRecord(ctx context.Context, enp string, end policy.Date) error {
	if !end.Valid() {
		return fmt.Errorf("closing insurer record of %s: %w: end date %q", enp, registry.ErrInvalid, end)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var id int64
		var start string
		err := tx.QueryRowContext(ctx, `SELECT id, start_date FROM insurer_records
			WHERE enp = ? AND (end_date = '' OR end_date > ?) ORDER BY start_date DESC, id DESC LIMIT 1`, enp, end.String()).Scan(&id, &start)
		if errors.Is(err, sql.ErrNoRows) {
			return registry.ErrNotFound
		}
		if err != nil {
			return err
		}
		if end.String() < start {
			return fmt.Errorf("%w: end %s is before the record's start %s", registry.ErrInvalid, end, start)
		}
		_, err = tx.ExecContext(ctx, `UPDATE insurer_records SET end_date = ? WHERE id = ?`, end.String(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("closing insurer record of %s: %w", enp, err)
	}
	return nil
}

// InsurerRecords returns the policy's insurer records by start date.
func (s *Store) InsurerRecords(ctx context.Context, enp string) ([]registry.InsurerRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, enp, ogrn, okato, start_date, end_date, file_id, signer_fingerprint
		FROM insurer_records WHERE enp = ? ORDER BY start_date, id`, enp)
	if err != nil {
		return nil, fmt.Errorf("listing insurer records of %s: %w", enp, err)
	}
	defer rows.Close()
	list := []registry.InsurerRecord{}
	for rows.Next() {
		var r registry.InsurerRecord
		var start, end string
		var fileID int
		if err := rows.Scan(&r.ID, &r.ENP, &r.OGRN, &r.OKATO, &start, &end, &fileID, &r.SignerFingerprint); err != nil {
			return nil, fmt.Errorf("listing insurer records of %s: %w", enp, err)
		}
		r.FileID = uint16(fileID)
		if r.Start, err = parseStoreDate(start); err != nil {
			return nil, fmt.Errorf("listing insurer records of %s: %w", enp, err)
		}
		if r.End, err = parseStoreDate(end); err != nil {
			return nil, fmt.Errorf("listing insurer records of %s: %w", enp, err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing insurer records of %s: %w", enp, err)
	}
	return list, nil
}
