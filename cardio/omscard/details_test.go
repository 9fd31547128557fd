package omscard_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

// historyLayout is a card with n insurer records 0202, 0203, … (the last current).
func historyLayout(n int) vcard.Layout {
	p := samplePolicy(0)
	l := vcard.FromPolicy(p)
	l.Insurers = nil
	for i := range n {
		in := *p.Insurer
		in.Start = policy.MakeDate(2015+i, 9, 1)
		if i < n-1 {
			in.End = policy.MakeDate(2016+i, 8, 31)
		}
		l.Insurers = append(l.Insurers, vcard.InsurerEF{FID: omscard.FirstInsurerFID + uint16(i), Data: in.Encode()})
	}
	l.Current = omscard.FirstInsurerFID + uint16(n-1)
	return l
}

func TestReadDetailsOfVirtualCards(t *testing.T) {
	tests := []struct {
		name    string
		l       vcard.Layout
		fids    []uint16
		current uint16
	}{
		{"one insurer", historyLayout(1), []uint16{0x0202}, 0x0202},
		{"three insurers", historyLayout(3), []uint16{0x0202, 0x0203, 0x0204}, 0x0204},
		{"T=0 answers", func() vcard.Layout { l := historyLayout(2); l.Faults.T0 = true; return l }(), []uint16{0x0202, 0x0203}, 0x0203},
		{"6Cxx answers", func() vcard.Layout { l := historyLayout(2); l.Faults.WrongLe = true; return l }(), []uint16{0x0202, 0x0203}, 0x0203},
		{"current outside the run", func() vcard.Layout {
			l := historyLayout(1)
			l.Insurers[0].FID, l.Current = 0x0301, 0x0301
			return l
		}(), []uint16{0x0301}, 0x0301},
		{"no current insurer", func() vcard.Layout { l := historyLayout(2); l.Current = 0; return l }(), []uint16{0x0202, 0x0203}, 0},
		{"no foms_root", func() vcard.Layout { l := historyLayout(2); l.NoRootDF = true; return l }(), []uint16{0x0202, 0x0203}, 0x0203},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := omscard.ReadDetails(vcard.New(tt.l).Transport())
			if err != nil {
				t.Fatal(err)
			}
			// The official file system: no serial, no life cycle byte in its FCI.
			if d.Serial != "" || d.SerialErr != nil || d.LifecycleKnown || d.Terminated {
				t.Errorf("serial %q (%v), lifecycle %02X known %v", d.Serial, d.SerialErr, d.Lifecycle, d.LifecycleKnown)
			}
			if d.Current != tt.current {
				t.Errorf("current %04X, want %04X", d.Current, tt.current)
			}
			var got []uint16
			for _, ef := range d.InsurerFiles {
				if ef.Err != nil {
					t.Errorf("EF %04X: %v", ef.FID, ef.Err)
				}
				got = append(got, ef.FID)
				for _, want := range tt.l.Insurers {
					if want.FID == ef.FID && !bytes.Equal(want.Data, ef.Data) {
						t.Errorf("EF %04X read differs", ef.FID)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.fids) {
				t.Errorf("files %04X, want %04X", got, tt.fids)
			}
			if d.APDUs == 0 || d.APDUs > 10+4*len(tt.fids)*2 {
				t.Errorf("%d APDUs", d.APDUs)
			}
		})
	}
}

func TestReadDetailsBounded(t *testing.T) {
	l := historyLayout(40)
	d, err := omscard.ReadDetails(vcard.New(l).Transport())
	if err != nil {
		t.Fatal(err)
	}
	// 32 in the run; the current one (0229) lies beyond it and is read as well.
	if len(d.InsurerFiles) != omscard.MaxInsurerFiles+1 || d.InsurerFiles[omscard.MaxInsurerFiles].FID != l.Current {
		t.Fatalf("%d files", len(d.InsurerFiles))
	}
}

func TestReadDetailsRemovedCard(t *testing.T) {
	l := historyLayout(3)
	l.Faults.RemoveAfter = 9
	d, err := omscard.ReadDetails(vcard.New(l).Transport())
	if !errors.Is(err, vcard.ErrRemoved) {
		t.Fatalf("err = %v", err)
	}
	if d == nil || len(d.InsurerFiles) == 0 || len(d.InsurerFiles) == 3 {
		t.Fatalf("partial details %+v", d)
	}
}

// scriptedCard answers by command: the first rule whose hex prefix matches the command
// gives the answer (hex, SW included); anything else gets 6D00. A rule "SEL>CMD" matches
// CMD only after a SELECT matching SEL, so READ BINARY can answer per file.
type scriptedCard struct {
	rules   [][2]string
	lastSel string
}

func (s *scriptedCard) Transmit(cmd []byte) ([]byte, error) {
	c := strings.ToUpper(hex.EncodeToString(cmd))
	if strings.HasPrefix(c, "00A4") {
		s.lastSel = c
	}
	for _, r := range s.rules {
		sel, match, scoped := strings.Cut(r[0], ">")
		if !scoped {
			match = sel
		}
		if strings.HasPrefix(c, match) && (!scoped || strings.HasPrefix(s.lastSel, sel)) {
			b, err := hex.DecodeString(r[1])
			return b, err
		}
	}
	return []byte{0x6D, 0x00}, nil
}
func (s *scriptedCard) BeginTransaction() error { return nil }
func (s *scriptedCard) EndTransaction() error   { return nil }

// Commands of ReadDetails, as hex prefixes.
const (
	selMF      = "00A4000C023F00"
	selSerial  = "00A4020C022FE2"
	readBin    = "00B00000"
	selRootFCP = "00A40404" // + 09 "foms_root" 00
	selRootFCI = "00A40400"
	selINS     = "00A4040C08464F4D535F494E53"
	getPtr     = "00CA01B002"
	sel0202    = "00A4020C020202"
	sel0203    = "00A4020C020203"
)

func TestReadDetailsScripted(t *testing.T) {
	insurer := strings.ToUpper(hex.EncodeToString(samplePolicy(0).Insurer.Encode()))
	base := func(extra ...[2]string) [][2]string {
		return append(extra, [][2]string{
			{selINS, "9000"}, {getPtr, "02029000"}, {sel0202, "9000"}, {sel0202 + ">" + readBin, insurer + "9000"}, {sel0203, "6A82"},
		}...)
	}
	serialOK := [][2]string{{selMF, "9000"}, {selSerial, "9000"}, {selSerial + ">" + readBin, "12345678901234567890" + "9000"}}
	tests := []struct {
		name       string
		rules      [][2]string
		serial     string
		serialErr  error
		lifecycle  byte
		known      bool
		terminated bool
	}{
		{"profile card, FCP with 8A=05", base(append(serialOK, [2]string{selRootFCP, "6203" + "8A0105" + "9000"})...),
			"12345678901234567890", nil, 0x05, true, false},
		{"personalising, 8A=01", base(append(serialOK, [2]string{selRootFCP, "620B8202380083025000" + "8A0101" + "9000"})...),
			"12345678901234567890", nil, 0x01, true, false},
		{"FCP refused, 8A in the FCI", base([2]string{selMF, "6A82"}, [2]string{selRootFCP, "6A86"}, [2]string{selRootFCI, "6F038A01059000"}),
			"", nil, 0x05, true, false},
		{"FCP refused with 6A81, FCI without 8A", base([2]string{selMF, "6A82"}, [2]string{selRootFCP, "6A81"}, [2]string{selRootFCI, "6F03820138" + "9000"}),
			"", nil, 0, false, false},
		{"FCP and FCI refused", base([2]string{selMF, "6A82"}, [2]string{selRootFCP, "6A86"}, [2]string{selRootFCI, "6A86"}),
			"", nil, 0, false, false},
		{"FCP nested in the FCI", base([2]string{selMF, "6A82"}, [2]string{selRootFCP, "6F05" + "62038A0106" + "9000"}),
			"", nil, 0x06, true, false},
		{"terminated: 6285 without data", base(append(serialOK, [2]string{selRootFCP, "6285"})...),
			"12345678901234567890", nil, 0x0C, true, true},
		{"terminated: 6285 with 8A=0F", base(append(serialOK, [2]string{selRootFCP, "62038A010F6285"})...),
			"12345678901234567890", nil, 0x0F, true, true},
		{"serial not BCD", base([2]string{selMF, "9000"}, [2]string{selSerial, "9000"}, [2]string{selSerial + ">" + readBin, "1234567890ABCDEF12349000"}, [2]string{selRootFCP, "6A82"}),
			"", omscard.ErrBadSerial, 0, false, false},
		{"serial too short", base([2]string{selMF, "9000"}, [2]string{selSerial, "9000"}, [2]string{selSerial + ">" + readBin, "12349000"}, [2]string{selRootFCP, "6A82"}),
			"", omscard.ErrBadSerial, 0, false, false},
		{"serial needs authentication", base([2]string{selMF, "9000"}, [2]string{selSerial, "9000"}, [2]string{selSerial + ">" + readBin, "6982"}, [2]string{selRootFCP, "6A82"}),
			"", apdu.ErrSecurityStatusNotSatisfied, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scriptedCard{rules: tt.rules}
			d, err := omscard.ReadDetails(s)
			if err != nil {
				t.Fatal(err)
			}
			if d.Serial != tt.serial || !errors.Is(d.SerialErr, tt.serialErr) || (tt.serialErr == nil) != (d.SerialErr == nil) {
				t.Errorf("serial %q, %v", d.Serial, d.SerialErr)
			}
			if d.Lifecycle != tt.lifecycle || d.LifecycleKnown != tt.known || d.Terminated != tt.terminated {
				t.Errorf("lifecycle %02X known %v terminated %v", d.Lifecycle, d.LifecycleKnown, d.Terminated)
			}
			if len(d.InsurerFiles) != 1 || d.InsurerFiles[0].Err != nil || d.Current != 0x0202 {
				t.Errorf("insurer files %+v", d.InsurerFiles)
			}
		})
	}
}

// TestReadDetailsLockedHistory: an official card whose older records need
// authentication (6982) is recorded as such, and reading goes on.
func TestReadDetailsLockedHistory(t *testing.T) {
	insurer := strings.ToUpper(hex.EncodeToString(samplePolicy(0).Insurer.Encode()))
	s := &scriptedCard{rules: [][2]string{
		{selMF, "6A82"}, {selRootFCP, "6A86"}, {selRootFCI, "6A86"}, {selINS, "9000"}, {getPtr, "02039000"},
		{sel0202, "6982"}, {sel0203, "9000"}, {sel0203 + ">" + readBin, insurer + "9000"}, {"00A4020C020204", "6A82"},
	}}
	d, err := omscard.ReadDetails(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.InsurerFiles) != 2 || !errors.Is(d.InsurerFiles[0].Err, apdu.ErrSecurityStatusNotSatisfied) ||
		d.InsurerFiles[1].Err != nil || d.InsurerFiles[1].FID != 0x0203 {
		t.Fatalf("files %+v", d.InsurerFiles)
	}
}

// TestReadDetailsGarbageRecord: an EF whose bytes are no record (a torn write left
// zeros) is recorded with its error, and the next EF is still read.
func TestReadDetailsGarbageRecord(t *testing.T) {
	l := historyLayout(3)
	l.Insurers[1].Data = make([]byte, 64)
	d, err := omscard.ReadDetails(vcard.New(l).Transport())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.InsurerFiles) != 3 || d.InsurerFiles[1].Err == nil || d.InsurerFiles[2].Err != nil {
		t.Fatalf("files %+v", d.InsurerFiles)
	}
}

func TestSerialCoding(t *testing.T) {
	for _, s := range []string{"00000000000000000000", "12345678901234567890", "99999999999999999999"} {
		b, err := omscard.EncodeSerial(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := omscard.DecodeSerial(b)
		if err != nil || back != s {
			t.Fatalf("%s → % X → %s, %v", s, b, back, err)
		}
	}
	if b, _ := omscard.EncodeSerial("12345678901234567890"); hex.EncodeToString(b) != "12345678901234567890" {
		t.Fatalf("first digit not in the high nibble: % X", b)
	}
	for _, bad := range []string{"", "1234", "1234567890123456789X", "123456789012345678901"} {
		if _, err := omscard.EncodeSerial(bad); !errors.Is(err, omscard.ErrBadSerial) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLifecycleOf(t *testing.T) {
	want := map[omscard.Lifecycle][]byte{
		omscard.LifecycleUnknown:       {0x00, 0x02, 0x08, 0x10, 0x85, 0xFF},
		omscard.LifecyclePersonalising: {0x01, 0x03},
		omscard.LifecycleOperational:   {0x05, 0x07},
		omscard.LifecycleInactive:      {0x04, 0x06},
		omscard.LifecycleVoided:        {0x0C, 0x0D, 0x0E, 0x0F},
	}
	for lc, bytes := range want {
		for _, b := range bytes {
			if got := omscard.LifecycleOf(b); got != lc {
				t.Errorf("%02X: %d, want %d", b, got, lc)
			}
		}
	}
}

// FuzzReadDetailsHostileCard: whatever a card answers, ReadDetails returns and never
// panics or loops: every APDU it sends consumes an answer of the script.
func FuzzReadDetailsHostileCard(f *testing.F) {
	ok := []byte{0x90, 0x00}
	notFound := []byte{0x6A, 0x82}
	l := historyLayout(2)
	f.Add(script(ok, ok, append(bytes.Repeat([]byte{0x12}, 10), 0x90, 0x00), []byte{0x62, 0x03, 0x8A, 0x01, 0x05, 0x90, 0x00},
		ok, []byte{0x02, 0x03, 0x90, 0x00}, ok, append(l.Insurers[0].Data, 0x90, 0x00), ok, append(l.Insurers[1].Data, 0x90, 0x00), notFound))
	f.Add(script(notFound, []byte{0x62, 0x85}, ok, []byte{0x6A, 0x88}, []byte{0x69, 0x82}, ok, []byte{0x64, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x90, 0x00}))
	f.Add(script(ok, ok, []byte{0x61, 0x00}, []byte{0x61, 0x00}, []byte{0x6A, 0x86}, []byte{0x6F, 0x05, 0x62, 0x03, 0x8A, 0x01, 0x0C, 0x90, 0x00}))
	f.Add(script(notFound, []byte{0x6A, 0x86}, []byte{0x6C, 0x05}, []byte{0x6F, 0x01, 0x90, 0x00}, ok, []byte{0x02, 0x90, 0x00}))
	f.Fuzz(func(t *testing.T, s []byte) {
		h := &hostileCard{script: s}
		d, err := omscard.ReadDetails(h)
		if d == nil {
			t.Fatalf("no details (err %v)", err)
		}
		if len(d.InsurerFiles) > omscard.MaxInsurerFiles+1 {
			t.Fatalf("%d insurer files", len(d.InsurerFiles))
		}
		if h.sent > len(s)/2+1 {
			t.Fatalf("%d APDUs for a %d-byte script", h.sent, len(s))
		}
	})
}

// TestReadDetailsBlankCard reads a blank card of our profile (vcard.NewBlank): the
// serial is there, nothing else is yet.
func TestReadDetailsBlankCard(t *testing.T) {
	const serial = "00112233445566778899"
	d, err := omscard.ReadDetails(vcard.NewBlank(vcard.BlankOptions{Serial: serial}).Transport())
	if err != nil {
		t.Fatal(err)
	}
	if d.Serial != serial || d.SerialErr != nil || d.LifecycleKnown || len(d.InsurerFiles) != 0 || d.Current != 0 {
		t.Fatalf("details %+v", d)
	}
}
