package pcsc

import (
	"context"
	"fmt"

	"github.com/ebfe/scard"
)

// WaitForCard blocks until a card is present in the named reader — or in any reader
// when reader is "" — and returns that reader's name and the card's ATR. A card that is
// already present counts. It returns ctx's error when ctx ends first, and the service's
// error (for example [ErrNoService]) if watching fails.
//
// It waits in SCardGetStatusChange on its own PC/SC context (see [Context.Watch]).
func WaitForCard(ctx context.Context, c *Context, reader string) (string, []byte, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := c.startWatch(wctx)
	if err != nil {
		return "", nil, fmt.Errorf("waiting for card: %w", err)
	}
	for ev := range w.events {
		if ev.Kind == CardInserted && (reader == "" || ev.Reader == reader) {
			return ev.Reader, ev.ATR, nil
		}
	}
	if w.err != nil {
		return "", nil, fmt.Errorf("waiting for card: %w", w.err)
	}
	if err := ctx.Err(); err != nil {
		return "", nil, fmt.Errorf("waiting for card: %w", err)
	}
	return "", nil, fmt.Errorf("waiting for card: %w", ErrClosed) // c was released
}

// WaitForRemoval blocks until the named reader holds no card. A reader that is already
// empty returns at once; a reader that does not exist (or disappears) fails with
// [ErrUnknownReader]. It returns ctx's error when ctx ends first.
//
// It waits in SCardGetStatusChange on its own PC/SC context.
func WaitForRemoval(ctx context.Context, c *Context, reader string) error {
	if err := c.alive(); err != nil {
		return fmt.Errorf("waiting for card removal from %q: %w", reader, err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.base, cancel)()
	b, err := newBlocker(wctx)
	if err != nil {
		return fmt.Errorf("waiting for card removal from %q: %w", reader, err)
	}
	defer b.close()

	cur := scard.StateUnaware
	for {
		if err := wctx.Err(); err != nil {
			return fmt.Errorf("waiting for card removal from %q: %w", reader, ctxErr(ctx))
		}
		rs := []scard.ReaderState{{Reader: reader, CurrentState: cur}}
		err := b.sc.GetStatusChange(rs, -1)
		switch {
		case err == nil:
		case isCode(err, scard.ErrTimeout), isCode(err, scard.ErrCancelled):
			continue // the loop head reports a cancellation
		default:
			return fmt.Errorf("waiting for card removal from %q: %w", reader, mapErr(err))
		}
		ev := rs[0].EventState
		switch {
		case ev&scard.StateUnknown != 0:
			return fmt.Errorf("waiting for card removal from %q: %w", reader, ErrUnknownReader)
		case ev&scard.StateEmpty != 0:
			return nil
		}
		cur = ev &^ scard.StateChanged
	}
}

// ctxErr is ctx's error, or ErrClosed when only the Context's release ended the wait.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ErrClosed
}
