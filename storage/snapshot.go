package storage

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The snapshots: every interaction reads its guild's settings, and /forces reads the force
// levels, pledges, recent arrivals and the next flight, four or five queries that dominate its
// cost. A per-guild snapshot in memory answers them instead, and is dropped whenever something
// it was read from changed. Every write declares its guild and its effects (see Store.write
// and Effect); a change with EffectRecords, EffectFlights or EffectSettings drops the guild's
// snapshot:
//
//   - on this instance, at once: Store.write drops it right after commit, before the write
//     returns, so the caller's next read sees the change (read-your-writes);
//   - on other instances sharing a Postgres database: the same transaction sends the Change by
//     NOTIFY (see notify.go), and ListenRecords drops the guild's snapshot on receipt.
//     Snapshots are served on Postgres only while that listener is connected (see CacheLive);
//   - whatever was missed (a notification lost with its connection, a second process writing
//     the same SQLite file, rows changed by hand): no snapshot is served older than
//     snapshotMaxAge.
//
// A read that started before a drop must not store what it read after it: each drop bumps an
// epoch, and a read keeps its result only if the epoch has not moved since it began.
//
// Memory is bounded: at most maxSnapshots guilds are held, and a guild's snapshot is one Guild
// row, one CountryForce per country (at most the ~250 country codes), and one flight with its
// manifest: 1.6 KB of heap for a guild like the demo's, 1.6 MB for 1,000 guilds (measured by
// BenchmarkSnapshots1000Guilds, which also shows the resident memory). Nothing in it
// grows with the history.

// snapshotMaxAge bounds how stale a snapshot can be when a change was not heard of (a missed
// notification, another process on the same SQLite file), and how far the "last 7 days" window
// of a snapshot can lag behind the clock.
const snapshotMaxAge = 3 * time.Second

// maxSnapshots is the most guilds whose snapshots are kept at once.
const maxSnapshots = 2048

// allGuilds, given to drop, means "any guild may have changed".
const allGuilds = "*"

// ForcesView is what /forces reads, as of At: the force levels (as ForceLevels returns them),
// the personnel arrived since At minus the window, and the next open flight.
type ForcesView struct {
	At       time.Time
	Window   time.Duration
	Levels   []CountryForce
	Deployed int64
	Recent   int64 // personnel of arrivals at or after At-Window
	// Next is the flight NextFlight returns at At, nil when none is open; Overdue as it says.
	Next    *Flight
	Overdue bool
	// Reports are the latest reported figures (LatestReports, at most LatestReportsShown),
	// each beside the ledger of its day.
	Reports []ReportView
}

// LatestReportsShown is how many reported figures /forces shows under the total.
const LatestReportsShown = 3

// ForcesView returns the guild's ForcesView at now with the given recent window, from the
// guild's snapshot when a fresh one is held, else from the database (and keeps it). What it
// returns is the caller's to keep or modify.
func (s *Store) ForcesView(ctx context.Context, guildID string, now time.Time, window time.Duration) (ForcesView, error) {
	if v, ok := s.snap.forces(guildID, now, window, s.Now()); ok {
		return v.clone(), nil
	}
	ticket := s.snap.ticket()
	loaded := s.Now()
	v := ForcesView{At: now, Window: window}
	var err error
	if v.Levels, v.Deployed, err = s.ForceLevels(ctx, guildID); err != nil {
		return ForcesView{}, err
	}
	if v.Recent, err = s.ArrivedSince(ctx, guildID, now.Add(-window)); err != nil {
		return ForcesView{}, err
	}
	f, overdue, err := s.NextFlight(ctx, guildID, now)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return ForcesView{}, err
	default:
		v.Next, v.Overdue = &f, overdue
	}
	if v.Reports, err = s.LatestReports(ctx, guildID, "", LatestReportsShown); err != nil {
		return ForcesView{}, err
	}
	s.snap.put(guildID, ticket, func(e *guildSnap) { e.forces, e.forcesLoaded = v.clone(), loaded })
	return v, nil
}

// CachedGuild is Guild served from the guild's snapshot when a fresh one is held: the router
// reads the settings on every interaction.
func (s *Store) CachedGuild(ctx context.Context, guildID string) (Guild, error) {
	if g, ok := s.snap.guild(guildID, s.Now()); ok {
		return g, nil
	}
	ticket := s.snap.ticket()
	loaded := s.Now()
	g, err := s.Guild(ctx, guildID)
	if err != nil {
		return g, err
	}
	s.snap.put(guildID, ticket, func(e *guildSnap) { e.guild, e.guildLoaded = &g, loaded })
	return g, nil
}

// CacheLive reports whether snapshots are served: always on SQLite, whose writers are in this
// process; on Postgres only while ListenRecords is connected, so that another instance's write
// cannot go unheard.
func (s *Store) CacheLive() bool { return s.snap.live.Load() }

// CachedGuilds is the store as the router's source of guild settings: Guild reads through the
// snapshot (CachedGuild), AdoptLanguage writes as usual.
type CachedGuilds struct{ Store *Store }

// Guild returns the guild's settings, from its snapshot when fresh.
func (c CachedGuilds) Guild(ctx context.Context, guildID string) (Guild, error) {
	return c.Store.CachedGuild(ctx, guildID)
}

// AdoptLanguage is Store.AdoptLanguage; the write drops the guild's snapshot.
func (c CachedGuilds) AdoptLanguage(ctx context.Context, guildID, lang string) error {
	return c.Store.AdoptLanguage(ctx, guildID, lang)
}

func (v ForcesView) clone() ForcesView {
	v.Levels = slices.Clone(v.Levels)
	v.Reports = slices.Clone(v.Reports)
	if v.Next != nil {
		f := *v.Next
		f.Manifest = slices.Clone(f.Manifest)
		v.Next = &f
	}
	return v
}

// snapshots holds the guilds' snapshots; the zero value is empty and not live.
type snapshots struct {
	live atomic.Bool

	mu     sync.RWMutex
	epoch  uint64 // bumped by every drop
	guilds map[string]*guildSnap
}

// guildSnap is one guild's snapshot; each part is nil until read, and carries the store-clock
// instant it was loaded at.
type guildSnap struct {
	guild        *Guild
	guildLoaded  time.Time
	forces       ForcesView
	forcesLoaded time.Time // zero: no forces view held
}

// fresh reports whether something loaded at loaded may still be served at now.
func fresh(loaded, now time.Time) bool {
	return !loaded.IsZero() && !now.Before(loaded) && now.Sub(loaded) < snapshotMaxAge
}

func (c *snapshots) guild(guildID string, now time.Time) (Guild, bool) {
	if !c.live.Load() {
		return Guild{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.guilds[guildID]
	if e == nil || e.guild == nil || !fresh(e.guildLoaded, now) {
		return Guild{}, false
	}
	g := *e.guild
	if g.MandateEnd != nil {
		end := *g.MandateEnd // the caller's own, like the rest of the copy
		g.MandateEnd = &end
	}
	return g, true
}

// forces returns the guild's view if it was loaded less than snapshotMaxAge ago (clock) and
// still answers for at: the same window, at not before the view's instant nor past it by
// snapshotMaxAge, and the next flight's ETA not passed (it would turn overdue or give way).
func (c *snapshots) forces(guildID string, at time.Time, window time.Duration, clock time.Time) (ForcesView, bool) {
	if !c.live.Load() {
		return ForcesView{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.guilds[guildID]
	if e == nil || !fresh(e.forcesLoaded, clock) {
		return ForcesView{}, false
	}
	v := e.forces
	if v.Window != window || !fresh(v.At, at) || (v.Next != nil && !v.Overdue && at.After(v.Next.ETA)) {
		return ForcesView{}, false
	}
	return v, true
}

// ticket is the epoch a read begins at; put keeps its result only if no drop came since.
func (c *snapshots) ticket() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.epoch
}

// put stores what a read begun at ticket loaded, unless a drop came since or snapshots are not
// live. When maxSnapshots guilds are held it first forgets the stale ones, then any.
func (c *snapshots) put(guildID string, ticket uint64, set func(*guildSnap)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != ticket || !c.live.Load() {
		return
	}
	e := c.guilds[guildID]
	if e == nil {
		if c.guilds == nil {
			c.guilds = map[string]*guildSnap{}
		}
		if len(c.guilds) >= maxSnapshots {
			c.evict()
		}
		e = &guildSnap{}
		c.guilds[guildID] = e
	}
	set(e)
}

// evict makes room: it drops every snapshot both of whose parts are older than snapshotMaxAge
// by the newest load, and, if none is, an arbitrary quarter of them.
func (c *snapshots) evict() {
	var newest time.Time
	for _, e := range c.guilds {
		newest = maxTime(newest, maxTime(e.guildLoaded, e.forcesLoaded))
	}
	for id, e := range c.guilds {
		if !fresh(e.guildLoaded, newest) && !fresh(e.forcesLoaded, newest) {
			delete(c.guilds, id)
		}
	}
	for id := range c.guilds {
		if len(c.guilds) < maxSnapshots*3/4 {
			break
		}
		delete(c.guilds, id)
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// drop forgets the snapshots of the guilds named (all of them with allGuilds) and moves the
// epoch, so that a read begun before it keeps nothing.
func (c *snapshots) drop(guildIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for _, id := range guildIDs {
		if id == allGuilds {
			clear(c.guilds)
			return
		}
		delete(c.guilds, id)
	}
}

// setLive turns serving on or off; either way it drops every snapshot, since what was read
// while the listener was away may have missed a change.
func (c *snapshots) setLive(on bool) {
	c.live.Store(on)
	c.drop(allGuilds)
}
