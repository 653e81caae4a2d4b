package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// walkPages reads a whole list page by page with page, following the last record's cursor
// forwards and then the first's backwards from the end, and returns the IDs both ways in the
// list's order.
func walkPages[T any](t *testing.T, what string, limit int, page func(storage.Seek) ([]T, error), cursor func(T) storage.Cursor, id func(T) int64) (forward, backward []int64) {
	t.Helper()
	seek := storage.Seek{Limit: limit}
	for range 1000 {
		rows, err := page(seek)
		if err != nil {
			t.Fatalf("%s: page %+v: %v", what, seek, err)
		}
		if len(rows) > limit {
			t.Fatalf("%s: page of %d rows, limit %d", what, len(rows), limit)
		}
		for _, r := range rows {
			forward = append(forward, id(r))
		}
		if len(rows) < limit {
			break
		}
		c := cursor(rows[len(rows)-1])
		seek.From = &c
	}
	seek = storage.Seek{Backward: true, Limit: limit}
	var pages [][]int64
	for range 1000 {
		rows, err := page(seek)
		if err != nil {
			t.Fatalf("%s: page %+v: %v", what, seek, err)
		}
		var ids []int64
		for _, r := range rows {
			ids = append(ids, id(r))
		}
		pages = append(pages, ids)
		if len(rows) < limit {
			break
		}
		c := cursor(rows[0])
		seek.From = &c
	}
	for i := len(pages) - 1; i >= 0; i-- {
		backward = append(backward, pages[i]...)
	}
	return forward, backward
}

// samePages checks that paging forwards and backwards both give want, the list read whole.
func samePages(t *testing.T, what string, forward, backward, want []int64) {
	t.Helper()
	if !slices.Equal(forward, want) {
		t.Errorf("%s forwards = %v, want %v", what, forward, want)
	}
	if !slices.Equal(backward, want) {
		t.Errorf("%s backwards = %v, want %v", what, backward, want)
	}
}

// TestPagedListsMatchWholeReads pages every list by key, with page sizes that do and do not
// divide the list, and finds exactly the records (and order) of the whole read: arrivals sharing
// an instant are told apart by ID, soft-deleted ones and another guild's are never listed, and
// bounded counts stop at their bound.
func TestPagedListsMatchWholeReads(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		base := s.Now().UTC().Truncate(time.Hour)
		var deleted []int64
		for i := range 31 {
			for _, g := range []string{"A", "B"} {
				// Every third arrival shares its instant with the one before it.
				at := base.Add(-time.Duration(i-i%3) * time.Hour)
				a, err := s.LogArrival(ctx, actorIn(g), storage.Arrival{Country: []string{"GT", "KE"}[i%2], Personnel: 1 + i, Role: mission.RoleMilitary, ArrivedAt: at})
				if err != nil {
					t.Fatal(err)
				}
				if g == "A" && i%7 == 3 {
					deleted = append(deleted, a.ID)
				}
			}
		}
		for _, id := range deleted {
			if _, err := s.DeleteArrival(ctx, actorIn("A"), id); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 13 {
			f, err := s.ScheduleFlight(ctx, actorIn("A"), storage.Flight{ETA: base.Add(time.Duration(i%5+1) * time.Hour),
				Manifest: []storage.ManifestLine{line("GT", 2, mission.RoleMilitary)}})
			if err != nil {
				t.Fatal(err)
			}
			switch i % 4 {
			case 1:
				if _, err := s.DelayFlight(ctx, actorIn("A"), f.ID, f.ETA.Add(time.Hour), "weather"); err != nil {
					t.Fatal(err)
				}
			case 2:
				if _, err := s.CancelFlight(ctx, actorIn("A"), f.ID, "no aircraft"); err != nil {
					t.Fatal(err)
				}
			}
		}

		for i := range 4 { // guild B's flights, reminders and audit entries, among A's
			if _, err := s.ScheduleFlight(ctx, actorIn("B"), storage.Flight{ETA: base.Add(time.Duration(i+1) * time.Hour),
				Manifest: []storage.ManifestLine{line("KE", 2, mission.RoleMilitary)}}); err != nil {
				t.Fatal(err)
			}
		}

		arrivalID := func(a storage.Arrival) int64 { return a.ID }
		for _, f := range []storage.ArrivalFilter{{}, {Country: "GT"}, {Since: base.Add(-20 * time.Hour)}, {Since: base.Add(-20 * time.Hour), Until: base.Add(-5 * time.Hour), Country: "KE"}} {
			whole, total, err := s.FindArrivals(ctx, "A", f)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, a := range whole {
				want = append(want, a.ID)
				if a.GuildID != "A" || slices.Contains(deleted, a.ID) {
					t.Fatalf("FindArrivals(A) lists %+v", a)
				}
			}
			for _, limit := range []int{1, 4, 10} {
				fw, bw := walkPages(t, "arrivals", limit, func(k storage.Seek) ([]storage.Arrival, error) { return s.PageArrivals(ctx, "A", f, k) }, storage.ArrivalCursor, arrivalID)
				samePages(t, fmt.Sprintf("PageArrivals(A, %+v, limit %d)", f, limit), fw, bw, want)
			}
			// Cursors outside the filter's range, beyond either end: the whole list, either way.
			future, past := storage.Cursor{At: base.Add(1000 * time.Hour), ID: 1 << 40}, storage.Cursor{At: base.Add(-1000 * time.Hour)}
			for _, k := range []storage.Seek{{From: &future, Limit: 100}, {From: &past, Backward: true, Limit: 100}} {
				rows, err := s.PageArrivals(ctx, "A", f, k)
				var got []int64
				for _, a := range rows {
					got = append(got, a.ID)
				}
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("PageArrivals(A, %+v, from %v backward %v) = %v, %v; want %v", f, k.From.At, k.Backward, got, err, want)
				}
			}
			for _, atMost := range []int64{0, 3, total, total + 5} {
				want := total
				if atMost > 0 {
					want = min(total, atMost+1)
				}
				if n, err := s.CountArrivals(ctx, "A", f, atMost); err != nil || n != want {
					t.Errorf("CountArrivals(A, %+v, %d) = %d, %v; want %d", f, atMost, n, err, want)
				}
			}
		}

		for _, sel := range []string{storage.FlightsUpcoming, storage.FlightsCancelled, storage.FlightsLanded, storage.FlightsAll} {
			f := storage.FlightFilter{Status: sel}
			whole, err := s.FindFlights(ctx, "A", f)
			if err != nil {
				t.Fatal(err)
			}
			total := int64(len(whole))
			var want []int64
			for _, fl := range whole {
				want = append(want, fl.ID)
			}
			for _, limit := range []int{1, 3, 10} {
				fw, bw := walkPages(t, "flights", limit, func(k storage.Seek) ([]storage.Flight, error) { return s.PageFlights(ctx, "A", f, k) },
					storage.FlightCursor, func(f storage.Flight) int64 { return f.ID })
				samePages(t, fmt.Sprintf("PageFlights(A, %s, limit %d)", sel, limit), fw, bw, want)
			}
			if n, err := s.CountFlights(ctx, "A", f, 2); err != nil || n != min(total, 3) {
				t.Errorf("CountFlights(A, %s, 2) = %d, %v; want %d", sel, n, err, min(total, 3))
			}
			if page, err := s.PageFlights(ctx, "A", f, storage.Seek{Limit: 3}); err != nil || (len(page) > 0 && len(page[0].Manifest) != 1) {
				t.Errorf("PageFlights(A, %s) = %+v, %v; want flights with their manifests", sel, page, err)
			}
		}

		for _, f := range []storage.AuditFilter{{}, {Kind: mission.KindFlight}, {Kind: mission.KindArrival, RecordID: deleted[0]}} {
			whole, err := s.FindAudit(ctx, "A", f)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, e := range whole {
				want = append(want, e.ID)
			}
			for _, limit := range []int{1, 7, 10} {
				fw, bw := walkPages(t, "audit", limit, func(k storage.Seek) ([]storage.AuditEntry, error) { return s.PageAudit(ctx, "A", f, k) },
					storage.AuditCursor, func(e storage.AuditEntry) int64 { return e.ID })
				samePages(t, fmt.Sprintf("PageAudit(A, %+v, limit %d)", f, limit), fw, bw, want)
			}
			if n, err := s.CountAudit(ctx, "A", f, 5); err != nil || n != min(int64(len(whole)), 6) {
				t.Errorf("CountAudit(A, %+v, 5) = %d, %v; want %d", f, n, err, min(len(whole), 6))
			}
		}

		for _, f := range []storage.ReminderFilter{{}, {Statuses: []mission.ReminderStatus{mission.ReminderCancelled, mission.ReminderPending}}} {
			whole, total, err := s.FindReminders(ctx, "A", f)
			if err != nil {
				t.Fatal(err)
			}
			if total < 10 {
				t.Fatalf("FindReminders(A, %+v) = %d reminders, want enough to page", f, total)
			}
			var want []int64
			for _, r := range whole {
				want = append(want, r.ID)
			}
			for _, limit := range []int{1, 4, 10} {
				fw, bw := walkPages(t, "reminders", limit, func(k storage.Seek) ([]storage.Reminder, error) { return s.PageReminders(ctx, "A", f, k) },
					storage.ReminderCursor, func(r storage.Reminder) int64 { return r.ID })
				samePages(t, fmt.Sprintf("PageReminders(A, %+v, limit %d)", f, limit), fw, bw, want)
			}
			if n, err := s.CountReminders(ctx, "A", f, 4); err != nil || n != 5 {
				t.Errorf("CountReminders(A, %+v, 4) = %d, %v; want 5", f, n, err)
			}
		}

		// A cursor taken from guild A's list reads nothing of A in guild B's.
		a, _, _ := s.FindArrivals(ctx, "A", storage.ArrivalFilter{Limit: 1})
		c := storage.ArrivalCursor(a[0])
		for _, back := range []bool{false, true} {
			rows, err := s.PageArrivals(ctx, "B", storage.ArrivalFilter{}, storage.Seek{From: &c, Backward: back, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.GuildID != "B" {
					t.Errorf("PageArrivals(B) from A's cursor lists A's #%d", r.ID)
				}
			}
		}
	})
}
