package jobs

import (
	"context"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// digestZones are the zones the end-to-end digest test runs in (the same as mission's digest
// tests): the mission's own, two with an hour of DST, and Lord Howe with half an hour.
var digestZones = []string{"America/Port-au-Prince", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}

// TestDigestYearEndToEnd runs planning and delivery over a whole year against a real database,
// with the clock jumping from one due time to the next and housekeeping at every step: each
// zone gets exactly one digest per local day, at the instant DigestOccurrences promises, across
// both DST changes, with 02:30 (in the gap on spring-forward days) as the schedule.
func TestDigestYearEndToEnd(t *testing.T) {
	for _, zone := range digestZones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, _ := time.LoadLocation(zone)
			st, clock := storagetest.OpenClock(t, storage.DriverSQLite)
			clock.Set(time.Date(2024, 12, 31, 12, 0, 0, 0, loc))
			poster := newFakePoster()
			s := testScheduler(st, clock, poster, nil, "year")
			s.PlanAhead = 30 * time.Hour
			if _, err := st.UpdateGuild(context.Background(), storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
				g.ChannelID, g.Timezone, g.Digest = "C1", zone, "30 2 * * *"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			end := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			ctx := context.Background()
			for steps := 0; ; steps++ {
				if steps > 2000 {
					t.Fatal("more than 2000 steps for one year")
				}
				if err := s.PlanDigests(ctx); err != nil {
					t.Fatal(err)
				}
				next, ok, err := st.NextDue(ctx, clock.Now())
				if err != nil || !ok {
					t.Fatalf("NextDue = %v, %v, %v", next, ok, err)
				}
				if !next.Before(end) {
					break
				}
				clock.Set(next)
				if _, err := s.DispatchDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			sch, _ := mission.ParseDigest("30 2 * * *")
			want := mission.DigestOccurrences(sch, loc, time.Date(2024, 12, 31, 12, 0, 0, 0, loc), end)
			if len(want) != 365 {
				t.Fatalf("expected occurrences = %d, want 365 (every day of 2025)", len(want))
			}
			var rows []storage.Reminder
			if err := st.DB().Where("kind = ? AND due_at < ?", mission.ReminderDigest, end.UTC()).Order("due_at").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			got := map[string]storage.Reminder{}
			for _, r := range rows {
				if r.Status != mission.ReminderSent || r.Late || r.SentAt == nil || !r.SentAt.Equal(r.DueAt) {
					t.Errorf("digest %s: %s late=%v sent %v due %v; want sent on time", r.DedupeKey, r.Status, r.Late, r.SentAt, r.DueAt)
				}
				got[r.DedupeKey] = r
			}
			if len(rows) != len(want) {
				t.Errorf("%d digest rows, want %d", len(rows), len(want))
			}
			for _, o := range want {
				r, ok := got[o.Key()]
				if !ok {
					t.Errorf("no digest for %s", o.Day)
				} else if !r.DueAt.Equal(o.At) {
					t.Errorf("digest of %s posted at %s, want %s", o.Day, r.DueAt.In(loc).Format(time.RFC3339), o.At.In(loc).Format(time.RFC3339))
				}
			}
			if n := len(poster.messages()); n != len(want) {
				t.Errorf("posted %d messages, want %d", n, len(want))
			}
			for nonce, c := range poster.calls {
				if c != 1 {
					t.Errorf("nonce %s posted %d times", nonce, c)
				}
			}
		})
	}
}
