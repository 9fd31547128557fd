package qr

import (
	"bytes"
	"testing"
)

// FuzzParse feeds hostile texts to Parse and Verify: neither may panic, and a text that
// parses has exactly one reading — its fields re-encode to the very bytes read.
// Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	p := goldenPayload()
	body := encodeBody(&p)
	f.Add(Prefix + EncodeBase45(append(body, make([]byte, trailerSize)...)))
	f.Add("https://example.org/")
	trust := NewTrust()
	f.Fuzz(func(t *testing.T, text string) {
		got, err := Parse(text)
		res := Verify(text, trust)
		if res.Verdict == Valid {
			t.Fatalf("valid with an empty trust store: %+v", res)
		}
		if err != nil {
			return
		}
		rec, err := splitText(text)
		if err != nil {
			t.Fatalf("Parse accepted what splitText refuses: %v", err)
		}
		if again := encodeBody(&got); !bytes.Equal(again, rec.body) {
			t.Fatalf("two readings: body % X re-encodes to % X", rec.body, again)
		}
		if res.Payload == nil || *res.Payload != got {
			t.Fatalf("Verify's payload %+v differs from Parse's %+v", res.Payload, got)
		}
	})
}

// FuzzDecodeBase45 checks that Base45 decoding is strict: whatever decodes encodes back
// to the same text. Seeds: testdata/fuzz/FuzzDecodeBase45.
func FuzzDecodeBase45(f *testing.F) {
	f.Add("%69 VD92EX0")
	f.Add("GGW")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeBase45(s)
		if err != nil {
			return
		}
		if again := EncodeBase45(b); again != s {
			t.Fatalf("DecodeBase45(%q) = % X, which encodes to %q", s, b, again)
		}
	})
}
