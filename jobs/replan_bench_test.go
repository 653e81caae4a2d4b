package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkFlightChange10000Guilds measures one flight change in a database of 10,000 guilds
// with their digests planned, and the scheduler's answer to it: the write, then what the
// dispatcher does on the wake-up the change causes (react).
//
//	go test ./jobs -run '^$' -bench FlightChange10000Guilds -benchtime 20x -benchmem
//
// On a shared 2-core machine: when every change re-planned every guild's digests, 450–530 ms,
// 112 MB and 1.4 M allocations per change on SQLite, 350–450 ms on Postgres; now that only a
// settings change re-plans (its own guild), 1.3–2.5 ms, 120 KB on SQLite, 2.6–5 ms on Postgres,
// which is the DelayFlight itself.
func BenchmarkFlightChange10000Guilds(b *testing.B) {
	benchDrivers(b, func(b *testing.B, driver string) {
		const guilds = 10_000
		st, clock := storagetest.OpenClock(b, driver)
		s := testScheduler(st, clock, instantPoster{}, nil, "bench")
		ctx := context.Background()
		now := st.Now().UTC()
		rows := make([]storage.Guild, guilds)
		for i := range rows {
			rows[i] = storage.Guild{ID: fmt.Sprintf("G%05d", i), Timezone: "America/Port-au-Prince", Airport: "PAP",
				ReminderOffsets: mission.Offsets{24 * time.Hour, time.Hour, 0}, Digest: "0 8 * * *", CreatedAt: now, UpdatedAt: now}
		}
		if err := st.DB().CreateInBatches(rows, 500).Error; err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := s.PlanDigests(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("planned the digests of %d guilds in %v", guilds, time.Since(start))
		defer st.Subscribe(s.heard)() // as Run does
		a := storage.Actor{GuildID: "G00000", UserID: "bench"}
		f, err := st.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(72 * time.Hour), Destination: "PAP"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for b.Loop() {
			n++
			if _, err := st.DelayFlight(ctx, a, f.ID, now.Add(72*time.Hour+time.Duration(n)*time.Minute), "bench"); err != nil {
				b.Fatal(err)
			}
			react(ctx, s)
		}
	})
}

// react is what Run does on the wake-up of a committed change, before it dispatches: plan the
// digests of the guilds whose settings changed (none, for a flight change). Until the change
// that made it so, Run planned every guild's digests here, at most once per 2 s.
func react(ctx context.Context, s *Scheduler) {
	s.planChanged(ctx)
}
