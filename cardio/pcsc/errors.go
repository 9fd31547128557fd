package pcsc

import (
	"errors"
	"fmt"

	"github.com/ebfe/scard"
)

// Sentinel errors. Every PC/SC failure this package returns is an [*Error] that matches
// one of these with errors.Is (or none, for codes that need no special handling); the
// message keeps the PC/SC library's own text.
var (
	// ErrNoService: the PC/SC service (pcscd) is not running or went away.
	ErrNoService = errors.New("pcsc: smart card service not running")
	// ErrNoReaders: no reader is connected.
	ErrNoReaders = errors.New("pcsc: no readers available")
	// ErrUnknownReader: no reader has the given name (it may have been unplugged).
	ErrUnknownReader = errors.New("pcsc: unknown reader")
	// ErrReaderUnavailable: the reader exists but cannot be used right now.
	ErrReaderUnavailable = errors.New("pcsc: reader unavailable")
	// ErrNoCard: the reader holds no card.
	ErrNoCard = errors.New("pcsc: no card in reader")
	// ErrCardRemoved: the card this handle was connected to has left the reader. Connect
	// again once a card is back.
	ErrCardRemoved = errors.New("pcsc: card removed")
	// ErrCardReset: another program reset the card, and reconnecting did not help.
	ErrCardReset = errors.New("pcsc: card reset by another program")
	// ErrCardUnresponsive: the card does not answer (no or bad ATR).
	ErrCardUnresponsive = errors.New("pcsc: card unresponsive")
	// ErrSharingViolation: another program holds the card exclusively.
	ErrSharingViolation = errors.New("pcsc: card in use by another program")
	// ErrProtocolMismatch: the card does not speak the requested protocol (T=0/T=1).
	ErrProtocolMismatch = errors.New("pcsc: protocol not supported by card")
	// ErrTransmission: an exchange with a card that is still present failed.
	ErrTransmission = errors.New("pcsc: transmission failed")
	// ErrTimeout: a PC/SC call timed out.
	ErrTimeout = errors.New("pcsc: timeout")
	// ErrCancelled: a blocking PC/SC call was cancelled.
	ErrCancelled = errors.New("pcsc: cancelled")
	// ErrClosed: the Context was released, the Card disconnected, or the PC/SC library
	// no longer knows the handle (SCARD_E_INVALID_HANDLE, for example after pcscd
	// restarted).
	ErrClosed = errors.New("pcsc: handle closed or invalid")
)

// Error is a failure reported by the PC/SC library. It matches its sentinel ([Kind])
// with errors.Is.
type Error struct {
	// Code is the PC/SC return code (SCARD_E_*, SCARD_W_*, SCARD_F_*).
	Code uint32
	// Kind is the sentinel the code maps to, or nil.
	Kind error
}

// Error returns the sentinel's text followed by the PC/SC library's own description.
func (e *Error) Error() string {
	lib := scard.Error(e.Code).Error()
	if e.Kind == nil {
		return fmt.Sprintf("pcsc: PC/SC error %#08x (%s)", e.Code, lib)
	}
	return fmt.Sprintf("%v (%s)", e.Kind, lib)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// kinds maps PC/SC codes to sentinels. SCARD_F_COMM_ERROR ("RPC transport error" in
// pcsc-lite) is the connection to pcscd breaking, as when pcscd exits. SCARD_E_NOT_TRANSACTED
// is also what a card pulled in the middle of an exchange produces; [Card] tells the two
// apart by asking pcscd whether the card is still there.
var kinds = map[scard.Error]error{
	scard.ErrNoService:          ErrNoService,
	scard.ErrServiceStopped:     ErrNoService,
	scard.ErrNoReadersAvailable: ErrNoReaders,
	scard.ErrUnknownReader:      ErrUnknownReader,
	scard.ErrReaderUnavailable:  ErrReaderUnavailable,
	scard.ErrNoSmartcard:        ErrNoCard,
	scard.ErrRemovedCard:        ErrCardRemoved,
	scard.ErrResetCard:          ErrCardReset,
	scard.ErrUnresponsiveCard:   ErrCardUnresponsive,
	scard.ErrUnpoweredCard:      ErrCardUnresponsive,
	scard.ErrSharingViolation:   ErrSharingViolation,
	scard.ErrProtoMismatch:      ErrProtocolMismatch,
	scard.ErrNotTransacted:      ErrTransmission,
	scard.ErrCommError:          ErrNoService,
	scard.ErrTimeout:            ErrTimeout,
	scard.ErrCancelled:          ErrCancelled,
	scard.ErrInvalidHandle:      ErrClosed,
}

// mapErr turns an error from package scard into an [*Error]; other errors pass through.
func mapErr(err error) error {
	var se scard.Error
	if !errors.As(err, &se) {
		return err
	}
	return &Error{Code: uint32(se), Kind: kinds[se]}
}

// withKind is mapErr with the sentinel overridden.
func withKind(err error, kind error) error {
	var se scard.Error
	if !errors.As(err, &se) {
		return err
	}
	return &Error{Code: uint32(se), Kind: kind}
}

// isCode reports whether err is the PC/SC code c.
func isCode(err error, c scard.Error) bool {
	var se scard.Error
	return errors.As(err, &se) && se == c
}
