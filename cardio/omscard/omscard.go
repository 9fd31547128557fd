// Package omscard reads an OMS policy card the way the official reader programs do
// (oms-card-format.md §1): SELECT foms_root (falling back to FOMS_ID directly), EF 0201,
// SELECT FOMS_INS, GET DATA 01B0 for the current insurer EF, and that EF — all inside
// one transaction so that no other program can move the card's current file in between.
//
// It also owns the names of the card's application (DF names, file IDs), which the
// virtual card uses to build the same file system.
package omscard

import (
	"errors"
	"fmt"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/tlv"
)

// The OMS card application (oms-card-format.md §1).
const (
	DFRoot     = "foms_root" // parent DF of the two below
	DFOwner    = "FOMS_ID"   // owner data that never change
	DFInsurers = "FOMS_INS"  // insurer (SMO) records

	EFOwner uint16 = 0x0201 // owner record, template 62, in FOMS_ID

	// DataCurrentInsurer is the GET DATA tag (P1-P2) inside FOMS_INS whose 2-byte value
	// is the file ID of the EF holding the current insurer record.
	DataCurrentInsurer uint16 = 0x01B0
)

// MaxFileSize bounds a record file. READ BINARY with INS B0 addresses offsets up to
// 7FFF (ISO/IEC 7816-4 §11.2.3: P1 bit 8 set means a short EF identifier instead), so no
// record this package can read is larger; a header claiming more is a broken card.
const MaxFileSize = 0x7FFF + 1

// ErrNotOMSCard means the card answered, but it has no OMS policy application.
var ErrNotOMSCard = errors.New("not an OMS policy card")

// ErrVoided means the card's OMS application was terminated (ISO/IEC 7816-9 TERMINATE
// DF; SELECT answers 6285): a card the issuer voided, which must not be taken for a
// policy.
var ErrVoided = errors.New("OMS application terminated: the card was voided")

// ErrInsurerUnreadable wraps every failure after the owner record was read: the card
// identified its holder, but its insurer record could not be read or decoded. Read
// returns the partial result with it, so a front desk can still see who the card
// belongs to.
var ErrInsurerUnreadable = errors.New("insurer record unreadable")

// ErrFileTruncated means a record file ended before its TLV header said it would.
var ErrFileTruncated = errors.New("file shorter than its TLV length")

// Options tune a read.
type Options struct {
	// Extended lets the reader fetch the rest of a large file with one extended-length
	// READ BINARY instead of 256-byte chunks. Set it only when the card (its ATR card
	// capabilities, ISO/IEC 7816-4 §8.1.1.2.7) and the reader support extended APDUs.
	Extended bool
}

// Result is one read: the decoded policy, and the raw files for dumps and technicians.
type Result struct {
	Policy       *policy.Policy
	OwnerFile    []byte
	InsurerFile  []byte // nil when the card names no current insurer
	SelectedRoot bool   // whether foms_root was selected (false: FOMS_ID directly)
	APDUs        int    // APDUs sent, GET RESPONSE and resends included
	Extended     bool   // whether an extended-length read was used
}

// Read reads the whole policy from the card behind t. When the owner record was read
// but the insurer part failed, it returns the partial result (Policy.Insurer nil)
// together with an error wrapping ErrInsurerUnreadable; on any other error the result
// is nil.
func Read(t cardio.Transport, opts Options) (*Result, error) {
	if err := t.BeginTransaction(); err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	c := apdu.NewClient(t)
	res, err := read(c, opts)
	// EndTransaction's failure after a good read changes nothing we read; after a bad
	// read the read's own error is the one worth reporting.
	if endErr := t.EndTransaction(); endErr != nil && err == nil {
		err = fmt.Errorf("ending transaction: %w", endErr)
	}
	if res != nil {
		res.APDUs = c.Sent
	}
	return res, err
}

func read(c *apdu.Client, opts Options) (*Result, error) {
	res := &Result{}
	var err error
	if res.SelectedRoot, err = selectOwnerDF(c); err != nil {
		return nil, err
	}
	if err := c.SelectEF(EFOwner); err != nil {
		return nil, fmt.Errorf("reading owner record: %w", err)
	}
	if res.OwnerFile, err = readRecordFile(c, opts.Extended, &res.Extended); err != nil {
		return nil, fmt.Errorf("reading owner record: %w", err)
	}
	owner, err := policy.DecodeOwner(res.OwnerFile)
	if err != nil {
		return nil, err
	}
	res.Policy = &policy.Policy{Owner: *owner}
	if err := readInsurer(c, opts, res); err != nil {
		return res, fmt.Errorf("%w: %w", ErrInsurerUnreadable, err)
	}
	return res, nil
}

// readInsurer reads the current insurer record into res: SELECT FOMS_INS, GET DATA
// 01B0, SELECT the EF it names, READ BINARY.
func readInsurer(c *apdu.Client, opts Options, res *Result) error {
	if err := c.SelectByName(DFInsurers); err != nil {
		return fmt.Errorf("reading insurer record: %w", err)
	}
	ptr, err := c.GetData(DataCurrentInsurer, 2)
	if errors.Is(err, apdu.ErrReferencedDataMissing) {
		return nil // a card with no current insurer: Policy.Insurer stays nil
	}
	if err != nil {
		return fmt.Errorf("reading current insurer pointer: %w", err)
	}
	if len(ptr) != 2 {
		return fmt.Errorf("reading current insurer pointer: %d bytes, want 2: %w", len(ptr), apdu.ErrMalformedResponse)
	}
	fid := uint16(ptr[0])<<8 | uint16(ptr[1])
	res.Policy.InsurerFileID = fid // kept even if the EF turns out missing: a technician needs it
	if err := c.SelectEF(fid); err != nil {
		return fmt.Errorf("reading insurer record: %w", err)
	}
	file, err := readRecordFile(c, opts.Extended, &res.Extended)
	if err != nil {
		return fmt.Errorf("reading insurer record: %w", err)
	}
	in, err := policy.DecodeInsurer(file)
	if err != nil {
		return err
	}
	res.InsurerFile, res.Policy.Insurer = file, in
	return nil
}

// selectOwnerDF selects FOMS_ID, through foms_root when the card has it. A card that
// knows neither is not an OMS policy (it answers 6Axx, or refuses the command outright).
func selectOwnerDF(c *apdu.Client) (viaRoot bool, err error) {
	err = c.SelectByName(DFRoot)
	switch {
	case errors.Is(err, apdu.ErrSelectedFileTerminated):
		return false, fmt.Errorf("%w (%w): %w", ErrNotOMSCard, ErrVoided, err)
	case err == nil:
		viaRoot = true
	case !isNotHere(err):
		return false, err
	}
	if err = c.SelectByName(DFOwner); err != nil {
		if isNotHere(err) {
			return false, fmt.Errorf("%w: %w", ErrNotOMSCard, err)
		}
		return false, err
	}
	return viaRoot, nil
}

// isNotHere reports whether a SELECT failed because the card lacks the file, as opposed
// to a transport failure: any 6Axx, or "instruction/class not supported", or "command not
// allowed" from cards that refuse selection by DF name.
func isNotHere(err error) bool {
	sw, ok := apdu.AsStatusWord(err)
	if !ok {
		return false
	}
	switch sw.SW1() {
	case 0x6A, 0x6D, 0x6E, 0x69, 0x6B, 0x62:
		return true
	}
	return sw == apdu.SWWrongLength || sw == apdu.SWNoPreciseDiagnos
}

// readRecordFile reads the current EF, which holds one BER-TLV record: a first chunk
// tells the record's full length from its TLV header, and exactly the missing bytes are
// then read, by offset, in chunks (or in one extended-length read).
func readRecordFile(c *apdu.Client, extended bool, usedExtended *bool) ([]byte, error) {
	asked := apdu.MaxShortNe
	data, status, err := c.ReadBinary(0, asked)
	if errors.Is(err, apdu.ErrWrongLength) {
		// A card that refuses Le=256 on a shorter file: read just the header first.
		asked = 8
		data, status, err = c.ReadBinary(0, asked)
	}
	if err != nil {
		return nil, err
	}
	_, hdr, vlen, err := tlv.ParseHeader(data)
	if err != nil {
		return nil, fmt.Errorf("parsing record header: %w", err)
	}
	total := hdr + vlen
	if total > MaxFileSize {
		return nil, fmt.Errorf("record of %d bytes exceeds %d: %w", total, MaxFileSize, tlv.ErrLengthTooLarge)
	}
	if len(data) >= total {
		return data[:total:total], nil
	}
	if status == apdu.SWEndOfFile || len(data) < asked {
		// The card has told us the file ended here.
		return nil, fmt.Errorf("%d of %d bytes: %w", len(data), total, ErrFileTruncated)
	}
	file := make([]byte, 0, total)
	file = append(file, data...)
	for len(file) < total {
		n := min(total-len(file), apdu.MaxShortNe)
		if extended {
			n = min(total-len(file), apdu.MaxExtendedNe-1)
			*usedExtended = true
		}
		chunk, _, err := c.ReadBinary(len(file), n)
		if errors.Is(err, apdu.ErrWrongP1P2) || err == nil && len(chunk) == 0 {
			// Offset beyond the end of the EF (ISO/IEC 7816-4 §11.2.3: 6B00).
			return nil, fmt.Errorf("%d of %d bytes: %w", len(file), total, ErrFileTruncated)
		}
		if err != nil {
			return nil, err
		}
		file = append(file, chunk...)
	}
	return file[:total:total], nil
}
