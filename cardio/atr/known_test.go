package atr

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// sampleList is a small list in the smartcard_list.txt format, with the oddities the
// loader must cope with.
const sampleList = `#
# smartcard_list.txt sample
#

3B 02 14 50
	Schlumberger Multiflex 3k

3B 02 14 50 11
	Maste visa card (Bank)

3B D9 11 00 81 31 FE 8D 00 00 46 4F 4D 53 31 2E 31 32
	TFOMS (eID)
	http://www.samtfoms.ru

3B F7 13 00 00 81 31 FE 45 .. .. .. .. .. .. .. ..
3B F8 13 00 00 81 31 FE 45 .. .. .. .. .. .. .. .. ..
	Some JavaCard family (made-up entry sharing one description)

3B F7 13 00 00 81 31 FE 45 46 4F 4D 53 4F 4D 53 A9
	Health card Russian Federation

	More information after a blank line

3F 65 25 00 2[2C] 09 [F6]9 90 00
	Inverse convention card (character classes)

3B EF 00 FF 81 31 42 45 .* 38
	Anything between 45 and 38

3B [ broken pattern
	description of a broken pattern
	second line
3b 00 aa	
	lower case pattern with trailing tab
3B 00 BB` + "\r" + `
	CRLF line` + "\r" + `
`

func TestLoadKnownListMatch(t *testing.T) {
	l, err := LoadKnownList(strings.NewReader(sampleList))
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 9 {
		t.Errorf("Len() = %d, want 9", l.Len())
	}
	// One problem for the broken pattern, two for its orphaned description lines.
	if p := l.Problems(); len(p) != 3 || !strings.Contains(p[0].Error(), "line 30:") {
		t.Errorf("Problems() = %v, want 3 starting at line 30", p)
	}
	tests := []struct {
		atr  string
		want []string
	}{
		{"3B 02 14 50", []string{"Schlumberger Multiflex 3k"}},
		{"3B 02 14 50 11", []string{"Maste visa card (Bank)"}},
		{"3B 02 14", nil},
		{omsATR2, []string{"TFOMS (eID)\nhttp://www.samtfoms.ru"}},
		{omsATR1, []string{"Some JavaCard family (made-up entry sharing one description)", "Health card Russian Federation\nMore information after a blank line"}},
		{"3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", nil}, // 15 is not 45
		{"3B F8 13 00 00 81 31 FE 45 59 75 62 69 6B 65 79 34 D4", []string{"Some JavaCard family (made-up entry sharing one description)"}},
		{"3F 65 25 00 2C 09 69 90 00", []string{"Inverse convention card (character classes)"}},
		{"3F 65 25 00 22 09 F9 90 00", []string{"Inverse convention card (character classes)"}},
		{"3F 65 25 00 23 09 F9 90 00", nil},
		{"3B EF 00 FF 81 31 42 45 01 02 03 38", []string{"Anything between 45 and 38"}},
		{"3B EF 00 FF 81 31 42 45 01 02 03 39", nil},
		{"3B 00 AA", []string{"lower case pattern with trailing tab"}},
		{"3B 00 BB", []string{"CRLF line"}},
	}
	for _, tt := range tests {
		got := l.Match(mustHex(t, tt.atr))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Match(%s) = %q, want %q", tt.atr, got, tt.want)
		}
	}
	e := l.MatchEntries(mustHex(t, "3B F8 13 00 00 81 31 FE 45 59 75 62 69 6B 65 79 34 D4"))
	if len(e) != 1 || len(e[0].Patterns) != 2 {
		t.Errorf("MatchEntries = %+v, want one entry with two patterns", e)
	}
}

func TestLoadKnownListLongLine(t *testing.T) {
	_, err := LoadKnownList(strings.NewReader("3B " + strings.Repeat("00 ", maxListLine)))
	if err == nil {
		t.Fatal("a line longer than the limit loaded without error")
	}
}

func TestLoadSystemKnownListAbsent(t *testing.T) {
	saved := systemListPaths
	t.Cleanup(func() { systemListPaths = saved })
	systemListPaths = []string{filepath.Join(t.TempDir(), "smartcard_list.txt")}
	l, err := LoadSystemKnownList()
	if l != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadSystemKnownList() = %v, %v; want nil and fs.ErrNotExist", l, err)
	}
}

// instance turns a known-list pattern into one concrete ATR it matches: '.' nibbles
// become 0, a character class becomes its first member, ".*" becomes one 00 byte.
func instance(pattern string) string {
	p := strings.ReplaceAll(pattern, ".*", " 00")
	p = regexp.MustCompile(`\[(.)[^\]]*\]`).ReplaceAllString(p, "$1")
	return strings.ReplaceAll(p, ".", "0")
}

// TestSystemKnownList parses an instance of every ATR of the installed pcsc-tools list:
// Parse must never panic, and every entry's own pattern must match its instance.
func TestSystemKnownList(t *testing.T) {
	if _, err := os.Stat(SystemKnownListPath); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not installed (package pcsc-tools)", SystemKnownListPath)
	}
	l, err := LoadSystemKnownList()
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() < 1000 {
		t.Errorf("only %d entries loaded", l.Len())
	}
	for _, p := range l.Problems() {
		t.Logf("skipped: %v", p)
	}
	var total, hexErrs, parseErrs, badTCK int
	errKinds := map[string]int{}
	for _, e := range l.entries {
		for i, pat := range e.Patterns {
			total++
			b, err := DecodeHex(instance(pat))
			if err != nil {
				hexErrs++
				t.Logf("pattern %q: %v", pat, err)
				continue
			}
			if s := Hex(b).String(); !e.res[i].MatchString(s) {
				t.Errorf("pattern %q does not match its own instance %q", pat, s)
			}
			a, err := Parse(b)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Errorf("Parse(%s): error %v is not a *ParseError", Hex(b), err)
				} else {
					errKinds[pe.Err.Error()]++
				}
				parseErrs++
				continue
			}
			if a.TCK != nil && !a.TCKValid && !strings.Contains(pat, ".") {
				badTCK++
			}
		}
	}
	t.Logf("%d patterns: %d not hex, %d structural errors %v, %d fixed ATRs with a wrong TCK",
		total, hexErrs, parseErrs, errKinds, badTCK)
	if parseErrs > total/10 {
		t.Errorf("%d of %d list ATRs failed to parse: the parser is too strict", parseErrs, total)
	}

	for atr, want := range map[string]string{omsATR1: "Health card Russian Federation", omsATR2: "TFOMS (eID)"} {
		if got := l.Match(mustHex(t, atr)); len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("Match(%s) = %q, want it to contain %q", atr, got, want)
		}
	}
}

func BenchmarkMatchSystemList(b *testing.B) {
	l, err := LoadSystemKnownList()
	if err != nil {
		b.Skip(err)
	}
	atr := mustHex(b, omsATR1)
	for b.Loop() {
		l.Match(atr)
	}
}
