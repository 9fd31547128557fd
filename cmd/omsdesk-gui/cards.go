package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"omsdesk/app"
	"omsdesk/app/cardsource"
	"omsdesk/app/technician"
	"omsdesk/cardio"
	"omsdesk/cardio/atr"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/vcard"
)

// errReaderNeeded means several readers are connected and none is chosen: writing to
// whichever card happens to be present is how the wrong card gets personalised.
var errReaderNeeded = errors.New("several readers connected: choose one in the status bar")

// cards connects the issuance and technician modes to the card the shell follows: the
// PC/SC reader of the latest card update, or the built-in virtual card.
type cards struct {
	shell *app.Shell
}

// reader is the reader to talk to: the one chosen, else the one of the latest card,
// else the only one connected.
func (c *cards) reader(pc *pcsc.Context) (string, error) {
	if r := c.shell.Reader(); r != "" {
		return r, nil
	}
	if r := c.shell.CardReader(); r != "" && r != cardsource.VirtualReader {
		return r, nil
	}
	readers, err := pc.Readers()
	if err != nil {
		return "", err
	}
	switch len(readers) {
	case 0:
		return "", pcsc.ErrNoReaders
	case 1:
		return readers[0], nil
	}
	return "", errReaderNeeded
}

// connect opens the card in reader ("" the reader the shell follows); release
// disconnects and closes the context.
func (c *cards) connect(reader string) (*pcsc.Card, func(), error) {
	pc, err := pcsc.Establish()
	if err != nil {
		return nil, nil, err
	}
	if reader == "" {
		if reader, err = c.reader(pc); err != nil {
			pc.Release()
			return nil, nil, err
		}
	}
	card, err := pc.Connect(reader, pcsc.Any)
	if err != nil {
		pc.Release()
		return nil, nil, fmt.Errorf("connecting to %s: %w", reader, err)
	}
	return card, func() { card.Disconnect(false); pc.Release() }, nil
}

// Issuance's card: a fresh virtual blank card when the virtual card is the source (so
// issuance can be tried without a reader), else the card in the reader.
func (c *cards) issuanceCard(ctx context.Context) (cardio.Transport, func(), error) {
	if c.shell.Virtual() {
		blank := vcard.NewBlank(vcard.BlankOptions{Serial: vcard.SerialFromSeed(time.Now().String())})
		return blank.Transport(), func() {}, nil
	}
	card, release, err := c.connect("")
	if err != nil {
		return nil, nil, err
	}
	return card, release, nil
}

// technicianRead reads the card again with a trace and the details.
func (c *cards) technicianRead(ctx context.Context, reader string) (*technician.CardRead, error) {
	if c.shell.Virtual() || reader == cardsource.VirtualReader {
		card := vcard.Default()
		return technician.ReadWithDetails(cardsource.VirtualReader, card.ATR(), card.Transport(), false)
	}
	card, release, err := c.connect(reader)
	if err != nil {
		return nil, err
	}
	defer release()
	atrBytes, err := card.ATR()
	if err != nil {
		return nil, fmt.Errorf("reading ATR: %w", err)
	}
	extended := false
	if a, err := atr.Parse(atrBytes); err == nil {
		extended = a.ExtendedLength
	}
	return technician.ReadWithDetails(card.Reader(), atrBytes, card, extended)
}

// feeder hands a batch one card after another: it waits for a card in the reader and,
// when the workflow is done with it, for the card to be taken out. With the virtual
// card it hands out fresh virtual blanks.
type feeder struct{ c *cards }

func (f feeder) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	if f.c.shell.Virtual() {
		blank := vcard.NewBlank(vcard.BlankOptions{Serial: vcard.SerialFromSeed(fmt.Sprintf("%s-%d", time.Now(), row))})
		return blank.Transport(), func() {}, nil
	}
	pc, err := pcsc.Establish()
	if err != nil {
		return nil, nil, err
	}
	reader, err := f.c.reader(pc)
	if err != nil {
		pc.Release()
		return nil, nil, err
	}
	if _, _, err := pcsc.WaitForCard(ctx, pc, reader); err != nil {
		pc.Release()
		return nil, nil, err
	}
	card, err := pc.Connect(reader, pcsc.Any)
	if err != nil {
		pc.Release()
		return nil, nil, fmt.Errorf("connecting to %s: %w", reader, err)
	}
	done := func() {
		card.Disconnect(false)
		_ = pcsc.WaitForRemoval(ctx, pc, reader)
		pc.Release()
	}
	return card, done, nil
}
