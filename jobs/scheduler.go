// Package jobs delivers Liaison's scheduled posts: flight reminders, the daily digest, the
// mandate-end countdown and the overdue-flight nudge.
//
// The database is the only source of truth. Storage plans reminder rows in the same transaction
// as the change that needs them; this package plans the digest rows (one per local day), and a
// dispatcher claims due rows with a lease, posts them through a Poster with the row's nonce and
// records the outcome. Nothing to be posted lives only in memory: a stopped or crashed instance
// loses nothing, and any number of instances may share one Postgres database.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"liaison/storage"
)

// Metrics receives counts of what the scheduler did, for Prometheus or logs. Any field may be nil.
type Metrics struct {
	// Posted is called for each reminder posted; late says it was posted after its time.
	Posted func(kind string, late bool)
	// Failed is called for each reminder given up on (recorded failed).
	Failed func(kind string)
	// Missed is called for each reminder recorded missed (too late to be worth posting).
	Missed func(kind string)
	// Lateness observes how long after its due time each reminder was posted.
	Lateness func(kind string, d time.Duration)
}

// Scheduler plans and delivers scheduled posts. Build it with New, adjust the fields, then call
// Run, which subscribes to the store's changes. Unset fields take their defaults at the first
// use (Run, DispatchDue, PlanDigests, Housekeep), those derived from the lease (Heartbeat,
// AttemptTimeout) from Lease as it is set then. Fields must not change after that.
type Scheduler struct {
	Store  *storage.Store
	Poster Poster
	Log    *slog.Logger
	// Now is the clock; tests fix it.
	Now func() time.Time
	// Owner names this instance in leases; the default is host-pid-random.
	Owner string

	// LateGrace: a reminder that can only be posted later than this after its time is recorded
	// as missed instead ([defaults] late_grace, 6h).
	LateGrace time.Duration
	// LateAfter: a post made later than this after its time is marked and labelled late.
	LateAfter time.Duration
	// Lease is how long a claim keeps other senders off a row. A heartbeat extends the leases
	// of the rows a pass holds every Heartbeat (a quarter of Lease unless set), so the lease
	// only bounds how long a crashed sender's rows wait: 6 s by default, so that a killed
	// instance's posts go out within 10 s of their time, well inside Discord's nonce window.
	Lease     time.Duration
	Heartbeat time.Duration
	// Batch is how many rows a pass holds at most (about what the global rate limit lets an
	// instance post within the lease); Workers how many posts are in flight at once.
	Batch   int
	Workers int
	// ChannelBurst posts per ChannelWindow is a channel's rate limit (Discord: 5 per 5 s); a
	// claim takes at most PerGuild() rows of one guild, what that limit lets it post within
	// the lease.
	ChannelBurst  int
	ChannelWindow time.Duration
	// MaxAttempts bounds the tries of one post (5xx, network errors, short 429s), each bounded by
	// AttemptTimeout (below the lease, so that an attempt started with that much lease left
	// ends inside it: unless set, DefaultAttemptTimeout or two thirds of Lease, whichever is
	// shorter), with exponential backoff from BackoffBase up to BackoffMax, with jitter.
	MaxAttempts    int
	AttemptTimeout time.Duration
	BackoffBase    time.Duration
	BackoffMax     time.Duration
	// Recheck bounds how long the dispatcher sleeps without looking at the database. It is a
	// safety net, not the mechanism: the dispatcher sleeps until the next row becomes claimable
	// (a due time, or a lease end: a retry, a crashed sender's claim), Wake rouses it when this
	// process changes reminders, and on Postgres a LISTEN connection rouses it when another
	// instance does (Store.ListenChanges).
	Recheck time.Duration
	// PlanAhead is how far ahead digest rows are planned.
	PlanAhead time.Duration
	// Housekeeping is the robfig/cron schedule of the housekeeping job.
	Housekeeping string
	// FallbackChannel is where reminders go for a guild without an announcement channel. Empty
	// (the default) records them failed with ErrNoChannel; the console sets it to any value,
	// since its poster prints everything to the one terminal.
	FallbackChannel string
	// Metrics receives counts; optional.
	Metrics Metrics

	initOnce sync.Once
	wakeOnce sync.Once
	wake     chan struct{}
	seq      atomic.Int64
	reported sync.Map // keys already logged once (a broken channel, a bad schedule)

	hintMu sync.Mutex
	hint   time.Time // the earliest RetryAt this instance set, so it wakes for its own retries

	// planMu guards the guilds whose settings changed since Run last planned their digests;
	// planAll asks for every guild's (a change whose guild is unknown).
	planMu  sync.Mutex
	replan  map[string]bool
	planAll bool
}

// New returns a scheduler over store and poster with the default settings. The timings derived
// from the lease (Heartbeat, AttemptTimeout) are left unset until the first use, so that they
// follow the lease the caller sets in between (the configured one), not the default.
func New(store *storage.Store, poster Poster, log *slog.Logger) *Scheduler {
	s := &Scheduler{Store: store, Poster: poster, Log: log}
	s.defaults()
	return s
}

// Default settings.
const (
	DefaultLateGrace      = 6 * time.Hour
	DefaultLateAfter      = time.Minute
	DefaultLease          = 6 * time.Second
	DefaultBatch          = 250
	DefaultWorkers        = 8
	DefaultChannelBurst   = 5
	DefaultChannelWindow  = 5 * time.Second
	DefaultMaxAttempts    = 5
	DefaultAttemptTimeout = 4 * time.Second
	DefaultBackoffBase    = time.Second
	DefaultBackoffMax     = 30 * time.Second
	DefaultRecheck        = time.Minute
	DefaultPlanAhead      = 48 * time.Hour
	DefaultHousekeeping   = "@every 1m"
)

// init fills unset fields with defaults; it runs once, at the first use. The timings derived
// from the lease are derived from Lease as the caller set it, the default only when unset.
func (s *Scheduler) init() {
	s.initOnce.Do(func() {
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Owner == "" {
			host, _ := os.Hostname()
			b := make([]byte, 3)
			_, _ = rand.Read(b)
			s.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
		}
		s.defaults()
		setDefault(&s.Heartbeat, s.Lease/4)
		setDefault(&s.AttemptTimeout, min(DefaultAttemptTimeout, s.Lease*2/3))
	})
}

// defaults fills the unset settings that depend on no other.
func (s *Scheduler) defaults() {
	setDefault(&s.LateGrace, DefaultLateGrace)
	setDefault(&s.LateAfter, DefaultLateAfter)
	setDefault(&s.Lease, DefaultLease)
	setDefault(&s.Batch, DefaultBatch)
	setDefault(&s.ChannelBurst, DefaultChannelBurst)
	setDefault(&s.ChannelWindow, DefaultChannelWindow)
	setDefault(&s.Workers, DefaultWorkers)
	setDefault(&s.MaxAttempts, DefaultMaxAttempts)
	setDefault(&s.BackoffBase, DefaultBackoffBase)
	setDefault(&s.BackoffMax, DefaultBackoffMax)
	setDefault(&s.Recheck, DefaultRecheck)
	setDefault(&s.PlanAhead, DefaultPlanAhead)
	if s.Housekeeping == "" {
		s.Housekeeping = DefaultHousekeeping
	}
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Wake tells the dispatcher that reminders changed, so that it looks at the next due time again
// now rather than at its next re-check. It never blocks, as a store subscriber must not; Run
// calls it for every Change with EffectReminders, from this process or, on Postgres, another.
func (s *Scheduler) Wake() {
	select {
	case s.wakeCh() <- struct{}{}:
	default: // a wake-up is already pending; one is enough
	}
}

// wakeCh is the channel Wake signals on, made at its first use: Wake may come before init.
func (s *Scheduler) wakeCh() chan struct{} {
	s.wakeOnce.Do(func() { s.wake = make(chan struct{}, 1) })
	return s.wake
}

// heard is Run's subscriber to the store's changes (and, on Postgres, to other instances'): a
// change of reminders wakes the dispatcher; a change of a guild's settings has that guild's
// digests planned again before the next dispatch. Nothing else concerns the scheduler: a new
// arrival or manifest line moves no reminder. It never blocks.
func (s *Scheduler) heard(c storage.Change) {
	if c.Has(storage.EffectSettings) {
		s.planMu.Lock()
		if c.GuildID == "" {
			s.planAll = true
		} else {
			if s.replan == nil {
				s.replan = map[string]bool{}
			}
			s.replan[c.GuildID] = true
		}
		s.planMu.Unlock()
		s.Wake()
	}
	if c.Has(storage.EffectReminders) {
		s.Wake()
	}
}

// now is the scheduler clock in UTC.
func (s *Scheduler) now() time.Time { return s.Now().UTC() }

// Run plans and delivers until ctx is cancelled, then releases the rows it had claimed but not
// posted and returns nil. Housekeeping runs at once (so that what fell due during downtime is
// judged against fresh plans) and then on the Housekeeping schedule.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	if s.Store == nil || s.Poster == nil {
		return fmt.Errorf("scheduler: Store and Poster are required")
	}
	c, err := s.newCron(s.Housekeeping, func() { s.housekeep(ctx) })
	if err != nil {
		return err
	}
	// This process's changes wake the dispatcher as they commit.
	defer s.Store.Subscribe(s.heard)()
	s.housekeep(ctx)
	c.Start()
	defer func() { <-c.Stop().Done() }()
	// Other instances' changes (Postgres) reach this one too; the listener ends with ctx.
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		_ = s.Store.ListenChanges(ctx, s.heard, func(err error) {
			s.Log.Warn("listening for other instances' changes", "err", err)
		})
	}()
	defer func() { <-listening }()
	s.Log.Info("scheduler started", "owner", s.Owner)
	defer s.Log.Info("scheduler stopped", "owner", s.Owner)

	timer := time.NewTimer(0)
	defer timer.Stop()
	failures := 0
	for {
		// A settings change may have moved a digest: plan that guild's before dispatching.
		s.planChanged(ctx)
		_, err := s.dispatchSafe(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := s.nextWait(ctx)
		if err != nil {
			// The database is unwell: back off rather than spin on a due row it cannot claim.
			failures++
			wait = max(wait, s.backoff(failures))
			s.Log.Warn("dispatch failed", "err", err, "retry_in", wait)
		} else {
			failures = 0
		}
		if wait <= 0 {
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-s.wakeCh():
		case <-timer.C:
		}
		// Since Go 1.23 Reset discards a pending fire, so the timer needs no draining.
		timer.Stop()
	}
}

// nextWait is how long the dispatcher may sleep: until the next due row, this instance's next
// retry, or the bounded re-check, whichever comes first.
func (s *Scheduler) nextWait(ctx context.Context) time.Duration {
	now := s.now()
	wait := s.Recheck
	next, ok, err := s.Store.NextDue(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("next due reminder", "err", err)
		}
		return wait
	}
	if ok {
		wait = min(wait, next.Sub(now))
	}
	s.hintMu.Lock()
	if !s.hint.IsZero() {
		if d := s.hint.Sub(now); d <= 0 {
			s.hint = time.Time{}
			wait = 0
		} else {
			wait = min(wait, d)
		}
	}
	s.hintMu.Unlock()
	return wait
}

// wakeAt makes the dispatcher look again no later than t (a retry this instance postponed).
func (s *Scheduler) wakeAt(t time.Time) {
	s.hintMu.Lock()
	defer s.hintMu.Unlock()
	if s.hint.IsZero() || t.Before(s.hint) {
		s.hint = t
	}
}

// reportOnce returns true the first time it sees key, so that a recurring problem (a deleted
// channel, a bad schedule) is logged once per process rather than at every attempt.
func (s *Scheduler) reportOnce(key string) bool {
	_, seen := s.reported.LoadOrStore(key, true)
	return !seen
}
