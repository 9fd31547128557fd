package issuance

import (
	"context"

	"strings"
	"testing"

	"omsdesk/cardio"
	"omsdesk/cardio/dump"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/registry"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/verify"
	"omsdesk/cardio/verify/verifytest"
)

// verdict reads a card the way a technician does — the policy, then the profile's
// details (serial, life cycle, every insurer record) — and runs the integrity check
// with the signer's certificate trusted: "blank" for a card without the OMS
// application, "valid" when every check passes, otherwise "invalid: <failed checks>".
func verdict(t *testing.T, card *vcard.Card, signer verifytest.Signer) string {
	t.Helper()
	if _, created := card.Lifecycle(0x5000); !created {
		return "blank"
	}
	res, err := omscard.Read(card.Transport(), omscard.Options{})
	if res == nil {
		return "invalid: unreadable (" + err.Error() + ")"
	}
	det, err := omscard.ReadDetails(card.Transport())
	if err != nil {
		t.Fatalf("reading details: %v", err)
	}
	trust, err := verify.NewTrustStore(signer.Cert)
	if err != nil {
		t.Fatal(err)
	}
	d := dump.FromReadDetails("test", "virtual", card.ATR(), res, det, nil, false, testDay)
	rep := verify.Dump(d, verify.Options{Today: policy.DateOf(testDay), Trust: trust})
	if rep.Verdict == verify.Pass {
		return "valid"
	}
	return "invalid: " + strings.Join(rep.Failed(), ",")
}

// countingTransport counts the APDUs a workflow sends.
type countingTransport struct {
	cardio.Transport
	n int
}

func (c *countingTransport) Transmit(cmd []byte) ([]byte, error) {
	c.n++
	return c.Transport.Transmit(cmd)
}

// TestIssueTornAtEveryAPDU cuts the power after every APDU k of a whole issuance
// (inspection, personalisation, read-back, activation). Afterwards the card must be
// blank, or fail the integrity check, or be complete, activated and equal to what was
// meant — never valid with partial data. Then the workflow's recovery must bring every
// card to an issued (or, on alternate k, voided) state, with the journal intact.
func TestIssueTornAtEveryAPDU(t *testing.T) {
	ctx := context.Background()
	count := &countingTransport{Transport: blank(0, vcard.Faults{}).Transport()}
	if _, err := newFixture(t).issuer.Issue(ctx, count, Request{Policy: adult(), PINs: pins}); err != nil {
		t.Fatal(err)
	}
	total := count.n
	outcomes := map[string]int{}
	for k := 1; k <= total; k++ {
		f := newFixture(t)
		card := blank(k, vcard.Faults{TearAfter: k})
		want := adult()
		_, err := f.issue(t, card, Request{Policy: want})
		if err == nil {
			t.Fatalf("k=%d: issuance succeeded through a power cut", k)
		}
		card.Reinsert()
		got := verdict(t, card, f.signer)
		switch {
		case got == "blank":
		case got == "valid":
			lcs, _ := card.Lifecycle(0x5000)
			res, err := omscard.Read(card.Transport(), omscard.Options{})
			if lcs != 0x05 || err != nil || res.Policy.Owner.Surname != want.Owner.Surname || res.Policy.Insurer.OGRN != want.Insurer.OGRN {
				t.Fatalf("k=%d: the card passes verification but is not the complete card (LCS %02X, %v)", k, lcs, err)
			}
		case strings.HasPrefix(got, "invalid"):
		default:
			t.Fatalf("k=%d: verdict %q", k, got)
		}
		outcomes[strings.SplitN(got, ":", 2)[0]]++

		// Recovery: what the operator does next.
		void := k%2 == 0 && strings.HasPrefix(got, "invalid")
		if got != "blank" {
			if _, err := f.issuer.Recover(ctx, card.Transport(), pins, void); err != nil {
				t.Fatalf("k=%d (%s): recover: %v", k, got, err)
			}
		}
		c, _ := f.store.Card(ctx, card.Serial())
		switch {
		case void:
			if c.Status != registry.StatusSpoiled || verdict(t, card, f.signer) == "valid" {
				t.Fatalf("k=%d: voided card is %s / %s", k, c.Status, verdict(t, card, f.signer))
			}
		case got == "valid":
			if c.Status != registry.StatusActive {
				t.Fatalf("k=%d: completed card recorded as %s", k, c.Status)
			}
		default:
			if _, err := f.issue(t, card, Request{Policy: adult()}); err != nil {
				t.Fatalf("k=%d (%s): issuing again after recovery: %v", k, got, err)
			}
			if v := verdict(t, card, f.signer); v != "valid" {
				t.Fatalf("k=%d: card after recovery and issuance: %s", k, v)
			}
		}
		if rep, err := f.store.VerifyJournal(ctx, nil); err != nil || !rep.OK() {
			t.Fatalf("k=%d: journal %+v, %v", k, rep, err)
		}
	}
	t.Logf("issuance of %d APDUs torn at every one: %v", total, outcomes)
	if outcomes["blank"] == 0 || outcomes["invalid"] == 0 || outcomes["valid"] == 0 {
		t.Errorf("outcomes %v: expected blank, incomplete and complete cards among the cuts", outcomes)
	}
}

// TestInsurerChangeTornAtEveryAPDU does the same for a change of insurer: after a cut
// the card holds either the old state or the new one, complete, or fails verification;
// running the change again finishes it.
func TestInsurerChangeTornAtEveryAPDU(t *testing.T) {
	ctx := context.Background()
	change := InsurerChange{OGRN: "1027739008440", OKATO: "46000", Start: policy.MakeDate(2026, 12, 1), PINs: pins}
	total := 0
	{
		f := newFixture(t)
		card := blank(0, vcard.Faults{})
		if _, err := f.issue(t, card, Request{Policy: adult()}); err != nil {
			t.Fatal(err)
		}
		count := &countingTransport{Transport: card.Transport()}
		if _, err := f.issuer.ChangeInsurer(ctx, count, change); err != nil {
			t.Fatal(err)
		}
		total = count.n
	}
	outcomes := map[string]int{}
	for k := 1; k <= total; k++ {
		f := newFixture(t)
		card := blank(k, vcard.Faults{})
		first, err := f.issue(t, card, Request{Policy: adult()})
		if err != nil {
			t.Fatal(err)
		}
		card.SetFaults(vcard.Faults{TearAfter: k})
		if _, err := f.issuer.ChangeInsurer(ctx, card.Transport(), change); err == nil {
			t.Fatalf("k=%d: change succeeded through a power cut", k)
		}
		card.Reinsert()
		got := verdict(t, card, f.signer)
		if got == "valid" {
			det, err := omscard.ReadDetails(card.Transport())
			if err != nil {
				t.Fatal(err)
			}
			res, err := omscard.Read(card.Transport(), omscard.Options{})
			if err != nil {
				t.Fatal(err)
			}
			old := len(det.InsurerFiles) == 1 && det.Current == 0x0202 && res.Policy.Insurer.OGRN == first.Policy.Insurer.OGRN
			done := len(det.InsurerFiles) == 2 && det.Current == 0x0203 && res.Policy.Insurer.OGRN == change.OGRN
			if !old && !done {
				t.Fatalf("k=%d: the card passes verification in a mixed state: %d records, current %04X", k, len(det.InsurerFiles), det.Current)
			}
			if done {
				got = "valid (new)"
			} else {
				got = "valid (old)"
			}
		}
		outcomes[strings.SplitN(got, ":", 2)[0]]++
		if _, err := f.issuer.ChangeInsurer(ctx, card.Transport(), change); err != nil {
			t.Fatalf("k=%d (%s): running the change again: %v", k, got, err)
		}
		if v := verdict(t, card, f.signer); v != "valid" {
			t.Fatalf("k=%d: after finishing the change: %s", k, v)
		}
		recs, _ := f.store.InsurerRecords(ctx, first.Policy.Owner.ENP)
		if len(recs) != 2 || recs[1].OGRN != change.OGRN || recs[0].End != policy.MakeDate(2026, 11, 30) {
			t.Fatalf("k=%d: registry records %+v", k, recs)
		}
	}
	t.Logf("insurer change of %d APDUs torn at every one: %v", total, outcomes)
	if outcomes["invalid"] == 0 {
		t.Errorf("outcomes %v: no cut left a detectably incomplete card", outcomes)
	}
}
