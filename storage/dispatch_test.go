package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// planAt plans a countdown-kind reminder of guild due at due, keyed by key, and returns its row.
func planAt(t testing.TB, s *storage.Store, guild, key string, due time.Time) storage.Reminder {
	t.Helper()
	if err := s.PlanReminder(t.Context(), storage.Reminder{GuildID: guild, Kind: mission.ReminderCountdown, DedupeKey: key, DueAt: due}); err != nil {
		t.Fatalf("PlanReminder(%s): %v", key, err)
	}
	var r storage.Reminder
	if err := s.DB().Where("guild_id = ? AND dedupe_key = ?", guild, key).Take(&r).Error; err != nil {
		t.Fatalf("load reminder %s: %v", key, err)
	}
	return r
}

func keysOf(rs []storage.Reminder) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.DedupeKey
	}
	return out
}

func reload(t testing.TB, s *storage.Store, r storage.Reminder) storage.Reminder {
	t.Helper()
	got, err := s.Reminder(t.Context(), r.GuildID, r.ID)
	if err != nil {
		t.Fatalf("load reminder #%d: %v", r.ID, err)
	}
	return got
}

func TestClaimDueLeases(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		planAt(t, s, "A", "later", now.Add(time.Minute))
		planAt(t, s, "A", "second", now.Add(-time.Minute))
		planAt(t, s, "B", "first", now.Add(-time.Hour))
		planAt(t, s, "A", "now", now)

		got, err := s.ClaimDueFor(ctx, "one#1", now, time.Minute, storage.ClaimLimits{Limit: 10})
		if err != nil {
			t.Fatalf("ClaimDueFor: %v", err)
		}
		if want := []string{"first", "second", "now"}; !slices.Equal(keysOf(got), want) {
			t.Fatalf("ClaimDueFor = %q, want %q (due ones, oldest first)", keysOf(got), want)
		}
		for _, r := range got {
			if r.Attempts != 1 || r.LeaseOwner != "one#1" || r.LeaseUntil == nil || !r.LeaseUntil.Equal(now.Add(time.Minute)) {
				t.Errorf("claimed %s: attempts %d owner %q lease %v, want 1 %q %v", r.DedupeKey, r.Attempts, r.LeaseOwner, r.LeaseUntil, "one#1", now.Add(time.Minute))
			}
		}
		if again, err := s.ClaimDueFor(ctx, "two#1", now, time.Minute, storage.ClaimLimits{Limit: 10}); err != nil || len(again) != 0 {
			t.Fatalf("second ClaimDueFor while leased = %q, %v; want nothing", keysOf(again), err)
		}
		if next, ok, err := s.NextDue(ctx, now); err != nil || !ok || !next.Equal(now.Add(time.Minute)) {
			t.Errorf("NextDue while the due rows are leased = %v, %v, %v; want %v", next, ok, err, now.Add(time.Minute))
		}

		// The first sender stalls past its lease; a second one takes over.
		later := now.Add(2 * time.Minute)
		taken, err := s.ClaimDueFor(ctx, "two#2", later, time.Minute, storage.ClaimLimits{Limit: 2})
		if err != nil {
			t.Fatalf("ClaimDueFor after the lease: %v", err)
		}
		if want := []string{"first", "second"}; !slices.Equal(keysOf(taken), want) {
			t.Fatalf("ClaimDueFor after the lease, limit 2 = %q, want %q", keysOf(taken), want)
		}
		if taken[0].Attempts != 2 {
			t.Errorf("re-claimed attempts = %d, want 2", taken[0].Attempts)
		}
		if err := s.MarkSent(ctx, got[0], "m-stale", false); !errors.Is(err, storage.ErrLeaseLost) {
			t.Errorf("MarkSent by the stalled sender = %v, want ErrLeaseLost", err)
		}
		if err := s.MarkSent(ctx, taken[0], "m1", true); err != nil {
			t.Fatalf("MarkSent: %v", err)
		}
		r := reload(t, s, taken[0])
		if r.Status != mission.ReminderSent || r.MessageID != "m1" || !r.Late || r.SentAt == nil || r.LeaseUntil != nil {
			t.Errorf("after MarkSent: status %q message %q late %v sent %v lease %v", r.Status, r.MessageID, r.Late, r.SentAt, r.LeaseUntil)
		}
		if err := s.MarkFailed(ctx, taken[1], "HTTP 500"); err != nil {
			t.Fatalf("MarkFailed: %v", err)
		}
		if r := reload(t, s, taken[1]); r.Status != mission.ReminderFailed || r.LastError != "HTTP 500" {
			t.Errorf("after MarkFailed: status %q error %q", r.Status, r.LastError)
		}
		// "now" is still leased to the stalled sender, whose lease has run out: it is claimable.
		rest, err := s.ClaimDueFor(ctx, "two#3", later, time.Minute, storage.ClaimLimits{Limit: 10})
		if err != nil || !slices.Equal(keysOf(rest), []string{"now", "later"}) {
			t.Errorf("ClaimDueFor of the rest = %q, %v; want [now later]", keysOf(rest), err)
		}
	})
}

func TestReleaseRetryLaterAndExpire(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		planAt(t, s, "A", "a", now.Add(-time.Second))
		planAt(t, s, "A", "b", now.Add(-time.Second))
		got, err := s.ClaimDueFor(ctx, "x#1", now, time.Hour, storage.ClaimLimits{Limit: 10})
		if err != nil || len(got) != 2 {
			t.Fatalf("ClaimDueFor = %d rows, %v; want 2", len(got), err)
		}
		if err := s.Release(ctx, got[0]); err != nil {
			t.Fatalf("Release: %v", err)
		}
		r := reload(t, s, got[0])
		if r.LeaseUntil != nil || r.LeaseOwner != "" || r.Attempts != 0 || r.Status != mission.ReminderPending {
			t.Errorf("released row: lease %v owner %q attempts %d status %q; want free, 0 attempts, pending", r.LeaseUntil, r.LeaseOwner, r.Attempts, r.Status)
		}
		at := now.Add(30 * time.Second)
		if err := s.RetryLater(ctx, got[1], at, "rate limited"); err != nil {
			t.Fatalf("RetryLater: %v", err)
		}
		again, err := s.ClaimDueFor(ctx, "y#1", now.Add(10*time.Second), time.Minute, storage.ClaimLimits{Limit: 10})
		if err != nil || !slices.Equal(keysOf(again), []string{"a"}) {
			t.Fatalf("ClaimDueFor before the retry time = %q, %v; want only the released row", keysOf(again), err)
		}
		if n, err := s.ExpireLeases(ctx, now.Add(31*time.Second)); err != nil || n != 1 {
			t.Errorf("ExpireLeases after the retry time = %d, %v; want 1 (only b's lease ended)", n, err)
		}
		if r := reload(t, s, got[1]); r.LeaseUntil != nil || r.LastError != "rate limited" {
			t.Errorf("expired row: lease %v error %q", r.LeaseUntil, r.LastError)
		}
		if err := s.ExtendLease(ctx, got[1], now.Add(time.Hour)); !errors.Is(err, storage.ErrLeaseLost) {
			t.Errorf("ExtendLease of an expired lease = %v, want ErrLeaseLost", err)
		}
		if err := s.MarkCancelled(ctx, again[0], "flight landed"); err != nil {
			t.Fatalf("MarkCancelled: %v", err)
		}
		if next, ok, err := s.NextDue(ctx, now); err != nil || !ok || !next.Equal(now.Add(-time.Second).UTC().Truncate(time.Microsecond)) {
			t.Errorf("NextDue = %v, %v, %v; want b's due time", next, ok, err)
		}
	})
}

// TestClaimDueConcurrent has several senders on separate connections claim the same due rows:
// each row goes to exactly one of them.
func TestClaimDueConcurrent(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			cfg := storagetest.EmptyDatabase(t, driver)
			first, clock := storagetest.OpenConfig(t, cfg)
			if _, err := first.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			stores := []*storage.Store{first}
			for range 2 {
				s, _ := storagetest.OpenConfig(t, cfg)
				s.Now = clock.Now
				stores = append(stores, s)
			}
			const n = 600
			if err := first.PlanReminder(t.Context(), storage.Reminder{GuildID: "A", Kind: mission.ReminderCountdown, DedupeKey: "seed", DueAt: clock.Now()}); err != nil {
				t.Fatal(err)
			}
			rows := make([]storage.Reminder, n)
			for i := range rows {
				rows[i] = storage.Reminder{GuildID: "A", Kind: mission.ReminderCountdown, DedupeKey: fmt.Sprintf("k%d", i),
					DueAt: clock.Now().UTC(), Status: mission.ReminderPending, Nonce: fmt.Sprintf("n%d", i),
					CreatedAt: clock.Now().UTC(), UpdatedAt: clock.Now().UTC()}
			}
			if err := first.DB().CreateInBatches(rows, 200).Error; err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			seen := map[int64]string{}
			var wg sync.WaitGroup
			for i, s := range stores {
				for w := range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for c := 0; ; c++ {
							owner := fmt.Sprintf("s%d-w%d#%d", i, w, c)
							got, err := s.ClaimDueFor(t.Context(), owner, clock.Now(), time.Hour, storage.ClaimLimits{Limit: 25})
							if err != nil {
								t.Errorf("ClaimDueFor: %v", err)
								return
							}
							if len(got) == 0 {
								return
							}
							mu.Lock()
							for _, r := range got {
								if prev, dup := seen[r.ID]; dup {
									t.Errorf("reminder #%d claimed by %s and %s", r.ID, prev, owner)
								}
								seen[r.ID] = owner
							}
							mu.Unlock()
						}
					}()
				}
			}
			wg.Wait()
			if len(seen) != n+1 {
				t.Errorf("claimed %d rows, want %d", len(seen), n+1)
			}
		})
	}
}

func TestPlanDigestsReconciles(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		d := func(key string, in time.Duration) storage.Reminder {
			return storage.Reminder{DedupeKey: key, DueAt: now.Add(in)}
		}
		pending := func() []string {
			var rs []storage.Reminder
			if err := s.DB().Where("guild_id = ? AND kind = ? AND status = ?", "A", mission.ReminderDigest, mission.ReminderPending).
				Order("due_at").Find(&rs).Error; err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, fmt.Sprintf("%s@%v", r.DedupeKey, r.DueAt.Sub(now)))
			}
			return out
		}
		steps := []struct {
			name string
			want []storage.Reminder
			got  []string
		}{
			{"first plan", []storage.Reminder{d("digest:2025-01-04", 17*time.Hour), d("digest:2025-01-05", 41*time.Hour)},
				[]string{"digest:2025-01-04@17h0m0s", "digest:2025-01-05@41h0m0s"}},
			{"same again", []storage.Reminder{d("digest:2025-01-04", 17*time.Hour), d("digest:2025-01-05", 41*time.Hour)},
				[]string{"digest:2025-01-04@17h0m0s", "digest:2025-01-05@41h0m0s"}},
			{"moved an hour", []storage.Reminder{d("digest:2025-01-04", 18*time.Hour), d("digest:2025-01-05", 42*time.Hour)},
				[]string{"digest:2025-01-04@18h0m0s", "digest:2025-01-05@42h0m0s"}},
			{"weekdays only", []storage.Reminder{d("digest:2025-01-04", 18*time.Hour)},
				[]string{"digest:2025-01-04@18h0m0s"}},
			{"off", nil, nil},
			{"on again", []storage.Reminder{d("digest:2025-01-04", 17*time.Hour), d("digest:2025-01-05", 41*time.Hour)},
				[]string{"digest:2025-01-04@17h0m0s", "digest:2025-01-05@41h0m0s"}},
		}
		for _, st := range steps {
			if err := s.PlanDigests(ctx, "A", now, st.want); err != nil {
				t.Fatalf("%s: PlanDigests: %v", st.name, err)
			}
			if got := pending(); !slices.Equal(got, st.got) {
				t.Errorf("%s: pending digests = %q, want %q", st.name, got, st.got)
			}
		}
		// A day already posted is never planned again, even at another time.
		if err := s.DB().Exec(`UPDATE reminders SET status = ? WHERE dedupe_key = ?`, mission.ReminderSent, "digest:2025-01-04").Error; err != nil {
			t.Fatal(err)
		}
		if err := s.PlanDigests(ctx, "A", now, []storage.Reminder{d("digest:2025-01-04", 20*time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if got, want := pending(), []string(nil); !slices.Equal(got, want) {
			t.Errorf("after the day was posted: pending digests = %q, want %q", got, want)
		}
		all, err := s.RecentDigests(ctx, storage.DigestFilter{Since: now})
		if err != nil || len(all) != 2 {
			t.Errorf("RecentDigests = %d rows, %v; want 2 (one sent, one cancelled)", len(all), err)
		}
		if other, err := s.RecentDigests(ctx, storage.DigestFilter{Since: now, GuildID: "B"}); err != nil || len(other) != 0 {
			t.Errorf("RecentDigests of guild B = %d rows, %v; want none (the rows are A's)", len(other), err)
		}
	})
}

func TestCountdownPlanning(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		endA := now.Add(60 * 24 * time.Hour)
		endB := now.Add(90 * 24 * time.Hour)
		setEnd := func(end time.Time) {
			if _, err := s.UpdateGuild(ctx, storage.Actor{GuildID: "A", UserID: "u"}, func(g *storage.Guild) error { g.MandateEnd = &end; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		pending := func() []string {
			rs, _, err := s.FindReminders(ctx, "A", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderPending}})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.DedupeKey)
			}
			sort.Strings(out)
			return out
		}
		keys := func(end time.Time) []string {
			var out []string
			for _, d := range mission.CountdownDays() {
				out = append(out, fmt.Sprintf("countdown:%d:%d", d, end.Unix()))
			}
			sort.Strings(out)
			return out
		}
		setEnd(endA)
		setEnd(endB)
		setEnd(endA) // back: the cancelled rows of endA are revived, not lost to their unique key
		if got, want := pending(), keys(endA); !slices.Equal(got, want) {
			t.Errorf("countdown after A, B, A = %q, want %q", got, want)
		}
		// Top-up plans nothing that exists in any state.
		if n, err := s.TopUpCountdowns(ctx); err != nil || n != 0 {
			t.Errorf("TopUpCountdowns with everything planned = %d, %v; want 0", n, err)
		}
		if err := s.DB().Exec(`DELETE FROM reminders WHERE kind = ?`, mission.ReminderCountdown).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.TopUpCountdowns(ctx); err != nil || n != 3 {
			t.Errorf("TopUpCountdowns after losing the rows = %d, %v; want 3", n, err)
		}
		if got, want := pending(), keys(endA); !slices.Equal(got, want) {
			t.Errorf("countdown after top-up = %q, want %q", got, want)
		}
	})
}

func TestMissedSinceAndLaterDue(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		old := planAt(t, s, "A", "old", now.Add(-3*time.Hour))
		newer := planAt(t, s, "A", "newer", now.Add(-2*time.Hour))
		planAt(t, s, "A", "future", now.Add(time.Hour))
		if later, err := s.LaterDue(ctx, old, now); err != nil || !later {
			t.Errorf("LaterDue(old) = %v, %v; want true", later, err)
		}
		if later, err := s.LaterDue(ctx, newer, now); err != nil || later {
			t.Errorf("LaterDue(newer) = %v, %v; want false (the next one is not due)", later, err)
		}
		got, err := s.ClaimDueFor(ctx, "x#1", now, time.Minute, storage.ClaimLimits{Limit: 10})
		if err != nil || len(got) != 2 {
			t.Fatalf("ClaimDueFor = %d, %v", len(got), err)
		}
		if err := s.MarkMissed(ctx, got[0], "posted 3h late"); err != nil {
			t.Fatal(err)
		}
		missed, err := s.MissedSince(ctx, "A", now.Add(-24*time.Hour), 10)
		if err != nil || !slices.Equal(keysOf(missed), []string{"old"}) || !missed[0].Late {
			t.Errorf("MissedSince = %q, %v; want [old], marked late", keysOf(missed), err)
		}
		if missed, _ := s.MissedSince(ctx, "B", now.Add(-24*time.Hour), 10); len(missed) != 0 {
			t.Errorf("MissedSince of another guild = %q, want none", keysOf(missed))
		}
	})
}
