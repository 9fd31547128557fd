package issuing

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/personalise"
)

// find collects the widgets of type T under o, in tree order.
func find[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if w, ok := o.(T); ok {
			out = append(out, w)
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// TestPINDialog: the dialog asks for the PINs the workflow needs, accepts only 4 to 8
// digits, hands them over once and empties its entries.
func TestPINDialog(t *testing.T) {
	test.NewTempApp(t)
	tr := i18n.MustLoad(i18n.English)
	for _, tc := range []struct {
		need    PINRequest
		entries int
	}{{PINsForIssue, 2}, {PINsForChange, 2}, {PINsForRecover, 1}, {PINsForBatch, 2}} {
		w := test.NewWindow(widget.NewLabel(""))
		w.Resize(fyne.NewSize(600, 400))
		var got []personalise.PINs
		var oks []bool
		d := pinDialog(w, tr, tc.need, func(p personalise.PINs, ok bool) { got, oks = append(got, p), append(oks, ok) })
		d.Show()
		top := w.Canvas().Overlays().Top()
		entries := find[*widget.Entry](top)
		if len(entries) != tc.entries {
			t.Fatalf("need %v: %d entries, want %d", tc.need, len(entries), tc.entries)
		}
		var confirm *widget.Button
		for _, b := range find[*widget.Button](top) {
			if b.Text == tr.T("issuing.pin.ok") {
				confirm = b
			}
		}
		if confirm == nil {
			t.Fatal("no confirm button")
		}
		test.Type(entries[0], "12a")
		if !confirm.Disabled() {
			t.Errorf("need %v: a PIN with a letter accepted", tc.need)
		}
		entries[0].SetText("12345678")
		if len(entries) == 2 {
			test.Type(entries[1], "246")
			if !confirm.Disabled() {
				t.Errorf("need %v: a 3-digit PIN accepted", tc.need)
			}
			test.Type(entries[1], "8")
		}
		if confirm.Disabled() {
			t.Fatalf("need %v: valid PINs refused", tc.need)
		}
		test.Tap(confirm)
		want := personalise.PINs{Issuer: "12345678"}
		if tc.entries == 2 {
			want.Holder = "2468"
		}
		if len(got) != 1 || !oks[0] || got[0] != want {
			t.Errorf("need %v: got %+v %v", tc.need, got, oks)
		}
		for _, e := range entries {
			if e.Text != "" {
				t.Errorf("need %v: entry keeps the PIN", tc.need)
			}
		}
		w.Close()
	}
}
