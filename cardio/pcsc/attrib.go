package pcsc

import (
	"errors"
	"fmt"

	"github.com/ebfe/scard"
)

// Attrib identifies a reader attribute for [Card.Attribute]: the SCARD_ATTR_* values of
// PC/SC (PC/SC Workgroup specification part 3, "Reader Capabilities"; pcsc-lite's
// reader.h), a class in the high 16 bits and a tag in the low 16.
type Attrib uint32

// Reader attributes a diagnostics report asks for. Drivers answer the ones they know
// and refuse the rest with [ErrUnsupported] (vsmartcard's vpcd knows none of them).
const (
	// AttrVendorName is the reader manufacturer's name, a NUL-terminated string.
	AttrVendorName = Attrib(scard.AttrVendorName)
	// AttrVendorIFDType is the vendor's product name for the reader, a string.
	AttrVendorIFDType = Attrib(scard.AttrVendorIfdType)
	// AttrVendorIFDVersion is the reader's firmware version, a 32-bit number in host
	// byte order laid out 0xMMmmbbbb (major, minor, build).
	AttrVendorIFDVersion = Attrib(scard.AttrVendorIfdVersion)
	// AttrVendorIFDSerial is the reader's serial number, a string.
	AttrVendorIFDSerial = Attrib(scard.AttrVendorIfdSerialNo)
	// AttrMaxInput is the longest message the reader accepts in one exchange, in bytes,
	// a 32-bit number in host byte order (SCARD_ATTR_MAXINPUT, vendor class 7; CCID
	// readers report dwMaxCCIDMessageLength − 10).
	AttrMaxInput = Attrib(scard.AttrMaxinput)
)

// ErrUnsupported means the reader's driver does not provide the attribute asked for.
var ErrUnsupported = errors.New("pcsc: attribute not supported by reader driver")

// unsupportedWindows is SCARD_E_UNSUPPORTED_FEATURE as Windows defines it; pcsc-lite
// gives the code 0x8010001F (scard.ErrUnsupportedFeature, which is also SCARD_E_UNEXPECTED
// there), so both are read as "not supported" — but only for attributes, where that is
// what they mean.
const unsupportedWindows scard.Error = 0x80100022

// ConnectDirect connects to the reader itself (SCARD_SHARE_DIRECT, no protocol), whether
// or not it holds a card, so that its attributes can be read with [Card.Attribute]. The
// connection does not reset the card; it is meant for attributes only (use
// [Context.Connect] to talk to a card). It fails with [ErrUnknownReader] when no reader
// has that name and [ErrSharingViolation] while another program holds the reader
// exclusively.
func (c *Context) ConnectDirect(reader string) (*Card, error) {
	if err := c.alive(); err != nil {
		return nil, fmt.Errorf("connecting directly to %q: %w", reader, err)
	}
	h, err := c.sc.Connect(reader, scard.ShareDirect, scard.ProtocolUndefined)
	if err != nil {
		return nil, fmt.Errorf("connecting directly to %q: %w", reader, mapErr(err))
	}
	return &Card{ctx: c, reader: reader, direct: true, h: h}, nil
}

// Attribute reads a reader attribute (SCardGetAttrib) through a connection made with
// [Context.Connect] or [Context.ConnectDirect]. It fails with [ErrUnsupported] when the
// driver does not provide the attribute. Strings keep their terminating NUL, as the
// driver gave them.
func (k *Card) Attribute(id Attrib) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, fmt.Errorf("reading attribute %#x: %w", uint32(id), ErrClosed)
	}
	b, err := k.h.GetAttrib(scard.Attrib(id))
	if err != nil {
		return nil, fmt.Errorf("reading attribute %#x: %w", uint32(id), attributeErr(err))
	}
	return b, nil
}

// attributeErr is mapErr for SCardGetAttrib, whose "unsupported feature" codes mean the
// driver does not know the attribute.
func attributeErr(err error) error {
	if isCode(err, scard.ErrUnsupportedFeature) || isCode(err, unsupportedWindows) {
		return withKind(err, ErrUnsupported)
	}
	return mapErr(err)
}
