package storage

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// The snapshots: every interaction reads its guild's settings, and /forces reads the force
// levels, pledges, recent arrivals and the next flight, four or five queries that dominate its
// cost. A per-guild snapshot in memory answers them instead, and is dropped whenever something
// it was read from may have changed:
//
//   - on this instance, at once: a GORM callback notes the guild of every row written (its
//     guild_id, the guild of the audit entry written in the same transaction, or "every guild"
//     when it cannot tell), and Store.tx drops those guilds' snapshots right after commit. A
//     write therefore shows on the next read of the same instance (read-your-writes), whichever
//     storage function made it, including ones written after this file;
//   - on other instances sharing a Postgres database: the same transaction sends NOTIFY on
//     recordsChannel naming the guilds, and ListenRecords drops them on receipt. Snapshots are
//     served on Postgres only while that listener is connected (see CacheLive);
//   - whatever was missed (a notification lost with its connection, a second process writing
//     the same SQLite file): no snapshot is served older than snapshotMaxAge.
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

// recordsChannel is the Postgres NOTIFY channel on which a committed write is announced to
// every instance, with the guild IDs it touched as the payload (allGuilds when unknown).
const recordsChannel = "liaison_records"

// allGuilds is the payload meaning "any guild may have changed".
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
}

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

// writes collects, during one Store.tx, the guilds whose rows it wrote.
type writes struct {
	mu     sync.Mutex
	guilds []string
	// unknown: a row was written whose guild could not be told; unless the transaction names
	// its guild some other way (its audit entry), every guild is dropped.
	unknown bool
}

func (w *writes) add(guildID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if guildID == "" {
		w.unknown = true
		return
	}
	if !slices.Contains(w.guilds, guildID) {
		w.guilds = append(w.guilds, guildID)
	}
}

// touched returns the guilds to drop after commit: those named, or allGuilds when a write's
// guild was unknown and none was named (every change of one command is one guild's, and its
// audit entry names it); nil when nothing was written.
func (w *writes) touched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.guilds) > 0 {
		return slices.Clone(w.guilds)
	}
	if w.unknown {
		return []string{allGuilds}
	}
	return nil
}

type writesKey struct{}

// withWrites returns ctx carrying w, where the write callback records what a transaction wrote.
func withWrites(ctx context.Context, w *writes) context.Context {
	return context.WithValue(ctx, writesKey{}, w)
}

// untrackedTables hold nothing a snapshot is read from: writing them drops no snapshot.
var untrackedTables = map[string]bool{
	"reminders": true, "handled_interactions": true, "schema_migrations": true,
}

// registerWriteCallbacks has every create, update, delete and raw statement on db report the
// guild it wrote (see noteWrite).
func (s *Store) registerWriteCallbacks(db *gorm.DB) error {
	cb := db.Callback()
	return errors.Join(
		cb.Create().After("gorm:create").Register("liaison:snapshots", s.noteWrite),
		cb.Update().After("gorm:update").Register("liaison:snapshots", s.noteWrite),
		cb.Delete().After("gorm:delete").Register("liaison:snapshots", s.noteWrite),
		cb.Raw().After("gorm:raw").Register("liaison:snapshots", s.noteWrite),
	)
}

// noteWrite runs after each write statement. Inside Store.tx it records the guild for the drop
// after commit; outside (a statement that commits by itself, such as AdoptLanguage) it drops at
// once and, on Postgres, tells the other instances.
func (s *Store) noteWrite(db *gorm.DB) {
	st := db.Statement
	if db.Error != nil || st.RowsAffected == 0 {
		return // nothing changed
	}
	guildID, tracked := writtenGuild(st)
	if !tracked {
		return
	}
	if w, ok := st.Context.Value(writesKey{}).(*writes); ok {
		w.add(guildID)
		return
	}
	if guildID == "" {
		guildID = allGuilds
	}
	s.snap.drop(guildID)
	if s.dialect == DriverPostgres {
		// A separate statement, after this one committed; a failure only delays the other
		// instances until snapshotMaxAge.
		_ = s.db.Session(&gorm.Session{NewDB: true, Context: context.WithoutCancel(st.Context)}).
			Exec("SELECT pg_notify(?, ?)", recordsChannel, guildID).Error
	}
}

// rawWrite finds the table a raw statement writes.
var rawWrite = regexp.MustCompile(`(?is)^\s*(?:insert\s+into|update|delete\s+from)\s+"?(\w+)`)

// writtenGuild tells whether st wrote a table snapshots are read from, and the guild whose row
// it wrote ("" when it cannot tell).
func writtenGuild(st *gorm.Statement) (guildID string, tracked bool) {
	if st.Schema == nil {
		sql := st.SQL.String()
		m := rawWrite.FindStringSubmatch(sql)
		if m == nil {
			// SELECT pg_notify, VACUUM INTO and the like write nothing read here; anything
			// else (a migration's DDL) may change everything.
			head := strings.ToUpper(strings.TrimSpace(sql))
			return "", !strings.HasPrefix(head, "SELECT") && !strings.HasPrefix(head, "VACUUM")
		}
		return "", !untrackedTables[strings.ToLower(m[1])]
	}
	if untrackedTables[st.Schema.Table] {
		return "", false
	}
	field := "GuildID"
	if st.Schema.Table == "guilds" {
		field = "ID"
	}
	if f := st.Schema.LookUpField(field); f != nil {
		if id := modelGuild(st, f); id != "" {
			return id, true
		}
	}
	return whereGuild(st, field), true
}

// modelGuild is the guild field of the written model (the first row's, and only if every row
// has the same).
func modelGuild(st *gorm.Statement, f *schema.Field) string {
	rv := reflect.Indirect(st.ReflectValue)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		id := ""
		for i := range rv.Len() {
			v, zero := f.ValueOf(st.Context, rv.Index(i))
			s, _ := v.(string)
			if zero || (id != "" && s != id) {
				return ""
			}
			id = s
		}
		return id
	case reflect.Struct:
		v, zero := f.ValueOf(st.Context, rv)
		if s, _ := v.(string); !zero {
			return s
		}
	}
	return ""
}

// whereGuild is the guild a WHERE "<column> = ?" condition of st names, "" if none.
func whereGuild(st *gorm.Statement, field string) string {
	col := "guild_id"
	if field == "ID" {
		col = "id"
	}
	c, ok := st.Clauses["WHERE"]
	if !ok {
		return ""
	}
	where, ok := c.Expression.(clause.Where)
	if !ok {
		return ""
	}
	for _, e := range where.Exprs {
		switch e := e.(type) {
		case clause.Expr:
			if strings.HasPrefix(strings.TrimSpace(e.SQL), col+" = ?") && len(e.Vars) > 0 {
				if s, ok := e.Vars[0].(string); ok {
					return s
				}
			}
		case clause.Eq:
			if c, ok := e.Column.(clause.Column); ok && c.Name == col {
				if s, ok := e.Value.(string); ok {
					return s
				}
			}
		}
	}
	return ""
}
