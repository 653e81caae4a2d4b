package storage_test

import (
	"errors"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// refusedWith reports the catalog key of err's refusal, or "" when err is none.
func refusedWith(err error) string {
	var me *mission.Error
	if errors.As(err, &me) && me.Kind == mission.EConflict {
		return me.Text.Key
	}
	return ""
}

// deployed is the running force level of one country and role.
func deployed(t *testing.T, s *storage.Store, guild, country string, role mission.Role) int64 {
	t.Helper()
	for _, ft := range totalsOf(t, s, guild) {
		if ft.Country == country && ft.Role == role {
			return ft.Deployed
		}
	}
	return 0
}

// dayLevels is the force chart's net change of country per day, as it reads it.
func dayLevels(t *testing.T, s *storage.Store, guild, country string) map[int64]int64 {
	t.Helper()
	h, err := s.ForceHistory(t.Context(), guild, country)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, c := range h {
		if c.Delta != 0 {
			out[c.Day] += c.Delta
		}
	}
	return out
}

func TestUnlandFlightRestoresTheFlightAndTheLedger(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx, a := t.Context(), actorIn("A")
		f := mustFlight(t, s, "A", s.Now().Add(2*time.Hour), line("GT", 75, "military"), line("SV", 8, "medical"))
		if _, err := s.DelayFlight(ctx, a, f.ID, s.Now().Add(3*time.Hour), "weather"); err != nil {
			t.Fatal(err)
		}
		kept := mustArrival(t, s, "A", "GT", 10, "military") // logged by hand: not the landing's
		_, landedArrivals, err := s.LandFlight(ctx, a, f.ID, s.Now())
		if err != nil {
			t.Fatal(err)
		}

		back, removed, err := s.UnlandFlight(ctx, a, f.ID, "wrong flight")
		if err != nil {
			t.Fatalf("UnlandFlight: %v", err)
		}
		if back.Status != mission.FlightDelayed || back.LandedAt != nil || back.Reason != "wrong flight" {
			t.Errorf("unlanded flight = status %q landed %v reason %q, want %q, not landed, %q", back.Status, back.LandedAt, back.Reason, mission.FlightDelayed, "wrong flight")
		}
		if len(removed) != len(landedArrivals) {
			t.Fatalf("removed %d arrivals, want the landing's %d", len(removed), len(landedArrivals))
		}
		for i := range removed {
			if removed[i].ID != landedArrivals[i].ID {
				t.Errorf("removed arrival %d = #%d, want #%d", i, removed[i].ID, landedArrivals[i].ID)
			}
		}
		got, _, err := s.FindArrivals(ctx, "A", storage.ArrivalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != kept.ID {
			t.Errorf("arrivals after unland = %+v, want only #%d", got, kept.ID)
		}
		for _, c := range []struct {
			country string
			role    mission.Role
			want    int64
		}{{"GT", "military", 10}, {"SV", "medical", 0}} {
			if got := deployed(t, s, "A", c.country, c.role); got != c.want {
				t.Errorf("%s %s deployed after unland = %d, want %d", c.country, c.role, got, c.want)
			}
		}
		if got, want := dayLevels(t, s, "A", "GT"), map[int64]int64{storage.DayOf(s.Now()): 10}; len(got) != 1 || got[storage.DayOf(s.Now())] != 10 {
			t.Errorf("GT daily changes after unland = %v, want %v", got, want)
		}
		if got := dayLevels(t, s, "A", "SV"); len(got) != 0 {
			t.Errorf("SV daily changes after unland = %v, want none", got)
		}
		audit := auditOf(t, s, "A")
		actions := map[mission.AuditAction]int{}
		for _, e := range audit {
			actions[e.Action]++
		}
		if actions[mission.ActionUnland] != 1 || actions[mission.ActionDelete] != 2 {
			t.Errorf("audit after unland has %d unland and %d delete entries, want 1 and 2", actions[mission.ActionUnland], actions[mission.ActionDelete])
		}

		// The flight is expected again: it can land once more, its manifest logged again.
		if _, again, err := s.LandFlight(ctx, a, f.ID, s.Now()); err != nil || len(again) != 2 {
			t.Errorf("landing again after unland = %d arrivals, %v; want 2, nil", len(again), err)
		}
		if got := deployed(t, s, "A", "GT", "military"); got != 85 {
			t.Errorf("GT military after landing again = %d, want 85", got)
		}
		// And that landing can be undone in turn: the first one's removed arrivals are not its.
		if _, again, err := s.UnlandFlight(ctx, a, f.ID, ""); err != nil || len(again) != 2 {
			t.Errorf("undoing the second landing = %d arrivals, %v; want 2, nil", len(again), err)
		}
	})
}

func TestUnlandFlightRefuses(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		// after is done once flight f has landed with its GT 75 military, at now less two days.
		after func(t *testing.T, s *storage.Store, f storage.Flight, landed []storage.Arrival)
		land  bool
		want  string
	}{
		{name: "not landed", land: false, want: "error.unland.not_landed"},
		{name: "cancelled", land: false, want: "error.unland.not_landed",
			after: func(t *testing.T, s *storage.Store, f storage.Flight, _ []storage.Arrival) {
				if _, err := s.CancelFlight(t.Context(), actorIn("A"), f.ID, ""); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "arrival edited", land: true, want: "error.unland.changed",
			after: func(t *testing.T, s *storage.Store, _ storage.Flight, landed []storage.Arrival) {
				if _, err := s.EditArrival(t.Context(), actorIn("A"), landed[0].ID, func(x *storage.Arrival) error { x.Personnel = 70; return nil }); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "arrival deleted", land: true, want: "error.unland.changed",
			after: func(t *testing.T, s *storage.Store, _ storage.Flight, landed []storage.Arrival) {
				if _, err := s.DeleteArrival(t.Context(), actorIn("A"), landed[0].ID); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "departure depends on it", land: true, want: "error.below_zero_unland",
			after: func(t *testing.T, s *storage.Store, _ storage.Flight, _ []storage.Arrival) {
				if _, err := s.LogDeparture(t.Context(), actorIn("A"), storage.Departure{Country: "GT", Personnel: 50, Role: "military",
					DepartedAt: s.Now().Add(-day), Reason: mission.ReasonRotation}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "departure depended on it before a later arrival", land: true, want: "error.below_zero_on",
			after: func(t *testing.T, s *storage.Store, _ storage.Flight, _ []storage.Arrival) {
				if _, err := s.LogDeparture(t.Context(), actorIn("A"), storage.Departure{Country: "GT", Personnel: 50, Role: "military",
					DepartedAt: s.Now().Add(-day), Reason: mission.ReasonRotation}); err != nil {
					t.Fatal(err)
				}
				mustArrival(t, s, "A", "GT", 75, "military") // the total stays 100 without the landing
			}},
		{name: "arrivals not known as the landing's", land: true, want: "error.unland.unknown_arrivals",
			after: func(t *testing.T, s *storage.Store, f storage.Flight, _ []storage.Arrival) {
				// As an archive's import leaves a landing: its arrivals are rows of their own.
				if err := s.DB().Model(&storage.Arrival{}).Where("flight_id = ?", f.ID).Update("landing_flight_id", nil).Error; err != nil {
					t.Fatal(err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
				ctx := t.Context()
				f := mustFlight(t, s, "A", s.Now().Add(2*time.Hour), line("GT", 75, "military"))
				var landed []storage.Arrival
				if tc.land {
					var err error
					if _, landed, err = s.LandFlight(ctx, actorIn("A"), f.ID, s.Now().Add(-2*day)); err != nil {
						t.Fatal(err)
					}
				}
				if tc.after != nil {
					tc.after(t, s, f, landed)
				}
				before := totalsOf(t, s, "A")
				_, _, err := s.UnlandFlight(ctx, actorIn("A"), f.ID, "")
				if got := refusedWith(err); got != tc.want {
					t.Fatalf("UnlandFlight = %v (refusal %q), want refusal %q", err, got, tc.want)
				}
				after := totalsOf(t, s, "A")
				if len(before) != len(after) || (len(before) > 0 && before[0] != after[0]) {
					t.Errorf("force totals moved by a refused unland: %+v → %+v", before, after)
				}
				if got, err := s.Flight(ctx, "A", f.ID); err != nil || (tc.land && got.Status != mission.FlightLanded) {
					t.Errorf("flight after refused unland = %q, %v; want still landed", got.Status, err)
				}
			})
		})
	}
}

// TestUnlandFlightLandedBeforeMigration0017: a landing made before the landing's arrivals were
// marked is undone from the arrivals linked to the flight at its landing time with its note, and
// the flight goes back to scheduled; an arrival logged by hand with the flight is left alone.
func TestUnlandFlightLandedBeforeMigration0017(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		f := mustFlight(t, s, "A", s.Now().Add(2*time.Hour), line("GT", 75, "military"))
		if _, _, err := s.LandFlight(ctx, actorIn("A"), f.ID, s.Now()); err != nil {
			t.Fatal(err)
		}
		fid := f.ID
		byHand, err := s.LogArrival(ctx, actorIn("A"), storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: s.Now(), FlightID: &fid})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&storage.Arrival{}).Where("guild_id = ?", "A").Update("landing_flight_id", nil).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&storage.Flight{}).Where("id = ?", f.ID).Update("landed_from", "").Error; err != nil {
			t.Fatal(err)
		}
		back, removed, err := s.UnlandFlight(ctx, actorIn("A"), f.ID, "")
		if err != nil || len(removed) != 1 || removed[0].ID == byHand.ID || back.Status != mission.FlightScheduled {
			t.Fatalf("UnlandFlight = %s, removed %+v, %v; want scheduled and the landing's one arrival removed", back.Status, removed, err)
		}
		if got := deployed(t, s, "A", "GT", "military"); got != 5 {
			t.Errorf("GT military after unland = %d, want the 5 logged by hand", got)
		}
	})
}
