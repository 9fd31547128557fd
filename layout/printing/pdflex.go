package printing

import (
	"errors"
	"strconv"
)

// This file is a small reader of PDF object syntax (ISO 32000-1 §7.2–7.3), just enough
// to find the keys of a dictionary and where each value starts and ends. It reads
// hostile input: every read is bounds checked and nesting is limited.

// maxDepth bounds the nesting of arrays and dictionaries.
const maxDepth = 64

var errSyntax = errors.New("PDF syntax")

type lexer struct {
	b   []byte
	pos int
}

// entry is one key of a dictionary and where its value lies in the buffer.
type entry struct {
	key              string
	valStart, valEnd int
}

// dict is a parsed dictionary: its extent ("<<" to ">>" inclusive) and entries.
type dict struct {
	src        []byte
	start, end int
	entries    []entry
}

func (d *dict) entry(key string) (entry, bool) {
	for _, e := range d.entries {
		if e.key == key {
			return e, true
		}
	}
	return entry{}, false
}

func (d *dict) get(key string) (string, bool) {
	e, ok := d.entry(key)
	if !ok {
		return "", false
	}
	return string(d.src[e.valStart:e.valEnd]), true
}

func (d *dict) int(key string) (int, error) {
	v, ok := d.get(key)
	if !ok {
		return 0, errSyntax
	}
	return strconv.Atoi(v)
}

// ref reads a value "num gen R".
func (d *dict) ref(key string) (num, gen int, err error) {
	e, ok := d.entry(key)
	if !ok {
		return 0, 0, errSyntax
	}
	lx := &lexer{b: d.src[:e.valEnd], pos: e.valStart}
	n, ok1 := lx.integer()
	g, ok2 := lx.integer()
	lx.space()
	if !ok1 || !ok2 || lx.pos >= len(lx.b) || lx.b[lx.pos] != 'R' || n <= 0 || g < 0 {
		return 0, 0, errSyntax
	}
	return n, g, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// space skips white space and comments.
func (l *lexer) space() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// integer reads an unsigned integer token.
func (l *lexer) integer() (int, bool) {
	l.space()
	start := l.pos
	for l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '9' && l.pos-start < 12 {
		l.pos++
	}
	if l.pos == start || (l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos])) {
		return 0, false
	}
	n, err := strconv.Atoi(string(l.b[start:l.pos]))
	return n, err == nil
}

func (l *lexer) peek(s string) bool {
	return l.pos+len(s) <= len(l.b) && string(l.b[l.pos:l.pos+len(s)]) == s
}

// dict reads a dictionary at the current position.
func (l *lexer) dict() (*dict, error) {
	l.space()
	d := &dict{src: l.b, start: l.pos}
	if !l.peek("<<") {
		return nil, errSyntax
	}
	if err := l.dictBody(d, 1); err != nil {
		return nil, err
	}
	d.end = l.pos
	return d, nil
}

// dictBody reads from "<<" to ">>", recording top-level entries in d when d is not nil.
func (l *lexer) dictBody(d *dict, depth int) error {
	l.pos += 2
	for {
		l.space()
		if l.pos >= len(l.b) {
			return errSyntax
		}
		if l.peek(">>") {
			l.pos += 2
			return nil
		}
		if l.b[l.pos] != '/' {
			return errSyntax
		}
		kstart := l.pos
		l.name()
		key := string(l.b[kstart+1 : l.pos])
		l.space()
		vstart := l.pos
		if err := l.value(depth); err != nil {
			return err
		}
		vend := l.pos
		// "num gen R" is three tokens; value read only the first.
		save := l.pos
		if _, ok := l.integer(); ok {
			l.space()
			if l.pos < len(l.b) && l.b[l.pos] == 'R' {
				l.pos++
				vend = l.pos
			} else {
				l.pos = save
			}
		} else {
			l.pos = save
		}
		if d != nil {
			d.entries = append(d.entries, entry{key: key, valStart: vstart, valEnd: vend})
		}
	}
}

// name skips a name token ("/Type").
func (l *lexer) name() {
	l.pos++
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
}

// value skips one object.
func (l *lexer) value(depth int) error {
	if depth > maxDepth {
		return errSyntax
	}
	l.space()
	if l.pos >= len(l.b) {
		return errSyntax
	}
	switch c := l.b[l.pos]; {
	case l.peek("<<"):
		return l.dictBody(nil, depth+1)
	case c == '<':
		for l.pos++; l.pos < len(l.b) && l.b[l.pos] != '>'; l.pos++ {
		}
		if l.pos >= len(l.b) {
			return errSyntax
		}
		l.pos++
	case c == '(':
		return l.str()
	case c == '[':
		l.pos++
		for {
			l.space()
			if l.pos >= len(l.b) {
				return errSyntax
			}
			if l.b[l.pos] == ']' {
				l.pos++
				return nil
			}
			if err := l.value(depth + 1); err != nil {
				return err
			}
		}
	case c == '/':
		l.name()
	case isDelim(c):
		return errSyntax
	default: // number, boolean, null, or the R of a reference
		start := l.pos
		for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
			l.pos++
		}
		if l.pos == start {
			return errSyntax
		}
	}
	return nil
}

// str skips a literal string: balanced parentheses, backslash escapes.
func (l *lexer) str() error {
	n := 0
	for ; l.pos < len(l.b); l.pos++ {
		switch l.b[l.pos] {
		case '\\':
			l.pos++
		case '(':
			n++
		case ')':
			n--
			if n == 0 {
				l.pos++
				return nil
			}
		}
	}
	return errSyntax
}
