package storage_test

import (
	"fmt"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkReplan measures `/reminders offsets` in a guild with 10,000 upcoming flights: each
// iteration switches the guild's offsets, which re-plans the reminders of every open flight in
// UpdateGuild's transaction, the one the only SQLite writer holds meanwhile.
//
//	go test -run NONE -bench Replan -benchtime 3x ./storage
func BenchmarkReplan(b *testing.B) {
	const flights = 10_000
	for _, driver := range storagetest.Drivers() {
		b.Run(fmt.Sprintf("flights=%d/%s", flights, driver), func(b *testing.B) {
			s := storagetest.Open(b, driver)
			start := time.Now()
			populateUpcoming(b, s, "bench", flights)
			b.Logf("%s: %d flights and their reminders populated in %v", driver, flights, time.Since(start).Round(time.Millisecond))

			ctx := b.Context()
			values := []string{"48h,2h,0", "24h,1h,0"}
			i := 0
			for b.Loop() {
				v := values[i%len(values)]
				i++
				if _, err := s.UpdateGuild(ctx, actorIn("bench"), func(g *storage.Guild) error { g.ReminderOffsets = offsets(b, v); return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if got := rawCount(b, s, "reminders", "guild_id = ? AND kind = ? AND status = ?", "bench", mission.ReminderFlight, mission.ReminderPending); got != 3*flights {
				b.Errorf("pending flight reminders after re-planning = %d, want %d", got, 3*flights)
			}
		})
	}
}

// populateUpcoming bulk-inserts n scheduled flights of guild, spread over the next 60 days and
// each at least two days ahead, with the reminders planning gives them under the default
// offsets: pending flight reminders keyed as planning keys them, and the overdue nudge.
func populateUpcoming(tb testing.TB, s *storage.Store, guild string, n int) {
	tb.Helper()
	if _, err := s.Guild(tb.Context(), guild); err != nil {
		tb.Fatal(err)
	}
	now := s.Now().UTC()
	eta := func(i int) time.Time {
		return now.Add(48*time.Hour + time.Duration(i)*(58*24*time.Hour/time.Duration(n))).Truncate(time.Second)
	}
	bulk := storagetest.NewBulkInserter(tb, s)
	bulk.Insert("flights", []string{"guild_id", "eta", "status", "destination", "created_at", "updated_at"}, n, func(i int) []any {
		return []any{guild, eta(i), mission.FlightScheduled, "PAP", now, now}
	})
	bulk.Commit()

	var ids []int64
	if err := s.DB().Raw(`SELECT id FROM flights WHERE guild_id = ? ORDER BY eta, id`, guild).Scan(&ids).Error; err != nil {
		tb.Fatal(err)
	}
	if len(ids) != n {
		tb.Fatalf("populated %d flights, want %d", len(ids), n)
	}
	type plan struct {
		kind mission.ReminderKind
		id   int64
		off  time.Duration
		key  string
		due  time.Time
	}
	var plans []plan
	for i, id := range ids {
		e := eta(i)
		for _, off := range defaultOffsets {
			plans = append(plans, plan{mission.ReminderFlight, id, off,
				fmt.Sprintf("flight:%d:%d:%d", id, int64(off/time.Second), e.Unix()), e.Add(-off)})
		}
		plans = append(plans, plan{mission.ReminderOverdue, id, 0, fmt.Sprintf("overdue:%d:%d", id, e.Unix()), e.Add(storage.OverdueAfter)})
	}
	bulk = storagetest.NewBulkInserter(tb, s)
	bulk.Insert("reminders", []string{"guild_id", "kind", "flight_id", "dedupe_key", "offset_secs", "due_at", "status", "nonce", "created_at", "updated_at"},
		len(plans), func(i int) []any {
			p := plans[i]
			return []any{guild, p.kind, p.id, p.key, int64(p.off / time.Second), p.due, mission.ReminderPending, fmt.Sprintf("bench%d", i), now, now}
		})
	bulk.Commit()
}
