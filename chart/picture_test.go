package chart_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"liaison/chart"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

var pictures = flag.String("pictures", "", "write the chart of every scenario, in every language, as PNGs into this directory, to look at")

// scenario is a history a chart must draw well: the spans and sizes the issue names.
type scenario struct {
	name string
	in   chart.Input
}

// scenarios are the pictures looked at: the known history, one day, two years, 35 years, one
// country, 60 countries, a mandate ending in 2200, flights scheduled.
func scenarios() []scenario {
	g, hist, pledges, now := knownHistory()
	var out []scenario
	add := func(name string, in chart.Input) { out = append(out, scenario{name, in}) }
	add("known", chart.Input{Guild: g, History: hist, Pledges: pledges, Now: now})

	one := now
	add("one-day", chart.Input{Guild: storage.Guild{ID: "g", MissionName: "MSS Haiti", Planned: 2500}, Now: one,
		History: []storage.ForceChange{{Day: storage.DayOf(one), Country: "KE", Delta: 323}, {Day: storage.DayOf(one), Country: "GT", Delta: 75}}})

	two := func(n int, from time.Time) []storage.ForceChange {
		var h []storage.ForceChange
		codes := []string{"KE", "JM", "BJ", "TD", "GT", "SV", "BS", "BZ", "BB", "BF", "SN", "NE", "ML", "GH", "NG", "CM", "RW", "UG", "TZ", "ZA",
			"FR", "ES", "IT", "DE", "PT", "BR", "AR", "CL", "PE", "CO", "MX", "US", "CA", "GB", "IE", "NL", "BE", "SE", "NO", "FI",
			"DK", "PL", "CZ", "AT", "CH", "IN", "PK", "BD", "NP", "LK", "ID", "MY", "PH", "TH", "VN", "JP", "KR", "AU", "NZ", "FJ"}
		d0 := storage.DayOf(from)
		span := storage.DayOf(now) - d0
		for i := range n {
			c := codes[i%len(codes)]
			h = append(h, storage.ForceChange{Day: d0 + int64(i)*span/int64(n), Country: c, Delta: int64(20 + (i*37)%300)})
		}
		return h
	}
	add("two-years", chart.Input{Guild: g, History: two(40, now.AddDate(-2, 0, 0)), Pledges: pledges, Now: now})
	add("35-years", chart.Input{Guild: storage.Guild{ID: "g", MissionName: "MINUSTAH", Planned: 12000}, History: two(300, time.Date(mission.EarliestYear, 1, 1, 0, 0, 0, 0, time.UTC)), Now: now})
	add("60-countries", chart.Input{Guild: g, History: two(180, now.AddDate(-1, 0, 0)), Pledges: pledges, Now: now})
	add("one-country", chart.Input{Guild: g, Country: "KE", History: []storage.ForceChange{
		{Day: day(2024, 6, 25), Country: "KE", Role: "police", Delta: 200},
		{Day: day(2024, 7, 16), Country: "KE", Role: "police", Delta: 200},
		{Day: day(2025, 2, 14), Country: "KE", Role: "medical", Delta: 17},
		{Day: day(2025, 6, 30), Country: "KE", Role: "staff", Delta: 12},
	}, Pledges: pledges, Now: now})
	far := time.Date(2200, 10, 2, 0, 0, 0, 0, time.UTC)
	g2200 := g
	g2200.MandateEnd = &far
	add("mandate-2200", chart.Input{Guild: g2200, History: hist, Pledges: pledges, Now: now})
	add("scheduled", chart.Input{Guild: g, History: hist, Pledges: pledges, Now: now, Flights: []storage.Flight{
		{ID: 1, Status: mission.FlightScheduled, ETA: now.Add(50 * time.Hour), Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "BJ", Personnel: 150}}}},
		{ID: 2, Status: mission.FlightScheduled, ETA: now.Add(9 * 24 * time.Hour), Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "TD", Personnel: 120}}}},
	}, Options: chart.Options{Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Marks: []chart.Mark{{At: time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC), Value: 700, Label: "UN report: 700"}}}})
	return out
}

// TestPictures draws every scenario in every language; with -pictures DIR it writes them
// there, to be looked at.
func TestPictures(t *testing.T) {
	for _, sc := range scenarios() {
		for _, lang := range []render.Lang{render.English, "fr", "es"} {
			in := sc.in
			in.Lang = lang
			s := chart.Build(in)
			img, err := chart.Draw(s)
			if err != nil {
				t.Fatalf("%s %s: %v", sc.name, lang, err)
			}
			decode(t, img)
			if *pictures != "" {
				name := filepath.Join(*pictures, fmt.Sprintf("%s-%s.png", sc.name, lang))
				if err := os.WriteFile(name, img, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %s", name, chart.Describe(lang, s))
			}
		}
	}
}
