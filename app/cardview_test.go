package app

import (
	"context"
	"errors"
	"fmt"
	"omsdesk/app/cardsource"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// texts collects every label's text in the tree under o.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func readDefault(t *testing.T) *omscard.Result {
	res, err := omscard.Read(vcard.Default().Transport(), omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCardViewShowsAndClears(t *testing.T) {
	test.NewTempApp(t)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			tr := i18n.MustLoad(lang)
			v := NewCardView(tr, func() policy.Date { return policy.MakeDate(2026, 11, 25) })
			w := test.NewWindow(v.Object())
			defer w.Close()
			copied := ""
			v.OnCopy = func(s string) { copied = s }

			v.Apply(cardsource.Update{State: cardsource.StateReading, Reader: "Virtual PCD 00 00"})
			if !strings.Contains(texts(v.Object()), tr.T("app.state.reading")) {
				t.Fatal("reading state not shown")
			}
			v.Apply(cardsource.Update{State: cardsource.StateRead, Reader: "Virtual PCD 00 00", ATR: vcard.DefaultATR, Result: readDefault(t)})
			shown := texts(v.Object())
			for _, want := range []string{"ИВАНОВ", "ИВАНОВИЧ", "15.03.1985", "5001234567890127", tr.T("status.valid"), tr.T("sex.male"), "1027700000008"} {
				if !strings.Contains(shown, want) {
					t.Errorf("screen lacks %q:\n%s", want, shown)
				}
			}
			if v.photo.Image == nil {
				t.Error("the photo is not shown")
			}
			test.Tap(v.copyENP)
			if copied != "5001234567890127" {
				t.Errorf("copy gave %q", copied)
			}

			v.Apply(cardsource.Update{State: cardsource.StateRemoved, Reader: "Virtual PCD 00 00"})
			shown = texts(v.Object())
			for _, gone := range []string{"ИВАНОВ", "15.03.1985", "5001234567890127", "1027700000008"} {
				if strings.Contains(shown, gone) {
					t.Errorf("%q still on screen after removal", gone)
				}
			}
			if v.photo.Image != nil || !v.copyENP.Disabled() {
				t.Error("photo or copy button survived the removal")
			}
		})
	}
}

func TestCardViewErrors(t *testing.T) {
	test.NewTempApp(t)
	tr := i18n.MustLoad(i18n.English)
	v := NewCardView(tr, func() policy.Date { return policy.MakeDate(2026, 11, 25) })
	v.Apply(cardsource.Update{State: cardsource.StateRead, Result: readDefault(t)})
	v.Apply(cardsource.Update{State: cardsource.StateError, ATR: []byte{0x3B, 0x02, 0x14, 0x50}, Err: fmt.Errorf("probing: %w", omscard.ErrNotOMSCard)})
	shown := texts(v.Object())
	if !strings.Contains(shown, "NOT AN OMS POLICY CARD") || !strings.Contains(shown, "3B 02 14 50") || strings.Contains(shown, "ИВАНОВ") {
		t.Fatalf("not-OMS screen:\n%s", shown)
	}
	v.Apply(cardsource.Update{State: cardsource.StateError, Err: errors.New("card removed")})
	if !strings.Contains(texts(v.Object()), "CARD UNREADABLE") {
		t.Fatal("unreadable card not explained")
	}
}

func TestEveryStateTranslated(t *testing.T) {
	for _, lang := range i18n.Languages {
		tr := i18n.MustLoad(lang)
		for s := cardsource.StateNoService; s <= cardsource.StateRemoved; s++ {
			if !tr.Has(s.Key()) {
				t.Errorf("%s: state %d has no text (%s)", lang, s, s.Key())
			}
		}
	}
}

func TestVirtualSourceReportsTheCard(t *testing.T) {
	test.NewTempApp(t)
	tr := i18n.MustLoad(i18n.Russian)
	v := NewCardView(tr, func() policy.Date { return policy.MakeDate(2026, 11, 25) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	updates := make(chan cardsource.Update, 4)
	go cardsource.VirtualSource{}.Run(ctx, func(u cardsource.Update) { updates <- u })
	for u := range updates {
		v.Apply(u)
		if u.State == cardsource.StateRead {
			break
		}
		if u.State != cardsource.StateReading {
			t.Fatalf("unexpected update %+v", u)
		}
	}
	if s := texts(v.Object()); !strings.Contains(s, "встроенная виртуальная карта") || !strings.Contains(s, "ИВАНОВ") {
		t.Fatalf("screen:\n%s", s)
	}
}
