package apdu

import (
	"errors"
	"fmt"
)

// StatusWord is the SW1-SW2 trailer of a response APDU (ISO/IEC 7816-4 §5.1.3).
//
// A StatusWord other than 9000 is an error value, and it is comparable: callers match a
// specific answer with errors.Is(err, apdu.ErrFileNotFound). The families whose low byte
// carries a value (61xx bytes available, 6Cxx exact length, 63Cx retries left) match their
// family sentinel whatever the value, so errors.Is(err, apdu.ErrWrongLe) holds for any 6Cxx.
type StatusWord uint16

// SW returns the status word made of sw1 and sw2.
func SW(sw1, sw2 byte) StatusWord { return StatusWord(uint16(sw1)<<8 | uint16(sw2)) }

// SW1 is the high byte.
func (s StatusWord) SW1() byte { return byte(s >> 8) }

// SW2 is the low byte.
func (s StatusWord) SW2() byte { return byte(s) }

// OK reports whether s is 9000, normal processing.
func (s StatusWord) OK() bool { return s == SWOK }

// Status words named by ISO/IEC 7816-4 §5.1.3, table 6 (and tables 12–16 for the
// detailed meanings of SW2). Each is also an error value: see [StatusWord].
const (
	SWOK StatusWord = 0x9000 // normal processing, no further qualification

	SWBytesAvailable StatusWord = 0x6100 // 61xx: xx more bytes, fetch with GET RESPONSE (T=0)

	SWEndOfFile           StatusWord = 0x6282 // end of file reached before reading Ne bytes
	SWSelectedFileInvalid StatusWord = 0x6283 // selected file deactivated
	SWCounter             StatusWord = 0x63C0 // 63Cx: verification failed, x retries left

	SWMemoryFailure StatusWord = 0x6581 // memory failure (write did not complete)

	SWWrongLength StatusWord = 0x6700 // wrong length (Lc or Le)

	SWLogicalChannelNotSupported  StatusWord = 0x6881
	SWSecureMessagingNotSupported StatusWord = 0x6882

	SWCommandIncompatible         StatusWord = 0x6981 // incompatible with file structure
	SWSecurityStatusNotSatisfied  StatusWord = 0x6982
	SWAuthenticationMethodBlocked StatusWord = 0x6983
	SWReferenceDataNotUsable      StatusWord = 0x6984
	SWConditionsNotSatisfied      StatusWord = 0x6985
	SWCommandNotAllowed           StatusWord = 0x6986 // no current EF

	SWWrongData             StatusWord = 0x6A80 // incorrect parameters in the data field
	SWFunctionNotSupported  StatusWord = 0x6A81
	SWFileNotFound          StatusWord = 0x6A82 // file or application not found
	SWRecordNotFound        StatusWord = 0x6A83
	SWNotEnoughMemory       StatusWord = 0x6A84
	SWIncorrectP1P2         StatusWord = 0x6A86
	SWReferencedDataMissing StatusWord = 0x6A88 // e.g. GET DATA of an absent object
	SWFileExists            StatusWord = 0x6A89

	SWWrongP1P2        StatusWord = 0x6B00 // e.g. READ BINARY offset beyond the end of the EF
	SWWrongLe          StatusWord = 0x6C00 // 6Cxx: wrong Le, xx is the exact length
	SWINSNotSupported  StatusWord = 0x6D00
	SWCLANotSupported  StatusWord = 0x6E00
	SWNoPreciseDiagnos StatusWord = 0x6F00
)

// Exported error values for the status words above. They are the same values typed as
// error, so that the intent at a call site reads naturally:
//
//	if errors.Is(err, apdu.ErrFileNotFound) { ... }
var (
	ErrEndOfFile                  error = SWEndOfFile
	ErrSelectedFileInvalid        error = SWSelectedFileInvalid
	ErrVerificationFailed         error = SWCounter
	ErrMemoryFailure              error = SWMemoryFailure
	ErrWrongLength                error = SWWrongLength
	ErrCommandIncompatible        error = SWCommandIncompatible
	ErrSecurityStatusNotSatisfied error = SWSecurityStatusNotSatisfied
	ErrAuthenticationBlocked      error = SWAuthenticationMethodBlocked
	ErrConditionsNotSatisfied     error = SWConditionsNotSatisfied
	ErrCommandNotAllowed          error = SWCommandNotAllowed
	ErrWrongData                  error = SWWrongData
	ErrFunctionNotSupported       error = SWFunctionNotSupported
	ErrFileNotFound               error = SWFileNotFound
	ErrRecordNotFound             error = SWRecordNotFound
	ErrNotEnoughMemory            error = SWNotEnoughMemory
	ErrIncorrectP1P2              error = SWIncorrectP1P2
	ErrReferencedDataMissing      error = SWReferencedDataMissing
	ErrFileExists                 error = SWFileExists
	ErrWrongP1P2                  error = SWWrongP1P2
	ErrWrongLe                    error = SWWrongLe
	ErrINSNotSupported            error = SWINSNotSupported
	ErrCLANotSupported            error = SWCLANotSupported
	ErrNoPreciseDiagnosis         error = SWNoPreciseDiagnos
)

// family reports the sentinel a status word belongs to when its low bits carry a value
// rather than a meaning (61xx, 6Cxx, 63Cx).
func (s StatusWord) family() StatusWord {
	switch {
	case s.SW1() == 0x61:
		return SWBytesAvailable
	case s.SW1() == 0x6C:
		return SWWrongLe
	case s&0xFFF0 == 0x63C0:
		return SWCounter
	}
	return s
}

// Is lets errors.Is match a status word against its family sentinel: any 6Cxx is
// ErrWrongLe, any 63Cx is ErrVerificationFailed.
func (s StatusWord) Is(target error) bool {
	t, ok := target.(StatusWord)
	if !ok {
		return false
	}
	return s == t || s.family() == t
}

// RetriesLeft returns x for a 63Cx answer.
func (s StatusWord) RetriesLeft() (int, bool) {
	if s.family() != SWCounter {
		return 0, false
	}
	return int(s & 0x0F), true
}

// Error returns "SW 6A82: file or application not found".
func (s StatusWord) Error() string {
	return fmt.Sprintf("SW %04X: %s", uint16(s), s.Meaning())
}

// Meaning describes the status word in the words of ISO/IEC 7816-4.
func (s StatusWord) Meaning() string {
	if m, ok := meanings[s]; ok {
		return m
	}
	switch s.family() {
	case SWBytesAvailable:
		return fmt.Sprintf("%d more response bytes available", s.SW2())
	case SWWrongLe:
		return fmt.Sprintf("wrong Le, exact length is %d", s.SW2())
	case SWCounter:
		return fmt.Sprintf("verification failed, %d retries left", s&0x0F)
	}
	switch s.SW1() {
	case 0x62:
		return "warning, non-volatile memory unchanged"
	case 0x63:
		return "warning, non-volatile memory changed"
	case 0x64:
		return "execution error, non-volatile memory unchanged"
	case 0x65:
		return "execution error, non-volatile memory changed"
	case 0x66:
		return "security-related error"
	case 0x68:
		return "functions in CLA not supported"
	case 0x69:
		return "command not allowed"
	case 0x6A:
		return "wrong parameters P1-P2"
	}
	return "unknown status"
}

var meanings = map[StatusWord]string{
	SWOK:                          "normal processing",
	SWEndOfFile:                   "end of file reached before reading Le bytes",
	SWSelectedFileInvalid:         "selected file deactivated",
	SWMemoryFailure:               "memory failure",
	SWWrongLength:                 "wrong length",
	SWLogicalChannelNotSupported:  "logical channel not supported",
	SWSecureMessagingNotSupported: "secure messaging not supported",
	SWCommandIncompatible:         "command incompatible with file structure",
	SWSecurityStatusNotSatisfied:  "security status not satisfied",
	SWAuthenticationMethodBlocked: "authentication method blocked",
	SWReferenceDataNotUsable:      "reference data not usable",
	SWConditionsNotSatisfied:      "conditions of use not satisfied",
	SWCommandNotAllowed:           "command not allowed (no current EF)",
	SWWrongData:                   "incorrect parameters in the data field",
	SWFunctionNotSupported:        "function not supported",
	SWFileNotFound:                "file or application not found",
	SWRecordNotFound:              "record not found",
	SWNotEnoughMemory:             "not enough memory space in the file",
	SWIncorrectP1P2:               "incorrect parameters P1-P2",
	SWReferencedDataMissing:       "referenced data not found",
	SWFileExists:                  "file already exists",
	SWWrongP1P2:                   "wrong parameters P1-P2 (offset outside the EF)",
	SWINSNotSupported:             "instruction code not supported or invalid",
	SWCLANotSupported:             "class not supported",
	SWNoPreciseDiagnos:            "no precise diagnosis",
}

// AsStatusWord extracts the status word from an error chain.
func AsStatusWord(err error) (StatusWord, bool) {
	var sw StatusWord
	if errors.As(err, &sw) {
		return sw, true
	}
	return 0, false
}
