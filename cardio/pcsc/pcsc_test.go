package pcsc_test

// End-to-end tests through the real pcscd and vsmartcard's vpcd, on vpcd slot 0 only
// ("Virtual PCD 00 00"): other programs on the machine may use slot 1. They skip when
// pcscd is not running, unless OMSDESK_REQUIRE_PCSC=1. They wait on PC/SC events, never
// on fixed sleeps; pcscd polls vpcd every 400 ms, so each transition takes up to ~0.4 s.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/pcsc/pcsctest"
	"omsdesk/cardio/vpcd"
)

const slot = 0

var reader = vpcd.ReaderName(slot)

// The two known OMS policy ATRs (oms-card-format.md §4); both announce T=1.
var (
	atrFOMSOMS = []byte{0x3B, 0xF7, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x46, 0x4F, 0x4D, 0x53, 0x4F, 0x4D, 0x53, 0xA9}
	atrFOMS112 = []byte{0x3B, 0xD9, 0x11, 0x00, 0x81, 0x31, 0xFE, 0x8D, 0x00, 0x00, 0x46, 0x4F, 0x4D, 0x53, 0x31, 0x2E, 0x31, 0x32}
)

// SELECT by DF name (ISO 7816-4 §11.1.1), the size of the policy application's SELECT.
var selectAPDU = []byte{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10}

var errPulled = errors.New("card pulled mid-read")

// echoCard answers every command with the command itself followed by 90 00, and logs
// what it sees. pullNext makes the next command fail as if the card were pulled.
type echoCard struct {
	atr      []byte
	pullNext atomic.Bool

	mu  sync.Mutex
	log []string
}

func newEchoCard(atr []byte) *echoCard { return &echoCard{atr: atr} }

func (c *echoCard) record(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, s)
}

// Log returns what the card saw, without the ATR polls that pcscd makes at its own pace.
func (c *echoCard) Log() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.log)
}

func (c *echoCard) ATR() []byte { return c.atr }
func (c *echoCard) PowerOn()    { c.record("on") }
func (c *echoCard) PowerOff()   { c.record("off") }
func (c *echoCard) Reset()      { c.record("reset") }

func (c *echoCard) Transmit(apdu []byte) ([]byte, error) {
	if c.pullNext.Load() {
		return nil, errPulled
	}
	c.record(fmt.Sprintf("% X", apdu))
	return append(slices.Clone(apdu), 0x90, 0x00), nil
}

// requireSlot connects to pcscd (or skips) and locks vpcd slot 0 against other test
// processes for the test's duration.
func requireSlot(t *testing.T) *pcsc.Context {
	t.Helper()
	c := pcsctest.RequirePCSCD(t)
	pcsctest.LockSlot(t, slot)
	return c
}

// nextEvent returns the next event about reader, skipping other readers' events.
func nextEvent(t *testing.T, events <-chan pcsc.Event) pcsc.Event {
	t.Helper()
	timeout := time.After(pcsctest.Timeout)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("watch channel closed")
			}
			if ev.Reader == reader {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event for %q within %v", reader, pcsctest.Timeout)
		}
	}
}

func expectEvent(t *testing.T, events <-chan pcsc.Event, kind pcsc.EventKind, atr []byte) {
	t.Helper()
	ev := nextEvent(t, events)
	if ev.Kind != kind || !bytes.Equal(ev.ATR, atr) {
		t.Fatalf("event = %v % X, want %v % X", ev.Kind, ev.ATR, kind, atr)
	}
	if ev.Time.IsZero() {
		t.Errorf("%v event has no time", ev.Kind)
	}
}

// waitEmpty waits until pcscd reports the reader empty.
func waitEmpty(t *testing.T, c *pcsc.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
	defer cancel()
	if err := pcsc.WaitForRemoval(ctx, c, reader); err != nil {
		t.Fatal(err)
	}
}

func insert(t *testing.T, atr []byte) (*echoCard, *vpcd.Link) {
	t.Helper()
	card := newEchoCard(atr)
	ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
	defer cancel()
	link, err := vpcd.Insert(ctx, vpcd.SlotAddr(slot), card)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Remove() })
	return card, link
}

func TestReadersAndStates(t *testing.T) {
	c := requireSlot(t)
	readers, err := c.Readers()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(readers, reader) {
		t.Fatalf("Readers() = %q, want it to include %q", readers, reader)
	}

	waitEmpty(t, c)
	const missing = "No Such Reader 00 00"
	states, err := c.States([]string{reader, missing})
	if err != nil {
		t.Fatal(err)
	}
	if got := states[0]; got.Reader != reader || !got.Empty || got.Present || got.Unknown || got.ATR != nil {
		t.Errorf("empty reader state = %+v", got)
	}
	if got := states[1]; got.Reader != missing || !got.Unknown || got.Present {
		t.Errorf("missing reader state = %+v", got)
	}

	pcsctest.InsertCard(t, c, slot, newEchoCard(atrFOMSOMS))
	states, err = c.States([]string{reader})
	if err != nil {
		t.Fatal(err)
	}
	if got := states[0]; !got.Present || got.Empty || !bytes.Equal(got.ATR, atrFOMSOMS) {
		t.Errorf("state with card = %+v", got)
	}
}

func TestWatchInsertRemove(t *testing.T) {
	c := requireSlot(t)
	waitEmpty(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expectEvent(t, events, pcsc.ReaderAdded, nil)

	_, link := insert(t, atrFOMSOMS)
	expectEvent(t, events, pcsc.CardInserted, atrFOMSOMS)
	if err := link.Remove(); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, events, pcsc.CardRemoved, atrFOMSOMS)
}

func TestWatchSeesCardPresentAtStart(t *testing.T) {
	c := requireSlot(t)
	pcsctest.InsertCard(t, c, slot, newEchoCard(atrFOMS112))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expectEvent(t, events, pcsc.ReaderAdded, nil)
	expectEvent(t, events, pcsc.CardInserted, atrFOMS112)
}

// TestWatchQuickReinsert swaps cards under a program's open connection, faster than
// pcscd's 400 ms presence poll.
//
// The connection matters: observed with Debian 12's pcscd 1.9.9 and vpcd, a card
// swapped while pcscd keeps it powered with no program connected goes unnoticed (vpcd's
// presence check is answered by the new card, and pcscd keeps reporting the old ATR).
func TestWatchQuickReinsert(t *testing.T) {
	c := requireSlot(t)
	waitEmpty(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expectEvent(t, events, pcsc.ReaderAdded, nil)
	_, first := insert(t, atrFOMSOMS)
	expectEvent(t, events, pcsc.CardInserted, atrFOMSOMS)
	k, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Disconnect(false)

	if err := first.Remove(); err != nil {
		t.Fatal(err)
	}
	_, second := insert(t, atrFOMS112)
	expectEvent(t, events, pcsc.CardRemoved, atrFOMSOMS)
	expectEvent(t, events, pcsc.CardInserted, atrFOMS112)
	if _, err := k.Transmit(selectAPDU); !errors.Is(err, pcsc.ErrCardRemoved) {
		t.Errorf("Transmit on the first card's handle = %v, want ErrCardRemoved", err)
	}

	if err := second.Remove(); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, events, pcsc.CardRemoved, atrFOMS112)
}

func TestWatchCancelClosesChannel(t *testing.T) {
	c := requireSlot(t)
	tests := []struct {
		name string
		stop func(cancel context.CancelFunc, c *pcsc.Context) error
	}{
		{"cancel", func(cancel context.CancelFunc, _ *pcsc.Context) error { cancel(); return nil }},
		{"release", func(_ context.CancelFunc, c *pcsc.Context) error { return c.Release() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wc := c
			if tt.name == "release" {
				var err error
				if wc, err = pcsc.Establish(); err != nil {
					t.Fatal(err)
				}
				defer wc.Release()
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			events, err := wc.Watch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			expectEvent(t, events, pcsc.ReaderAdded, nil) // the watch is running

			start := time.Now()
			if err := tt.stop(cancel, wc); err != nil {
				t.Fatal(err)
			}
			for range events { // drain what was sent before the stop
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("channel closed %v after stopping, want promptly", d)
			}
			if err := wc.Err(); err != nil {
				t.Errorf("Err() = %v after a deliberate stop, want nil", err)
			}
		})
	}
}

func TestConnectTransmit(t *testing.T) {
	c := requireSlot(t)
	card := newEchoCard(atrFOMSOMS)
	pcsctest.InsertCard(t, c, slot, card)

	k, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Disconnect(false)
	if got := k.ActiveProtocol(); got != pcsc.T1 {
		t.Errorf("ActiveProtocol() = %v, want T=1 (the ATR's TD1 announces T=1)", got)
	}
	if got := k.Reader(); got != reader {
		t.Errorf("Reader() = %q, want %q", got, reader)
	}
	atr, err := k.ATR()
	if err != nil || !bytes.Equal(atr, atrFOMSOMS) {
		t.Errorf("ATR() = % X, %v; want % X", atr, err, atrFOMSOMS)
	}

	tests := []struct {
		name string
		apdu []byte
	}{
		{"case 1", []byte{0x00, 0x70, 0x00, 0x00}},
		{"case 2", []byte{0x00, 0xB0, 0x00, 0x00, 0x20}},
		{"case 3 SELECT", selectAPDU},
		{"case 4", []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00}},
		{"case 3 with 255 data bytes", append([]byte{0x00, 0xD6, 0x00, 0x00, 0xFF}, bytes.Repeat([]byte{0xA5}, 255)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rsp, err := k.Transmit(tt.apdu)
			if err != nil {
				t.Fatal(err)
			}
			if want := append(slices.Clone(tt.apdu), 0x90, 0x00); !bytes.Equal(rsp, want) {
				t.Fatalf("response % X, want % X", rsp, want)
			}
		})
	}
	if _, err := k.Transmit(nil); err == nil {
		t.Error("Transmit(nil) succeeded, want an error")
	}

	if err := k.Disconnect(false); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Transmit(selectAPDU); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("Transmit after Disconnect = %v, want ErrClosed", err)
	}
}

func TestConnectErrors(t *testing.T) {
	c := requireSlot(t)
	waitEmpty(t, c)
	tests := []struct {
		name   string
		reader string
		proto  pcsc.Protocol
		want   error
	}{
		{"empty reader", reader, pcsc.Any, pcsc.ErrNoCard},
		{"unknown reader", "No Such Reader 00 00", pcsc.Any, pcsc.ErrUnknownReader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := c.Connect(tt.reader, tt.proto)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Connect = %v, %v; want %v", k, err, tt.want)
			}
		})
	}
	if _, err := c.Connect(reader, pcsc.Protocol(4)); err == nil {
		t.Error("Connect with protocol 4 succeeded, want an error")
	}
}

// TestTransaction checks that a transaction keeps another program (a second PC/SC
// context) off the card until it ends.
func TestTransaction(t *testing.T) {
	c := requireSlot(t)
	card := newEchoCard(atrFOMSOMS)
	pcsctest.InsertCard(t, c, slot, card)

	other, err := pcsc.Establish()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	mine, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Disconnect(false)
	theirs, err := other.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Disconnect(false)

	if err := mine.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.Transmit([]byte{0x00, 0xB0, 0x00, 0x01}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := theirs.Transmit([]byte{0x00, 0xB0, 0x00, 0xFF})
		done <- err
	}()
	// Leave the other program time to barge in. pcscd holds its command until our
	// transaction ends; if it did not, the command would reach the card before ours below.
	// (Nothing signals "held": this window can only miss a failure, never cause one.)
	time.Sleep(300 * time.Millisecond)
	if _, err := mine.Transmit([]byte{0x00, 0xB0, 0x00, 0x02}); err != nil {
		t.Fatal(err)
	}
	if err := mine.EndTransaction(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("other program: %v", err)
		}
	case <-time.After(pcsctest.Timeout):
		t.Fatal("other program still blocked after EndTransaction")
	}
	var apdus []string
	for _, l := range card.Log() {
		if len(l) > 5 { // APDUs, not power events
			apdus = append(apdus, l)
		}
	}
	want := []string{"00 B0 00 01", "00 B0 00 02", "00 B0 00 FF"}
	if !slices.Equal(apdus, want) {
		t.Fatalf("card saw %q, want %q", apdus, want)
	}
}

func TestRemovalMidSession(t *testing.T) {
	c := requireSlot(t)
	tests := []struct {
		name string
		pull func(card *echoCard, link *vpcd.Link)
	}{
		{"pulled during a command", func(card *echoCard, _ *vpcd.Link) { card.pullNext.Store(true) }},
		{"pulled between commands", func(_ *echoCard, link *vpcd.Link) { link.Remove() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := newEchoCard(atrFOMSOMS)
			link := pcsctest.InsertCard(t, c, slot, card)
			k, err := c.Connect(reader, pcsc.Any)
			if err != nil {
				t.Fatal(err)
			}
			defer k.Disconnect(false)
			if _, err := k.Transmit(selectAPDU); err != nil {
				t.Fatal(err)
			}

			tt.pull(card, link)
			if _, err := k.Transmit(selectAPDU); !errors.Is(err, pcsc.ErrCardRemoved) {
				t.Fatalf("Transmit after removal = %v, want ErrCardRemoved", err)
			}
			if _, err := k.Transmit(selectAPDU); !errors.Is(err, pcsc.ErrCardRemoved) {
				t.Errorf("second Transmit = %v, want ErrCardRemoved", err)
			}
			if err := k.BeginTransaction(); !errors.Is(err, pcsc.ErrCardRemoved) {
				t.Errorf("BeginTransaction = %v, want ErrCardRemoved", err)
			}
			if err := k.Reconnect(false); !errors.Is(err, pcsc.ErrCardRemoved) {
				t.Errorf("Reconnect = %v, want ErrCardRemoved", err)
			}
			waitEmpty(t, c)
		})
	}
}

// TestResetByOtherProgram checks the transparent reconnect after another program reset
// the card.
func TestResetByOtherProgram(t *testing.T) {
	c := requireSlot(t)
	card := newEchoCard(atrFOMSOMS)
	pcsctest.InsertCard(t, c, slot, card)

	k, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Disconnect(false)
	other, err := pcsc.Establish()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	theirs, err := other.Connect(reader, pcsc.Any)
	if err != nil {
		t.Fatal(err)
	}
	resetsBefore := countOf(card.Log(), "reset") + countOf(card.Log(), "off")
	if err := theirs.Disconnect(true); err != nil {
		t.Fatal(err)
	}
	if countOf(card.Log(), "reset")+countOf(card.Log(), "off") == resetsBefore {
		t.Fatalf("the other program's reset did not reach the card: %q", card.Log())
	}

	for _, op := range []struct {
		name string
		do   func() error
	}{
		{"Transmit", func() error {
			rsp, err := k.Transmit(selectAPDU)
			if err == nil && !bytes.Equal(rsp[len(rsp)-2:], []byte{0x90, 0x00}) {
				err = fmt.Errorf("response % X", rsp)
			}
			return err
		}},
		{"BeginTransaction", func() error {
			if err := other.Release(); err != nil {
				return err
			}
			// Reset again from a fresh program so that BeginTransaction meets it.
			o2, err := pcsc.Establish()
			if err != nil {
				return err
			}
			defer o2.Release()
			h, err := o2.Connect(reader, pcsc.Any)
			if err != nil {
				return err
			}
			if err := h.Disconnect(true); err != nil {
				return err
			}
			if err := k.BeginTransaction(); err != nil {
				return err
			}
			return k.EndTransaction()
		}},
	} {
		if err := op.do(); err != nil {
			t.Errorf("%s after a reset by another program: %v, want transparent reconnect", op.name, err)
		}
	}
}

func countOf(log []string, s string) int {
	n := 0
	for _, l := range log {
		if l == s {
			n++
		}
	}
	return n
}

func TestWaitForCard(t *testing.T) {
	c := requireSlot(t)
	tests := []struct {
		name  string
		query string
	}{
		{"named reader", reader},
		{"any reader", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.query == "" {
				// Keep other test processes' cards out of slot 1 while "any reader" waits.
				// Slots are always locked in increasing order, so this cannot deadlock.
				pcsctest.LockSlot(t, 1)
			}
			waitEmpty(t, c)
			if tt.query == "" && otherReaderHasCard(t, c) {
				t.Skip("another reader holds a card: \"any reader\" would find it first")
			}
			type result struct {
				reader string
				atr    []byte
				err    error
			}
			res := make(chan result, 1)
			ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
			defer cancel()
			go func() {
				r, atr, err := pcsc.WaitForCard(ctx, c, tt.query)
				res <- result{r, atr, err}
			}()
			_, link := insert(t, atrFOMS112)
			r := <-res
			if r.err != nil || r.reader != reader || !bytes.Equal(r.atr, atrFOMS112) {
				t.Fatalf("WaitForCard = %q, % X, %v; want %q, % X", r.reader, r.atr, r.err, reader, atrFOMS112)
			}

			// A card already present is found at once.
			got, atr, err := pcsc.WaitForCard(ctx, c, reader)
			if err != nil || got != reader || !bytes.Equal(atr, atrFOMS112) {
				t.Fatalf("WaitForCard with card present = %q, % X, %v", got, atr, err)
			}
			link.Remove()
			waitEmpty(t, c)
		})
	}
}

func otherReaderHasCard(t *testing.T, c *pcsc.Context) bool {
	readers, err := c.Readers()
	if err != nil {
		t.Fatal(err)
	}
	states, err := c.States(readers)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if s.Reader != reader && s.Present {
			return true
		}
	}
	return false
}

func TestWaitsAreCancellable(t *testing.T) {
	c := requireSlot(t)
	waitEmpty(t, c)
	pcsctest.InsertCard(t, c, slot, newEchoCard(atrFOMSOMS))

	tests := []struct {
		name string
		wait func(ctx context.Context) error
	}{
		{"WaitForCard in a missing reader", func(ctx context.Context) error {
			_, _, err := pcsc.WaitForCard(ctx, c, "No Such Reader 00 00")
			return err
		}},
		{"WaitForRemoval of a present card", func(ctx context.Context) error {
			return pcsc.WaitForRemoval(ctx, c, reader)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := tt.wait(ctx)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 1300*time.Millisecond {
				t.Errorf("returned %v after the start, want promptly after the 300 ms deadline", d)
			}
		})
	}
}

func TestWaitForRemovalUnknownReader(t *testing.T) {
	c := requireSlot(t)
	ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
	defer cancel()
	if err := pcsc.WaitForRemoval(ctx, c, "No Such Reader 00 00"); !errors.Is(err, pcsc.ErrUnknownReader) {
		t.Fatalf("WaitForRemoval = %v, want ErrUnknownReader", err)
	}
}

func TestReleasedContext(t *testing.T) {
	requireSlot(t)
	c, err := pcsc.Establish()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	if err := c.Release(); err != nil {
		t.Errorf("second Release = %v, want nil", err)
	}
	if _, err := c.Readers(); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("Readers after Release = %v, want ErrClosed", err)
	}
	if _, err := c.Watch(context.Background()); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("Watch after Release = %v, want ErrClosed", err)
	}
	if _, err := c.Connect(reader, pcsc.Any); !errors.Is(err, pcsc.ErrClosed) {
		t.Errorf("Connect after Release = %v, want ErrClosed", err)
	}
}

// BenchmarkTransmitRoundTrip measures a SELECT-sized APDU round trip through pcscd and
// vpcd. Expect about 0.1–0.2 ms; ~40 ms means the vpcd link's TCP_QUICKACK is not working.
func BenchmarkTransmitRoundTrip(b *testing.B) {
	c := pcsctest.RequirePCSCD(b)
	pcsctest.InsertCard(b, c, slot, newEchoCard(atrFOMSOMS))
	k, err := c.Connect(reader, pcsc.Any)
	if err != nil {
		b.Fatal(err)
	}
	defer k.Disconnect(false)
	for b.Loop() {
		if _, err := k.Transmit(selectAPDU); err != nil {
			b.Fatal(err)
		}
	}
}
