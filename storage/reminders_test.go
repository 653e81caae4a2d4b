package storage_test

import (
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestReplanGuildMatchesPerFlightPlanning changes the offsets of a guild with flights in every
// state and checks that re-planning leaves each open flight with the reminders planning it
// afresh would give, and everything else as the per-flight re-planning left it: sent rows
// alone, kept offsets revived with their nonce and retry state cleared, a pending reminder
// whose time has passed cancelled, closed flights untouched.
func TestReplanGuildMatchesPerFlightPlanning(t *testing.T) {
	h := time.Hour
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		start := s.Now()
		scheduled := mustFlight(t, s, "A", start.Add(48*h), line("GT", 75, "military"))
		delayed := mustFlight(t, s, "A", start.Add(30*h), line("KE", 200, "police"))
		if _, err := s.DelayFlight(ctx, actorIn("A"), delayed.ID, start.Add(50*h), "weather"); err != nil {
			t.Fatal(err)
		}
		soon := mustFlight(t, s, "A", start.Add(2*h), line("SV", 8, "medical"))
		past := mustFlight(t, s, "A", start.Add(-h), line("JM", 50, "police"))
		landed := mustFlight(t, s, "A", start.Add(5*h), line("BJ", 10, "police"))
		if _, _, err := s.LandFlight(ctx, actorIn("A"), landed.ID, start); err != nil {
			t.Fatal(err)
		}
		cancelled := mustFlight(t, s, "A", start.Add(6*h), line("TD", 10, "military"))
		if _, err := s.CancelFlight(ctx, actorIn("A"), cancelled.ID, "no aircraft"); err != nil {
			t.Fatal(err)
		}
		other := mustFlight(t, s, "B", start.Add(48*h), line("GT", 5, "military"))
		// The 24h reminder of the scheduled flight went out; its 1h one failed once and waits.
		if err := s.DB().Exec(`UPDATE reminders SET status = ? WHERE flight_id = ? AND offset_secs = ?`, mission.ReminderSent, scheduled.ID, 86400).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Exec(`UPDATE reminders SET attempts = 2, last_error = 'boom', lease_owner = 'x', lease_until = ? WHERE flight_id = ? AND offset_secs = ?`,
			start.Add(time.Minute), scheduled.ID, 3600).Error; err != nil {
			t.Fatal(err)
		}
		keep := reminderRow(t, s, scheduled.ID, 3600)
		// Ninety minutes on, the 1h reminder of the flight due at +2h is late and still pending.
		s.Now = func() time.Time { return start.Add(90 * time.Minute) }
		now := s.Now()

		if _, err := s.UpdateGuild(ctx, actorIn("A"), func(g *storage.Guild) error { g.ReminderOffsets = offsets(t, "2h,1h"); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name string
			id   int64
			eta  time.Time
		}{{"scheduled", scheduled.ID, start.Add(48 * h)}, {"delayed", delayed.ID, start.Add(50 * h)},
			{"soon", soon.ID, start.Add(2 * h)}, {"past", past.ID, start.Add(-h)}} {
			got := reminderLines(t, s, "A", f.id, mission.ReminderPending)
			want := flightPlan(now, f.eta, 2*h, h)
			if f.name == "past" {
				// Its overdue nudge, planned when it was still ahead, is late but no flight
				// reminder: re-planning leaves it pending for the dispatcher to post late.
				want = flightPlan(start, f.eta)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s flight: pending reminders = %q, want %q", f.name, got, want)
			}
		}
		if got := reminderLines(t, s, "A", soon.ID, mission.ReminderCancelled); !slices.Contains(got, "flight 1h0m0s "+start.Add(h).UTC().Format(time.RFC3339)) {
			t.Errorf("the late 1h reminder of the soon flight is not cancelled: cancelled = %q", got)
		}
		if got, want := reminderLines(t, s, "A", scheduled.ID, mission.ReminderSent), []string{"flight 24h0m0s " + start.Add(24*h).UTC().Format(time.RFC3339)}; !slices.Equal(got, want) {
			t.Errorf("sent reminders of the scheduled flight = %q, want %q", got, want)
		}
		revived := reminderRow(t, s, scheduled.ID, 3600)
		if revived.ID != keep.ID || revived.Nonce != keep.Nonce || revived.Attempts != 0 || revived.LastError != "" ||
			revived.LeaseOwner != "" || revived.LeaseUntil != nil || revived.Status != mission.ReminderPending {
			t.Errorf("kept 1h reminder after re-planning = %+v, want row #%d pending with nonce %q and no retry state", revived, keep.ID, keep.Nonce)
		}
		for _, id := range []int64{landed.ID, cancelled.ID} {
			if got := reminderLines(t, s, "A", id, mission.ReminderPending); len(got) != 0 {
				t.Errorf("closed flight #%d has pending reminders %q", id, got)
			}
		}
		if got, want := reminderLines(t, s, "B", other.ID, mission.ReminderPending), flightPlan(start, start.Add(48*h), defaultOffsets...); !slices.Equal(got, want) {
			t.Errorf("another guild's flight: pending reminders = %q, want %q (untouched)", got, want)
		}

		// Back to the defaults: the 24h reminder stays sent, the others are planned again.
		if _, err := s.UpdateGuild(ctx, actorIn("A"), func(g *storage.Guild) error { g.ReminderOffsets = offsets(t, "24h,1h,0,1h"); return nil }); err != nil {
			t.Fatal(err)
		}
		if got, want := reminderLines(t, s, "A", scheduled.ID, mission.ReminderPending), flightPlan(now, start.Add(48*h), h, 0); !slices.Equal(got, want) {
			t.Errorf("scheduled flight back on the defaults: pending reminders = %q, want %q", got, want)
		}
		if got, want := reminderLines(t, s, "A", delayed.ID, mission.ReminderPending), flightPlan(now, start.Add(50*h), defaultOffsets...); !slices.Equal(got, want) {
			t.Errorf("delayed flight back on the defaults: pending reminders = %q, want %q", got, want)
		}
	})
}

// reminderRow returns the flight reminder of flightID at offset (seconds before the ETA).
func reminderRow(t testing.TB, s *storage.Store, flightID, offset int64) storage.Reminder {
	t.Helper()
	var r storage.Reminder
	if err := s.DB().Where("flight_id = ? AND kind = ? AND offset_secs = ?", flightID, mission.ReminderFlight, offset).Take(&r).Error; err != nil {
		t.Fatalf("reminder of flight #%d at %ds: %v", flightID, offset, err)
	}
	return r
}
