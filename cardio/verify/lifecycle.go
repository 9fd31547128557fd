package verify

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"

	"omsdesk/cardio/apdu"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
)

// checkLifecycle judges foms_root's life cycle status byte (ISO/IEC 7816-4 §5.3.3.2):
// only an operational, activated card was closed after personalisation. Official cards
// do not say (not applicable).
func checkLifecycle(r *Report, d *dump.Dump) {
	const id = "card.lifecycle"
	if d.Lifecycle == "" {
		r.add(id, NA, "lifecycle_unknown", nil)
		return
	}
	b, ok := d.LifecycleByte()
	if !ok {
		r.add(id, Fail, "lifecycle_bad", map[string]string{"value": d.Lifecycle})
		return
	}
	params := map[string]string{"value": fmt.Sprintf("%02X", b)}
	switch omscard.LifecycleOf(b) {
	case omscard.LifecycleOperational:
		r.add(id, Pass, "lifecycle_operational", params)
	case omscard.LifecyclePersonalising:
		r.add(id, Fail, "lifecycle_personalising", params)
	case omscard.LifecycleInactive:
		r.add(id, Fail, "lifecycle_deactivated", params)
	case omscard.LifecycleVoided:
		r.add(id, Fail, "lifecycle_terminated", params)
	default:
		r.add(id, NA, "lifecycle_other", params)
	}
}

// historyRecord is one insurer EF of a dump, decoded when it could be.
type historyRecord struct {
	fid    string
	n      int // the FID as a number, for ordering; -1 when it is not hex
	data   []byte
	in     *policy.Insurer
	sw     string
	broken bool
}

// checkHistory checks the insurer records as a whole (docs/verify-report.md): every EF
// decodes and its signature verifies, the start dates increase with the file ID, every
// record but the last is closed before the next starts, the last is open and the
// pointer names it. A card whose insurer change was torn (power lost between its
// APDUs) fails one of these, so it reads "incomplete", never "valid".
func checkHistory(r *Report, d *dump.Dump, opts Options) {
	const id = "insurer.history"
	var recs []historyRecord
	for _, f := range d.Files {
		if f.DF != omscard.DFInsurers {
			continue
		}
		h := historyRecord{fid: f.FID, n: -1, sw: f.SW}
		if n, err := strconv.ParseUint(f.FID, 16, 16); err == nil {
			h.n = int(n)
		}
		b, err := hex.DecodeString(f.Data)
		if err == nil && f.Error == "" && len(b) > 0 {
			h.data = b
			h.in, err = policy.DecodeInsurer(b)
		}
		h.broken = h.in == nil
		recs = append(recs, h)
	}
	if len(recs) < 2 {
		r.add(id, NA, "history_single", map[string]string{"count": itoa(len(recs))})
		return
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].n < recs[j].n })
	fail := func(code string, fids []string, extra ...string) {
		params := map[string]string{"fids": fmtList(fids)}
		for i := 0; i+1 < len(extra); i += 2 {
			params[extra[i]] = extra[i+1]
		}
		r.add(id, Fail, code, params)
	}
	// An official card keeps its history behind authentication (oms-card-format.md
	// §3): records it refused with 6982 cannot be judged. Our profile has no such
	// records, so there a refusal is a failure like any other.
	profile := d.Serial != "" || d.Lifecycle != ""
	var broken, locked []string
	for _, h := range recs {
		if h.broken {
			broken = append(broken, h.fid)
			if h.sw == fmt.Sprintf("%04X", uint16(apdu.SWSecurityStatusNotSatisfied)) {
				locked = append(locked, h.fid)
			}
		}
	}
	if len(broken) > 0 {
		if !profile && len(locked) == len(broken) {
			r.add(id, NA, "history_locked", map[string]string{"fids": fmtList(locked)})
			return
		}
		fail("record_unreadable", broken)
		return
	}
	var unsigned, invalid []string
	for _, h := range recs {
		if h.in.Signature == nil || len(h.in.Signature.Value) == 0 {
			unsigned = append(unsigned, h.fid)
			continue
		}
		scratch := &Report{}
		checkSignature(scratch, h.in, h.data, opts)
		if c, _ := scratch.Find("signature"); c.Status != Pass {
			invalid = append(invalid, h.fid)
		}
	}
	if len(unsigned) > 0 {
		fail("record_unsigned", unsigned)
		return
	}
	if len(invalid) > 0 {
		fail("signature_invalid", invalid)
		return
	}
	last := recs[len(recs)-1]
	var disorder, open, late []string
	for i, h := range recs {
		if i > 0 {
			prev := recs[i-1]
			if h.in.Start.IsZero() || prev.in.Start.IsZero() || !prev.in.Start.Before(h.in.Start) {
				disorder = appendOnce(disorder, prev.fid, h.fid)
			}
		}
		if i == len(recs)-1 {
			continue
		}
		next := recs[i+1]
		switch {
		case h.in.End.IsZero():
			open = append(open, h.fid)
		case !h.in.End.Before(next.in.Start):
			late = append(late, h.fid)
		}
	}
	switch {
	case len(disorder) > 0:
		fail("dates_not_increasing", disorder)
	case len(open) > 0:
		fail("record_not_closed", open)
	case len(late) > 0:
		fail("closed_after_next_start", late)
	case !last.in.End.IsZero():
		fail("last_record_closed", []string{last.fid})
	case d.CurrentInsurer != last.fid:
		pointer := d.CurrentInsurer
		if pointer == "" {
			pointer = "—"
		}
		fail("pointer_not_last", []string{last.fid}, "pointer", pointer)
	default:
		r.add(id, Pass, "history_ok", map[string]string{"count": itoa(len(recs)), "fids": fmtList(fidsOf(recs))})
	}
}

func fidsOf(recs []historyRecord) []string {
	out := make([]string, len(recs))
	for i, h := range recs {
		out[i] = h.fid
	}
	return out
}

// appendOnce appends the values not already at the end of list.
func appendOnce(list []string, values ...string) []string {
	for _, v := range values {
		if len(list) == 0 || list[len(list)-1] != v {
			list = append(list, v)
		}
	}
	return list
}
