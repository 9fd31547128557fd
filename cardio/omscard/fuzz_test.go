package omscard_test

import (
	"errors"
	"testing"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/vcard"
)

// hostileCard answers each command with the next answer from a script (each answer
// prefixed by a 2-byte length), whatever was asked: a card that lies, loops 61xx,
// sends impossible lengths or nothing at all.
type hostileCard struct {
	script []byte
	sent   int
}

var errScriptEnd = errors.New("script ended")

func (h *hostileCard) Transmit([]byte) ([]byte, error) {
	h.sent++
	if len(h.script) < 2 {
		return nil, errScriptEnd
	}
	n := min(int(h.script[0])<<8|int(h.script[1]), len(h.script)-2)
	a := h.script[2 : 2+n]
	h.script = h.script[2+n:]
	return a, nil
}
func (h *hostileCard) BeginTransaction() error { return nil }
func (h *hostileCard) EndTransaction() error   { return nil }

// script turns the answers a well-behaved card gives into a hostile-card script, as
// the fuzzer's starting point.
func script(answers ...[]byte) []byte {
	var s []byte
	for _, a := range answers {
		s = append(s, byte(len(a)>>8), byte(len(a)))
		s = append(s, a...)
	}
	return s
}

// FuzzReadHostileCard: whatever a card answers, Read returns (a policy or an error) and
// never panics or loops: the APDUs it sends stay bounded.
func FuzzReadHostileCard(f *testing.F) {
	ok := []byte{0x90, 0x00}
	owner := vcard.FromPolicy(vcard.SamplePolicy(0))
	f.Add(script(ok, ok, ok, append(owner.Owner, 0x90, 0x00), ok, []byte{0x02, 0x02, 0x90, 0x00}, ok,
		append(owner.Insurers[0].Data, 0x90, 0x00)))
	f.Add(script(ok, ok, ok, []byte{0x62, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x90, 0x00}))
	f.Add(script(ok, ok, ok, []byte{0x61, 0x00}, []byte{0x61, 0x00}, []byte{0x61, 0x00}))
	f.Add(script(ok, ok, ok, []byte{0x6C, 0x00}, []byte{0x6C, 0x05}))
	f.Add(script([]byte{0x6A, 0x82}, []byte{0x6A, 0x82}))
	f.Add(script(ok, ok, ok, []byte{0x62, 0x82, 0x10, 0x00, 0x90, 0x00}, []byte{0x90, 0x00}))
	f.Fuzz(func(t *testing.T, s []byte) {
		h := &hostileCard{script: s}
		res, err := omscard.Read(h, omscard.Options{})
		if err == nil && (res == nil || res.Policy == nil) {
			t.Fatal("no error and no policy")
		}
		// Every APDU consumes an answer (or fails), so a script of n bytes can drive at
		// most n/2+1 exchanges: more would mean Read loops on its own.
		if h.sent > len(s)/2+1 {
			t.Fatalf("%d APDUs for a %d-byte script", h.sent, len(s))
		}
	})
}
