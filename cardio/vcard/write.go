package vcard

import (
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
)

// processWrite runs the commands only profile cards know; ok is false for any other INS.
// c.mu is held.
func (c *Card) processWrite(cmd apdu.Command) (r apdu.Response, ok bool) {
	switch cmd.INS {
	case apdu.InsVerify:
		return c.verify(cmd), true
	case apdu.InsChangeReferenceData:
		return c.changeReferenceData(cmd), true
	case apdu.InsResetRetryCounter:
		return c.resetRetryCounter(cmd), true
	case apdu.InsCreateFile:
		return c.createFile(cmd), true
	case apdu.InsUpdateBinary:
		return c.updateBinary(cmd), true
	case apdu.InsPutData:
		return c.putData(cmd), true
	case apdu.InsActivateFile:
		return c.activateFile(cmd), true
	case apdu.InsDeleteFile:
		return c.deleteFile(cmd), true
	case apdu.InsTerminateDF:
		return c.terminateDF(cmd), true
	}
	return apdu.Response{}, false
}

// changed records a change to the persistent state (see StateVersion).
func (c *Card) changed() { c.version++ }

// access is what an operation needs under the profile's access rules
// (docs/card-profile.md, "Access rules").
type access int

const (
	needIssuer     access = iota // the issuer PIN verified
	needBoth                     // the issuer PIN and the holder PIN verified
	refusedSecure                // never: 6982
	refusedUseCond               // not in this state: 6985
)

// allowed answers 9000 when the security status grants a.
func (c *Card) allowed(a access) apdu.StatusWord {
	switch {
	case a == refusedSecure:
		return apdu.SWSecurityStatusNotSatisfied
	case a == refusedUseCond:
		return apdu.SWConditionsNotSatisfied
	case !c.pins[0].verified:
		return apdu.SWSecurityStatusNotSatisfied
	case a == needBoth && !c.pins[1].verified:
		return apdu.SWSecurityStatusNotSatisfied
	}
	return apdu.SWOK
}

// updateAccess is the rule for UPDATE BINARY on EF e. In FOMS_INS: the issuer PIN while
// both the DF and the EF are in creation state, afterwards both PINs (the holder's
// consent to a change of insurer). Elsewhere: the issuer PIN while the EF is in creation
// state, never once it is activated (EF 0201, EF 2FE2).
func updateAccess(e *file) access {
	d := e.parent
	if consentDF(d) {
		if e.lcs == LCSCreation && d.lcs == LCSCreation {
			return needIssuer
		}
		return needBoth
	}
	if e.lcs == LCSCreation {
		return needIssuer
	}
	return refusedSecure
}

// createAccess is the rule for CREATE FILE in DF d: the issuer PIN in the MF and in DFs
// in creation state; both PINs in an activated FOMS_INS; refused in other activated DFs.
func createAccess(d *file) access {
	switch {
	case d == nil || d.parent == nil || d.lcs == LCSCreation:
		return needIssuer
	case consentDF(d):
		return needBoth
	}
	return refusedUseCond
}

// putDataAccess is the rule for PUT DATA 01B0 in FOMS_INS d.
func putDataAccess(d *file) access {
	if d.lcs == LCSCreation {
		return needIssuer
	}
	return needBoth
}

// terminated reports whether f or a DF above it is in termination state.
func terminated(f *file) bool {
	for ; f != nil; f = f.parent {
		if f.lcs == LCSTerminated {
			return true
		}
	}
	return false
}

// walk calls fn for f and everything under it, parents first.
func walk(f *file, fn func(*file)) {
	fn(f)
	for _, c := range f.children {
		walk(c, fn)
	}
}

// cost is the memory a file takes (profile.go: EFOverhead, DFCost).
func cost(f *file) int {
	if f.df {
		return DFCost
	}
	return len(f.data) + EFOverhead
}

// used is the memory all files take.
func (c *Card) used() int {
	n := 0
	walk(c.mf, func(f *file) { n += cost(f) })
	return n
}

// createFile implements CREATE FILE (ISO/IEC 7816-9 §8.1): 00 E0 00 00 Lc <FCP>. The
// new file goes under the current DF, in creation state, and becomes the current file.
func (c *Card) createFile(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWIncorrectP1P2)
	}
	spec, err := parseFCP(cmd.Data)
	if err != nil {
		return sw(apdu.SWWrongData)
	}
	d := c.curDF
	if terminated(d) {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if s := c.allowed(createAccess(d)); !s.OK() {
		return sw(s)
	}
	if d.child(spec.fid) != nil || spec.fid == d.fid {
		return sw(apdu.SWFileExists)
	}
	if spec.name != "" && c.dfNamed(spec.name) {
		return sw(apdu.SWDFNameExists)
	}
	f := &file{fid: spec.fid, df: spec.df, name: spec.name, lcs: LCSCreation}
	if spec.df {
		f.objects = map[uint16][]byte{}
	} else {
		f.data = make([]byte, spec.size)
	}
	if c.used()+cost(f) > c.capacity {
		return sw(apdu.SWNotEnoughMemory)
	}
	d.add(f)
	if f.df {
		c.curDF, c.curEF = f, nil
	} else {
		c.curEF = f
	}
	c.changed()
	return sw(apdu.SWOK)
}

// dfNamed reports whether a DF of exactly this name exists.
func (c *Card) dfNamed(name string) bool {
	found := false
	walk(c.mf, func(f *file) { found = found || f.df && f.name == name })
	return found
}

// updateBinary implements UPDATE BINARY (ISO/IEC 7816-4 §11.2.5) on the current EF with
// a 15-bit offset in P1-P2 (no short EF identifiers).
func (c *Card) updateBinary(cmd apdu.Command) apdu.Response {
	if cmd.P1&0x80 != 0 {
		return sw(apdu.SWIncorrectP1P2)
	}
	e := c.curEF
	switch {
	case e == nil:
		return sw(apdu.SWCommandNotAllowed)
	case len(cmd.Data) == 0:
		return sw(apdu.SWWrongLength)
	case terminated(e):
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if s := c.allowed(updateAccess(e)); !s.OK() {
		return sw(s)
	}
	off := int(cmd.P1)<<8 | int(cmd.P2)
	switch {
	case off >= len(e.data):
		return sw(apdu.SWWrongP1P2)
	case off+len(cmd.Data) > len(e.data):
		return sw(apdu.SWNotEnoughMemory)
	}
	copy(e.data[off:], cmd.Data)
	c.changed()
	return sw(apdu.SWOK)
}

// putData implements PUT DATA (ISO/IEC 7816-4 §11.4.6) for the one data object of the
// profile: 01B0 in FOMS_INS, the FID of the current insurer EF (00 DA 01 B0 02 <fid>).
func (c *Card) putData(cmd apdu.Command) apdu.Response {
	d := c.curDF
	tag := uint16(cmd.P1)<<8 | uint16(cmd.P2)
	switch {
	case tag != omscard.DataCurrentInsurer || !consentDF(d):
		return sw(apdu.SWReferencedDataMissing)
	case terminated(d):
		return sw(apdu.SWConditionsNotSatisfied)
	case len(cmd.Data) != 2:
		return sw(apdu.SWWrongLength)
	}
	if s := c.allowed(putDataAccess(d)); !s.OK() {
		return sw(s)
	}
	target := d.child(uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1]))
	if target == nil || target.df {
		return sw(apdu.SWWrongData)
	}
	d.objects[tag] = append([]byte(nil), cmd.Data...)
	c.changed()
	return sw(apdu.SWOK)
}

// activateFile implements ACTIVATE FILE (ISO/IEC 7816-9 §8.3) with no data: the current
// DF and everything under it in creation state become operational (05). Repeating it
// is harmless, so a reader that lost the answer to a torn ACTIVATE can send it again.
func (c *Card) activateFile(cmd apdu.Command) apdu.Response {
	switch {
	case cmd.P1 != 0 || cmd.P2 != 0:
		return sw(apdu.SWIncorrectP1P2)
	case len(cmd.Data) != 0:
		return sw(apdu.SWWrongLength)
	case terminated(c.curDF):
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if s := c.allowed(needIssuer); !s.OK() {
		return sw(s)
	}
	walk(c.curDF, func(f *file) {
		if f.lcs == LCSCreation {
			f.lcs = LCSActivated
		}
	})
	c.changed()
	return sw(apdu.SWOK)
}

// deleteFile implements DELETE FILE (ISO/IEC 7816-9 §8.2): 00 E4 00 00 02 <fid> deletes
// a child of the current DF, 00 E4 00 00 the current DF, each with everything under it,
// with the issuer PIN, only to re-personalise an incomplete card: the file and all under
// it must be in creation state, and so must its parent DF (or the parent is the MF). A
// file created in an activated DF (a new insurer EF) therefore cannot be deleted: that
// would drop history or the current insurer without the holder. A deleted insurer EF
// named by 01B0 takes the pointer with it.
func (c *Card) deleteFile(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWIncorrectP1P2)
	}
	var target *file
	switch len(cmd.Data) {
	case 0:
		target = c.curDF
	case 2:
		target = c.curDF.child(uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1]))
		if target == nil {
			return sw(apdu.SWFileNotFound)
		}
	default:
		return sw(apdu.SWWrongData)
	}
	if target == c.mf || terminated(target) {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if s := c.allowed(needIssuer); !s.OK() {
		return sw(s)
	}
	d := target.parent
	creation := d == c.mf || d.lcs == LCSCreation
	walk(target, func(f *file) { creation = creation && f.lcs == LCSCreation })
	if !creation {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if ptr, ok := d.objects[omscard.DataCurrentInsurer]; ok && !target.df && len(ptr) == 2 &&
		uint16(ptr[0])<<8|uint16(ptr[1]) == target.fid {
		delete(d.objects, omscard.DataCurrentInsurer)
	}
	for i, f := range d.children {
		if f == target {
			d.children = append(d.children[:i:i], d.children[i+1:]...)
			break
		}
	}
	if within(c.curDF, target) {
		c.curDF, c.curEF = d, nil
	}
	if c.curEF != nil && within(c.curEF, target) {
		c.curEF = nil
	}
	c.changed()
	return sw(apdu.SWOK)
}

// within reports whether f is root or below it.
func within(f, root *file) bool {
	for ; f != nil; f = f.parent {
		if f == root {
			return true
		}
	}
	return false
}

// terminateDF implements TERMINATE DF (ISO/IEC 7816-9 §8.5): the current DF and
// everything under it go to termination state (0C) for good, with the issuer PIN. The
// MF cannot be terminated (EF 2FE2 stays readable). Terminating a terminated DF again
// answers 9000, so a torn TERMINATE can be repeated.
func (c *Card) terminateDF(cmd apdu.Command) apdu.Response {
	switch {
	case cmd.P1 != 0 || cmd.P2 != 0:
		return sw(apdu.SWIncorrectP1P2)
	case len(cmd.Data) != 0:
		return sw(apdu.SWWrongLength)
	case c.curDF == c.mf:
		return sw(apdu.SWConditionsNotSatisfied)
	}
	if s := c.allowed(needIssuer); !s.OK() {
		return sw(s)
	}
	walk(c.curDF, func(f *file) { f.lcs = LCSTerminated })
	c.curEF = nil
	c.changed()
	return sw(apdu.SWOK)
}
