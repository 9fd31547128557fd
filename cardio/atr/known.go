package atr

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// SystemKnownListPath is where the pcsc-tools package installs its list of known ATRs.
const SystemKnownListPath = "/usr/share/pcsc/smartcard_list.txt"

// systemListPaths are tried in order by LoadSystemKnownList; a variable so tests can
// point it elsewhere.
var systemListPaths = []string{SystemKnownListPath, "/usr/local/share/pcsc/smartcard_list.txt"}

// maxListLine bounds one line of a known-ATR list (the real file's longest is under 200
// bytes); a longer line is an error rather than an unbounded allocation.
const maxListLine = 64 << 10

// KnownList is the list of known cards in the format of pcsc-tools' smartcard_list.txt.
// It is read-only after loading and safe for concurrent use.
type KnownList struct {
	entries  []KnownEntry
	problems []error
}

// KnownEntry is one entry of a [KnownList]: one or more ATR patterns sharing a
// description.
type KnownEntry struct {
	// Patterns are the ATR lines as written in the file: upper-case hex pairs separated by
	// spaces, '.' standing for any nibble, and other regular-expression syntax ("[12]",
	// ".*") as pcsc-tools' ATR_analysis interprets it.
	Patterns []string `json:"patterns"`
	// Description holds the description lines, without their leading tab.
	Description []string `json:"description"`
	res         []*regexp.Regexp
}

// LoadKnownList reads a known-ATR list: ATR pattern lines, each entry's description
// lines indented by a tab below them, '#' comments and blank lines between entries
// (description lines after a blank line continue the entry above, as the real list has).
// Patterns that are not valid regular expressions are skipped and reported by
// [KnownList.Problems]; only a read error fails the load.
func LoadKnownList(r io.Reader) (*KnownList, error) {
	l := &KnownList{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxListLine)
	var cur *KnownEntry
	last := -1 // index of the entry that a description after a blank line continues
	flush := func() {
		if cur != nil {
			l.entries = append(l.entries, *cur)
			last = len(l.entries) - 1
		}
		cur = nil
	}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case strings.HasPrefix(line, "#"):
			continue
		case line == "":
			flush()
		case line[0] == '\t' || line[0] == ' ':
			text := strings.TrimLeft(line, " \t")
			switch {
			case cur != nil:
				cur.Description = append(cur.Description, text)
			case last >= 0:
				// The real list has descriptions with a blank line inside.
				l.entries[last].Description = append(l.entries[last].Description, text)
			default:
				l.problems = append(l.problems, fmt.Errorf("line %d: description without ATR", n))
			}
		default:
			if cur != nil && len(cur.Description) > 0 {
				flush() // a new ATR line right after a description starts a new entry
			}
			// ATR_analysis matches with m/^$line$/i on "3B F7 13 …".
			re, err := regexp.Compile("(?i)^(?:" + line + ")$")
			if err != nil {
				l.problems = append(l.problems, fmt.Errorf("line %d: compiling ATR pattern %q: %w", n, line, err))
				if cur == nil {
					last = -1 // its description lines belong to no entry
				}
				continue
			}
			if cur == nil {
				cur = &KnownEntry{}
			}
			cur.Patterns = append(cur.Patterns, line)
			cur.res = append(cur.res, re)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading known ATR list: %w", err)
	}
	return l, nil
}

// LoadSystemKnownList loads the list installed by pcsc-tools
// ([SystemKnownListPath], then /usr/local/share/pcsc/smartcard_list.txt). When no list is
// installed the error wraps fs.ErrNotExist: callers should carry on without names.
func LoadSystemKnownList() (*KnownList, error) {
	for _, p := range systemListPaths {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("opening known ATR list: %w", err)
		}
		defer f.Close()
		return LoadKnownList(f)
	}
	return nil, fmt.Errorf("opening known ATR list: none of %s: %w", strings.Join(systemListPaths, ", "), fs.ErrNotExist)
}

// Len returns the number of entries.
func (l *KnownList) Len() int { return len(l.entries) }

// Problems returns the lines that were skipped while loading, one error each.
func (l *KnownList) Problems() []error { return l.problems }

// MatchEntries returns every entry with a pattern matching atr.
func (l *KnownList) MatchEntries(atr []byte) []KnownEntry {
	s := Hex(atr).String()
	var out []KnownEntry
	for _, e := range l.entries {
		for _, re := range e.res {
			if re.MatchString(s) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// Match returns the description of every entry matching atr, one string per entry with
// its description lines joined by "\n".
func (l *KnownList) Match(atr []byte) []string {
	var out []string
	for _, e := range l.MatchEntries(atr) {
		out = append(out, strings.Join(e.Description, "\n"))
	}
	return out
}
