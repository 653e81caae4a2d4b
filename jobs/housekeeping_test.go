package jobs

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestCronRecoversPanics: a panicking housekeeping job is logged and the next run still happens.
func TestCronRecoversPanics(t *testing.T) {
	logs := &logBuffer{}
	s := New(nil, nil, slog.New(slog.NewTextHandler(logs, nil)))
	var runs atomic.Int32
	// The housekeeping job's cron and chain, on a job that panics every time.
	c, err := s.newCron("@every 1s", func() {
		runs.Add(1)
		panic("boom")
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	defer c.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if runs.Load() < 2 {
		t.Fatalf("the job ran %d times, want it to keep running after a panic", runs.Load())
	}
	if !strings.Contains(logs.String(), "panic") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
}

// TestDispatcherRecoversPanics: a reminder whose handling panics is recorded failed and logged;
// the others are posted.
func TestDispatcherRecoversPanics(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.flight(t, 0)
	f.flight(t, 0)
	calls := 0
	f.poster.fail = func(Message, int) error {
		calls++
		if calls == 1 {
			panic("poster exploded")
		}
		return nil
	}
	f.clock.Advance(time.Second)
	f.dispatch(t)
	var statuses []string
	for _, r := range f.reminders(t, mission.ReminderFlight) {
		statuses = append(statuses, string(r.Status))
	}
	if strings.Join(statuses, ",") != "failed,sent" && strings.Join(statuses, ",") != "sent,failed" {
		t.Errorf("statuses = %q, want one failed (the panic) and one sent", statuses)
	}
	if !strings.Contains(f.logs.String(), "poster exploded") {
		t.Errorf("the panic was not logged")
	}
}

// TestHousekeepingExpiresLeasesAndTopsUp: stale leases are cleared and missing countdown rows
// planned.
func TestHousekeepingExpiresLeasesAndTopsUp(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	ctx := context.Background()
	end := f.clock.Now().Add(60 * 24 * time.Hour)
	f.setGuild(t, "G", func(g *storage.Guild) { g.MandateEnd = &end })
	if err := f.store.DB().Where("kind = ?", mission.ReminderCountdown).Delete(&storage.Reminder{}).Error; err != nil {
		t.Fatal(err)
	}
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	if _, err := f.store.ClaimDueFor(ctx, "dead#1", f.clock.Now(), time.Minute, storage.ClaimLimits{Limit: 10}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Minute)
	if err := f.sched.Housekeep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(f.reminders(t, mission.ReminderCountdown)); got != 3 {
		t.Errorf("countdown rows after top-up = %d, want 3", got)
	}
	r := f.reminders(t, mission.ReminderFlight)[0]
	if r.LeaseUntil != nil || r.LeaseOwner != "" {
		t.Errorf("stale lease kept: %v %q", r.LeaseUntil, r.LeaseOwner)
	}
	if !strings.Contains(f.logs.String(), "expired stale reminder leases") {
		t.Errorf("expiry not logged")
	}
}

// TestDigestFollowsSettings: changing the schedule, the time zone, or switching the digest off
// re-plans the pending digest rows; a day already posted is not posted again.
func TestDigestFollowsSettings(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, st *storage.Store) {
		clock := storagetest.NewClock(storagetest.Start) // Fri 3 Jan 2025 15:00 in Port-au-Prince
		st.Now = clock.Now
		f := &fixture{store: st, clock: clock, poster: newFakePoster(), logs: &logBuffer{}}
		f.sched = testScheduler(st, clock, f.poster, f.logs, "test")
		ctx := context.Background()
		pending := func() string {
			var out []string
			for _, r := range f.reminders(t, mission.ReminderDigest) {
				if r.Status == mission.ReminderPending {
					loc, _ := time.LoadLocation("America/Port-au-Prince")
					out = append(out, r.DedupeKey+"@"+r.DueAt.In(loc).Format("15:04"))
				}
			}
			return strings.Join(out, " ")
		}
		steps := []struct {
			name   string
			change func(g *storage.Guild)
			want   string
		}{
			{"16:00", func(g *storage.Guild) { g.ChannelID = "C1"; g.Digest = "0 16 * * *" },
				"digest:2025-01-03@16:00 digest:2025-01-04@16:00"},
			{"09:00", func(g *storage.Guild) { g.Digest = "0 9 * * *" },
				"digest:2025-01-04@09:00 digest:2025-01-05@09:00"},
			{"weekdays", func(g *storage.Guild) { g.Digest = "0 9 * * 1-5" }, ""}, // Sat, Sun: none ahead
			{"off", func(g *storage.Guild) { g.Digest = "off" }, ""},
			{"Berlin", func(g *storage.Guild) { g.Digest = "0 22 * * *"; g.Timezone = "Europe/Berlin" },
				// 22:00 in Berlin is 16:00 in Port-au-Prince; it is 21:00 in Berlin now.
				"digest:2025-01-03@16:00 digest:2025-01-04@16:00"},
		}
		for _, st := range steps {
			f.setGuild(t, "G", st.change)
			if err := f.sched.PlanDigests(ctx); err != nil {
				t.Fatal(err)
			}
			if got := pending(); got != st.want {
				t.Errorf("%s: pending digests %q, want %q", st.name, got, st.want)
			}
		}
		// Post the 4th, then move the time later that day: no second digest on the 4th.
		clock.Set(time.Date(2025, 1, 4, 16, 0, 0, 0, storagetest.Start.Location()))
		f.dispatch(t)
		f.setGuild(t, "G", func(g *storage.Guild) { g.Digest = "30 23 * * *" })
		if err := f.sched.PlanDigests(ctx); err != nil {
			t.Fatal(err)
		}
		// 23:30 on the 4th in Berlin is the 4th's digest, already posted; the 6th's is beyond 48 h.
		if got, want := pending(), "digest:2025-01-05@17:30"; got != want {
			t.Errorf("after posting the 4th and moving to 23:30 Berlin: pending %q, want %q", got, want)
		}
		// A digest switched off after it was planned but before it is due is not posted.
		f.setGuild(t, "G", func(g *storage.Guild) { g.Digest = "off" })
		clock.Set(time.Date(2025, 1, 5, 17, 30, 0, 0, storagetest.Start.Location()))
		before := len(f.poster.messages())
		f.dispatch(t)
		if len(f.poster.messages()) != before {
			t.Errorf("a digest was posted after the digest was switched off")
		}
	})
}

// TestHousekeepForgetsOldInteractions: housekeeping forgets the interactions handled more than
// storage.InteractionMemory ago, which can no longer be replayed, and keeps the recent ones.
func TestHousekeepForgetsOldInteractions(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			f := newFixture(t, driver)
			ctx := t.Context()
			logAs := func(id string) {
				t.Helper()
				a := storage.Actor{GuildID: "G", UserID: "u", Command: "/arrival log", InteractionID: id}
				if _, err := f.store.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1, Role: "police", ArrivedAt: f.clock.Now()}); err != nil {
					t.Fatalf("LogArrival(%s): %v", id, err)
				}
			}
			logAs("yesterday")
			f.clock.Set(storagetest.Start.Add(storage.InteractionMemory - time.Hour))
			logAs("today")
			f.clock.Set(storagetest.Start.Add(storage.InteractionMemory + time.Minute))
			if err := f.sched.Housekeep(ctx); err != nil {
				t.Fatal(err)
			}
			var ids []string
			if err := f.store.DB().Table("handled_interactions").Order("interaction_id").Pluck("interaction_id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			if len(ids) != 1 || ids[0] != "today" {
				t.Errorf("handled interactions after housekeeping = %q, want [today]", ids)
			}
		})
	}
}

// TestHousekeepRemovesExpiredHeldChanges: a held change whose buttons expired is removed; one
// still waiting for its moderator is kept.
func TestHousekeepRemovesExpiredHeldChanges(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			f := newFixture(t, driver)
			ctx := t.Context()
			hold := func(token string) {
				t.Helper()
				if _, err := f.store.HoldChange(ctx, storage.Actor{GuildID: "G", UserID: "u"}, storage.HeldChange{Token: token, Route: "arrival log"}); err != nil {
					t.Fatal(err)
				}
			}
			hold("old")
			f.clock.Advance(10 * time.Minute)
			hold("new")
			f.clock.Advance(storage.HeldLife - 10*time.Minute)
			if err := f.sched.Housekeep(ctx); err != nil {
				t.Fatal(err)
			}
			var tokens []string
			if err := f.store.DB().Table("held_changes").Order("token").Pluck("token", &tokens).Error; err != nil {
				t.Fatal(err)
			}
			if len(tokens) != 1 || tokens[0] != "new" {
				t.Errorf("held changes after housekeeping = %q, want [new]", tokens)
			}
		})
	}
}
