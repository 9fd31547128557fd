package probe_test

// Benchmarks through the real PC/SC stack (pcscd + vsmartcard's vpcd + the virtual
// card in vpcd slot 0). Run them with scripts/bench.sh or:
//
//	go test -run '^$' -bench PCSC -benchtime 300x ./cardio/probe
//
// Each reports, besides Go's mean ns/op, the median of the timed iterations and the
// read time as a multiple of the raw floor (APDUs × the median round trip of one
// SELECT, measured on the same card in the same run), which is what docs/benchmarks.md
// records.

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/policy"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/vcard"
	"omsdesk/cardio/vpcd"
)

const benchSlot = 0

func benchCard(photo int) *vcard.Card { return vcard.New(vcard.FromPolicy(vcard.SamplePolicy(photo))) }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// selectFloor returns the median round trip of SELECT foms_root over n exchanges.
func selectFloor(b *testing.B, card *pcsc.Card, n int) time.Duration {
	sel := []byte{0x00, 0xA4, 0x04, 0x0C, 0x09, 'f', 'o', 'm', 's', '_', 'r', 'o', 'o', 't'}
	times := make([]time.Duration, n)
	for i := range times {
		start := time.Now()
		if _, err := card.Transmit(sel); err != nil {
			b.Fatal(err)
		}
		times[i] = time.Since(start)
	}
	return median(times)
}

func connect(b *testing.B, pc *pcsc.Context) *pcsc.Card {
	card, err := pc.Connect(vpcd.ReaderName(benchSlot), pcsc.Any)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { card.Disconnect(false) })
	return card
}

// BenchmarkPCSCSelectFloor is the raw floor: one SELECT through pcscd and vpcd.
func BenchmarkPCSCSelectFloor(b *testing.B) {
	pc := pcsctest.RequirePCSCD(b)
	pcsctest.InsertCard(b, pc, benchSlot, benchCard(0))
	card := connect(b, pc)
	sel := []byte{0x00, 0xA4, 0x04, 0x0C, 0x09, 'f', 'o', 'm', 's', '_', 'r', 'o', 'o', 't'}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := card.Transmit(sel); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.ReportMetric(float64(median(times).Microseconds()), "median-µs")
}

// BenchmarkPCSCRead reads the whole policy from a connected card (one transaction,
// SELECTs, READ BINARYs, GET DATA, parsing), as the front desk does on insertion.
func BenchmarkPCSCRead(b *testing.B) {
	for _, photo := range []int{0, 10240} {
		for _, ext := range []bool{false, true} {
			if ext && photo == 0 {
				continue // one chunk per file either way
			}
			b.Run(fmt.Sprintf("photo=%d/extended=%v", photo, ext), func(b *testing.B) {
				pc := pcsctest.RequirePCSCD(b)
				card := benchCard(photo)
				if ext {
					l := vcard.FromPolicy(mustRead(b, card))
					l.ExtendedLength = true
					card = vcard.New(l)
				}
				pcsctest.InsertCard(b, pc, benchSlot, card)
				conn := connect(b, pc)
				floor := selectFloor(b, conn, 200)
				var times []time.Duration
				apdus := 0
				for b.Loop() {
					start := time.Now()
					res, err := omscard.Read(conn, omscard.Options{Extended: ext})
					if err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(start))
					apdus = res.APDUs
				}
				med := median(times)
				b.ReportMetric(float64(apdus), "APDUs")
				b.ReportMetric(float64(med.Microseconds()), "median-µs")
				b.ReportMetric(float64(floor.Nanoseconds())/1000, "floor-µs")
				b.ReportMetric(float64(med)/(float64(apdus)*float64(floor)), "x-floor")
			})
		}
	}
}

func mustRead(b *testing.B, card *vcard.Card) *policy.Policy {
	res, err := omscard.Read(card.Transport(), omscard.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return res.Policy
}

// BenchmarkPCSCConnectAndRead is what `omsdesk read` does per card: connect, ATR,
// read, disconnect.
func BenchmarkPCSCConnectAndRead(b *testing.B) {
	pc := pcsctest.RequirePCSCD(b)
	pcsctest.InsertCard(b, pc, benchSlot, benchCard(0))
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		out := probe.Read(pc, vpcd.ReaderName(benchSlot), probe.Options{})
		if !out.IsOMS() {
			b.Fatal(out.Err)
		}
		times = append(times, time.Since(start))
	}
	b.ReportMetric(float64(median(times).Microseconds()), "median-µs")
}

// BenchmarkPCSCInsertToPolicy measures from the moment the card is plugged in (vpcd
// connection) to a parsed policy: pcscd's presence polling (every 400 ms for vpcd)
// dominates, so expect about 200 ms on average whatever the card does.
func BenchmarkPCSCInsertToPolicy(b *testing.B) {
	pc := pcsctest.RequirePCSCD(b)
	pcsctest.LockSlot(b, benchSlot) // vpcd.Insert below bypasses InsertCard
	reader := vpcd.ReaderName(benchSlot)
	var times []time.Duration
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		link, err := vpcd.Insert(ctx, vpcd.SlotAddr(benchSlot), benchCard(0))
		if err != nil {
			b.Fatal(err)
		}
		outs, err := probe.ReadWhenPresent(ctx, pc, reader, probe.Options{})
		if err != nil || len(outs) != 1 || !outs[0].IsOMS() {
			b.Fatalf("%v %+v", err, outs)
		}
		times = append(times, time.Since(start))
		b.StopTimer()
		link.Remove()
		if err := pcsc.WaitForRemoval(ctx, pc, reader); err != nil {
			b.Fatal(err)
		}
		cancel()
		b.StartTimer()
	}
	b.ReportMetric(float64(median(times).Milliseconds()), "median-ms")
}
