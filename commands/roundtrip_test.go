package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/exchange"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestRoundTripChangesNothing builds varied guild histories from seeds — arrivals with women,
// landings, edits, deletes, departures, pledges superseded, flights delayed and cancelled, a
// mission — and moves each through its own exports into empty guilds: `export all` in one
// file, and the per-kind exports imported one after another. Both must give the same ledger,
// field by field: force levels per country, role and women, per-day totals, pledges, flights
// with their statuses and manifests, arrivals with their flights, departures. The same file
// imported twice stores its records once.
func TestRoundTripChangesNothing(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		for seed := uint64(1); seed <= 4; seed++ {
			src := fmt.Sprintf("src%d", seed)
			buildHistory(t, s, src, seed)
			want := ledger(t, s, src, true)

			all := export(t, s, src, "all")
			dst := fmt.Sprintf("all%d", seed)
			if _, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: dst, UserID: "import"}, strings.NewReader(all)); err != nil {
				t.Fatalf("seed %d: import all: %v", seed, err)
			}
			if got := ledger(t, s, dst, true); got != want {
				t.Errorf("seed %d: after export all and import:\n%s", seed, diffLines(want, got))
			}
			res, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: dst, UserID: "import"}, strings.NewReader(all))
			if err != nil {
				t.Fatalf("seed %d: import all again: %v", seed, err)
			}
			if res.Arrivals+res.Departures+res.Pledges+res.Flights+res.Reports != 0 || res.Skipped == 0 {
				t.Errorf("seed %d: the same file again stored %+v, want everything skipped", seed, res)
			}
			if got := ledger(t, s, dst, true); got != want {
				t.Errorf("seed %d: after importing the same file twice:\n%s", seed, diffLines(want, got))
			}

			kinds := fmt.Sprintf("kinds%d", seed)
			for _, kind := range []string{"flights", "pledges", "arrivals", "departures", "reports"} {
				if _, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: kinds, UserID: "import"},
					strings.NewReader(export(t, s, src, kind))); err != nil {
					t.Fatalf("seed %d: import %s: %v", seed, kind, err)
				}
			}
			if got, want := ledger(t, s, kinds, false), ledger(t, s, src, false); got != want {
				t.Errorf("seed %d: after the per-kind exports one after another:\n%s", seed, diffLines(want, got))
			}
		}
	})
}

// TestRoundTripOfTheReportedScenario is the scenario of a moved guild that came back with other
// numbers: a flight landed with GT 75 and SV 8, the Guatemalan arrival edited to 70, an arrival
// of JM 6 linked to the flight, KE 200 police and a departure of KE 20: 264 deployed in the
// guild, in one file and in the per-kind files alike.
func TestRoundTripOfTheReportedScenario(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := storage.Actor{GuildID: "src", UserID: "mod"}
		now := s.Now()
		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(-3 * time.Hour), Destination: "PAP", Manifest: []storage.ManifestLine{
			{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary}},
			{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: mission.RoleMedical}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, landed, err := s.LandFlight(ctx, a, f.ID, now.Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditArrival(ctx, a, landed[0].ID, func(x *storage.Arrival) error { x.Personnel = 70; return nil }); err != nil {
			t.Fatal(err)
		}
		fid := f.ID
		for _, in := range []storage.Arrival{
			{Country: "JM", Personnel: 6, Role: mission.RoleMilitary, ArrivedAt: now.Add(-2 * time.Hour), FlightID: &fid},
			{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: now.Add(-48 * time.Hour)},
		} {
			if _, err := s.LogArrival(ctx, a, in); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 20, Role: mission.RolePolice, DepartedAt: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		deployed := func(guild string) int64 {
			totals, err := s.ForceTotals(ctx, guild)
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, x := range totals {
				n += x.Deployed
			}
			return n
		}
		if got := deployed("src"); got != 264 {
			t.Fatalf("the scenario deploys %d, want 264", got)
		}
		if _, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: "one"}, strings.NewReader(export(t, s, "src", "all"))); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"flights", "arrivals", "departures"} {
			if _, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: "kinds"}, strings.NewReader(export(t, s, "src", kind))); err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
		}
		for _, guild := range []string{"one", "kinds"} {
			if got := deployed(guild); got != 264 {
				t.Errorf("guild %s deploys %d after the round trip, want 264", guild, got)
			}
			if got, want := ledger(t, s, guild, false), ledger(t, s, "src", false); got != want {
				t.Errorf("guild %s:\n%s", guild, diffLines(want, got))
			}
		}
	})
}

func export(t *testing.T, s *storage.Store, guild, kind string) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := exchange.ExportCSV(context.Background(), s, guild, kind, exchange.FormatLiaison, &buf); err != nil {
		t.Fatalf("export %s of %s: %v", kind, guild, err)
	}
	return buf.String()
}

// buildHistory gives guild a history drawn from seed, through the store's own operations;
// changes the rules refuse (a departure larger than the strength, an edit below what later
// departures need) are part of a real history and are left out as they would be.
func buildHistory(t *testing.T, s *storage.Store, guild string, seed uint64) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 17))
	a := storage.Actor{GuildID: guild, UserID: fmt.Sprintf("mod%d", seed)}
	now := s.Now()
	countries := []string{"KE", "JM", "GT", "SV", "BS"}
	roles := []mission.Role{mission.RolePolice, mission.RoleMilitary, mission.RoleMedical}
	past := func() time.Time { return now.Add(-time.Duration(1+rng.IntN(400*24)) * time.Hour).Truncate(time.Minute) }
	line := func() storage.ManifestLine {
		n := 1 + rng.IntN(120)
		return storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: countries[rng.IntN(len(countries))],
			Personnel: n, Female: rng.IntN(n/4 + 1), Role: roles[rng.IntN(len(roles))]}}
	}
	ok := func(err error) {
		t.Helper()
		if err != nil && mission.KindOf(err) == mission.EInternal {
			t.Fatal(err)
		}
	}
	end := now.AddDate(0, 9, 0)
	_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error {
		g.MissionName, g.MissionLead, g.Planned, g.MandateEnd, g.Host = "Mission "+guild, "KE", 2500, &end, "DO"
		g.Timezone, g.Language = "America/Port-au-Prince", "fr"
		return nil
	})
	ok(err)
	var arrivals []int64
	var flights []int64
	for range 60 {
		switch rng.IntN(10) {
		case 0, 1:
			n := 1 + rng.IntN(300)
			arr, err := s.LogArrival(ctx, a, storage.Arrival{Country: countries[rng.IntN(len(countries))], Personnel: n, Female: rng.IntN(n/3 + 1),
				Role: roles[rng.IntN(len(roles))], ArrivedAt: past(), Unit: fmt.Sprintf("unit %d", rng.IntN(9)), Source: "press, \"quoted\"",
				Note: "line one\nline two"})
			ok(err)
			if err == nil {
				arrivals = append(arrivals, arr.ID)
			}
		case 2:
			eta := now.Add(time.Duration(rng.IntN(20*24)-10*24) * time.Hour).Truncate(time.Minute)
			f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: eta, Aircraft: "C-130", Origin: "NBO", Destination: "PAP",
				Manifest: []storage.ManifestLine{line(), line()}, Source: "ops", Note: "=cmd|' /C calc'!A0"})
			ok(err)
			if err == nil {
				flights = append(flights, f.ID)
			}
		case 3:
			if len(flights) > 0 {
				id := flights[rng.IntN(len(flights))]
				_, landed, err := s.LandFlight(ctx, a, id, past())
				ok(err)
				for _, x := range landed {
					arrivals = append(arrivals, x.ID)
				}
			}
		case 4:
			if len(flights) > 0 {
				_, err := s.DelayFlight(ctx, a, flights[rng.IntN(len(flights))], now.Add(time.Duration(1+rng.IntN(72))*time.Hour).Truncate(time.Minute), "weather")
				ok(err)
			}
		case 5:
			if len(flights) > 0 && rng.IntN(2) == 0 {
				_, err := s.CancelFlight(ctx, a, flights[rng.IntN(len(flights))], "no aircraft")
				ok(err)
			}
		case 6:
			if len(arrivals) > 0 {
				id := arrivals[rng.IntN(len(arrivals))]
				if rng.IntN(3) == 0 {
					_, err := s.DeleteArrival(ctx, a, id)
					ok(err)
				} else {
					_, err := s.EditArrival(ctx, a, id, func(x *storage.Arrival) error {
						x.Personnel = 1 + rng.IntN(300)
						x.Female = min(x.Female, x.Personnel)
						return nil
					})
					ok(err)
				}
			}
		case 7:
			_, err := s.LogDeparture(ctx, a, storage.Departure{Country: countries[rng.IntN(len(countries))], Personnel: 1 + rng.IntN(40),
				Role: roles[rng.IntN(len(roles))], DepartedAt: now.Add(-time.Duration(rng.IntN(24)) * time.Hour), Reason: mission.ReasonRotation})
			ok(err)
		case 8:
			var n *int
			if rng.IntN(2) == 0 {
				v := 1 + rng.IntN(1000)
				n = &v
			}
			_, err := s.SetPledge(ctx, a, storage.Pledge{Country: countries[rng.IntN(len(countries))], Personnel: n,
				Role: roles[rng.IntN(len(roles))], AsOf: past(), Source: "statement"})
			ok(err)
		case 9:
			r := storage.Report{Value: rng.IntN(3000), Source: "spokesperson", AsOf: past(), Note: "as reported",
				Figure: mission.Figures()[rng.IntN(3)], Qualifier: mission.Qualifiers()[rng.IntN(4)]}
			if rng.IntN(2) == 0 {
				r.Country, r.Role = countries[rng.IntN(len(countries))], roles[rng.IntN(len(roles))]
			}
			_, err := s.LogReport(ctx, a, r)
			ok(err)
		}
	}
}

// ledger describes everything a guild's figures and records say, one fact per line, without
// IDs (an import gives new ones) or who logged what: two guilds with the same ledger show the
// same thing on every screen. withMission adds the mission's settings.
func ledger(t *testing.T, s *storage.Store, guild string, withMission bool) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	ts := func(x time.Time) string { return x.UTC().Format(time.RFC3339) }
	if withMission {
		g, err := s.Guild(ctx, guild)
		if err != nil {
			t.Fatal(err)
		}
		mandate := ""
		if g.MandateEnd != nil {
			mandate = ts(*g.MandateEnd)
		}
		add("mission %q %s %d %s %s %s %s host %s", g.MissionName, g.MissionLead, g.Planned, mandate, g.Timezone, g.Airport, g.Language, g.Host)
	}
	totals, err := s.ForceTotals(ctx, guild)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range totals {
		if x.Deployed != 0 || x.Women != 0 {
			add("total %s %s %d women %d", x.Country, x.Role, x.Deployed, x.Women)
		}
	}
	days, err := s.ForceHistory(ctx, guild, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		add("day %d %s %+d", d.Day, d.Country, d.Delta)
	}
	pledges, err := s.CurrentPledges(ctx, guild)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pledges {
		n := "unknown"
		if p.Personnel != nil {
			n = fmt.Sprint(*p.Personnel)
		}
		add("pledge in force %s %s %s %s", p.Country, p.Role, n, ts(p.AsOf))
	}
	var lines []string
	flightKey := map[int64]string{}
	if err := s.EachFlight(ctx, guild, func(f storage.Flight) error {
		m := make([]string, len(f.Manifest))
		for i, l := range f.Manifest {
			m[i] = l.ManifestLine.String()
		}
		landed := ""
		if f.LandedAt != nil {
			landed = ts(*f.LandedAt)
		}
		key := fmt.Sprintf("%s %s %s", ts(f.ETA), f.Status, strings.Join(m, "; "))
		flightKey[f.ID] = key
		lines = append(lines, fmt.Sprintf("flight %s landed %s %s %s %s %q %q %q", key, landed, f.Aircraft, f.Origin, f.Destination, f.Source, f.Note, f.Reason))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachArrival(ctx, guild, func(x storage.Arrival) error {
		flight := "-"
		if x.FlightID != nil {
			flight = flightKey[*x.FlightID]
		}
		lines = append(lines, fmt.Sprintf("arrival %s %s %d women %d %s %q %q %q flight %s", ts(x.ArrivedAt), x.Country, x.Personnel, x.Female, x.Role,
			x.Unit, x.Source, x.Note, flight))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachDeparture(ctx, guild, func(x storage.Departure) error {
		lines = append(lines, fmt.Sprintf("departure %s %s %d women %d %s %s %q %q", ts(x.DepartedAt), x.Country, x.Personnel, x.Female, x.Role,
			x.Reason, x.Source, x.Note))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachPledge(ctx, guild, func(p storage.Pledge) error {
		n := "unknown"
		if p.Personnel != nil {
			n = fmt.Sprint(*p.Personnel)
		}
		lines = append(lines, fmt.Sprintf("pledge %s %s %s %s %q", p.Country, p.Role, n, ts(p.AsOf), p.Source))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachReport(ctx, guild, func(r storage.Report) error {
		lines = append(lines, fmt.Sprintf("report %s %s %d %s %q %q %q %q", ts(r.AsOf), r.Figure, r.Value, r.Qualifier, r.Country, r.Role, r.Source, r.Note))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(append(out, lines...), "\n")
}

// diffLines lists the lines only one of want and got has.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(the same lines in another order or number)"
	}
	return b.String()
}
