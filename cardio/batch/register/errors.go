package register

import (
	"errors"
	"fmt"
)

// Fatal errors: the file cannot be read as a register at all, so there are no rows to
// report on. Each is returned as is or wrapped in a typed error below.
var (
	// ErrEmpty: the file holds nothing (or only a byte-order mark and blank lines).
	ErrEmpty = errors.New("register file is empty")
	// ErrNotUTF8 is matched by every *EncodingError.
	ErrNotUTF8 = errors.New("register file is not UTF-8")
	// ErrNoHeader: the first record names none of the documented columns, so it is
	// data, not a header (or not a register at all).
	ErrNoHeader = errors.New("register file has no header row")
	// ErrTooLarge is matched by every *LimitError.
	ErrTooLarge = errors.New("register file is too large")
)

// Encodings [EncodingError] can name.
const (
	EncodingUnknown = ""
	EncodingCP1251  = "windows-1251"
	EncodingKOI8R   = "koi8-r"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// EncodingError says the file is not UTF-8: where the first invalid byte is and, when
// the bytes look like it, which encoding the file is probably in (Russian Excel saves
// "CSV (разделители — запятые)" in Windows-1251, "Unicode text" in UTF-16).
type EncodingError struct {
	Line   int    // line of the first byte that is not UTF-8 (1-based)
	Offset int64  // its byte offset in the file
	Guess  string // one of the Encoding* constants
}

func (e *EncodingError) Error() string {
	if e.Guess != EncodingUnknown {
		return fmt.Sprintf("register file is not UTF-8 but looks like %s (first invalid byte on line %d)", e.Guess, e.Line)
	}
	return fmt.Sprintf("register file is not UTF-8: invalid byte on line %d (offset %d)", e.Line, e.Offset)
}

// Is makes errors.Is(err, ErrNotUTF8) hold.
func (e *EncodingError) Is(target error) bool { return target == ErrNotUTF8 }

// Limits [LimitError] can name.
const (
	LimitBytes = "bytes"
	LimitRows  = "rows"
)

// LimitError says the file exceeds a size limit of [Options].
type LimitError struct {
	Limit string // LimitBytes or LimitRows
	Max   int64
	// Line is the line where the limit was crossed (0 for LimitBytes: the file was
	// not read further).
	Line int
}

func (e *LimitError) Error() string {
	if e.Limit == LimitRows {
		return fmt.Sprintf("register has more than %d rows (limit crossed on line %d)", e.Max, e.Line)
	}
	return fmt.Sprintf("register file is larger than %d bytes", e.Max)
}

// Is makes errors.Is(err, ErrTooLarge) hold.
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }
