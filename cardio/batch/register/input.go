package register

// Input hygiene before CSV parsing: size limit, byte-order marks, UTF-8 validity (with
// a guess at the encoding when it fails) and the delimiter.

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// readLimited reads all of r, failing with a *LimitError as soon as it holds more than
// max bytes, so that a huge or endless input never fills memory.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading register: %w", err)
	}
	if int64(len(data)) > max {
		return nil, &LimitError{Limit: LimitBytes, Max: max}
	}
	return data, nil
}

// cleanInput strips a UTF-8 byte-order mark, checks that the rest is UTF-8 and not
// blank, and turns CR-only line ends into LF. Line numbers are unchanged.
func cleanInput(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return nil, &EncodingError{Line: 1, Guess: EncodingUTF16LE}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, &EncodingError{Line: 1, Guess: EncodingUTF16BE}
	}
	skipped := 0
	for bytes.HasPrefix(data, bomUTF8) { // a file saved twice by a careless tool has two
		data, skipped = data[len(bomUTF8):], skipped+len(bomUTF8)
	}
	if !utf8.Valid(data) {
		off := firstInvalid(data)
		eol := byte('\n')
		if bytes.IndexByte(data, '\n') < 0 {
			eol = '\r' // CR-only line ends, as below
		}
		return nil, &EncodingError{
			Line:   1 + bytes.Count(data[:off], []byte{eol}),
			Offset: int64(off + skipped),
			Guess:  guessEncoding(data),
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	// Classic Mac OS line ends (Excel's "CSV (Macintosh)"): a lone CR ends a line.
	// encoding/csv would take the whole file for one record.
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
	}
	// UTF-16 without a byte-order mark is valid UTF-8 (ASCII with NULs between).
	if len(data) >= 2 && data[1] == 0 && data[0] != 0 {
		return nil, &EncodingError{Line: 1, Guess: EncodingUTF16LE}
	}
	if len(data) >= 2 && data[0] == 0 && data[1] != 0 {
		return nil, &EncodingError{Line: 1, Guess: EncodingUTF16BE}
	}
	return data, nil
}

// firstInvalid returns the offset of the first byte of data that does not start a
// valid UTF-8 sequence; the caller knows there is one.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// detectDelimiter reads the header line (the first line that is not blank, up to its
// newline outside quotes) and picks ';' when it holds more semicolons than commas, ','
// otherwise. Russian Excel writes ';' because the comma is its decimal separator.
func detectDelimiter(data []byte) rune {
	commas, semicolons := 0, 0
	quoted, blank := false, true
	for _, c := range data {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			blank = false
			continue
		}
		if c == '\n' && !blank {
			break
		}
		switch c {
		case ',':
			commas++
		case ';':
			semicolons++
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			blank = false
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
}
