package vcard

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"omsdesk/cardio/omscard"
)

// The issuance profile (docs/card-profile.md): the file IDs, PIN references, limits and
// life cycle states of the writable "blank card" that OMS Desk personalises itself.
const (
	// FIDSerial is the EF under the MF holding the card serial number, written at
	// manufacture: 10 bytes of packed BCD, 20 digits, first digit in the high nibble
	// (like EF ICCID, ETSI TS 102 221 §13.2, but not nibble-swapped).
	FIDSerial uint16 = 0x2FE2
	// FIDRoot, FIDOwnerDF and FIDInsurersDF are the file IDs of foms_root, FOMS_ID and
	// FOMS_INS; the insurer EFs are FirstInsurerFID, 0203, … in order.
	FIDRoot       uint16 = 0x5000
	FIDOwnerDF    uint16 = 0x5001
	FIDInsurersDF uint16 = 0x5002
)

// PIN references (P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER): global
// reference data, ISO/IEC 7816-4 §11.5.6 table 65 (bit 8 of P2 clear).
const (
	PINIssuer byte = 0x01 // the transport PIN set at manufacture, then the office's
	PINHolder byte = 0x02 // the holder's PIN, set by the office before activation
)

// PIN format and counters.
const (
	PINMinLen   = 4  // ASCII digits
	PINMaxLen   = 8  // ASCII digits
	PINBlockLen = 8  // bytes in a VERIFY data field: the digits padded with FF
	PINTries    = 3  // retry counter after a successful VERIFY or a reset
	SerialLen   = 20 // digits of the card serial number
)

// DefaultIssuerPIN is the transport PIN of a virtual blank card unless one is given.
const DefaultIssuerPIN = "12345678"

// Memory accounting of a profile card: each EF costs its size plus EFOverhead bytes,
// each DF (the MF included) DFCost bytes; data objects cost nothing beyond their DF.
const (
	DefaultCapacity = 32 * 1024
	EFOverhead      = 32
	DFCost          = 64
	// MaxEFSize is the largest EF CREATE FILE accepts: READ BINARY and UPDATE BINARY
	// address offsets up to 7FFF (ISO/IEC 7816-4 §11.2.3).
	MaxEFSize = 0x7FFF
)

// Life cycle status bytes (FCP tag 8A, ISO/IEC 7816-4 §5.3.3.2, table 15).
const (
	LCSCreation   byte = 0x01 // created by CREATE FILE, being personalised
	LCSActivated  byte = 0x05 // operational, activated (ACTIVATE FILE)
	LCSTerminated byte = 0x0C // terminated (TERMINATE DF): the card is void
)

// BlankATR is the ATR of a profile card: DefaultATR's interface bytes (T=1, IFSC 254)
// with our own historical bytes "OMSDESK1" (proprietary: their first byte is not a
// category indicator of ISO/IEC 7816-4 §8.1.1.1) and TCK.
var BlankATR = withTCK([]byte{0x3B, 0xF8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45,
	'O', 'M', 'S', 'D', 'E', 'S', 'K', '1'})

// BlankExtendedATR is BlankATR for a card built with extended length: compact-TLV
// historical bytes (category 80) with the card capabilities of ExtendedATR and
// "OMSDESK1" as card issuer's data (tag 5).
var BlankExtendedATR = withTCK([]byte{0x3B, 0xFE, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45,
	0x80, 0x73, 0x80, 0x21, 0x40, 0x58, 'O', 'M', 'S', 'D', 'E', 'S', 'K', '1'})

// Errors of BlankOptions.Validate and PINBlock.
var (
	ErrBadSerial   = errors.New("card serial number must be 20 digits")
	ErrBadPIN      = errors.New("PIN must be 4 to 8 digits")
	ErrBadCapacity = errors.New("card capacity too small or too large")
)

// BlankOptions describe a virtual blank card as it leaves the factory.
type BlankOptions struct {
	// Serial is the 20-digit serial number in EF 2FE2; empty: SerialFromSeed("").
	Serial string
	// IssuerPIN is the transport PIN; empty: DefaultIssuerPIN.
	IssuerPIN string
	// Capacity is the memory for files in bytes; 0: DefaultCapacity.
	Capacity int
	// ExtendedLength makes the card accept extended-length APDUs (and BlankExtendedATR
	// is its default ATR).
	ExtendedLength bool
	// ATR replaces the default ATR.
	ATR    []byte
	Faults Faults
}

// maxCapacity bounds Capacity: far above any real card, low enough that a state file
// cannot ask for absurd allocations.
const maxCapacity = 1 << 24

// Validate reports whether NewBlank can build the card.
func (o BlankOptions) Validate() error {
	if o.Serial != "" && !allDigits(o.Serial, SerialLen, SerialLen) {
		return fmt.Errorf("checking serial %q: %w", o.Serial, ErrBadSerial)
	}
	if o.IssuerPIN != "" && !allDigits(o.IssuerPIN, PINMinLen, PINMaxLen) {
		return fmt.Errorf("checking issuer PIN: %w", ErrBadPIN)
	}
	if o.Capacity != 0 && (o.Capacity < blankCost || o.Capacity > maxCapacity) {
		return fmt.Errorf("checking capacity %d (%d to %d): %w", o.Capacity, blankCost, maxCapacity, ErrBadCapacity)
	}
	return nil
}

// blankCost is the memory a blank card uses: the MF and EF 2FE2.
const blankCost = DFCost + SerialLen/2 + EFOverhead

// NewBlank builds a blank card of the issuance profile: the MF with EF 2FE2 (both
// operational), the issuer PIN set with 3 tries, no holder PIN, nothing else. It panics
// when o.Validate fails: check options that come from users first.
func NewBlank(o BlankOptions) *Card {
	if err := o.Validate(); err != nil {
		panic("vcard.NewBlank: " + err.Error())
	}
	serial, pin, capacity := o.Serial, o.IssuerPIN, o.Capacity
	if serial == "" {
		serial = SerialFromSeed("")
	}
	if pin == "" {
		pin = DefaultIssuerPIN
	}
	if capacity == 0 {
		capacity = DefaultCapacity
	}
	atr := o.ATR
	switch {
	case len(atr) > 0:
	case o.ExtendedLength:
		atr = BlankExtendedATR
	default:
		atr = BlankATR
	}
	mf := newDF(fidMF, "")
	mf.lcs = LCSActivated
	mf.add(&file{fid: FIDSerial, data: encodeSerial(serial), lcs: LCSActivated})
	c := &Card{atr: append([]byte(nil), atr...), mf: mf, curDF: mf, faults: o.Faults,
		extLength: o.ExtendedLength, profile: true, capacity: capacity}
	c.pins[0] = pinState{value: pin, set: true, tries: PINTries}
	c.pins[1] = pinState{tries: PINTries}
	return c
}

// SerialFromSeed derives a 20-digit serial number from a seed, so that test rigs and
// demonstrations get stable, distinct serials without inventing them.
func SerialFromSeed(seed string) string {
	sum := sha256.Sum256([]byte("omsdesk blank card serial\x00" + seed))
	b := make([]byte, SerialLen)
	for i := range b {
		b[i] = '0' + sum[i]%10
	}
	return string(b)
}

// encodeSerial packs 20 digits into 10 bytes, first digit in the high nibble.
func encodeSerial(s string) []byte {
	out := make([]byte, len(s)/2)
	for i := range out {
		out[i] = (s[2*i]-'0')<<4 | (s[2*i+1] - '0')
	}
	return out
}

// decodeSerial unpacks EF 2FE2; ok is false for anything but 10 bytes of BCD digits.
func decodeSerial(b []byte) (string, bool) {
	if len(b) != SerialLen/2 {
		return "", false
	}
	out := make([]byte, 0, SerialLen)
	for _, x := range b {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return "", false
		}
		out = append(out, '0'+hi, '0'+lo)
	}
	return string(out), true
}

// PINBlock formats a PIN for the data field of VERIFY, CHANGE REFERENCE DATA and RESET
// RETRY COUNTER: its ASCII digits padded with FF to 8 bytes.
func PINBlock(pin string) ([]byte, error) {
	if !allDigits(pin, PINMinLen, PINMaxLen) {
		return nil, ErrBadPIN
	}
	b := make([]byte, PINBlockLen)
	for i := range b {
		b[i] = 0xFF
	}
	copy(b, pin)
	return b, nil
}

// parsePINBlock is PINBlock's inverse; ok is false for a malformed block.
func parsePINBlock(b []byte) (string, bool) {
	if len(b) != PINBlockLen {
		return "", false
	}
	n := 0
	for n < len(b) && b[n] != 0xFF {
		n++
	}
	for _, x := range b[n:] {
		if x != 0xFF {
			return "", false
		}
	}
	pin := string(b[:n])
	return pin, allDigits(pin, PINMinLen, PINMaxLen)
}

func allDigits(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for _, r := range []byte(s) {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// consentDF reports whether d is FOMS_INS, whose contents may change after activation
// with the holder's consent (his PIN) as well as the issuer PIN.
func consentDF(d *file) bool { return d != nil && d.df && d.name == omscard.DFInsurers }
