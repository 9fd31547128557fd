// Package personalise writes an OMS policy onto a blank card of OMS Desk's issuance
// profile (docs/card-profile.md) and moves an issued card to a new insurer, with the
// standard ISO/IEC 7816-4 and 7816-9 commands the profile defines.
//
// Work is expressed as a Plan: the exact list of command APDUs, built in advance from the
// encoded records. Building first and sending second keeps the order that makes tearing
// safe in one place, lets tests cut the power after every step of the real sequence, and
// lets the issuance flow report progress step by step. A Plan knows nothing of the
// registry or of signing keys: the records it writes are already encoded and signed.
package personalise

import (
	"errors"
	"fmt"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
)

// PIN references (P2 of VERIFY and CHANGE REFERENCE DATA): global reference data.
const (
	pinIssuer byte = 0x01
	pinHolder byte = 0x02
)

// File identifiers and sizes of the profile. The DF names are the official card's
// (oms-card-format.md §1); the DF file IDs are the profile's own.
const (
	FIDSerial     uint16 = 0x2FE2 // MF/EF: card serial, 10 bytes packed BCD
	fidMF         uint16 = 0x3F00
	fidRoot       uint16 = 0x5000
	fidOwnerDF    uint16 = 0x5001
	fidInsurersDF uint16 = 0x5002
	// FirstInsurerFID is the EF of the first insurer record; later records follow.
	FirstInsurerFID uint16 = 0x0202
	// InsurerEFSize is the fixed size of an insurer record EF. A record is rewritten once,
	// when its insurer period ends (end date added, signature renewed), so the EF must
	// hold the longer record; the rest is 00 padding. 1 KiB holds the record, an ECDSA
	// signature and a signer certificate of up to about 850 bytes.
	InsurerEFSize = 1024
	// chunk is the data per UPDATE BINARY: the largest short Lc (ISO/IEC 7816-4 §5.1).
	chunk = apdu.MaxShortNc
)

// PINs are the secrets a plan needs. Issuer is the office's (at first the card's
// transport) PIN; Holder is the holder's PIN: set at issuance, asked for again when the
// insurer changes (the holder's consent).
type PINs struct {
	Issuer string
	Holder string
}

// ErrBadPIN means a PIN is not 4–8 ASCII digits, the profile's format.
var ErrBadPIN = errors.New("PIN must be 4 to 8 digits")

// pinBlock pads a PIN with FF to the profile's 8 bytes.
func pinBlock(pin string) ([]byte, error) {
	if len(pin) < 4 || len(pin) > 8 {
		return nil, ErrBadPIN
	}
	b := []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return nil, ErrBadPIN
		}
		b[i] = pin[i]
	}
	return b, nil
}

// Step is one command of a plan.
type Step struct {
	// Name says what the step does, stable for progress displays and the journal:
	// "verify_issuer_pin", "create:FOMS_ID", "write:0201 2/5", "activate" …
	Name    string
	Command apdu.Command
	// Secret marks a command whose data is a PIN: traces and logs must never show it.
	Secret bool
}

// Plan is a sequence of steps sent in order; any status word other than 9000 stops it.
type Plan []Step

func verify(ref byte, pin, name string) (Step, error) {
	b, err := pinBlock(pin)
	if err != nil {
		return Step{}, fmt.Errorf("%s: %w", name, err)
	}
	return Step{Name: name, Command: apdu.Command{INS: apdu.InsVerify, P2: ref, Data: b}, Secret: true}, nil
}

func selectMF() Step {
	return Step{Name: "select:MF", Command: apdu.Command{INS: apdu.InsSelect, P1: apdu.SelectMF, P2: apdu.SelectNoFCI, Data: be16(fidMF)}}
}

func selectDF(name string) Step {
	return Step{Name: "select:" + name, Command: apdu.Command{INS: apdu.InsSelect, P1: apdu.SelectByDFName, P2: apdu.SelectNoFCI, Data: []byte(name)}}
}

func selectEF(fid uint16) Step {
	return Step{Name: fmt.Sprintf("select:%04X", fid), Command: apdu.Command{INS: apdu.InsSelect, P1: apdu.SelectByFileID, P2: apdu.SelectNoFCI, Data: be16(fid)}}
}

// createDF builds CREATE FILE for a DF: FCP 62 with descriptor 38, FID and DF name.
func createDF(fid uint16, name string) Step {
	fcp := tlvs(0x82, []byte{0x38}, 0x83, be16(fid), 0x84, []byte(name))
	return Step{Name: "create:" + name, Command: apdu.Command{INS: apdu.InsCreateFile, Data: fcp}}
}

// createEF builds CREATE FILE for a transparent EF of the given size.
func createEF(fid uint16, size int) Step {
	fcp := tlvs(0x82, []byte{0x01}, 0x83, be16(fid), 0x80, be16(uint16(size)))
	return Step{Name: fmt.Sprintf("create:%04X", fid), Command: apdu.Command{INS: apdu.InsCreateFile, Data: fcp}}
}

// write splits data into UPDATE BINARY commands for the current EF.
func write(fid uint16, data []byte) []Step {
	n := (len(data) + chunk - 1) / chunk
	steps := make([]Step, 0, n)
	for i := 0; i < n; i++ {
		off := i * chunk
		part := data[off:min(off+chunk, len(data))]
		steps = append(steps, Step{Name: fmt.Sprintf("write:%04X %d/%d", fid, i+1, n),
			Command: apdu.Command{INS: apdu.InsUpdateBinary, P1: byte(off >> 8), P2: byte(off), Data: part}})
	}
	return steps
}

func putPointer(fid uint16) Step {
	return Step{Name: fmt.Sprintf("point:%04X", fid), Command: apdu.Command{INS: apdu.InsPutData,
		P1: byte(omscard.DataCurrentInsurer >> 8), P2: byte(omscard.DataCurrentInsurer & 0xFF), Data: be16(fid)}}
}

func be16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

// tlvs encodes short tag/value pairs (every value here is under 128 bytes).
func tlvs(pairs ...any) []byte {
	var body []byte
	for i := 0; i < len(pairs); i += 2 {
		v := pairs[i+1].([]byte)
		body = append(body, byte(pairs[i].(int)), byte(len(v)))
		body = append(body, v...)
	}
	return append([]byte{0x62, byte(len(body))}, body...)
}

// ErrRecordTooLarge means an insurer record does not fit the profile's insurer EF, or an
// owner record exceeds the largest EF the profile can create.
var ErrRecordTooLarge = errors.New("record too large for the card profile")

// MaxOwnerSize bounds the owner EF (its size field is two bytes; photos are normalised
// far below this).
const MaxOwnerSize = 0x7FFF

// padded returns an insurer record followed by 00 padding to the EF's size.
func padded(record []byte) ([]byte, error) {
	if len(record) > InsurerEFSize {
		return nil, fmt.Errorf("insurer record of %d bytes (EF holds %d): %w", len(record), InsurerEFSize, ErrRecordTooLarge)
	}
	out := make([]byte, InsurerEFSize)
	copy(out, record)
	return out, nil
}

// Issuance is the plan that personalises a blank card: the file tree, the owner record,
// the first insurer record and its pointer, and the holder's PIN. It leaves the card in
// the creation state, so a reader or the integrity check sees an incomplete card until
// Activation runs after the read-back comparison; power lost at any step in between
// leaves a card that is blank or visibly incomplete, never one that passes as issued.
func Issuance(owner, insurer []byte, pins PINs) (Plan, error) {
	if len(owner) == 0 || len(owner) > MaxOwnerSize {
		return nil, fmt.Errorf("owner record of %d bytes: %w", len(owner), ErrRecordTooLarge)
	}
	ins, err := padded(insurer)
	if err != nil {
		return nil, err
	}
	issuer, err := verify(pinIssuer, pins.Issuer, "verify_issuer_pin")
	if err != nil {
		return nil, err
	}
	holder, err := pinBlock(pins.Holder)
	if err != nil {
		return nil, fmt.Errorf("holder PIN: %w", err)
	}
	p := Plan{issuer, selectMF(),
		createDF(fidRoot, omscard.DFRoot),
		createDF(fidOwnerDF, omscard.DFOwner),
		createEF(omscard.EFOwner, len(owner))}
	p = append(p, write(omscard.EFOwner, owner)...)
	p = append(p, selectDF(omscard.DFRoot),
		createDF(fidInsurersDF, omscard.DFInsurers),
		createEF(FirstInsurerFID, InsurerEFSize))
	p = append(p, write(FirstInsurerFID, ins)...)
	p = append(p, putPointer(FirstInsurerFID),
		Step{Name: "set_holder_pin", Command: apdu.Command{INS: apdu.InsChangeReferenceData, P1: 0x01, P2: pinHolder, Data: holder}, Secret: true})
	return p, nil
}

// Activation closes personalisation: ACTIVATE FILE on foms_root moves the whole OMS
// application to the operational state, after which the owner record is read-only.
func Activation(pins PINs) (Plan, error) {
	issuer, err := verify(pinIssuer, pins.Issuer, "verify_issuer_pin")
	if err != nil {
		return nil, err
	}
	return Plan{issuer, selectDF(omscard.DFRoot), {Name: "activate", Command: apdu.Command{INS: apdu.InsActivateFile}}}, nil
}

// InsurerChange moves an issued card to a new insurer. previousFID is the EF of the
// current record and closedPrevious its new content (end date added, signed again);
// nextFID is the new EF and next the new record. createNext is false when an earlier,
// interrupted change already created that EF: the plan then writes into it, so
// running the change again finishes it.
//
// The order makes the pointer move the commit: the new record is written first, then the
// previous one is closed, and only then does 01B0 name the new record. Power lost before
// the last step leaves a history the integrity check rejects (an unreadable or
// unpointed newer record, or a closed current one), never a card that passes with mixed
// data.
func InsurerChange(previousFID uint16, closedPrevious []byte, nextFID uint16, next []byte, createNext bool, pins PINs) (Plan, error) {
	if nextFID <= previousFID {
		return nil, fmt.Errorf("new insurer EF %04X must follow %04X", nextFID, previousFID)
	}
	nextData, err := padded(next)
	if err != nil {
		return nil, err
	}
	prevData, err := padded(closedPrevious)
	if err != nil {
		return nil, err
	}
	issuer, err := verify(pinIssuer, pins.Issuer, "verify_issuer_pin")
	if err != nil {
		return nil, err
	}
	holder, err := verify(pinHolder, pins.Holder, "verify_holder_pin")
	if err != nil {
		return nil, err
	}
	p := Plan{issuer, holder, selectDF(omscard.DFInsurers)}
	if createNext {
		p = append(p, createEF(nextFID, InsurerEFSize))
	} else {
		p = append(p, selectEF(nextFID))
	}
	p = append(p, write(nextFID, nextData)...)
	p = append(p, selectEF(previousFID))
	p = append(p, write(previousFID, prevData)...)
	// The pointer is the commit; activating FOMS_INS afterwards moves the new EF out of
	// the creation state (bookkeeping only: the access rules already treat it as
	// activated).
	return append(p, putPointer(nextFID), Step{Name: "activate:" + omscard.DFInsurers, Command: apdu.Command{INS: apdu.InsActivateFile}}), nil
}

// Wipe deletes an incomplete OMS application (still in the creation state) so the card
// can be personalised again; the profile refuses it on an activated card.
func Wipe(pins PINs) (Plan, error) {
	issuer, err := verify(pinIssuer, pins.Issuer, "verify_issuer_pin")
	if err != nil {
		return nil, err
	}
	return Plan{issuer, selectDF(omscard.DFRoot), {Name: "delete:" + omscard.DFRoot, Command: apdu.Command{INS: apdu.InsDeleteFile}}}, nil
}

// Void terminates the OMS application for good (a spoiled card): readers then see a card
// in the termination state, not a policy.
func Void(pins PINs) (Plan, error) {
	issuer, err := verify(pinIssuer, pins.Issuer, "verify_issuer_pin")
	if err != nil {
		return nil, err
	}
	return Plan{issuer, selectDF(omscard.DFRoot), {Name: "terminate:" + omscard.DFRoot, Command: apdu.Command{INS: apdu.InsTerminateDF}}}, nil
}

// StepError says which step of a plan failed and how.
type StepError struct {
	Index int    // 0-based position in the plan
	Step  string // the step's Name
	Err   error  // an apdu.StatusWord, or the transport's error (card removed …)
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %d (%s): %v", e.Index+1, e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// Run sends the plan's steps in order inside one transaction and stops at the first
// failure. progress, when not nil, is called after each step that succeeded.
func (p Plan) Run(t cardio.Transport, progress func(done int, s Step)) error {
	if err := t.BeginTransaction(); err != nil {
		return &StepError{Index: 0, Step: "begin_transaction", Err: err}
	}
	defer t.EndTransaction()
	c := apdu.NewClient(t)
	for i, s := range p {
		if _, err := c.Run(s.Command); err != nil {
			return &StepError{Index: i, Step: s.Name, Err: err}
		}
		if progress != nil {
			progress(i+1, s)
		}
	}
	return nil
}
