package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// womenAt returns the running women's count and personnel of one (country, role), and the sum
// of the day rows' women, which must agree with the running total.
func womenAt(t *testing.T, s *storage.Store, guild, country string, role mission.Role) (women, deployed, daily int64) {
	t.Helper()
	totals, err := s.ForceTotals(context.Background(), guild)
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range totals {
		if ft.Country == country && ft.Role == role {
			women, deployed = ft.Women, ft.Deployed
		}
	}
	if err := s.DB().Raw(`SELECT COALESCE(SUM(women), 0) FROM daily_forces WHERE guild_id = ? AND country = ? AND role = ?`,
		guild, country, role).Scan(&daily).Error; err != nil {
		t.Fatal(err)
	}
	return women, deployed, daily
}

// TestWomenCounted: arrivals, edits, deletes, departures and landings move the women's count
// beside the personnel, in the running total and in the day rows alike; every change that would
// leave more women than personnel, or fewer than none, is refused and stores nothing.
func TestWomenCounted(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("A")
		arrival := forcesArrival("GT", 75, "military")
		arrival.Female = 12
		arr, err := s.LogArrival(ctx, a, arrival)
		if err != nil {
			t.Fatal(err)
		}
		check := func(step string, wantWomen, wantDeployed int64) {
			t.Helper()
			w, d, daily := womenAt(t, s, "A", "GT", "military")
			if w != wantWomen || d != wantDeployed || daily != wantWomen {
				t.Errorf("%s: women %d (day rows %d) of %d, want %d of %d", step, w, daily, d, wantWomen, wantDeployed)
			}
		}
		check("arrival of 75 with 12 women", 12, 75)

		dep := forcesDeparture("GT", 10, "military")
		dep.Female = 2
		if _, err := s.LogDeparture(ctx, a, dep); err != nil {
			t.Fatalf("departure of 10 with 2 women: %v", err)
		}
		check("departure of 10 with 2 women", 10, 65)

		refused := func(name string, err error, kind error, want string) {
			t.Helper()
			if !errors.Is(err, kind) || !strings.Contains(locale.Error(locale.English, err), want) {
				t.Errorf("%s: error %v, want %v mentioning %q", name, err, kind, want)
			}
		}
		before := dbSnapshot(t, s)
		dep = forcesDeparture("GT", 20, "military")
		dep.Female = 11
		_, err = s.LogDeparture(ctx, a, dep)
		refused("departure of 11 women of 10", err, mission.ErrConflict, "−1 women")
		dep = forcesDeparture("GT", 60, "military")
		_, err = s.LogDeparture(ctx, a, dep)
		refused("departure of 60 men leaving 10 women among 5", err, mission.ErrConflict, "10 women among 5")
		dep = forcesDeparture("GT", 5, "military")
		dep.Female = 6
		_, err = s.LogDeparture(ctx, a, dep)
		refused("departure of 6 women among 5", err, mission.ErrInvalid, "6 women is more than the 5 personnel")
		_, err = s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Personnel = 11; return nil })
		refused("edit of personnel below the women", err, mission.ErrInvalid, "12 women is more than the 11 personnel")
		_, err = s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Female = 1; return nil })
		refused("edit of women below what departed", err, mission.ErrConflict, "−1 women")
		_, err = s.DeleteArrival(ctx, a, arr.ID)
		refused("delete of the arrival departures depend on", err, mission.ErrConflict, "would leave −10")
		tooMany := forcesArrival("SV", 8, "medical")
		tooMany.Female = 9
		_, err = s.LogArrival(ctx, a, tooMany)
		refused("arrival of 9 women among 8", err, mission.ErrInvalid, "9 women is more than the 8 personnel")
		_, err = s.ScheduleFlight(ctx, a, storage.Flight{ETA: storagetest.Start.Add(time.Hour), Manifest: []storage.ManifestLine{
			{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: "medical", Female: 9}}}})
		refused("manifest line of 9 women among 8", err, mission.ErrInvalid, "9 women is more than the 8 personnel")
		if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
			t.Errorf("refused changes stored something: %v", diff)
		}
		// The database itself keeps women within the personnel, whatever writes the row.
		for _, table := range []string{"arrivals", "departures"} {
			if err := s.DB().Exec(`UPDATE ` + table + ` SET female = personnel + 1`).Error; err == nil {
				t.Errorf("%s: the database took more women than personnel", table)
			}
		}

		// An edit of the women alone moves the women alone.
		if _, err := s.EditArrival(ctx, a, arr.ID, func(x *storage.Arrival) error { x.Female = 20; return nil }); err != nil {
			t.Fatalf("edit to 20 women: %v", err)
		}
		check("edit to 20 women", 18, 65)

		// A landing turns the manifest lines' women into arrivals.
		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: storagetest.Start.Add(time.Hour), Manifest: []storage.ManifestLine{
			{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 5, Role: "military", Female: 4}},
			{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: "medical", Female: 3}}}})
		if err != nil {
			t.Fatal(err)
		}
		if f, err = s.AddManifestLine(ctx, a, f.ID, mission.ManifestLine{Country: "KE", Personnel: 200, Role: "police", Female: 40}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Flight(ctx, "A", f.ID); err != nil || len(got.Manifest) != 3 || got.Manifest[2].Female != 40 {
			t.Fatalf("Flight(%d) = %+v, %v; want its third line with 40 women", f.ID, got.Manifest, err)
		}
		_, landed, err := s.LandFlight(ctx, a, f.ID, storagetest.Start.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(landed) != 3 || landed[0].Female != 4 || landed[1].Female != 3 || landed[2].Female != 40 {
			t.Errorf("landing logged %+v, want arrivals with 4, 3 and 40 women", landed)
		}
		check("landing of GT 5 4f", 22, 70)
		if w, d, _ := womenAt(t, s, "A", "KE", "police"); w != 40 || d != 200 {
			t.Errorf("KE police after landing: %d women of %d, want 40 of 200", w, d)
		}
		levels, _, err := s.ForceLevels(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		women := map[string]int64{}
		for _, l := range levels {
			women[l.Country] = l.Women
		}
		if women["GT"] != 22 || women["SV"] != 3 || women["KE"] != 40 {
			t.Errorf("ForceLevels women = %v, want GT 22, SV 3, KE 40", women)
		}
	})
}

// TestPoliceTypes: a contributor's police are formed units until marked individual; marking
// them formed again removes the mark; each change is audited, and guilds do not see each
// other's marks.
func TestPoliceTypes(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		got := func(guild string) map[string]mission.PersonnelType {
			t.Helper()
			m, err := s.PoliceTypes(ctx, guild)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if m := got("A"); len(m) != 0 {
			t.Errorf("PoliceTypes before any mark = %v, want none", m)
		}
		if _, err := s.SetPoliceType(ctx, actorIn("A"), "KE", mission.TypeIndividualPolice); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPoliceType(ctx, actorIn("A"), "KE", mission.TypeIndividualPolice); err != nil {
			t.Fatalf("marking again: %v", err)
		}
		if m := got("A"); len(m) != 1 || m["KE"] != mission.TypeIndividualPolice {
			t.Errorf("PoliceTypes = %v, want KE individual_police", m)
		}
		if m := got("B"); len(m) != 0 {
			t.Errorf("guild B sees %v", m)
		}
		if _, err := s.SetPoliceType(ctx, actorIn("A"), "KE", mission.TypeFormedPolice); err != nil {
			t.Fatal(err)
		}
		if m := got("A"); len(m) != 0 {
			t.Errorf("PoliceTypes after marking formed = %v, want none", m)
		}
		for _, bad := range []struct {
			country string
			typ     mission.PersonnelType
		}{{"KE", mission.TypeTroops}, {"XX", mission.TypeIndividualPolice}} {
			if _, err := s.SetPoliceType(ctx, actorIn("A"), bad.country, bad.typ); !errors.Is(err, mission.ErrInvalid) {
				t.Errorf("SetPoliceType(%s, %s) error %v, want invalid", bad.country, bad.typ, err)
			}
		}
		audit, err := s.FindAudit(ctx, "A", storage.AuditFilter{Kind: mission.KindSettings})
		if err != nil || len(audit) != 3 {
			t.Errorf("settings audit has %d entries (%v), want 3", len(audit), err)
		}
	})
}
