package issuing

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"omsdesk/cardio"
	"omsdesk/cardio/issuance"
	"omsdesk/cardio/personalise"
)

// Steps each workflow journals on success, in order (cardio/issuance): the list is
// shown before the run and ticked off as the issuer reports them.
var (
	issueSteps   = []string{"validate", "check_blank", "personalise", "compare", "activate", "record"}
	changeSteps  = []string{"validate", "personalise", "compare", "record"}
	wipeSteps    = []string{"wipe"}
	voidSteps    = []string{"void"}
	allStepNames = []string{"validate", "check_blank", "check_card", "sign", "personalise", "compare", "activate",
		"record", "void", "wipe", "recover"}
)

type stepState int

const (
	stepPending stepState = iota
	stepOK
	stepFailed
)

type step struct {
	name  string
	state stepState
}

// runView shows one workflow: the progress bar, the steps with ✓ and ✗, the outcome
// and what to do next, and after a successful issue the previews and printing.
type runView struct {
	s      *Screen
	busy   bool
	change bool // the run is a change of insurer
	gen    int  // counts runs, so a late preview of an earlier run is dropped
	steps  []step
	sub    float64 // progress within the current step (APDUs)

	progress   *widget.ProgressBar
	stepList   *fyne.Container
	result     *widget.Label
	recoverBtn *widget.Button
	voidBtn    *widget.Button
	preview    *preview
}

func newRunView(s *Screen) runView {
	v := runView{s: s, progress: widget.NewProgressBar(), stepList: container.NewVBox(),
		result: widget.NewLabel(""), preview: newPreview(s)}
	v.result.Wrapping = fyne.TextWrapWord
	v.progress.Hide()
	v.recoverBtn = widget.NewButton(s.tr.T("issuing.recover"), func() { s.single.onRecover(false) })
	v.voidBtn = widget.NewButton(s.tr.T("issuing.void"), func() { s.single.onRecover(true) })
	v.recoverBtn.Hide()
	v.voidBtn.Hide()
	return v
}

func (v *runView) object() fyne.CanvasObject {
	return container.NewVBox(v.progress, v.stepList, v.result, container.NewHBox(v.recoverBtn, v.voidBtn), v.preview.object())
}

// start shows the planned steps and locks the form's write button.
func (v *runView) start(planned []string) {
	v.busy = true
	v.gen++
	v.steps = v.steps[:0]
	for _, n := range planned {
		v.steps = append(v.steps, step{name: n})
	}
	v.sub = 0
	v.result.SetText(v.s.tr.T("issuing.running"))
	v.result.Importance = widget.MediumImportance
	v.recoverBtn.Hide()
	v.voidBtn.Hide()
	v.preview.clear()
	v.progress.SetValue(0)
	v.progress.Show()
	v.show()
}

// event takes one report of the issuer: a finished step, or an APDU of a plan.
func (v *runView) event(ev issuance.Event) {
	if ev.Total > 0 {
		// An APDU of a plan: only the bar moves.
		v.sub = float64(ev.Done) / float64(ev.Total)
		v.progress.SetValue((float64(v.done()) + v.sub) / float64(max(1, len(v.steps))))
		return
	}
	found := false
	for i := range v.steps {
		if v.steps[i].name == ev.Step && v.steps[i].state == stepPending {
			v.steps[i].state, found = stepOK, true
			break
		}
	}
	if !found {
		v.steps = append(v.steps, step{name: ev.Step, state: stepOK})
	}
	v.sub = 0
	v.show()
}

// fail marks the first step not done as failed and says what to do.
func (v *runView) fail(err error) {
	at := stageBefore
	for i := range v.steps {
		if v.steps[i].state == stepPending {
			v.steps[i].state = stepFailed
			switch name := v.steps[i].name; {
			case v.change && (name == "personalise" || name == "compare"):
				at = stageChange
			case !v.change && (name == "personalise" || name == "compare" || name == "activate"):
				at = stageWriting
			}
			break
		}
	}
	f := explainAt(v.s.tr, err, at)
	v.result.SetText(f.message)
	v.result.Importance = widget.DangerImportance
	v.result.Refresh()
	if f.recover {
		v.recoverBtn.Show()
		v.voidBtn.Show()
	}
	v.finish()
}

// succeed shows the outcome.
func (v *runView) succeed(msg string) {
	v.result.SetText(msg)
	v.result.Importance = widget.SuccessImportance
	v.result.Refresh()
	v.progress.SetValue(1)
	v.finish()
}

func (v *runView) finish() {
	v.busy = false
	v.show()
	v.s.single.refresh()
}

// done counts the steps finished.
func (v *runView) done() int {
	n := 0
	for _, st := range v.steps {
		if st.state == stepOK {
			n++
		}
	}
	return n
}

func (v *runView) show() {
	done := 0
	objs := make([]fyne.CanvasObject, len(v.steps))
	for i, st := range v.steps {
		mark := "○"
		switch st.state {
		case stepOK:
			mark = "✓"
			done++
		case stepFailed:
			mark = "✗"
		}
		l := widget.NewLabel(mark + " " + v.s.tr.T("issue.step."+st.name))
		if st.state == stepFailed {
			l.Importance = widget.DangerImportance
		}
		objs[i] = l
	}
	v.stepList.Objects = objs
	v.stepList.Refresh()
	if len(v.steps) > 0 && v.busy {
		v.progress.SetValue((float64(done) + v.sub) / float64(len(v.steps)))
	}
	if v.s.single != nil {
		v.s.single.relayout()
	}
}

// onWrite starts the workflow for the form as it is now.
func (f *single) onWrite() {
	c := f.model.check(f.s.tr, f.s.today())
	if !c.valid() || f.run.busy {
		return
	}
	req := issuance.Request{Policy: c.policy, Reason: f.model.reason, OldCardSerial: f.model.values[fOldCard]}
	change := c.change
	signature := f.model.signature
	planned, need := issueSteps, PINsForIssue
	if change != nil {
		planned, need = changeSteps, PINsForChange
	}
	f.run.start(planned)
	f.run.change = change != nil
	f.refresh()
	reader := f.s.reader
	go func() {
		defer f.s.done()
		res, err := f.s.withCard(reader, need, func(ctx context.Context, is *issuance.Issuer, t cardio.Transport, pins personalise.PINs) (*issuance.Result, error) {
			if change != nil {
				ch := *change
				ch.PINs = pins
				return is.ChangeInsurer(ctx, t, ch)
			}
			req.PINs = pins
			return is.Issue(ctx, t, req)
		})
		if err != nil {
			fyne.DoAndWait(func() { f.run.fail(err) })
			return
		}
		doc := res.Policy.Document()
		var gen int
		fyne.DoAndWait(func() {
			gen = f.run.gen
			f.s.card, f.s.enp = cardIssued, doc.ENP
			f.run.succeed(f.s.tr.T("issue.issued", "serial", res.Serial, "enp", doc.ENP, "apdus", strconv.Itoa(res.APDUs)))
		})
		pr := Printable{Policy: res.Policy, Serial: res.Serial, Signature: signature, Issued: f.s.today()}
		if res.Policy.Owner.Photo != nil {
			pr.Photo = res.Policy.Owner.Photo.Data
		}
		f.run.preview.render(pr, gen)
	}()
}

// onRecover wipes (or voids) the unfinished card in the reader.
func (f *single) onRecover(void bool) {
	if f.run.busy {
		return
	}
	planned := wipeSteps
	if void {
		planned = voidSteps
	}
	f.run.start(planned)
	f.run.change = false
	f.refresh()
	reader := f.s.reader
	go func() {
		defer f.s.done()
		var serial string
		_, err := f.s.withCard(reader, PINsForRecover, func(ctx context.Context, is *issuance.Issuer, t cardio.Transport, pins personalise.PINs) (*issuance.Result, error) {
			var err error
			serial, err = is.Recover(ctx, t, pins, void)
			return nil, err
		})
		fyne.DoAndWait(func() {
			if err != nil {
				f.run.fail(err)
				return
			}
			key := "issue.recovered"
			if void {
				key, f.s.card = "issue.voided", cardOther
			} else {
				f.s.card = cardBlank
			}
			f.run.succeed(f.s.tr.T(key, "serial", serial))
		})
	}()
}

// withCard runs one workflow off the UI goroutine: the issuer, the PINs, the card,
// progress reported through fyne.Do. The PINs live only for the call.
func (s *Screen) withCard(reader string, need PINRequest, work func(context.Context, *issuance.Issuer, cardio.Transport, personalise.PINs) (*issuance.Result, error)) (*issuance.Result, error) {
	ctx := context.Background()
	if s.d.Issuer == nil || s.d.Card == nil || s.d.PINs == nil {
		return nil, fmt.Errorf("issuing: %w", errNotConfigured)
	}
	base, err := s.d.Issuer(ctx)
	if err != nil {
		return nil, err
	}
	pins, err := s.d.PINs(ctx, need)
	if err != nil {
		return nil, err
	}
	t, release, err := s.d.Card(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	is := *base
	if reader != "" {
		is.Reader = reader
	}
	is.Progress = func(ev issuance.Event) { fyne.Do(func() { s.single.run.event(ev) }) }
	return work(ctx, &is, t, pins)
}
