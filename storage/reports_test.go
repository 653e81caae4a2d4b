package storage_test

import (
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestReportsBesideTheLedger: each reported figure is compared with the ledger of its own day,
// for the mission, a country or a role, deployed or pledged, read with its qualifier; and a
// reported figure moves no force level.
func TestReportsBesideTheLedger(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		a := actorIn("R")
		hpt := time.FixedZone("EST", -5*3600)
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, hpt) }
		for _, in := range []storage.Arrival{
			{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: day(2024, 6, 25)},
			{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: day(2024, 7, 16)},
			{Country: "GT", Personnel: 75, Role: mission.RoleMilitary, ArrivedAt: day(2025, 1, 3)},
			{Country: "SV", Personnel: 8, Role: mission.RoleMedical, ArrivedAt: day(2025, 1, 3)},
		} {
			if _, err := s.LogArrival(ctx, a, in); err != nil {
				t.Fatal(err)
			}
		}
		n := 200
		if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Personnel: &n, Role: mission.RoleMilitary, AsOf: day(2025, 1, 2)}); err != nil {
			t.Fatal(err)
		}
		before, _ := s.ForceTotals(ctx, "R")
		for _, tc := range []struct {
			r      storage.Report
			ledger int64
			agrees bool
		}{
			{storage.Report{Value: 400, AsOf: day(2025, 1, 3)}, 483, false},
			{storage.Report{Value: 450, Qualifier: mission.QualifierAbout, AsOf: day(2025, 1, 3)}, 483, true},
			{storage.Report{Value: 500, Qualifier: mission.QualifierAtLeast, AsOf: day(2025, 1, 3)}, 483, false},
			{storage.Report{Value: 500, Qualifier: mission.QualifierAtMost, AsOf: day(2025, 1, 3)}, 483, true},
			{storage.Report{Value: 200, Country: "KE", AsOf: day(2024, 7, 1)}, 200, true},
			{storage.Report{Value: 400, Role: mission.RolePolice, AsOf: day(2025, 1, 3)}, 400, true},
			{storage.Report{Value: 10, AsOf: day(2024, 1, 1)}, 0, false},
			{storage.Report{Value: 200, Figure: mission.FigurePledged, Country: "JM", AsOf: day(2025, 1, 1)}, 0, false},
			{storage.Report{Value: 200, Figure: mission.FigurePledged, Country: "JM", AsOf: day(2025, 1, 3)}, 200, true},
		} {
			tc.r.Source = "press"
			r, err := s.LogReport(ctx, a, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			l, err := s.Ledger(ctx, "R")
			if err != nil {
				t.Fatal(err)
			}
			if v := l.View(r); v.Ledger != tc.ledger || v.Agrees != tc.agrees {
				t.Errorf("%s %d %s as of %s (%q %q): ledger %d agrees %v, want %d %v", v.Figure, v.Value, v.Qualifier,
					v.AsOf.Format(time.DateOnly), v.Country, v.Role, v.Ledger, v.Agrees, tc.ledger, tc.agrees)
			}
		}
		if after, _ := s.ForceTotals(ctx, "R"); len(after) != len(before) {
			t.Errorf("reported figures moved the ledger: %+v, was %+v", after, before)
		}
		latest, err := s.LatestReports(ctx, "R", "", storage.LatestReportsShown)
		if err != nil || len(latest) != 3 || latest[0].AsOf.Before(latest[1].AsOf) || latest[1].AsOf.Before(latest[2].AsOf) {
			t.Errorf("LatestReports = %+v, %v; want three, newest first", latest, err)
		}
		all, err := s.ReportsByDisagreement(ctx, "R", "")
		if err != nil || len(all) != 9 {
			t.Fatalf("ReportsByDisagreement = %d, %v", len(all), err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Gap() > all[i-1].Gap() {
				t.Errorf("report %d (gap %d) after one with gap %d", all[i].ID, all[i].Gap(), all[i-1].Gap())
			}
		}
		if all[0].Gap() != 200 || all[len(all)-1].Gap() != 0 {
			t.Errorf("largest gap first = %d, last = %d; want 200 and 0", all[0].Gap(), all[len(all)-1].Gap())
		}
		ke, _ := s.ReportsByDisagreement(ctx, "R", "KE")
		if len(ke) != 1 || ke[0].Country != "KE" {
			t.Errorf("Kenya's reports = %+v", ke)
		}
		// The rules hold for a reported figure too: no source, a negative value, the future.
		for _, bad := range []storage.Report{
			{Value: 400, AsOf: day(2025, 1, 3)},
			{Value: -1, Source: "x", AsOf: day(2025, 1, 3)},
			{Value: 4, Source: "x", AsOf: s.Now().Add(24 * time.Hour)},
			{Value: 4, Source: "x", Qualifier: "roughly", AsOf: day(2025, 1, 3)},
		} {
			if _, err := s.LogReport(ctx, a, bad); err == nil || mission.KindOf(err) != mission.EInvalid {
				t.Errorf("LogReport(%+v) = %v, want a refusal", bad, err)
			}
		}
	})
}
