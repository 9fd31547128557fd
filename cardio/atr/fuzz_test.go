package atr

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics and that what it returns is consistent: a
// structural error is a *ParseError wrapping a sentinel at a plausible offset, and a
// parsed ATR reassembles to its input, prints back to itself and survives JSON.
// Seeds: the f.Add calls below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		omsATR1,
		omsATR2,
		"3B 02 14 50",
		"3B 02 14 50 11",
		"3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4",
		"3F 65 25 00 2C 09 69 90 00",
		"3B 89 80 01 80 73 C0 21 C0 83 05 90 00 CC",
		"3B 89 80 01 00 12 64 3F 31 C0 05 90 00 25",
		"3B 80 80 1F C3 DC",
		"3B 90 95 11 81 95",
		"3B 82 80 01 10 8A 99",
		"3B F7 13 00 00 81",
		"3B",
	} {
		f.Add(mustHex(f, s))
	}
	sentinels := []error{ErrTooShort, ErrTooLong, ErrBadTS, ErrTruncated}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if a != nil || !errors.As(err, &pe) {
				t.Fatalf("Parse(% X) = %v, %v: want nil and a *ParseError", data, a, err)
			}
			if pe.Offset < 0 || pe.Offset > len(data) || pe.Offset > MaxLen {
				t.Fatalf("Parse(% X): offset %d out of range", data, pe.Offset)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("Parse(% X): error %v wraps no sentinel", data, err)
			}
			return
		}
		if !bytes.Equal(a.Raw, data) || len(data) > MaxLen {
			t.Fatalf("Raw % X differs from input % X", a.Raw, data)
		}
		// The decoded pieces, in order, are the input.
		re := []byte{a.TS, a.T0}
		for _, g := range a.Interface {
			for _, p := range []*byte{g.TA, g.TB, g.TC, g.TD} {
				if p != nil {
					re = append(re, *p)
				}
			}
		}
		re = append(re, a.Historical...)
		if a.TCK != nil {
			re = append(re, *a.TCK)
		}
		re = append(re, a.Extra...)
		if !bytes.Equal(re, data) {
			t.Fatalf("pieces % X do not reassemble input % X", re, data)
		}
		if len(a.Historical) != a.K || (!a.TCKRequired && (a.TCK != nil || !a.TCKValid)) {
			t.Fatalf("inconsistent: K %d historical %d TCK required %v present %v valid %v",
				a.K, len(a.Historical), a.TCKRequired, a.TCK != nil, a.TCKValid)
		}
		if a.ExtendedLength && (a.Capabilities == nil || a.Capabilities.Chaining == nil) {
			t.Fatalf("ExtendedLength without a third capabilities byte")
		}
		again, err := ParseHex(a.String())
		if err != nil || !reflect.DeepEqual(again, a) {
			t.Fatalf("ParseHex(String()) = %v, %v: differs", again, err)
		}
		js, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("marshalling: %v", err)
		}
		var back ATR
		if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(&back, a) {
			t.Fatalf("JSON round trip differs (%v):\n%s", err, js)
		}
	})
}
