package omscard

import (
	"errors"
	"fmt"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/tlv"
)

// The OMS Desk issuance profile's additions to the official layout (docs/card-profile.md).
const (
	// EFSerial is the card serial number EF directly under the MF: 10 bytes of packed
	// BCD, 20 digits, readable always. Official cards have no such EF (6A82).
	EFSerial uint16 = 0x2FE2
	// SerialBytes is the size of the serial number in EF 2FE2.
	SerialBytes = 10

	// FirstInsurerFID is the file ID of the first insurer record on our profile; the
	// later records of an insurer change follow it (0203, 0204, …).
	FirstInsurerFID uint16 = 0x0202
	// MaxInsurerFiles bounds the insurer EFs ReadDetails looks for: a person changes
	// insurer at most once a year, so 32 records outlast any card.
	MaxInsurerFiles = 32

	// fidMF is the master file (ISO/IEC 7816-4 §5.3.1.1).
	fidMF uint16 = 0x3F00
	// maxDetailsBytes bounds the bytes of all insurer EFs read together: records are
	// about a kilobyte with the certificate; a card offering more is broken or hostile.
	maxDetailsBytes = 256 << 10
)

// Life cycle status bytes (ISO/IEC 7816-4 §5.3.3.2, table 15: FCP tag 8A).
const (
	LifecycleNoInformation  byte = 0x00
	LifecycleCreation       byte = 0x01 // being personalised
	LifecycleInitialisation byte = 0x03
	LifecycleActivated      byte = 0x05 // operational, activated: personalisation closed
	LifecycleDeactivated    byte = 0x04 // operational, deactivated (also 06)
	LifecycleTerminated     byte = 0x0C // termination state (0C–0F): the card is voided
)

// tagLifecycle is the life cycle status byte in an FCP or FCI template; tagFCP and
// tagFCI are the templates SELECT answers with P2=04 and P2=00 (ISO/IEC 7816-4 §5.3.3).
const (
	tagLifecycle tlv.Tag = 0x8A
	tagFCP       tlv.Tag = 0x62
	tagFCI       tlv.Tag = 0x6F
	selectFCP    byte    = 0x04 // SELECT P2: return the FCP template
)

// SWTerminated is the SELECT warning "selected file in termination state" (ISO/IEC
// 7816-4 §5.1.3, table 12): a voided card's foms_root answers with it.
const SWTerminated apdu.StatusWord = 0x6285

// ErrBadSerial means EF 2FE2 exists but does not hold 10 bytes of packed BCD digits.
var ErrBadSerial = errors.New("card serial is not 20 BCD digits")

// ErrDetailsTooLarge means the insurer EFs together exceeded what any card holds.
var ErrDetailsTooLarge = errors.New("insurer records larger than any card holds")

// Lifecycle is what a life cycle status byte means for a card.
type Lifecycle int

// Meanings of the life cycle status byte (ISO/IEC 7816-4 §5.3.3.2, table 15).
const (
	LifecycleUnknown       Lifecycle = iota // no information (00), or a proprietary value
	LifecyclePersonalising                  // creation or initialisation (01, 03): incomplete
	LifecycleOperational                    // operational activated (05, 07): closed, complete
	LifecycleInactive                       // operational deactivated (04, 06)
	LifecycleVoided                         // termination (0C–0F)
)

// LifecycleOf classifies a life cycle status byte.
func LifecycleOf(b byte) Lifecycle {
	switch {
	case b == 0x01 || b == 0x03:
		return LifecyclePersonalising
	case b&0xFD == 0x05: // 0000 01x1
		return LifecycleOperational
	case b&0xFD == 0x04: // 0000 01x0
		return LifecycleInactive
	case b&0xFC == 0x0C: // 0000 11xx
		return LifecycleVoided
	}
	return LifecycleUnknown
}

// EFData is one insurer EF as read: its bytes (the BER-TLV record, without the padding
// after it), or why it could not be read — a status word such as 6982 on official cards
// whose history needs authentication, or a record that does not parse.
type EFData struct {
	FID  uint16
	Data []byte
	Err  error
}

// Details are the parts of a card beyond what [Read] reads: what an issuer and a
// technician need to tell a complete, closed card of our profile from one whose
// personalisation or insurer change was interrupted.
type Details struct {
	// Serial is the card serial from EF 2FE2 (20 digits); "" when the card has none.
	Serial string
	// SerialErr says why EF 2FE2, which the card has, could not be read.
	SerialErr error
	// Lifecycle is foms_root's life cycle status byte, when LifecycleKnown.
	Lifecycle      byte
	LifecycleKnown bool
	// Terminated records that SELECT foms_root answered 6285 (termination state);
	// Lifecycle is then the byte the answer carried, or 0C when it carried none.
	Terminated bool
	// Current is the EF GET DATA 01B0 names; 0 when the card names none.
	Current uint16
	// InsurerFiles are the insurer EFs of FOMS_INS in file ID order: 0202, 0203, … up
	// to the first that does not exist, and the current one if it lies outside them.
	InsurerFiles []EFData
	// APDUs is the number of APDUs sent.
	APDUs int
}

// ReadDetails reads the card serial, foms_root's life cycle status and every insurer
// record of the card behind t, in one transaction. What the card refuses or lacks is
// recorded in the result (an empty serial, an unknown life cycle, an EFData.Err); the
// error is non-nil only when the exchange with the card itself failed, and then the
// result holds what was read before (nil only if the transaction could not begin).
func ReadDetails(t cardio.Transport) (*Details, error) {
	if err := t.BeginTransaction(); err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	c := apdu.NewClient(t)
	d := &Details{}
	err := readDetails(c, d)
	if endErr := t.EndTransaction(); endErr != nil && err == nil {
		err = fmt.Errorf("ending transaction: %w", endErr)
	}
	d.APDUs = c.Sent
	return d, err
}

func readDetails(c *apdu.Client, d *Details) error {
	if err := readSerial(c, d); err != nil {
		return fmt.Errorf("reading card serial: %w", err)
	}
	if err := readLifecycle(c, d); err != nil {
		return fmt.Errorf("reading life cycle status: %w", err)
	}
	if err := readInsurerFiles(c, d); err != nil {
		return fmt.Errorf("reading insurer records: %w", err)
	}
	return nil
}

// readSerial reads EF 2FE2 under the MF. A card without it (official cards) leaves
// Serial empty; one whose EF is unreadable or not BCD sets SerialErr.
func readSerial(c *apdu.Client, d *Details) error {
	_, err := c.Run(apdu.Command{INS: apdu.InsSelect, P1: apdu.SelectMF, P2: apdu.SelectNoFCI,
		Data: fileID(fidMF)})
	if err == nil {
		err = c.SelectEF(EFSerial)
	}
	if err != nil {
		if cardAnswered(err) {
			return nil // no MF by file ID or no EF 2FE2: not our profile
		}
		return err
	}
	data, _, err := c.ReadBinary(0, apdu.MaxShortNe)
	if errors.Is(err, apdu.ErrWrongLength) {
		data, _, err = c.ReadBinary(0, SerialBytes)
	}
	if err != nil {
		if cardAnswered(err) {
			d.SerialErr = err
			return nil
		}
		return err
	}
	d.Serial, d.SerialErr = DecodeSerial(data)
	return nil
}

// DecodeSerial decodes the content of EF 2FE2: the first 10 bytes as 20 packed BCD
// digits (what follows them, if the EF is larger, is padding).
func DecodeSerial(b []byte) (string, error) {
	if len(b) < SerialBytes {
		return "", fmt.Errorf("%d bytes, want %d: %w", len(b), SerialBytes, ErrBadSerial)
	}
	digits := make([]byte, 0, 2*SerialBytes)
	for _, x := range b[:SerialBytes] {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return "", fmt.Errorf("byte %02X: %w", x, ErrBadSerial)
		}
		digits = append(digits, '0'+hi, '0'+lo)
	}
	return string(digits), nil
}

// EncodeSerial packs a 20-digit serial into the 10 bytes of EF 2FE2.
func EncodeSerial(s string) ([]byte, error) {
	if len(s) != 2*SerialBytes {
		return nil, fmt.Errorf("%d digits, want %d: %w", len(s), 2*SerialBytes, ErrBadSerial)
	}
	out := make([]byte, SerialBytes)
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, fmt.Errorf("character %q: %w", s[i], ErrBadSerial)
		}
		out[i/2] |= (s[i] - '0') << (4 * (1 - i%2))
	}
	return out, nil
}

// readLifecycle selects foms_root by name asking for its FCP (P2=04) and takes the life
// cycle status byte (8A) from it; a card that refuses P2=04 is asked for the FCI
// (P2=00) instead. A card with neither, or with no 8A in them, leaves it unknown.
func readLifecycle(c *apdu.Client, d *Details) error {
	for _, p2 := range []byte{selectFCP, apdu.SelectFCI} {
		r, err := c.Transmit(apdu.Command{INS: apdu.InsSelect, P1: apdu.SelectByDFName, P2: p2,
			Data: []byte(DFRoot), Ne: apdu.MaxShortNe})
		if err != nil {
			if cardAnswered(err) {
				return nil
			}
			return err
		}
		b, found := lifecycleIn(r.Data)
		switch {
		case r.SW == SWTerminated:
			d.Terminated, d.LifecycleKnown, d.Lifecycle = true, true, LifecycleTerminated
			if found && LifecycleOf(b) == LifecycleVoided {
				d.Lifecycle = b
			}
			return nil
		case r.SW.OK() && found:
			d.Lifecycle, d.LifecycleKnown = b, true
			return nil
		case r.SW.OK() && len(r.Data) > 0:
			return nil // a template without 8A: the card does not say
		case r.SW.OK(), r.SW == apdu.SWIncorrectP1P2, r.SW == apdu.SWFunctionNotSupported, r.SW == apdu.SWWrongLength:
			continue // P2=04 refused (or answered empty): try the FCI
		default:
			return nil // no foms_root (6A82), or a card that will not say
		}
	}
	return nil
}

// lifecycleIn finds the life cycle status byte in a SELECT answer: 8A inside an FCP
// template 62, inside an FCI template 6F, or inside a 62 nested in 6F.
func lifecycleIn(data []byte) (byte, bool) {
	objs, err := tlv.Decoder{AllowPadding: true}.Decode(data)
	if err != nil {
		return 0, false
	}
	for _, o := range objs {
		if o.Tag != tagFCP && o.Tag != tagFCI {
			continue
		}
		if lc, ok := o.Find(tagLifecycle); ok && len(lc.Value) == 1 {
			return lc.Value[0], true
		}
		if fcp, ok := o.Find(tagFCP); ok {
			if lc, ok := fcp.Find(tagLifecycle); ok && len(lc.Value) == 1 {
				return lc.Value[0], true
			}
		}
	}
	return 0, false
}

// readInsurerFiles reads the insurer EFs of FOMS_INS from 0202 upwards until one does
// not exist, then the current one (GET DATA 01B0) if the run did not include it.
func readInsurerFiles(c *apdu.Client, d *Details) error {
	if err := c.SelectByName(DFInsurers); err != nil {
		if cardAnswered(err) {
			return nil // no FOMS_INS: nothing to read (Read has said why already)
		}
		return err
	}
	ptr, err := c.GetData(DataCurrentInsurer, 2)
	switch {
	case err == nil && len(ptr) == 2:
		d.Current = uint16(ptr[0])<<8 | uint16(ptr[1])
	case err != nil && !cardAnswered(err):
		return err
	}
	budget := maxDetailsBytes
	seen := false
	for i := range MaxInsurerFiles {
		fid := FirstInsurerFID + uint16(i)
		ef, err := readEF(c, fid, &budget)
		if err != nil {
			return err
		}
		if ef == nil {
			break // 6A82: the records end here
		}
		d.InsurerFiles = append(d.InsurerFiles, *ef)
		seen = seen || fid == d.Current
	}
	if d.Current != 0 && !seen {
		ef, err := readEF(c, d.Current, &budget)
		if err != nil {
			return err
		}
		if ef != nil {
			d.InsurerFiles = append(d.InsurerFiles, *ef)
		}
	}
	return nil
}

// readEF selects and reads one insurer EF. It returns nil when the EF does not exist
// (6A82), an EFData with Err for any other refusal or a record that does not parse, and
// an error only when the exchange failed or the budget ran out.
func readEF(c *apdu.Client, fid uint16, budget *int) (*EFData, error) {
	if *budget <= 0 {
		return nil, fmt.Errorf("after EF %04X: %w", fid-1, ErrDetailsTooLarge)
	}
	ef := &EFData{FID: fid}
	if err := c.SelectEF(fid); err != nil {
		switch {
		case errors.Is(err, apdu.ErrFileNotFound):
			return nil, nil
		case cardAnswered(err):
			ef.Err = err // 6982 on official cards: history needs authentication
			return ef, nil
		}
		return nil, err
	}
	var ext bool
	data, err := readRecordFile(c, false, &ext)
	if err != nil {
		if !cardAnswered(err) {
			return nil, err
		}
		ef.Err = fmt.Errorf("reading EF %04X: %w", fid, err)
		return ef, nil
	}
	*budget -= len(data)
	ef.Data = data
	return ef, nil
}

// cardAnswered reports whether err is the card's answer (a status word, a malformed or
// truncated answer, a record that does not parse) rather than a failed exchange — after
// which nothing more should be sent. An endless 61xx chain counts as a failed exchange:
// going on would let a hostile card make us send thousands of GET RESPONSEs per EF.
func cardAnswered(err error) bool {
	if _, ok := apdu.AsStatusWord(err); ok {
		return true
	}
	var se *tlv.SyntaxError
	return errors.As(err, &se) || errors.Is(err, ErrFileTruncated) || errors.Is(err, tlv.ErrLengthTooLarge) ||
		errors.Is(err, apdu.ErrMalformedResponse)
}

// fileID is a file identifier as SELECT sends it, big-endian.
func fileID(fid uint16) []byte { return []byte{byte(fid >> 8), byte(fid)} }
