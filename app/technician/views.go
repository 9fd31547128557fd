package technician

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/verify"
	pdfreport "omsdesk/layout/report"
)

// views holds the screen's widgets. The screen's state lives in Screen; these only
// show it.
type views struct {
	root fyne.CanvasObject

	source, state, message *widget.Label

	readAgain, saveDump, openDump, compare, diagnose, exportPDF *widget.Button

	tabs *container.AppTabs

	atr      *fyne.Container // form rows
	tree     *widget.Label
	fields   *widget.Label
	verdict  *widget.Label
	trust    *widget.Entry
	recheck  *widget.Button
	trustErr *widget.Label
	checks   *fyne.Container // form rows: status | check — reason
	sigInfo  *fyne.Container
	reveal   *widget.Button
	traceMsg *widget.Label
	trace    *widget.Label

	compareHead *widget.Label
	diff        *fyne.Container

	// Tab contents, for tests that read what each tab shows.
	atrTab, treeTab, fieldsTab, reportTab, traceTab, compareTab fyne.CanvasObject
}

func mono() *widget.Label {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Selectable = true
	return l
}

func boldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// build lays the screen out: the source and state, the tool bar and a message line
// above tabs for the ATR, the file tree, the fields, the integrity report, the trace
// and the comparison of two dumps.
func (s *Screen) build() *views {
	tr := s.tr
	v := &views{}
	v.source = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.state = widget.NewLabel("")
	v.message = wrapped("")

	v.readAgain = widget.NewButton(tr.T("technician.action.read_again"), s.onReadAgain)
	v.saveDump = widget.NewButton(tr.T("technician.action.save_dump"), s.onSaveDump)
	v.openDump = widget.NewButton(tr.T("technician.action.open_dump"), s.onOpenDump)
	v.compare = widget.NewButton(tr.T("technician.action.compare"), s.onCompare)
	v.diagnose = widget.NewButton(tr.T("technician.action.diagnostics"), s.onDiagnose)
	v.exportPDF = widget.NewButton(tr.T("technician.action.export_pdf"), s.onExportPDF)
	toolbar := container.NewHBox(v.readAgain, v.saveDump, v.openDump, v.compare, v.exportPDF, v.diagnose)

	v.atr = container.New(layout.NewFormLayout())
	v.atrTab = container.NewScroll(v.atr)

	v.tree = mono()
	v.treeTab = container.NewScroll(v.tree)
	v.fields = mono()
	v.fieldsTab = container.NewScroll(v.fields)

	v.verdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.verdict.SizeName = "headingText"
	v.verdict.Wrapping = fyne.TextWrapWord
	v.trust = widget.NewEntry()
	v.trust.SetPlaceHolder(tr.T("technician.trust.placeholder"))
	v.trust.SetText(s.d.TrustDir)
	v.recheck = widget.NewButton(tr.T("technician.action.recheck"), s.onRecheck)
	v.trustErr = wrapped("")
	v.trustErr.Importance = widget.DangerImportance
	v.checks = container.New(layout.NewFormLayout())
	v.sigInfo = container.New(layout.NewFormLayout())
	trustRow := container.NewBorder(nil, nil, widget.NewLabel(tr.T("technician.trust.label")), v.recheck, v.trust)
	v.reportTab = container.NewBorder(container.NewVBox(v.verdict, trustRow, v.trustErr), nil, nil, nil,
		container.NewVScroll(container.NewVBox(v.checks, widget.NewSeparator(), v.sigInfo)))

	v.reveal = widget.NewButton(tr.T("technician.trace.reveal"), s.onReveal)
	v.traceMsg = wrapped(tr.T("technician.trace.redacted_note"))
	v.trace = mono()
	v.traceTab = container.NewBorder(container.NewVBox(container.NewHBox(v.reveal), v.traceMsg), nil, nil, nil,
		container.NewScroll(v.trace))

	v.compareHead = wrapped(tr.T("technician.compare.hint"))
	v.diff = container.New(layout.NewGridLayoutWithColumns(3))
	v.compareTab = container.NewBorder(v.compareHead, nil, nil, nil, container.NewVScroll(v.diff))

	v.tabs = container.NewAppTabs(
		container.NewTabItem(tr.T("technician.tab.atr"), v.atrTab),
		container.NewTabItem(tr.T("technician.tab.tree"), v.treeTab),
		container.NewTabItem(tr.T("technician.tab.fields"), v.fieldsTab),
		container.NewTabItem(tr.T("technician.tab.report"), v.reportTab),
		container.NewTabItem(tr.T("technician.tab.trace"), v.traceTab),
		container.NewTabItem(tr.T("technician.tab.compare"), v.compareTab),
	)
	v.root = container.NewBorder(container.NewVBox(v.source, v.state, toolbar, v.message), nil, nil, nil, v.tabs)
	return v
}

// showEmpty clears every view: nothing is loaded.
func (s *Screen) showEmpty() {
	v := s.v
	s.cur = nil
	v.source.SetText(s.tr.T("technician.source.none"))
	v.state.SetText(s.tr.T("technician.hint"))
	v.atr.Objects = nil
	v.atr.Refresh()
	v.tree.SetText("")
	v.fields.SetText("")
	v.verdict.SetText("")
	v.trustErr.SetText("")
	v.trustErr.Hide()
	v.checks.Objects = nil
	v.checks.Refresh()
	v.sigInfo.Objects = nil
	v.sigInfo.Refresh()
	v.trace.SetText("")
	s.updateButtons()
}

// show puts a snapshot and its analysis on screen.
func (s *Screen) show(snap *snapshot, a *analysis) {
	v := s.v
	s.cur = snap
	s.setMessage(a.note, a.note != "")
	setRows(v.atr, a.atr, false)
	v.tree.SetText(a.tree)
	v.fields.SetText(a.fields)
	s.showReport(a)
	s.showTrace()
	s.updateButtons()
}

// showReport puts the integrity report on screen.
func (s *Screen) showReport(a *analysis) {
	v := s.v
	s.report = a.report
	if a.report != nil {
		v.verdict.SetText(a.verdict)
		if a.report.Verdict == verify.Fail {
			v.verdict.Importance = widget.DangerImportance
		} else {
			v.verdict.Importance = widget.SuccessImportance
		}
		v.verdict.Refresh()
	} else {
		v.verdict.SetText(s.tr.T("technician.report.none"))
		v.verdict.Importance = widget.MediumImportance
		v.verdict.Refresh()
	}
	v.trustErr.SetText(a.trustErr)
	if a.trustErr != "" {
		v.trustErr.Show()
	} else {
		v.trustErr.Hide()
	}
	v.checks.Objects = nil
	for _, c := range a.checks {
		st := widget.NewLabelWithStyle(c.text[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		switch c.status {
		case verify.Pass:
			st.Importance = widget.SuccessImportance
		case verify.Fail:
			st.Importance = widget.DangerImportance
		default:
			st.Importance = widget.LowImportance
		}
		v.checks.Add(st)
		v.checks.Add(wrapped(c.text[1] + " — " + c.text[2]))
	}
	v.checks.Refresh()
	setRows(v.sigInfo, a.sigInfo, true)
	s.updateButtons()
}

// showTrace writes the trace, redacted unless revealed.
func (s *Screen) showTrace() {
	v := s.v
	if s.cur == nil {
		v.trace.SetText("")
		return
	}
	full := s.revealed && !s.cur.traceRedacted
	v.trace.SetText(s.traceText(s.cur.exchanges, full))
	switch {
	case s.cur.traceRedacted:
		v.traceMsg.SetText(s.tr.T("technician.trace.saved_redacted"))
		v.reveal.Disable()
	case s.revealed:
		v.traceMsg.SetText(s.tr.T("technician.trace.full_note"))
		v.reveal.SetText(s.tr.T("technician.trace.hide"))
		v.reveal.Enable()
	default:
		v.traceMsg.SetText(s.tr.T("technician.trace.redacted_note"))
		v.reveal.SetText(s.tr.T("technician.trace.reveal"))
		v.reveal.Enable()
	}
	if len(s.cur.exchanges) == 0 {
		v.reveal.Disable()
	}
}

// setRows replaces a form's rows.
func setRows(c *fyne.Container, rows []row, wrap bool) {
	c.Objects = nil
	for _, r := range rows {
		c.Add(widget.NewLabelWithStyle(r.label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		val := widget.NewLabel(r.value)
		val.Selectable = true
		if wrap {
			val.Wrapping = fyne.TextWrapWord
		}
		c.Add(val)
	}
	c.Refresh()
}

func (s *Screen) setHeader(source, state string) {
	s.v.source.SetText(source)
	s.v.state.SetText(state)
}

// setMessage shows a result or an error (with what to do next) under the tool bar.
func (s *Screen) setMessage(text string, isErr bool) {
	m := s.v.message
	m.Importance = widget.MediumImportance
	if isErr {
		m.Importance = widget.DangerImportance
	}
	m.SetText(text)
}

// updateButtons enables what the current content and the dependencies allow.
func (s *Screen) updateButtons() {
	v := s.v
	enable := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	hasDump := s.cur != nil && s.cur.d != nil
	enable(v.readAgain, s.d.ReadCard != nil && s.reader != "" && s.cancelRead == nil)
	enable(v.saveDump, hasDump && s.d.SaveFile != nil)
	enable(v.openDump, s.d.OpenFile != nil)
	enable(v.compare, s.d.OpenFile != nil)
	enable(v.exportPDF, s.report != nil && s.d.SaveFile != nil)
	enable(v.recheck, hasDump)
	enable(v.diagnose, s.d.Diagnose != nil && !s.diagnosing)
}

// reasonText and verdictText translate the report as the PDF and the CLI do.
func reasonText(tr *i18n.Catalog, c verify.Check) string { return pdfreport.Reason(tr, c) }

func verdictText(tr *i18n.Catalog, r *verify.Report) string { return pdfreport.Verdict(tr, r) }
