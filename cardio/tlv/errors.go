package tlv

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Decoding errors are [*SyntaxError] values wrapping one of these, so
// callers match them with errors.Is and find the offset with errors.As.
var (
	// ErrTruncated means the bytes end inside a tag or a length field, or the input
	// ends inside the value of a top-level object: reading more of the file would help.
	ErrTruncated = errors.New("tlv: truncated input")
	// ErrLengthTooLarge means an impossible length: larger than Limits.MaxLength, or
	// larger than what is left of the constructed object that encloses it.
	ErrLengthTooLarge = errors.New("tlv: length too large")
	// ErrIndefiniteLength means the length byte '80' (indefinite form, X.690 §8.1.3.6),
	// which ISO 7816-4 §5.2.2.2 does not allow.
	ErrIndefiniteLength = errors.New("tlv: indefinite length not allowed")
	// ErrBadLength means a length field that is not a definite length of this profile:
	// the reserved byte 'FF' (X.690 §8.1.3.5) or a long form with more than four
	// length bytes ('85'–'FE').
	ErrBadLength = errors.New("tlv: malformed length")
	// ErrBadTag means a malformed tag: a first byte of '00' or 'FF' (ISO 7816-4
	// §5.2.2.1; these are padding, see Decoder.AllowPadding), or a first subsequent
	// byte of '80' (X.690 §8.1.2.4.2).
	ErrBadTag = errors.New("tlv: malformed tag")
	// ErrTagTooLong means a tag longer than Limits.MaxTagBytes (at most four bytes).
	ErrTagTooLong = errors.New("tlv: tag too long")
	// ErrTooDeep means constructed objects nested deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("tlv: nesting too deep")
	// ErrTooManyObjects means more than Limits.MaxObjects objects in one decode.
	ErrTooManyObjects = errors.New("tlv: too many objects")
	// ErrEmpty means there was no object where one was required: DecodeOne was given
	// no bytes (or only padding).
	ErrEmpty = errors.New("tlv: no object")
	// ErrTrailingData means bytes left over after the object a caller expected to be
	// the whole input. Decode consumes all its input and never returns it; it is here
	// for callers that use DecodeOne and insist on nothing following.
	ErrTrailingData = errors.New("tlv: trailing data")
)

// SyntaxError reports malformed or over-limit input and where it was found.
type SyntaxError struct {
	// Offset is the offset within the decoder's input of the field at fault: the
	// first byte of the tag or of the length field, or of the object that broke a limit.
	Offset int
	// Err is the sentinel that classifies the problem, e.g. ErrTruncated.
	Err error
	// Detail says what exactly was wrong, e.g. "length 300 exceeds remaining 20 bytes".
	// When empty, Error uses the text of Err.
	Detail string
}

// Error returns a message such as
// "tlv: at offset 12: length 300 exceeds remaining 20 bytes".
func (e *SyntaxError) Error() string {
	d := e.Detail
	if d == "" && e.Err != nil {
		d = strings.TrimPrefix(e.Err.Error(), "tlv: ")
	}
	return fmt.Sprintf("tlv: at offset %d: %s", e.Offset, d)
}

// Unwrap returns Err, so that errors.Is(err, ErrTruncated) and the like work.
func (e *SyntaxError) Unwrap() error { return e.Err }

func syntaxErr(off int, err error, format string, args ...any) *SyntaxError {
	return &SyntaxError{Offset: off, Err: err, Detail: fmt.Sprintf(format, args...)}
}
