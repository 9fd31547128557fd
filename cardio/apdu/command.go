// Package apdu encodes and decodes ISO/IEC 7816-4 command and response APDUs and runs
// them against a [cardio.Transport] the way a careful reader program does: T=0 style
// 61xx answers are collected with GET RESPONSE, 6Cxx answers are resent with the exact
// Le, and status words come back as comparable errors.
package apdu

import (
	"errors"
	"fmt"
)

// Length limits of ISO/IEC 7816-4 §5.1 (short and extended length fields).
const (
	MaxShortNc    = 255
	MaxShortNe    = 256
	MaxExtendedNc = 65535
	MaxExtendedNe = 65536
)

// Errors in the structure of an APDU (as opposed to a card's status word).
var (
	ErrMalformedCommand  = errors.New("malformed command APDU")
	ErrMalformedResponse = errors.New("malformed response APDU")
	ErrTooLong           = errors.New("APDU field too long")
)

// Command is one command APDU.
//
// Ne is the number of response bytes expected: 0 means no Le field at all, 1..256 fit a
// short Le (256 is sent as 00), larger values need the extended form (65536 is sent as
// 00 00). Extended forces the extended form even when the lengths would fit a short one.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Ne               int
	Extended         bool
}

// IsExtended reports whether the command needs (or asks for) extended length fields.
func (c Command) IsExtended() bool {
	return c.Extended || len(c.Data) > MaxShortNc || c.Ne > MaxShortNe
}

// Bytes encodes the command in the shortest form allowed by ISO/IEC 7816-3 §12.1.3
// (cases 1, 2S/2E, 3S/3E, 4S/4E).
func (c Command) Bytes() ([]byte, error) {
	if len(c.Data) > MaxExtendedNc {
		return nil, fmt.Errorf("encoding command: %d data bytes: %w", len(c.Data), ErrTooLong)
	}
	if c.Ne < 0 || c.Ne > MaxExtendedNe {
		return nil, fmt.Errorf("encoding command: Ne %d: %w", c.Ne, ErrTooLong)
	}
	b := make([]byte, 0, 4+3+len(c.Data)+3)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	ext := c.IsExtended()
	if len(c.Data) > 0 {
		if ext {
			b = append(b, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		} else {
			b = append(b, byte(len(c.Data)))
		}
		b = append(b, c.Data...)
	}
	if c.Ne > 0 {
		switch {
		case !ext:
			b = append(b, byte(c.Ne)) // 256 wraps to 00 as the standard wants
		case len(c.Data) > 0:
			b = append(b, byte(c.Ne>>8), byte(c.Ne)) // 65536 wraps to 00 00
		default:
			b = append(b, 0, byte(c.Ne>>8), byte(c.Ne))
		}
	}
	return b, nil
}

// String shows the command in hex, as a trace would.
func (c Command) String() string {
	b, err := c.Bytes()
	if err != nil {
		return fmt.Sprintf("%02X %02X %02X %02X <%v>", c.CLA, c.INS, c.P1, c.P2, err)
	}
	return fmt.Sprintf("% X", b)
}

// ParseCommand decodes a command APDU, recognising the seven cases of
// ISO/IEC 7816-3 §12.1.3 by the length of b and the first length byte.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, fmt.Errorf("parsing command of %d bytes: %w", len(b), ErrMalformedCommand)
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2S
		c.Ne = shortNe(body[0])
		return c, nil
	case body[0] != 0: // case 3S or 4S
		nc := int(body[0])
		switch len(body) {
		case 1 + nc:
			c.Data = append([]byte(nil), body[1:]...)
			return c, nil
		case 2 + nc:
			c.Data = append([]byte(nil), body[1:1+nc]...)
			c.Ne = shortNe(body[1+nc])
			return c, nil
		}
	case len(body) == 3: // case 2E
		c.Extended = true
		c.Ne = extendedNe(body[1], body[2])
		return c, nil
	case len(body) > 3: // case 3E or 4E
		nc := int(body[1])<<8 | int(body[2])
		if nc == 0 {
			break
		}
		c.Extended = true
		switch len(body) {
		case 3 + nc:
			c.Data = append([]byte(nil), body[3:]...)
			return c, nil
		case 5 + nc:
			c.Data = append([]byte(nil), body[3:3+nc]...)
			c.Ne = extendedNe(body[3+nc], body[4+nc])
			return c, nil
		}
	}
	return Command{}, fmt.Errorf("parsing command % X: length fields do not match %d body bytes: %w",
		b[:4], len(body), ErrMalformedCommand)
}

func shortNe(le byte) int {
	if le == 0 {
		return MaxShortNe
	}
	return int(le)
}

func extendedNe(hi, lo byte) int {
	n := int(hi)<<8 | int(lo)
	if n == 0 {
		return MaxExtendedNe
	}
	return n
}

// Response is one response APDU: the data field and the status word.
type Response struct {
	Data []byte
	SW   StatusWord
}

// ParseResponse splits a response into data and SW1 SW2. The data slice aliases b.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, fmt.Errorf("parsing response of %d bytes: %w", len(b), ErrMalformedResponse)
	}
	n := len(b) - 2
	return Response{Data: b[:n:n], SW: SW(b[n], b[n+1])}, nil
}

// Bytes encodes the response as data followed by SW1 SW2.
func (r Response) Bytes() []byte {
	b := make([]byte, 0, len(r.Data)+2)
	b = append(b, r.Data...)
	return append(b, r.SW.SW1(), r.SW.SW2())
}
