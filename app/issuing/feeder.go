package issuing

import (
	"context"
	"sync"

	"omsdesk/cardio"
	"omsdesk/cardio/issuance"
)

// pausingFeeder wraps the batch's Feeder so that Pause stops the run after the card
// being written, never in the middle of one: the run's context is cancelled only
// between cards, or at once while the feeder is still waiting for a card. A half
// written card would cost a blank and a recovery; a stop between cards costs nothing,
// and the queue in the registry resumes at the next row.
type pausingFeeder struct {
	inner  issuance.Feeder
	cancel context.CancelFunc
	// waitingFor is told which row the next card is for (the "insert a card" line),
	// finished when the workflow is done with a card (the "take it out" line).
	waitingFor func(row int)
	finished   func(row int)

	mu      sync.Mutex
	paused  bool
	waiting bool
}

// Next hands out the next card unless the run was paused.
func (p *pausingFeeder) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	p.mu.Lock()
	if p.paused {
		p.mu.Unlock()
		p.cancel()
		return nil, func() {}, context.Canceled
	}
	p.waiting = true
	p.mu.Unlock()
	if p.waitingFor != nil {
		p.waitingFor(row)
	}
	t, done, err := p.inner.Next(ctx, row)
	p.mu.Lock()
	p.waiting = false
	paused := p.paused
	p.mu.Unlock()
	if err == nil && paused {
		// The card came as the operator paused: leave it unwritten.
		done()
		p.cancel()
		return nil, func() {}, context.Canceled
	}
	if err != nil {
		return t, done, err
	}
	return t, func() {
		if p.finished != nil {
			p.finished(row)
		}
		done()
	}, nil
}

// pause asks the run to stop after the current card.
func (p *pausingFeeder) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = true
	if p.waiting {
		p.cancel()
	}
}

// FeederFunc lets a function be the batch's Feeder: it returns the card for a row and
// the func that releases it (and waits for it to be taken out).
type FeederFunc func(ctx context.Context, row int) (t cardio.Transport, done func(), err error)

// Next calls f.
func (f FeederFunc) Next(ctx context.Context, row int) (cardio.Transport, func(), error) {
	return f(ctx, row)
}
