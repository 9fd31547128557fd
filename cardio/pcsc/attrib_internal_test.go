package pcsc

import (
	"errors"
	"testing"

	"github.com/ebfe/scard"
)

func TestAttributeErr(t *testing.T) {
	tests := []struct {
		name string
		in   error
		want error
		code uint32
	}{
		{"pcsc-lite unsupported feature", scard.ErrUnsupportedFeature, ErrUnsupported, 0x8010001F},
		{"Windows unsupported feature", scard.Error(0x80100022), ErrUnsupported, 0x80100022},
		{"service gone", scard.ErrNoService, ErrNoService, 0x8010001D},
		{"handle invalid", scard.ErrInvalidHandle, ErrClosed, 0x80100003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attributeErr(tt.in)
			var pe *Error
			if !errors.Is(err, tt.want) || !errors.As(err, &pe) || pe.Code != tt.code {
				t.Errorf("attributeErr(%v) = %v, want %v with code %#x", tt.in, err, tt.want, tt.code)
			}
		})
	}
	if err := attributeErr(scard.ErrInsufficientBuffer); errors.Is(err, ErrUnsupported) {
		t.Errorf("insufficient buffer mapped to %v", err)
	}
	plain := errors.New("not from PC/SC")
	if err := attributeErr(plain); err != plain {
		t.Errorf("attributeErr(plain) = %v, want it unchanged", err)
	}
}
