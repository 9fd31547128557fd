package vcard

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"omsdesk/cardio/policy"
)

// step is one command APDU and the answer it must get (hex; "…" prefix: suffix match).
type step struct{ cmd, want string }

func hexOf(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// cmdHex builds a short APDU with data (no Le).
func cmdHex(ins, p1, p2 byte, data []byte) string {
	s := fmt.Sprintf("00%02X%02X%02X", ins, p1, p2)
	if len(data) > 0 {
		s += fmt.Sprintf("%02X", len(data)) + hexOf(data)
	}
	return s
}

func pinHex(t testing.TB, pin string) []byte {
	b, err := PINBlock(pin)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func verifyCmd(t testing.TB, ref byte, pin string) string {
	return cmdHex(0x20, 0, ref, pinHex(t, pin))
}

func selName(name string) string { return cmdHex(0xA4, 0x04, 0x0C, []byte(name)) }
func selEF(fid uint16) string    { return cmdHex(0xA4, 0x02, 0x0C, []byte{byte(fid >> 8), byte(fid)}) }
func createDF(fid uint16, name string) string {
	return cmdHex(0xE0, 0, 0, encodeFCP(fileSpec{df: true, fid: fid, name: name}))
}
func createEF(fid uint16, size int) string {
	return cmdHex(0xE0, 0, 0, encodeFCP(fileSpec{fid: fid, size: size}))
}
func putPointer(fid uint16) string {
	return cmdHex(0xDA, 0x01, 0xB0, []byte{byte(fid >> 8), byte(fid)})
}

// writeFile is UPDATE BINARY of data in 255-byte chunks.
func writeFile(data []byte) []step {
	var out []step
	for off := 0; off < len(data); off += 255 {
		end := min(off+255, len(data))
		out = append(out, step{cmdHex(0xD6, byte(off>>8), byte(off), data[off:end]), "9000"})
	}
	return out
}

const (
	testHolderPIN = "2468"
	activate      = "00440000"
)

// personalisation is a complete issuance of p on a blank card with hand-written APDUs,
// in the order docs/card-profile.md describes: ending with ACTIVATE FILE on foms_root
// when activate is true.
func personalisation(t testing.TB, p *policy.Policy, withActivate bool) []step {
	owner, ins := p.Owner.Encode(), p.Insurer.Encode()
	s := []step{
		{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"},
		{createDF(FIDRoot, "foms_root"), "9000"},
		{createDF(FIDOwnerDF, "FOMS_ID"), "9000"},
		{createEF(0x0201, len(owner)), "9000"},
	}
	s = append(s, writeFile(owner)...)
	s = append(s,
		step{selName("foms_root"), "9000"},
		step{createDF(FIDInsurersDF, "FOMS_INS"), "9000"},
		step{createEF(0x0202, len(ins)+16), "9000"}, // room for an end date later
	)
	s = append(s, writeFile(ins)...)
	s = append(s,
		step{putPointer(0x0202), "9000"},
		step{cmdHex(0x24, 0x01, PINHolder, pinHex(t, testHolderPIN)), "9000"},
	)
	if withActivate {
		s = append(s, step{selName("foms_root"), "9000"}, step{activate, "9000"})
	}
	return s
}

// insurerChange moves an activated card to a new insurer from 2024-01-01: create the
// next EF, write the new record, point 01B0 at it, rewrite the previous record with its
// end date.
func insurerChange(t testing.TB, p *policy.Policy) ([]step, *policy.Insurer) {
	next := &policy.Insurer{OGRN: "1027739008440", OKATO: "46000", Start: policy.MakeDate(2024, 1, 1)}
	prev := *p.Insurer
	prev.End = policy.MakeDate(2023, 12, 31)
	rec := next.Encode()
	s := []step{
		{verifyCmd(t, PINIssuer, DefaultIssuerPIN), "9000"},
		{verifyCmd(t, PINHolder, testHolderPIN), "9000"},
		{selName("FOMS_INS"), "9000"},
		{createEF(0x0203, len(rec)+16), "9000"},
	}
	s = append(s, writeFile(rec)...)
	s = append(s, step{putPointer(0x0203), "9000"}, step{selEF(0x0202), "9000"})
	s = append(s, writeFile(prev.Encode())...)
	return s, next
}

func runSteps(t *testing.T, c *Card, steps []step) {
	t.Helper()
	for i, s := range steps {
		got := exchange(t, c, s.cmd)
		if rest, ok := strings.CutPrefix(s.want, "…"); ok {
			if !strings.HasSuffix(got, rest) {
				t.Fatalf("step %d: %s → %s, want …%s", i, s.cmd, got, rest)
			}
		} else if got != s.want {
			t.Fatalf("step %d: %s → %s, want %s", i, s.cmd, got, s.want)
		}
	}
}
