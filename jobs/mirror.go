package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"liaison/storage"
)

// ChangeSource announces changes after they commit; *storage.Store is one.
type ChangeSource interface {
	Subscribe(fn func(storage.Change)) (unsubscribe func())
}

// DefaultMirrorQueue is how many flight changes may wait for Discord before new ones are dropped.
const DefaultMirrorQueue = 256

// EventMirror keeps the Events tab in line with the flights whatever changed them (a command,
// `liaison import`): it subscribes to the store's committed changes and hands each flight change
// to Events, one at a time, on a goroutine of its own. A writer never waits on the Events API,
// and the changes of one flight reach Discord in the order they were committed.
//
// Set the fields (Events and Changes are required), call Start once, and Close when done.
type EventMirror struct {
	Events  *FlightEvents
	Changes ChangeSource
	Log     *slog.Logger
	// Queue bounds the changes waiting for Discord (DefaultMirrorQueue when 0). When Discord is
	// down for long the queue fills and further changes are dropped with a warning: the mirror
	// is a courtesy copy, the flights themselves are stored.
	Queue int

	mu          sync.Mutex
	closed      bool
	queue       chan storage.Flight
	done        chan struct{}
	cancel      context.CancelFunc
	unsubscribe func()

	// Read and written by the worker goroutine only: one entry per flight changed while the
	// process runs (hundreds in a mission), so it is not worth pruning.
	seen map[flightKey]*mirrored
}

type flightKey struct {
	guild string
	id    int64
}

// mirrored is what the mirror knows of a flight it has seen change.
type mirrored struct {
	eventID string    // the event created for it, before the store's copy of the flight shows it
	updated time.Time // the flight's UpdatedAt at its latest change mirrored
}

// Start subscribes to the changes and starts the worker.
func (m *EventMirror) Start() {
	if m.Log == nil {
		m.Log = slog.New(slog.DiscardHandler)
	}
	if m.Queue <= 0 {
		m.Queue = DefaultMirrorQueue
	}
	m.queue = make(chan storage.Flight, m.Queue)
	m.done = make(chan struct{})
	m.seen = map[flightKey]*mirrored{}
	// The worker's calls outlive any one interaction; Close cancels them if it cannot wait.
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	fe := *m.Events
	fe.Store = &eventIDs{EventStore: m.Events.Store, m: m}
	go m.work(ctx, &fe)
	m.unsubscribe = m.Changes.Subscribe(m.changed)
}

// changed queues the flights a change committed, in order; it never blocks, since it runs on
// the writer's goroutine.
func (m *EventMirror) changed(c storage.Change) {
	if len(c.Flights) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	for _, f := range c.Flights {
		select {
		case m.queue <- f:
		default:
			m.Log.Warn("scheduled-event mirror is behind; change not mirrored", "guild", c.GuildID, "flight", f.ID)
		}
	}
}

// Close stops taking changes and waits for the queued ones to reach Discord, at most until ctx
// ends; then it abandons the rest.
func (m *EventMirror) Close(ctx context.Context) {
	m.mu.Lock()
	if m.closed || m.queue == nil {
		m.mu.Unlock()
		return
	}
	m.closed = true
	close(m.queue)
	m.mu.Unlock()
	m.unsubscribe()
	select {
	case <-m.done:
	case <-ctx.Done():
		m.Log.Warn("scheduled-event mirror: changes still queued at shutdown; abandoning them", "queued", len(m.queue))
	}
	m.cancel()
}

// work mirrors the queued changes in order until the queue is closed and empty, or ctx ends.
func (m *EventMirror) work(ctx context.Context, fe *FlightEvents) {
	defer close(m.done)
	for f := range m.queue {
		if ctx.Err() != nil {
			return
		}
		m.mirror(ctx, fe, f)
	}
}

// mirror brings one flight's event in line with one committed change.
func (m *EventMirror) mirror(ctx context.Context, fe *FlightEvents, f storage.Flight) {
	k := flightKey{f.GuildID, f.ID}
	st := m.seen[k]
	if st == nil {
		st = &mirrored{}
		m.seen[k] = st
	}
	// Two writers of one flight commit in turn (the row is locked) but may announce in the
	// other order; the earlier state, announced late, must not undo the later one.
	if f.UpdatedAt.Before(st.updated) {
		return
	}
	st.updated = f.UpdatedAt
	// A change committed while the event was being created carries no event ID yet: without
	// this, a flight scheduled and at once cancelled (an import) would leave its event behind.
	if f.EventID == "" {
		f.EventID = st.eventID
	}
	fe.FlightChanged(ctx, f)
}

// eventIDs passes SetFlightEvent through to the store, remembering the event for the flight's
// next changes.
type eventIDs struct {
	EventStore
	m *EventMirror
}

func (s *eventIDs) SetFlightEvent(ctx context.Context, guildID string, id int64, eventID string) error {
	if st := s.m.seen[flightKey{guildID, id}]; st != nil {
		st.eventID = eventID
	}
	return s.EventStore.SetFlightEvent(ctx, guildID, id, eventID)
}
