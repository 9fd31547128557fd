package omscard_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

func samplePolicy(photo int) *policy.Policy { return vcard.SamplePolicy(photo) }

func cardWith(p *policy.Policy, mod func(*vcard.Layout)) *vcard.Card {
	l := vcard.FromPolicy(p)
	if mod != nil {
		mod(&l)
	}
	return vcard.New(l)
}

func samePolicy(t *testing.T, got *policy.Policy, want *policy.Policy) {
	t.Helper()
	if !bytes.Equal(got.Owner.Encode(), want.Owner.Encode()) {
		t.Fatalf("owner differs:\n got %+v\nwant %+v", got.Owner, want.Owner)
	}
	if (got.Insurer == nil) != (want.Insurer == nil) || got.Insurer != nil && !bytes.Equal(got.Insurer.Encode(), want.Insurer.Encode()) {
		t.Fatalf("insurer differs: got %+v want %+v", got.Insurer, want.Insurer)
	}
}

func TestReadWellBehavedCards(t *testing.T) {
	tests := []struct {
		name      string
		photo     int
		mod       func(*vcard.Layout)
		opts      omscard.Options
		maxAPDUs  int
		viaRoot   bool
		extUsed   bool
		commands  []string // expected exact APDU sequence, when given
		noInsurer bool
	}{
		{name: "no photo: the 8 APDUs of the official readers", maxAPDUs: 8, viaRoot: true, commands: []string{
			"00A4040C09666F6D735F726F6F74", "00A4040C07464F4D535F4944", "00A4020C020201", "00B0000000",
			"00A4040C08464F4D535F494E53", "00CA01B002", "00A4020C020202", "00B0000000"}},
		{name: "10 KB photo in 256-byte chunks", photo: 10240, maxAPDUs: 50, viaRoot: true},
		{name: "10 KB photo, extended length", photo: 10240, maxAPDUs: 10, viaRoot: true, extUsed: true,
			mod: func(l *vcard.Layout) { l.ExtendedLength = true }, opts: omscard.Options{Extended: true}},
		{name: "no foms_root: FOMS_ID selected directly", mod: func(l *vcard.Layout) { l.NoRootDF = true }, maxAPDUs: 9},
		{name: "T=0 style 61xx chains", photo: 3000, mod: func(l *vcard.Layout) { l.Faults.T0 = true }, maxAPDUs: 60, viaRoot: true},
		{name: "6Cxx instead of 6282", photo: 700, mod: func(l *vcard.Layout) { l.Faults.WrongLe = true }, maxAPDUs: 20, viaRoot: true},
		{name: "no current insurer", mod: func(l *vcard.Layout) { l.Current = 0 }, maxAPDUs: 6, viaRoot: true, noInsurer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := samplePolicy(tt.photo)
			card := cardWith(want, tt.mod)
			rec := trace.New(card.Transport(), nil)
			res, err := omscard.Read(rec, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.noInsurer {
				want.Insurer = nil
			}
			samePolicy(t, res.Policy, want)
			if res.APDUs > tt.maxAPDUs {
				t.Errorf("%d APDUs, want at most %d", res.APDUs, tt.maxAPDUs)
			}
			if res.SelectedRoot != tt.viaRoot || res.Extended != tt.extUsed {
				t.Errorf("SelectedRoot %v Extended %v", res.SelectedRoot, res.Extended)
			}
			if tt.commands != nil {
				var sent []string
				for _, e := range rec.Exchanges() {
					sent = append(sent, fmt.Sprintf("%X", e.Command))
				}
				if fmt.Sprint(sent) != fmt.Sprint(tt.commands) {
					t.Errorf("sent  %v\nwant %v", sent, tt.commands)
				}
			}
		})
	}
}

// TestReadOffsetsAbove255 reads a file whose chunks start at offsets 256, 512, ... and
// checks the card saw P1 = offset >> 8 (one public reader gets this wrong).
func TestReadOffsetsAbove255(t *testing.T) {
	want := samplePolicy(1200)
	card := cardWith(want, nil)
	rec := trace.New(card.Transport(), nil)
	res, err := omscard.Read(rec, omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	samePolicy(t, res.Policy, want)
	var offsets []int
	for _, e := range rec.Exchanges() {
		if e.Command[1] == apdu.InsReadBinary {
			offsets = append(offsets, int(e.Command[2])<<8|int(e.Command[3]))
		}
	}
	if fmt.Sprint(offsets[:6]) != "[0 256 512 768 1024 1280]" {
		t.Fatalf("read offsets %v", offsets)
	}
}

func TestReadFailures(t *testing.T) {
	tests := []struct {
		name string
		card *vcard.Card
		want error
	}{
		{"not an OMS card", vcard.New(vcard.Layout{ATR: []byte{0x3B, 0x02, 0x14, 0x50}}), omscard.ErrNotOMSCard},
		{"removed mid-read", cardWith(samplePolicy(5000), func(l *vcard.Layout) { l.Faults.RemoveAfter = 6 }), vcard.ErrRemoved},
		{"malformed TLV", vcardFromFixture(t, `{"policy":{"enp":"5001234567890127","surname":"А"},"faults":{"malformed_tlv":true}}`), tlv.ErrLengthTooLarge},
		{"oversize length", vcardFromFixture(t, `{"policy":{"enp":"5001234567890127","surname":"А"},"faults":{"oversize_length":true}}`), tlv.ErrLengthTooLarge},
		{"pointer to a missing EF", cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Current = 0x0999 }), apdu.ErrFileNotFound},
		{"owner file shorter than its header", cardWith(samplePolicy(0), func(l *vcard.Layout) {
			l.Owner = append([]byte{0x62, 0x82, 0x01, 0x00}, l.Owner[2:]...)
		}), omscard.ErrFileTruncated},
		{"owner file missing", cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Owner = nil }), apdu.ErrFileNotFound},
		{"insurer file is garbage", cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Insurers[0].Data = []byte("garbage") }), omscard.ErrFileTruncated},
		{"insurer file is not TLV", cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Insurers[0].Data = []byte{0x64} }), tlv.ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := omscard.Read(tt.card.Transport(), omscard.Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func vcardFromFixture(t *testing.T, js string) *vcard.Card {
	t.Helper()
	l, err := vcard.ParseFixture([]byte(js), ".")
	if err != nil {
		t.Fatal(err)
	}
	return vcard.New(l)
}

func TestNotOMSMessageNamesTheStatusWord(t *testing.T) {
	_, err := omscard.Read(vcard.New(vcard.Layout{}).Transport(), omscard.Options{})
	if !errors.Is(err, omscard.ErrNotOMSCard) || !errors.Is(err, apdu.ErrFileNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestSlowCardStillReads(t *testing.T) {
	card := cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Faults.Delay = 5 * time.Millisecond })
	start := time.Now()
	res, err := omscard.Read(card.Transport(), omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Duration(res.APDUs)*5*time.Millisecond {
		t.Fatalf("a card that answers in 5 ms read %d APDUs in %v: the delay fault does nothing", res.APDUs, elapsed)
	}
}

func BenchmarkReadInProcess(b *testing.B) {
	for _, photo := range []int{0, 10240} {
		b.Run(fmt.Sprintf("photo=%d", photo), func(b *testing.B) {
			card := cardWith(samplePolicy(photo), nil)
			b.ReportAllocs()
			var apdus int
			for b.Loop() {
				res, err := omscard.Read(card.Transport(), omscard.Options{})
				if err != nil {
					b.Fatal(err)
				}
				apdus = res.APDUs
			}
			b.ReportMetric(float64(apdus), "APDUs/read")
		})
	}
}

// TestInsurerFailureKeepsTheHolder: when the insurer part fails, the holder already read
// is returned with the error, so nothing read is lost.
func TestInsurerFailureKeepsTheHolder(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*vcard.Layout)
		want error
	}{
		{"dangling pointer", func(l *vcard.Layout) { l.Current = 0x0999 }, apdu.ErrFileNotFound},
		{"garbage insurer file", func(l *vcard.Layout) { l.Insurers[0].Data = []byte{0x64, 0x05, 0x5F} }, omscard.ErrFileTruncated},
		{"removed before the insurer", func(l *vcard.Layout) { l.Faults.RemoveAfter = 5 }, vcard.ErrRemoved},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := omscard.Read(cardWith(samplePolicy(0), tt.mod).Transport(), omscard.Options{})
			if !errors.Is(err, omscard.ErrInsurerUnreadable) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v", err)
			}
			if res == nil || res.Policy == nil || res.Policy.Owner.Surname != "ИВАНОВ" || res.Policy.Insurer != nil {
				t.Fatalf("partial result %+v", res)
			}
		})
	}
	// A failure before the holder is read returns nothing.
	res, err := omscard.Read(cardWith(samplePolicy(0), func(l *vcard.Layout) { l.Faults.RemoveAfter = 2 }).Transport(), omscard.Options{})
	if res != nil || err == nil || errors.Is(err, omscard.ErrInsurerUnreadable) {
		t.Fatalf("early failure: %+v, %v", res, err)
	}
}
