package storage_test

import (
	"fmt"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkListPages measures one page view of each paged list, as the commands read it: the
// total counted up to 1,000, the page (eleven records, to know whether a next page exists) and
// one record beyond its start (whether a previous page exists). Guilds of 10,000 and of
// 1,000,000 arrivals, flights, audit entries and reminders; the first page and one in the middle
// of the list, reached by its cursor. Postgres is analysed after the bulk load, as autovacuum
// would, so that its planner knows the tables' sizes. Equal ns/op at both sizes means no read depends on the
// list's length. The 1M case takes a minute or two to populate and is skipped with -short.
//
//	go test ./storage/ -run XXX -bench ListPages -benchtime 200x
func BenchmarkListPages(b *testing.B) {
	benchHistories(b, "rows", populateLists, func(b *testing.B, s *storage.Store, size int) {
		benchLists(b, s, "bench", size)
	})
}

// populateLists adds to guild's history flights (most landed, some cancelled, a few open), audit
// entries and reminders (most sent), so that each list's table holds size rows.
func populateLists(tb testing.TB, s *storage.Store, guild string, size int) {
	tb.Helper()
	now := s.Now().UTC()
	at := func(i, n int) time.Time { // spread over two years, oldest first
		span := 730 * 24 * time.Hour
		return now.Add(-span).Add(time.Duration(float64(span) * float64(i) / float64(n)))
	}
	// Counted before the bulk transaction takes SQLite's one connection.
	var have int64
	if err := s.DB().Table("audit_entries").Where("guild_id = ?", guild).Count(&have).Error; err != nil {
		tb.Fatal(err)
	}
	bulk := storagetest.NewBulkInserter(tb, s)
	flights := size - size/100 - storagetest.BenchUpcoming
	bulk.Insert("flights", []string{"guild_id", "eta", "status", "destination", "created_at", "updated_at"}, flights, func(i int) []any {
		t := at(i, flights)
		st := mission.FlightLanded
		switch {
		case i%100 == 0:
			st, t = mission.FlightScheduled, now.Add(time.Duration(i)*time.Minute)
		case i%100 == 1:
			st, t = mission.FlightDelayed, now.Add(time.Duration(i)*time.Minute)
		case i%10 == 2:
			st = mission.FlightCancelled
		}
		return []any{guild, t, st, "PAP", t, t}
	})
	audits := size - int(have)
	kinds := []mission.RecordKind{mission.KindArrival, mission.KindDeparture, mission.KindFlight, mission.KindPledge}
	bulk.Insert("audit_entries", []string{"guild_id", "at", "user_id", "command", "kind", "record_id", "action", "after"}, audits, func(i int) []any {
		return []any{guild, at(i, audits), "u", "/arrival log", kinds[i%len(kinds)], 1 + i/len(kinds), mission.ActionCreate, `{"bench":true}`}
	})
	bulk.Insert("reminders", []string{"guild_id", "kind", "dedupe_key", "offset_secs", "due_at", "status", "created_at", "updated_at"}, size, func(i int) []any {
		t := at(i, size)
		st := mission.ReminderSent
		switch i % 20 {
		case 0:
			st, t = mission.ReminderPending, now.Add(time.Duration(i)*time.Minute)
		case 1:
			st = mission.ReminderFailed
		case 2:
			st = mission.ReminderMissed
		}
		return []any{guild, mission.ReminderCountdown, fmt.Sprintf("bench:%d", i), 3600, t, st, t, t}
	})
	bulk.Commit()
	if s.Dialect() == storage.DriverPostgres {
		if err := s.DB().Exec("ANALYZE").Error; err != nil {
			tb.Fatal(err)
		}
	}
}

// benchLists runs one sub-benchmark per list and position.
func benchLists(b *testing.B, s *storage.Store, guild string, size int) {
	ctx := b.Context()
	const bound, page = 1000, 11
	// view reads one page view of a list: its bounded count, the page from the cursor, and one
	// record before the page.
	type list struct {
		name  string
		count func() (int64, error)
		page  func(storage.Seek) ([]storage.Cursor, error)
	}
	cursors := func(n int, c func(int) storage.Cursor) []storage.Cursor {
		out := make([]storage.Cursor, n)
		for i := range out {
			out[i] = c(i)
		}
		return out
	}
	arrivals := func(f storage.ArrivalFilter) list {
		return list{name: "arrivals", count: func() (int64, error) { return s.CountArrivals(ctx, guild, f, bound) },
			page: func(k storage.Seek) ([]storage.Cursor, error) {
				rows, err := s.PageArrivals(ctx, guild, f, k)
				return cursors(len(rows), func(i int) storage.Cursor { return storage.ArrivalCursor(rows[i]) }), err
			}}
	}
	flights := func(sel string) list {
		f := storage.FlightFilter{Status: sel}
		return list{name: "flights", count: func() (int64, error) { return s.CountFlights(ctx, guild, f, bound) },
			page: func(k storage.Seek) ([]storage.Cursor, error) {
				rows, err := s.PageFlights(ctx, guild, f, k)
				return cursors(len(rows), func(i int) storage.Cursor { return storage.FlightCursor(rows[i]) }), err
			}}
	}
	audit := func(f storage.AuditFilter) list {
		return list{name: "history", count: func() (int64, error) { return s.CountAudit(ctx, guild, f, bound) },
			page: func(k storage.Seek) ([]storage.Cursor, error) {
				rows, err := s.PageAudit(ctx, guild, f, k)
				return cursors(len(rows), func(i int) storage.Cursor { return storage.AuditCursor(rows[i]) }), err
			}}
	}
	reminders := list{name: "reminders", count: func() (int64, error) { return s.CountReminders(ctx, guild, storage.ReminderFilter{}, bound) },
		page: func(k storage.Seek) ([]storage.Cursor, error) {
			rows, err := s.PageReminders(ctx, guild, storage.ReminderFilter{}, k)
			return cursors(len(rows), func(i int) storage.Cursor { return storage.ReminderCursor(rows[i]) }), err
		}}
	now := s.Now()
	lists := []struct {
		label string
		list
	}{
		{"arrivals", arrivals(storage.ArrivalFilter{})},
		{"arrivals-country", arrivals(storage.ArrivalFilter{Country: "GT"})},
		{"arrivals-since-until", arrivals(storage.ArrivalFilter{Since: now.Add(-600 * 24 * time.Hour), Until: now.Add(-100 * 24 * time.Hour)})},
		{"flights-upcoming", flights(storage.FlightsUpcoming)},
		{"flights-landed", flights(storage.FlightsLanded)},
		{"flights-all", flights(storage.FlightsAll)},
		{"history", audit(storage.AuditFilter{})},
		{"history-kind", audit(storage.AuditFilter{Kind: mission.KindFlight})},
		{"reminders", reminders},
	}
	for _, l := range lists {
		// A cursor an eighth into the list (or as far as it goes, a page before its end): walk there once by 100-record pages (setup, not measured).
		var middle *storage.Cursor
		total, err := l.count()
		if err != nil {
			b.Fatal(err)
		}
		for skipped, k := 0, (storage.Seek{Limit: 100}); skipped < size/8; skipped += 100 {
			rows, err := l.page(k)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) < 100 {
				break // keep a page after the middle
			}
			middle = &rows[len(rows)-1]
			k.From = middle
		}
		for _, pos := range []struct {
			name string
			from *storage.Cursor
		}{{"first", nil}, {"deep", middle}} {
			b.Run(l.label+"/"+pos.name, func(b *testing.B) {
				if total == 0 {
					b.Fatalf("%s: empty list", l.label)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := l.count(); err != nil {
						b.Fatal(err)
					}
					rows, err := l.page(storage.Seek{From: pos.from, Limit: page})
					if err != nil || len(rows) == 0 {
						b.Fatalf("%s page from %v: %d rows, %v", l.label, pos.from, len(rows), err)
					}
					if _, err := l.page(storage.Seek{From: &rows[0], Backward: true, Limit: 1}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
