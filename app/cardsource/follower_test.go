package cardsource

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"omsdesk/cardio/omscard"
	"omsdesk/cardio/pcsc"
	"omsdesk/cardio/policy"
)

// fakeReads answers reads by reader name: "A" and "B" hold OMS cards, a reader in
// failing fails as if its card left during the read.
type fakeReads struct{ failing map[string]bool }

func (f fakeReads) read(reader string) Update {
	if f.failing[reader] {
		return Update{State: StateError, Err: fmt.Errorf("reading: %w", pcsc.ErrCardRemoved)}
	}
	return Update{State: StateRead, Result: &omscard.Result{Policy: &policy.Policy{}}}
}

func ev(kind pcsc.EventKind, reader string) pcsc.Event { return pcsc.Event{Kind: kind, Reader: reader} }

// short writes an update as "state@reader".
func short(u Update) string {
	names := [...]string{"noservice", "noreader", "waiting", "reading", "read", "error", "removed"}
	if u.Reader == "" {
		return names[u.State]
	}
	return names[u.State] + "@" + u.Reader
}

func TestFollower(t *testing.T) {
	for _, tt := range []struct {
		name    string
		only    string
		present []string
		failing []string
		events  []pcsc.Event
		want    string
		readers string // the last list OnReaders saw
	}{
		{name: "no reader", want: "noreader", readers: ""},
		{name: "reader plugged in", events: []pcsc.Event{ev(pcsc.ReaderAdded, "A")},
			want: "noreader waiting", readers: "A"},
		{name: "snapshot repeats readers already listed", present: []string{"A"},
			events: []pcsc.Event{ev(pcsc.ReaderAdded, "A")}, want: "waiting", readers: "A"},
		{name: "insert and remove", present: []string{"A"},
			events: []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.CardRemoved, "A")},
			want:   "waiting reading@A read@A removed@A waiting", readers: "A"},
		{name: "fast remove and re-insert", present: []string{"A"},
			events: []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.CardRemoved, "A"), ev(pcsc.CardInserted, "A")},
			want:   "waiting reading@A read@A removed@A waiting reading@A read@A", readers: "A"},
		{name: "reader unplugged while reading", present: []string{"A"}, failing: []string{"A"},
			events: []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.CardRemoved, "A"), ev(pcsc.ReaderRemoved, "A")},
			want:   "waiting reading@A error@A removed@A waiting noreader", readers: ""},
		{name: "reader unplugged with the card on screen", present: []string{"A"},
			events: []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.ReaderRemoved, "A")},
			want:   "waiting reading@A read@A removed@A noreader", readers: ""},
		{name: "second reader's card replaces the first; the first leaving changes nothing",
			present: []string{"A", "B"},
			events:  []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.CardInserted, "B"), ev(pcsc.CardRemoved, "A"), ev(pcsc.CardRemoved, "B")},
			want:    "waiting reading@A read@A reading@B read@B removed@B waiting", readers: "A B"},
		{name: "fixed reader ignores the others but lists them", only: "B", present: []string{"A"},
			events: []pcsc.Event{ev(pcsc.CardInserted, "A"), ev(pcsc.ReaderAdded, "B"), ev(pcsc.CardInserted, "B"), ev(pcsc.CardRemoved, "A")},
			want:   "noreader@B waiting@B reading@B read@B", readers: "A B"},
		{name: "fixed reader unplugged", only: "B", present: []string{"B"},
			events: []pcsc.Event{ev(pcsc.ReaderRemoved, "B")},
			want:   "waiting@B noreader@B", readers: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var readers []string
			reads := fakeReads{failing: map[string]bool{}}
			for _, r := range tt.failing {
				reads.failing[r] = true
			}
			f := newFollower(tt.only, func(u Update) { got = append(got, short(u)) },
				func(l []string) { readers = slices.Clone(l) }, reads.read)
			f.start(tt.present)
			for _, e := range tt.events {
				f.handle(e)
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("updates\n got %s\nwant %s", s, tt.want)
			}
			if s := strings.Join(readers, " "); s != tt.readers {
				t.Errorf("readers %q, want %q", s, tt.readers)
			}
		})
	}
}
