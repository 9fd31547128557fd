package vcard

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestProfileDocTranscript replays every ">>" command of docs/card-profile.md against
// one blank card, in order, and checks the "<<" answer after it: the profile's
// documentation cannot drift from the card.
func TestProfileDocTranscript(t *testing.T) {
	f, err := os.Open("../../docs/card-profile.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := NewBlank(BlankOptions{Serial: "12345678901234567890"})
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var cmd string
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, ">> "):
			if cmd != "" {
				t.Fatalf("line %d: command without an answer before it", line)
			}
			cmd = strings.ReplaceAll(text[3:], " ", "")
		case strings.HasPrefix(text, "<< "):
			if cmd == "" {
				t.Fatalf("line %d: answer without a command", line)
			}
			want := strings.ReplaceAll(text[3:], " ", "")
			if got := exchange(t, c, cmd); got != want {
				t.Errorf("line %d: %s → %s, documented %s", line, cmd, got, want)
			}
			cmd = ""
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d exchanges in the document", n)
	}
	if got := hexOf(BlankATR); !strings.Contains(docText(t), spaced(got)) {
		t.Errorf("BlankATR %s is not documented", spaced(got))
	}
	if got := hexOf(BlankExtendedATR); !strings.Contains(docText(t), spaced(got)) {
		t.Errorf("BlankExtendedATR %s is not documented", spaced(got))
	}
}

func docText(t *testing.T) string {
	b, err := os.ReadFile("../../docs/card-profile.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func spaced(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+2])
	}
	return b.String()
}
