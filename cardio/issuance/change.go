package issuance

import (
	"context"
	"fmt"

	"omsdesk/cardio"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
)

// InsurerChange is a move of an issued card to a new insurer.
type InsurerChange struct {
	OGRN, OKATO string
	// Start is the first day with the new insurer; the previous record ends the day
	// before.
	Start policy.Date
	PINs  personalise.PINs
}

// ChangeInsurer writes a new signed insurer record to an issued card, closes the
// previous one (its end date, signed again) and moves the current-insurer pointer, then
// reads both records back. The card's history stays on it: one EF per insurer period.
//
// Run again with the same change after an interruption (card pulled, power cut), it
// finishes the job: it writes into the new EF the first run created, or, when the card
// was already complete, only records the change in the registry. The previous record is
// rebuilt from the registry, not from the card, because an interrupted rewrite may have
// left the card's copy unreadable.
func (is *Issuer) ChangeInsurer(ctx context.Context, t cardio.Transport, ch InsurerChange) (*Result, error) {
	res, err := omscard.Read(t, omscard.Options{})
	if res == nil || res.Policy == nil {
		return nil, is.fail(ctx, "", "", "check_card", fmt.Errorf("reading card: %w", err))
	}
	enp := res.Policy.Owner.ENP
	details, err := omscard.ReadDetails(t)
	if err != nil {
		return nil, is.fail(ctx, "", enp, "check_card", err)
	}
	serial := details.Serial
	card, err := is.Registry.Card(ctx, serial)
	if err != nil || card.Status != registry.StatusActive || card.ENP != enp {
		return nil, is.fail(ctx, serial, enp, "check_card", fmt.Errorf("%w (serial %q)", ErrNotIssuedHere, serial))
	}
	open, err := is.openRecord(ctx, enp)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "check_card", err)
	}
	next := &policy.Insurer{OGRN: ch.OGRN, OKATO: ch.OKATO, Start: ch.Start}
	if errs := (&policy.Policy{Owner: res.Policy.Owner, Insurer: next}).Validate(is.today()); len(errs) > 0 {
		return nil, is.fail(ctx, serial, enp, "validate", &ValidationError{Fields: errs})
	}
	if !open.Start.Before(ch.Start) {
		return nil, is.fail(ctx, serial, enp, "validate", &ValidationError{Fields: []*policy.FieldError{{Field: "start", Code: "date.before",
			Params: map[string]string{"field": "start", "got": ch.Start.Russian(), "other_field": "start", "other": open.Start.Russian()}}}})
	}
	end := policy.DateOf(ch.Start.Time().AddDate(0, 0, -1))
	if cur := res.Policy.Insurer; err == nil && cur != nil && cur.OGRN == ch.OGRN && cur.OKATO == ch.OKATO && cur.Start == ch.Start {
		// The card already has this change (an earlier run lost the card after its
		// last APDU): only the registry is behind.
		return is.recordChange(ctx, serial, enp, end, cur, res.Policy.InsurerFileID, res.Policy)
	}
	prevFID, nextFID, create, err := changeTarget(details)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "check_card", err)
	}
	closed := &policy.Insurer{OGRN: open.OGRN, OKATO: open.OKATO, Start: open.Start, End: end}
	if err := is.Sign(closed); err != nil {
		return nil, is.fail(ctx, serial, enp, "sign", err)
	}
	if err := is.Sign(next); err != nil {
		return nil, is.fail(ctx, serial, enp, "sign", err)
	}
	detail := string(ReasonInsurerChange)
	if !create {
		detail += " resumed"
	}
	if err := is.journal(ctx, serial, enp, "validate", "ok", detail); err != nil {
		return nil, err
	}
	closedBytes, nextBytes := closed.Encode(), next.Encode()
	plan, err := personalise.InsurerChange(prevFID, closedBytes, nextFID, nextBytes, create, ch.PINs)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "personalise", err)
	}
	if err := is.run(plan, "personalise", t); err != nil {
		return nil, is.fail(ctx, serial, enp, "personalise", err)
	}
	if err := is.journal(ctx, serial, enp, "personalise", "ok", fmt.Sprintf("%d APDUs", len(plan))); err != nil {
		return nil, err
	}
	read, err := readBackHistory(t, res.OwnerFile, map[uint16][]byte{prevFID: closedBytes, nextFID: nextBytes}, nextFID)
	if err != nil {
		return nil, is.fail(ctx, serial, enp, "compare", err)
	}
	if err := is.journal(ctx, serial, enp, "compare", "ok", ""); err != nil {
		return nil, err
	}
	out, err := is.recordChange(ctx, serial, enp, end, next, nextFID, read)
	if out != nil {
		out.APDUs = len(plan)
	}
	return out, err
}

// recordChange closes the registry's current insurer record and adds the new one.
func (is *Issuer) recordChange(ctx context.Context, serial, enp string, end policy.Date, next *policy.Insurer, fid uint16, read *policy.Policy) (*Result, error) {
	if err := is.Registry.CloseInsurerRecord(ctx, enp, end); err != nil {
		return nil, is.fail(ctx, serial, enp, "record", err)
	}
	if _, err := is.Registry.AddInsurerRecord(ctx, registry.InsurerRecord{ENP: enp, OGRN: next.OGRN, OKATO: next.OKATO,
		Start: next.Start, FileID: fid, SignerFingerprint: fingerprint(next)}); err != nil {
		return nil, is.fail(ctx, serial, enp, "record", err)
	}
	if err := is.journal(ctx, serial, enp, "record", "ok", fmt.Sprintf("insurer EF %04X", fid)); err != nil {
		return nil, err
	}
	return &Result{Serial: serial, Policy: read}, nil
}

// openRecord is the policy's current insurer record in the registry.
func (is *Issuer) openRecord(ctx context.Context, enp string) (registry.InsurerRecord, error) {
	recs, err := is.Registry.InsurerRecords(ctx, enp)
	if err != nil {
		return registry.InsurerRecord{}, fmt.Errorf("looking up insurer records: %w", err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].End.IsZero() {
			return recs[i], nil
		}
	}
	return registry.InsurerRecord{}, fmt.Errorf("%w: the policy has no open insurer record", registry.ErrNotFound)
}

// changeTarget finds where a change of insurer writes: after the current record in a
// new EF, or, when an interrupted change left that EF behind (the pointer still on the
// record before it), into that EF again.
func changeTarget(d *omscard.Details) (prev, next uint16, create bool, err error) {
	last := d.Current
	for _, f := range d.InsurerFiles {
		last = max(last, f.FID)
	}
	switch {
	case d.Current == 0:
		return 0, 0, false, fmt.Errorf("%w: the card names no current insurer record", ErrIncomplete)
	case last == d.Current:
		return d.Current, d.Current + 1, true, nil
	case last == d.Current+1:
		return d.Current, last, false, nil
	}
	return 0, 0, false, fmt.Errorf("%w: EF %04X lies beyond the current record %04X", ErrIncomplete, last, d.Current)
}

// readBackHistory reads the card after an insurer change and compares the current
// record and every rewritten one with what was written.
func readBackHistory(t cardio.Transport, owner []byte, written map[uint16][]byte, current uint16) (*policy.Policy, error) {
	res, err := omscard.Read(t, omscard.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading back: %w", err)
	}
	d, err := omscard.ReadDetails(t)
	if err != nil {
		return nil, fmt.Errorf("reading back: %w", err)
	}
	want := vcard.Layout{Owner: owner, Current: current}
	got := vcard.Layout{Owner: res.OwnerFile, Current: res.Policy.InsurerFileID}
	for _, f := range d.InsurerFiles {
		w, ok := written[f.FID]
		if !ok {
			continue
		}
		if f.Err != nil {
			return nil, fmt.Errorf("reading back EF %04X: %w", f.FID, f.Err)
		}
		want.Insurers = append(want.Insurers, vcard.InsurerEF{FID: f.FID, Data: w})
		got.Insurers = append(got.Insurers, vcard.InsurerEF{FID: f.FID, Data: trimPadding(f.Data, len(w))})
	}
	if len(want.Insurers) != len(written) {
		return nil, &MismatchError{Differences: []dump.Difference{{Field: "insurer.files", A: fmt.Sprint(len(written)), B: fmt.Sprint(len(want.Insurers))}}}
	}
	if diffs := dump.Diff(dump.FromLayout(want, ""), dump.FromLayout(got, "")); len(diffs) > 0 {
		return nil, &MismatchError{Differences: diffs}
	}
	return res.Policy, nil
}

// Recover deals with a card left unfinished by a lost card or power cut.
//
// A card still being personalised (life cycle "creation") is wiped, so it can be issued
// again — the registry keeps it as personalising for the same policy — or, with void,
// terminated and recorded as spoiled. A card whose personalisation did finish (the
// power went after the last APDU, before the registry heard of it) is checked against
// the registry's policy and recorded as active.
func (is *Issuer) Recover(ctx context.Context, t cardio.Transport, pins personalise.PINs, void bool) (serial string, err error) {
	d, err := omscard.ReadDetails(t)
	if err != nil {
		return "", is.fail(ctx, "", "", "recover", err)
	}
	if d.Serial == "" {
		return "", is.fail(ctx, "", "", "recover", ErrNoSerial)
	}
	serial = d.Serial
	enp := ""
	c, err := is.Registry.Card(ctx, serial)
	if err == nil {
		enp = c.ENP
		if c.Status != registry.StatusPersonalising {
			return serial, is.fail(ctx, serial, enp, "recover", fmt.Errorf("%w: %s", ErrCardKnown, c.Status))
		}
	}
	switch omscard.LifecycleOf(d.Lifecycle) {
	case omscard.LifecycleOperational:
		if enp == "" || void {
			return serial, is.fail(ctx, serial, enp, "recover", fmt.Errorf("%w: the card is issued and closed", ErrNotBlank))
		}
		return serial, is.complete(ctx, t, serial, enp, c.Note)
	case omscard.LifecyclePersonalising:
	default:
		return serial, is.fail(ctx, serial, enp, "recover", fmt.Errorf("%w: nothing to recover (life cycle %02X)", ErrNotBlank, d.Lifecycle))
	}
	build, step, status := personalise.Wipe, "wipe", registry.CardStatus("")
	if void {
		build, step, status = personalise.Void, "void", registry.StatusSpoiled
	}
	plan, err := build(pins)
	if err != nil {
		return serial, is.fail(ctx, serial, enp, step, err)
	}
	if err := is.run(plan, step, t); err != nil {
		return serial, is.fail(ctx, serial, enp, step, err)
	}
	if status != "" && enp != "" {
		if err := is.Registry.SetCardStatus(ctx, serial, status, "incomplete personalisation voided"); err != nil {
			return serial, is.fail(ctx, serial, enp, "record", err)
		}
	}
	return serial, is.journal(ctx, serial, enp, step, "ok", "")
}

// complete records a card whose personalisation finished on the card but not in the
// registry, after checking the card holds the registry's policy.
func (is *Issuer) complete(ctx context.Context, t cardio.Transport, serial, enp, reason string) error {
	res, err := omscard.Read(t, omscard.Options{})
	if err != nil {
		return is.fail(ctx, serial, enp, "recover", fmt.Errorf("reading card: %w", err))
	}
	p := res.Policy
	rec, err := is.Registry.Policy(ctx, enp)
	if err != nil {
		return is.fail(ctx, serial, enp, "recover", err)
	}
	want := recordOf(p)
	if p.Owner.ENP != enp || want.Person != rec.Person || p.Insurer == nil {
		return is.fail(ctx, serial, enp, "recover", &MismatchError{Differences: []dump.Difference{{Field: "registry", A: "policy", B: "card"}}})
	}
	if err := is.record(ctx, serial, p, Request{Reason: Reason(reason)}); err != nil {
		return is.fail(ctx, serial, enp, "record", err)
	}
	return is.journal(ctx, serial, enp, "recover", "ok", "completed from card")
}
