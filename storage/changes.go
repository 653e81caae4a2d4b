package storage

import (
	"slices"
	"sync"
)

// ChangeKind says what a committed change touched.
type ChangeKind int

// The kinds of Change. Every kind means that reminders may have been added, moved or removed:
// a flight change plans or cancels its reminders in the same transaction, so a subscriber that
// only cares about reminders (the dispatcher's wake-up) can treat every Change alike.
const (
	// ChangeReminders: reminders or the settings that plan them changed (a settings or mission
	// change, a digest or countdown planned).
	ChangeReminders ChangeKind = iota + 1
	// ChangeFlight: a flight was scheduled, changed (manifest line, delay), landed or cancelled.
	// Change.Flight holds it as committed.
	ChangeFlight
)

func (k ChangeKind) String() string {
	switch k {
	case ChangeReminders:
		return "reminders"
	case ChangeFlight:
		return "flight"
	}
	return "unknown"
}

// Change is announced to subscribers after a transaction commits, never after a rollback. One
// committed transaction announces one Change.
type Change struct {
	Kind    ChangeKind
	GuildID string
	// Flight, for ChangeFlight, is the flight as it was committed, with its manifest. It is
	// shared by every subscriber: read it, copy it, never modify it.
	Flight *Flight
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
// Postgres ListenReminders hears of their reminders.
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

// remindersChange is the Change of a transaction that planned reminders of the guild.
func remindersChange(guildID string) Change {
	return Change{Kind: ChangeReminders, GuildID: guildID}
}

// flightChange is the Change of a transaction that wrote f. It takes a copy, manifest included,
// so that what subscribers see cannot move when the caller changes the flight it got back.
func flightChange(f Flight) Change {
	f.Manifest = slices.Clone(f.Manifest)
	return Change{Kind: ChangeFlight, GuildID: f.GuildID, Flight: &f}
}
