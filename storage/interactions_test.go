package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// actorOf is actorIn acting for the Discord interaction id.
func actorOf(guild, id string) storage.Actor {
	a := actorIn(guild)
	a.InteractionID = id
	return a
}

func TestReplayedArrivalChangesNothing(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		in := storage.Arrival{Country: "KE", Personnel: 200, Role: "police", ArrivedAt: s.Now()}
		a := actorOf("A", "1100000000000000001")
		if _, err := s.LogArrival(ctx, a, in); err != nil {
			t.Fatalf("first LogArrival: %v", err)
		}
		before := dbSnapshot(t, s)
		_, err := s.LogArrival(ctx, a, in)
		if !errors.Is(err, mission.ErrReplayed) {
			t.Fatalf("LogArrival with the same interaction ID: error %v, want one of kind EReplayed", err)
		}
		if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
			t.Errorf("replayed LogArrival wrote: %v", diff)
		}
		if got := rawCount(t, s, "arrivals", "guild_id = ?", "A"); got != 1 {
			t.Errorf("arrivals after a replay = %d, want 1", got)
		}
		if got := len(auditOf(t, s, "A")); got != 1 {
			t.Errorf("audit entries after a replay = %d, want 1", got)
		}
		want := []storage.ForceTotal{{GuildID: "A", Country: "KE", Role: "police", Deployed: 200}}
		if got := totalsOf(t, s, "A"); !slices.Equal(got, want) {
			t.Errorf("force totals after a replay = %+v, want %+v", got, want)
		}
		var me *mission.Error
		if errors.As(err, &me); me == nil || !slices.Contains(me.Text.Args, any("/test")) {
			t.Errorf("replay error %v does not name the command carried out", err)
		}

		// Another interaction stores again; no interaction at all never deduplicates.
		if _, err := s.LogArrival(ctx, actorOf("A", "1100000000000000002"), in); err != nil {
			t.Fatalf("LogArrival with another interaction ID: %v", err)
		}
		for range 2 {
			if _, err := s.LogArrival(ctx, actorIn("A"), in); err != nil {
				t.Fatalf("LogArrival without an interaction ID: %v", err)
			}
		}
		if got := rawCount(t, s, "arrivals", "guild_id = ?", "A"); got != 4 {
			t.Errorf("arrivals = %d, want 4 (one per distinct interaction, each without an ID)", got)
		}
		if got := rawCount(t, s, "handled_interactions", "1 = 1"); got != 2 {
			t.Errorf("handled interactions = %d, want 2 (the ones with an ID)", got)
		}
	})
}

// TestEveryChangeRefusesItsReplay sends each kind of change twice with one interaction ID: the
// second is refused as a replay and writes nothing.
func TestEveryChangeRefusesItsReplay(t *testing.T) {
	type change func(t *testing.T, s *storage.Store, a storage.Actor, f storage.Flight, arr storage.Arrival) error
	changes := []struct {
		name string
		do   change
	}{
		{"log arrival", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, _ storage.Arrival) error {
			_, err := s.LogArrival(t.Context(), a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: s.Now()})
			return err
		}},
		{"edit arrival", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, arr storage.Arrival) error {
			_, err := s.EditArrival(t.Context(), a, arr.ID, func(x *storage.Arrival) error { x.Personnel++; return nil })
			return err
		}},
		{"delete arrival", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, arr storage.Arrival) error {
			_, err := s.DeleteArrival(t.Context(), a, arr.ID)
			return err
		}},
		{"log departure", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, arr storage.Arrival) error {
			// From the strength the setup's arrival deployed: a level cannot go below zero.
			_, err := s.LogDeparture(t.Context(), a, storage.Departure{Country: arr.Country, Personnel: 1, Role: arr.Role, DepartedAt: s.Now(), Reason: "rotation"})
			return err
		}},
		{"set pledge", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, _ storage.Arrival) error {
			_, err := s.SetPledge(t.Context(), a, storage.Pledge{Country: "BJ", Role: "police", Personnel: intp(100), AsOf: s.Now()})
			return err
		}},
		{"schedule flight", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, _ storage.Arrival) error {
			_, err := s.ScheduleFlight(t.Context(), a, storage.Flight{ETA: s.Now().Add(48 * time.Hour), Manifest: []storage.ManifestLine{line("SV", 8, "medical")}})
			return err
		}},
		{"add manifest line", func(t *testing.T, s *storage.Store, a storage.Actor, f storage.Flight, _ storage.Arrival) error {
			_, err := s.AddManifestLine(t.Context(), a, f.ID, line("KE", 10, "police").ManifestLine)
			return err
		}},
		{"delay flight", func(t *testing.T, s *storage.Store, a storage.Actor, f storage.Flight, _ storage.Arrival) error {
			_, err := s.DelayFlight(t.Context(), a, f.ID, s.Now().Add(72*time.Hour), "weather")
			return err
		}},
		{"update guild", func(t *testing.T, s *storage.Store, a storage.Actor, _ storage.Flight, _ storage.Arrival) error {
			_, err := s.UpdateGuild(t.Context(), a, func(g *storage.Guild) error { g.Planned++; return nil })
			return err
		}},
		{"land flight", func(t *testing.T, s *storage.Store, a storage.Actor, f storage.Flight, _ storage.Arrival) error {
			_, _, err := s.LandFlight(t.Context(), a, f.ID, s.Now())
			return err
		}},
		{"cancel flight", func(t *testing.T, s *storage.Store, a storage.Actor, f storage.Flight, _ storage.Arrival) error {
			_, err := s.CancelFlight(t.Context(), a, f.ID, "no aircraft")
			return err
		}},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for _, c := range changes {
			t.Run(c.name, func(t *testing.T) {
				f := mustFlight(t, s, "A", s.Now().Add(24*time.Hour), line("GT", 75, "military"))
				arr := mustArrival(t, s, "A", "JM", 30, "police")
				a := actorOf("A", "replay-"+c.name)
				if err := c.do(t, s, a, f, arr); err != nil {
					t.Fatalf("first %s: %v", c.name, err)
				}
				before := dbSnapshot(t, s)
				if err := c.do(t, s, a, f, arr); !errors.Is(err, mission.ErrReplayed) {
					t.Fatalf("%s sent again: error %v, want one of kind EReplayed", c.name, err)
				}
				if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
					t.Errorf("replayed %s wrote: %v", c.name, diff)
				}
			})
		}
	})
}

// TestRefusedChangeRecordsNoInteraction: a change that rolls back leaves no record of its
// interaction, so the same interaction is judged afresh when it comes again (and refused again
// while the reason stands), and the one that is then carried out is remembered.
func TestRefusedChangeRecordsNoInteraction(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		f := mustFlight(t, s, "A", s.Now().Add(time.Hour), line("GT", 75, "military"))
		if _, err := s.CancelFlight(ctx, actorIn("A"), f.ID, "no aircraft"); err != nil {
			t.Fatal(err)
		}
		a := actorOf("A", "land-cancelled")
		for i := range 2 {
			_, _, err := s.LandFlight(ctx, a, f.ID, s.Now())
			if !errors.Is(err, mission.ErrConflict) {
				t.Fatalf("landing a cancelled flight, attempt %d: error %v, want a conflict (not a replay)", i+1, err)
			}
		}
		if got := rawCount(t, s, "handled_interactions", "interaction_id = ?", a.InteractionID); got != 0 {
			t.Errorf("a refused landing recorded its interaction (%d rows)", got)
		}
		// A refused change before a carried-out one does not block it either.
		a = actorOf("A", "pledge-after-refusal")
		if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "KE", Role: "police", Personnel: intp(0), AsOf: s.Now()}); err == nil {
			t.Fatal("a pledge of 0 personnel was stored; the CHECK constraint should refuse it")
		}
		if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "KE", Role: "police", Personnel: intp(10), AsOf: s.Now()}); err != nil {
			t.Fatalf("the same interaction after its change rolled back: %v", err)
		}
		if got := rawCount(t, s, "handled_interactions", "interaction_id = ?", a.InteractionID); got != 1 {
			t.Errorf("handled interactions for the carried-out pledge = %d, want 1", got)
		}
	})
}

func TestPruneInteractions(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			s, clock := storagetest.OpenClock(t, driver)
			ctx := t.Context()
			in := storage.Arrival{Country: "KE", Personnel: 1, Role: "police", ArrivedAt: s.Now()}
			if _, err := s.LogArrival(ctx, actorOf("A", "old"), in); err != nil {
				t.Fatal(err)
			}
			clock.Set(storagetest.Start.Add(20 * time.Hour))
			if _, err := s.LogArrival(ctx, actorOf("A", "recent"), in); err != nil {
				t.Fatal(err)
			}
			clock.Set(storagetest.Start.Add(25 * time.Hour))
			n, err := s.PruneInteractions(ctx, s.Now().Add(-storage.InteractionMemory))
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("PruneInteractions a day later forgot %d interactions, want 1", n)
			}
			var ids []string
			if err := s.DB().Table("handled_interactions").Order("interaction_id").Pluck("interaction_id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			if want := []string{"recent"}; !slices.Equal(ids, want) {
				t.Errorf("handled interactions after pruning = %q, want %q", ids, want)
			}
		})
	}
}
