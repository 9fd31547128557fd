package issuance

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	regsqlite "omsdesk/cardio/registry/sqlite"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify/verifytest"
)

const transportPIN = "12345678"

var pins = personalise.PINs{Issuer: transportPIN, Holder: "2468"}

// testDay is the fixed "today" of these tests.
var testDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type fixture struct {
	store  *regsqlite.Store
	issuer *Issuer
	signer verifytest.Signer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := regsqlite.Open(ctx, filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, signer: verifytest.NewSigner(t, "Synthetic insurer")}
	f.issuer = &Issuer{Registry: store, Actor: "operator-1", Workstation: "desk-1", Reader: "virtual",
		Now:  func() time.Time { return testDay },
		Sign: func(in *policy.Insurer) error { f.signer.Sign(t, in); return nil }}
	return f
}

// blank makes a blank card with a serial derived from n.
func blank(n int, faults vcard.Faults) *vcard.Card {
	return vcard.NewBlank(vcard.BlankOptions{Serial: fmt.Sprintf("8970100000000000%04d", n), IssuerPIN: transportPIN, Faults: faults})
}

// adult is a synthetic adult's policy with a photo and an unsigned insurer record.
func adult() *policy.Policy {
	p := vcard.SamplePolicy(2000)
	p.Insurer.Signature = nil
	p.Insurer.End = policy.Date{}
	p.Owner.IssueDate = policy.Date{}
	return p
}

// child is a synthetic newborn: no photo.
func child() *policy.Policy {
	p := adult()
	p.Owner.Photo = nil
	p.Owner.BirthDate = policy.MakeDate(2026, 10, 1)
	p.Owner.ENP = "7700000000000081"
	p.Insurer.Start = policy.MakeDate(2026, 10, 1)
	return p
}

func (f *fixture) issue(t *testing.T, card *vcard.Card, req Request) (*Result, error) {
	t.Helper()
	if req.PINs == (personalise.PINs{}) {
		req.PINs = pins
	}
	return f.issuer.Issue(context.Background(), card.Transport(), req)
}

func TestIssueWritesReadsBackAndRecords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	card := blank(1, vcard.Faults{})
	p := adult()
	res, err := f.issue(t, card, Request{Policy: p, Reason: ReasonNew})
	if err != nil {
		t.Fatal(err)
	}
	if res.Serial != card.Serial() {
		t.Errorf("serial %q, card has %q", res.Serial, card.Serial())
	}
	if res.Policy.Owner.Surname != p.Owner.Surname || res.Policy.Insurer.Signature == nil {
		t.Errorf("read-back policy %+v", res.Policy.Owner)
	}
	if lcs, _ := card.Lifecycle(0x5000); lcs != 0x05 {
		t.Errorf("foms_root life cycle %02X, want 05 (activated)", lcs)
	}
	c, err := f.store.Card(ctx, res.Serial)
	if err != nil || c.Status != registry.StatusActive || c.ENP != p.Owner.ENP {
		t.Fatalf("registry card %+v, %v", c, err)
	}
	recs, err := f.store.InsurerRecords(ctx, p.Owner.ENP)
	if err != nil || len(recs) != 1 || recs[0].FileID != personalise.FirstInsurerFID || recs[0].SignerFingerprint == "" {
		t.Fatalf("insurer records %+v, %v", recs, err)
	}
	rep, err := f.store.VerifyJournal(ctx, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("journal %+v, %v", rep, err)
	}
	if got := verdict(t, card, f.signer); got != "valid" {
		t.Errorf("issued card: %s", got)
	}
	// After activation the owner record is read-only (docs/card-profile.md).
	tr := apdu.NewClient(card.Transport())
	for _, cmd := range []apdu.Command{{INS: 0x20, P2: 0x01, Data: []byte("12345678")},
		{INS: apdu.InsSelect, P1: 0x04, P2: 0x0C, Data: []byte("FOMS_ID")},
		{INS: apdu.InsSelect, P1: 0x02, P2: 0x0C, Data: []byte{0x02, 0x01}}} {
		if _, err := tr.Run(cmd); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.Run(apdu.Command{INS: 0xD6, Data: []byte{0x62}}); !errors.Is(err, apdu.ErrSecurityStatusNotSatisfied) {
		t.Errorf("UPDATE BINARY on the owner record after activation: %v, want 6982", err)
	}
}

func TestIssueRefusals(t *testing.T) {
	f := newFixture(t)
	issued := blank(1, vcard.Faults{})
	if _, err := f.issue(t, issued, Request{Policy: adult()}); err != nil {
		t.Fatal(err)
	}
	badENP := adult()
	badENP.Owner.ENP = "7700000000000001"
	under14 := child()
	under14.Owner.Photo = &policy.Photo{Format: []byte{1}, Data: []byte{0xFF, 0xD8, 0xFF}}
	noPhoto := adult()
	noPhoto.Owner.Photo = nil
	tests := []struct {
		name string
		card *vcard.Card
		req  Request
		want error
	}{
		{"not blank", issued, Request{Policy: child(), Reason: ReasonNewborn}, ErrNotBlank},
		{"policy already has a card", blank(2, vcard.Faults{}), Request{Policy: adult()}, ErrAlreadyIssued},
		{"invalid ENP", blank(3, vcard.Faults{}), Request{Policy: badENP}, ErrInvalidData},
		{"photo under 14", blank(4, vcard.Faults{}), Request{Policy: under14, Reason: ReasonNewborn}, ErrPhotoForbidden},
		{"no photo at 14 and over", blank(5, vcard.Faults{}), Request{Policy: noPhoto}, ErrPhotoRequired},
		{"lost without old card", blank(6, vcard.Faults{}), Request{Policy: adult(), Reason: ReasonLost}, ErrOldCard},
		{"old card of another policy", blank(7, vcard.Faults{}), Request{Policy: child(), Reason: ReasonLost, OldCardSerial: issued.Serial()}, ErrOldCard},
		{"wrong transport PIN", blank(8, vcard.Faults{}), Request{Policy: child(), PINs: personalise.PINs{Issuer: "87654321", Holder: "2468"}}, apdu.ErrVerificationFailed},
		{"holder PIN format", blank(9, vcard.Faults{}), Request{Policy: child(), PINs: personalise.PINs{Issuer: transportPIN, Holder: "12"}}, personalise.ErrBadPIN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.issue(t, tt.card, tt.req); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	rep, err := f.store.VerifyJournal(context.Background(), nil)
	if err != nil || !rep.OK() {
		t.Fatalf("journal after refusals %+v, %v", rep, err)
	}
}

func TestReissueCases(t *testing.T) {
	ctx := context.Background()
	for _, reason := range []Reason{ReasonLost, ReasonStolen, ReasonDataChange} {
		t.Run(string(reason), func(t *testing.T) {
			f := newFixture(t)
			old := blank(1, vcard.Faults{})
			first, err := f.issue(t, old, Request{Policy: adult()})
			if err != nil {
				t.Fatal(err)
			}
			p := adult()
			if reason == ReasonDataChange {
				p.Owner.Surname = "НОВИКОВА-ЁЛКИНА"
			}
			second, err := f.issue(t, blank(2, vcard.Faults{}), Request{Policy: p, Reason: reason, OldCardSerial: first.Serial})
			if err != nil {
				t.Fatal(err)
			}
			oldCard, _ := f.store.Card(ctx, first.Serial)
			want := map[Reason]registry.CardStatus{ReasonLost: registry.StatusLost, ReasonStolen: registry.StatusStolen,
				ReasonDataChange: registry.StatusReplaced}[reason]
			if oldCard.Status != want || oldCard.ReplacedBy != second.Serial {
				t.Errorf("old card %+v, want %s replaced by %s", oldCard, want, second.Serial)
			}
			if second.Policy.Owner.ENP != first.Policy.Owner.ENP {
				t.Errorf("re-issued card has ENP %s, want the same %s", second.Policy.Owner.ENP, first.Policy.Owner.ENP)
			}
			rec, _ := f.store.Policy(ctx, p.Owner.ENP)
			if rec.Person.Surname != p.Owner.Surname {
				t.Errorf("registry surname %q, want %q", rec.Person.Surname, p.Owner.Surname)
			}
		})
	}
	t.Run("newborn", func(t *testing.T) {
		f := newFixture(t)
		res, err := f.issue(t, blank(1, vcard.Faults{}), Request{Policy: child(), Reason: ReasonNewborn})
		if err != nil {
			t.Fatal(err)
		}
		if res.Policy.Owner.Photo != nil {
			t.Error("a newborn's card carries a photo")
		}
	})
}

// corruptingTransport changes one byte of the n-th UPDATE BINARY: a card that stores
// something else than it was sent, which only the read-back can catch.
type corruptingTransport struct {
	cardio.Transport
	n, seen int
}

func (c *corruptingTransport) Transmit(cmd []byte) ([]byte, error) {
	if len(cmd) > 6 && cmd[1] == 0xD6 {
		c.seen++
		if c.seen == c.n {
			cmd = append([]byte(nil), cmd...)
			cmd[len(cmd)-1] ^= 0x01
		}
	}
	return c.Transport.Transmit(cmd)
}

func TestMismatchSpoilsTheCard(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	card := blank(1, vcard.Faults{})
	_, err := f.issuer.Issue(ctx, &corruptingTransport{Transport: card.Transport(), n: 2}, Request{Policy: adult(), PINs: pins})
	var me *MismatchError
	if !errors.As(err, &me) || len(me.Differences) == 0 {
		t.Fatalf("got %v, want a mismatch naming the fields", err)
	}
	c, _ := f.store.Card(ctx, card.Serial())
	if c.Status != registry.StatusSpoiled {
		t.Errorf("registry status %s, want spoiled", c.Status)
	}
	if got := verdict(t, card, f.signer); got == "valid" {
		t.Error("a spoiled card passes verification")
	}
}

func TestChangeInsurer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	card := blank(1, vcard.Faults{})
	first, err := f.issue(t, card, Request{Policy: adult()})
	if err != nil {
		t.Fatal(err)
	}
	change := InsurerChange{OGRN: "1027739008440", OKATO: "46000", Start: policy.MakeDate(2026, 12, 1), PINs: pins}
	res, err := f.issuer.ChangeInsurer(ctx, card.Transport(), change)
	if err != nil {
		t.Fatal(err)
	}
	if res.Policy.Insurer.OGRN != change.OGRN || res.Policy.InsurerFileID != 0x0203 {
		t.Errorf("current insurer %+v in %04X", res.Policy.Insurer, res.Policy.InsurerFileID)
	}
	d, err := omscard.ReadDetails(card.Transport())
	if err != nil || len(d.InsurerFiles) != 2 {
		t.Fatalf("details %+v, %v", d, err)
	}
	prev, err := policy.DecodeInsurer(d.InsurerFiles[0].Data)
	if err != nil || prev.End != policy.MakeDate(2026, 11, 30) {
		t.Errorf("previous record %+v, %v: want it closed on 30.11.2026", prev, err)
	}
	recs, _ := f.store.InsurerRecords(ctx, first.Policy.Owner.ENP)
	if len(recs) != 2 || recs[0].End.IsZero() || !recs[1].End.IsZero() {
		t.Errorf("registry insurer records %+v", recs)
	}
	if got := verdict(t, card, f.signer); got != "valid" {
		t.Errorf("card after the change: %s", got)
	}
	// The holder's consent: the wrong holder PIN stops the change.
	change.PINs.Holder = "1111"
	change.Start = policy.MakeDate(2027, 3, 1)
	if _, err := f.issuer.ChangeInsurer(ctx, card.Transport(), change); !errors.Is(err, apdu.ErrVerificationFailed) {
		t.Errorf("wrong holder PIN: %v", err)
	}
}
