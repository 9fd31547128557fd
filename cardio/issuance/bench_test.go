package issuance

// Issuance throughput through the real PC/SC stack: pcscd + vsmartcard's vpcd (slot 0)
// + a blank virtual card, with the registry in a SQLite file and an in-memory ECDSA
// key. Run with scripts/bench.sh or:
//
//	go test -run '^$' -bench PCSC -benchtime 50x ./cardio/issuance
//
// The card in the slot is swapped for a fresh blank between iterations without
// re-inserting it, so the figures exclude pcscd's 400 ms presence polling and measure
// what an issuance costs once the card is in. The baseline, measured in the same run
// on the same cards, is a plain read of the issued card (what a front desk does).

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

const benchSlot = 0

// swappableCard is the card in the slot; the benchmark changes which virtual card
// answers, as if the operator swapped cards instantly.
type swappableCard struct {
	mu  sync.Mutex
	cur *vcard.Card
}

func (s *swappableCard) card() *vcard.Card                   { s.mu.Lock(); defer s.mu.Unlock(); return s.cur }
func (s *swappableCard) swap(c *vcard.Card)                  { s.mu.Lock(); s.cur = c; s.mu.Unlock() }
func (s *swappableCard) ATR() []byte                         { return s.card().ATR() }
func (s *swappableCard) PowerOn()                            { s.card().PowerOn() }
func (s *swappableCard) PowerOff()                           { s.card().PowerOff() }
func (s *swappableCard) Reset()                              { s.card().Reset() }
func (s *swappableCard) Transmit(cmd []byte) ([]byte, error) { return s.card().Transmit(cmd) }

func BenchmarkPCSCIssue(b *testing.B) {
	pc := pcsctest.RequirePCSCD(b)
	slot := &swappableCard{cur: blank(0, vcard.Faults{})}
	pcsctest.InsertCard(b, pc, benchSlot, slot)
	card, err := pc.Connect(vpcd.ReaderName(benchSlot), pcsc.T1)
	if err != nil {
		b.Fatal(err)
	}
	defer card.Disconnect(false)
	f := newFixture(b)
	ctx := context.Background()
	count := &countingTransport{Transport: card}
	var issueTime, readTime time.Duration
	apdus := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		slot.swap(blank(i+1, vcard.Faults{}))
		p := adult()
		p.Owner.ENP = enpFor(b, i)
		count.n = 0
		b.StartTimer()
		start := time.Now()
		if _, err := f.issuer.Issue(ctx, count, Request{Policy: p, PINs: pins}); err != nil {
			b.Fatal(err)
		}
		issueTime += time.Since(start)
		b.StopTimer()
		apdus = count.n
		start = time.Now()
		if _, err := omscard.Read(card, omscard.Options{}); err != nil {
			b.Fatal(err)
		}
		readTime += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(apdus), "APDUs/issue")
	b.ReportMetric(time.Minute.Seconds()/(issueTime.Seconds()/float64(b.N)), "cards/min")
	b.ReportMetric(float64(issueTime)/float64(readTime), "x-read")
}

// enpFor makes the i-th synthetic ENP with its check digit.
func enpFor(tb testing.TB, i int) string {
	body := fmt.Sprintf("770000001%06d", i)
	d, err := policy.ENPCheckDigit(body)
	if err != nil {
		tb.Fatal(err)
	}
	return body + string(d)
}
