package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestForceLevelNeverNegative: a departure larger than the strength deployed, or an edit or
// delete of an arrival that later departures depend on, is refused as a conflict that names
// what would happen, and stores nothing; changes that keep every level at zero or above pass.
func TestForceLevelNeverNegative(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("A")
		arr, err := s.LogArrival(ctx, a, forcesArrival("GT", 75, "military"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LogDeparture(ctx, a, forcesDeparture("GT", 30, "military")); err != nil {
			t.Fatalf("departure of 30 of 75: %v", err)
		}
		refused := func(name string, err error, want string) {
			t.Helper()
			if !errors.Is(err, mission.ErrConflict) || !strings.Contains(locale.Error(locale.English, err), want) {
				t.Errorf("%s: error %v, want a conflict mentioning %q", name, err, want)
			}
		}
		before := dbSnapshot(t, s)
		_, err = s.LogDeparture(ctx, a, forcesDeparture("GT", 90, "military"))
		refused("departure of 90 of 45", err, "🇬🇹 Guatemala has 45 military deployed; a departure of 90 would leave −45.")
		_, err = s.LogDeparture(ctx, a, forcesDeparture("GT", 1, "police"))
		refused("departure of a role never deployed", err, "🇬🇹 Guatemala has 0 police deployed; a departure of 1 would leave −1.")
		_, err = s.LogDeparture(ctx, a, forcesDeparture("SV", 1, "military"))
		refused("departure of a country never deployed", err, "El Salvador")
		_, err = s.DeleteArrival(ctx, a, arr.ID)
		refused("delete of the arrival departures depend on", err, "🇬🇹 Guatemala has 45 military deployed; deleting arrival #1 takes 75 away and would leave −30.")
		_, err = s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Personnel = 10; return nil })
		refused("edit below what departed", err, "🇬🇹 Guatemala has 45 military deployed; this edit of arrival #1 takes 65 away and would leave −20.")
		_, err = s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Role = "police"; return nil })
		refused("edit moving the arrival to another role", err, "🇬🇹 Guatemala has 45 military deployed; this edit of arrival #1 takes 75 away and would leave −30.")
		if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
			t.Errorf("refused changes stored something: %v", diff)
		}

		// Changes that keep the level at zero or above go through, even when they take the
		// arrival off and put it back within the transaction.
		if _, err := s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Source = "press"; return nil }); err != nil {
			t.Errorf("edit of the source: %v", err)
		}
		if _, err := s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Personnel = 30; return nil }); err != nil {
			t.Errorf("edit down to exactly what departed: %v", err)
		}
		if _, err := s.LogDeparture(ctx, a, forcesDeparture("GT", 30, "military")); err == nil {
			t.Errorf("departure of 30 of 0: no error")
		}
		levels, total, err := s.ForceLevels(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		if total != 0 || len(levels) != 0 {
			t.Errorf("ForceLevels = %+v, %d; want none, 0", levels, total)
		}
	})
}
