package registry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzVerifyExport feeds hostile export files to the verifier: it must never panic,
// must either refuse the input as ErrBadExport or report on it, and never report more
// entries than the input has lines.
func FuzzVerifyExport(f *testing.F) {
	for _, name := range []string{"export.jsonl.golden", "export.csv.golden"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("ok"), []byte("ko")))
	}
	f.Add([]byte(`{"seq":-9223372036854775808,"at":"x"}` + "\n" + `{"seq":9223372036854775807}`))
	f.Add([]byte("seq,at,actor,workstation,reader,card_serial,enp,step,result,detail,prev_hash,hash\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		anchor := &Anchor{Seq: 2}
		r, err := VerifyExport(bytes.NewReader(data), anchor)
		if err != nil {
			if !errors.Is(err, ErrBadExport) {
				t.Fatalf("error not wrapping ErrBadExport: %v", err)
			}
			return
		}
		if lines := int64(bytes.Count(data, []byte("\n")) + 1); r.Entries > lines {
			t.Fatalf("%d entries from %d lines", r.Entries, lines)
		}
		for _, p := range r.Problems {
			_ = p.String()
		}
	})
}

// FuzzParseAnchor: anything that parses prints back to an equivalent anchor.
func FuzzParseAnchor(f *testing.F) {
	f.Add("42:" + strings.Repeat("ab", 32))
	f.Add("1:" + strings.Repeat("0", 64))
	f.Add("x:y")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAnchor(s)
		if err != nil {
			if !errors.Is(err, ErrBadAnchor) {
				t.Fatalf("error not wrapping ErrBadAnchor: %v", err)
			}
			return
		}
		b, err := ParseAnchor(a.String())
		if err != nil || b != a {
			t.Fatalf("round trip of %q: %v, %v", s, b, err)
		}
	})
}
