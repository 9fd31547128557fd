package vpcd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

// testATR is the first known OMS policy ATR (oms-card-format.md §4).
var testATR = []byte{0x3B, 0xF7, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x45, 0x46, 0x4F, 0x4D, 0x53, 0x4F, 0x4D, 0x53, 0xA9}

var errPulled = errors.New("card pulled mid-read")

// logCard records every call; Transmit echoes the command followed by 90 00 unless
// transmit is set.
type logCard struct {
	mu       sync.Mutex
	calls    []string
	transmit func(apdu []byte) ([]byte, error)
}

func (c *logCard) log(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, s)
}

func (c *logCard) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

func (c *logCard) ATR() []byte { c.log("atr"); return testATR }
func (c *logCard) PowerOn()    { c.log("on") }
func (c *logCard) PowerOff()   { c.log("off") }
func (c *logCard) Reset()      { c.log("reset") }

func (c *logCard) Transmit(apdu []byte) ([]byte, error) {
	c.log(fmt.Sprintf("apdu % X", apdu))
	if c.transmit != nil {
		return c.transmit(apdu)
	}
	return append(slices.Clone(apdu), 0x90, 0x00), nil
}

// fakeVPCD plays vpcd: it listens on a loopback port and accepts one card.
type fakeVPCD struct {
	ln net.Listener
}

func newFakeVPCD(t *testing.T) *fakeVPCD {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &fakeVPCD{ln: ln}
}

func (f *fakeVPCD) addr() string { return f.ln.Addr().String() }

// insert connects card to the fake reader and returns the reader's end of the connection.
func (f *fakeVPCD) insert(t *testing.T, card Card) (*Link, net.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := f.ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	link, err := Insert(ctx, f.addr(), card)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Remove() })
	c, ok := <-accepted
	if !ok {
		t.Fatal("fake vpcd: accept failed")
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return link, c
}

func writeFrame(t *testing.T, c net.Conn, p []byte) {
	t.Helper()
	buf := binary.BigEndian.AppendUint16(nil, uint16(len(p)))
	if _, err := c.Write(append(buf, p...)); err != nil {
		t.Fatalf("fake vpcd: writing frame: %v", err)
	}
}

func readFrame(t *testing.T, c net.Conn) []byte {
	t.Helper()
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		t.Fatalf("fake vpcd: reading frame length: %v", err)
	}
	p := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(c, p); err != nil {
		t.Fatalf("fake vpcd: reading frame: %v", err)
	}
	return p
}

// expectClosed asserts that the card side closed the connection without sending anything.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	var b [1]byte
	n, err := c.Read(b[:])
	if n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("fake vpcd: want EOF from card side, got %d bytes, %v", n, err)
	}
}

func waitDone(t *testing.T, l *Link) {
	t.Helper()
	select {
	case <-l.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("link did not end")
	}
}

var selectAPDU = []byte{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10}

func TestExchange(t *testing.T) {
	type step struct {
		send  []byte
		reply []byte // nil: no reply expected
	}
	tests := []struct {
		name  string
		steps []step
		calls []string
	}{
		{
			name:  "power on then ATR",
			steps: []step{{send: []byte{ctrlOn}}, {send: []byte{ctrlATR}, reply: testATR}},
			calls: []string{"on", "atr"},
		},
		{
			name: "power off and reset send no reply",
			steps: []step{
				{send: []byte{ctrlOff}}, {send: []byte{ctrlReset}}, {send: []byte{ctrlOn}},
				{send: []byte{ctrlATR}, reply: testATR},
			},
			calls: []string{"off", "reset", "on", "atr"},
		},
		{
			name:  "APDU round trip",
			steps: []step{{send: selectAPDU, reply: append(slices.Clone(selectAPDU), 0x90, 0x00)}},
			calls: []string{"apdu 00 A4 04 0C 07 A0 00 00 00 03 10 10"},
		},
		{
			name: "ATR query between APDUs",
			steps: []step{
				{send: []byte{0x00, 0xB0, 0x00, 0x00}, reply: []byte{0x00, 0xB0, 0x00, 0x00, 0x90, 0x00}},
				{send: []byte{ctrlATR}, reply: testATR},
				{send: []byte{0x00, 0xB0, 0x00, 0x10}, reply: []byte{0x00, 0xB0, 0x00, 0x10, 0x90, 0x00}},
			},
			calls: []string{"apdu 00 B0 00 00", "atr", "apdu 00 B0 00 10"},
		},
		{
			name:  "two-byte message is an APDU, not a control code",
			steps: []step{{send: []byte{0x01, 0x02}, reply: []byte{0x01, 0x02, 0x90, 0x00}}},
			calls: []string{"apdu 01 02"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := &logCard{}
			link, c := newFakeVPCD(t).insert(t, card)
			for _, s := range tt.steps {
				writeFrame(t, c, s.send)
				if s.reply == nil {
					continue
				}
				if got := readFrame(t, c); !bytes.Equal(got, s.reply) {
					t.Fatalf("reply to % X = % X, want % X", s.send, got, s.reply)
				}
			}
			// Every step's effect is visible once the last reply arrived: the link
			// handles messages in order.
			if got := card.Calls(); !slices.Equal(got, tt.calls) {
				t.Errorf("card calls = %q, want %q", got, tt.calls)
			}
			if err := link.Remove(); err != nil {
				t.Fatalf("Remove: %v", err)
			}
			expectClosed(t, c)
			if err := link.Err(); err != nil {
				t.Errorf("Err after Remove = %v, want nil", err)
			}
		})
	}
}

func TestCardErrorClosesConnection(t *testing.T) {
	card := &logCard{transmit: func([]byte) ([]byte, error) { return nil, errPulled }}
	link, c := newFakeVPCD(t).insert(t, card)
	writeFrame(t, c, selectAPDU)
	expectClosed(t, c)
	waitDone(t, link)
	err := link.Err()
	if !errors.Is(err, ErrCardLeft) || !errors.Is(err, errPulled) {
		t.Fatalf("Err = %v, want ErrCardLeft wrapping %v", err, errPulled)
	}
	if err := link.Remove(); err != nil {
		t.Errorf("Remove after the link ended: %v", err)
	}
	if !errors.Is(link.Err(), errPulled) {
		t.Errorf("Remove after failure replaced Err with %v", link.Err())
	}
}

func TestMalformedFrames(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte // written as is, then the reader side closes for writing
		want error
	}{
		{"empty message", []byte{0x00, 0x00}, ErrProtocol},
		{"unknown control code", []byte{0x00, 0x01, 0x03}, ErrProtocol},
		{"payload cut short", []byte{0x00, 0x0A, 0x00, 0xA4, 0x04}, ErrProtocol},
		{"length cut short", []byte{0x00}, ErrProtocol},
		{"clean close between messages", nil, ErrReaderClosed},
		{"clean close after an ATR query", []byte{0x00, 0x01, ctrlATR}, ErrReaderClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link, c := newFakeVPCD(t).insert(t, &logCard{})
			if len(tt.raw) > 0 {
				if _, err := c.Write(tt.raw); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			waitDone(t, link)
			if err := link.Err(); !errors.Is(err, tt.want) {
				t.Fatalf("Err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOversizedReplyIsProtocolError(t *testing.T) {
	card := &logCard{transmit: func([]byte) ([]byte, error) { return make([]byte, MaxMessage+1), nil }}
	link, c := newFakeVPCD(t).insert(t, card)
	writeFrame(t, c, selectAPDU)
	expectClosed(t, c)
	waitDone(t, link)
	if err := link.Err(); !errors.Is(err, ErrProtocol) {
		t.Fatalf("Err = %v, want ErrProtocol", err)
	}
}

func TestLargestReplyFits(t *testing.T) {
	big := bytes.Repeat([]byte{0x5A}, MaxMessage)
	card := &logCard{transmit: func([]byte) ([]byte, error) { return big, nil }}
	_, c := newFakeVPCD(t).insert(t, card)
	writeFrame(t, c, selectAPDU)
	if got := readFrame(t, c); !bytes.Equal(got, big) {
		t.Fatalf("got %d-byte reply, want %d bytes", len(got), len(big))
	}
}

func TestRemoveIsIdempotent(t *testing.T) {
	link, c := newFakeVPCD(t).insert(t, &logCard{})
	for i := range 2 {
		if err := link.Remove(); err != nil {
			t.Fatalf("Remove #%d: %v", i+1, err)
		}
	}
	expectClosed(t, c)
	select {
	case <-link.Done():
	default:
		t.Fatal("Done not closed after Remove")
	}
	if err := link.Err(); err != nil {
		t.Fatalf("Err = %v, want nil", err)
	}
}

func TestInsertGivesUpWhenContextEnds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = Insert(ctx, addr, &logCard{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Insert = %v, want context.DeadlineExceeded", err)
	}
}

func TestInsertRetriesUntilListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	type result struct {
		link *Link
		err  error
	}
	res := make(chan result, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		l, err := Insert(ctx, addr, &logCard{})
		res <- result{l, err}
	}()
	// Give Insert time to fail at least once: this sets the scene, it waits for nothing.
	time.Sleep(3 * dialRetry)
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s was taken meanwhile: %v", addr, err)
	}
	defer ln.Close()
	r := <-res
	if r.err != nil {
		t.Fatalf("Insert: %v", r.err)
	}
	r.link.Remove()
}

// TestNoDelayedACKStall plays vpcd the way Debian's vpcd 0.8 behaves — Nagle on, length
// and payload in two writes — and checks that round trips do not wait for the 40 ms
// delayed-ACK timer.
func TestNoDelayedACKStall(t *testing.T) {
	_, c := newFakeVPCD(t).insert(t, &logCard{})
	if err := c.(*net.TCPConn).SetNoDelay(false); err != nil {
		t.Fatal(err)
	}
	const rounds = 40
	times := make([]time.Duration, 0, rounds)
	for range rounds {
		start := time.Now()
		if _, err := c.Write(binary.BigEndian.AppendUint16(nil, uint16(len(selectAPDU)))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(selectAPDU); err != nil {
			t.Fatal(err)
		}
		readFrame(t, c)
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	if median := times[rounds/2]; median > 10*time.Millisecond {
		t.Fatalf("median round trip %v: delayed-ACK stall (TCP_QUICKACK not effective)", median)
	}
}

func TestSlotAddrAndReaderName(t *testing.T) {
	tests := []struct {
		slot       int
		addr, name string
	}{
		{0, "127.0.0.1:35963", "Virtual PCD 00 00"},
		{1, "127.0.0.1:35964", "Virtual PCD 00 01"},
		{10, "127.0.0.1:35973", "Virtual PCD 00 0A"},
	}
	for _, tt := range tests {
		if got := SlotAddr(tt.slot); got != tt.addr {
			t.Errorf("SlotAddr(%d) = %q, want %q", tt.slot, got, tt.addr)
		}
		if got := ReaderName(tt.slot); got != tt.name {
			t.Errorf("ReaderName(%d) = %q, want %q", tt.slot, got, tt.name)
		}
	}
	if DefaultAddr != SlotAddr(0) {
		t.Errorf("DefaultAddr = %q, want SlotAddr(0) = %q", DefaultAddr, SlotAddr(0))
	}
}

// BenchmarkLoopbackRoundTrip measures one APDU round trip through the link without pcscd,
// against a fake vpcd that writes like the real one (Nagle on, two writes).
func BenchmarkLoopbackRoundTrip(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	link, err := Insert(context.Background(), ln.Addr().String(), &logCard{transmit: func(a []byte) ([]byte, error) {
		return []byte{0x90, 0x00}, nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer link.Remove()
	c := <-accepted
	if c == nil {
		b.Fatal("accept failed")
	}
	defer c.Close()
	c.(*net.TCPConn).SetNoDelay(false)
	hdr := binary.BigEndian.AppendUint16(nil, uint16(len(selectAPDU)))
	rsp := make([]byte, 4)
	for b.Loop() {
		if _, err := c.Write(hdr); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Write(selectAPDU); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, rsp); err != nil {
			b.Fatal(err)
		}
	}
}
