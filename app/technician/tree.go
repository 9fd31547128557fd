package technician

import (
	"encoding/hex"
	"fmt"
	"strings"

	"omsdesk/cardio/atr"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
)

// lifecycleKeys translates the names atr.LifeCycle gives life cycle status bytes
// (ISO/IEC 7816-4 §5.3.3.2).
var lifecycleKeys = map[string]string{
	"no information":            "technician.lifecycle.none",
	"creation":                  "technician.lifecycle.creation",
	"initialisation":            "technician.lifecycle.initialisation",
	"operational (activated)":   "technician.lifecycle.activated",
	"operational (deactivated)": "technician.lifecycle.deactivated",
	"termination":               "technician.lifecycle.terminated",
	"proprietary":               "technician.lifecycle.proprietary",
	"RFU":                       "technician.lifecycle.rfu",
}

// treeText draws the card's file system as the dump knows it: the MF with the serial
// EF 2FE2 of our profile, foms_root with its life cycle status, FOMS_ID with the owner
// EF 0201, FOMS_INS with the current-insurer pointer and every insurer EF.
func (s *Screen) treeText(d *dump.Dump) string {
	tr := s.tr
	var b strings.Builder
	line := func(prefix, text string) { b.WriteString(prefix + text + "\n") }

	line("", "MF 3F00")
	serial := tr.T("technician.tree.serial_none")
	switch {
	case d.SerialError != "":
		serial = tr.T("technician.tree.serial_bad", "error", d.SerialError)
	case d.Serial != "":
		serial = tr.T("technician.tree.bytes", "n", fmt.Sprint(omscard.SerialBytes)) + " — " + d.Serial
	}
	line("├─ ", fmt.Sprintf("EF %04X — %s: %s", omscard.EFSerial, tr.T("technician.tree.serial"), serial))

	lc := tr.T("technician.tree.lifecycle_unknown")
	if b, ok := d.LifecycleByte(); ok {
		name := atr.LifeCycle(b)
		if k, ok := lifecycleKeys[name]; ok {
			name = tr.T(k)
		}
		lc = fmt.Sprintf("%02X — %s", b, name)
	}
	line("└─ ", fmt.Sprintf("DF %s — %s: %s", omscard.DFRoot, tr.T("technician.tree.lifecycle"), lc))

	var owner, insurers []dump.File
	for _, f := range d.Files {
		if f.DF == omscard.DFOwner {
			owner = append(owner, f)
		} else {
			insurers = append(insurers, f)
		}
	}
	line("   ├─ ", "DF "+omscard.DFOwner)
	for i, f := range owner {
		line("   │  "+branch(i, len(owner)), s.efText(f, tr.T("technician.tree.owner"), false))
	}
	ptr := tr.T("technician.tree.pointer_none")
	if d.CurrentInsurer != "" {
		ptr = d.CurrentInsurer
	}
	line("   └─ ", fmt.Sprintf("DF %s — %s: %s", omscard.DFInsurers, tr.T("technician.tree.pointer"), ptr))
	for i, f := range insurers {
		line("      "+branch(i, len(insurers)), s.efText(f, tr.T("technician.tree.insurer"), f.FID == d.CurrentInsurer))
	}
	if len(insurers) == 0 {
		line("      └─ ", tr.T("technician.tree.no_insurer"))
	}
	return b.String()
}

func branch(i, n int) string {
	if i == n-1 {
		return "└─ "
	}
	return "├─ "
}

// efText describes one EF: its size, or why it could not be read.
func (s *Screen) efText(f dump.File, what string, current bool) string {
	text := fmt.Sprintf("EF %s — %s: ", f.FID, what)
	switch {
	case f.Error != "" && f.SW != "":
		text += s.tr.T("technician.tree.refused", "sw", f.SW)
	case f.Error != "":
		text += s.tr.T("technician.tree.unreadable", "error", f.Error)
	default:
		text += s.tr.T("technician.tree.bytes", "n", fmt.Sprint(hex.DecodedLen(len(f.Data))))
	}
	if current {
		text += " — " + s.tr.T("technician.tree.current")
	}
	return text
}
