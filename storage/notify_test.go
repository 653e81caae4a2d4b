package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestNextDueIncludesLeaseEnds: a claimed row becomes claimable again when its lease ends (a
// crashed sender, a postponed retry), so the dispatcher must wake then, not at a polling tick.
func TestNextDueIncludesLeaseEnds(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		now := s.Now()
		planAt(t, s, "G", "soon", now.Add(-time.Second))
		planAt(t, s, "G", "later", now.Add(10*time.Minute))
		if _, err := s.ClaimDueFor(t.Context(), "dead#1", now, 45*time.Second, storage.ClaimLimits{Limit: 10}); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.NextDue(t.Context(), now)
		if want := now.Add(45 * time.Second); err != nil || !ok || !got.Equal(want.UTC().Truncate(time.Microsecond)) {
			t.Errorf("NextDue with a claimed row = %v, %v, %v; want its lease end %v", got, ok, err, want)
		}
		got, ok, err = s.NextDue(t.Context(), now.Add(time.Minute))
		if err != nil || !ok || !got.Before(now.Add(time.Minute)) {
			t.Errorf("NextDue after the lease ended = %v, %v, %v; want the freed row, due already", got, ok, err)
		}
	})
}

// TestListenChangesAcrossInstances: on Postgres a change committed by one instance reaches
// another at once, with its guild and effects.
func TestListenChangesAcrossInstances(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, storage.DriverPostgres)
	a, _ := storagetest.OpenConfig(t, cfg)
	if _, err := a.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, _ := storagetest.OpenConfig(t, cfg)
	woken := make(chan storage.Change, 16)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- b.ListenChanges(ctx, func(c storage.Change) { woken <- c }, func(err error) { t.Logf("listener: %v", err) })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenChanges: %v", err)
		}
	}()

	// LISTEN takes effect once the listener's connection is up: plan until a wake-up arrives.
	// Notifications are database-wide, so other packages' tests running on the same database
	// are heard too: the guild's name is this run's own, and other guilds' changes are skipped.
	guild := fmt.Sprintf("listen-%d", time.Now().UnixNano())
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		planAt(t, a, guild, fmt.Sprintf("k%d", i), a.Now().Add(time.Hour))
		wait := time.After(200 * time.Millisecond)
	heard:
		for {
			select {
			case c := <-woken:
				if c.GuildID != guild {
					continue // another test's change
				}
				if c.Effects != storage.EffectReminders {
					t.Errorf("B heard %+v (%s), want reminders of %s", c, c.Effects, guild)
				}
				return
			case <-wait:
				break heard
			case <-deadline:
				t.Fatal("instance B was not woken by a reminder planned on instance A")
			}
		}
	}
}
