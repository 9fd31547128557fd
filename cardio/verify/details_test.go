package verify

import (
	"errors"
	"strings"
	"testing"

	"omsdesk/cardio/dump"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
)

const testSerial = "12345678901234567890"

// history is a card of our profile after n-1 insurer changes: records 0202, 0203, …
// each signed, each but the last closed the day before the next starts, the pointer on
// the last; life cycle 05 and a serial.
type history struct {
	t    testing.TB
	s    signer
	p    *policy.Policy
	recs []*policy.Insurer
}

func newHistory(t testing.TB, s signer, n int) *history {
	h := &history{t: t, s: s, p: goodPolicy(t, s)}
	for i := range n {
		in := &policy.Insurer{OGRN: h.p.Insurer.OGRN, OKATO: h.p.Insurer.OKATO, Start: policy.MakeDate(2016+i, 9, 1)}
		if i < n-1 {
			in.End = policy.MakeDate(2017+i, 8, 31)
		}
		s.Sign(t, in)
		h.recs = append(h.recs, in)
	}
	return h
}

// layout lays the card out; the pointer names the last record.
func (h *history) layout() vcard.Layout {
	l := vcard.FromPolicy(h.p)
	l.Insurers = nil
	for i, in := range h.recs {
		l.Insurers = append(l.Insurers, vcard.InsurerEF{FID: 0x0202 + uint16(i), Data: in.Encode()})
	}
	l.Current = 0x0202 + uint16(len(h.recs)-1)
	return l
}

func (h *history) dump(mod func(l *vcard.Layout)) *dump.Dump {
	l := h.layout()
	if mod != nil {
		mod(&l)
	}
	d := dumpOf(l)
	d.Serial, d.Lifecycle = testSerial, "05"
	return d
}

func TestGoodHistoryPasses(t *testing.T) {
	s := newSigner(t, "Тестовый страховщик")
	r := Dump(newHistory(t, s, 3).dump(nil), Options{Today: today})
	if r.Verdict != Pass {
		t.Fatalf("failed: %v\n%+v", r.Failed(), r.Checks)
	}
	for id, code := range map[string]string{"card.lifecycle": "lifecycle_operational", "insurer.history": "history_ok"} {
		if c, _ := r.Find(id); c.Status != Pass || c.Code != code {
			t.Errorf("%s: %+v", id, c)
		}
	}
	if c, _ := r.Find("insurer.history"); c.Params["fids"] != "0202, 0203, 0204" || c.Params["count"] != "3" {
		t.Errorf("history params %v", c.Params)
	}
}

func TestLifecycleCheck(t *testing.T) {
	s := newSigner(t, "Тест")
	tests := []struct {
		value  string
		status Status
		code   string
	}{
		{"", NA, "lifecycle_unknown"},
		{"05", Pass, "lifecycle_operational"},
		{"07", Pass, "lifecycle_operational"},
		{"01", Fail, "lifecycle_personalising"},
		{"03", Fail, "lifecycle_personalising"},
		{"04", Fail, "lifecycle_deactivated"},
		{"06", Fail, "lifecycle_deactivated"},
		{"0C", Fail, "lifecycle_terminated"},
		{"0F", Fail, "lifecycle_terminated"},
		{"00", NA, "lifecycle_other"},
		{"85", NA, "lifecycle_other"},
		{"5", Fail, "lifecycle_bad"},
		{"ZZ", Fail, "lifecycle_bad"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			d := dumpOf(vcard.FromPolicy(goodPolicy(t, s)))
			d.Lifecycle = tt.value
			r := Dump(d, Options{Today: today})
			c, _ := r.Find("card.lifecycle")
			if c.Status != tt.status || c.Code != tt.code || c.Reason == "" {
				t.Fatalf("%+v", c)
			}
			if (r.Verdict == Fail) != (tt.status == Fail) {
				t.Fatalf("verdict %s: %v", r.Verdict, r.Failed())
			}
		})
	}
}

// TestHistoryFailures builds, for each rule of insurer.history, a card that breaks it
// and requires the check to fail with that rule's code, naming the file(s).
func TestHistoryFailures(t *testing.T) {
	s := newSigner(t, "Тестовый страховщик")
	other := newSigner(t, "Чужой")
	tests := []struct {
		name string
		d    func(h *history) *dump.Dump
		code string
		fids string
	}{
		{"garbage record", func(h *history) *dump.Dump {
			return h.dump(func(l *vcard.Layout) { l.Insurers[1].Data = []byte{0x64, 0x03, 0x5F, 0x51} })
		}, "record_unreadable", "0203"},
		{"zeroed EF: created, never written", func(h *history) *dump.Dump {
			return h.dump(func(l *vcard.Layout) { l.Insurers[2].Data = make([]byte, 256) })
		}, "record_unreadable", "0204"},
		{"refused EF on our profile", func(h *history) *dump.Dump {
			d := h.dump(nil)
			d.Files[1].Data, d.Files[1].SW, d.Files[1].Error = "", "6982", "SW 6982"
			return d
		}, "record_unreadable", "0202"},
		{"unsigned", func(h *history) *dump.Dump {
			h.recs[0].Signature = nil
			return h.dump(nil)
		}, "record_unsigned", "0202"},
		{"closed but not re-signed", func(h *history) *dump.Dump {
			h.recs[0].End = policy.MakeDate(2017, 8, 30)
			return h.dump(nil)
		}, "signature_invalid", "0202"},
		{"signed by another key, its certificate kept", func(h *history) *dump.Dump {
			cert := h.recs[1].Signature.Certificate
			other.Sign(t, h.recs[1])
			h.recs[1].Signature.Certificate = cert
			return h.dump(nil)
		}, "signature_invalid", "0203"},
		{"start dates not increasing", func(h *history) *dump.Dump {
			h.recs[1].Start = policy.MakeDate(2016, 9, 1)
			s.Sign(t, h.recs[1])
			return h.dump(nil)
		}, "dates_not_increasing", "0202, 0203"},
		{"previous record not closed (torn after the new record)", func(h *history) *dump.Dump {
			h.recs[1].End = policy.Date{}
			s.Sign(t, h.recs[1])
			return h.dump(nil)
		}, "record_not_closed", "0203"},
		{"closed on the next start", func(h *history) *dump.Dump {
			h.recs[0].End = policy.MakeDate(2017, 9, 1)
			s.Sign(t, h.recs[0])
			return h.dump(nil)
		}, "closed_after_next_start", "0202"},
		{"last record closed", func(h *history) *dump.Dump {
			h.recs[2].End = policy.MakeDate(2026, 1, 1)
			s.Sign(t, h.recs[2])
			return h.dump(nil)
		}, "last_record_closed", "0204"},
		{"pointer on the previous record (torn before the pointer moved)", func(h *history) *dump.Dump {
			return h.dump(func(l *vcard.Layout) { l.Current = 0x0203 })
		}, "pointer_not_last", "0204"},
		{"no pointer", func(h *history) *dump.Dump {
			return h.dump(func(l *vcard.Layout) { l.Current = 0 })
		}, "pointer_not_last", "0204"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Dump(tt.d(newHistory(t, s, 3)), Options{Today: today})
			c, _ := r.Find("insurer.history")
			if c.Status != Fail || c.Code != tt.code || c.Params["fids"] != tt.fids {
				t.Fatalf("%+v", c)
			}
			if r.Verdict != Fail || c.Reason == "" || strings.Contains(c.Reason, "{") {
				t.Fatalf("verdict %s, reason %q", r.Verdict, c.Reason)
			}
		})
	}
}

func TestHistoryNotApplicable(t *testing.T) {
	s := newSigner(t, "Тест")
	// One record: nothing to check.
	r := Dump(newHistory(t, s, 1).dump(nil), Options{Today: today})
	if c, _ := r.Find("insurer.history"); c.Status != NA || c.Code != "history_single" {
		t.Fatalf("one record: %+v", c)
	}
	// An official card (no serial, no life cycle) whose older record needs authentication.
	d := newHistory(t, s, 2).dump(nil)
	d.Serial, d.Lifecycle = "", ""
	d.Files[1].Data, d.Files[1].SW, d.Files[1].Error = "", "6982", "SW 6982: security status not satisfied"
	r = Dump(d, Options{Today: today})
	if c, _ := r.Find("insurer.history"); c.Status != NA || c.Code != "history_locked" || c.Params["fids"] != "0202" {
		t.Fatalf("locked history: %+v", c)
	}
	if r.Verdict != Pass {
		t.Fatalf("an official card with locked history fails: %v", r.Failed())
	}
}

// TestTornInsurerChangeNeverValid replays an insurer change APDU by APDU — create the
// new EF, write it in chunks, rewrite the previous record in chunks, move the pointer —
// and checks the card after every step: incomplete until the last, valid after it.
func TestTornInsurerChangeNeverValid(t *testing.T) {
	s := newSigner(t, "Тестовый страховщик")
	before := newHistory(t, s, 2)
	after := newHistory(t, s, 3)
	old := before.layout()
	final := after.layout()
	const efSize, chunk = 1024, 128
	padded := func(b []byte) []byte { return append(append([]byte(nil), b...), make([]byte, efSize-len(b))...) }

	var states []vcard.Layout
	cur := old
	cur.Insurers = append([]vcard.InsurerEF(nil), old.Insurers...)
	for i := range cur.Insurers {
		cur.Insurers[i].Data = padded(cur.Insurers[i].Data)
	}
	snapshot := func() {
		c := cur
		c.Insurers = nil
		for _, e := range cur.Insurers {
			c.Insurers = append(c.Insurers, vcard.InsurerEF{FID: e.FID, Data: append([]byte(nil), e.Data...)})
		}
		states = append(states, c)
	}
	// CREATE FILE 0204, zero-filled.
	cur.Insurers = append(cur.Insurers, vcard.InsurerEF{FID: 0x0204, Data: make([]byte, efSize)})
	snapshot()
	// UPDATE BINARY the new record, then the closed previous one, chunk by chunk.
	for _, ef := range []int{2, 1} {
		data := final.Insurers[ef].Data
		for off := 0; off < efSize; off += chunk {
			end := min(off+chunk, efSize)
			copy(cur.Insurers[ef].Data[off:end], padded(data)[off:end])
			snapshot()
		}
	}
	// PUT DATA 01B0: the pointer moves.
	cur.Current = 0x0204
	snapshot()

	for i, l := range states {
		d := dumpOf(l)
		d.Serial, d.Lifecycle = testSerial, "05"
		r := Dump(d, Options{Today: today})
		c, _ := r.Find("insurer.history")
		last := i == len(states)-1
		if last && c.Status != Pass {
			t.Fatalf("step %d (complete): %+v", i, c)
		}
		if !last && (c.Status != Fail || r.Verdict != Fail) {
			t.Fatalf("step %d of %d: a torn card reads %s (%+v)", i, len(states), c.Status, c)
		}
	}
}

// registry is an in-memory RegistryLookup.
type registry struct {
	cards    map[string]RegistryCard
	policies map[string]RegistryPolicy
	err      error
}

func (g *registry) CardBySerial(serial string) (RegistryCard, bool, error) {
	c, ok := g.cards[serial]
	return c, ok, g.err
}

func (g *registry) PolicyByENP(enp string) (RegistryPolicy, bool, error) {
	p, ok := g.policies[enp]
	return p, ok, g.err
}

// registryOf is a registry holding the card as issued.
func registryOf(p *policy.Policy) *registry {
	o, in := p.Owner, p.Insurer
	return &registry{
		cards: map[string]RegistryCard{testSerial: {Serial: testSerial, Status: CardActive, ENP: o.ENP}},
		policies: map[string]RegistryPolicy{o.ENP: {ENP: o.ENP, Surname: "Иванов", FirstName: o.FirstName, Patronymic: o.Patronymic,
			BirthDate: o.BirthDate, OGRN: in.OGRN, OKATO: in.OKATO, InsurerStart: in.Start}},
	}
}

func TestRegistryCheck(t *testing.T) {
	s := newSigner(t, "Тест")
	p := goodPolicy(t, s)
	tests := []struct {
		name   string
		serial string
		serr   string
		reg    func() RegistryLookup
		status Status
		code   string
		param  [2]string
	}{
		{"no registry", testSerial, "", func() RegistryLookup { return nil }, NA, "registry_none", [2]string{}},
		{"official card", "", "", func() RegistryLookup { return registryOf(p) }, NA, "registry_no_serial", [2]string{}},
		{"serial unreadable", "", "card serial is not 20 BCD digits", func() RegistryLookup { return registryOf(p) }, Fail, "registry_serial_unreadable", [2]string{}},
		{"registry down", testSerial, "", func() RegistryLookup { g := registryOf(p); g.err = errors.New("database is locked"); return g }, Fail, "registry_error",
			[2]string{"error", "database is locked"}},
		{"unknown card", "99999999999999999999", "", func() RegistryLookup { return registryOf(p) }, Fail, "registry_unknown_card",
			[2]string{"serial", "99999999999999999999"}},
		{"card reported lost", testSerial, "", func() RegistryLookup {
			g := registryOf(p)
			c := g.cards[testSerial]
			c.Status = CardLost
			g.cards[testSerial] = c
			return g
		}, Fail, "registry_card_status", [2]string{"status", "lost"}},
		{"card still personalising", testSerial, "", func() RegistryLookup {
			g := registryOf(p)
			c := g.cards[testSerial]
			c.Status = CardPersonalising
			g.cards[testSerial] = c
			return g
		}, Fail, "registry_card_status", [2]string{"status", "personalising"}},
		{"unknown policy", testSerial, "", func() RegistryLookup { g := registryOf(p); g.policies = nil; return g }, Fail, "registry_unknown_policy", [2]string{}},
		{"card issued for another policy", testSerial, "", func() RegistryLookup {
			g := registryOf(p)
			c := g.cards[testSerial]
			c.ENP = "7800000000012341"
			g.cards[testSerial] = c
			return g
		}, Fail, "registry_mismatch", [2]string{"fields", "enp"}},
		{"fields differ", testSerial, "", func() RegistryLookup {
			g := registryOf(p)
			pol := g.policies[p.Owner.ENP]
			pol.Surname, pol.OGRN, pol.InsurerStart = "ПЕТРОВ", "1027739008440", policy.MakeDate(2020, 1, 1)
			g.policies[p.Owner.ENP] = pol
			return g
		}, Fail, "registry_mismatch", [2]string{"fields", "surname, insurer.ogrn, insurer.start"}},
		{"matches", testSerial, "", func() RegistryLookup { return registryOf(p) }, Pass, "registry_ok", [2]string{"serial", testSerial}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dumpOf(vcard.FromPolicy(p))
			d.Serial, d.SerialError = tt.serial, tt.serr
			r := Dump(d, Options{Today: today, Registry: tt.reg()})
			c, _ := r.Find("registry")
			if c.Status != tt.status || c.Code != tt.code || tt.param[0] != "" && c.Params[tt.param[0]] != tt.param[1] {
				t.Fatalf("%+v", c)
			}
			if (r.Verdict == Fail) != (tt.status == Fail) {
				t.Fatalf("verdict %s: %v", r.Verdict, r.Failed())
			}
			for _, secret := range []string{"ИВАНОВ", "Иванов", "ПЕТРОВ", p.Owner.ENP} {
				if strings.Contains(c.Reason, secret) {
					t.Errorf("reason shows %q: %s", secret, c.Reason)
				}
			}
		})
	}
}

func TestQRCheck(t *testing.T) {
	s := newSigner(t, "Тест")
	p := goodPolicy(t, s)
	o, in := p.Owner, p.Insurer
	good := func() *QRClaims {
		return &QRClaims{ENP: o.ENP, Surname: o.Surname, FirstName: "иван", Patronymic: o.Patronymic, BirthDate: o.BirthDate,
			OGRN: in.OGRN, OKATO: in.OKATO, CardSerial: testSerial, IssueDate: o.IssueDate, SignatureVerdict: QRSignatureValid}
	}
	tests := []struct {
		name   string
		qr     func() *QRClaims
		status Status
		code   string
		param  [2]string
	}{
		{"no QR", func() *QRClaims { return nil }, NA, "qr_none", [2]string{}},
		{"matches", good, Pass, "qr_ok", [2]string{}},
		{"signature invalid", func() *QRClaims { q := good(); q.SignatureVerdict = "invalid"; return q }, Fail, "qr_signature", [2]string{"verdict", "invalid"}},
		{"signature absent", func() *QRClaims { q := good(); q.SignatureVerdict = ""; return q }, Fail, "qr_signature", [2]string{"verdict", "none"}},
		{"fields differ", func() *QRClaims {
			q := good()
			q.BirthDate, q.CardSerial, q.OKATO = policy.MakeDate(1985, 3, 16), "12345678901234567891", "40000"
			return q
		}, Fail, "qr_mismatch", [2]string{"fields", "birth_date, insurer.okato, serial"}},
		{"issue date differs", func() *QRClaims { q := good(); q.IssueDate = policy.Date{}; return q }, Fail, "qr_mismatch", [2]string{"fields", "issue_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dumpOf(vcard.FromPolicy(p))
			d.Serial = testSerial
			r := Dump(d, Options{Today: today, QR: tt.qr()})
			c, _ := r.Find("qr")
			if c.Status != tt.status || c.Code != tt.code || tt.param[0] != "" && c.Params[tt.param[0]] != tt.param[1] {
				t.Fatalf("%+v", c)
			}
			if (r.Verdict == Fail) != (tt.status == Fail) {
				t.Fatalf("verdict %s: %v", r.Verdict, r.Failed())
			}
		})
	}
}

// TestCrossChecksWithoutOwner: with no readable owner record there is nothing to
// compare, which the checks say rather than claim a match.
func TestCrossChecksWithoutOwner(t *testing.T) {
	s := newSigner(t, "Тест")
	p := goodPolicy(t, s)
	l := vcard.FromPolicy(p)
	l.Owner = []byte{0x62, 0x01}
	d := dumpOf(l)
	d.Serial = testSerial
	q := &QRClaims{SignatureVerdict: QRSignatureValid}
	r := Dump(d, Options{Today: today, Registry: registryOf(p), QR: q})
	for _, id := range []string{"registry", "qr"} {
		if c, _ := r.Find(id); c.Status != NA || c.Code != "chip_unreadable" {
			t.Errorf("%s: %+v", id, c)
		}
	}
}
