package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"omsdesk/cardio/registry"
)

const selectCard = `SELECT serial, enp, status, issued_at, reader, replaced_by, note, updated_at FROM cards `

// AddCard records a new card. An empty Status means StatusPersonalising and a zero
// IssuedAt means now. A card added as active supersedes the policy's active card as
// SetCardStatus does; one added as replaced must name its successor.
func (s *Store) AddCard(ctx context.Context, c registry.Card) error {
	if c.Status == "" {
		c.Status = registry.StatusPersonalising
	}
	switch {
	case strings.TrimSpace(c.Serial) == "":
		return fmt.Errorf("adding card: %w: empty serial", registry.ErrInvalid)
	case !c.Status.Valid():
		return fmt.Errorf("adding card %s: %w: unknown status %q", c.Serial, registry.ErrInvalid, c.Status)
	case c.Status == registry.StatusReplaced && c.ReplacedBy == "":
		return fmt.Errorf("adding card %s: %w: a replaced card needs replaced_by", c.Serial, registry.ErrInvalid)
	}
	now := s.now()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := policyExists(ctx, tx, c.ENP); err != nil {
			return err
		}
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM cards WHERE serial = ?`, c.Serial).Scan(&one); {
		case err == nil:
			return registry.ErrExists
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if c.Status == registry.StatusActive {
			if err := supersede(ctx, tx, c.ENP, c.Serial, now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cards (serial, enp, status, issued_at, reader, replaced_by, note, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Serial, c.ENP, string(c.Status), storeTime(c.IssuedAt), c.Reader, c.ReplacedBy, c.Note, storeTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("adding card %s: %w", c.Serial, err)
	}
	return nil
}

func policyExists(ctx context.Context, tx *sql.Tx, enp string) error {
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM policies WHERE enp = ?`, enp).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("policy %s: %w", enp, registry.ErrNotFound)
		}
		return err
	}
	return nil
}

// supersede makes way for card serial becoming the policy's active card: the active
// card becomes replaced by it, and lost or stolen cards not yet linked get the link.
func supersede(ctx context.Context, tx *sql.Tx, enp, serial string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE cards SET status = 'replaced', replaced_by = ?, updated_at = ?
		WHERE enp = ? AND status = 'active' AND serial <> ?`, serial, storeTime(now), enp, serial); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cards SET replaced_by = ?, updated_at = ?
		WHERE enp = ? AND status IN ('lost', 'stolen') AND replaced_by = '' AND serial <> ?`, serial, storeTime(now), enp, serial)
	return err
}

// SetCardStatus moves a card to a new status. Illegal changes (see
// [registry.CardStatus.CanBecome]) give a *TransitionError and change nothing. A non-empty note
// replaces the card's note. Activating a card supersedes the policy's active card and
// links its lost or stolen cards, in the same transaction.
func (s *Store) SetCardStatus(ctx context.Context, serial string, status registry.CardStatus, note string) error {
	now := s.now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var from, enp string
		if err := tx.QueryRowContext(ctx, `SELECT status, enp FROM cards WHERE serial = ?`, serial).Scan(&from, &enp); err != nil {
			return notFound(err)
		}
		if !registry.CardStatus(from).CanBecome(status) {
			return &registry.TransitionError{Object: "card", Key: serial, From: from, To: string(status)}
		}
		if status == registry.StatusActive {
			if err := supersede(ctx, tx, enp, serial, now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE cards SET status = ?, note = CASE WHEN ? = '' THEN note ELSE ? END, updated_at = ?
			WHERE serial = ?`, string(status), note, note, storeTime(now), serial)
		return err
	})
	if err != nil {
		return fmt.Errorf("setting card %s to %s: %w", serial, status, err)
	}
	return nil
}

// Card returns the card with this serial.
func (s *Store) Card(ctx context.Context, serial string) (registry.Card, error) {
	rows, err := s.db.QueryContext(ctx, selectCard+`WHERE serial = ?`, serial)
	if err != nil {
		return registry.Card{}, fmt.Errorf("looking up card %s: %w", serial, err)
	}
	cards, err := scanCards(rows)
	if err != nil {
		return registry.Card{}, fmt.Errorf("looking up card %s: %w", serial, err)
	}
	if len(cards) == 0 {
		return registry.Card{}, fmt.Errorf("looking up card %s: %w", serial, registry.ErrNotFound)
	}
	return cards[0], nil
}

// CardsByENP returns the policy's cards, oldest first (none: an empty slice).
func (s *Store) CardsByENP(ctx context.Context, enp string) ([]registry.Card, error) {
	rows, err := s.db.QueryContext(ctx, selectCard+`WHERE enp = ? ORDER BY issued_at, serial`, enp)
	if err != nil {
		return nil, fmt.Errorf("listing cards of %s: %w", enp, err)
	}
	cards, err := scanCards(rows)
	if err != nil {
		return nil, fmt.Errorf("listing cards of %s: %w", enp, err)
	}
	return cards, nil
}

func scanCards(rows *sql.Rows) ([]registry.Card, error) {
	defer rows.Close()
	cards := []registry.Card{}
	for rows.Next() {
		var c registry.Card
		var status, issued, updated string
		if err := rows.Scan(&c.Serial, &c.ENP, &status, &issued, &c.Reader, &c.ReplacedBy, &c.Note, &updated); err != nil {
			return nil, err
		}
		c.Status = registry.CardStatus(status)
		var err error
		if c.IssuedAt, err = parseStoreTime(issued); err != nil {
			return nil, err
		}
		if c.UpdatedAt, err = parseStoreTime(updated); err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	return cards, rows.Err()
}
