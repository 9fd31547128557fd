package technician

import (
	"context"
	"errors"
	"fmt"

	"omsdesk/app/cardsource"
	"omsdesk/cardio"
	"omsdesk/cardio/apdu"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/probe"
	"omsdesk/cardio/trace"
	"omsdesk/cardio/vcard"
)

// ReadWithDetails reads the card behind t the way the technician screen wants it: the
// policy (probe.ReadTransport, with extended-length reads when the card offers them),
// then the details of the issuance profile (omscard.ReadDetails), both traced. The
// shell's [Deps.ReadCard] calls it on a PC/SC card or on the virtual card.
//
// The details are read even when the policy read failed — a voided card or an
// interrupted personalisation shows its serial and life cycle there — and dropped when
// their own read failed half-way, since a shortened insurer history would be judged
// as a broken one. The error is the policy read's, else the details'.
func ReadWithDetails(reader string, atrBytes []byte, t cardio.Transport, extended bool) (*CardRead, error) {
	res, ex, err := probe.ReadTransport(t, extended, probe.Options{Trace: true})
	cr := &CardRead{Reader: reader, ATR: append([]byte(nil), atrBytes...), Result: res, Exchanges: ex}
	if err != nil && !errors.Is(err, omscard.ErrInsurerUnreadable) && !errors.Is(err, omscard.ErrNotOMSCard) &&
		!errors.Is(err, omscard.ErrVoided) {
		return cr, err // the exchange itself failed: the card is gone or mute
	}
	rec := trace.New(t, nil)
	det, derr := omscard.ReadDetails(rec)
	for _, e := range rec.Exchanges() {
		e.Seq = len(cr.Exchanges) + 1
		cr.Exchanges = append(cr.Exchanges, e)
	}
	if derr != nil {
		if err == nil {
			err = fmt.Errorf("reading card details: %w", derr)
		}
		return cr, err
	}
	cr.Details = det
	return cr, err
}

// CardReader returns a [Deps.ReadCard] for the program: the built-in virtual card when
// the reader is cardsource.VirtualReader (virtual gives the card the virtual source
// shows), else the card in that PC/SC reader, connected to for this read only.
func CardReader(virtual func() *vcard.Card) func(ctx context.Context, reader string) (*CardRead, error) {
	return func(ctx context.Context, reader string) (*CardRead, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if reader == cardsource.VirtualReader {
			c := virtual()
			return ReadWithDetails(reader, c.ATR(), c.Transport(), false)
		}
		return readPCSC(reader)
	}
}

// readPCSC reads the card in a PC/SC reader, with extended-length reads when its ATR
// offers them (and short ones if the card then refuses them, as probe.Read does).
func readPCSC(reader string) (*CardRead, error) {
	pc, err := pcsc.Establish()
	if err != nil {
		return nil, fmt.Errorf("connecting to the smart card service: %w", err)
	}
	defer pc.Release()
	card, err := pc.Connect(reader, pcsc.Any)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", reader, err)
	}
	defer card.Disconnect(false)
	atrBytes, err := card.ATR()
	if err != nil {
		return nil, fmt.Errorf("reading ATR: %w", err)
	}
	extended := false
	if a, err := atr.Parse(atrBytes); err == nil {
		extended = a.ExtendedLength
	}
	cr, err := ReadWithDetails(reader, atrBytes, card, extended)
	if extended && (errors.Is(err, apdu.ErrWrongLength) || errors.Is(err, pcsc.ErrTransmission)) {
		cr, err = ReadWithDetails(reader, atrBytes, card, false)
	}
	return cr, err
}
