package atr

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mustHex decodes test hex or fails the test.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := DecodeHex(s)
	if err != nil {
		t.Fatalf("bad test hex %q: %v", s, err)
	}
	return b
}

func bp(v byte) *byte { return &v }

func eqByte(p *byte, want byte) bool { return p != nil && *p == want }

// The two ATRs of real OMS policy cards (oms-card-format.md §4).
const (
	omsATR1 = "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9"
	omsATR2 = "3B D9 11 00 81 31 FE 8D 00 00 46 4F 4D 53 31 2E 31 32"
)

func TestParseOMSCards(t *testing.T) {
	t.Run("FOMSOMS", func(t *testing.T) {
		a, err := ParseHex(omsATR1)
		if err != nil {
			t.Fatal(err)
		}
		want := &ATR{
			Raw: mustHex(t, omsATR1), TS: 0x3B, Convention: "direct", T0: 0xF7, K: 7,
			Interface: []InterfaceGroup{
				{Index: 1, TA: bp(0x13), TB: bp(0x00), TC: bp(0x00), TD: bp(0x81)},
				{Index: 2, AfterT: ip(1), TD: bp(0x31)},
				{Index: 3, AfterT: ip(1), TA: bp(0xFE), TB: bp(0x45)},
			},
			Protocols: []int{1},
			Fi:        372, Di: 4, FMaxMHz: 5, CyclesPerETU: 93, MaxBitRate: 53763,
			VPP:             &VPP{Connected: false},
			WI:              10,
			T1:              &T1Params{IFSC: 254, BWI: 4, CWI: 5, EDC: "LRC"},
			Historical:      []byte("FOMSOMS"),
			HistoricalASCII: "FOMSOMS",
			Category:        'F',
			TCKRequired:     true,
			TCK:             bp(0xA9),
			TCKValid:        true,
		}
		if !reflect.DeepEqual(a, want) {
			t.Errorf("Parse(%s):\n got %s\nwant %s", omsATR1, toJSON(t, a), toJSON(t, want))
		}
		if got := a.String(); got != omsATR1 {
			t.Errorf("String() = %q, want %q", got, omsATR1)
		}
	})
	t.Run("FOMS1.1", func(t *testing.T) {
		a, err := ParseHex(omsATR2)
		if err != nil {
			t.Fatal(err)
		}
		// T0 D9: TA1 TC1 TD1 and 9 historical bytes; TD1 81 → TD2; TD2 31 → TA3 TB3 for
		// T=1. The 18th byte, 32, is the TCK, and it is right.
		if !eqByte(a.TCK, 0x32) || !a.TCKValid || !a.TCKRequired {
			t.Errorf("TCK = %v valid %v required %v, want 32 valid required", a.TCK, a.TCKValid, a.TCKRequired)
		}
		if got, want := []byte(a.Historical), mustHex(t, "00 00 46 4F 4D 53 31 2E 31"); !bytes.Equal(got, want) {
			t.Errorf("Historical = % X, want % X", got, want)
		}
		if a.HistoricalASCII != "..FOMS1.1" {
			t.Errorf("HistoricalASCII = %q", a.HistoricalASCII)
		}
		if a.T1 == nil || a.T1.IFSC != 254 || a.T1.BWI != 8 || a.T1.CWI != 13 || a.T1.EDC != "LRC" {
			t.Errorf("T1 = %+v, want IFSC 254, BWI 8, CWI 13, LRC", a.T1)
		}
		if a.Fi != 372 || a.Di != 1 || a.ExtraGuardTime != 0 || a.VPP != nil {
			t.Errorf("Fi %d Di %d N %d VPP %v", a.Fi, a.Di, a.ExtraGuardTime, a.VPP)
		}
		// Category 00 promises a status indicator in the last three bytes ("1.1" here)
		// and compact-TLV objects before it; the card does not really follow that, and
		// the decoder says so without failing.
		if a.Category != 0x00 || a.Status == nil || !eqByte(a.Status.LCS, 0x31) ||
			a.Status.LifeCycle != "proprietary" || !bytes.Equal(a.Status.SW, []byte{0x2E, 0x31}) {
			t.Errorf("Category %02X Status %+v", a.Category, a.Status)
		}
		if len(a.HistoricalTLV) != 1 || a.HistoricalTLV[0].Tag != 0 || a.HistoricalTLV[0].Name != "RFU" {
			t.Errorf("HistoricalTLV = %+v, want one RFU tag-0 object", a.HistoricalTLV)
		}
		if !strings.Contains(a.HistoricalError, "object 46") {
			t.Errorf("HistoricalError = %q, want it to name object 46", a.HistoricalError)
		}
		if a.ExtendedLength || len(a.Extra) != 0 {
			t.Errorf("ExtendedLength %v Extra % X", a.ExtendedLength, a.Extra)
		}
	})
}

func ip(v int) *int { return &v }

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, a *ATR)
	}{
		{"T=0 only, no TCK", "3B 02 14 50", func(t *testing.T, a *ATR) {
			if !reflect.DeepEqual(a.Protocols, []int{0}) || a.TCKRequired || a.TCK != nil || !a.TCKValid {
				t.Errorf("Protocols %v TCKRequired %v TCK %v TCKValid %v", a.Protocols, a.TCKRequired, a.TCK, a.TCKValid)
			}
			if !bytes.Equal(a.Historical, []byte{0x14, 0x50}) || a.Extra != nil || a.T1 != nil {
				t.Errorf("Historical % X Extra % X T1 %v", a.Historical, a.Extra, a.T1)
			}
			if a.Fi != 372 || a.Di != 1 || a.FMaxMHz != 5 || a.CyclesPerETU != 372 || len(a.Interface) != 1 {
				t.Errorf("defaults: Fi %d Di %d fmax %v cycles %v groups %d", a.Fi, a.Di, a.FMaxMHz, a.CyclesPerETU, len(a.Interface))
			}
		}},
		{"T=0 only, trailing byte is Extra not TCK", "3B 02 14 50 11", func(t *testing.T, a *ATR) {
			if a.TCK != nil || !bytes.Equal(a.Extra, []byte{0x11}) {
				t.Errorf("TCK %v Extra % X", a.TCK, a.Extra)
			}
		}},
		{"bytes after TCK", omsATR1 + " 90 00", func(t *testing.T, a *ATR) {
			if !eqByte(a.TCK, 0xA9) || !a.TCKValid || !bytes.Equal(a.Extra, []byte{0x90, 0x00}) {
				t.Errorf("TCK %v valid %v Extra % X", a.TCK, a.TCKValid, a.Extra)
			}
		}},
		{"wrong TCK", "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A8", func(t *testing.T, a *ATR) {
			if !eqByte(a.TCK, 0xA8) || a.TCKValid {
				t.Errorf("TCK %v valid %v, want A8 invalid", a.TCK, a.TCKValid)
			}
		}},
		{"missing TCK", "3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53", func(t *testing.T, a *ATR) {
			if a.TCK != nil || a.TCKValid || !a.TCKRequired || a.HistoricalASCII != "FOMSOMS" {
				t.Errorf("TCK %v valid %v required %v hist %q", a.TCK, a.TCKValid, a.TCKRequired, a.HistoricalASCII)
			}
		}},
		{"Yubikey 4", "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", func(t *testing.T, a *ATR) {
			if a.HistoricalASCII != "Yubikey4" || a.Category != 'Y' || a.HistoricalTLV != nil || a.ExtendedLength {
				t.Errorf("hist %q category %02X TLV %v ext %v", a.HistoricalASCII, a.Category, a.HistoricalTLV, a.ExtendedLength)
			}
			if a.T1 == nil || a.T1.IFSC != 254 || a.T1.BWI != 1 || a.T1.CWI != 5 || !a.TCKValid {
				t.Errorf("T1 %+v TCKValid %v", a.T1, a.TCKValid)
			}
		}},
		{"inverse convention, TB1 VPP", "3F 65 25 00 2C 09 69 90 00", func(t *testing.T, a *ATR) {
			if a.TS != TSInverse || a.Convention != "inverse" || a.K != 5 {
				t.Errorf("TS %02X convention %q K %d", a.TS, a.Convention, a.K)
			}
			if a.VPP == nil || !a.VPP.Connected || a.VPP.PI1Volts != 5 || a.VPP.IMilliamps != 50 || a.VPP.PI2Decivolts != nil {
				t.Errorf("VPP %+v, want connected 5 V 50 mA", a.VPP)
			}
			if a.ExtraGuardTime != 0 || a.TCKRequired || !a.TCKValid {
				t.Errorf("N %d TCKRequired %v valid %v", a.ExtraGuardTime, a.TCKRequired, a.TCKValid)
			}
		}},
		{"TC1 extra guard time 255", "3B 70 11 00 FF", func(t *testing.T, a *ATR) {
			if a.ExtraGuardTime != 255 || a.Fi != 372 || a.Di != 1 || a.VPP == nil || a.VPP.Connected {
				t.Errorf("N %d Fi %d Di %d VPP %+v", a.ExtraGuardTime, a.Fi, a.Di, a.VPP)
			}
		}},
		{"TC2 waiting integer", "3B 80 40 14", func(t *testing.T, a *ATR) {
			if a.WI != 20 || a.TCKRequired || !reflect.DeepEqual(a.Protocols, []int{0}) || len(a.Interface) != 2 {
				t.Errorf("WI %d TCKRequired %v Protocols %v groups %d", a.WI, a.TCKRequired, a.Protocols, len(a.Interface))
			}
		}},
		{"TB2 programming voltage", "3B A0 00 20 32", func(t *testing.T, a *ATR) {
			if a.VPP == nil || !a.VPP.Connected || a.VPP.PI2Decivolts == nil || *a.VPP.PI2Decivolts != 50 || a.WI != 10 {
				t.Errorf("VPP %+v WI %d", a.VPP, a.WI)
			}
		}},
		{"TA1 RFU nibbles", "3B 10 70", func(t *testing.T, a *ATR) {
			if a.Fi != 0 || a.Di != 0 || a.FMaxMHz != 0 || a.CyclesPerETU != 0 || a.MaxBitRate != 0 {
				t.Errorf("Fi %d Di %d fmax %v cycles %v rate %d, want all 0", a.Fi, a.Di, a.FMaxMHz, a.CyclesPerETU, a.MaxBitRate)
			}
		}},
		{"TA2 specific mode, fast TA1", "3B 90 95 11 81 95", func(t *testing.T, a *ATR) {
			if a.Fi != 512 || a.Di != 16 || a.FMaxMHz != 5 || a.CyclesPerETU != 32 || a.MaxBitRate != 156250 {
				t.Errorf("Fi %d Di %d fmax %v cycles %v rate %d", a.Fi, a.Di, a.FMaxMHz, a.CyclesPerETU, a.MaxBitRate)
			}
			want := &SpecificMode{Protocol: 1, CanChange: false, ImplicitFiDi: false}
			if !reflect.DeepEqual(a.SpecificMode, want) {
				t.Errorf("SpecificMode %+v, want %+v", a.SpecificMode, want)
			}
			// TA2 is the specific mode byte, never an IFSC, even after TD1 with T=1.
			if a.T1 == nil || a.T1.IFSC != 32 || !a.TCKValid {
				t.Errorf("T1 %+v TCKValid %v", a.T1, a.TCKValid)
			}
		}},
		{"T=0 and T=1, CRC", "3B 81 80 71 C1 45 01 5A AF", func(t *testing.T, a *ATR) {
			if !reflect.DeepEqual(a.Protocols, []int{0, 1}) || !a.TCKRequired || !a.TCKValid {
				t.Errorf("Protocols %v required %v valid %v", a.Protocols, a.TCKRequired, a.TCKValid)
			}
			if want := (&T1Params{IFSC: 0xC1, BWI: 4, CWI: 5, EDC: "CRC"}); !reflect.DeepEqual(a.T1, want) {
				t.Errorf("T1 %+v, want %+v", a.T1, want)
			}
		}},
		{"T=15 global bytes", "3B 80 80 1F C3 DC", func(t *testing.T, a *ATR) {
			want := &GlobalParams{ClockStop: "no preference", Classes: []Class{{"A", 5}, {"B", 3}}}
			if !reflect.DeepEqual(a.Global, want) {
				t.Errorf("Global %+v, want %+v", a.Global, want)
			}
			// T=15 is not a protocol, but it does make TCK mandatory (§8.2.5).
			if !reflect.DeepEqual(a.Protocols, []int{0}) || !a.TCKRequired || !a.TCKValid || a.T1 != nil {
				t.Errorf("Protocols %v required %v valid %v T1 %v", a.Protocols, a.TCKRequired, a.TCKValid, a.T1)
			}
		}},
		{"compact-TLV with extended length", "3B 89 80 01 80 73 C0 21 C0 83 05 90 00 CC", func(t *testing.T, a *ATR) {
			if a.Category != CategoryTLV || !a.ExtendedLength || !a.TCKValid || a.HistoricalError != "" {
				t.Errorf("category %02X ext %v TCKValid %v err %q", a.Category, a.ExtendedLength, a.TCKValid, a.HistoricalError)
			}
			if len(a.HistoricalTLV) != 2 || a.HistoricalTLV[0].Name != "card capabilities" || a.HistoricalTLV[1].Name != "status indicator" {
				t.Fatalf("HistoricalTLV %+v", a.HistoricalTLV)
			}
			want := &CardCapabilities{
				Selection:  &SelectionMethods{FullDFName: true, PartialDFName: true},
				DataCoding: &DataCoding{WriteBehaviour: "proprietary", DataUnitQuartets: 2},
				Chaining:   &ChainingInfo{CommandChaining: true, ExtendedLength: true, MaxLogicalChannels: 1},
			}
			if !reflect.DeepEqual(a.Capabilities, want) {
				t.Errorf("Capabilities %s, want %s", toJSON(t, a.Capabilities), toJSON(t, want))
			}
			if a.Status == nil || !eqByte(a.Status.LCS, 0x05) || a.Status.LifeCycle != "operational (activated)" || a.Status.SW.String() != "90 00" {
				t.Errorf("Status %+v", a.Status)
			}
		}},
		{"compact-TLV without extended length", "3B 88 80 01 80 73 C0 21 80 82 90 00 89", func(t *testing.T, a *ATR) {
			if a.Capabilities == nil || a.Capabilities.Chaining == nil || a.ExtendedLength || !a.TCKValid {
				t.Errorf("Capabilities %+v ExtendedLength %v", a.Capabilities, a.ExtendedLength)
			}
			if a.Status == nil || a.Status.LCS != nil || a.Status.SW.String() != "90 00" {
				t.Errorf("Status %+v", a.Status)
			}
		}},
		{"category 00 with country and card service", "3B 89 80 01 00 12 64 3F 31 C0 05 90 00 25", func(t *testing.T, a *ATR) {
			if len(a.HistoricalTLV) != 2 || a.HistoricalError != "" {
				t.Fatalf("HistoricalTLV %+v err %q", a.HistoricalTLV, a.HistoricalError)
			}
			if c := a.HistoricalTLV[0]; c.Tag != TagCountry || c.Digits != "643" {
				t.Errorf("country object %+v", c)
			}
			wantCS := &CardServiceData{SelectByFullDFName: true, SelectByPartialDFName: true, EFAccess: "READ RECORD"}
			if !reflect.DeepEqual(a.HistoricalTLV[1].CardService, wantCS) {
				t.Errorf("card service %+v, want %+v", a.HistoricalTLV[1].CardService, wantCS)
			}
			if a.Status == nil || !eqByte(a.Status.LCS, 0x05) || a.Status.SW.String() != "90 00" {
				t.Errorf("Status %+v", a.Status)
			}
		}},
		{"category 10 DIR reference", "3B 82 80 01 10 8A 99", func(t *testing.T, a *ATR) {
			if !eqByte(a.DIRReference, 0x8A) || a.HistoricalTLV != nil || !a.TCKValid {
				t.Errorf("DIRReference %v TLV %v TCKValid %v", a.DIRReference, a.HistoricalTLV, a.TCKValid)
			}
		}},
		{"category 00 too short for status", "3B 02 00 12", func(t *testing.T, a *ATR) {
			if a.Status != nil || a.HistoricalError == "" {
				t.Errorf("Status %+v err %q", a.Status, a.HistoricalError)
			}
		}},
		{"no historical bytes", "3B 00", func(t *testing.T, a *ATR) {
			if a.K != 0 || len(a.Historical) != 0 || a.Category != 0 || a.Status != nil || a.HistoricalError != "" {
				t.Errorf("K %d hist % X category %02X status %v err %q", a.K, a.Historical, a.Category, a.Status, a.HistoricalError)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseHex(tt.hex)
			if err != nil {
				t.Fatalf("ParseHex(%q): %v", tt.hex, err)
			}
			if !bytes.Equal(a.Raw, mustHex(t, tt.hex)) {
				t.Errorf("Raw = % X", a.Raw)
			}
			tt.check(t, a)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		want   error
		offset int
	}{
		{"empty", nil, ErrTooShort, 0},
		{"TS only", []byte{0x3B}, ErrTooShort, 1},
		{"bad TS", []byte{0x3C, 0x00}, ErrBadTS, 0},
		{"raw inverse TS", []byte{0x03, 0x00}, ErrBadTS, 0},
		{"34 bytes", append([]byte{0x3B, 0x0F}, make([]byte, 32)...), ErrTooLong, 33},
		{"TB1 missing", []byte{0x3B, 0x70, 0x11}, ErrTruncated, 3},
		{"TC1 missing", []byte{0x3B, 0xF7, 0x13, 0x00}, ErrTruncated, 4},
		{"TD2 missing", []byte{0x3B, 0xF7, 0x13, 0x00, 0x00, 0x81}, ErrTruncated, 6},
		{"TB3 missing", []byte{0x3B, 0xF7, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE}, ErrTruncated, 8},
		{"historical bytes missing", []byte{0x3B, 0x02, 0x14}, ErrTruncated, 3},
		{"historical bytes missing after interface", mustHex(t, "3B F7 13 00 00 81 31 FE 45 46 4F"), ErrTruncated, 11},
		{"structure longer than 33 bytes", mustHex(t, "3B FF 00 00 00 FF 00 00 00 FF 00 00 00 FF 00 00 00 FF 00 00 00 FF 00 00 00 FF 00 00 00 FF 00 00 00"), ErrTruncated, 33},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse(tt.in)
			if a != nil || !errors.Is(err, tt.want) {
				t.Fatalf("Parse(% X) = %v, %v; want nil, %v", tt.in, a, err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset != tt.offset {
				t.Errorf("error %v: want *ParseError at offset %d", err, tt.offset)
			}
		})
	}
}

func TestParseDoesNotAlias(t *testing.T) {
	in := mustHex(t, omsATR1)
	a, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	in[9] = 'X'
	if a.HistoricalASCII != "FOMSOMS" || a.Historical[0] != 'F' || a.Raw[9] != 'F' {
		t.Errorf("result changed with the input: %q % X", a.HistoricalASCII, a.Raw)
	}
}

func TestParseHexForms(t *testing.T) {
	want := mustHex(t, omsATR1)
	for _, s := range []string{
		omsATR1,
		"3BF7130000813 1FE45464F4D534F4D53A9",
		"3bf7130000 8131fe45464f4d534f4d53a9",
		"3b:f7:13:00:00:81:31:fe:45:46:4f:4d:53:4f:4d:53:a9",
		"  0x3BF7130000" + "8131FE45464F4D534F4D53A9\n",
	} {
		a, err := ParseHex(s)
		if err != nil {
			t.Errorf("ParseHex(%q): %v", s, err)
			continue
		}
		if !bytes.Equal(a.Raw, want) {
			t.Errorf("ParseHex(%q).Raw = % X", s, a.Raw)
		}
	}
	for _, s := range []string{"3B F", "3B GG", "zz", "3B-F7"} {
		if _, err := ParseHex(s); !errors.Is(err, ErrBadHex) {
			t.Errorf("ParseHex(%q) error = %v, want ErrBadHex", s, err)
		}
	}
	if _, err := ParseHex(""); !errors.Is(err, ErrTooShort) {
		t.Errorf("ParseHex(\"\") error = %v, want ErrTooShort", err)
	}
}

func TestJSON(t *testing.T) {
	a, err := ParseHex("3B 89 80 01 80 73 C0 21 C0 83 05 90 00 CC")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"raw":"3B 89 80 01 80 73 C0 21 C0 83 05 90 00 CC"`,
		`"historical":"80 73 C0 21 C0 83 05 90 00"`,
		`"extended_length":true`,
		`"tck_valid":true`,
		`"protocols":[0,1]`,
		`"sw":"90 00"`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back ATR
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshalling own JSON: %v", err)
	}
	if !reflect.DeepEqual(&back, a) {
		t.Errorf("JSON round trip changed the value:\n got %s\nwant %s", toJSON(t, &back), b)
	}
}

func TestLifeCycle(t *testing.T) {
	tests := map[byte]string{
		0x00: "no information", 0x01: "creation", 0x02: "RFU", 0x03: "initialisation",
		0x04: "operational (deactivated)", 0x05: "operational (activated)",
		0x06: "operational (deactivated)", 0x07: "operational (activated)",
		0x08: "RFU", 0x0C: "termination", 0x0F: "termination", 0x10: "proprietary", 0xFF: "proprietary",
	}
	for lcs, want := range tests {
		if got := LifeCycle(lcs); got != want {
			t.Errorf("LifeCycle(%02X) = %q, want %q", lcs, got, want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	in := mustHex(b, "3B 89 80 01 80 73 C0 21 C0 83 05 90 00 CC")
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}
