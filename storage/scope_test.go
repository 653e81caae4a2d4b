package storage_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestGuildScope checks that a moderator of guild B who types the IDs of guild A's records can
// neither read, change nor delete them, and that B's lists show nothing of A. A foreign record
// must look exactly like a missing one (ErrNotFound, never a conflict that would reveal a
// landed flight), and the attempts must write nothing at all.
func TestGuildScope(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		a, b := actorIn("A"), actorIn("B")

		// Guild A: one of everything, an open and a landed flight.
		arrA := mustArrival(t, s, "A", "KE", 200, "police")
		if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 5, Role: "police", DepartedAt: s.Now(), Reason: "rotation"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "KE", Personnel: intp(2500), Role: "police", AsOf: s.Now()}); err != nil {
			t.Fatal(err)
		}
		openA := mustFlight(t, s, "A", s.Now().Add(48*time.Hour), line("GT", 75, "military"))
		landedA := mustFlight(t, s, "A", s.Now().Add(time.Hour), line("SV", 8, "medical"))
		if _, _, err := s.LandFlight(ctx, a, landedA.ID, s.Now()); err != nil {
			t.Fatal(err)
		}
		// Guild B: its own rows, so that its lists are not trivially empty.
		arrB := mustArrival(t, s, "B", "JM", 30, "military")
		openB := mustFlight(t, s, "B", s.Now().Add(24*time.Hour), line("JM", 30, "military"))

		remindersA, _, err := s.FindReminders(ctx, "A", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderPending, mission.ReminderCancelled}})
		if err != nil || len(remindersA) == 0 {
			t.Fatalf("guild A reminders = %d, %v; want some", len(remindersA), err)
		}
		auditA := auditOf(t, s, "A")
		before := dbSnapshot(t, s)

		// Reads and changes of A's records by ID, from B.
		attempts := []struct {
			name string
			try  func() error
		}{
			{"Arrival", func() error { _, err := s.Arrival(ctx, "B", arrA.ID); return err }},
			{"EditArrival", func() error {
				_, err := s.EditArrival(ctx, b, arrA.ID, func(r *storage.Arrival) error {
					t.Errorf("EditArrival called the change func on guild A's arrival #%d", r.ID)
					r.Personnel = 1
					return nil
				})
				return err
			}},
			{"DeleteArrival", func() error { _, err := s.DeleteArrival(ctx, b, arrA.ID); return err }},
		}
		for _, f := range []storage.Flight{openA, landedA} {
			id := f.ID
			attempts = append(attempts, []struct {
				name string
				try  func() error
			}{
				{"Flight #" + strconv.FormatInt(id, 10), func() error { _, err := s.Flight(ctx, "B", id); return err }},
				{"AddManifestLine #" + strconv.FormatInt(id, 10), func() error {
					_, err := s.AddManifestLine(ctx, b, id, line("JM", 1, "police").ManifestLine)
					return err
				}},
				{"DelayFlight #" + strconv.FormatInt(id, 10), func() error {
					_, err := s.DelayFlight(ctx, b, id, s.Now().Add(72*time.Hour), "")
					return err
				}},
				{"LandFlight #" + strconv.FormatInt(id, 10), func() error { _, _, err := s.LandFlight(ctx, b, id, s.Now()); return err }},
				{"CancelFlight #" + strconv.FormatInt(id, 10), func() error { _, err := s.CancelFlight(ctx, b, id, ""); return err }},
				{"SetFlightEvent #" + strconv.FormatInt(id, 10), func() error { return s.SetFlightEvent(ctx, "B", id, "123") }},
			}...)
		}
		attempts = append(attempts, struct {
			name string
			try  func() error
		}{"Reminder", func() error { _, err := s.Reminder(ctx, "B", remindersA[0].ID); return err }})
		for _, at := range attempts {
			if err := at.try(); !errors.Is(err, mission.ErrNotFound) {
				t.Errorf("guild B %s of guild A's record: error %v, want ErrNotFound", at.name, err)
			}
		}

		// B's lists show B's rows only, even when filtered by A's IDs.
		idsA := map[int64]bool{arrA.ID: true, openA.ID: true, landedA.ID: true}
		arrivals, total, err := s.FindArrivals(ctx, "B", storage.ArrivalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(arrivals) != 1 || arrivals[0].ID != arrB.ID {
			t.Errorf("FindArrivals(B) = %d rows (total %d), want only B's #%d", len(arrivals), total, arrB.ID)
		}
		if deps, err := s.FindDepartures(ctx, "B", storage.ArrivalFilter{}); err != nil || len(deps) != 0 {
			t.Errorf("FindDepartures(B) = %d rows, %v; want none", len(deps), err)
		}
		for _, sel := range []string{storage.FlightsUpcoming, storage.FlightsLanded, storage.FlightsCancelled, storage.FlightsAll} {
			fs, err := s.FindFlights(ctx, "B", storage.FlightFilter{Status: sel})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.GuildID != "B" || idsA[f.ID] {
					t.Errorf("FindFlights(B, %s) returned guild %s's flight #%d", sel, f.GuildID, f.ID)
				}
			}
		}
		for _, f := range []storage.Flight{openA, landedA} {
			fs, err := s.FindFlights(ctx, "B", storage.FlightFilter{Status: storage.FlightsAll, Prefix: strconv.FormatInt(f.ID, 10)})
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range fs {
				if got.ID == f.ID {
					t.Errorf("FindFlights(B, prefix %d) returned guild A's flight", f.ID)
				}
			}
		}
		if next, _, err := s.NextFlight(ctx, "B", s.Now()); err != nil || next.ID != openB.ID {
			t.Errorf("NextFlight(B) = #%d, %v; want B's #%d", next.ID, err, openB.ID)
		}
		if ps, err := s.CurrentPledges(ctx, "B"); err != nil || len(ps) != 0 {
			t.Errorf("CurrentPledges(B) = %+v, %v; want none", ps, err)
		}
		if ps, err := s.AllPledges(ctx, "B"); err != nil || len(ps) != 0 {
			t.Errorf("AllPledges(B) = %+v, %v; want none", ps, err)
		}
		if got, want := totalsOf(t, s, "B"), []storage.ForceTotal{{GuildID: "B", Country: "JM", Role: "military", Deployed: 30}}; len(got) != 1 || got[0] != want[0] {
			t.Errorf("ForceTotals(B) = %+v, want %+v", got, want)
		}
		if n, err := s.ArrivedSince(ctx, "B", s.Now().Add(-24*time.Hour)); err != nil || n != 30 {
			t.Errorf("ArrivedSince(B) = %d, %v; want 30", n, err)
		}
		for _, e := range auditOf(t, s, "B") {
			if e.GuildID != "B" {
				t.Errorf("FindAudit(B) returned guild %s's entry #%d", e.GuildID, e.ID)
			}
		}
		for _, f := range []storage.AuditFilter{{Kind: mission.KindArrival, RecordID: arrA.ID}, {Kind: mission.KindFlight, RecordID: openA.ID}, {Kind: mission.KindSettings}} {
			if es, err := s.FindAudit(ctx, "B", f); err != nil || len(es) != 0 {
				t.Errorf("FindAudit(B, %+v) = %d entries, %v; want none", f, len(es), err)
			}
			if n, err := s.CountAudit(ctx, "B", f, 0); err != nil || n != 0 {
				t.Errorf("CountAudit(B, %+v) = %d, %v; want 0", f, n, err)
			}
		}
		rs, _, err := s.FindReminders(ctx, "B", storage.ReminderFilter{Statuses: []mission.ReminderStatus{
			mission.ReminderPending, mission.ReminderSent, mission.ReminderFailed, mission.ReminderMissed, mission.ReminderCancelled}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.GuildID != "B" || (r.FlightID != nil && idsA[*r.FlightID]) {
				t.Errorf("FindReminders(B) returned guild %s's reminder #%d", r.GuildID, r.ID)
			}
		}

		// Nothing was written by any of B's attempts; A reads as before.
		if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
			t.Errorf("guild B's attempts on guild A's records wrote: %s", strings.Join(diff, "; "))
		}
		if got := auditOf(t, s, "A"); len(got) != len(auditA) {
			t.Errorf("guild A audit entries = %d, want %d", len(got), len(auditA))
		}
		if got, err := s.Arrival(ctx, "A", arrA.ID); err != nil || got.Personnel != 200 || got.Country != "KE" {
			t.Errorf("guild A's arrival after B's attempts = %+v, %v; want KE 200 police", got, err)
		}
		if got, err := s.Flight(ctx, "A", openA.ID); err != nil || got.Status != mission.FlightScheduled || len(got.Manifest) != 1 || !got.ETA.Equal(openA.ETA) {
			t.Errorf("guild A's open flight after B's attempts = %+v, %v; want scheduled, 1 line, ETA %v", got, err, openA.ETA)
		}
	})
}
