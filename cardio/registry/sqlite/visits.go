package sqlite

import (
	"context"
	"fmt"
	"strings"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// AddVisit records a card read at the front desk. A zero At means now. The visit's day
// is At's calendar day in At's own location (pass local times to get local days).
func (s *Store) AddVisit(ctx context.Context, v registry.Visit) (int64, error) {
	if strings.TrimSpace(v.ENP) == "" || v.Verdict == "" {
		return 0, fmt.Errorf("adding visit: %w: ENP and verdict are required", registry.ErrInvalid)
	}
	if v.At.IsZero() {
		v.At = s.now()
	}
	day := policy.DateOf(v.At)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO visits (at, day, enp, reader, verdict) VALUES (?, ?, ?, ?, ?)`,
		storeTime(v.At), day.String(), v.ENP, v.Reader, v.Verdict)
	if err != nil {
		return 0, fmt.Errorf("adding visit: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("adding visit: %w", err)
	}
	return id, nil
}

// Visits returns one day's visits in time order (none: an empty slice). At is returned
// in UTC.
func (s *Store) Visits(ctx context.Context, day policy.Date) ([]registry.Visit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, day, enp, reader, verdict FROM visits WHERE day = ? ORDER BY at, id`, day.String())
	if err != nil {
		return nil, fmt.Errorf("listing visits of %s: %w", day, err)
	}
	defer rows.Close()
	list := []registry.Visit{}
	for rows.Next() {
		var v registry.Visit
		var at, d string
		if err := rows.Scan(&v.ID, &at, &d, &v.ENP, &v.Reader, &v.Verdict); err != nil {
			return nil, fmt.Errorf("listing visits of %s: %w", day, err)
		}
		if v.At, err = parseStoreTime(at); err != nil {
			return nil, fmt.Errorf("listing visits of %s: %w", day, err)
		}
		if v.Day, err = parseStoreDate(d); err != nil {
			return nil, fmt.Errorf("listing visits of %s: %w", day, err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing visits of %s: %w", day, err)
	}
	return list, nil
}
