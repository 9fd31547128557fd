package pcsc

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ebfe/scard"
)

// EventKind says what an [Event] reports.
type EventKind int

const (
	// ReaderAdded: a reader appeared (or was there when watching started).
	ReaderAdded EventKind = iota + 1
	// ReaderRemoved: a reader disappeared.
	ReaderRemoved
	// CardInserted: a card was inserted (or was present when watching started).
	CardInserted
	// CardRemoved: a card left the reader.
	CardRemoved
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case ReaderAdded:
		return "ReaderAdded"
	case ReaderRemoved:
		return "ReaderRemoved"
	case CardInserted:
		return "CardInserted"
	case CardRemoved:
		return "CardRemoved"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one change seen by [Context.Watch].
type Event struct {
	Kind   EventKind
	Reader string
	// ATR is the answer to reset of the card inserted (CardInserted) or of the card that
	// left (CardRemoved); it is empty for a mute card and for reader events.
	ATR []byte
	// Time is when the watcher observed the change. pcscd polls some readers (vpcd among
	// them) every 400 ms, so it can lag the physical event by that much.
	Time time.Time
}

const (
	// relistInterval is how often the reader list is re-read when the PC/SC service does
	// not support the PnP pseudo-reader (or there is nothing to wait on at all).
	relistInterval = time.Second
	// cancelRetry is the pause between SCardCancel attempts once a watch's context ends.
	cancelRetry = 20 * time.Millisecond
	// eventBuffer is the capacity of a watch's channel.
	eventBuffer = 16
)

// Watch reports reader and card changes on the returned channel until ctx is cancelled,
// c is released, or the PC/SC service fails; the channel is then closed. After a failure
// (typically [ErrNoService] when pcscd went away) nothing more is sent and [Context.Err]
// says what happened.
//
// Watching starts with a snapshot: a ReaderAdded event for every connected reader,
// followed by CardInserted for every card already present, so a watcher started after
// insertion still sees the card. Afterwards each insertion and removal is reported once,
// in order; a card pulled and re-inserted between two looks is reported as CardRemoved
// then CardInserted (pcscd's event counter in the high 16 bits of the reader state
// reveals it). A card inserted and pulled again between two looks is not reported.
// A reader that disappears yields CardRemoved (if it held a card) and ReaderRemoved.
//
// Watch uses its own PC/SC context, blocked in SCardGetStatusChange (woken by the
// \\?PnP?\Notification pseudo-reader on reader hotplug, or re-listing readers every
// second where that is not supported), so it does not hold up calls on c.
func (c *Context) Watch(ctx context.Context) (<-chan Event, error) {
	w, err := c.startWatch(ctx)
	if err != nil {
		return nil, err
	}
	return w.events, nil
}

// watch is a running watch; err is valid once events is closed.
type watch struct {
	events chan Event
	err    error
}

// startWatch starts a watch and returns it, so that WaitForCard can read its own error.
func (c *Context) startWatch(ctx context.Context) (*watch, error) {
	c.mu.Lock()
	if c.released {
		c.mu.Unlock()
		return nil, fmt.Errorf("watching readers: %w", ErrClosed)
	}
	c.watches.Add(1)
	c.mu.Unlock()

	wctx, cancel := context.WithCancel(ctx)
	stopTie := context.AfterFunc(c.base, cancel) // Release ends the watch
	b, err := newBlocker(wctx)
	if err != nil {
		stopTie()
		cancel()
		c.watches.Done()
		return nil, fmt.Errorf("watching readers: %w", err)
	}
	w := &watch{events: make(chan Event, eventBuffer)}
	go func() {
		defer c.watches.Done()
		err := (&watcher{ctx: wctx, b: b, out: w.events}).run()
		b.close()
		stopTie()
		cancel()
		if err != nil {
			err = fmt.Errorf("watching readers: %w", err)
			c.setWatchErr(err)
		}
		w.err = err
		close(w.events)
	}()
	return w, nil
}

// blocker is a private PC/SC context for blocking calls: once ctx is done, its
// GetStatusChange returns SCARD_E_CANCELLED.
type blocker struct {
	sc   *scard.Context
	stop chan struct{}
	done chan struct{}
}

func newBlocker(ctx context.Context) (*blocker, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, mapErr(err)
	}
	b := &blocker{sc: sc, stop: make(chan struct{}), done: make(chan struct{})}
	go b.cancelWhenDone(ctx)
	return b, nil
}

// cancelWhenDone calls SCardCancel once ctx is done. pcsc-lite's SCardCancel only
// interrupts a call that is already blocked, and ctx may end just before the next
// GetStatusChange starts, so it repeats every cancelRetry until close.
func (b *blocker) cancelWhenDone(ctx context.Context) {
	defer close(b.done)
	select {
	case <-b.stop:
		return
	case <-ctx.Done():
	}
	t := time.NewTicker(cancelRetry)
	defer t.Stop()
	for {
		_ = b.sc.Cancel()
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
	}
}

// close stops the canceller, then releases the context (never while Cancel may run).
func (b *blocker) close() {
	close(b.stop)
	<-b.done
	_ = b.sc.Release()
}

// tracked is what a watcher knows about one reader.
type tracked struct {
	state scard.StateFlag // last event state without CHANGED
	seen  bool            // state holds a real observation (else: unaware)
	atr   []byte          // ATR of the card present at the last look
}

type watcher struct {
	ctx   context.Context
	b     *blocker
	out   chan<- Event
	known map[string]*tracked
	order []string // known readers, in the order pcscd lists them
}

// run watches until ctx ends (nil) or the PC/SC service fails (the error).
func (w *watcher) run() error {
	w.known = map[string]*tracked{}
	pnp := true // the service supports the PnP pseudo-reader, until it says otherwise
	pnpState := scard.StateUnaware
	unknownStreak := 0
	for {
		if w.ctx.Err() != nil {
			return nil
		}
		names, err := listReaders(w.b.sc)
		if err != nil {
			if w.ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !w.syncReaders(names) {
			return nil
		}

		rs := make([]scard.ReaderState, 0, len(w.order)+1)
		for _, name := range w.order {
			rs = append(rs, scard.ReaderState{Reader: name, CurrentState: w.known[name].state})
		}
		timeout := relistInterval
		if pnp {
			rs = append(rs, scard.ReaderState{Reader: PnPNotification, CurrentState: pnpState})
			timeout = -1 // infinite: the pseudo-reader wakes us on hotplug
		}
		if len(rs) == 0 {
			if !w.sleep(relistInterval) {
				return nil
			}
			continue
		}

		err = w.b.sc.GetStatusChange(rs, timeout)
		switch {
		case err == nil:
			unknownStreak = 0
		case isCode(err, scard.ErrTimeout):
			continue
		case isCode(err, scard.ErrCancelled):
			if w.ctx.Err() != nil {
				return nil
			}
			continue
		case isCode(err, scard.ErrUnknownReader):
			// A reader left between listing and waiting: list again. Back off if it
			// persists, so a confused service cannot make this spin.
			unknownStreak++
			if unknownStreak > 1 && !w.sleep(min(time.Duration(unknownStreak)*50*time.Millisecond, relistInterval)) {
				return nil
			}
			continue
		default:
			if w.ctx.Err() != nil {
				return nil
			}
			return mapErr(err)
		}

		now := time.Now()
		for i, name := range w.order {
			t, r := w.known[name], rs[i]
			removed, inserted := transition(t.seen, t.state, r.EventState)
			if removed && !w.send(Event{Kind: CardRemoved, Reader: name, ATR: t.atr, Time: now}) {
				return nil
			}
			t.state, t.seen, t.atr = r.EventState&^scard.StateChanged, true, nil
			if present(r.EventState) && len(r.Atr) > 0 {
				t.atr = slices.Clone(r.Atr)
			}
			if inserted && !w.send(Event{Kind: CardInserted, Reader: name, ATR: slices.Clone(t.atr), Time: now}) {
				return nil
			}
		}
		if pnp {
			if ev := rs[len(rs)-1].EventState; ev&scard.StateUnknown != 0 {
				pnp = false // the service does not know the pseudo-reader: poll instead
			} else {
				pnpState = ev &^ scard.StateChanged
			}
		}
	}
}

// syncReaders brings the known readers in line with names, reporting readers that left
// (with their card) and readers that appeared. It returns false if ctx ended.
func (w *watcher) syncReaders(names []string) bool {
	now := time.Now()
	for _, name := range w.order {
		if slices.Contains(names, name) {
			continue
		}
		t := w.known[name]
		if t.seen && present(t.state) && !w.send(Event{Kind: CardRemoved, Reader: name, ATR: t.atr, Time: now}) {
			return false
		}
		delete(w.known, name)
		if !w.send(Event{Kind: ReaderRemoved, Reader: name, Time: now}) {
			return false
		}
	}
	w.order = slices.DeleteFunc(w.order, func(n string) bool { return w.known[n] == nil })
	for _, name := range names {
		if w.known[name] != nil {
			continue
		}
		w.known[name] = &tracked{state: scard.StateUnaware}
		w.order = append(w.order, name)
		if !w.send(Event{Kind: ReaderAdded, Reader: name, Time: now}) {
			return false
		}
	}
	return true
}

// send delivers ev unless ctx ends first.
func (w *watcher) send(ev Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// sleep waits d unless ctx ends first. It is used only where there is nothing to block
// on: no readers and no PnP support, or a reader list that keeps changing under us.
func (w *watcher) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// present reports whether state flags describe a usable reader holding a card.
func present(f scard.StateFlag) bool {
	return f&scard.StatePresent != 0 && f&(scard.StateUnknown|scard.StateUnavailable) == 0
}

// transition compares a reader's previous state flags with new ones and says whether a
// card left and whether one arrived (both for a quick remove/re-insert). Before the first
// look (seen false) only a present card counts, as an insertion.
//
// pcscd keeps a per-reader event counter in the high 16 bits of dwEventState, bumped on
// every insertion and removal (not on resets): a card present both times with a
// different counter was replaced in between.
func transition(seen bool, prev, now scard.StateFlag) (removed, inserted bool) {
	nowIn := present(now)
	if !seen {
		return false, nowIn
	}
	prevIn := present(prev)
	switch {
	case prevIn && !nowIn:
		return true, false
	case !prevIn && nowIn:
		return false, true
	case prevIn && nowIn && prev>>16 != now>>16:
		return true, true
	}
	return false, false
}
