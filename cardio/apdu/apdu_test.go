package apdu

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCommandEncoding(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 300)
	tests := []struct {
		name string
		cmd  Command
		want string
	}{
		{"case 1", Command{CLA: 0x00, INS: 0xA4, P1: 0x04, P2: 0x0C}, "00A4040C"},
		{"case 2S", Command{INS: 0xB0, P1: 0x01, P2: 0x00, Ne: 16}, "00B0010010"},
		{"case 2S Ne 256", Command{INS: 0xB0, Ne: 256}, "00B0000000"},
		{"case 3S select FOMS_ID", Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: []byte("FOMS_ID")}, "00A4040C07464F4D535F4944"},
		{"case 4S", Command{INS: 0xA4, P1: 4, Data: []byte{1, 2}, Ne: 256}, "00A40400020102" + "00"},
		{"case 2E", Command{INS: 0xB0, Ne: 1000}, "00B00000" + "0003E8"},
		{"case 2E Ne 65536", Command{INS: 0xB0, Ne: 65536}, "00B00000" + "000000"},
		{"case 2E forced", Command{INS: 0xB0, Ne: 10, Extended: true}, "00B00000" + "00000A"},
		{"case 3E", Command{INS: 0xD6, Data: long}, "00D60000" + "00012C" + strings.Repeat("AB", 300)},
		{"case 4E", Command{INS: 0x2A, Data: long, Ne: 300}, "002A0000" + "00012C" + strings.Repeat("AB", 300) + "012C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Fatalf("Bytes() = % X, want % X", got, want)
			}
			back, err := ParseCommand(got)
			if err != nil {
				t.Fatalf("ParseCommand: %v", err)
			}
			if back.INS != tt.cmd.INS || back.P1 != tt.cmd.P1 || back.P2 != tt.cmd.P2 ||
				!bytes.Equal(back.Data, tt.cmd.Data) || back.Ne != tt.cmd.Ne || back.IsExtended() != tt.cmd.IsExtended() {
				t.Fatalf("round trip: got %+v, want %+v", back, tt.cmd)
			}
		})
	}
}

func TestCommandTooLong(t *testing.T) {
	if _, err := (Command{Data: make([]byte, 65536)}).Bytes(); !errors.Is(err, ErrTooLong) {
		t.Fatalf("65536 data bytes: err = %v, want ErrTooLong", err)
	}
	if _, err := (Command{Ne: 65537}).Bytes(); !errors.Is(err, ErrTooLong) {
		t.Fatalf("Ne 65537: err = %v, want ErrTooLong", err)
	}
}

func TestParseCommandRejects(t *testing.T) {
	for _, s := range []string{
		"", "00", "00A404",
		"00A4040C05010203",       // Lc 5, 3 bytes
		"00A4040C020102030405",   // Lc 2, 4 bytes after
		"00B0000000",             // fine: this one is case 2S, checked below
		"00B00000000000",         // extended, Lc 0 with trailing byte? len 3 -> case 2E ok
		"00D60000000002AA",       // 3E Lc 2, 1 byte
		"00D6000000000001AA0000", // 3E with Lc 0 (invalid: Lc must be non-zero)
	} {
		b := unhex(t, s)
		_, err := ParseCommand(b)
		valid := s == "00B0000000" || s == "00B00000000000"
		if valid && err != nil {
			t.Errorf("ParseCommand(%s) = %v, want success", s, err)
		}
		if !valid && !errors.Is(err, ErrMalformedCommand) {
			t.Errorf("ParseCommand(%s) = %v, want ErrMalformedCommand", s, err)
		}
	}
}

func TestStatusWordErrors(t *testing.T) {
	var err error = fmt.Errorf("selecting: %w", SW(0x6A, 0x82))
	if !errors.Is(err, ErrFileNotFound) {
		t.Fatal("6A82 is not ErrFileNotFound")
	}
	if errors.Is(err, ErrWrongP1P2) {
		t.Fatal("6A82 matched ErrWrongP1P2")
	}
	if !errors.Is(SW(0x6C, 0x10), ErrWrongLe) || !errors.Is(SW(0x63, 0xC2), ErrVerificationFailed) {
		t.Fatal("family sentinels do not match")
	}
	if errors.Is(SW(0x63, 0x00), ErrVerificationFailed) {
		t.Fatal("6300 matched the 63Cx family")
	}
	if n, ok := SW(0x63, 0xC2).RetriesLeft(); !ok || n != 2 {
		t.Fatalf("RetriesLeft = %d, %v", n, ok)
	}
	sw, ok := AsStatusWord(err)
	if !ok || sw != 0x6A82 {
		t.Fatalf("AsStatusWord = %04X %v", uint16(sw), ok)
	}
	if got := SW(0x6A, 0x82).Error(); got != "SW 6A82: file or application not found" {
		t.Fatalf("Error() = %q", got)
	}
	if got := SW(0x6C, 0x7F).Error(); !strings.Contains(got, "127") {
		t.Fatalf("6C7F message %q does not name the length", got)
	}
}

// script is a transport that answers from a list and records what it was sent.
type script struct {
	t       testing.TB
	answers []string
	sent    []string
}

func (s *script) Transmit(b []byte) ([]byte, error) {
	s.sent = append(s.sent, fmt.Sprintf("%X", b))
	if len(s.answers) == 0 {
		return nil, errors.New("script exhausted")
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return unhex(s.t, a), nil
}
func (s *script) BeginTransaction() error { return nil }
func (s *script) EndTransaction() error   { return nil }

func TestClientGetResponseChain(t *testing.T) {
	s := &script{t: t, answers: []string{"6104", "0102030461 02", "05069000"}}
	c := NewClient(s)
	r, err := c.Transmit(Command{INS: InsGetData, P1: 0x01, P2: 0xB0, Ne: 256})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Data, []byte{1, 2, 3, 4, 5, 6}) || !r.SW.OK() {
		t.Fatalf("got % X %v", r.Data, r.SW)
	}
	want := []string{"00CA01B000", "00C0000004", "00C0000002"}
	if fmt.Sprint(s.sent) != fmt.Sprint(want) || c.Sent != 3 {
		t.Fatalf("sent %v (%d), want %v", s.sent, c.Sent, want)
	}
}

func TestClientWrongLeResend(t *testing.T) {
	s := &script{t: t, answers: []string{"6C7F", strings.Repeat("AA", 127) + "9000"}}
	c := NewClient(s)
	data, sw, err := c.ReadBinary(0x0100, 256)
	if err != nil || !sw.OK() || len(data) != 127 {
		t.Fatalf("ReadBinary = %d bytes, %v, %v", len(data), sw, err)
	}
	if want := []string{"00B0010000", "00B001007F"}; fmt.Sprint(s.sent) != fmt.Sprint(want) {
		t.Fatalf("sent %v, want %v", s.sent, want)
	}
}

func TestClientReadBinaryOffsets(t *testing.T) {
	for _, off := range []int{0, 0xFF, 0x100, 0x1FE, 0x7FFF} {
		s := &script{t: t, answers: []string{"009000"}}
		if _, _, err := NewClient(s).ReadBinary(off, 1); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("00B0%02X%02X01", off>>8, off&0xFF)
		if s.sent[0] != want {
			t.Errorf("offset %d sent %s, want %s", off, s.sent[0], want)
		}
	}
	if _, _, err := NewClient(&script{t: t}).ReadBinary(0x8000, 1); !errors.Is(err, ErrTooLong) {
		t.Fatalf("offset 0x8000: %v", err)
	}
}

func TestClientHostileAnswers(t *testing.T) {
	endless := make([]string, 2000)
	for i := range endless {
		endless[i] = "AA61FF"
	}
	tests := []struct {
		name    string
		answers []string
		want    error
	}{
		{"empty answer", []string{""}, ErrMalformedResponse},
		{"one byte", []string{"90"}, ErrMalformedResponse},
		{"endless 61xx", endless, ErrGetResponseLoop},
		{"too much data", []string{strings.Repeat("00", 20) + "9000"}, ErrMalformedResponse},
		{"status word", []string{"6A82"}, ErrFileNotFound},
		{"6C twice", []string{"6C05", "6C04"}, ErrWrongLe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewClient(&script{t: t, answers: tt.answers}).ReadBinary(0, 10)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEndOfFileIsNotAnError(t *testing.T) {
	s := &script{t: t, answers: []string{"0102036282"}}
	data, sw, err := NewClient(s).ReadBinary(0, 256)
	if err != nil || sw != SWEndOfFile || len(data) != 3 {
		t.Fatalf("got %d bytes %v %v", len(data), sw, err)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"00A4040C07464F4D535F4944", "00B0000000", "00B00000000400", "00D6000000000101AA", "00CA01B002"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			return
		}
		enc, err := c.Bytes()
		if err != nil {
			t.Fatalf("parsed command does not encode: %v", err)
		}
		back, err := ParseCommand(enc)
		if err != nil || !bytes.Equal(back.Data, c.Data) || back.Ne != c.Ne {
			t.Fatalf("re-encoding % X -> % X does not round trip: %v", b, enc, err)
		}
	})
}
