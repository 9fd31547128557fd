package qr_test

import (
	"bytes"
	"errors"
	"testing"

	"omsdesk/layout/qr"
)

// RFC 9285 §4.3 examples, plus the edge values of both group sizes.
func TestBase45Vectors(t *testing.T) {
	tests := []struct {
		raw  []byte
		text string
	}{
		{[]byte("AB"), "BB8"},
		{[]byte("Hello!!"), "%69 VD92EX0"},
		{[]byte("base-45"), "UJCLQE7W581"},
		{[]byte("ietf!"), "QED8WEX0"},
		{nil, ""},
		{[]byte{0}, "00"},
		{[]byte{0xFF}, "U5"},
		{[]byte{0xFF, 0xFF}, "FGW"},
		{[]byte{0, 0}, "000"},
	}
	for _, tt := range tests {
		if got := qr.EncodeBase45(tt.raw); got != tt.text {
			t.Errorf("EncodeBase45(%q) = %q, want %q", tt.raw, got, tt.text)
		}
		got, err := qr.DecodeBase45(tt.text)
		if err != nil || !bytes.Equal(got, tt.raw) {
			t.Errorf("DecodeBase45(%q) = %q, %v; want %q", tt.text, got, err, tt.raw)
		}
	}
}

func TestBase45Invalid(t *testing.T) {
	for _, s := range []string{
		"GGW",  // 65536+: RFC 9285 §4.2
		"U6",   // 256 in a two-character group
		"BB8A", // lone last character
		"bb8",  // lower case is not in the alphabet
		"BB\n", // nor is a newline
		"A",
	} {
		if b, err := qr.DecodeBase45(s); !errors.Is(err, qr.ErrBase45) {
			t.Errorf("DecodeBase45(%q) = %q, %v; want ErrBase45", s, b, err)
		}
	}
}
