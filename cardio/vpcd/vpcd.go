// Package vpcd plugs a card implemented in Go into pcscd through vsmartcard's vpcd
// reader driver, so that the whole PC/SC stack (pcscd, libpcsclite, ebfe/scard, package
// pcsc and every program above it) can be exercised without hardware.
//
// vpcd is a pcscd reader driver that listens on TCP; the virtual card is the client.
// Connecting to a slot's port is inserting a card into that slot's reader, and closing the
// connection is removing it. Every message in both directions is a 2-byte big-endian
// length followed by that many bytes. A 1-byte message from vpcd is a control code (power
// off, power on, reset, or "send the ATR"); anything longer is a command APDU that the card
// answers with one message holding the whole response (data followed by SW1 SW2).
// vpcd does no GET RESPONSE and no chaining: the card sees exactly what the application
// transmitted.
//
// The package takes care of one performance trap: vpcd writes the length and the payload
// of each message separately with Nagle's algorithm on, so a card side that delays its
// ACKs stalls every APDU by the kernel's 40 ms delayed-ACK timer. The link therefore sets
// TCP_QUICKACK before every read and sends each reply in a single write; a round trip
// through pcscd then takes well under a millisecond.
//
// pcscd polls vpcd for presence every 400 ms, so insertions and removals reach PC/SC
// programs up to 400 ms late. Wait for the reader to be reported empty before inserting
// the next card: observed with Debian 12's pcscd 1.9.9, a card swapped for another while
// pcscd keeps it powered and no program is connected goes unnoticed (the new card answers
// the presence poll, and pcscd keeps reporting the old card's ATR).
package vpcd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// DefaultAddr is the address of vpcd's first slot, which pcscd names "Virtual PCD 00 00"
// under Debian's vpcd configuration.
const DefaultAddr = "127.0.0.1:35963"

// basePort is the TCP port of slot 0. Debian's /etc/reader.conf.d/vpcd gives vpcd two
// slots, on ports 35963 and 35964; each further slot (if configured) takes the next port.
const basePort = 35963

// SlotAddr returns the loopback address of vpcd slot n: 127.0.0.1:35963+n.
//
// It assumes Debian's vpcd configuration (base port 35963, slots numbered from 0). Other
// configurations need an explicit address.
func SlotAddr(n int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(basePort+n))
}

// ReaderName returns the name pcscd gives the reader of vpcd slot n, "Virtual PCD 00 0n".
//
// It assumes Debian's vpcd configuration (FRIENDLYNAME "Virtual PCD", the only vpcd
// entry in reader.conf); pcscd appends the reader number (00) and the slot number, both as
// two hexadecimal digits.
func ReaderName(n int) string {
	return fmt.Sprintf("Virtual PCD 00 %02X", n)
}

// Control codes: the payload of a 1-byte message from vpcd (vsmartcard's vpcd.h,
// VPCD_CTRL_*).
const (
	ctrlOff   = 0x00 // power the card down; no reply
	ctrlOn    = 0x01 // power the card up; no reply
	ctrlReset = 0x02 // warm reset; no reply
	ctrlATR   = 0x04 // reply with one message holding the ATR
)

// MaxMessage is the largest payload a message can carry: the length prefix is two bytes.
// A reply longer than this cannot be framed, and ends the link with [ErrProtocol].
const MaxMessage = 0xFFFF

// dialRetry is how long Insert waits between attempts while vpcd is not listening yet
// (pcscd starting up, or the previous card's connection still being torn down).
const dialRetry = 50 * time.Millisecond

var (
	// ErrProtocol reports a message that breaks vpcd's framing: an empty message, an
	// unknown control code, a frame cut short, or a reply too long to frame.
	ErrProtocol = errors.New("vpcd: protocol error")

	// ErrReaderClosed reports that vpcd closed the connection, typically because pcscd
	// stopped.
	ErrReaderClosed = errors.New("vpcd: connection closed by the reader")

	// ErrCardLeft wraps the error a Card's Transmit returned to say it has left the reader.
	ErrCardLeft = errors.New("vpcd: card left the reader")
)

// Card is a card implemented in Go. The link calls its methods from a single goroutine,
// one at a time, in the order vpcd sends the corresponding messages.
type Card interface {
	// ATR returns the answer to reset (ISO 7816-3 §8). It can be asked for at any time,
	// also between APDUs: pcscd polls the card's presence this way every 400 ms.
	ATR() []byte
	// PowerOn is called when the reader powers the card up.
	PowerOn()
	// PowerOff is called when the reader powers the card down.
	PowerOff()
	// Reset is called on a warm reset (ISO 7816-3 §6.2.3).
	Reset()
	// Transmit answers one command APDU with the complete response (data + SW1 SW2).
	// A non-nil error means the card has left the reader (fault injection: "card pulled
	// mid-read"): the link closes the connection without answering.
	Transmit(apdu []byte) ([]byte, error)
}

// Link is one card inserted into one vpcd slot. It serves vpcd's requests in its own
// goroutine until the card is removed, vpcd goes away, or the card fails.
type Link struct {
	conn *net.TCPConn
	raw  syscall.RawConn
	card Card

	done chan struct{}

	mu       sync.Mutex
	err      error // why serve ended; written before done is closed
	removing bool  // Remove closed the connection: the read error it causes is not a failure
}

// Insert connects card to the vpcd slot at addr (for example [DefaultAddr] or
// [SlotAddr]) and serves it in a goroutine. If vpcd is not listening yet it retries every
// 50 ms until ctx is done. ctx bounds only the connecting: once Insert returns, the card
// stays inserted until [Link.Remove] or a failure.
//
// vpcd serves one card per slot and leaves a second connection waiting in its listen
// queue, so inserting into an occupied slot succeeds but the card is not seen until the
// slot's first card is removed.
func Insert(ctx context.Context, addr string, card Card) (*Link, error) {
	if card == nil {
		return nil, errors.New("vpcd: nil card")
	}
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			l, err := newLink(c, card)
			if err != nil {
				c.Close()
				return nil, fmt.Errorf("inserting card at %s: %w", addr, err)
			}
			go l.serve()
			return l, nil
		}
		t := time.NewTimer(dialRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("inserting card at %s: %w (last attempt: %v)", addr, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// newLink prepares a connection for serving: TCP_NODELAY on, raw access for QUICKACK.
func newLink(c net.Conn, card Card) (*Link, error) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil, fmt.Errorf("vpcd: %T is not a TCP connection", c)
	}
	if err := tc.SetNoDelay(true); err != nil {
		return nil, fmt.Errorf("setting TCP_NODELAY: %w", err)
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("getting raw connection: %w", err)
	}
	return &Link{conn: tc, raw: raw, card: card, done: make(chan struct{})}, nil
}

// Remove takes the card out of the reader: it closes the connection and waits until the
// serving goroutine has returned. It is safe to call more than once and after the link
// has ended on its own.
func (l *Link) Remove() error {
	l.mu.Lock()
	select {
	case <-l.done:
	default:
		l.removing = true
	}
	l.mu.Unlock()
	err := l.conn.Close()
	<-l.done
	if errors.Is(err, net.ErrClosed) {
		err = nil // serve closed it first
	}
	if err != nil {
		return fmt.Errorf("removing card: %w", err)
	}
	return nil
}

// Done returns a channel that is closed when the link ends for any reason.
func (l *Link) Done() <-chan struct{} { return l.done }

// Err reports why the link ended. It is nil while the link is up and when it ended
// through Remove; otherwise it matches [ErrReaderClosed], [ErrProtocol] or [ErrCardLeft]
// (which also wraps the card's own error), or is a network error.
func (l *Link) Err() error {
	select {
	case <-l.done:
	default:
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// serve answers vpcd until the connection ends, then records why.
func (l *Link) serve() {
	err := l.loop()
	l.conn.Close()
	l.mu.Lock()
	if l.removing {
		err = nil
	}
	l.err = err
	close(l.done)
	l.mu.Unlock()
}

// loop reads and answers messages until an error; the error says why it stopped.
func (l *Link) loop() error {
	var hdr [2]byte
	for {
		if err := l.readFull(hdr[:]); err != nil {
			switch {
			case errors.Is(err, io.EOF):
				return ErrReaderClosed
			case errors.Is(err, io.ErrUnexpectedEOF):
				return fmt.Errorf("%w: reading message length: %w", ErrProtocol, err)
			}
			return fmt.Errorf("reading message length: %w", err)
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n == 0 {
			return fmt.Errorf("%w: empty message", ErrProtocol)
		}
		msg := make([]byte, n)
		if err := l.readFull(msg); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("%w: reading %d-byte message: %w", ErrProtocol, n, err)
		}
		if n == 1 {
			if err := l.control(msg[0]); err != nil {
				return err
			}
			continue
		}
		rsp, err := l.card.Transmit(msg)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrCardLeft, err)
		}
		if err := l.send(rsp); err != nil {
			return fmt.Errorf("sending response: %w", err)
		}
	}
}

// control handles a 1-byte control message.
func (l *Link) control(code byte) error {
	switch code {
	case ctrlOff:
		l.card.PowerOff()
	case ctrlOn:
		l.card.PowerOn()
	case ctrlReset:
		l.card.Reset()
	case ctrlATR:
		if err := l.send(l.card.ATR()); err != nil {
			return fmt.Errorf("sending ATR: %w", err)
		}
	default:
		return fmt.Errorf("%w: unknown control code %#02x", ErrProtocol, code)
	}
	return nil
}

// send frames p and writes it in one write, so that vpcd receives length and payload in
// one segment.
func (l *Link) send(p []byte) error {
	if len(p) > MaxMessage {
		return fmt.Errorf("%w: %d-byte message exceeds %d bytes", ErrProtocol, len(p), MaxMessage)
	}
	buf := make([]byte, 2+len(p))
	binary.BigEndian.PutUint16(buf, uint16(len(p)))
	copy(buf[2:], p)
	_, err := l.conn.Write(buf)
	return err
}

// readFull fills p, re-arming TCP_QUICKACK before every read: the kernel clears it on its
// own after a while, and without it vpcd's second write (the payload, held back by Nagle
// until the length is ACKed) waits for our delayed ACK.
func (l *Link) readFull(p []byte) error {
	for off := 0; off < len(p); {
		l.quickAck()
		n, err := l.conn.Read(p[off:])
		off += n
		if err != nil {
			if errors.Is(err, io.EOF) && off > 0 {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}
