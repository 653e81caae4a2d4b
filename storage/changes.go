package storage

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Effect is one kind of thing a committed write changed. A write declares its effects where it
// makes them (see Store.write); nothing is guessed afterwards from the SQL it ran.
type Effect uint8

// The effects a write can declare. Records, Flights and Settings are what the snapshots are
// read from (see snapshot.go); Reminders is what the dispatchers wait on.
const (
	// EffectRecords: arrivals, departures, pledges, the force totals they move, police types.
	EffectRecords Effect = 1 << iota
	// EffectFlights: a flight or its manifest. Change.Flights holds each flight as committed,
	// unless the write was the bot's own bookkeeping (SetFlightEvent).
	EffectFlights
	// EffectSettings: the guild's row, its settings and mission. A guild's digests follow its
	// settings, so the scheduler plans them again on this effect, and on no other.
	EffectSettings
	// EffectReminders: reminders planned, moved, cancelled or given back to be claimed. The
	// scheduler wakes on this effect, and on no other.
	EffectReminders
)

// snapshotEffects are the effects that make a guild's snapshot stale.
const snapshotEffects = EffectRecords | EffectFlights | EffectSettings

func (e Effect) String() string {
	var parts []string
	for _, n := range []struct {
		e    Effect
		name string
	}{{EffectRecords, "records"}, {EffectFlights, "flights"}, {EffectSettings, "settings"}, {EffectReminders, "reminders"}} {
		if e&n.e != 0 {
			parts = append(parts, n.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Change is what one committed transaction changed, as it declared it: its guild and its
// effects. It is announced once, after commit, never after a rollback.
type Change struct {
	// GuildID is the guild written; "" only for the dispatcher's bookkeeping of reminders, which
	// may span guilds (Settle).
	GuildID string
	Effects Effect
	// Flights holds, for EffectFlights, each flight the transaction wrote as it was committed
	// with its manifest, in order (an import may schedule a flight and then land it). They are
	// shared by every subscriber: read them, copy them, never modify them.
	Flights []Flight
}

// Has reports whether the change has any of the effects e.
func (c Change) Has(e Effect) bool { return c.Effects&e != 0 }

// flight adds f, as committed, to the change's flights: a copy, manifest included, so that what
// subscribers see cannot move when the caller changes the flight it got back.
func (c *Change) flight(f Flight) {
	f.Manifest = slices.Clone(f.Manifest)
	c.Effects |= EffectFlights
	c.Flights = append(c.Flights, f)
}

// payload is the change as other instances hear it (see notify.go): "<effects>:<guild>". The
// flights stay here; the other instances only need to know what to drop and whom to wake.
func (c Change) payload() string { return strconv.Itoa(int(c.Effects)) + ":" + c.GuildID }

// parsePayload reads a payload back.
func parsePayload(p string) (Change, error) {
	e, guild, ok := strings.Cut(p, ":")
	n, err := strconv.ParseUint(e, 10, 8)
	if !ok || err != nil {
		return Change{}, fmt.Errorf("change notification %q: want <effects>:<guild>", p)
	}
	return Change{GuildID: guild, Effects: Effect(n)}, nil
}

// changes is the list of subscribers; the zero value has none.
type changes struct {
	mu   sync.Mutex
	next int
	subs []subscriber
}

type subscriber struct {
	id int
	fn func(Change)
}

// Subscribe calls fn with every Change this store commits, until the returned function is
// called. It is safe for concurrent use. fn runs on the writer's goroutine right after commit
// (a command handler waits for it), so it must not block: hand the change to a queue or a
// buffered channel and return. Changes committed by other processes are not seen here; on
// Postgres ListenChanges hears of them.
func (s *Store) Subscribe(fn func(Change)) (unsubscribe func()) {
	c := &s.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	id := c.next
	c.subs = append(c.subs, subscriber{id: id, fn: fn})
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.subs = slices.DeleteFunc(slices.Clone(c.subs), func(sub subscriber) bool { return sub.id == id })
	}
}

// publish tells every subscriber, in the order they subscribed, about a committed change. It
// calls them outside the lock, so that a callback may subscribe or unsubscribe; the list is
// never modified in place (Subscribe appends past its end, unsubscribing clones it), so the
// snapshot taken under the lock stays valid.
func (s *Store) publish(ch Change) {
	s.changes.mu.Lock()
	subs := s.changes.subs
	s.changes.mu.Unlock()
	for _, sub := range subs {
		sub.fn(ch)
	}
}

// flightChange is the Change of a write of flight f alone; an import gathers its flights'
// changes into its own with merge.
func flightChange(f Flight) Change {
	c := Change{GuildID: f.GuildID}
	c.flight(f)
	return c
}

// merge adds o's effects and flights to c, both of c's guild.
func (c *Change) merge(o Change) {
	c.Effects |= o.Effects
	c.Flights = append(c.Flights, o.Flights...)
}
