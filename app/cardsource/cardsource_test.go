package cardsource

import (
	"context"
	"errors"
	"testing"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/personalise"
	"omsdesk/cardio/vcard"
)

// issuedCard returns a virtual card of the issuance profile, personalised with the
// sample policy and activated: it has a serial, unlike the official-like default card.
func issuedCard(t testing.TB, serial string) *vcard.Card {
	t.Helper()
	c := vcard.NewBlank(vcard.BlankOptions{Serial: serial})
	p := vcard.SamplePolicy(2000)
	pins := personalise.PINs{Issuer: vcard.DefaultIssuerPIN, Holder: "1234"}
	plan, err := personalise.Issuance(p.Owner.Encode(), p.Insurer.Encode(), pins)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Run(c.Transport(), nil); err != nil {
		t.Fatalf("personalising: %v", err)
	}
	act, err := personalise.Activation(pins)
	if err != nil {
		t.Fatal(err)
	}
	if err := act.Run(c.Transport(), nil); err != nil {
		t.Fatalf("activating: %v", err)
	}
	return c
}

const testSerial = "00000000000000012345"

func TestReadTransport(t *testing.T) {
	voided := issuedCard(t, testSerial)
	void, err := personalise.Void(personalise.PINs{Issuer: vcard.DefaultIssuerPIN, Holder: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if err := void.Run(voided.Transport(), nil); err != nil {
		t.Fatalf("voiding: %v", err)
	}
	notOMS := vcard.New(vcard.Layout{ATR: vcard.DefaultATR})
	for _, tt := range []struct {
		name       string
		card       *vcard.Card
		state      State
		serial     string
		details    bool
		wantErr    error
		wantHolder bool
	}{
		{"official-like card: no serial", vcard.Default(), StateRead, "", true, nil, true},
		{"issued card: serial", issuedCard(t, testSerial), StateRead, testSerial, true, nil, true},
		{"voided card", voided, StateError, "", false, omscard.ErrVoided, false},
		{"not an OMS card", notOMS, StateError, "", false, omscard.ErrNotOMSCard, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := readTransport(tt.card.Transport(), false)
			if u.State != tt.state {
				t.Fatalf("state %v, want %v (err %v)", u.State, tt.state, u.Err)
			}
			if tt.wantErr != nil && !errors.Is(u.Err, tt.wantErr) {
				t.Errorf("err %v, want %v", u.Err, tt.wantErr)
			}
			if tt.wantErr == nil && u.Err != nil {
				t.Errorf("unexpected err %v", u.Err)
			}
			if (u.Details != nil) != tt.details {
				t.Fatalf("details %+v, want present=%v", u.Details, tt.details)
			}
			if u.Details != nil && u.Details.Serial != tt.serial {
				t.Errorf("serial %q, want %q", u.Details.Serial, tt.serial)
			}
			if got := u.Result != nil && u.Result.Policy.Owner.Surname != ""; got != tt.wantHolder {
				t.Errorf("holder read: %v, want %v", got, tt.wantHolder)
			}
		})
	}
}

func TestReadTransportDetailsCost(t *testing.T) {
	u := readTransport(issuedCard(t, testSerial).Transport(), false)
	if u.Details == nil {
		t.Fatal("no details")
	}
	// Serial (3), life cycle (1), FOMS_INS + GET DATA (2), one insurer EF (select,
	// read) and the probe for the next (1): a dozen APDUs, not a second read of the card.
	if u.Details.APDUs > 16 {
		t.Errorf("details cost %d APDUs", u.Details.APDUs)
	}
}

func TestVirtualSource(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan Update, 4)
	done := make(chan struct{})
	go func() { VirtualSource{}.Run(ctx, func(u Update) { got <- u }); close(done) }()
	if u := <-got; u.State != StateReading || u.Reader != VirtualReader {
		t.Fatalf("first update %+v", u)
	}
	u := <-got
	if u.State != StateRead || u.Result.Policy.Owner.ENP != "5001234567890127" || u.Details == nil {
		t.Fatalf("second update %+v", u)
	}
	cancel()
	<-done
}

func TestStateKeysAndIdle(t *testing.T) {
	idle := map[State]bool{StateNoService: true, StateNoReader: true, StateWaiting: true, StateRemoved: true}
	seen := map[string]bool{}
	for _, s := range States {
		if s.Idle() != idle[s] {
			t.Errorf("state %v: Idle %v", s, s.Idle())
		}
		if seen[s.Key()] {
			t.Errorf("key %s used twice", s.Key())
		}
		seen[s.Key()] = true
	}
	if len(States) != int(StateRemoved)+1 {
		t.Errorf("States lists %d states", len(States))
	}
}
