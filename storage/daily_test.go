package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// ledgerDays recomputes a guild's daily_forces from the ledger itself: every arrival and
// departure not deleted, summed per (country, role, UTC day), zeros left out.
func ledgerDays(t *testing.T, s *storage.Store, guild string) []storage.DailyForce {
	t.Helper()
	ctx := context.Background()
	arrivals, _, err := s.FindArrivals(ctx, guild, storage.ArrivalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	departures, err := s.FindDepartures(ctx, guild, storage.ArrivalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sums := map[storage.DailyForce]int64{}
	key := func(c string, r mission.Role, at time.Time) storage.DailyForce {
		return storage.DailyForce{GuildID: guild, Country: c, Role: r, Day: storage.DayOf(at)}
	}
	for _, a := range arrivals {
		sums[key(a.Country, a.Role, a.ArrivedAt)] += int64(a.Personnel)
	}
	for _, d := range departures {
		sums[key(d.Country, d.Role, d.DepartedAt)] -= int64(d.Personnel)
	}
	var out []storage.DailyForce
	for k, n := range sums {
		if n != 0 {
			k.Delta = n
			out = append(out, k)
		}
	}
	sortDaily(out)
	return out
}

// storedDays is the guild's daily_forces as stored, zeros left out.
func storedDays(t *testing.T, s *storage.Store, guild string) []storage.DailyForce {
	t.Helper()
	var out []storage.DailyForce
	if err := s.DB().Where("guild_id = ? AND delta <> 0", guild).Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	sortDaily(out)
	return out
}

func sortDaily(ds []storage.DailyForce) {
	slices.SortFunc(ds, func(a, b storage.DailyForce) int {
		if a.Day != b.Day {
			return int(a.Day - b.Day)
		}
		if a.Country != b.Country {
			return compareStrings(a.Country, b.Country)
		}
		return compareStrings(string(a.Role), string(b.Role))
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestDailyForcesFollowTheLedger changes the history every way a user can — arrivals,
// departures, edits of size, country and date, deletes, a landed flight — and checks after each
// step that daily_forces holds exactly what the ledger sums to per day, and that ForceHistory
// adds up to the running totals.
func TestDailyForcesFollowTheLedger(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		const guild = "ledger"
		a := actorIn(guild)
		day := func(d int, hour int) time.Time {
			return storagetest.Start.AddDate(0, 0, d-3).Add(time.Duration(hour) * time.Hour) // days before the clock: what happened
		}
		check := func(step string) {
			t.Helper()
			got, want := storedDays(t, s, guild), ledgerDays(t, s, guild)
			if !slices.Equal(got, want) {
				t.Fatalf("after %s: daily_forces = %+v, ledger sums to %+v", step, got, want)
			}
			totals, err := s.ForceTotals(ctx, guild)
			if err != nil {
				t.Fatal(err)
			}
			perCountry := map[string]int64{}
			for _, ft := range totals {
				perCountry[ft.Country] += ft.Deployed
			}
			hist, err := s.ForceHistory(ctx, guild, "")
			if err != nil {
				t.Fatal(err)
			}
			summed := map[string]int64{}
			for i, h := range hist {
				if i > 0 && h.Day < hist[i-1].Day {
					t.Fatalf("after %s: ForceHistory not by day: %+v", step, hist)
				}
				summed[h.Country] += h.Delta
			}
			for c, n := range perCountry {
				if summed[c] != n {
					t.Errorf("after %s: ForceHistory of %s sums to %d, force total %d", step, c, summed[c], n)
				}
			}
		}

		// A second guild's history must not leak into the first's.
		if _, err := s.LogArrival(ctx, actorIn("elsewhere"), storage.Arrival{Country: "KE", Personnel: 999, Role: "police", ArrivedAt: day(-3, 0)}); err != nil {
			t.Fatal(err)
		}
		ke, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 200, Role: "police", ArrivedAt: day(-30, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 200, Role: "police", ArrivedAt: day(-10, 6)}); err != nil {
			t.Fatal(err)
		}
		// 21:00 in Port-au-Prince is already the next day in UTC, the day the row counts on.
		gt, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 75, Role: "military", ArrivedAt: day(-2, 6)})
		if err != nil {
			t.Fatal(err)
		}
		check("arrivals")

		if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 50, Role: "police", DepartedAt: day(-5, 0), Reason: "rotation"}); err != nil {
			t.Fatal(err)
		}
		check("a departure")

		if _, err := s.EditArrival(ctx, a, gt.ID, func(x *storage.Arrival) error {
			x.Country, x.Personnel, x.ArrivedAt = "SV", 8, day(-1, 0)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditArrival(ctx, a, ke.ID, func(x *storage.Arrival) error { x.Personnel = 250; return nil }); err != nil {
			t.Fatal(err)
		}
		check("edits of country, date and size")

		if _, err := s.DeleteArrival(ctx, a, gt.ID); err != nil {
			t.Fatal(err)
		}
		check("a delete")

		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: day(1, 0), Manifest: []storage.ManifestLine{line("GT", 75, "military"), line("SV", 8, "medical")}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LandFlight(ctx, a, f.ID, day(1, 2)); err != nil {
			t.Fatal(err)
		}
		check("a landing")

		// A refused change (more departing than deployed) rolls the day's row back too.
		if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "SV", Personnel: 9, Role: "medical", DepartedAt: day(2, 0), Reason: "other"}); err == nil {
			t.Fatal("departure of more than deployed accepted")
		}
		check("a refused departure")

		byRole, err := s.ForceHistory(ctx, guild, "KE")
		if err != nil {
			t.Fatal(err)
		}
		wantKE := []storage.ForceChange{
			{Day: storage.DayOf(day(-30, 0)), Country: "KE", Role: "police", Delta: 250},
			{Day: storage.DayOf(day(-10, 6)), Country: "KE", Role: "police", Delta: 200},
			{Day: storage.DayOf(day(-5, 0)), Country: "KE", Role: "police", Delta: -50},
		}
		if !slices.Equal(byRole, wantKE) {
			t.Errorf("ForceHistory(KE) = %+v, want %+v", byRole, wantKE)
		}
	})
}

// TestDailyForcesMigration checks that migration 0005 fills daily_forces for a database that
// already has a history, from the arrivals and departures not deleted.
func TestDailyForcesMigration(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		a := actorIn("before")
		at := storagetest.Start
		for i, n := range []int{200, 200, 75, 8} {
			if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: []string{"KE", "KE", "GT", "SV"}[i], Personnel: n, Role: "police",
				ArrivedAt: at.AddDate(0, 0, -10*i).Add(time.Duration(i) * 7 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 20, Role: "police", DepartedAt: at, Reason: "rotation"}); err != nil {
			t.Fatal(err)
		}
		gone, err := s.LogArrival(ctx, a, storage.Arrival{Country: "JM", Personnel: 30, Role: "military", ArrivedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteArrival(ctx, a, gone.ID); err != nil {
			t.Fatal(err)
		}
		want := ledgerDays(t, s, "before")

		// Back to the schema before 0005, then migrate again.
		if err := s.DB().Exec(`DROP TABLE daily_forces`).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Exec(`DELETE FROM schema_migrations WHERE version = 5`).Error; err != nil {
			t.Fatal(err)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || !slices.Equal(applied, []string{"0005_daily_totals.sql"}) {
			t.Fatalf("Migrate = %q, %v; want 0005 applied", applied, err)
		}
		if got := storedDays(t, s, "before"); !slices.Equal(got, want) {
			t.Errorf("daily_forces after migration = %+v, ledger sums to %+v", got, want)
		}
	})
}
