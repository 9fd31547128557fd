package dump

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

var when = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func dumpOf(t *testing.T, p *policy.Policy, full bool) *Dump {
	t.Helper()
	card := vcard.New(vcard.FromPolicy(p))
	rec := trace.New(card.Transport(), nil)
	res, err := omscard.Read(rec, omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return FromRead("omsdesk test", "Virtual PCD 00 00", card.ATR(), res, rec.Exchanges(), full, when)
}

func TestRoundTripThroughVirtualCard(t *testing.T) {
	want := vcard.SamplePolicy(3000)
	d := dumpOf(t, want, false)
	var buf bytes.Buffer
	if err := d.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Owner.Encode(), want.Owner.Encode()) || !bytes.Equal(got.Insurer.Encode(), want.Insurer.Encode()) {
		t.Fatal("a dump loaded into the virtual card does not read back as the card it was made from")
	}
	if back.ATR != "3BF71300008131FE45464F4D534F4D53A9" || back.CurrentInsurer != "0202" || len(back.Files) != 2 {
		t.Fatalf("dump header %+v", back)
	}
	if diffs := Diff(d, back); len(diffs) != 0 {
		t.Fatalf("a dump differs from itself: %+v", diffs)
	}
}

func TestTraceRedactedByDefault(t *testing.T) {
	red := dumpOf(t, vcard.SamplePolicy(0), false)
	full := dumpOf(t, vcard.SamplePolicy(0), true)
	enp := strings.ToUpper("35303031323334353637383930313237") // "5001234567890127"
	joined := func(d *Dump) string {
		var b strings.Builder
		for _, e := range d.Trace {
			b.WriteString(e.Response)
		}
		return b.String()
	}
	if !red.TraceRedacted || strings.Contains(joined(red), enp) {
		t.Fatal("the default dump's trace shows the policy number")
	}
	if full.TraceRedacted || !strings.Contains(joined(full), enp) {
		t.Fatal("the full trace lacks the data")
	}
	if len(red.Trace) != 8 {
		t.Fatalf("%d trace entries, want the 8 APDUs of a read", len(red.Trace))
	}
}

func TestDiffNamesTheField(t *testing.T) {
	a := vcard.SamplePolicy(0)
	b := vcard.SamplePolicy(0)
	b.Insurer.OGRN = "1027739008440"
	b.Owner.Patronymic = "ИВАНОВНА"
	diffs := Diff(dumpOf(t, a, false), dumpOf(t, b, false))
	fields := map[string]Difference{}
	for _, d := range diffs {
		fields[d.Field] = d
	}
	if d := fields["insurer.ogrn"]; d.A != "1027700000008" || d.B != "1027739008440" {
		t.Errorf("insurer.ogrn: %+v", d)
	}
	if d := fields["patronymic"]; d.A != "ИВАНОВИЧ" || d.B != "ИВАНОВНА" {
		t.Errorf("patronymic: %+v", d)
	}
	if d, ok := fields["file FOMS_ID/0201"]; !ok || !strings.Contains(d.A, "D0A7") || !strings.Contains(d.B, "D090") {
		t.Errorf("the owner file's bytes differ, row %+v", d) // ...ИЧ against ...НА, from the first byte that differs
	}
	if _, ok := fields["surname"]; ok {
		t.Error("an equal field reported as different")
	}
}

func TestDiffOfUndecodableDump(t *testing.T) {
	good := dumpOf(t, vcard.SamplePolicy(0), false)
	bad := dumpOf(t, vcard.SamplePolicy(0), false)
	bad.Files[0].Data = "627F5F26"
	diffs := Diff(good, bad)
	if len(diffs) == 0 || diffs[0].Field != "decoding" || diffs[0].B == "" {
		t.Fatalf("diffs %+v", diffs)
	}
}

func TestLoadRejects(t *testing.T) {
	for _, tt := range []struct {
		name, json string
		want       error
	}{
		{"not JSON", "hello", ErrNotADump},
		{"other format", `{"format":"x","version":1}`, ErrNotADump},
		{"newer", `{"format":"omsdesk-card-dump","version":99}`, ErrNewerVersion},
	} {
		if _, err := Load(strings.NewReader(tt.json)); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, js := range []string{
		`{"format":"omsdesk-card-dump","version":1,"files":[]}`,
		`{"format":"omsdesk-card-dump","version":1,"files":[{"df":"FOMS_ID","fid":"0201","hex":"zz"}]}`,
		`{"format":"omsdesk-card-dump","version":1,"files":[{"df":"FOMS_ID","fid":"0202","hex":"6200"}]}`,
		`{"format":"omsdesk-card-dump","version":1,"files":[{"df":"MF","fid":"0201","hex":"6200"}]}`,
		`{"format":"omsdesk-card-dump","version":1,"files":[{"df":"FOMS_ID","fid":"0201","hex":"6200"}],"current_insurer":"xyz"}`,
	} {
		if _, err := Load(strings.NewReader(js)); err == nil {
			t.Errorf("accepted %s", js)
		}
	}
}
