package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

const selectPolicy = `SELECT p.enp, p.issue_date, p.expiry,
	h.surname, h.first_name, h.patronymic, h.birth_date, h.sex, h.snils, h.birth_place
	FROM policies p JOIN persons h ON h.id = p.person_id `

// policyWriter holds the prepared statements of a policy upsert inside one
// transaction, so a bulk import prepares them once.
type policyWriter struct {
	find, insPerson, updPerson, insPolicy, updPolicy *sql.Stmt
}

func newPolicyWriter(ctx context.Context, tx *sql.Tx) (*policyWriter, error) {
	w := &policyWriter{}
	for _, p := range []struct {
		st   **sql.Stmt
		text string
	}{
		{&w.find, `SELECT person_id FROM policies WHERE enp = ?`},
		{&w.insPerson, `INSERT INTO persons (surname, first_name, patronymic, birth_date, sex, snils, birth_place) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&w.updPerson, `UPDATE persons SET surname = ?, first_name = ?, patronymic = ?, birth_date = ?, sex = ?, snils = ?, birth_place = ? WHERE id = ?`},
		{&w.insPolicy, `INSERT INTO policies (enp, person_id, issue_date, expiry) VALUES (?, ?, ?, ?)`},
		{&w.updPolicy, `UPDATE policies SET issue_date = ?, expiry = ? WHERE enp = ?`},
	} {
		st, err := tx.PrepareContext(ctx, p.text)
		if err != nil {
			w.close()
			return nil, err
		}
		*p.st = st
	}
	return w, nil
}

func (w *policyWriter) close() {
	for _, st := range []*sql.Stmt{w.find, w.insPerson, w.updPerson, w.insPolicy, w.updPolicy} {
		if st != nil {
			st.Close()
		}
	}
}

func (w *policyWriter) put(ctx context.Context, r *registry.PolicyRecord) error {
	p := &r.Person
	person := []any{p.Surname, p.FirstName, p.Patronymic, p.BirthDate.String(), int(p.Sex), p.SNILS, p.BirthPlace}
	var personID int64
	err := w.find.QueryRowContext(ctx, r.ENP).Scan(&personID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := w.insPerson.ExecContext(ctx, person...)
		if err != nil {
			return err
		}
		if personID, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = w.insPolicy.ExecContext(ctx, r.ENP, personID, r.IssueDate.String(), r.Expiry.String())
		return err
	case err != nil:
		return err
	}
	if _, err := w.updPerson.ExecContext(ctx, append(person, personID)...); err != nil {
		return err
	}
	_, err = w.updPolicy.ExecContext(ctx, r.IssueDate.String(), r.Expiry.String(), r.ENP)
	return err
}

// PutPolicy adds the policy or updates a known one (holder data and dates).
func (s *Store) PutPolicy(ctx context.Context, r registry.PolicyRecord) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("storing policy %s: %w", r.ENP, err)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := newPolicyWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		return w.put(ctx, &r)
	})
	if err != nil {
		return fmt.Errorf("storing policy %s: %w", r.ENP, err)
	}
	return nil
}

// ImportPolicies validates every record first, then stores all of them in one
// transaction with prepared statements. A record that fails validation, or an ENP
// given twice, aborts the whole import with an *ImportError and nothing is stored.
// Known ENPs are updated, as with PutPolicy.
func (s *Store) ImportPolicies(ctx context.Context, records []registry.PolicyRecord) error {
	seen := make(map[string]int, len(records))
	for i := range records {
		r := &records[i]
		if err := r.Validate(); err != nil {
			return &registry.ImportError{Index: i, ENP: r.ENP, Err: err}
		}
		if j, dup := seen[r.ENP]; dup {
			return &registry.ImportError{Index: i, ENP: r.ENP, Err: fmt.Errorf("%w: same ENP as record %d", registry.ErrExists, j)}
		}
		seen[r.ENP] = i
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := newPolicyWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for i := range records {
			if err := w.put(ctx, &records[i]); err != nil {
				return &registry.ImportError{Index: i, ENP: records[i].ENP, Err: err}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("importing %d policies: %w", len(records), err)
	}
	return nil
}

// Policy returns the policy with this ENP.
func (s *Store) Policy(ctx context.Context, enp string) (registry.PolicyRecord, error) {
	r, err := scanPolicy(s.policyByENP.QueryRowContext(ctx, enp))
	if err != nil {
		return registry.PolicyRecord{}, fmt.Errorf("looking up policy %s: %w", enp, notFound(err))
	}
	return r, nil
}

// policyByID is the benchmark's baseline: the same row by its integer primary key.
func (s *Store) policyByID(ctx context.Context, id int64) (registry.PolicyRecord, error) {
	r, err := scanPolicy(s.policyByRowID.QueryRowContext(ctx, id))
	if err != nil {
		return registry.PolicyRecord{}, fmt.Errorf("looking up policy #%d: %w", id, notFound(err))
	}
	return r, nil
}

func scanPolicy(row *sql.Row) (registry.PolicyRecord, error) {
	var r registry.PolicyRecord
	var issue, expiry, birth string
	var sex int
	p := &r.Person
	if err := row.Scan(&r.ENP, &issue, &expiry, &p.Surname, &p.FirstName, &p.Patronymic, &birth, &sex, &p.SNILS, &p.BirthPlace); err != nil {
		return r, err
	}
	p.Sex = policy.Sex(sex)
	var err error
	if r.IssueDate, err = parseStoreDate(issue); err != nil {
		return r, err
	}
	if r.Expiry, err = parseStoreDate(expiry); err != nil {
		return r, err
	}
	if p.BirthDate, err = parseStoreDate(birth); err != nil {
		return r, err
	}
	return r, nil
}
