package chart

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// spanHistory changes every day from 1 January of mission.EarliestYear to now in ten
// countries, pledges every week, and adds one arrival of 10 Kenyans on 1 January of oldest:
// more changes than the picture has columns, over a span as long as oldest makes it.
func spanHistory(oldest int, now time.Time) ([]storage.ForceChange, []storage.Pledge) {
	rng := rand.New(rand.NewPCG(17, 8))
	countries := []string{"KE", "JM", "BJ", "TD", "GT", "SV", "BS", "BZ", "BB", "BF"}
	first := storage.DayOf(time.Date(mission.EarliestYear, 1, 1, 0, 0, 0, 0, time.UTC))
	hist := []storage.ForceChange{{Day: storage.DayOf(time.Date(oldest, 1, 1, 0, 0, 0, 0, time.UTC)), Country: "KE", Delta: 10}}
	var pledges []storage.Pledge
	for d := first; d <= storage.DayOf(now); d++ {
		for i, c := range countries {
			// Up more often than down, so that every layer stays above zero and shows.
			hist = append(hist, storage.ForceChange{Day: d, Country: c, Role: mission.Roles()[i%3], Delta: rng.Int64N(20) - 8})
		}
		if d%7 == 0 {
			n := 100 + rng.IntN(900)
			pledges = append(pledges, storage.Pledge{ID: int64(len(pledges) + 1), Country: countries[rng.IntN(len(countries))],
				Role: mission.Roles()[rng.IntN(3)], Personnel: &n, AsOf: storage.DayStart(d)})
		}
	}
	return hist, pledges
}

// TestLinesBoundedByWidth: however long a history and however often it changes, every line of
// its chart (each layer, each sum of the stack, the pledged total) has at most one step per
// column of the picture, so the polygons gonum/plot fills have at most two points per column.
// Before, a chart built one value per day since the oldest record: an arrival dated year 1
// cost seconds and gigabytes.
func TestLinesBoundedByWidth(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	g := storage.Guild{ID: "g", Planned: 2500}
	for _, oldest := range []int{mission.EarliestYear, 1} {
		hist, pledges := spanHistory(oldest, now)
		for _, country := range []string{"", "KE"} {
			hist := hist
			if country != "" { // what ForceHistory gives for one country
				hist = slices.DeleteFunc(slices.Clone(hist), func(h storage.ForceChange) bool { return h.Country != country })
			}
			s := Build(Input{Lang: render.English, Guild: g, Country: country, History: hist, Pledges: pledges, Now: now})
			bounded := func(name string, st Steps) {
				t.Helper()
				if len(st) > Width {
					t.Errorf("oldest %d, country %q: %s has %d steps, want at most %d, one per column", oldest, country, name, len(st), Width)
				}
				for i := 1; i < len(st); i++ {
					if s.column(st[i].Day) <= s.column(st[i-1].Day) {
						t.Errorf("oldest %d, country %q: %s steps on days %d and %d share column %d", oldest, country, name,
							st[i-1].Day, st[i].Day, s.column(st[i].Day))
						break
					}
				}
				if ring := LayoutOf(s).stepPoints(st, s.Start, 0); len(ring) > 2*Width+4 {
					t.Errorf("oldest %d, country %q: %s's polygon has %d points, want at most %d", oldest, country, name, len(ring), 2*Width+4)
				}
			}
			if len(s.Layers) == 0 || len(s.Pledged) == 0 {
				t.Fatalf("oldest %d, country %q: %d layers and %d pledged steps, want some of each", oldest, country, len(s.Layers), len(s.Pledged))
			}
			for i, l := range s.Layers {
				bounded(l.Name, l.Steps)
				bounded("the stack up to "+l.Name, s.stack()[i])
			}
			bounded("the pledged total", s.Pledged)
		}
	}
}

// TestCostIndependentOfSpan: building and drawing the chart of a history that changes every
// day in ten countries for 35 years allocates under 20 MB, and no more when its oldest arrival
// is in year 1 than in 1990: the cost follows the picture's width, not the days between the
// first change and today. Not parallel: it reads the process's allocation counter.
func TestCostIndependentOfSpan(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	g := storage.Guild{ID: "g", Planned: 2500}
	cost := func(oldest int) uint64 {
		hist, pledges := spanHistory(oldest, now)
		if _, err := Draw(Build(Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})); err != nil { // fonts and caches filled once
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Draw(Build(Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	recent, ancient := cost(mission.EarliestYear), cost(1)
	t.Logf("from %d: %.1f MB; from year 1: %.1f MB", mission.EarliestYear, float64(recent)/(1<<20), float64(ancient)/(1<<20))
	if ancient > recent+recent/4 {
		t.Errorf("a chart from year 1 allocates %.1f MB, from %d %.1f MB: the cost grows with the span", float64(ancient)/(1<<20),
			mission.EarliestYear, float64(recent)/(1<<20))
	}
	for year, n := range map[int]uint64{mission.EarliestYear: recent, 1: ancient} {
		if n > 20<<20 {
			t.Errorf("a chart from year %d allocates %.1f MB, want under 20 MB", year, float64(n)/(1<<20))
		}
	}
}

// BenchmarkBuildDraw builds and draws the chart of 35 years of daily changes in ten
// countries, without a database: the drawing's own cost.
//
//	go test ./chart/ -run '^$' -bench BuildDraw -benchmem
func BenchmarkBuildDraw(b *testing.B) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	hist, pledges := spanHistory(mission.EarliestYear, now)
	in := Input{Lang: render.English, Guild: storage.Guild{ID: "g", Planned: 2500}, History: hist, Pledges: pledges, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Draw(Build(in)); err != nil {
			b.Fatal(err)
		}
	}
}
