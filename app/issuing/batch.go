package issuing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/batch/register"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// batchLine is one line of the register table: a valid row, or one problem.
type batchLine struct {
	line    int
	column  string
	message string
	ok      bool
}

// batchView loads a CSV register, shows every row's validation, queues the register
// in the registry when it is entirely valid, and runs the queue card after card.
type batchView struct {
	s *Screen

	reg     *register.Register
	name    string
	lines   []batchLine
	batchID int64
	running bool
	stopped bool // the last run stopped before the queue was empty
	pending int  // rows of the queued batch still to issue
	feeder  *pausingFeeder

	loadBtn, queueBtn, runBtn, pauseBtn, resumeBtn *widget.Button
	openBtn                                        *widget.Button
	unfinished                                     *widget.Select
	unfinishedIDs                                  []int64
	summary, status, report                        *widget.Label
	table                                          *widget.Table
	progress                                       *widget.ProgressBar
	root                                           fyne.CanvasObject
}

func newBatchView(s *Screen) *batchView {
	tr := s.tr
	b := &batchView{s: s, summary: widget.NewLabel(tr.T("issuing.batch.none")), status: widget.NewLabel(""),
		report: widget.NewLabel(""), progress: widget.NewProgressBar()}
	b.summary.Wrapping = fyne.TextWrapWord
	b.status.Wrapping = fyne.TextWrapWord
	b.report.Wrapping = fyne.TextWrapWord
	b.loadBtn = widget.NewButton(tr.T("issuing.batch.load"), b.chooseCSV)
	b.queueBtn = widget.NewButton(tr.T("issuing.batch.queue"), b.onQueue)
	b.runBtn = widget.NewButton(tr.T("issuing.batch.run"), b.onRun)
	b.pauseBtn = widget.NewButton(tr.T("issuing.batch.pause"), b.onPause)
	b.resumeBtn = widget.NewButton(tr.T("issuing.batch.resume"), b.onRun)
	b.runBtn.Importance = widget.HighImportance
	b.openBtn = widget.NewButton(tr.T("issuing.batch.unfinished"), b.onListUnfinished)
	b.unfinished = widget.NewSelect(nil, func(string) { b.onPickUnfinished(b.unfinished.SelectedIndex()) })
	b.unfinished.Hide()
	b.table = widget.NewTable(
		func() (int, int) { return len(b.lines), 3 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(b.cell(id.Row, id.Col)) })
	b.table.ShowHeaderRow = true
	b.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	b.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(tr.T([]string{"issuing.batch.col.row", "issuing.batch.col.column", "issuing.batch.col.message"}[id.Col]))
		}
	}
	b.table.SetColumnWidth(0, 60)
	b.table.SetColumnWidth(1, 140)
	b.table.SetColumnWidth(2, 640)
	b.progress.Hide()
	b.refresh()
	return b
}

func (b *batchView) object() fyne.CanvasObject {
	if b.root != nil {
		return b.root
	}
	top := container.NewVBox(container.NewHBox(b.loadBtn, b.queueBtn, b.runBtn, b.pauseBtn, b.resumeBtn, b.openBtn),
		b.unfinished, b.summary, b.progress, b.status)
	split := container.NewVSplit(b.table, container.NewVScroll(b.report))
	split.Offset = 0.6
	b.root = container.NewBorder(top, nil, nil, nil, split)
	return b.root
}

// cell is the text of one table cell.
func (b *batchView) cell(row, col int) string {
	if row < 0 || row >= len(b.lines) {
		return ""
	}
	l := b.lines[row]
	switch col {
	case 0:
		return strconv.Itoa(l.line)
	case 1:
		return l.column
	}
	return l.message
}

// refresh sets the buttons from the state: "Queue" only for an entirely valid
// register not yet queued, "Run" for a queued batch, Pause while running.
func (b *batchView) refresh() {
	enable(b.loadBtn, !b.running)
	enable(b.openBtn, !b.running)
	enable(b.unfinished, !b.running)
	enable(b.queueBtn, !b.running && b.batchID == 0 && b.reg.Valid() && len(b.reg.Rows) > 0)
	runnable := !b.running && b.batchID != 0 && b.pending > 0 && b.s.d.Feeder != nil
	enable(b.runBtn, runnable && !b.stopped)
	enable(b.pauseBtn, b.running && b.feeder != nil)
	enable(b.resumeBtn, runnable && b.stopped)
	b.table.Refresh()
	if b.root != nil {
		b.root.Refresh() // messages, the bar and the list came or went: lay out again
	}
}

// chooseCSV opens the file dialog; without a window (tests) it does nothing.
func (b *batchView) chooseCSV() {
	w := b.s.d.Window
	if w == nil {
		return
	}
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, register.DefaultMaxBytes+1))
		if err != nil {
			dialog.ShowError(err, w)
			return
		}
		b.load(rc.URI().Name(), data, filepath.Dir(rc.URI().Path()))
	}, w)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV"}))
	d.Show()
}

// load parses and validates a register off the UI goroutine; dir is where its photo
// paths are relative to.
func (b *batchView) load(name string, data []byte, dir string) {
	b.summary.SetText(b.s.tr.T("issuing.batch.loading"))
	go func() {
		defer b.s.done()
		reg, err := register.Parse(bytes.NewReader(data), register.Options{Now: b.s.d.Now(), Dir: dir})
		fyne.DoAndWait(func() {
			b.reg, b.name, b.batchID, b.stopped, b.pending, b.lines = nil, name, 0, false, 0, nil
			b.report.SetText("")
			b.status.SetText("")
			if err != nil {
				b.summary.SetText(register.ErrorMessage(err, b.s.tr))
				b.refresh()
				return
			}
			b.reg = reg
			b.lines = linesOf(reg, b.s.tr)
			if reg.Valid() {
				b.summary.SetText(b.s.tr.T("issuing.batch.valid", "name", name, "rows", strconv.Itoa(len(reg.Rows))))
			} else {
				b.summary.SetText(b.s.tr.T("issuing.batch.invalid", "name", name, "count", strconv.Itoa(len(reg.Problems))))
			}
			b.refresh()
		})
	}()
}

// linesOf lists the valid rows and the problems in line order.
func linesOf(reg *register.Register, tr *i18n.Catalog) []batchLine {
	var out []batchLine
	for _, p := range reg.Problems {
		out = append(out, batchLine{line: p.Line, column: p.Column, message: p.Message(tr)})
	}
	for _, r := range reg.Rows {
		o := r.Policy.Owner
		out = append(out, batchLine{line: r.Line, ok: true, message: tr.T("issuing.batch.row_ok",
			"name", strings.TrimSpace(o.Surname+" "+o.FirstName+" "+o.Patronymic), "enp", o.ENP,
			"reason", tr.T("issuing.reason."+reasonOf(r.Reason)))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}

func reasonOf(s string) string {
	if s == "" {
		return string(issuance.ReasonNew)
	}
	return s
}

// onQueue stores the register's rows as a batch in the registry.
func (b *batchView) onQueue() {
	if b.running || !b.reg.Valid() || b.batchID != 0 {
		return
	}
	reg, name := b.reg, b.name
	b.running = true
	b.status.SetText(b.s.tr.T("issuing.batch.queueing"))
	b.refresh()
	go func() {
		defer b.s.done()
		id, err := b.queue(reg, name)
		fyne.DoAndWait(func() {
			b.running = false
			if err != nil {
				b.status.SetText(explain(b.s.tr, err).message)
			} else {
				b.batchID, b.pending = id, len(reg.Rows)
				b.status.SetText(b.s.tr.T("issuing.batch.queued", "id", strconv.FormatInt(id, 10), "rows", strconv.Itoa(len(reg.Rows))))
			}
			b.refresh()
		})
	}()
}

func (b *batchView) queue(reg *register.Register, name string) (int64, error) {
	ctx := context.Background()
	if b.s.d.Issuer == nil {
		return 0, errNotConfigured
	}
	is, err := b.s.d.Issuer(ctx)
	if err != nil {
		return 0, err
	}
	rows := make([]issuance.BatchRow, 0, len(reg.Rows))
	for _, r := range reg.Rows {
		if r.PhotoPath != "" {
			raw, err := os.ReadFile(r.PhotoPath)
			if err != nil {
				return 0, fmt.Errorf("reading photo of row %d: %w", r.Line, err)
			}
			jpg, err := issuance.NormalizePhoto(raw)
			if err != nil {
				return 0, fmt.Errorf("row %d: %w", r.Line, err)
			}
			r.Policy.Owner.Photo = &policy.Photo{Format: []byte{0x01}, Data: jpg}
		}
		rows = append(rows, issuance.BatchRow{Line: r.Line, Holder: r.Policy.Document(), Reason: issuance.Reason(r.Reason),
			OldCardSerial: r.OldCardSerial})
	}
	return issuance.Enqueue(ctx, is.Registry, name, rows)
}

// onRun runs (or resumes) the queued batch: the queue lives in the registry, so a
// resume is simply another run over the rows still pending.
func (b *batchView) onRun() {
	if b.running || b.batchID == 0 || b.s.d.Feeder == nil {
		return
	}
	id := b.batchID
	ctx, cancel := context.WithCancel(context.Background())
	tr := b.s.tr
	b.feeder = &pausingFeeder{inner: b.s.d.Feeder, cancel: cancel, waitingFor: func(row int) {
		fyne.Do(func() { b.status.SetText(tr.T("issuing.batch.insert", "row", strconv.Itoa(row))) })
	}, finished: func(row int) {
		fyne.Do(func() { b.status.SetText(tr.T("issuing.batch.remove", "row", strconv.Itoa(row))) })
	}}
	feeder := b.feeder
	b.running, b.stopped = true, false
	b.report.SetText("")
	b.progress.SetValue(0)
	b.progress.Show()
	b.status.SetText(tr.T("issuing.batch.starting"))
	b.refresh()
	go func() {
		defer b.s.done()
		defer cancel()
		rep, err := b.run(ctx, id, feeder)
		fyne.DoAndWait(func() {
			b.running = false
			b.feeder = nil
			switch {
			case rep != nil:
				b.stopped, b.pending = rep.Stopped, rep.Batch.Pending
				b.report.SetText(reportText(tr, rep))
				b.status.SetText("")
				if rep.Batch.Total > 0 {
					b.progress.SetValue(float64(rep.Batch.Total-rep.Batch.Pending) / float64(rep.Batch.Total))
				}
				if err != nil {
					b.status.SetText(explain(tr, err).message)
				}
			case err != nil:
				b.stopped = true
				b.status.SetText(explain(tr, err).message)
			}
			b.refresh()
		})
	}()
}

func (b *batchView) run(ctx context.Context, id int64, feeder *pausingFeeder) (*issuance.BatchReport, error) {
	if b.s.d.Issuer == nil || b.s.d.PINs == nil {
		return nil, errNotConfigured
	}
	base, err := b.s.d.Issuer(ctx)
	if err != nil {
		return nil, err
	}
	pins, err := b.s.d.PINs(ctx, PINsForBatch)
	if err != nil {
		return nil, err
	}
	is := *base
	is.Progress = nil // one bar per batch
	return is.RunBatch(ctx, id, feeder, pins, func(done, total, row int) {
		fyne.Do(func() {
			if total > 0 {
				b.progress.SetValue(float64(done) / float64(total))
			}
		})
	})
}

// onPause stops the run after the card being written.
func (b *batchView) onPause() {
	if b.feeder == nil {
		return
	}
	b.feeder.pause()
	b.pauseBtn.Disable()
	b.status.SetText(b.s.tr.T("issuing.batch.pausing"))
}

// reportText is the reconciliation report: the queue's totals, the cards issued and
// spoiled in this run, the rows that failed and why.
func reportText(tr *i18n.Catalog, rep *issuance.BatchReport) string {
	bt := rep.Batch
	lines := []string{tr.T("issue.batch.report", "id", strconv.FormatInt(bt.ID, 10), "name", bt.Name,
		"total", strconv.Itoa(bt.Total), "done", strconv.Itoa(bt.Done), "failed", strconv.Itoa(bt.Failed),
		"skipped", strconv.Itoa(bt.Skipped), "pending", strconv.Itoa(bt.Pending))}
	for _, r := range rep.Issued {
		lines = append(lines, tr.T("issue.batch.issued_row", "row", strconv.Itoa(r.Row), "serial", r.Serial))
	}
	for _, r := range rep.Failed {
		lines = append(lines, tr.T("issue.batch.failed_row", "row", strconv.Itoa(r.Row), "code", tr.T("issuing.batch.code."+codeOf(r.Code))))
	}
	if len(rep.Spoiled) > 0 {
		lines = append(lines, tr.T("issue.batch.spoiled", "count", strconv.Itoa(len(rep.Spoiled)), "serials", strings.Join(rep.Spoiled, " ")))
	}
	if rep.Stopped {
		lines = append(lines, tr.T("issuing.batch.paused"))
	}
	return strings.Join(lines, "\n")
}

// failureCodes are RunBatch's stable row codes (issuance.FailedRow.Code).
var failureCodes = []string{"invalid", "already_issued", "old_card", "card", "spoiled", "pin", "payload", "error"}

func codeOf(code string) string {
	for _, c := range failureCodes {
		if c == code {
			return c
		}
	}
	return "error"
}

// onListUnfinished lists the registry's batches that still have pending rows: after a
// restart the queue is still there, and Resume goes on with it.
func (b *batchView) onListUnfinished() {
	if b.running || b.s.d.Issuer == nil {
		return
	}
	go func() {
		defer b.s.done()
		ctx := context.Background()
		var open []registry.Batch
		is, err := b.s.d.Issuer(ctx)
		if err == nil {
			var all []registry.Batch
			all, err = is.Registry.Batches(ctx)
			for _, bt := range all {
				if bt.Pending > 0 {
					open = append(open, bt)
				}
			}
		}
		fyne.DoAndWait(func() {
			if err != nil {
				b.status.SetText(explain(b.s.tr, err).message)
				return
			}
			names := make([]string, len(open))
			b.unfinishedIDs = make([]int64, len(open))
			for i, bt := range open {
				names[i] = b.s.tr.T("issuing.batch.unfinished_item", "id", strconv.FormatInt(bt.ID, 10), "name", bt.Name,
					"pending", strconv.Itoa(bt.Pending), "total", strconv.Itoa(bt.Total))
				b.unfinishedIDs[i] = bt.ID
			}
			b.unfinished.Options = names
			b.unfinished.ClearSelected()
			b.unfinished.PlaceHolder = b.s.tr.T("issuing.batch.unfinished_pick", "count", strconv.Itoa(len(open)))
			b.unfinished.Show()
			b.unfinished.Refresh()
		})
	}()
}

// onPickUnfinished makes a listed batch the current one, ready to resume.
func (b *batchView) onPickUnfinished(i int) {
	if i < 0 || i >= len(b.unfinishedIDs) || b.running {
		return
	}
	b.batchID, b.stopped, b.reg, b.lines = b.unfinishedIDs[i], true, nil, nil
	b.pending = 1 // the list showed pending rows; the run reports the exact count
	b.name = b.unfinished.Selected
	b.summary.SetText(b.unfinished.Selected)
	b.report.SetText("")
	b.refresh()
}
