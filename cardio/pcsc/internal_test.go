package pcsc

// Unit tests that need no pcscd.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ebfe/scard"
)

func TestTransition(t *testing.T) {
	const (
		empty   = scard.StateEmpty
		present = scard.StatePresent
		inuse   = scard.StatePresent | scard.StateInuse
		gone    = scard.StateUnknown | scard.StateUnavailable
	)
	at := func(counter uint16, f scard.StateFlag) scard.StateFlag { return f | scard.StateFlag(counter)<<16 }
	tests := []struct {
		name              string
		seen              bool
		prev, now         scard.StateFlag
		removed, inserted bool
	}{
		{"first look, empty", false, scard.StateUnaware, at(4, empty), false, false},
		{"first look, card present", false, scard.StateUnaware, at(5, present), false, true},
		{"first look, present but reader unavailable", false, scard.StateUnaware, at(5, present|scard.StateUnavailable), false, false},
		{"insertion", true, at(4, empty), at(5, present), false, true},
		{"removal", true, at(5, present), at(6, empty), true, false},
		{"nothing changed", true, at(5, present), at(5, present), false, false},
		{"only in-use changed", true, at(5, present), at(5, inuse), false, false},
		{"mute flag appeared", true, at(5, present), at(5, present|scard.StateMute), false, false},
		{"quick remove and re-insert between looks", true, at(5, present), at(7, present), true, true},
		{"re-insert seen while in use", true, at(5, inuse), at(7, inuse), true, true},
		{"card came and went between looks", true, at(4, empty), at(6, empty), false, false},
		{"reader vanished with card", true, at(5, present), gone, true, false},
		{"reader vanished empty", true, at(4, empty), gone, false, false},
		{"reader came back with card", true, gone, at(5, present), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			removed, inserted := transition(tt.seen, tt.prev, tt.now)
			if removed != tt.removed || inserted != tt.inserted {
				t.Errorf("transition(%v, %#x, %#x) = removed %v, inserted %v; want %v, %v",
					tt.seen, uint32(tt.prev), uint32(tt.now), removed, inserted, tt.removed, tt.inserted)
			}
		})
	}
}

func TestMapErr(t *testing.T) {
	tests := []struct {
		code scard.Error
		want error // nil: no sentinel
	}{
		{scard.ErrNoService, ErrNoService},
		{scard.ErrServiceStopped, ErrNoService},
		{scard.ErrCommError, ErrNoService},
		{scard.ErrNoReadersAvailable, ErrNoReaders},
		{scard.ErrUnknownReader, ErrUnknownReader},
		{scard.ErrReaderUnavailable, ErrReaderUnavailable},
		{scard.ErrNoSmartcard, ErrNoCard},
		{scard.ErrRemovedCard, ErrCardRemoved},
		{scard.ErrResetCard, ErrCardReset},
		{scard.ErrUnresponsiveCard, ErrCardUnresponsive},
		{scard.ErrSharingViolation, ErrSharingViolation},
		{scard.ErrProtoMismatch, ErrProtocolMismatch},
		{scard.ErrNotTransacted, ErrTransmission},
		{scard.ErrTimeout, ErrTimeout},
		{scard.ErrCancelled, ErrCancelled},
		{scard.ErrInvalidHandle, ErrClosed},
		{scard.ErrInsufficientBuffer, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%#x", uint32(tt.code)), func(t *testing.T) {
			err := fmt.Errorf("doing something: %w", mapErr(tt.code))
			var pe *Error
			if !errors.As(err, &pe) || pe.Code != uint32(tt.code) {
				t.Fatalf("mapErr(%#x) = %v, want *Error with that code", uint32(tt.code), err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("%v does not match %v", err, tt.want)
			}
			if tt.want == nil && pe.Kind != nil {
				t.Errorf("%v maps to %v, want no sentinel", err, pe.Kind)
			}
			// The PC/SC library's own text stays in the message.
			if lib := tt.code.Error(); !strings.Contains(err.Error(), lib) {
				t.Errorf("message %q lacks %q", err, lib)
			}
		})
	}
	plain := errors.New("not from PC/SC")
	if got := mapErr(plain); got != plain {
		t.Errorf("mapErr(plain) = %v, want it unchanged", got)
	}
}

func TestStateOf(t *testing.T) {
	atr := []byte{0x3B, 0x00}
	tests := []struct {
		name string
		f    scard.StateFlag
		want ReaderState
	}{
		{"empty", scard.StateEmpty, ReaderState{Reader: "r", Empty: true}},
		{"present in use", scard.StatePresent | scard.StateInuse | 3<<16, ReaderState{Reader: "r", Present: true, InUse: true, ATR: atr}},
		{"exclusive", scard.StatePresent | scard.StateExclusive, ReaderState{Reader: "r", Present: true, Exclusive: true, ATR: atr}},
		{"mute", scard.StatePresent | scard.StateMute, ReaderState{Reader: "r", Present: true, Mute: true, ATR: atr}},
		{"unknown", scard.StateUnknown | scard.StateUnavailable, ReaderState{Reader: "r", Unknown: true, Unavailable: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stateOf("r", tt.f, atr)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("stateOf(%#x) = %+v, want %+v", uint32(tt.f), got, tt.want)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{T0.String(), "T=0"},
		{T1.String(), "T=1"},
		{Any.String(), "T=0|T=1"},
		{Protocol(0).String(), "undefined"},
		{ReaderAdded.String(), "ReaderAdded"},
		{ReaderRemoved.String(), "ReaderRemoved"},
		{CardInserted.String(), "CardInserted"},
		{CardRemoved.String(), "CardRemoved"},
		{EventKind(9).String(), "EventKind(9)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	// The protocol values are PC/SC's SCARD_PROTOCOL_* bits, passed through unchanged.
	if T0 != Protocol(scard.ProtocolT0) || T1 != Protocol(scard.ProtocolT1) || Any != Protocol(scard.ProtocolAny) {
		t.Error("Protocol values differ from scard's")
	}
}
