package pcsc

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"omsdesk/cardio"
)

// Protocol is a card transmission protocol (ISO 7816-3). The values are PC/SC's
// SCARD_PROTOCOL_* bits.
type Protocol int

const (
	// T0 is the character-oriented protocol T=0 (ISO 7816-3 §10).
	T0 Protocol = 1
	// T1 is the block-oriented protocol T=1 (ISO 7816-3 §11), the one OMS policy cards
	// use.
	T1 Protocol = 2
	// Any lets the reader pick T=0 or T=1 from the card's ATR.
	Any = T0 | T1
)

// String returns "T=0", "T=1", "T=0|T=1" or "undefined".
func (p Protocol) String() string {
	switch p {
	case T0:
		return "T=0"
	case T1:
		return "T=1"
	case Any:
		return "T=0|T=1"
	}
	return "undefined"
}

// removalSettle bounds how long a failed exchange waits for pcscd to say whether the
// card is still there. pcscd polls some readers (vpcd among them) every 400 ms, so a card
// pulled mid-exchange fails with "Transaction failed" up to 400 ms before pcscd notices.
const removalSettle = time.Second

// Card is a connection to the card in one reader, in shared mode. It implements
// cardio.Transport. Its methods may be called from several goroutines; they run one at a
// time.
//
// Reset by another program: pcsc-lite fails the next call on every other handle with
// SCARD_W_RESET_CARD. Transmit and BeginTransaction then reconnect once (without a
// further reset) and retry the call, so the caller does not see the reset — but the card
// has lost its state (the selected file, verified PINs). Code that depends on that state
// must send its SELECT inside a transaction: no other program can reset the card while a
// transaction is open. If the reconnect finds no card, the call fails with
// [ErrCardRemoved].
type Card struct {
	ctx    *Context
	reader string
	proto  Protocol
	direct bool // connected with ConnectDirect: attributes only, no card protocol

	mu      sync.Mutex
	h       *scard.Card
	counter uint16 // pcscd's insert/remove counter for the reader when we connected
	closed  bool
}

var _ cardio.Transport = (*Card)(nil)

// Connect connects to the card in reader in shared mode, with protocol proto (T0, T1 or
// Any). It fails with [ErrNoCard] when the reader is empty and [ErrUnknownReader] when
// no reader has that name.
func (c *Context) Connect(reader string, proto Protocol) (*Card, error) {
	if proto != T0 && proto != T1 && proto != Any {
		return nil, fmt.Errorf("connecting to %q: invalid protocol %d", reader, int(proto))
	}
	if err := c.alive(); err != nil {
		return nil, fmt.Errorf("connecting to %q: %w", reader, err)
	}
	h, err := c.sc.Connect(reader, scard.ShareShared, scard.Protocol(proto))
	if err != nil {
		return nil, fmt.Errorf("connecting to %q: %w", reader, mapErr(err))
	}
	k := &Card{ctx: c, reader: reader, proto: proto, h: h}
	k.counter = k.eventCounter()
	return k, nil
}

// eventCounter reads pcscd's per-reader event counter: the high 16 bits of the reader's
// event state, incremented on every insertion and removal. 0 means unknown.
func (k *Card) eventCounter() uint16 {
	rs := []scard.ReaderState{{Reader: k.reader, CurrentState: scard.StateUnaware}}
	if err := k.ctx.sc.GetStatusChange(rs, 0); err != nil {
		return 0
	}
	return uint16(rs[0].EventState >> 16)
}

// Reader returns the name of the reader the card is in.
func (k *Card) Reader() string { return k.reader }

// ActiveProtocol returns the protocol the reader negotiated with the card.
func (k *Card) ActiveProtocol() Protocol {
	k.mu.Lock()
	defer k.mu.Unlock()
	return Protocol(k.h.ActiveProtocol())
}

// ATR returns the card's answer to reset (ISO 7816-3 §8) as the reader last read it.
func (k *Card) ATR() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, fmt.Errorf("reading ATR: %w", ErrClosed)
	}
	st, err := status(k.h)
	if err != nil {
		return nil, fmt.Errorf("reading ATR: %w", k.classify(err))
	}
	return slices.Clone(st.Atr), nil
}

// status wraps scard's Status, which indexes the reader list without checking it.
func status(h *scard.Card) (st *scard.CardStatus, err error) {
	defer func() {
		if recover() != nil {
			st, err = nil, errors.New("pcsc: malformed SCardStatus result")
		}
	}()
	return h.Status()
}

// Transmit sends a command APDU and returns the response (data + SW1 SW2). It does no
// GET RESPONSE or Le retry (see cardio.Transport).
func (k *Card) Transmit(command []byte) ([]byte, error) {
	if len(command) == 0 {
		return nil, errors.New("transmitting APDU: empty command")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, fmt.Errorf("transmitting APDU: %w", ErrClosed)
	}
	rsp, err := k.transmit(command)
	if isCode(err, scard.ErrResetCard) {
		if err = k.reconnect(scard.LeaveCard); err == nil {
			rsp, err = k.transmit(command)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("transmitting APDU: %w", k.classify(err))
	}
	if len(rsp) < 2 {
		// Every response ends with SW1 SW2 (ISO 7816-4 §5.1). vpcd reports a card that
		// vanished mid-exchange as an empty response with success.
		if k.cardGone() {
			return nil, fmt.Errorf("transmitting APDU: %w (%d-byte response)", ErrCardRemoved, len(rsp))
		}
		return nil, fmt.Errorf("transmitting APDU: %w: %d-byte response has no status word", ErrTransmission, len(rsp))
	}
	return rsp, nil
}

// transmit guards scard's Transmit, which panics on a protocol other than T=0 or T=1.
func (k *Card) transmit(command []byte) ([]byte, error) {
	switch p := k.h.ActiveProtocol(); p {
	case scard.ProtocolT0, scard.ProtocolT1:
	default:
		return nil, fmt.Errorf("pcsc: no usable active protocol (%#x)", uint32(p))
	}
	return k.h.Transmit(command)
}

// BeginTransaction gives this handle exclusive use of the card until EndTransaction:
// other programs' calls wait. It reconnects once after a reset by another program.
func (k *Card) BeginTransaction() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return fmt.Errorf("beginning transaction: %w", ErrClosed)
	}
	err := k.h.BeginTransaction()
	if isCode(err, scard.ErrResetCard) {
		if err = k.reconnect(scard.LeaveCard); err == nil {
			err = k.h.BeginTransaction()
		}
	}
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", k.classify(err))
	}
	return nil
}

// EndTransaction ends the transaction, leaving the card as it is.
func (k *Card) EndTransaction() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return fmt.Errorf("ending transaction: %w", ErrClosed)
	}
	if err := k.h.EndTransaction(scard.LeaveCard); err != nil {
		return fmt.Errorf("ending transaction: %w", k.classify(err))
	}
	return nil
}

// Reconnect re-establishes the connection (SCardReconnect), resetting the card first if
// reset is true. It fails with [ErrCardRemoved] if the card has left the reader.
func (k *Card) Reconnect(reset bool) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return fmt.Errorf("reconnecting: %w", ErrClosed)
	}
	d := scard.LeaveCard
	if reset {
		d = scard.ResetCard
	}
	if err := k.reconnect(d); err != nil {
		return fmt.Errorf("reconnecting: %w", k.classify(err))
	}
	return nil
}

// reconnect calls SCardReconnect. A reader that has no card (any more) means the card we
// were connected to was removed.
func (k *Card) reconnect(d scard.Disposition) error {
	share, proto := scard.ShareShared, scard.Protocol(k.proto)
	if k.direct {
		share, proto = scard.ShareDirect, scard.ProtocolUndefined
	}
	err := k.h.Reconnect(share, proto, d)
	if isCode(err, scard.ErrNoSmartcard) {
		return withKind(err, ErrCardRemoved)
	}
	if err == nil {
		k.counter = k.eventCounter()
	}
	return err
}

// Disconnect closes the connection, resetting the card if reset is true. Further calls
// fail with [ErrClosed]; calling Disconnect again does nothing.
func (k *Card) Disconnect(reset bool) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil
	}
	k.closed = true
	d := scard.LeaveCard
	if reset {
		d = scard.ResetCard
	}
	if err := k.h.Disconnect(d); err != nil {
		return fmt.Errorf("disconnecting: %w", mapErr(err))
	}
	return nil
}

// classify maps err to an [*Error]. A failed exchange (SCARD_E_NOT_TRANSACTED, an
// unresponsive card) is reported as [ErrCardRemoved] if pcscd confirms within
// removalSettle that the card has left the reader.
func (k *Card) classify(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		return err // already classified
	}
	var se scard.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se {
	case scard.ErrNotTransacted, scard.ErrUnresponsiveCard:
		if k.cardGone() {
			return withKind(err, ErrCardRemoved)
		}
	}
	return mapErr(err)
}

// cardGone waits (up to removalSettle) for pcscd to report that the card this handle was
// connected to has left: the reader is empty or gone, or its event counter moved on (the
// card was pulled and another inserted). It returns false when the card stays.
func (k *Card) cardGone() bool {
	deadline := time.Now().Add(removalSettle)
	cur := scard.StatePresent | scard.StateFlag(k.counter)<<16
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		rs := []scard.ReaderState{{Reader: k.reader, CurrentState: cur}}
		err := k.ctx.sc.GetStatusChange(rs, left)
		switch {
		case isCode(err, scard.ErrUnknownReader):
			return true
		case err != nil:
			return false // timeout: still there; anything else: cannot tell
		}
		ev := rs[0].EventState
		if ev&(scard.StateEmpty|scard.StateUnknown|scard.StateUnavailable) != 0 {
			return true
		}
		if k.counter != 0 && uint16(ev>>16) != k.counter {
			return true
		}
		cur = ev &^ scard.StateChanged // changed for another reason (in use, mute): wait on
	}
}
