package apdu

import (
	"errors"
	"fmt"

	"omsdesk/cardio"
)

// Instruction bytes used by the OMS reading code and the virtual card
// (ISO/IEC 7816-4 §11, table 4 of §5.1.2).
const (
	InsSelect      byte = 0xA4 // §11.1.1
	InsReadBinary  byte = 0xB0 // §11.2.3
	InsGetData     byte = 0xCA // §11.4.3
	InsGetResponse byte = 0xC0 // §11.5.4 (and ISO/IEC 7816-3 §12.2.2 for T=0)
)

// SELECT P1/P2 values (§11.1.1, tables 39 and 40).
const (
	SelectByFileID byte = 0x02 // P1: select EF under the current DF
	SelectByDFName byte = 0x04 // P1: select by DF name
	SelectChildDF  byte = 0x01 // P1: select DF under the current DF
	SelectMF       byte = 0x00 // P1: select MF, DF or EF by file identifier
	SelectNoFCI    byte = 0x0C // P2: first or only occurrence, no response data
	SelectFCI      byte = 0x00 // P2: first or only occurrence, return FCI template
)

// Bounds that stop a hostile or broken card from keeping us in a loop.
const (
	maxGetResponseRounds = 1024
	maxResponseBytes     = 1 << 20
)

// ErrGetResponseLoop means the card kept answering 61xx past any plausible response size.
var ErrGetResponseLoop = errors.New("card keeps answering 61xx")

// Client runs commands on a transport with the retry rules of ISO/IEC 7816-3 §12.2 and
// counts what it sends, so a benchmark or a trace can report APDUs per read.
type Client struct {
	t cardio.Transport
	// Sent is the number of APDUs put on the wire, including GET RESPONSE and resends.
	Sent int
}

// NewClient returns a client sending through t.
func NewClient(t cardio.Transport) *Client { return &Client{t: t} }

// Transport returns the transport the client sends through.
func (c *Client) Transport() cardio.Transport { return c.t }

// Transmit sends cmd and returns the final response. A 61xx answer is followed by
// GET RESPONSE until the card has given everything; a 6Cxx answer is resent once with
// Ne = xx. The returned error is non-nil only when the exchange itself failed (transport
// error, malformed answer, endless 61xx): the status word is in the response for the
// caller to judge.
func (c *Client) Transmit(cmd Command) (Response, error) {
	r, err := c.send(cmd)
	if err != nil {
		return r, err
	}
	if r.SW.SW1() == 0x6C {
		cmd.Ne = shortNe(r.SW.SW2())
		cmd.Extended = false
		if r, err = c.send(cmd); err != nil {
			return r, err
		}
	}
	if r.SW.SW1() != 0x61 {
		return r, nil
	}
	data := append([]byte(nil), r.Data...)
	for round := 0; r.SW.SW1() == 0x61; round++ {
		if round >= maxGetResponseRounds || len(data) > maxResponseBytes {
			return Response{}, fmt.Errorf("collecting response to %02X %02X: %w", cmd.CLA, cmd.INS, ErrGetResponseLoop)
		}
		get := Command{CLA: cmd.CLA & 0x03, INS: InsGetResponse, Ne: shortNe(r.SW.SW2())}
		if r, err = c.send(get); err != nil {
			return r, err
		}
		data = append(data, r.Data...)
	}
	r.Data = data
	return r, nil
}

func (c *Client) send(cmd Command) (Response, error) {
	b, err := cmd.Bytes()
	if err != nil {
		return Response{}, err
	}
	c.Sent++
	raw, err := c.t.Transmit(b)
	if err != nil {
		return Response{}, fmt.Errorf("transmitting %02X %02X %02X %02X: %w", cmd.CLA, cmd.INS, cmd.P1, cmd.P2, err)
	}
	return ParseResponse(raw)
}

// Run transmits cmd and turns any status word other than 9000 into an error (a
// [StatusWord]); the response data is returned either way.
func (c *Client) Run(cmd Command) ([]byte, error) {
	r, err := c.Transmit(cmd)
	if err != nil {
		return nil, err
	}
	if !r.SW.OK() {
		return r.Data, r.SW
	}
	return r.Data, nil
}

// SelectByName selects a DF by its name without asking for FCI (P2 = 0C), as the
// official OMS readers do.
func (c *Client) SelectByName(name string) error {
	_, err := c.Run(Command{INS: InsSelect, P1: SelectByDFName, P2: SelectNoFCI, Data: []byte(name)})
	if err != nil {
		return fmt.Errorf("selecting DF %q: %w", name, err)
	}
	return nil
}

// SelectEF selects an elementary file under the current DF by its identifier.
func (c *Client) SelectEF(fid uint16) error {
	_, err := c.Run(Command{INS: InsSelect, P1: SelectByFileID, P2: SelectNoFCI, Data: []byte{byte(fid >> 8), byte(fid)}})
	if err != nil {
		return fmt.Errorf("selecting EF %04X: %w", fid, err)
	}
	return nil
}

// GetData runs GET DATA for a two-byte tag (P1-P2) expecting up to ne bytes.
func (c *Client) GetData(tag uint16, ne int) ([]byte, error) {
	data, err := c.Run(Command{INS: InsGetData, P1: byte(tag >> 8), P2: byte(tag), Ne: ne})
	if err != nil {
		return nil, fmt.Errorf("getting data %04X: %w", tag, err)
	}
	return data, nil
}

// ReadBinary reads up to ne bytes of the current EF from offset (READ BINARY with a
// 15-bit offset in P1-P2, §11.2.3: P1 = offset >> 8, never offset / 0xFF). A short read
// at the end of the file (6282, end of file reached) is not an error: the bytes are
// returned with the status word for the caller to see the file has ended.
func (c *Client) ReadBinary(offset, ne int) ([]byte, StatusWord, error) {
	if offset < 0 || offset > 0x7FFF {
		return nil, 0, fmt.Errorf("reading binary at offset %d: %w", offset, ErrTooLong)
	}
	r, err := c.Transmit(Command{INS: InsReadBinary, P1: byte(offset >> 8), P2: byte(offset), Ne: ne})
	if err != nil {
		return nil, 0, fmt.Errorf("reading binary at offset %d: %w", offset, err)
	}
	if !r.SW.OK() && r.SW != SWEndOfFile {
		return r.Data, r.SW, fmt.Errorf("reading binary at offset %d: %w", offset, r.SW)
	}
	if len(r.Data) > ne {
		return nil, r.SW, fmt.Errorf("reading binary at offset %d: card sent %d bytes for Le %d: %w",
			offset, len(r.Data), ne, ErrMalformedResponse)
	}
	return r.Data, r.SW, nil
}
