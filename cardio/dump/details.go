package dump

import (
	"encoding/hex"
	"fmt"
	"strings"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
)

// addDetails puts what omscard.ReadDetails found into the dump: the serial, the life
// cycle byte and every insurer EF. Where the details' read of an EF failed but the main
// read got the current record, the main read's bytes are kept; a current record the
// details did not reach is added from the main read.
func (d *Dump) addDetails(det *omscard.Details, res *omscard.Result) {
	d.Serial = det.Serial
	if det.SerialErr != nil {
		d.SerialError = det.SerialErr.Error()
	}
	if det.LifecycleKnown {
		d.Lifecycle = fmt.Sprintf("%02X", det.Lifecycle)
	}
	var current uint16
	if res.Policy != nil {
		current = res.Policy.InsurerFileID
	}
	haveCurrent := false
	for _, ef := range det.InsurerFiles {
		f := File{DF: omscard.DFInsurers, FID: fid(ef.FID)}
		switch {
		case ef.Err == nil:
			f.Data = hexOf(ef.Data)
		case ef.FID == current && res.InsurerFile != nil:
			f.Data = hexOf(res.InsurerFile)
		default:
			f.Error = ef.Err.Error()
			if sw, ok := apdu.AsStatusWord(ef.Err); ok {
				f.SW = fmt.Sprintf("%04X", uint16(sw))
			}
		}
		haveCurrent = haveCurrent || ef.FID == current
		d.Files = append(d.Files, f)
	}
	if !haveCurrent && res.InsurerFile != nil {
		d.Files = append(d.Files, File{DF: omscard.DFInsurers, FID: fid(current), Data: hexOf(res.InsurerFile)})
	}
}

// checkDetails refuses a dump whose serial or life cycle byte is malformed.
func (d *Dump) checkDetails() error {
	if d.Serial != "" {
		if _, err := omscard.EncodeSerial(d.Serial); err != nil {
			return fmt.Errorf("serial %q: %w", d.Serial, err)
		}
	}
	if d.Lifecycle != "" {
		if b, err := hex.DecodeString(d.Lifecycle); err != nil || len(b) != 1 {
			return fmt.Errorf("lifecycle %q: want 2 hex digits", d.Lifecycle)
		}
	}
	for _, f := range d.Files {
		if f.SW != "" {
			if b, err := hex.DecodeString(f.SW); err != nil || len(b) != 2 {
				return fmt.Errorf("file %s/%s: sw %q: want 4 hex digits", f.DF, f.FID, f.SW)
			}
		}
	}
	return nil
}

// LifecycleByte returns the dump's life cycle status byte, and whether it has one.
func (d *Dump) LifecycleByte() (byte, bool) {
	b, err := hex.DecodeString(d.Lifecycle)
	if err != nil || len(b) != 1 {
		return 0, false
	}
	return b[0], true
}

// historyLeaves lists the fields of d's insurer records other than the current one (of
// d or of the dump it is compared with, whose fields the policy comparison covers) as
// "history.<fid>.<field>" rows.
func historyLeaves(d, other *Dump) map[string]string {
	out := map[string]string{}
	for _, f := range d.Files {
		if f.DF != omscard.DFInsurers || f.FID == d.CurrentInsurer || f.FID == other.CurrentInsurer {
			continue
		}
		key := "history." + f.FID + "."
		b, err := hex.DecodeString(f.Data)
		if err != nil || f.Error != "" {
			out[key+"readable"] = "no"
			continue
		}
		in, err := policy.DecodeInsurer(b)
		if err != nil {
			out[key+"decoding"] = err.Error()
			continue
		}
		out[key+"ogrn"] = in.OGRN
		out[key+"okato"] = in.OKATO
		out[key+"start"] = in.Start.String()
		out[key+"end"] = in.End.String()
		signed := "no"
		if in.Signature != nil && len(in.Signature.Value) > 0 {
			signed = strings.ToUpper(hex.EncodeToString(in.Signature.Value[:min(8, len(in.Signature.Value))])) + "…"
		}
		out[key+"signature"] = signed
	}
	return out
}
