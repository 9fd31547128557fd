package issuance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// BatchRow is one queued card: what a batch item's payload holds, so that a batch
// resumes after a crash from the registry alone, whatever happened to the CSV file and
// the photos since.
type BatchRow struct {
	Line          int             `json:"line"`
	Holder        policy.Document `json:"holder"` // the photo is embedded, normalised
	Reason        Reason          `json:"reason"`
	OldCardSerial string          `json:"old_card_serial,omitempty"`
}

// Enqueue stores the rows as a new batch, all pending, in one transaction.
func Enqueue(ctx context.Context, store registry.Store, name string, rows []BatchRow) (int64, error) {
	items := make([]registry.BatchItem, len(rows))
	for i, r := range rows {
		payload, err := json.Marshal(r)
		if err != nil {
			return 0, fmt.Errorf("queueing row %d: %w", r.Line, err)
		}
		items[i] = registry.BatchItem{Row: r.Line, ENP: r.Holder.ENP, Payload: payload, State: registry.ItemPending}
	}
	id, err := store.CreateBatch(ctx, name, items)
	if err != nil {
		return 0, fmt.Errorf("queueing batch: %w", err)
	}
	return id, nil
}

// Feeder hands the batch one card at a time: Next waits until the operator has put a
// card in the reader (for the given CSV row) and returns it; done is called when the
// workflow has finished with that card, and waits for it to be taken out.
type Feeder interface {
	Next(ctx context.Context, row int) (t cardio.Transport, done func(), err error)
}

// BatchReport is the reconciliation at the end of a run: what the queue holds now, the
// cards issued and spoiled in this run, and the rows that failed and why.
type BatchReport struct {
	Batch   registry.Batch `json:"batch"`
	Issued  []IssuedRow    `json:"issued"`
	Failed  []FailedRow    `json:"failed"`
	Spoiled []string       `json:"spoiled_cards"` // serials of cards spoiled in this run
	Stopped bool           `json:"stopped"`       // interrupted before the queue was empty
}

// IssuedRow is a row issued in this run.
type IssuedRow struct {
	Row    int    `json:"row"`
	ENP    string `json:"enp"`
	Serial string `json:"serial"`
}

// FailedRow is a row that failed in this run; Code is a stable reason.
type FailedRow struct {
	Row  int    `json:"row"`
	ENP  string `json:"enp"`
	Code string `json:"code"`
}

// maxCardsPerRow bounds how many cards one row may consume (spoiled, not blank…)
// before the row is marked failed: a run must not eat a whole box of blanks.
const maxCardsPerRow = 3

// RunBatch issues the pending rows of a batch in row order until none is left or ctx
// ends. After each card the item's state is stored, so a crash loses at most the card
// in the reader, and RunBatch on the same batch later resumes there: a row whose card
// was completed but not marked is recognised from the registry, and a card left
// half-written is wiped and written again. progress, when not nil, hears each row.
func (is *Issuer) RunBatch(ctx context.Context, id int64, feed Feeder, pins personalise.PINs, progress func(done, total int, row int)) (*BatchReport, error) {
	rep := &BatchReport{Issued: []IssuedRow{}, Failed: []FailedRow{}, Spoiled: []string{}}
	b, err := is.Registry.Batch(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("opening batch %d: %w", id, err)
	}
	attempts := map[int]int{}
	for {
		if ctx.Err() != nil {
			rep.Stopped = true
			break
		}
		item, err := is.Registry.NextPending(ctx, id)
		if errors.Is(err, registry.ErrNoPending) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading batch %d: %w", id, err)
		}
		if progress != nil {
			cur, _ := is.Registry.Batch(ctx, id)
			progress(cur.Done+cur.Failed+cur.Skipped, cur.Total, item.Row)
		}
		var row BatchRow
		if err := json.Unmarshal(item.Payload, &row); err != nil {
			if err := is.setItem(ctx, id, item.Row, registry.ItemFailed, "", "payload"); err != nil {
				return nil, err
			}
			rep.Failed = append(rep.Failed, FailedRow{Row: item.Row, ENP: item.ENP, Code: "payload"})
			continue
		}
		if serial, ok := is.alreadyIssued(ctx, row, b); ok {
			// Issued before a crash that came between the card and this bookkeeping.
			if err := is.setItem(ctx, id, item.Row, registry.ItemDone, serial, "reconciled"); err != nil {
				return nil, err
			}
			rep.Issued = append(rep.Issued, IssuedRow{Row: item.Row, ENP: item.ENP, Serial: serial})
			continue
		}
		attempts[item.Row]++
		serial, code, err := is.issueRow(ctx, feed, row, pins)
		switch {
		case err != nil && ctx.Err() != nil:
			rep.Stopped = true
		case code == "pin":
			// Stop before the next card's PIN counter goes down too; the row stays
			// pending for a run with the right PIN.
			rep.Batch, _ = is.Registry.Batch(ctx, id)
			rep.Stopped = true
			return rep, err
		case err == nil:
			if err := is.setItem(ctx, id, item.Row, registry.ItemDone, serial, ""); err != nil {
				return nil, err
			}
			rep.Issued = append(rep.Issued, IssuedRow{Row: item.Row, ENP: item.ENP, Serial: serial})
			rep.Stopped = ctx.Err() != nil
		case code == "spoiled" || code == "card":
			if code == "spoiled" {
				rep.Spoiled = append(rep.Spoiled, serial)
			}
			if attempts[item.Row] >= maxCardsPerRow {
				if err := is.setItem(ctx, id, item.Row, registry.ItemFailed, serial, "cards:"+detailOf(err)); err != nil {
					return nil, err
				}
				rep.Failed = append(rep.Failed, FailedRow{Row: item.Row, ENP: item.ENP, Code: code})
			}
		default:
			if err := is.setItem(ctx, id, item.Row, registry.ItemFailed, serial, code); err != nil {
				return nil, err
			}
			rep.Failed = append(rep.Failed, FailedRow{Row: item.Row, ENP: item.ENP, Code: code})
		}
		if rep.Stopped {
			break
		}
	}
	if rep.Batch, err = is.Registry.Batch(context.WithoutCancel(ctx), id); err != nil {
		return nil, fmt.Errorf("summarising batch %d: %w", id, err)
	}
	if progress != nil {
		progress(rep.Batch.Done+rep.Batch.Failed+rep.Batch.Skipped, rep.Batch.Total, 0)
	}
	return rep, nil
}

func (is *Issuer) setItem(ctx context.Context, id int64, row int, st registry.ItemState, serial, note string) error {
	// Bookkeeping of a card already written must happen even when the run is being
	// stopped.
	if err := is.Registry.SetItemState(context.WithoutCancel(ctx), id, row, st, serial, note); err != nil {
		return fmt.Errorf("recording batch row %d: %w", row, err)
	}
	return nil
}

// alreadyIssued finds a card activated for the row's policy since the batch began.
func (is *Issuer) alreadyIssued(ctx context.Context, row BatchRow, b registry.Batch) (string, bool) {
	cards, err := is.Registry.CardsByENP(ctx, row.Holder.ENP)
	if err != nil {
		return "", false
	}
	for _, c := range cards {
		if c.Status == registry.StatusActive && !c.IssuedAt.Before(b.CreatedAt) {
			return c.Serial, true
		}
	}
	return "", false
}

// issueRow issues one row on the next card. The code classifies a failure: "spoiled"
// (the card was spoiled; the row stays pending for another card), "card" (this card
// cannot be used — not blank, pulled out; the row stays pending), otherwise the row
// itself is at fault and is marked failed with that code.
func (is *Issuer) issueRow(ctx context.Context, feed Feeder, row BatchRow, pins personalise.PINs) (serial, code string, err error) {
	p, err := row.Holder.Policy()
	if err != nil {
		return "", "payload", err
	}
	req := Request{Policy: p, Reason: row.Reason, OldCardSerial: row.OldCardSerial, PINs: pins}
	// A row the registry refuses must not cost the operator a card insertion.
	if err := is.Validate(ctx, &req); err != nil {
		return "", rowCode(err), is.fail(ctx, "", p.Owner.ENP, "validate", err)
	}
	t, done, err := feed.Next(ctx, row.Line)
	if err != nil {
		return "", "card", err
	}
	defer done()
	res, err := is.Issue(ctx, t, req)
	if errors.Is(err, ErrIncomplete) {
		// A card half-written by an earlier, interrupted run of this row: wipe it and
		// write it again.
		if _, rerr := is.Recover(ctx, t, pins, false); rerr == nil {
			p, _ = row.Holder.Policy()
			req.Policy = p
			res, err = is.Issue(ctx, t, req)
		}
	}
	var me *MismatchError
	switch {
	case err == nil:
		return res.Serial, "", nil
	case errors.As(err, &me):
		return cardSerial(t), "spoiled", err
	case errors.Is(err, ErrNotBlank), errors.Is(err, ErrIncomplete), errors.Is(err, ErrNoSerial), errors.Is(err, ErrCardKnown):
		return "", "card", err
	case rowCode(err) != "error":
		return "", rowCode(err), err
	}
	if errors.Is(err, apdu.ErrVerificationFailed) || errors.Is(err, apdu.ErrAuthenticationBlocked) || errors.Is(err, personalise.ErrBadPIN) {
		return "", "pin", err // the office's PIN is wrong: every card would refuse it
	}
	var se *personalise.StepError
	if errors.As(err, &se) {
		return "", "card", err // pulled out, power lost, PIN refused: another card may do
	}
	return "", "error", err
}

// cardSerial reads the serial of the card for the report, "" when unreadable.
func cardSerial(t cardio.Transport) string {
	if in, err := inspect(t); err == nil {
		return in.serial
	}
	return ""
}

// rowCode names what is wrong with a row's data, "error" when it is something else.
func rowCode(err error) string {
	switch {
	case errors.Is(err, ErrInvalidData), errors.Is(err, ErrPhotoForbidden), errors.Is(err, ErrPhotoRequired):
		return "invalid"
	case errors.Is(err, ErrAlreadyIssued):
		return "already_issued"
	case errors.Is(err, ErrOldCard):
		return "old_card"
	}
	return "error"
}
