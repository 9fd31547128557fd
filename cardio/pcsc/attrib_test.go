package pcsc_test

import (
	"errors"
	"testing"

	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
)

// vsmartcard's vpcd driver answers no reader attribute, so through it Attribute can
// only be checked for its refusal; drivers that know an attribute return its bytes
// as scard gives them.
func TestAttributeUnsupportedByVPCD(t *testing.T) {
	c := requireSlot(t)
	waitEmpty(t, c)

	direct, err := c.ConnectDirect(reader)
	if err != nil {
		t.Fatalf("ConnectDirect on an empty reader: %v", err)
	}
	defer direct.Disconnect(false)

	pcsctest.InsertCard(t, c, slot, newEchoCard(atrFOMSOMS))
	shared, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Disconnect(false)

	for _, tt := range []struct {
		name string
		card *pcsc.Card
	}{{"direct", direct}, {"shared", shared}} {
		for _, id := range []pcsc.Attrib{pcsc.AttrVendorName, pcsc.AttrVendorIFDType,
			pcsc.AttrVendorIFDVersion, pcsc.AttrVendorIFDSerial, pcsc.AttrMaxInput} {
			b, err := tt.card.Attribute(id)
			if !errors.Is(err, pcsc.ErrUnsupported) || b != nil {
				t.Errorf("%s: Attribute(%#x) = %q, %v; want %v", tt.name, uint32(id), b, err, pcsc.ErrUnsupported)
			}
			var pe *pcsc.Error
			if !errors.As(err, &pe) || pe.Code == 0 {
				t.Errorf("%s: Attribute(%#x) error %v carries no PC/SC code", tt.name, uint32(id), err)
			}
		}
	}
}

func TestConnectDirectErrors(t *testing.T) {
	c := requireSlot(t)
	if k, err := c.ConnectDirect("No Such Reader 00 00"); !errors.Is(err, pcsc.ErrUnknownReader) {
		t.Errorf("ConnectDirect(unknown) = %v, %v; want %v", k, err, pcsc.ErrUnknownReader)
	}

	k, err := c.ConnectDirect(reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Disconnect(false); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Attribute(pcsc.AttrVendorName); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("Attribute after Disconnect: %v, want %v", err, pcsc.ErrClosed)
	}

	other, err := pcsc.Establish()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ConnectDirect(reader); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("ConnectDirect on a released context: %v, want %v", err, pcsc.ErrClosed)
	}
}
