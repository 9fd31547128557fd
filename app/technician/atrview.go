package technician

import (
	"fmt"
	"strings"

	"omsdesk/cardio/atr"
)

// atrRows decodes an ATR (ISO/IEC 7816-3 §8) into the rows of the ATR view: TS, T0,
// the interface bytes of every level, protocols, transmission factors, T=1 parameters,
// historical bytes, TCK and the pcsc-tools list entries it matches.
func (s *Screen) atrRows(raw []byte) []row {
	tr := s.tr
	if len(raw) == 0 {
		return []row{{tr.T("technician.atr.raw"), tr.T("technician.atr.none")}}
	}
	rows := []row{{tr.T("technician.atr.raw"), spaced(raw)}}
	a, err := atr.Parse(raw)
	if err != nil {
		return append(rows, row{tr.T("technician.atr.error"), tr.T("technician.err.atr", "error", err.Error())})
	}
	conv := tr.T("technician.atr.direct")
	if a.TS == atr.TSInverse {
		conv = tr.T("technician.atr.inverse")
	}
	rows = append(rows,
		row{"TS", fmt.Sprintf("%02X — %s", a.TS, conv)},
		row{"T0", fmt.Sprintf("%02X — %s", a.T0, tr.T("technician.atr.t0", "y", fmt.Sprintf("%X", a.T0>>4), "k", fmt.Sprint(a.K)))})
	for _, g := range a.Interface {
		var parts []string
		for _, b := range []struct {
			name string
			v    *byte
		}{{"TA", g.TA}, {"TB", g.TB}, {"TC", g.TC}, {"TD", g.TD}} {
			if b.v != nil {
				parts = append(parts, fmt.Sprintf("%s%d=%02X", b.name, g.Index, *b.v))
			}
		}
		if g.TD != nil {
			parts = append(parts, tr.T("technician.atr.next", "t", fmt.Sprint(*g.TD&0x0F)))
		}
		if len(parts) == 0 {
			parts = append(parts, tr.T("technician.atr.no_bytes"))
		}
		label := tr.T("technician.atr.level", "n", fmt.Sprint(g.Index))
		if g.AfterT != nil {
			label += " (T=" + fmt.Sprint(*g.AfterT) + ")"
		}
		rows = append(rows, row{label, strings.Join(parts, "  ")})
	}
	var ps []string
	for _, p := range a.Protocols {
		ps = append(ps, fmt.Sprintf("T=%d", p))
	}
	rows = append(rows, row{tr.T("technician.atr.protocols"), strings.Join(ps, ", ")})
	if a.Fi != 0 && a.Di != 0 {
		rows = append(rows, row{tr.T("technician.atr.rate"), tr.T("technician.atr.rate_value",
			"fi", fmt.Sprint(a.Fi), "di", fmt.Sprint(a.Di), "fmax", fmt.Sprint(a.FMaxMHz), "bps", fmt.Sprint(a.MaxBitRate))})
	} else {
		rows = append(rows, row{tr.T("technician.atr.rate"), tr.T("technician.atr.rfu")})
	}
	if a.SpecificMode != nil {
		rows = append(rows, row{tr.T("technician.atr.specific"), fmt.Sprintf("T=%d", a.SpecificMode.Protocol)})
	}
	if t1 := a.T1; t1 != nil {
		rows = append(rows, row{tr.T("technician.atr.t1"), fmt.Sprintf("IFSC=%d, BWI=%d, CWI=%d, %s", t1.IFSC, t1.BWI, t1.CWI, t1.EDC)})
	}
	if len(a.Historical) > 0 {
		rows = append(rows, row{tr.T("technician.atr.historical"), fmt.Sprintf("%s  «%s»", spaced(a.Historical), a.HistoricalASCII)},
			row{tr.T("technician.atr.category"), fmt.Sprintf("%02X", a.Category)})
	} else {
		rows = append(rows, row{tr.T("technician.atr.historical"), tr.T("technician.atr.none")})
	}
	if a.ExtendedLength {
		rows = append(rows, row{tr.T("technician.atr.extended"), tr.T("technician.yes")})
	}
	rows = append(rows, row{"TCK", s.tckText(a)})
	if len(a.Extra) > 0 {
		rows = append(rows, row{tr.T("technician.atr.extra"), spaced(a.Extra)})
	}
	return append(rows, row{tr.T("technician.atr.known"), s.knownText(raw)})
}

func (s *Screen) tckText(a *atr.ATR) string {
	switch {
	case !a.TCKRequired && a.TCK == nil:
		return s.tr.T("technician.atr.tck_none")
	case a.TCK == nil:
		return s.tr.T("technician.atr.tck_missing")
	case a.TCKValid:
		return fmt.Sprintf("%02X — %s", *a.TCK, s.tr.T("technician.atr.tck_ok"))
	}
	return fmt.Sprintf("%02X — %s", *a.TCK, s.tr.T("technician.atr.tck_bad"))
}

// knownText is what the pcsc-tools list says about the ATR.
func (s *Screen) knownText(raw []byte) string {
	l, err := s.knownList()
	if err != nil || l == nil {
		return s.tr.T("technician.atr.list_missing")
	}
	var lines []string
	for _, e := range l.MatchEntries(raw) {
		lines = append(lines, e.Description...)
	}
	if len(lines) == 0 {
		return s.tr.T("technician.atr.unknown")
	}
	return strings.Join(lines, "\n")
}
