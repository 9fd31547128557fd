package vcard

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
)

func TestBlankATRs(t *testing.T) {
	for _, tt := range []struct {
		name     string
		b        []byte
		extended bool
	}{{"BlankATR", BlankATR, false}, {"BlankExtendedATR", BlankExtendedATR, true}} {
		a, err := atr.Parse(tt.b)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !a.TCKValid || len(a.Extra) != 0 || a.T1 == nil || a.T1.IFSC != 254 || !reflect.DeepEqual(a.Protocols, []int{1}) {
			t.Errorf("%s: TCK valid %v, extra % X, T1 %+v, protocols %v", tt.name, a.TCKValid, a.Extra, a.T1, a.Protocols)
		}
		if !strings.Contains(a.HistoricalASCII, "OMSDESK1") || a.ExtendedLength != tt.extended {
			t.Errorf("%s: historical %q, extended length %v", tt.name, a.HistoricalASCII, a.ExtendedLength)
		}
	}
	if got := NewBlank(BlankOptions{ExtendedLength: true}).ATR(); !bytes.Equal(got, BlankExtendedATR) {
		t.Errorf("extended blank card ATR % X", got)
	}
}

func TestBlankOptions(t *testing.T) {
	for _, tt := range []struct {
		o    BlankOptions
		want error
	}{
		{BlankOptions{}, nil},
		{BlankOptions{Serial: "00000000000000000001", IssuerPIN: "0000", Capacity: 1000}, nil},
		{BlankOptions{Serial: "1234"}, ErrBadSerial},
		{BlankOptions{Serial: "1234567890123456789X"}, ErrBadSerial},
		{BlankOptions{IssuerPIN: "123"}, ErrBadPIN},
		{BlankOptions{IssuerPIN: "123456789"}, ErrBadPIN},
		{BlankOptions{IssuerPIN: "12a4"}, ErrBadPIN},
		{BlankOptions{Capacity: 100}, ErrBadCapacity},
		{BlankOptions{Capacity: 1 << 30}, ErrBadCapacity},
	} {
		if err := tt.o.Validate(); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("%+v: %v, want %v", tt.o, err, tt.want)
		}
	}
}

func TestSerial(t *testing.T) {
	c := NewBlank(BlankOptions{Serial: "89701230000000004217"})
	if got := c.Serial(); got != "89701230000000004217" {
		t.Errorf("Serial() = %q", got)
	}
	data, _ := c.FileData(FIDSerial)
	if !bytes.Equal(data, []byte{0x89, 0x70, 0x12, 0x30, 0, 0, 0, 0, 0x42, 0x17}) {
		t.Errorf("EF 2FE2 % X: want packed BCD, high nibble first", data)
	}
	a, b := SerialFromSeed("a"), SerialFromSeed("b")
	if a == b || a != SerialFromSeed("a") || !allDigits(a, SerialLen, SerialLen) {
		t.Errorf("SerialFromSeed: %q %q", a, b)
	}
	if NewBlank(BlankOptions{}).Serial() != SerialFromSeed("") {
		t.Error("default serial is not SerialFromSeed(\"\")")
	}
	if Default().Serial() != "" {
		t.Error("an official-like card has a serial")
	}
}

func TestMemoryExhaustion(t *testing.T) {
	c := NewBlank(BlankOptions{Capacity: 1000})
	if got := c.FreeMemory(); got != 1000-blankCost {
		t.Fatalf("free memory of a blank card: %d, want %d", got, 1000-blankCost)
	}
	free := 1000 - blankCost - DFCost // after foms_root
	runSteps(t, c, []step{
		{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"},
		{createDF(FIDRoot, "foms_root"), "9000"},
		{createEF(0x0201, free-EFOverhead+1), "6A84"},
		{createEF(0x0201, free-EFOverhead), "9000"},
		{createDF(0x5001, "X"), "6A84"},
		{"00A4000C023F00", "9000"},
		{"00A4010C025000", "9000"},
		{"00E40000020201", "9000"},
		{createDF(0x5001, "X"), "9000"},
	})
	if got := c.FreeMemory(); got != free-DFCost {
		t.Errorf("free memory %d, want %d", got, free-DFCost)
	}
}

func TestPowerLossForgetsPINs(t *testing.T) {
	for name, lose := range map[string]func(c *Card){
		"reset": (*Card).Reset, "power off": (*Card).PowerOff, "reinsert": (*Card).Reinsert,
	} {
		t.Run(name, func(t *testing.T) {
			c := cardIn(t, activated)
			runSteps(t, c, []step{{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"}, {verifyCmd(t, PINHolder, testHolderPIN), "9000"}, {verifyCmd(t, PINHolder, "0000"), "63C2"}})
			lose(c)
			runSteps(t, c, []step{{"00200001", "63C3"}, {"00200002", "63C2"}})
		})
	}
}

func TestLifecycleView(t *testing.T) {
	c := cardIn(t, personalised)
	for _, path := range [][]uint16{{}, {FIDSerial}, {FIDRoot}, {FIDRoot, FIDOwnerDF, 0x0201}, {FIDRoot, FIDInsurersDF, 0x0202}} {
		want := LCSCreation
		if len(path) < 2 {
			want = LCSActivated
			if len(path) == 1 && path[0] == FIDRoot {
				want = LCSCreation
			}
		}
		if got, ok := c.Lifecycle(path...); !ok || got != want {
			t.Errorf("Lifecycle(%04X) = %02X %v, want %02X", path, got, ok, want)
		}
	}
	runSteps(t, c, []step{{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"}, {selName("foms_root"), "9000"}, {activate, "9000"}})
	if got, _ := c.Lifecycle(FIDRoot, FIDInsurersDF, 0x0202); got != LCSActivated {
		t.Errorf("after ACTIVATE: %02X", got)
	}
	if _, ok := c.Lifecycle(0x1234); ok {
		t.Error("Lifecycle of a missing file")
	}
	if tries, set, ok := c.PINStatus(PINHolder); tries != PINTries || !set || !ok {
		t.Errorf("PINStatus(holder) = %d %v %v", tries, set, ok)
	}
}

// TestReadPersonalisedCard personalises a blank card with hand-written APDUs, activates
// it and reads it back with the official-card reading code; then changes the insurer
// with the holder's consent and reads the new one.
func TestReadPersonalisedCard(t *testing.T) {
	for _, ext := range []bool{false, true} {
		p := SamplePolicy(6000)
		c := NewBlank(BlankOptions{ExtendedLength: ext})
		if _, err := omscard.Read(c.Transport(), omscard.Options{}); !errors.Is(err, omscard.ErrNotOMSCard) {
			t.Fatalf("reading a blank card: %v, want ErrNotOMSCard", err)
		}
		runSteps(t, c, personalisation(t, p, true))
		res, err := omscard.Read(c.Transport(), omscard.Options{Extended: ext})
		if err != nil {
			t.Fatal(err)
		}
		p.InsurerFileID = 0x0202
		if !reflect.DeepEqual(res.Policy, p) {
			t.Fatalf("read back\n%+v\nwant\n%+v", res.Policy, p)
		}
		steps, next := insurerChange(t, p)
		c.Reset()
		runSteps(t, c, steps)
		res, err = omscard.Read(c.Transport(), omscard.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Policy.InsurerFileID != 0x0203 || !reflect.DeepEqual(res.Policy.Insurer, next) {
			t.Fatalf("after the insurer change: %04X %+v", res.Policy.InsurerFileID, res.Policy.Insurer)
		}
		prev, _ := c.FileData(FIDRoot, FIDInsurersDF, 0x0202)
		in, err := policy.DecodeInsurer(prev[:2+int(prev[1])])
		if err != nil || in.End != policy.MakeDate(2023, 12, 31) {
			t.Fatalf("previous record: %+v %v", in, err)
		}
	}
}

func TestTerminatedCardIsNotUsable(t *testing.T) {
	c := cardIn(t, activated)
	runSteps(t, c, []step{{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"}, {selName("foms_root"), "9000"}, {"00E60000", "9000"}})
	_, err := omscard.Read(c.Transport(), omscard.Options{})
	if !errors.Is(err, omscard.ErrNotOMSCard) || !errors.Is(err, apdu.ErrSelectedFileTerminated) {
		t.Fatalf("reading a terminated card: %v", err)
	}
}

// TestTearing cuts the power after each APDU of a personalisation followed by an
// insurer change: after Reinsert the card holds exactly the state the first k APDUs
// left, and has forgotten its verified PINs.
func TestTearing(t *testing.T) {
	p := SamplePolicy(600)
	script := personalisation(t, p, true)
	change, _ := insurerChange(t, p)
	script = append(script, change...)
	ref := NewBlank(BlankOptions{})
	var want [][]byte
	for _, s := range script {
		exchange(t, ref, s.cmd)
		snap, err := ref.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, snap)
	}
	for k := 1; k <= len(script); k++ {
		c := NewBlank(BlankOptions{Faults: Faults{TearAfter: k}})
		n := 0
		for _, s := range script {
			n++
			b, _ := ParseHex(s.cmd)
			if _, err := c.Transmit(b); errors.Is(err, ErrRemoved) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if n != k {
			t.Fatalf("TearAfter %d: power lost at APDU %d", k, n)
		}
		if _, err := c.Transmit([]byte{0, 0xA4, 0, 0x0C}); !errors.Is(err, ErrRemoved) {
			t.Fatalf("TearAfter %d: the card still answers: %v", k, err)
		}
		c.Reinsert()
		got, err := c.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[k-1]) {
			t.Fatalf("TearAfter %d: state differs from the state after %d APDUs", k, k)
		}
		if got := exchange(t, c, "00200001"); got != "63C3" {
			t.Fatalf("TearAfter %d: issuer PIN after reinsertion: %s", k, got)
		}
	}
}

func TestSetFaultsRearms(t *testing.T) {
	c := NewBlank(BlankOptions{Faults: Faults{TearAfter: 1}})
	if _, err := c.Transmit([]byte{0, 0xA4, 0, 0x0C}); !errors.Is(err, ErrRemoved) {
		t.Fatal("no tear")
	}
	c.Reinsert()
	for i := 0; i < 3; i++ {
		exchange(t, c, "00A4000C")
	}
	c.SetFaults(Faults{TearAfter: 2})
	exchange(t, c, "00A4000C")
	if _, err := c.Transmit([]byte{0, 0xA4, 0, 0x0C}); !errors.Is(err, ErrRemoved) {
		t.Fatal("SetFaults did not re-arm the tear")
	}
}

func TestSnapshotRestore(t *testing.T) {
	for name, c := range map[string]*Card{
		"blank": NewBlank(BlankOptions{}), "personalised": cardIn(t, personalised),
		"activated, holder PIN counter down": cardIn(t, activated), "official-like": Default(),
	} {
		t.Run(name, func(t *testing.T) {
			if c.profile {
				exchange(t, c, verifyCmd(t, PINHolder, "0000"))
			}
			snap, err := c.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			r, err := Restore(snap)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := r.Snapshot()
			if !bytes.Equal(snap, again) {
				t.Fatalf("round trip differs:\n%s\n%s", snap, again)
			}
			if _, err := omscard.Read(r.Transport(), omscard.Options{}); name != "blank" && err != nil {
				t.Fatalf("reading the restored card: %v", err)
			}
		})
	}
}

func TestRestoreRejects(t *testing.T) {
	good, _ := cardIn(t, activated).Snapshot()
	for _, tt := range []struct{ name, from, to string }{
		{"version", `"version": 1`, `"version": 2`},
		{"unknown field", `"version": 1`, `"version": 1, "x": 1`},
		{"atr", `"atr": "3bf8`, `"atr": "zz`},
		{"capacity", `"capacity": 32768`, `"capacity": 10`},
		{"pin", `"pin": "2468"`, `"pin": "24"`},
		{"tries", `"tries": 3`, `"tries": 9`},
		{"lcs", `"lcs": 5`, `"lcs": 7`},
		{"fid", `"fid": "5001"`, `"fid": "50G1"`},
		{"duplicate fid", `"fid": "5001"`, `"fid": "5002"`},
		{"duplicate name", `"name": "FOMS_ID"`, `"name": "FOMS_INS"`},
		{"root", `"fid": "3F00"`, `"fid": "3F01"`},
	} {
		bad := strings.Replace(string(good), tt.from, tt.to, 1)
		if bad == string(good) {
			t.Fatalf("%s: %q not in the snapshot", tt.name, tt.from)
		}
		if _, err := Restore([]byte(bad)); !errors.Is(err, ErrBadState) {
			t.Errorf("%s: %v, want ErrBadState", tt.name, err)
		}
	}
}

func TestExtendedUpdate(t *testing.T) {
	data := bytes.Repeat([]byte{0xA5}, 600)
	cmd := "00D60000" + "000258" + hexOf(data)
	for _, tt := range []struct {
		ext  bool
		want string
	}{{true, "9000"}, {false, "6700"}} {
		c := NewBlank(BlankOptions{ExtendedLength: tt.ext})
		runSteps(t, c, []step{
			{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"},
			{createDF(FIDRoot, "foms_root"), "9000"},
			{createEF(0x0101, 700), "9000"},
			{cmd, tt.want},
		})
		if got, _ := c.FileData(FIDRoot, 0x0101); tt.ext != bytes.Equal(got[:600], data) {
			t.Errorf("extended %v: file starts % X", tt.ext, got[:4])
		}
	}
}
