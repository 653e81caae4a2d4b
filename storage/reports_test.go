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
		all, total, err := s.ReportsPage(ctx, "R", "", 0, 100)
		if err != nil || len(all) != 9 || total != 9 {
			t.Fatalf("ReportsPage = %d of %d, %v", len(all), total, err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Gap() > all[i-1].Gap() {
				t.Errorf("report %d (gap %d) after one with gap %d", all[i].ID, all[i].Gap(), all[i-1].Gap())
			}
		}
		if all[0].Gap() != 200 || all[len(all)-1].Gap() != 0 {
			t.Errorf("largest gap first = %d, last = %d; want 200 and 0", all[0].Gap(), all[len(all)-1].Gap())
		}
		ke, kn, _ := s.ReportsPage(ctx, "R", "KE", 0, 10)
		if len(ke) != 1 || kn != 1 || ke[0].Country != "KE" {
			t.Errorf("Kenya's reports = %+v (%d)", ke, kn)
		}
		// A page is a window of the same order.
		page2, _, _ := s.ReportsPage(ctx, "R", "", 3, 3)
		if len(page2) != 3 || page2[0].ID != all[3].ID || page2[2].ID != all[5].ID {
			t.Errorf("page of 3 from offset 3 = %+v, want #%d…#%d", page2, all[3].ID, all[5].ID)
		}
		// The kept comparison follows the ledger, one write at a time: an arrival dated before a
		// figure's day, a pledge, a new planned strength.
		checkKept := func(step string) {
			t.Helper()
			fresh, err := s.Ledger(ctx, "R")
			if err != nil {
				t.Fatal(err)
			}
			kept, _, err := s.ReportsPage(ctx, "R", "", 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range kept {
				if want := fresh.View(v.Report); v.Ledger != want.Ledger || v.Agrees != want.Agrees || v.StoredGap != want.Gap() {
					t.Errorf("after %s: #%d kept ledger %d (gap %d), the ledger now says %d (gap %d)", step, v.ID, v.Ledger, v.StoredGap, want.Ledger, want.Gap())
				}
			}
		}
		if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "JM", Personnel: 17, Role: mission.RoleMilitary, ArrivedAt: day(2024, 12, 1)}); err != nil {
			t.Fatal(err)
		}
		checkKept("a back-dated arrival")
		m := 250
		if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Personnel: &m, Role: mission.RoleMilitary, AsOf: day(2025, 1, 2)}); err != nil {
			t.Fatal(err)
		}
		checkKept("a pledge")
		planned, err := s.LogReport(ctx, a, storage.Report{Value: 2500, Figure: mission.FigurePlanned, Source: "UN", AsOf: day(2025, 1, 3)})
		if err != nil {
			t.Fatal(err)
		}
		checkKept("a planned figure")
		if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Planned = 2600; return nil }); err != nil {
			t.Fatal(err)
		}
		checkKept("a new planned strength")
		// The kept counts follow creates, moves between countries and deletes.
		if _, err := s.EditReport(ctx, a, planned.ID, func(r *storage.Report) error { r.Country = "KE"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteReport(ctx, a, all[0].ID); err != nil {
			t.Fatal(err)
		}
		for country, want := range map[string]int{"": 9, "KE": 2, "JM": 1} { // the largest gap was JM's pledge, deleted
			page, n, err := s.ReportsPage(ctx, "R", country, 0, 100)
			if err != nil || n != int64(want) || len(page) != want {
				t.Errorf("ReportsPage(%q) = %d shown of %d, %v; want %d", country, len(page), n, err, want)
			}
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

// TestLedgerPlannedAsOf: a planned figure is compared with the planned strength of its own day,
// from the settings audit; before the first one set, with that first one.
func TestLedgerPlannedAsOf(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		a := actorIn("P")
		start := s.Now()
		clock := s.Now
		at := start
		s.Now = func() time.Time { return at }
		defer func() { s.Now = clock }()
		for _, step := range []struct {
			after   time.Duration
			planned int
		}{{0, 2500}, {10 * 24 * time.Hour, 3000}} {
			at = start.Add(step.after)
			if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Planned = step.planned; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		l, err := s.Ledger(ctx, "P")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at   time.Time
			want int64
		}{
			{start.AddDate(0, -6, 0), 2500}, // before anything was typed: the first plan
			{start, 2500},
			{start.Add(5 * 24 * time.Hour), 2500},
			{start.Add(10 * 24 * time.Hour), 3000},
			{start.AddDate(1, 0, 0), 3000},
		} {
			if got := l.Planned(tc.at); got != tc.want {
				t.Errorf("Planned(%s) = %d, want %d", tc.at.Format(time.DateOnly), got, tc.want)
			}
		}
	})
}
