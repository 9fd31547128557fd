package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"omsdesk/cardio/registry"
)

// CreateBatch stores a batch with its items, all pending, in one transaction. Rows
// must be unique within the batch; payloads are stored as given.
func (s *Store) CreateBatch(ctx context.Context, name string, items []registry.BatchItem) (int64, error) {
	seen := make(map[int]bool, len(items))
	for _, it := range items {
		if seen[it.Row] {
			return 0, fmt.Errorf("creating batch %q: row %d: %w", name, it.Row, registry.ErrExists)
		}
		seen[it.Row] = true
	}
	now := storeTime(s.now())
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO batches (name, created_at) VALUES (?, ?)`, name, now)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO batch_items (batch_id, row, enp, payload, state, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, it := range items {
			payload := it.Payload
			if payload == nil {
				payload = []byte{}
			}
			if _, err := st.ExecContext(ctx, id, it.Row, it.ENP, payload, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("creating batch %q: %w", name, err)
	}
	return id, nil
}

const selectBatch = `SELECT b.id, b.name, b.created_at, COUNT(i.row),
	COALESCE(SUM(i.state = 'pending'), 0), COALESCE(SUM(i.state = 'done'), 0),
	COALESCE(SUM(i.state = 'failed'), 0), COALESCE(SUM(i.state = 'skipped'), 0)
	FROM batches b LEFT JOIN batch_items i ON i.batch_id = b.id `

// Batch returns one batch's summary.
func (s *Store) Batch(ctx context.Context, id int64) (registry.Batch, error) {
	list, err := s.batches(ctx, selectBatch+`WHERE b.id = ? GROUP BY b.id`, id)
	if err != nil {
		return registry.Batch{}, fmt.Errorf("looking up batch %d: %w", id, err)
	}
	if len(list) == 0 {
		return registry.Batch{}, fmt.Errorf("looking up batch %d: %w", id, registry.ErrNotFound)
	}
	return list[0], nil
}

// Batches returns every batch, newest first.
func (s *Store) Batches(ctx context.Context) ([]registry.Batch, error) {
	list, err := s.batches(ctx, selectBatch+`GROUP BY b.id ORDER BY b.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("listing batches: %w", err)
	}
	return list, nil
}

func (s *Store) batches(ctx context.Context, query string, args ...any) ([]registry.Batch, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []registry.Batch{}
	for rows.Next() {
		var b registry.Batch
		var created string
		if err := rows.Scan(&b.ID, &b.Name, &created, &b.Total, &b.Pending, &b.Done, &b.Failed, &b.Skipped); err != nil {
			return nil, err
		}
		if b.CreatedAt, err = parseStoreTime(created); err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	return list, rows.Err()
}

const selectItem = `SELECT batch_id, row, enp, payload, state, card_serial, note, updated_at FROM batch_items `

// BatchItems returns a batch's items by row; an unknown batch gives ErrNotFound.
func (s *Store) BatchItems(ctx context.Context, id int64) ([]registry.BatchItem, error) {
	if _, err := s.Batch(ctx, id); err != nil {
		return nil, err
	}
	items, err := s.items(ctx, selectItem+`WHERE batch_id = ? ORDER BY row`, id)
	if err != nil {
		return nil, fmt.Errorf("listing items of batch %d: %w", id, err)
	}
	return items, nil
}

// NextPending returns the pending item with the lowest row, or an error wrapping
// ErrNoPending when the batch is finished (ErrNotFound when there is no such batch).
func (s *Store) NextPending(ctx context.Context, id int64) (registry.BatchItem, error) {
	items, err := s.items(ctx, selectItem+`WHERE batch_id = ? AND state = 'pending' ORDER BY row LIMIT 1`, id)
	if err != nil {
		return registry.BatchItem{}, fmt.Errorf("finding next item of batch %d: %w", id, err)
	}
	if len(items) == 0 {
		if _, err := s.Batch(ctx, id); err != nil {
			return registry.BatchItem{}, err
		}
		return registry.BatchItem{}, fmt.Errorf("finding next item of batch %d: %w", id, registry.ErrNoPending)
	}
	return items[0], nil
}

func (s *Store) items(ctx context.Context, query string, args ...any) ([]registry.BatchItem, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []registry.BatchItem{}
	for rows.Next() {
		var it registry.BatchItem
		var state, updated string
		if err := rows.Scan(&it.BatchID, &it.Row, &it.ENP, &it.Payload, &state, &it.CardSerial, &it.Note, &updated); err != nil {
			return nil, err
		}
		it.State = registry.ItemState(state)
		if it.UpdatedAt, err = parseStoreTime(updated); err != nil {
			return nil, err
		}
		list = append(list, it)
	}
	return list, rows.Err()
}

// SetItemState records the outcome of one row. Illegal changes (done is final; see
// [registry.ItemState.CanBecome]) give a *TransitionError. cardSerial and note replace the
// item's values.
func (s *Store) SetItemState(ctx context.Context, id int64, row int, state registry.ItemState, cardSerial, note string) error {
	now := storeTime(s.now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		var from string
		err := tx.QueryRowContext(ctx, `SELECT state FROM batch_items WHERE batch_id = ? AND row = ?`, id, row).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return registry.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !registry.ItemState(from).CanBecome(state) {
			return &registry.TransitionError{Object: "batch_item", Key: strconv.FormatInt(id, 10) + "/" + strconv.Itoa(row), From: from, To: string(state)}
		}
		_, err = tx.ExecContext(ctx, `UPDATE batch_items SET state = ?, card_serial = ?, note = ?, updated_at = ? WHERE batch_id = ? AND row = ?`,
			string(state), cardSerial, note, now, id, row)
		return err
	})
	if err != nil {
		return fmt.Errorf("setting batch %d row %d to %s: %w", id, row, state, err)
	}
	return nil
}
