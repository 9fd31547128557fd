package dump

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

// historyCard is a card with three insurer records, the last current.
func historyCard() vcard.Layout {
	p := vcard.SamplePolicy(0)
	l := vcard.FromPolicy(p)
	l.Insurers = nil
	for i := range 3 {
		in := *p.Insurer
		in.Start = policy.MakeDate(2015+i, 9, 1)
		if i < 2 {
			in.End = policy.MakeDate(2016+i, 8, 31)
		}
		l.Insurers = append(l.Insurers, vcard.InsurerEF{FID: 0x0202 + uint16(i), Data: in.Encode()})
	}
	l.Current = 0x0204
	return l
}

// detailedDump reads l's card and its details and dumps both; mod may change the
// details as if the card had answered differently.
func detailedDump(t *testing.T, l vcard.Layout, mod func(*omscard.Details)) *Dump {
	t.Helper()
	card := vcard.New(l)
	rec := trace.New(card.Transport(), nil)
	res, err := omscard.Read(rec, omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	det, err := omscard.ReadDetails(rec)
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(det)
	}
	return FromReadDetails("omsdesk test", "Virtual PCD 00 00", card.ATR(), res, det, rec.Exchanges(), false, when)
}

func TestDetailsRoundTrip(t *testing.T) {
	d := detailedDump(t, historyCard(), func(det *omscard.Details) {
		det.Serial, det.Lifecycle, det.LifecycleKnown = "12345678901234567890", 0x05, true
	})
	var fids []string
	for _, f := range d.Files {
		fids = append(fids, f.DF+"/"+f.FID)
	}
	if strings.Join(fids, " ") != "FOMS_ID/0201 FOMS_INS/0202 FOMS_INS/0203 FOMS_INS/0204" {
		t.Fatalf("files %v", fids)
	}
	if len(d.Trace) <= 8 {
		t.Fatalf("%d trace entries: the details' APDUs are missing", len(d.Trace))
	}
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"serial": "12345678901234567890"`) || !strings.Contains(buf.String(), `"lifecycle": "05"`) {
		t.Fatalf("saved dump lacks the details:\n%s", buf.String())
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Serial != d.Serial || back.Lifecycle != "05" || len(back.Files) != 4 {
		t.Fatalf("loaded %+v", back)
	}
	if b, ok := back.LifecycleByte(); !ok || b != 0x05 {
		t.Fatalf("lifecycle byte %02X %v", b, ok)
	}
	if diffs := Diff(d, back); len(diffs) != 0 {
		t.Fatalf("a dump differs from itself: %+v", diffs)
	}
	// The loaded dump replays as a card with the same history.
	l, err := back.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Insurers) != 3 || l.Current != 0x0204 {
		t.Fatalf("layout %d insurers, current %04X", len(l.Insurers), l.Current)
	}
}

// TestDetailsUnreadableFiles: a history EF the card refused is kept with its status
// word; a current EF the details could not read but the main read could keeps its bytes.
func TestDetailsUnreadableFiles(t *testing.T) {
	d := detailedDump(t, historyCard(), func(det *omscard.Details) {
		det.InsurerFiles[0].Data, det.InsurerFiles[0].Err = nil, apdu.ErrSecurityStatusNotSatisfied
		det.InsurerFiles[2].Data, det.InsurerFiles[2].Err = nil, errors.New("torn")
	})
	f := d.Files[1]
	if f.FID != "0202" || f.Data != "" || f.SW != "6982" || f.Error == "" {
		t.Fatalf("refused EF %+v", f)
	}
	if f := d.Files[3]; f.FID != "0204" || f.Data == "" || f.Error != "" {
		t.Fatalf("current EF %+v", f)
	}
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(&buf); err != nil {
		t.Fatal(err)
	}
}

// TestDetailsCurrentOutsideTheRun: when the details did not reach the current EF, the
// main read's copy is added.
func TestDetailsCurrentOutsideTheRun(t *testing.T) {
	d := detailedDump(t, historyCard(), func(det *omscard.Details) { det.InsurerFiles = det.InsurerFiles[:1] })
	if len(d.Files) != 3 || d.Files[2].FID != "0204" || d.Files[2].Data == "" {
		t.Fatalf("files %+v", d.Files)
	}
}

func TestLoadVersion1WithoutDetails(t *testing.T) {
	old := `{"format": "omsdesk-card-dump", "version": 1, "created": "2026-11-25T09:00:00Z", "program": "omsdesk 0.1.0",
	  "reader": "virtual", "atr": "3BF71300008131FE45464F4D534F4D53A9",
	  "files": [{"df": "FOMS_ID", "fid": "0201", "hex": "` + hexOf(vcard.SamplePolicy(0).Owner.Encode()) + `"}],
	  "current_insurer": "", "trace": [], "trace_redacted": true}`
	d, err := Load(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if d.Serial != "" || d.Lifecycle != "" {
		t.Fatalf("details from nowhere: %+v", d)
	}
	if _, ok := d.LifecycleByte(); ok {
		t.Fatal("an old dump has a life cycle byte")
	}
}

func TestLoadRefusesBadDetails(t *testing.T) {
	for _, tt := range []struct{ name, field string }{
		{"short serial", `"serial": "1234",`},
		{"serial not digits", `"serial": "1234567890123456789A",`},
		{"lifecycle of 2 bytes", `"lifecycle": "0505",`},
		{"lifecycle not hex", `"lifecycle": "XY",`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			js := `{"format": "omsdesk-card-dump", "version": 1, ` + tt.field + `
			  "files": [{"df": "FOMS_ID", "fid": "0201", "hex": "` + hexOf(vcard.SamplePolicy(0).Owner.Encode()) + `"}]}`
			if _, err := Load(strings.NewReader(js)); err == nil {
				t.Fatal("loaded")
			}
		})
	}
}

func TestDiffNamesDetails(t *testing.T) {
	base := func(det *omscard.Details) {
		det.Serial, det.Lifecycle, det.LifecycleKnown = "12345678901234567890", 0x05, true
	}
	a := detailedDump(t, historyCard(), base)
	l := historyCard()
	p := vcard.SamplePolicy(0)
	in := *p.Insurer
	in.Start, in.End = policy.MakeDate(2015, 9, 1), policy.MakeDate(2016, 9, 30)
	l.Insurers[0].Data = in.Encode()
	b := detailedDump(t, l, func(det *omscard.Details) {
		base(det)
		det.Serial, det.Lifecycle = "12345678901234567891", 0x01
		det.InsurerFiles[1].Data, det.InsurerFiles[1].Err = nil, apdu.ErrSecurityStatusNotSatisfied
	})
	got := map[string]bool{}
	for _, d := range Diff(a, b) {
		got[d.Field] = true
	}
	for _, want := range []string{"serial", "lifecycle", "history.0202.end", "file FOMS_INS/0202", "file FOMS_INS/0203 error", "history.0203.readable"} {
		if !got[want] {
			t.Errorf("diff lacks %s: %v", want, got)
		}
	}
	if got["history.0204.end"] || got["insurer.ogrn"] {
		t.Errorf("diff shows fields that are the same: %v", got)
	}
}

// FuzzLoad: whatever a dump file holds, Load refuses it or returns a dump that saves
// and loads back the same.
func FuzzLoad(f *testing.F) {
	p := vcard.SamplePolicy(0)
	l := vcard.FromPolicy(p)
	d := FromLayout(l, "fuzz")
	d.Serial, d.Lifecycle = "12345678901234567890", "05"
	d.Files = append(d.Files, File{DF: "FOMS_INS", FID: "0203", SW: "6982", Error: "SW 6982"})
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"omsdesk-card-dump","version":1,"files":[{"df":"FOMS_ID","fid":"0201","hex":"6200"}],"lifecycle":"0C","serial":""}`))
	f.Add([]byte(`{"format":"omsdesk-card-dump","version":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := d.Save(&out); err != nil {
			t.Fatal(err)
		}
		back, err := Load(&out)
		if err != nil {
			t.Fatalf("a loaded dump does not load back: %v", err)
		}
		if back.Serial != d.Serial || back.Lifecycle != d.Lifecycle || len(back.Files) != len(d.Files) {
			t.Fatal("round trip changed the dump")
		}
	})
}
