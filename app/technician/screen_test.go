package technician

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/app/cardsource"
	"omsdesk/assets/i18n"
	"omsdesk/cardio/diag"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify"
	pdfreport "omsdesk/layout/report"
)

func TestCardReadShowsEveryView(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, lang, nil)
			tr, v := f.tr, f.s.v
			if got := texts(v.atrTab); strings.Contains(got, "3B F7") {
				t.Fatalf("ATR shown before any card:\n%s", got)
			}
			f.insert(t)

			assertHas(t, "header", texts(v.source)+texts(v.state),
				tr.T("technician.source.card", "reader", tr.T("technician.virtual_reader")), tr.T(cardsource.StateRead.Key()))
			assertHas(t, "ATR tab", texts(v.atrTab),
				"3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9", // raw
				"3B — "+tr.T("technician.atr.direct"),
				tr.T("technician.atr.level", "n", "1"), "TD1=81", tr.T("technician.atr.next", "t", "1"),
				"T=1", "IFSC=254", "«FOMSOMS»",
				"A9 — "+tr.T("technician.atr.tck_ok"),
				"OMS policy card (test entry)")
			assertHas(t, "file tree", texts(v.treeTab),
				"MF 3F00", "EF 2FE2", tr.T("technician.tree.serial_none"),
				"DF foms_root", "DF FOMS_ID", "EF 0201 — "+tr.T("technician.tree.owner"),
				"DF FOMS_INS — "+tr.T("technician.tree.pointer")+": 0202",
				"EF 0202 — "+tr.T("technician.tree.insurer")+": "+tr.T("technician.tree.bytes", "n", "33")+" — "+tr.T("technician.tree.current"))
			fields := texts(v.fieldsTab)
			assertHas(t, "fields", fields,
				"FOMS_ID / 0201", "5F26  L=16  "+enpHex, tr.T("field.enp")+" → «5001234567890127»",
				"5F21", "«ИВАНОВ»", "5F24  L=4  15 03 19 85", tr.T("field.birth_date")+" → 15.03.1985",
				"5F25  L=1  01", tr.T("field.sex")+" → "+tr.T("sex.male"),
				"7F30", "«RUS»", "7F40", "5F42", tr.T("technician.fields.not_dumped"),
				"FOMS_INS / 0202", "5F51  L=13", "«1027700000008»", "5F52", "«45000»")
			if !strings.Contains(fields, "image/jpeg") {
				t.Errorf("the photo's type is not shown:\n%s", fields)
			}
			// The photo is described, never dumped: its JPEG header is nowhere in hex.
			assertLacks(t, "fields", fields, "FF D8 FF")

			report := texts(v.reportTab)
			assertHas(t, "integrity report", report,
				tr.T("verify.check.tlv.owner")+" — ", tr.T("verify.check.enp")+" — "+tr.T("verify.ok.enp"),
				tr.T("verify.status.pass"), tr.T("verify.check.signature"))
			if f.s.report == nil {
				t.Fatal("no report kept for the PDF")
			}
			assertHas(t, "verdict", v.verdict.Text, verdictText(tr, f.s.report))
			assertKeysTranslated(t, f.s.report)

			traceText := texts(v.traceTab)
			assertHas(t, "trace", traceText,
				"> 00 A4 04 0C 09 66 6F 6D 73 5F 72 6F 6F 74", "< 90 00", tr.T("technician.trace.redacted_note"))
			if !strings.Contains(traceText, strings.SplitN(tr.T("technician.trace.hidden", "n", "X"), "X", 2)[0]) {
				t.Errorf("redacted answers are not marked:\n%s", traceText)
			}
			for _, b := range []interface{ Disabled() bool }{v.saveDump, v.exportPDF, v.openDump, v.compare, v.reveal} {
				if b.Disabled() {
					t.Errorf("a button is disabled after a read: %+v", b)
				}
			}
		})
	}
}

func TestCardRemovedKeepsTheLastRead(t *testing.T) {
	f := newFixture(t, i18n.English, nil)
	f.insert(t)
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved, Reader: cardsource.VirtualReader})
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateWaiting})
	assertHas(t, "state", f.s.v.state.Text, f.tr.T("technician.state.removed_kept"))
	assertHas(t, "fields", texts(f.s.v.fieldsTab), "«5001234567890127»")
	if f.s.v.saveDump.Disabled() {
		t.Error("the last read cannot be saved after the card left")
	}
}

// While another desk is on screen a card is not read a second time; the technician's
// read happens when the desk comes on screen, and only if the card is still there.
func TestHiddenDeskReadsWhenShown(t *testing.T) {
	var reads atomic.Int32
	f := newFixture(t, i18n.English, func(d *Deps) {
		read := d.ReadCard
		d.ReadCard = func(ctx context.Context, reader string) (*CardRead, error) {
			reads.Add(1)
			return read(ctx, reader)
		}
	})
	f.s.SetShown(false)
	f.insert(t)
	if n := reads.Load(); n != 0 {
		t.Fatalf("the hidden desk read the card %d times", n)
	}
	assertLacks(t, "fields", texts(f.s.v.fieldsTab), "5001234567890127")

	f.s.SetShown(true)
	f.s.jobs.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("shown: %d reads, want 1", n)
	}
	assertHas(t, "fields", texts(f.s.v.fieldsTab), "«5001234567890127»")

	// A card that came and went while the desk was hidden is not read when it shows.
	f.s.SetShown(false)
	f.insert(t)
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved, Reader: cardsource.VirtualReader})
	f.s.SetShown(true)
	f.s.jobs.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("a card gone before the desk showed was read: %d reads", n)
	}
}

func TestUnreadableCardShowsATRAndReason(t *testing.T) {
	notOMS := []byte{0x3B, 0x02, 0x14, 0x50}
	f := newFixture(t, i18n.English, func(d *Deps) {
		d.ReadCard = readerOf(vcard.Layout{ATR: notOMS}) // no FOMS_ID: not an OMS card
	})
	f.insert(t) // something on screen first: it must go
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateError, Reader: "ACS ACR38U 00 00", ATR: notOMS,
		Err: fmt.Errorf("probing: %w", omscard.ErrNotOMSCard)})
	f.s.jobs.Wait()
	v := f.s.v
	assertHas(t, "ATR", texts(v.atrTab), "3B 02 14 50", "T=0", f.tr.T("technician.atr.tck_none"), f.tr.T("technician.atr.unknown"))
	assertHas(t, "message", v.message.Text, "This is not an OMS policy card")
	assertHas(t, "header", v.source.Text, "ACS ACR38U 00 00")
	all := texts(f.s.Object())
	assertLacks(t, "screen", all, "5001234567890127", "ИВАНОВ")
	assertHas(t, "report", v.verdict.Text, f.tr.T("technician.report.none"))
	if !v.saveDump.Disabled() || !v.exportPDF.Disabled() {
		t.Error("nothing to save, yet saving is offered")
	}
}

func TestDefectiveDumpShowsFailingCheck(t *testing.T) {
	for _, tt := range []struct {
		name   string
		layout vcard.Layout
		check  string // the check that must fail
		reason string // part of its English reason
	}{
		{"enp check digit", sampleLayout(func(p *policy.Policy) { p.Owner.ENP = "5001234567890128" }), "enp", "check digit"},
		{"dangling pointer", func() vcard.Layout {
			l := sampleLayout(nil)
			l.Current = 0x0203
			return l
		}(), "insurer.pointer", "0203"},
		{"truncated insurer record", func() vcard.Layout {
			l := sampleLayout(nil)
			l.Insurers[0].Data = l.Insurers[0].Data[:20]
			return l
		}(), "tlv.insurer", "BER-TLV"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range i18n.Languages {
				f := newFixture(t, lang, nil)
				d := dump.FromLayout(tt.layout, "Virtual PCD 00 00")
				f.files.opened = []fakeFile{{name: "broken.json", data: saveDump(t, d)}}
				test.Tap(f.s.v.openDump)
				f.s.jobs.Wait()
				v, tr := f.s.v, f.tr
				r := f.s.report
				if r == nil {
					t.Fatal("no report for the dump")
				}
				c, ok := r.Find(tt.check)
				if !ok || c.Status != verify.Fail {
					t.Fatalf("check %s: %+v, want a failure", tt.check, c)
				}
				row := tr.T("verify.check."+tt.check) + " — " + pdfreport.Reason(tr, c)
				report := texts(v.reportTab)
				assertHas(t, lang+" report", report, tr.T("verify.status.fail"), row)
				assertHas(t, lang+" verdict", v.verdict.Text, tr.T("verify.check."+tt.check))
				if lang == i18n.English {
					assertHas(t, "reason", row, tt.reason)
				} else if !strings.ContainsFunc(row, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
					t.Errorf("Russian reason untranslated: %s", row)
				}
				assertHas(t, "header", v.source.Text, "broken.json")
				assertKeysTranslated(t, r)
			}
		})
	}
}

func TestTraceRedactedUntilRevealed(t *testing.T) {
	f := newFixture(t, i18n.Russian, nil)
	f.insert(t)
	v, tr := f.s.v, f.tr
	assertLacks(t, "redacted trace", texts(v.traceTab), enpHex)

	// Asking is not enough: the technician must confirm.
	test.Tap(v.reveal)
	answerDialog(t, f.w, tr.T("technician.reveal.cancel"))
	assertLacks(t, "trace after refusal", texts(v.traceTab), enpHex)

	test.Tap(v.reveal)
	answerDialog(t, f.w, tr.T("technician.reveal.confirm"))
	shown := texts(v.traceTab)
	assertHas(t, "full trace", shown, enpHex, tr.T("technician.trace.full_note"), tr.T("technician.trace.hide"))

	// A dump saved now keeps the full trace, as shown; hiding again hides it.
	test.Tap(v.saveDump)
	_, data := f.files.only(t)
	d, err := dump.Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if d.TraceRedacted {
		t.Error("the dump saved after revealing has a redacted trace")
	}
	test.Tap(v.reveal)
	assertLacks(t, "trace hidden again", texts(v.traceTab), enpHex)

	// A new card hides the trace again.
	test.Tap(v.reveal)
	answerDialog(t, f.w, tr.T("technician.reveal.confirm"))
	f.insert(t)
	assertLacks(t, "trace of the next card", texts(v.traceTab), enpHex)
}

func TestRevealWithoutWindowRefuses(t *testing.T) {
	f := newFixture(t, i18n.English, func(d *Deps) { d.Window = nil })
	f.insert(t)
	test.Tap(f.s.v.reveal)
	assertLacks(t, "trace", texts(f.s.v.traceTab), enpHex)
}

func TestSaveOpenCompareDumps(t *testing.T) {
	f := newFixture(t, i18n.English, nil)
	f.insert(t)
	v, tr := f.s.v, f.tr

	test.Tap(v.saveDump)
	name, saved := f.files.only(t)
	if name != "card-dump-20261125-120000.json" {
		t.Errorf("suggested name %q", name)
	}
	assertHas(t, "message", v.message.Text, tr.T("technician.msg.dump_saved", "file", "/home/tech/"+name))
	a, err := dump.Load(bytes.NewReader(saved))
	if err != nil {
		t.Fatal(err)
	}
	if !a.TraceRedacted || len(a.Trace) == 0 || strings.Contains(fmt.Sprint(a.Trace), "35303031") {
		t.Errorf("saved trace: redacted %v, %d entries", a.TraceRedacted, len(a.Trace))
	}
	if a.CurrentInsurer != "0202" || len(a.Files) != 2 {
		t.Errorf("saved dump files %+v, pointer %q", a.Files, a.CurrentInsurer)
	}

	// Open it without a card: the same views, from the dump.
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRemoved, Reader: cardsource.VirtualReader})
	f.files.opened = []fakeFile{{name: "saved.json", data: saved}}
	test.Tap(v.openDump)
	f.s.jobs.Wait()
	assertHas(t, "header", v.source.Text+v.state.Text, tr.T("technician.source.dump", "file", "saved.json"), tr.T("technician.virtual_reader"))
	assertHas(t, "ATR", texts(v.atrTab), "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9")
	assertHas(t, "tree", texts(v.treeTab), "EF 0202")
	assertHas(t, "fields", texts(v.fieldsTab), "«5001234567890127»")
	assertHas(t, "trace", texts(v.traceTab), tr.T("technician.trace.saved_redacted"), "00 A4 04 0C")
	if !v.reveal.Disabled() {
		t.Error("a trace saved redacted offers to reveal")
	}
	assertLacks(t, "trace", texts(v.traceTab), enpHex)

	// Compare it with a dump of the same holder insured elsewhere.
	other := dump.FromLayout(sampleLayout(func(p *policy.Policy) { p.Insurer.OKATO = "40000" }), "Virtual PCD 00 01")
	f.files.opened = []fakeFile{{name: "a.json", data: saved}, {name: "b.json", data: saveDump(t, other)}}
	test.Tap(v.compare)
	f.s.jobs.Wait()
	cmp := texts(v.compareTab)
	assertHas(t, "comparison", cmp, "a.json", "b.json", "insurer.okato", "45000", "40000", tr.T("technician.compare.field"))
	if v.tabs.Selected().Content != v.compareTab {
		t.Error("the comparison is not brought forward")
	}

	f.files.opened = []fakeFile{{name: "a.json", data: saved}, {name: "a2.json", data: saved}}
	test.Tap(v.compare)
	f.s.jobs.Wait()
	assertHas(t, "comparison", texts(v.compareTab), tr.T("technician.compare.same", "a", "a.json", "b", "a2.json"))
}

func TestOpenDumpErrors(t *testing.T) {
	future := dump.FromLayout(sampleLayout(nil), "")
	future.Version = dump.Version + 1
	for _, tt := range []struct {
		name string
		file fakeFile
		want string
	}{
		{"not a dump", fakeFile{name: "photo.jpg", data: []byte{0xFF, 0xD8, 0xFF}}, "photo.jpg is not an OMS Desk card dump"},
		{"newer", fakeFile{name: "new.json", data: saveDump(t, future)}, "saved by a newer OMS Desk"},
		{"unreadable", fakeFile{name: "gone.json", err: errors.New("permission denied")}, "gone.json could not be opened: permission denied"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, i18n.English, nil)
			f.insert(t)
			f.files.opened = []fakeFile{tt.file}
			test.Tap(f.s.v.openDump)
			f.s.jobs.Wait()
			assertHas(t, "message", f.s.v.message.Text, tt.want)
			if f.s.v.message.Importance != widget.DangerImportance {
				t.Errorf("error shown with importance %d", f.s.v.message.Importance)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		f := newFixture(t, i18n.English, nil)
		f.insert(t)
		test.Tap(f.s.v.openDump) // the queue is empty: the dialog is cancelled
		f.s.jobs.Wait()
		assertHas(t, "fields", texts(f.s.v.fieldsTab), "«5001234567890127»")
		if f.s.v.message.Text != "" {
			t.Errorf("a cancelled dialog says %q", f.s.v.message.Text)
		}
	})
}

func TestDumpWithDetailsShowsSerialAndLifecycle(t *testing.T) {
	f := newFixture(t, i18n.English, nil)
	d := dump.FromLayout(sampleLayout(nil), "")
	d.Serial = "12345678901234567890"
	d.Lifecycle = "05"
	d.Files = append(d.Files, dump.File{DF: omscard.DFInsurers, FID: "0203", Error: "reading EF 0203: 6982", SW: "6982"})
	f.files.opened = []fakeFile{{name: "issued.json", data: saveDump(t, d)}}
	test.Tap(f.s.v.openDump)
	f.s.jobs.Wait()
	assertHas(t, "tree", texts(f.s.v.treeTab), "EF 2FE2 — card serial: 10 bytes — 12345678901234567890",
		"life cycle: 05 — operational, activated", "EF 0203 — insurer record: refused by the card, status 6982")
}

func TestLateReadIsDropped(t *testing.T) {
	release := make(chan struct{})
	first := sampleLayout(nil)
	second := sampleLayout(func(p *policy.Policy) { p.Owner.ENP = "7800000000012341" })
	f := newFixture(t, i18n.English, func(d *Deps) {
		d.ReadCard = func(ctx context.Context, reader string) (*CardRead, error) {
			if reader == "slow" {
				<-release
				return readerOf(first)(ctx, reader)
			}
			return readerOf(second)(ctx, reader)
		}
	})
	res, _ := readPolicy(vcard.New(first))
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRead, Reader: "slow", ATR: vcard.DefaultATR, Result: res})
	res2, _ := readPolicy(vcard.New(second))
	f.s.ApplyCard(cardsource.Update{State: cardsource.StateRead, Reader: "fast", ATR: vcard.DefaultATR, Result: res2})
	close(release)
	f.s.jobs.Wait()
	fields := texts(f.s.v.fieldsTab)
	assertHas(t, "fields", fields, "«7800000000012341»")
	assertLacks(t, "fields", fields, "«5001234567890127»")
}

func TestReadFailureFallsBackAndExplains(t *testing.T) {
	f := newFixture(t, i18n.English, func(d *Deps) {
		d.ReadCard = func(context.Context, string) (*CardRead, error) {
			return nil, errors.New("connecting to Virtual PCD 00 00: card removed")
		}
	})
	f.insert(t)
	v := f.s.v
	assertHas(t, "message", v.message.Text, "The card could not be read: connecting to Virtual PCD 00 00: card removed", "Read again")
	// What the card source read is still shown, without details or trace.
	assertHas(t, "fields", texts(v.fieldsTab), "«5001234567890127»")
	assertHas(t, "trace", texts(v.traceTab), f.tr.T("technician.trace.none"))
	if v.readAgain.Disabled() {
		t.Error("read again is not offered after a failed read")
	}
}

func TestDiagnosticsRunOffTheUIGoroutine(t *testing.T) {
	uiGoroutine := goroutineID()
	started := make(chan string, 1)
	release := make(chan struct{})
	f := newFixture(t, i18n.English, func(d *Deps) {
		d.Diagnose = func(context.Context) *diag.Bundle {
			id := goroutineID()
			started <- id
			if id == uiGoroutine {
				return nil // on the UI goroutine: do not block the test, the check below fails
			}
			<-release
			return &diag.Bundle{Format: diag.FormatVersion, Readers: []diag.Reader{{Name: "Virtual PCD 00 00"}},
				Errors: []string{"service: no pcscd"}}
		}
	})
	v := f.s.v
	test.Tap(v.diagnose)
	if id := <-started; id == uiGoroutine {
		t.Fatal("the diagnostics ran on the UI goroutine")
	}
	// While the bundle is being collected the screen answers and says so.
	assertHas(t, "message", v.message.Text, f.tr.T("technician.msg.diagnosing"))
	if !v.diagnose.Disabled() {
		t.Error("the diagnostics button can be pressed twice")
	}
	test.Tap(v.compare) // the screen still answers meanwhile (the dialog is cancelled)
	close(release)
	f.s.jobs.Wait()
	name, data := f.files.only(t)
	if name != "omsdesk-diagnostics-20261125-120000.json" || !bytes.Contains(data, []byte(`"Virtual PCD 00 00"`)) {
		t.Errorf("saved %s:\n%s", name, data)
	}
	assertHas(t, "message", v.message.Text, f.tr.T("technician.msg.diag_saved", "file", "/home/tech/"+name))
	if v.diagnose.Disabled() {
		t.Error("the diagnostics button stays disabled")
	}
}

func TestExportPDF(t *testing.T) {
	f := newFixture(t, i18n.Russian, nil)
	if !f.s.v.exportPDF.Disabled() {
		t.Error("a PDF is offered with no report")
	}
	f.insert(t)
	test.Tap(f.s.v.exportPDF)
	f.s.jobs.Wait()
	name, data := f.files.only(t)
	if name != "integrity-report-20261125-120000.pdf" || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Errorf("saved %s, %d bytes starting %q", name, len(data), data[:min(8, len(data))])
	}
	assertHas(t, "message", f.s.v.message.Text, f.tr.T("technician.msg.pdf_saved", "file", "/home/tech/"+name))
}

func TestTrustStoreErrorExplained(t *testing.T) {
	f := newFixture(t, i18n.English, nil)
	f.insert(t)
	v := f.s.v
	dir := t.TempDir() + "/missing"
	v.trust.SetText(dir)
	test.Tap(v.recheck)
	f.s.jobs.Wait()
	if !v.trustErr.Visible() {
		t.Fatal("the trust store error is hidden")
	}
	assertHas(t, "trust error", v.trustErr.Text, "The trust store "+dir+" could not be loaded", "Choose a directory")
	v.trust.SetText("")
	test.Tap(v.recheck)
	f.s.jobs.Wait()
	if v.trustErr.Visible() {
		t.Error("the trust store error stays after the field was cleared")
	}
}

func TestModeIdentity(t *testing.T) {
	for _, lang := range i18n.Languages {
		f := newFixture(t, lang, nil)
		if f.s.ID() != "technician" || f.s.Title() != f.tr.T("technician.title") || f.s.Title() == "technician.title" {
			t.Errorf("%s: ID %q, title %q", lang, f.s.ID(), f.s.Title())
		}
	}
}

// assertKeysTranslated fails when a check of r has no name, status or reason text in
// either language (a missing key shows as the key itself).
func assertKeysTranslated(t *testing.T, r *verify.Report) {
	t.Helper()
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for _, c := range r.Checks {
			for _, key := range []string{"verify.check." + c.ID, "verify.status." + string(c.Status)} {
				if !tr.Has(key) {
					t.Errorf("%s: %s missing", lang, key)
				}
			}
			if reason := reasonText(tr, c); strings.HasPrefix(reason, "verify.") || strings.HasPrefix(reason, "validate.") {
				t.Errorf("%s: reason of %s untranslated: %s", lang, c.ID, reason)
			}
		}
	}
}

func TestCardReaderReadsTheVirtualCard(t *testing.T) {
	read := CardReader(vcard.Default)
	cr, err := read(context.Background(), cardsource.VirtualReader)
	if err != nil {
		t.Fatal(err)
	}
	if cr.Result == nil || cr.Result.Policy.Owner.ENP != "5001234567890127" || cr.Details == nil ||
		cr.Details.Current != 0x0202 || !bytes.Equal(cr.ATR, vcard.DefaultATR) {
		t.Fatalf("read %+v", cr)
	}
	for i, e := range cr.Exchanges {
		if e.Seq != i+1 {
			t.Fatalf("exchange %d numbered %d", i, e.Seq)
		}
	}
	if n := len(cr.Exchanges); n != cr.Result.APDUs+cr.Details.APDUs {
		t.Errorf("%d exchanges traced, %d APDUs sent", n, cr.Result.APDUs+cr.Details.APDUs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := read(ctx, cardsource.VirtualReader); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled read gives %v", err)
	}
}
