package vcard

import (
	"bytes"
	"encoding/hex"
	"image/jpeg"
	"os"
	"strings"
	"testing"
)

func exchange(t *testing.T, c *Card, cmd string) string {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(cmd, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Transmit(b)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ToUpper(hex.EncodeToString(resp))
}

// TestStatusWords runs command sequences against the default card and checks each
// answer's status word (ISO/IEC 7816-4 §5.1.3) and, where it matters, its data.
func TestStatusWords(t *testing.T) {
	tests := []struct {
		name  string
		steps [][2]string // command, expected answer (suffix match when it starts with "…")
	}{
		{"select by name, with and without FCI", [][2]string{
			{"00A4040C09666F6D735F726F6F74", "9000"},
			{"00A4040007464F4D535F494400", "6F10" + "820138" + "83025001" + "8407464F4D535F4944" + "9000"},
			{"00A4000C023F00", "9000"},
		}},
		{"select EF with FCI gives its size", [][2]string{
			{"00A4040C07464F4D535F4944", "9000"},
			{"00A40200020201" + "00", "6F0B" + "820101" + "800217FF" + "83020201" + "9000"},
		}},
		{"wrong Le for FCI", [][2]string{{"00A4040007464F4D535F494405", "6C12"}}},
		{"unknown DF", [][2]string{{"00A4040C0548454C4C4F", "6A82"}}},
		{"truncated DF name selects by prefix", [][2]string{{"00A4040C07464F4D535F494E53", "9000"}, {"00CA01B002", "02029000"}}},
		{"bad P2", [][2]string{{"00A4040807464F4D535F4944", "6A86"}}},
		{"bad P1", [][2]string{{"00A4090C020201", "6A86"}}},
		{"EF not in current DF", [][2]string{{"00A4020C020201", "6A82"}}},
		{"read without current EF", [][2]string{{"00B0000010", "6986"}}},
		{"read past the end", [][2]string{{"00A4040C07464F4D535F4944", "9000"}, {"00A4020C020201", "9000"}, {"00B07F0001", "6B00"}}},
		{"read without Le", [][2]string{{"00A4040C07464F4D535F4944", "9000"}, {"00A4020C020201", "9000"}, {"00B00000", "6700"}}},
		{"read by short EF identifier", [][2]string{{"00A4040C07464F4D535F4944", "9000"}, {"00B0810002", "62829000"}}},
		{"GET DATA outside FOMS_INS", [][2]string{{"00CA01B002", "6A88"}}},
		{"GET DATA with short Le", [][2]string{{"00A4040C08464F4D535F494E53", "9000"}, {"00CA01B001", "6C02"}}},
		{"GET RESPONSE with nothing pending", [][2]string{{"00C0000010", "6985"}}},
		{"unknown instruction", [][2]string{{"00200081", "6D00"}}},
		{"proprietary class", [][2]string{{"80A4040C07464F4D535F4944", "6E00"}}},
		{"secure messaging", [][2]string{{"0CA4040C07464F4D535F4944", "6882"}}},
		{"logical channel", [][2]string{{"01A4040C07464F4D535F4944", "6881"}}},
		{"malformed length", [][2]string{{"00A4040C0746", "6700"}}},
		{"extended APDU refused", [][2]string{{"00B00000000100", "6700"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			for _, s := range tt.steps {
				got := exchange(t, c, s[0])
				want := s[1]
				if rest, ok := strings.CutPrefix(want, "…"); ok {
					if !strings.HasSuffix(got, rest) {
						t.Fatalf("%s → %s, want …%s", s[0], got, rest)
					}
				} else if got != want {
					t.Fatalf("%s → %s, want %s", s[0], got, want)
				}
			}
		})
	}
}

func TestResetForgetsCurrentFile(t *testing.T) {
	c := Default()
	exchange(t, c, "00A4040C07464F4D535F4944")
	exchange(t, c, "00A4020C020201")
	if got := exchange(t, c, "00B0000002"); got != "62829000" {
		t.Fatalf("read before reset: %s", got)
	}
	c.Reset()
	if got := exchange(t, c, "00B0000002"); got != "6986" {
		t.Fatalf("read after reset: %s, want 6986", got)
	}
}

func TestT0FaultChainsGetResponse(t *testing.T) {
	l, _ := ParseFixture(DefaultFixture(), ".")
	l.Faults.T0 = true
	c := New(l)
	exchange(t, c, "00A4040C07464F4D535F4944")
	exchange(t, c, "00A4020C020201")
	if got := exchange(t, c, "00B0000000"); got != "6100" {
		t.Fatalf("READ BINARY in T=0 mode: %s, want 6100", got)
	}
	got := exchange(t, c, "00C0000010")
	if len(got) != 2*16+4 || !strings.HasSuffix(got, "61F0") {
		t.Fatalf("first GET RESPONSE: %s", got)
	}
	if got := exchange(t, c, "00C00000F0"); !strings.HasSuffix(got, "9000") || len(got) != 2*240+4 {
		t.Fatalf("second GET RESPONSE: %d chars %s", len(got), got[len(got)-4:])
	}
	if got := exchange(t, c, "00C0000010"); got != "6985" {
		t.Fatalf("third GET RESPONSE: %s", got)
	}
}

func TestRemoveAfter(t *testing.T) {
	l, _ := ParseFixture(DefaultFixture(), ".")
	l.Faults.RemoveAfter = 2
	c := New(l)
	exchange(t, c, "00A4040C07464F4D535F4944")
	exchange(t, c, "00A4020C020201")
	if _, err := c.Transmit([]byte{0, 0xB0, 0, 0, 0}); err != ErrRemoved {
		t.Fatalf("third APDU: %v, want ErrRemoved", err)
	}
}

func TestSyntheticPhoto(t *testing.T) {
	for _, size := range []int{1, 3000, 10240, 70000} {
		p := SyntheticPhoto(size)
		if size > 3000 && len(p) != size {
			t.Errorf("SyntheticPhoto(%d) is %d bytes", size, len(p))
		}
		if _, err := jpeg.Decode(bytes.NewReader(p)); err != nil {
			t.Errorf("SyntheticPhoto(%d) does not decode: %v", size, err)
		}
	}
	if !bytes.Equal(SyntheticPhoto(5000), SyntheticPhoto(5000)) {
		t.Error("SyntheticPhoto is not deterministic")
	}
}

func TestFixtureErrors(t *testing.T) {
	for _, js := range []string{
		`{}`,
		`{"policy":{"enp":"1"},"unknown_key":1}`,
		`{"atr":"zz","policy":{}}`,
		`{"owner_hex":"62"+"0"}`,
		`{"insurer_files":[{"fid":"xyz","hex":"6400"}],"owner_hex":"6200"}`,
		`{"policy":{"sex":"maybe"}}`,
		`{"policy":{"birth_date":"1985-02-30"}}`,
		`{"owner_file":"does-not-exist.bin"}`,
	} {
		if _, err := ParseFixture([]byte(js), t.TempDir()); err == nil {
			t.Errorf("fixture %s accepted", js)
		}
	}
}

func TestRawFileFormats(t *testing.T) {
	dir := t.TempDir()
	raw := []byte{0x62, 0x03, 0x5F, 0x25, 0x01}
	write := func(name string, b []byte) string {
		p := dir + "/" + name
		if err := osWriteFile(p, b); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, content := range map[string][]byte{
		"bin": raw, "hex": []byte("62 03 5F\n25 01\n"), "colons": []byte("62:03:5f:25:01"),
		"c array": []byte("0x62, 0x03, 0x5F,\n0x25, 0x01"),
	} {
		got, err := ReadRawFile(write(name, content))
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("%s: % X %v", name, got, err)
		}
	}
}

func osWriteFile(p string, b []byte) error { return os.WriteFile(p, b, 0o600) }

// FuzzTransmit sends arbitrary command sequences (each APDU prefixed by its length
// byte) to a card in every fault mode: the card must answer each with at least a status
// word and never panic, whatever a PC/SC client sends.
func FuzzTransmit(f *testing.F) {
	f.Add([]byte("\x0e\x00\xa4\x04\x0c\x09foms_root\x0c\x00\xa4\x04\x0c\x07FOMS_ID\x07\x00\xa4\x02\x0c\x02\x02\x01\x05\x00\xb0\x00\x00\x00"), byte(0))
	f.Add([]byte("\x0d\x00\xa4\x04\x0c\x08FOMS_INS\x05\x00\xca\x01\xb0\x02\x05\x00\xc0\x00\x00\x10"), byte(1))
	f.Add([]byte("\x07\x00\xb0\x00\x00\x00\x01\x00"), byte(2))
	f.Fuzz(func(t *testing.T, script []byte, mode byte) {
		l, _ := ParseFixture(DefaultFixture(), ".")
		l.Faults.T0 = mode&1 != 0
		l.Faults.WrongLe = mode&2 != 0
		l.ExtendedLength = mode&4 != 0
		l.NoRootDF = mode&8 != 0
		c := New(l)
		for len(script) > 0 {
			n := min(int(script[0]), len(script)-1)
			cmd := script[1 : 1+n]
			script = script[1+n:]
			resp, err := c.Transmit(cmd)
			if err != nil || len(resp) < 2 {
				t.Fatalf("% X → % X, %v", cmd, resp, err)
			}
		}
	})
}
