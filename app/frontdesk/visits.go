package frontdesk

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
)

// maxVisitLines bounds the visit log on screen; the registry keeps them all.
const maxVisitLines = 200

// loadVisits fetches today's visits off the UI goroutine.
func (s *Screen) loadVisits() {
	reg := s.d.Registry
	if reg == nil {
		s.showVisits(nil, nil)
		return
	}
	today := policy.DateOf(s.d.Now())
	s.d.Background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		visits, err := reg.Visits(ctx, today)
		return func() { s.showVisits(visits, err) }
	})
}

// showVisits lists the day's visits, newest first, one line each: the time, the policy
// number masked but for its last four digits (MaskENP), and the verdict. Names are left
// out: the log stays on screen between patients, and the next patient can see it.
func (s *Screen) showVisits(visits []registry.Visit, err error) {
	switch {
	case s.d.Registry == nil:
		s.visitsNo.SetText(s.tr.T("frontdesk.visits.no_registry"))
	case err != nil:
		s.visitsNo.SetText(s.tr.T("frontdesk.visits.unavailable"))
	case len(visits) == 0:
		s.visitsNo.SetText(s.tr.T("frontdesk.visits.none"))
	default:
		s.visitsNo.SetText(s.tr.T("frontdesk.visits.count", "count", itoa(len(visits))))
	}
	lines := make([]string, 0, min(len(visits), maxVisitLines))
	for i := len(visits) - 1; i >= 0 && len(lines) < maxVisitLines; i-- {
		v := visits[i]
		verdict := s.tr.T("frontdesk.verdict." + v.Verdict)
		if !s.tr.Has("frontdesk.verdict." + v.Verdict) {
			verdict = v.Verdict // written by another program: show the code as stored
		}
		lines = append(lines, s.tr.T("frontdesk.visits.line", "time", v.At.Local().Format("15:04"),
			"enp", MaskENP(v.ENP), "verdict", verdict))
	}
	s.visitLines = lines
	s.visits.Refresh()
}

// newVisitList is the visit log: a list that makes widgets only for the lines in
// view and reuses them as the log grows. (Rebuilding one label per line at every read
// made a front desk that ran all day keep allocating.)
func newVisitList(lines *[]string) *widget.List {
	return widget.NewList(
		func() int { return len(*lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle.Monospace = true
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(*lines) {
				o.(*widget.Label).SetText((*lines)[i])
			}
		})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
