package trace

import (
	"bytes"
	"strings"
	"testing"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/vcard"
)

func TestRecorderRedactsPersonalData(t *testing.T) {
	card := vcard.Default()
	rec := New(card.Transport(), nil)
	res, err := omscard.Read(rec, omscard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ex := rec.Exchanges()
	if len(ex) != res.APDUs {
		t.Fatalf("recorded %d exchanges, the read sent %d", len(ex), res.APDUs)
	}
	var full, red bytes.Buffer
	if err := WriteText(&full, ex, true); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&red, ex, false); err != nil {
		t.Fatal(err)
	}
	enpHex := strings.ToUpper(strings.Join(strings.Fields(spaced([]byte("5001234567890127"))), " "))
	if !strings.Contains(full.String(), enpHex) {
		t.Fatal("the full trace does not contain the ENP bytes")
	}
	if strings.Contains(red.String(), enpHex) || strings.Contains(red.String(), spaced([]byte("ИВАНОВ"))) {
		t.Fatalf("redacted trace shows personal data:\n%s", red.String())
	}
	if !strings.Contains(red.String(), "bytes redacted") || !strings.Contains(red.String(), "66 6F 6D 73 5F 72 6F 6F 74") {
		t.Fatalf("redacted trace lost what a technician needs:\n%s", red.String())
	}
	// The insurer pointer is a file ID, not personal data: it stays visible.
	if !strings.Contains(red.String(), "02 02 90 00") {
		t.Fatalf("redacted trace hides the insurer pointer:\n%s", red.String())
	}
}

func TestRedactPIN(t *testing.T) {
	e := Redact(Exchange{Command: []byte{0x00, 0x20, 0x00, 0x81, 0x04, '1', '2', '3', '4'}, Response: []byte{0x90, 0x00}})
	if !bytes.Equal(e.Command, []byte{0x00, 0x20, 0x00, 0x81, 0x04, 0, 0, 0, 0}) {
		t.Fatalf("VERIFY not redacted: % X", e.Command)
	}
	e = Redact(Exchange{Command: []byte{0x00, 0xDA, 0x01, 0xB0, 0x02, 0x02, 0x03, 0x00}, Response: []byte{0x90, 0x00}})
	if !bytes.Equal(e.Command, []byte{0x00, 0xDA, 0x01, 0xB0, 0x02, 0, 0, 0x00}) {
		t.Fatalf("PUT DATA with Le not redacted correctly: % X", e.Command)
	}
}

func spaced(b []byte) string {
	var s []string
	for _, x := range b {
		s = append(s, strings.ToUpper(string("0123456789abcdef"[x>>4])+string("0123456789abcdef"[x&15])))
	}
	return strings.Join(s, " ")
}
