package technician

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"omsdesk/assets/i18n"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

// FuzzViews feeds hostile bytes — an ATR, an owner record, an insurer record — through
// everything the screen computes from a card (ATR rows, file tree, TLV fields, the
// integrity report, the trace in both forms): none of it may panic.
func FuzzViews(f *testing.F) {
	l := sampleLayout(nil)
	f.Add(vcard.DefaultATR, l.Owner, l.Insurers[0].Data)
	f.Add([]byte{0x3B, 0x02, 0x14, 0x50}, []byte{0x62, 0x03, 0x5F, 0x24, 0x09}, []byte{0x64, 0x00})
	f.Add([]byte{0x3F}, []byte{0x62, 0x84, 0xFF, 0xFF, 0xFF, 0xFF}, []byte{0xFF, 0x00, 0x64})
	test.NewTempApp(f)
	s := New(Deps{Tr: i18n.MustLoad(i18n.English)})
	f.Fuzz(func(t *testing.T, atrBytes, owner, insurer []byte) {
		d := dump.FromLayout(vcard.Layout{ATR: atrBytes, Owner: owner,
			Insurers: []vcard.InsurerEF{{FID: 0x0202, Data: insurer}}, Current: 0x0202}, "")
		ex := []trace.Exchange{{Seq: 1, Command: owner, Response: insurer}, {Seq: 2, Command: atrBytes, Response: owner}}
		a := s.compute(&snapshot{d: d, exchanges: ex}, "")
		if len(a.atr) == 0 || !strings.Contains(a.tree, "MF 3F00") || a.report == nil {
			t.Fatalf("views missing: %+v", a)
		}
		_ = s.traceText(ex, false)
		_ = s.traceText(ex, true)
	})
}
