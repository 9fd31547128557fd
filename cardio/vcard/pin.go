package vcard

import (
	"crypto/subtle"

	"omsdesk/cardio/apdu"
)

// pinState is one global PIN of a profile card. value, set and tries are persistent;
// verified is the security status, lost with power (ISO/IEC 7816-4 §5.4.3).
type pinState struct {
	value    string
	set      bool
	tries    int
	verified bool
}

// pinRef returns the PIN P2 names, or nil for an unknown reference.
func (c *Card) pinRef(p2 byte) *pinState {
	switch p2 {
	case PINIssuer:
		return &c.pins[0]
	case PINHolder:
		return &c.pins[1]
	}
	return nil
}

// counter is the 63Cx answer: x tries left.
func counter(tries int) apdu.Response { return sw(apdu.SWCounter | apdu.StatusWord(tries&0x0F)) }

// check compares a PIN block with the PIN and counts the attempt: a match restores the
// counter and sets the security status, a mismatch costs a try. The answer is 9000 or
// 63Cx (63C0: this attempt blocked it).
func (c *Card) check(p *pinState, block []byte) apdu.Response {
	want, _ := PINBlock(p.value)
	if subtle.ConstantTimeCompare(want, block) == 1 {
		if p.tries != PINTries {
			p.tries = PINTries
			c.changed()
		}
		p.verified = true
		return sw(apdu.SWOK)
	}
	p.tries--
	p.verified = false
	c.changed()
	return counter(p.tries)
}

// verify implements VERIFY (ISO/IEC 7816-4 §11.5.6): 00 20 00 P2 08 <PIN block>, or
// with no data to ask whether the PIN is verified.
func (c *Card) verify(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 {
		return sw(apdu.SWIncorrectP1P2)
	}
	p := c.pinRef(cmd.P2)
	switch {
	case p == nil:
		return sw(apdu.SWReferencedDataMissing)
	case !p.set:
		return sw(apdu.SWReferenceDataNotUsable)
	case p.tries == 0:
		return sw(apdu.SWAuthenticationMethodBlocked)
	case len(cmd.Data) == 0:
		if p.verified {
			return sw(apdu.SWOK)
		}
		return counter(p.tries)
	case len(cmd.Data) != PINBlockLen:
		return sw(apdu.SWWrongLength)
	}
	return c.check(p, cmd.Data)
}

// changeReferenceData implements CHANGE REFERENCE DATA (ISO/IEC 7816-4 §11.5.7):
// P1=00 replaces either PIN given the old one (00 24 00 P2 10 <old><new>); P1=01 sets
// the holder PIN without an old one (00 24 01 02 08 <new>), only before activation and
// with the issuer PIN verified.
func (c *Card) changeReferenceData(cmd apdu.Command) apdu.Response {
	switch cmd.P1 {
	case 0x00:
		p := c.pinRef(cmd.P2)
		switch {
		case p == nil:
			return sw(apdu.SWReferencedDataMissing)
		case len(cmd.Data) != 2*PINBlockLen:
			return sw(apdu.SWWrongLength)
		case !p.set:
			return sw(apdu.SWReferenceDataNotUsable)
		case p.tries == 0:
			return sw(apdu.SWAuthenticationMethodBlocked)
		}
		pin, ok := parsePINBlock(cmd.Data[PINBlockLen:])
		if !ok {
			return sw(apdu.SWWrongData)
		}
		if r := c.check(p, cmd.Data[:PINBlockLen]); !r.SW.OK() {
			return r
		}
		p.value = pin
		c.changed()
		return sw(apdu.SWOK)
	case 0x01:
		if cmd.P2 != PINHolder {
			return sw(apdu.SWIncorrectP1P2)
		}
		switch {
		case len(cmd.Data) != PINBlockLen:
			return sw(apdu.SWWrongLength)
		case c.activated():
			return sw(apdu.SWConditionsNotSatisfied)
		case !c.pins[0].verified:
			return sw(apdu.SWSecurityStatusNotSatisfied)
		}
		return c.setPIN(&c.pins[1], cmd.Data)
	}
	return sw(apdu.SWIncorrectP1P2)
}

// resetRetryCounter implements RESET RETRY COUNTER (ISO/IEC 7816-4 §11.5.10) for the
// holder PIN, with the issuer PIN verified: P1=02 sets a new PIN (00 2C 02 02 08 <new>),
// P1=03 only restores the counter.
func (c *Card) resetRetryCounter(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0x02 && cmd.P1 != 0x03 || cmd.P2 != PINHolder {
		return sw(apdu.SWIncorrectP1P2)
	}
	p := &c.pins[1]
	switch {
	case cmd.P1 == 0x02 && len(cmd.Data) != PINBlockLen, cmd.P1 == 0x03 && len(cmd.Data) != 0:
		return sw(apdu.SWWrongLength)
	case !c.pins[0].verified:
		return sw(apdu.SWSecurityStatusNotSatisfied)
	case cmd.P1 == 0x03 && !p.set:
		return sw(apdu.SWReferenceDataNotUsable)
	case cmd.P1 == 0x03:
		p.tries = PINTries
		c.changed()
		return sw(apdu.SWOK)
	}
	return c.setPIN(p, cmd.Data)
}

// setPIN stores a new holder PIN with a full counter; it is not verified by that.
func (c *Card) setPIN(p *pinState, block []byte) apdu.Response {
	pin, ok := parsePINBlock(block)
	if !ok {
		return sw(apdu.SWWrongData)
	}
	*p = pinState{value: pin, set: true, tries: PINTries}
	c.changed()
	return sw(apdu.SWOK)
}

// activated reports whether any DF below the MF has left the creation state: the card
// has been activated (or voided), and the holder PIN can no longer be set without RESET
// RETRY COUNTER.
func (c *Card) activated() bool {
	found := false
	walk(c.mf, func(f *file) {
		if f.df && f != c.mf && f.lcs != LCSCreation {
			found = true
		}
	})
	return found
}
