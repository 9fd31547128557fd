// Package vcard is the virtual OMS policy card: a stateful ISO/IEC 7816-4 card with the
// official card's file system (foms_root, FOMS_ID with EF 0201, FOMS_INS with GET DATA
// 01B0 and the insurer EFs) that answers SELECT (by DF name, by file ID, with or without
// FCI), READ BINARY, GET DATA and GET RESPONSE with the status words a real card gives.
//
// It is a product feature, not a test mock: newcomers try the program with it, captured
// card files are replayed through it, and tests use its fault modes (T=0 style 61xx
// chains, 6Cxx answers, slow answers, removal mid-read, malformed data). It runs
// in-process as a [cardio.Transport] (see [Card.Transport]) and behind pcscd through
// vsmartcard's vpcd driver (package vpcd), because it implements that package's Card.
//
// Cards built by [New] are official-like and read-only. [NewBlank] builds the other type:
// a writable blank card of OMS Desk's issuance profile (docs/card-profile.md), which
// answers CREATE FILE, UPDATE BINARY, PUT DATA, VERIFY, CHANGE REFERENCE DATA, RESET
// RETRY COUNTER, ACTIVATE FILE, DELETE FILE and TERMINATE DF with PINs, retry counters,
// life cycle states and memory limits, so that personalisation code can be developed and
// tested — including against power lost after any APDU (Faults.TearAfter,
// [Card.Reinsert]) and across restarts ([Card.Snapshot], [Restore]).
package vcard

import (
	"errors"
	"sync"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
)

// DefaultATR is the ATR of a real OMS policy card family (oms-card-format.md §4): T=1,
// IFSC 254, historical bytes "FOMSOMS".
var DefaultATR = []byte{0x3B, 0xF7, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45,
	0x46, 0x4F, 0x4D, 0x53, 0x4F, 0x4D, 0x53, 0xA9}

// ExtendedATR has DefaultATR's interface bytes and compact-TLV historical bytes that
// advertise extended Lc and Le fields: category 80, card capabilities 73 whose third
// byte has bit 0x40 set (ISO/IEC 7816-4 §8.1.1.2.7). Cards built with ExtendedLength
// and no ATR of their own get it, so readers know they may send extended APDUs.
var ExtendedATR = withTCK([]byte{0x3B, 0xF5, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45,
	0x80, 0x73, 0x80, 0x21, 0x40})

// withTCK appends the check byte TCK: the XOR of T0 up to the last byte before it
// (ISO/IEC 7816-3 §8.2.5).
func withTCK(atr []byte) []byte {
	var x byte
	for _, b := range atr[1:] {
		x ^= b
	}
	return append(atr, x)
}

// ErrRemoved is returned by Transmit once the card has been pulled (fault mode
// RemoveAfter): the reader sees the card gone mid-exchange.
var ErrRemoved = errors.New("virtual card removed")

// Faults are misbehaviours a test can switch on. The zero value is a well-behaved card.
type Faults struct {
	// T0 answers every command that returns data with 61xx, so the reader must fetch
	// the data with GET RESPONSE, 256 bytes at most per round, as T=0 cards do.
	T0 bool `json:"t0,omitempty"`
	// WrongLe answers a READ BINARY or GET DATA whose Le does not match the bytes
	// available with 6Cxx (the exact length), as some cards do instead of 6282.
	WrongLe bool `json:"wrong_le,omitempty"`
	// Delay makes every answer this slow.
	Delay time.Duration `json:"delay,omitempty"`
	// RemoveAfter pulls the card when this many APDUs have been answered (0: never).
	RemoveAfter int `json:"remove_after,omitempty"`
	// TearAfter cuts the power right after the card has processed this many APDUs
	// (0: never): the last one's effect is on the card, its answer is lost (Transmit
	// returns ErrRemoved) and the volatile state (current files, verified PINs) is gone.
	// [Card.Reinsert] puts the same card back.
	TearAfter int `json:"tear_after,omitempty"`
}

// Card is one virtual card. It is safe for use by several goroutines (vpcd's presence
// polling can arrive between APDUs).
type Card struct {
	mu        sync.Mutex
	atr       []byte
	mf        *file
	curDF     *file
	curEF     *file
	pending   []byte // response bytes waiting for GET RESPONSE
	faults    Faults
	answered  int
	removed   bool
	extLength bool

	// The issuance profile (profile.go): writing commands, PINs, memory, life cycle.
	profile  bool
	pins     [2]pinState // PINIssuer, PINHolder
	capacity int
	version  uint64 // counts changes to the persistent state
}

// Transmit answers one command APDU. It never fails except after removal.
//
// Every APDU is atomic: its whole effect on the persistent state happens, or none of it.
// Power loss (the TearAfter fault) happens between APDUs, as on cards that commit each
// write in a transaction.
func (c *Card) Transmit(cmd []byte) ([]byte, error) {
	c.mu.Lock()
	if c.removed {
		c.mu.Unlock()
		return nil, ErrRemoved
	}
	if c.faults.RemoveAfter > 0 && c.answered >= c.faults.RemoveAfter {
		c.removed = true
		c.faults.RemoveAfter = 0 // spent: SetFaults re-arms it
		c.mu.Unlock()
		return nil, ErrRemoved
	}
	c.answered++
	resp := c.process(cmd)
	if c.faults.TearAfter > 0 && c.answered >= c.faults.TearAfter {
		c.removed = true
		c.faults.TearAfter = 0
		c.resetVolatile()
		c.mu.Unlock()
		return nil, ErrRemoved
	}
	delay := c.faults.Delay
	c.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	return resp.Bytes(), nil
}

// ATR returns the card's answer to reset.
func (c *Card) ATR() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.atr...)
}

// PowerOn, PowerOff and Reset return the card to its state after reset: MF selected,
// nothing pending, no PIN verified (ISO/IEC 7816-4 §7.1: the current file and the
// security status are lost with power).
func (c *Card) PowerOn()  { c.reset() }
func (c *Card) PowerOff() { c.reset() }
func (c *Card) Reset()    { c.reset() }

func (c *Card) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetVolatile()
}

// resetVolatile forgets what a card forgets without power; c.mu is held.
func (c *Card) resetVolatile() {
	c.curDF, c.curEF, c.pending = c.mf, nil, nil
	for i := range c.pins {
		c.pins[i].verified = false
	}
}

func sw(s apdu.StatusWord) apdu.Response { return apdu.Response{SW: s} }

// process runs one command; c.mu is held.
func (c *Card) process(raw []byte) apdu.Response {
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return sw(apdu.SWWrongLength)
	}
	if cmd.IsExtended() && !c.extLength {
		return sw(apdu.SWWrongLength)
	}
	// CLA: interindustry class only (ISO/IEC 7816-4 §5.4.1). Channels and secure
	// messaging are not part of this card.
	switch {
	case cmd.CLA&0x80 != 0:
		return sw(apdu.SWCLANotSupported)
	case cmd.CLA&0x0C != 0:
		return sw(apdu.SWSecureMessagingNotSupported)
	case cmd.CLA&0x03 != 0:
		return sw(apdu.SWLogicalChannelNotSupported)
	case cmd.CLA&0x10 != 0:
		return sw(apdu.SWFunctionNotSupported) // command chaining: nothing here needs it
	}
	if cmd.INS != apdu.InsGetResponse {
		c.pending = nil // GET RESPONSE must directly follow the command it completes
	}
	switch cmd.INS {
	case apdu.InsSelect:
		return c.deliver(c.selectFile(cmd))
	case apdu.InsReadBinary:
		return c.deliver(c.readBinary(cmd))
	case apdu.InsGetData:
		return c.deliver(c.getData(cmd))
	case apdu.InsGetResponse:
		return c.getResponse(cmd)
	}
	if c.profile {
		if r, ok := c.processWrite(cmd); ok {
			return r
		}
	}
	return sw(apdu.SWINSNotSupported)
}

// deliver applies the T=0 fault: data go out only through GET RESPONSE.
func (c *Card) deliver(r apdu.Response) apdu.Response {
	if !c.faults.T0 || len(r.Data) == 0 || !(r.SW.OK() || r.SW == apdu.SWEndOfFile) {
		return r
	}
	c.pending = r.Data
	return sw(apdu.SW(0x61, byte(min(len(r.Data), 256))))
}

func (c *Card) getResponse(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWIncorrectP1P2)
	}
	if len(c.pending) == 0 {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	n := min(cmd.Ne, len(c.pending))
	if n == 0 {
		return sw(apdu.SWWrongLength)
	}
	out := c.pending[:n]
	c.pending = c.pending[n:]
	if len(c.pending) > 0 {
		return apdu.Response{Data: out, SW: apdu.SW(0x61, byte(min(len(c.pending), 256)))}
	}
	c.pending = nil
	return apdu.Response{Data: out, SW: apdu.SWOK}
}

// selectFile implements SELECT (ISO/IEC 7816-4 §11.1.1) for P1 = 00 (by FID from the
// MF or current DF), 01 (child DF), 02 (EF under current DF), 03 (parent DF), 04 (by DF
// name); P2 = 0C (no data), 00 (FCI) or 04 (FCP, answered with the same template).
func (c *Card) selectFile(cmd apdu.Command) apdu.Response {
	if cmd.P2 != apdu.SelectNoFCI && cmd.P2 != apdu.SelectFCI && cmd.P2 != selectFCP {
		return sw(apdu.SWIncorrectP1P2)
	}
	var target *file
	switch cmd.P1 {
	case apdu.SelectByDFName:
		if len(cmd.Data) == 0 || len(cmd.Data) > 16 {
			return sw(apdu.SWWrongData)
		}
		target = c.mf.findDF(string(cmd.Data))
	case apdu.SelectMF, apdu.SelectChildDF, apdu.SelectByFileID:
		if cmd.P1 == apdu.SelectMF && len(cmd.Data) == 0 {
			target = c.mf
			break
		}
		if len(cmd.Data) != 2 {
			return sw(apdu.SWWrongData)
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		switch {
		case fid == fidMF && cmd.P1 == apdu.SelectMF:
			target = c.mf
		default:
			target = c.curDF.child(fid)
			if target == nil && cmd.P1 == apdu.SelectMF && c.curDF.parent != nil {
				target = c.curDF.parent.child(fid) // a sibling DF, as §7.1.1 allows
			}
		}
		if target != nil && (cmd.P1 == apdu.SelectChildDF && !target.df || cmd.P1 == apdu.SelectByFileID && target.df) {
			target = nil
		}
	case 0x03:
		target = c.curDF.parent
	default:
		return sw(apdu.SWIncorrectP1P2)
	}
	if target == nil {
		return sw(apdu.SWFileNotFound)
	}
	if target.df {
		c.curDF, c.curEF = target, nil
	} else {
		c.curEF = target
	}
	status := apdu.SWOK
	if terminated(target) {
		status = apdu.SWSelectedFileTerminated // selected all the same
	}
	if cmd.P2 == apdu.SelectNoFCI {
		return sw(status)
	}
	tmpl := target.fci()
	if c.profile && cmd.P2 == selectFCP {
		tmpl = target.fcp()
	}
	r := c.sized(tmpl, cmd.Ne)
	if r.SW.OK() {
		r.SW = status
	}
	return r
}

// selectFCP is SELECT's P2 asking for the FCP template 62 (ISO/IEC 7816-4 §11.1.1,
// table 40). Official-like cards answer it with their FCI, as before.
const selectFCP byte = 0x04

// sized answers a command that returns data (SELECT with FCI) given its Le: with no Le
// (Ne = 0, ISO/IEC 7816-3 case 3 on T=1) the data are sent anyway, as common cards do;
// an Le smaller than the data gets 6Cxx with the exact length.
func (c *Card) sized(data []byte, ne int) apdu.Response {
	if ne != 0 && ne < len(data) {
		return sw(apdu.SW(0x6C, byte(len(data))))
	}
	return apdu.Response{Data: data, SW: apdu.SWOK}
}

// readBinary implements READ BINARY with an offset in P1-P2 (ISO/IEC 7816-4 §11.2.3),
// or a short EF identifier in P1 (bit 8 set; bits 5-1 the SFI, P2 the offset).
func (c *Card) readBinary(cmd apdu.Command) apdu.Response {
	ef := c.curEF
	offset := int(cmd.P1)<<8 | int(cmd.P2)
	if cmd.P1&0x80 != 0 {
		if cmd.P1&0x60 != 0 {
			return sw(apdu.SWIncorrectP1P2)
		}
		sfi := uint16(cmd.P1 & 0x1F)
		ef = nil
		for _, f := range c.curDF.children {
			if !f.df && f.fid&0x1F == sfi {
				ef = f
				break
			}
		}
		if ef == nil {
			return sw(apdu.SWFileNotFound)
		}
		c.curEF = ef
		offset = int(cmd.P2)
	}
	if ef == nil {
		return sw(apdu.SWCommandNotAllowed)
	}
	if terminated(ef) {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if cmd.Ne == 0 {
		return sw(apdu.SWWrongLength)
	}
	if offset >= len(ef.data) {
		return sw(apdu.SWWrongP1P2)
	}
	avail := len(ef.data) - offset
	n := min(avail, cmd.Ne)
	data := append([]byte(nil), ef.data[offset:offset+n]...)
	if n < cmd.Ne {
		if c.faults.WrongLe && n <= 256 && !cmd.IsExtended() {
			return sw(apdu.SW(0x6C, byte(n)))
		}
		// Le = 00 (Ne 256, or 65536 extended) means "as much as there is, up to the
		// maximum" (ISO/IEC 7816-4 §5.1): fewer bytes are a complete answer. An explicit
		// Le the file cannot fill gets the warning 6282, end of file reached.
		if cmd.Ne != apdu.MaxShortNe && cmd.Ne != apdu.MaxExtendedNe {
			return apdu.Response{Data: data, SW: apdu.SWEndOfFile}
		}
	}
	return apdu.Response{Data: data, SW: apdu.SWOK}
}

// getData implements GET DATA (ISO/IEC 7816-4 §11.4.3) for the data objects of the
// current DF: in FOMS_INS, tag 01B0 is the current insurer EF.
func (c *Card) getData(cmd apdu.Command) apdu.Response {
	tag := uint16(cmd.P1)<<8 | uint16(cmd.P2)
	if terminated(c.curDF) {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	v, ok := c.curDF.objects[tag]
	if !ok {
		return sw(apdu.SWReferencedDataMissing)
	}
	if cmd.Ne == 0 {
		return sw(apdu.SWWrongLength)
	}
	if cmd.Ne != len(v) && (c.faults.WrongLe || cmd.Ne < len(v)) && len(v) <= 256 {
		return sw(apdu.SW(0x6C, byte(len(v))))
	}
	return apdu.Response{Data: append([]byte(nil), v...), SW: apdu.SWOK}
}

// Transport returns an in-process transport to the card. Transactions are a no-op
// beyond bookkeeping: nothing else can reach an in-process card.
func (c *Card) Transport() cardio.Transport { return &transport{c: c} }

type transport struct{ c *Card }

func (t *transport) Transmit(b []byte) ([]byte, error) { return t.c.Transmit(b) }
func (t *transport) BeginTransaction() error {
	if t.c.isRemoved() {
		return ErrRemoved
	}
	return nil
}
func (t *transport) EndTransaction() error { return nil }

func (c *Card) isRemoved() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.removed
}

// Layout describes what goes on a card: its ATR, the raw owner record (EF 0201), the
// insurer EFs and which of them is current.
type Layout struct {
	ATR []byte
	// Owner is the content of EF 0201 (template 62). Nil leaves FOMS_ID out entirely,
	// which makes a card that is not an OMS policy (together with no insurers).
	Owner []byte
	// Insurers are the EFs of FOMS_INS. The first is given FID 0202 when FID is 0.
	Insurers []InsurerEF
	// Current is the FID GET DATA 01B0 answers with; 0 leaves the object out (a card
	// with no current insurer).
	Current uint16
	// ExtendedLength makes the card accept extended-length APDUs (ISO/IEC 7816-4 §5.1);
	// advertise it in the ATR's card capabilities too, or readers will not use it.
	ExtendedLength bool
	// NoRootDF puts FOMS_ID and FOMS_INS directly under the MF, as on card families
	// that readers must select without foms_root (oms-card-format.md §1).
	NoRootDF bool
	Faults   Faults
}

// InsurerEF is one insurer record file.
type InsurerEF struct {
	FID  uint16
	Data []byte
}

// FirstInsurerFID is the file ID our profile gives the first insurer record. The
// official cards' insurer EF IDs are read from GET DATA 01B0, never assumed.
const FirstInsurerFID uint16 = 0x0202

// New builds a card with the layout's file system. A layout with neither owner nor
// insurers is a card without the OMS application: SELECT by name answers 6A82.
func New(l Layout) *Card {
	atr := l.ATR
	switch {
	case len(atr) > 0:
	case l.ExtendedLength:
		atr = ExtendedATR
	default:
		atr = DefaultATR
	}
	mf := newDF(fidMF, "")
	if l.Owner != nil || len(l.Insurers) > 0 {
		root := mf
		if !l.NoRootDF {
			root = mf.add(newDF(fidRoot, omscard.DFRoot))
		}
		owner := root.add(newDF(fidOwnerDF, omscard.DFOwner))
		if l.Owner != nil {
			owner.add(&file{fid: omscard.EFOwner, data: append([]byte(nil), l.Owner...)})
		}
		ins := root.add(newDF(fidInsureDF, omscard.DFInsurers))
		for i, e := range l.Insurers {
			fid := e.FID
			if fid == 0 {
				fid = FirstInsurerFID + uint16(i)
			}
			ins.add(&file{fid: fid, data: append([]byte(nil), e.Data...)})
		}
		if l.Current != 0 {
			ins.objects[omscard.DataCurrentInsurer] = []byte{byte(l.Current >> 8), byte(l.Current)}
		}
	}
	return &Card{atr: append([]byte(nil), atr...), mf: mf, curDF: mf, faults: l.Faults, extLength: l.ExtendedLength}
}
