package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

// e2eSlot is the vpcd slot this test uses (locked machine-wide while it runs).
const e2eSlot = 1

// TestE2EBlankCardPowerLoss drives a blank card with --state through the real pcscd:
// personalisation APDUs over PC/SC, a power loss right after CREATE FILE (the program
// sees the card gone), the same card inserted again with that file on it and no PIN
// verified, and the state file holding it.
func TestE2EBlankCardPowerLoss(t *testing.T) {
	pc := pcsctest.RequirePCSCD(t)
	path := filepath.Join(t.TempDir(), "card.json")
	p, _, err := openBlank(path, vcard.BlankOptions{Serial: "20202020202020202020"}, func(err error) { t.Error(err) })
	if err != nil {
		t.Fatal(err)
	}
	pcsctest.InsertCard(t, pc, e2eSlot, p)
	reader := vpcd.ReaderName(e2eSlot)
	card, err := pc.Connect(reader, pcsc.T1)
	if err != nil {
		t.Fatal(err)
	}
	send := func(cmd, want string) {
		t.Helper()
		resp, err := card.Transmit(mustHex(t, cmd))
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		if got := strings.ToUpper(hex.EncodeToString(resp)); got != want {
			t.Fatalf("%s → %s, want %s", cmd, got, want)
		}
	}
	send(verifyIssuer, "9000")
	send(createRoot, "9000")
	p.SetFaults(vcard.Faults{TearAfter: 1})
	if _, err := card.Transmit(mustHex(t, "00 E0 00 00 12 6210 820138 83025001 8407464F4D535F4944")); err == nil {
		t.Fatal("CREATE FILE answered despite the power loss")
	}
	card.Disconnect(false)
	ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
	defer cancel()
	if err := pcsc.WaitForRemoval(ctx, pc, reader); err != nil {
		t.Fatal(err)
	}

	p.Reinsert()
	link, err := vpcd.Insert(ctx, vpcd.SlotAddr(e2eSlot), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pcsctest.RemoveCard(t, pc, e2eSlot, link) })
	if _, atr, err := pcsc.WaitForCard(ctx, pc, reader); err != nil || !bytes.Equal(atr, vcard.BlankATR) {
		t.Fatalf("card back: ATR % X, %v", atr, err)
	}
	if card, err = pc.Connect(reader, pcsc.T1); err != nil {
		t.Fatal(err)
	}
	defer card.Disconnect(false)
	send("00 20 00 01", "63C3")
	send("00 A4 04 0C 07 464F4D535F4944", "9000")
	if _, err := omscard.Read(card, omscard.Options{}); err == nil {
		t.Fatal("an unfinished card reads as a policy")
	}
	saved, _, err := openBlank(path, vcard.BlankOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lcs, ok := saved.Lifecycle(vcard.FIDRoot, vcard.FIDOwnerDF); !ok || lcs != vcard.LCSCreation {
		t.Fatal("the state file lacks the torn CREATE FILE")
	}
}
