package issuing

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"omsdesk/assets/i18n"
	"omsdesk/cardio"
	"omsdesk/cardio/batch/register"
	"omsdesk/cardio/vcard"
)

const csvHeader = "enp,surname,first_name,patronymic,birth_date,sex,snils,insurer_ogrn,insurer_okato,insurance_start,photo,reason,old_card_serial\n"

// registerCSV writes a register of n synthetic holders (the first an adult with a
// photo, the others children) into a directory with the photo file.
func registerCSV(t *testing.T, n, first int) (data []byte, dir string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "photos", "adult.png"), photoPNG(t, 300, 400), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < n; i++ {
		if i == 0 {
			fmt.Fprintf(&b, "%s,Иванов,Иван,Иванович,15.03.1985,М,112-233-445 95,1027700000008,45000,2015-09-01,photos/adult.png,,\n", enp(t, first+i))
			continue
		}
		fmt.Fprintf(&b, "%s,Петрова,Алёна,Сергеевна,2018-04-%02d,Ж,,1027700000008,45000,10.05.2018,,,\n", enp(t, first+i), 10+i)
	}
	return []byte(b.String()), dir
}

// listFeeder hands out virtual blank cards as an operator inserts them.
type listFeeder struct {
	mu    sync.Mutex
	cards []cardio.Transport
	rows  []int
}

func (l *listFeeder) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.cards) == 0 {
		return nil, func() {}, fmt.Errorf("no card left for row %d", row)
	}
	t := l.cards[0]
	l.cards = l.cards[1:]
	l.rows = append(l.rows, row)
	return t, func() {}, nil
}

func blanks(from, n int) ([]cardio.Transport, []string) {
	var ts []cardio.Transport
	var serials []string
	for i := 0; i < n; i++ {
		c := blank(from+i, vcard.Faults{})
		ts = append(ts, c.Transport())
		serials = append(serials, c.Serial())
	}
	return ts, serials
}

// tableText is what the register table shows, row by row.
func tableText(b *batchView) string {
	rows, cols := b.table.Length()
	var s strings.Builder
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			s.WriteString(b.cell(r, c) + "\t")
		}
		s.WriteString("\n")
	}
	return s.String()
}

// TestBatchRegister: an invalid register shows every problem with its row, column and
// message and cannot be queued; a valid one is queued, run over virtual blank cards,
// and reconciled.
func TestBatchRegister(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, lang)
			tr := f.tr
			f.s.tabs.SelectIndex(1)
			b := f.s.batch

			good, dir := registerCSV(t, 3, 100)
			bad := strings.Replace(string(good), enp(t, 101), enp(t, 101)[:15]+"0", 1)
			if bad == string(good) {
				bad = strings.Replace(string(good), enp(t, 101), enp(t, 101)[:15]+"1", 1)
			}
			bad = strings.Replace(bad, "Петрова,Алёна,Сергеевна,2018-04-12", ",Алёна,Сергеевна,2018-04-12", 1)
			b.load("bad.csv", []byte(bad), dir)
			f.wait(1)
			reg, err := register.Parse(strings.NewReader(bad), register.Options{Now: testDay, Dir: dir})
			if err != nil || len(reg.Problems) < 2 {
				t.Fatalf("test register: %+v %v", reg, err)
			}
			shown := tableText(b)
			for _, p := range reg.Problems {
				if want := strconv.Itoa(p.Line) + "\t" + p.Column + "\t" + p.Message(tr); !strings.Contains(shown, want) {
					t.Errorf("problem %q not in the table:\n%s", want, shown)
				}
			}
			if !strings.Contains(shown, "2\t\t✓ ИВАНОВ ИВАН ИВАНОВИЧ") {
				t.Errorf("valid row 2 not shown as valid:\n%s", shown)
			}
			if !strings.Contains(f.shown(), tr.T("issuing.batch.invalid", "name", "bad.csv", "count", strconv.Itoa(len(reg.Problems)))) {
				t.Errorf("summary:\n%s", f.shown())
			}
			if !b.queueBtn.Disabled() || !b.runBtn.Disabled() {
				t.Fatal("an invalid register can be queued or run")
			}

			b.load("good.csv", good, dir)
			f.wait(1)
			if strings.Contains(tableText(b), "\t\t\t") || b.queueBtn.Disabled() {
				t.Fatalf("valid register:\n%s\n%s", tableText(b), f.shown())
			}
			test.Tap(b.queueBtn)
			f.wait(1)
			if b.batchID == 0 || !strings.Contains(f.shown(), tr.T("issuing.batch.queued", "id", strconv.FormatInt(b.batchID, 10), "rows", "3")) {
				t.Fatalf("not queued:\n%s", f.shown())
			}
			if !b.queueBtn.Disabled() || b.runBtn.Disabled() {
				t.Fatal("after queueing: Queue still enabled or Run disabled")
			}

			cards, serials := blanks(100, 3)
			f.feeder = &listFeeder{cards: cards}
			test.Tap(b.runBtn)
			f.wait(1)
			got := f.shown()
			for i, row := range []int{2, 3, 4} {
				if want := tr.T("issue.batch.issued_row", "row", strconv.Itoa(row), "serial", serials[i]); !strings.Contains(got, strings.TrimSpace(want)) {
					t.Errorf("report lacks %q:\n%s", want, got)
				}
			}
			if !strings.Contains(got, tr.T("issue.batch.report", "id", strconv.FormatInt(b.batchID, 10), "name", "good.csv",
				"total", "3", "done", "3", "failed", "0", "skipped", "0", "pending", "0")) {
				t.Errorf("report summary:\n%s", got)
			}
			if b.progress.Value != 1 || !b.runBtn.Disabled() || !b.resumeBtn.Disabled() || !b.pauseBtn.Disabled() {
				t.Errorf("after the run: progress %v, run/resume/pause enabled", b.progress.Value)
			}
			if f.pinAsks[len(f.pinAsks)-1] != PINsForBatch {
				t.Errorf("PINs asked for %v", f.pinAsks)
			}
		})
	}
}

// holdingTransport holds its first APDU until released: the card being written when
// the operator presses Pause.
type holdingTransport struct {
	cardio.Transport
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (h *holdingTransport) Transmit(cmd []byte) ([]byte, error) {
	h.once.Do(func() {
		close(h.started)
		<-h.release
	})
	return h.Transport.Transmit(cmd)
}

// TestBatchPauseResume: Pause while a card is written lets that card finish and stops
// before the next; Resume issues the rest from the registry's queue.
func TestBatchPauseResume(t *testing.T) {
	f := newFixture(t, i18n.English)
	f.s.tabs.SelectIndex(1)
	b := f.s.batch
	data, dir := registerCSV(t, 3, 200)
	b.load("pause.csv", data, dir)
	f.wait(1)
	test.Tap(b.queueBtn)
	f.wait(1)

	cards, serials := blanks(200, 3)
	hold := &holdingTransport{Transport: cards[0], started: make(chan struct{}), release: make(chan struct{})}
	cards[0] = hold
	feed := &listFeeder{cards: cards}
	f.feeder = feed
	test.Tap(b.runBtn)
	<-hold.started // the first card is in the reader and being written
	if !strings.Contains(f.shown(), f.tr.T("issuing.batch.insert", "row", "2")) {
		t.Errorf("operator not asked for the card of row 2:\n%s", f.shown())
	}
	if b.pauseBtn.Disabled() {
		t.Fatal("Pause disabled while running")
	}
	test.Tap(b.pauseBtn)
	if !strings.Contains(f.shown(), f.tr.T("issuing.batch.pausing")) {
		t.Errorf("pausing not shown:\n%s", f.shown())
	}
	close(hold.release)
	f.wait(1)
	got := f.shown()
	if !strings.Contains(got, strings.TrimSpace(f.tr.T("issue.batch.issued_row", "row", "2", "serial", serials[0]))) ||
		!strings.Contains(got, f.tr.T("issuing.batch.paused")) || strings.Contains(got, serials[1]) {
		t.Fatalf("after pause:\n%s", got)
	}
	if len(feed.rows) != 1 {
		t.Errorf("cards taken after pause: rows %v", feed.rows)
	}
	bt, err := f.store.Batch(context.Background(), b.batchID)
	if err != nil || bt.Done != 1 || bt.Pending != 2 {
		t.Fatalf("queue after pause: %+v %v", bt, err)
	}
	if b.resumeBtn.Disabled() || !b.runBtn.Disabled() {
		t.Fatal("Resume not offered after the pause")
	}

	test.Tap(b.resumeBtn)
	f.wait(1)
	got = f.shown()
	for i, row := range []string{"3", "4"} {
		if !strings.Contains(got, strings.TrimSpace(f.tr.T("issue.batch.issued_row", "row", row, "serial", serials[i+1]))) {
			t.Errorf("resume did not issue row %s:\n%s", row, got)
		}
	}
	if bt, err := f.store.Batch(context.Background(), b.batchID); err != nil || bt.Done != 3 || bt.Pending != 0 {
		t.Fatalf("queue after resume: %+v %v", bt, err)
	}
	if !b.resumeBtn.Disabled() || strings.Contains(got, f.tr.T("issuing.batch.paused")) {
		t.Errorf("finished batch still resumable:\n%s", got)
	}
}

// TestBatchPauseWhileWaiting: Pause while the run waits for a card stops at once.
func TestBatchPauseWhileWaiting(t *testing.T) {
	f := newFixture(t, i18n.English)
	b := f.s.batch
	data, dir := registerCSV(t, 2, 300)
	b.load("wait.csv", data, dir)
	f.wait(1)
	test.Tap(b.queueBtn)
	f.wait(1)
	waiting, cancelled, proceed := make(chan struct{}), make(chan struct{}), make(chan struct{})
	f.feeder = FeederFunc(func(ctx context.Context, row int) (cardio.Transport, func(), error) {
		close(waiting)
		<-ctx.Done() // no card comes: the pause cancels the wait
		close(cancelled)
		<-proceed // (the test driver runs UI updates on this goroutine: let Pause finish first)
		return nil, func() {}, ctx.Err()
	})
	test.Tap(b.runBtn)
	<-waiting
	test.Tap(b.pauseBtn)
	<-cancelled
	close(proceed)
	f.wait(1)
	if bt, err := f.store.Batch(context.Background(), b.batchID); err != nil || bt.Pending != 2 {
		t.Fatalf("queue: %+v %v", bt, err)
	}
	if b.resumeBtn.Disabled() {
		t.Errorf("Resume not offered:\n%s", f.shown())
	}
}

// TestBatchUnreadableFile: a file that is no register says why.
func TestBatchUnreadableFile(t *testing.T) {
	f := newFixture(t, i18n.Russian)
	b := f.s.batch
	b.load("empty.csv", nil, t.TempDir())
	f.wait(1)
	if got := b.summary.Text; got != register.ErrorMessage(register.ErrEmpty, f.tr) {
		t.Errorf("empty file: %q", got)
	}
	b.load("cp1251.csv", bytes.Repeat([]byte{0xC8, 0xE2}, 50), t.TempDir())
	f.wait(1)
	if b.summary.Text == "" || !b.queueBtn.Disabled() {
		t.Errorf("binary file: %q", b.summary.Text)
	}
}

// TestBatchResumeAfterRestart: a batch left unfinished (queued by an earlier session)
// is listed from the registry, picked and resumed.
func TestBatchResumeAfterRestart(t *testing.T) {
	f := newFixture(t, i18n.English)
	b := f.s.batch
	data, dir := registerCSV(t, 2, 400)
	b.load("earlier.csv", data, dir)
	f.wait(1)
	test.Tap(b.queueBtn)
	f.wait(1)
	id := b.batchID

	// A new session on the same registry.
	s2 := New(f.s.d)
	s2.jobDone = f.s.jobDone
	b2 := s2.batch
	if !b2.runBtn.Disabled() || !b2.resumeBtn.Disabled() {
		t.Fatal("a fresh screen offers to run nothing")
	}
	test.Tap(b2.openBtn)
	f.wait(1)
	want := f.tr.T("issuing.batch.unfinished_item", "id", strconv.FormatInt(id, 10), "name", "earlier.csv", "pending", "2", "total", "2")
	if len(b2.unfinished.Options) != 1 || b2.unfinished.Options[0] != want || !b2.unfinished.Visible() {
		t.Fatalf("unfinished batches %q, want %q", b2.unfinished.Options, want)
	}
	b2.unfinished.SetSelectedIndex(0)
	if b2.resumeBtn.Disabled() {
		t.Fatal("Resume not offered for the picked batch")
	}
	cards, serials := blanks(400, 2)
	f.feeder = &listFeeder{cards: cards}
	test.Tap(b2.resumeBtn)
	f.wait(1)
	got := visibleText(b2.object())
	for i, row := range []string{"2", "3"} {
		if !strings.Contains(got, strings.TrimSpace(f.tr.T("issue.batch.issued_row", "row", row, "serial", serials[i]))) {
			t.Errorf("row %s not issued:\n%s", row, got)
		}
	}
	if !b2.resumeBtn.Disabled() || !b2.runBtn.Disabled() {
		t.Error("finished batch still runnable")
	}
}
