package main

import (
	"context"

	"fmt"
	"os"
	"path/filepath"
	"strings"

	"omsdesk/cardio"
	"omsdesk/cardio/batch/register"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// batch validates a CSV register export, queues it and issues a card per row; or
// resumes, lists and reports batches.
func (c *cli) batch(args []string) int {
	fs, lang := c.flags("batch")
	f := c.officeFlagSet(fs, true)
	check := fs.Bool("check", false, c.tr.T("issue.flag.check"))
	name := fs.String("name", "", c.tr.T("issue.flag.name"))
	resume := fs.Int64("resume", 0, c.tr.T("issue.flag.resume"))
	list := fs.Bool("list", false, c.tr.T("issue.flag.list"))
	reportID := fs.Int64("report", 0, c.tr.T("issue.flag.report"))
	today := fs.String("today", "", c.tr.T("cli.flag.today"))
	if !c.parse(fs, lang, args) || !c.setToday(*today) {
		return exitUsage
	}
	ctx, stop := signalContext()
	defer stop()
	switch {
	case *list || *reportID > 0:
		store, err := c.openRegistry(ctx, f.registry)
		if err != nil {
			return c.fail(err)
		}
		defer store.Close()
		if *list {
			return c.listBatches(ctx, store)
		}
		return c.batchReport(ctx, store, *reportID, nil)
	case *resume > 0:
		return c.runBatch(ctx, f, *resume)
	case fs.NArg() != 1:
		fs.Usage()
		return exitUsage
	}
	rows, code := c.loadRegister(fs.Arg(0))
	if code != exitOK || *check {
		return code
	}
	store, err := c.openRegistry(ctx, f.registry)
	if err != nil {
		return c.fail(err)
	}
	if *name == "" {
		*name = filepath.Base(fs.Arg(0))
	}
	id, err := issuance.Enqueue(ctx, store, *name, rows)
	store.Close()
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stderr, c.tr.T("issue.batch.queued", "id", fmt.Sprint(id), "rows", fmt.Sprint(len(rows))))
	return c.runBatch(ctx, f, id)
}

// loadRegister parses and validates the register; every problem is printed and
// nothing is returned unless all rows are valid.
func (c *cli) loadRegister(path string) ([]issuance.BatchRow, int) {
	in, err := os.Open(path)
	if err != nil {
		return nil, c.fail(err)
	}
	defer in.Close()
	reg, err := register.Parse(in, register.Options{Now: c.now(), Dir: filepath.Dir(path)})
	if err != nil {
		fmt.Fprintln(c.stderr, register.ErrorMessage(err, c.tr))
		return nil, exitInvalidInput
	}
	if !reg.Valid() {
		fmt.Fprintln(c.stderr, c.tr.T("issue.batch.invalid", "count", fmt.Sprint(len(reg.Problems))))
		for _, p := range reg.Problems {
			fmt.Fprintln(c.stderr, "  "+p.Message(c.tr))
		}
		return nil, exitInvalidInput
	}
	rows := make([]issuance.BatchRow, 0, len(reg.Rows))
	for _, r := range reg.Rows {
		if r.PhotoPath != "" {
			raw, err := os.ReadFile(r.PhotoPath)
			if err != nil {
				return nil, c.fail(fmt.Errorf("row %d: %w", r.Line, err))
			}
			jpg, err := issuance.NormalizePhoto(raw)
			if err != nil {
				return nil, c.fail(fmt.Errorf("row %d: %w", r.Line, err))
			}
			r.Policy.Owner.Photo = &policy.Photo{Format: []byte{0x01}, Data: jpg}
		}
		rows = append(rows, issuance.BatchRow{Line: r.Line, Holder: r.Policy.Document(), Reason: issuance.Reason(r.Reason),
			OldCardSerial: r.OldCardSerial})
	}
	fmt.Fprintln(c.stderr, c.tr.T("issue.batch.valid", "rows", fmt.Sprint(len(rows))))
	return rows, exitOK
}

// runBatch issues the pending rows of batch id, one card after another.
func (c *cli) runBatch(ctx context.Context, f *officeFlags, id int64) int {
	o, err := c.openOffice(ctx, f)
	if err != nil {
		return c.fail(err)
	}
	defer o.close()
	o.issuer.Progress = nil // one bar per batch, not per card
	feed := &readerFeeder{c: c, o: o}
	tty := isTerminal(c.stderr)
	rep, err := o.issuer.RunBatch(ctx, id, feed, o.pins, func(done, total, row int) {
		line := bar(done, total, 30) + " " + c.tr.T("issue.batch.progress", "row", fmt.Sprint(row))
		switch {
		case !tty:
			fmt.Fprintln(c.stderr, line)
		case done == total:
			fmt.Fprintln(c.stderr, "\r"+line)
		default:
			fmt.Fprint(c.stderr, "\r"+line+"   ")
		}
	})
	if err != nil && rep == nil {
		return c.fail(err)
	}
	code := c.batchReport(ctx, o.store, id, rep)
	if err != nil {
		return c.fail(err)
	}
	if rep.Stopped {
		return exitInterrupted
	}
	return code
}

// readerFeeder asks the operator for one blank card after another in the reader.
type readerFeeder struct {
	c *cli
	o *office
}

func (r *readerFeeder) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	reader := r.o.flags.reader
	if reader == "" {
		readers, err := r.o.pc.Readers()
		if err != nil {
			return nil, func() {}, err
		}
		if len(readers) != 1 {
			return nil, func() {}, fmt.Errorf("%w: %d readers, name one with --reader", errReaderNeeded, len(readers))
		}
		reader = readers[0]
	}
	fmt.Fprintln(r.c.stderr, "\n"+r.c.tr.T("issue.batch.insert", "row", fmt.Sprint(row), "reader", reader))
	if _, _, err := pcsc.WaitForCard(ctx, r.o.pc, reader); err != nil {
		return nil, func() {}, err
	}
	r.o.issuer.Reader = reader
	card, err := r.o.pc.Connect(reader, pcsc.T1)
	if err != nil {
		return nil, func() {}, err
	}
	return card, func() {
		card.Disconnect(false)
		fmt.Fprintln(r.c.stderr, r.c.tr.T("issue.batch.remove", "reader", reader))
		pcsc.WaitForRemoval(ctx, r.o.pc, reader)
	}, nil
}

// batchReport prints the reconciliation: the queue's totals, this run's cards.
func (c *cli) batchReport(ctx context.Context, store registry.Store, id int64, rep *issuance.BatchReport) int {
	b, err := store.Batch(ctx, id)
	if err != nil {
		return c.fail(err)
	}
	if rep == nil {
		rep = &issuance.BatchReport{Batch: b, Issued: []issuance.IssuedRow{}, Failed: []issuance.FailedRow{}, Spoiled: []string{}}
		items, err := store.BatchItems(ctx, id)
		if err != nil {
			return c.fail(err)
		}
		for _, it := range items {
			switch it.State {
			case registry.ItemDone:
				rep.Issued = append(rep.Issued, issuance.IssuedRow{Row: it.Row, ENP: it.ENP, Serial: it.CardSerial})
			case registry.ItemFailed:
				rep.Failed = append(rep.Failed, issuance.FailedRow{Row: it.Row, ENP: it.ENP, Code: it.Note})
			}
		}
	}
	fmt.Fprintln(c.stdout, c.tr.T("issue.batch.report", "id", fmt.Sprint(b.ID), "name", b.Name, "total", fmt.Sprint(b.Total),
		"done", fmt.Sprint(b.Done), "failed", fmt.Sprint(b.Failed), "skipped", fmt.Sprint(b.Skipped), "pending", fmt.Sprint(b.Pending)))
	for _, r := range rep.Issued {
		fmt.Fprintln(c.stdout, c.tr.T("issue.batch.issued_row", "row", fmt.Sprint(r.Row), "serial", r.Serial))
	}
	for _, r := range rep.Failed {
		fmt.Fprintln(c.stdout, c.tr.T("issue.batch.failed_row", "row", fmt.Sprint(r.Row), "code", r.Code))
	}
	if len(rep.Spoiled) > 0 {
		fmt.Fprintln(c.stdout, c.tr.T("issue.batch.spoiled", "count", fmt.Sprint(len(rep.Spoiled)), "serials", strings.Join(rep.Spoiled, " ")))
	}
	if rep.Stopped || b.Pending > 0 {
		fmt.Fprintln(c.stdout, c.tr.T("issue.batch.stopped", "id", fmt.Sprint(b.ID)))
	}
	if b.Failed > 0 {
		return exitFailure
	}
	return exitOK
}

func (c *cli) listBatches(ctx context.Context, store registry.Store) int {
	bs, err := store.Batches(ctx)
	if err != nil {
		return c.fail(err)
	}
	for _, b := range bs {
		fmt.Fprintln(c.stdout, c.tr.T("issue.batch.list", "id", fmt.Sprint(b.ID), "created", b.CreatedAt.Format("2006-01-02 15:04"),
			"name", b.Name, "done", fmt.Sprint(b.Done), "total", fmt.Sprint(b.Total), "failed", fmt.Sprint(b.Failed), "pending", fmt.Sprint(b.Pending)))
	}
	return exitOK
}
