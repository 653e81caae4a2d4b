package chart_test

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/chart"
	"liaison/render"
	"liaison/storage"
)

var update = flag.Bool("update", false, "rewrite the golden images under testdata")

// day is the storage day number of a date.
func day(y int, m time.Month, d int) int64 {
	return storage.DayOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

func intp(n int) *int { return &n }

func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// knownHistory is the demo timeline of SPEC §1 with more contributors and a departure, enough
// to fill the seven named layers and the others.
func knownHistory() (storage.Guild, []storage.ForceChange, []storage.Pledge, time.Time) {
	end := at(2025, 10, 2)
	g := storage.Guild{ID: "g", MissionName: "MSS Haiti", Planned: 2500, MandateEnd: &end}
	hist := []storage.ForceChange{
		{Day: day(2024, 6, 25), Country: "KE", Delta: 200},
		{Day: day(2024, 7, 16), Country: "KE", Delta: 200},
		{Day: day(2024, 9, 10), Country: "JM", Delta: 24},
		{Day: day(2024, 9, 10), Country: "BZ", Delta: 2},
		{Day: day(2024, 10, 1), Country: "BS", Delta: 16},
		{Day: day(2024, 11, 20), Country: "JM", Delta: -4},
		{Day: day(2025, 1, 3), Country: "GT", Delta: 75},
		{Day: day(2025, 1, 3), Country: "SV", Delta: 8},
		{Day: day(2025, 2, 14), Country: "KE", Delta: 217},
		{Day: day(2025, 3, 1), Country: "BJ", Delta: 40},
		{Day: day(2025, 3, 20), Country: "TD", Delta: 30},
		{Day: day(2025, 4, 2), Country: "BB", Delta: 5},
	}
	pledges := []storage.Pledge{
		{ID: 1, Country: "KE", Role: "police", Personnel: intp(1000), AsOf: at(2024, 6, 1)},
		{ID: 2, Country: "JM", Role: "military", Personnel: intp(200), AsOf: at(2024, 8, 1)},
		{ID: 3, Country: "BJ", Role: "military", Personnel: intp(1500), AsOf: at(2024, 12, 1)},
		{ID: 4, Country: "KE", Role: "police", Personnel: intp(600), AsOf: at(2025, 2, 1)},
		{ID: 5, Country: "TD", Role: "military", AsOf: at(2025, 3, 1)},
		{ID: 6, Country: "JM", Role: "military", AsOf: at(2025, 5, 1)}, // size no longer reported
	}
	return g, hist, pledges, time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC)
}

func TestBuildSeries(t *testing.T) {
	g, hist, pledges, now := knownHistory()
	s := chart.Build(chart.Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})
	var names []string
	for _, l := range s.Layers {
		names = append(names, l.Name)
	}
	want := []string{"Kenya", "Guatemala", "Benin", "Chad", "Jamaica", "Bahamas", "El Salvador", "Others"}
	if !slices.Equal(names, want) {
		t.Errorf("layers = %q, want %q (largest seven today, then the others)", names, want)
	}
	if s.Start != day(2024, 6, 1) {
		t.Errorf("Start = %v, want the first pledge's day", storage.DayStart(s.Start))
	}
	value := func(l int, y int, m time.Month, d int) int64 { return s.Layers[l].Steps.At(day(y, m, d)) }
	for _, c := range []struct {
		layer   int
		y       int
		m       time.Month
		d, want int
	}{
		{0, 2024, 6, 24, 0}, {0, 2024, 6, 25, 200}, {0, 2024, 7, 16, 400}, {0, 2025, 6, 30, 617},
		{4, 2024, 11, 19, 24}, {4, 2024, 11, 20, 20}, {7, 2025, 6, 30, 7},
	} {
		if got := value(c.layer, c.y, c.m, c.d); got != int64(c.want) {
			t.Errorf("%s on %d-%02d-%02d = %d, want %d", s.Layers[c.layer].Name, c.y, c.m, c.d, got, c.want)
		}
	}
	pledged := func(y int, m time.Month, d int) int64 { return s.Pledged.At(day(y, m, d)) }
	for _, c := range []struct {
		y    int
		m    time.Month
		d    int
		want int64
	}{{2024, 6, 1, 1000}, {2024, 8, 1, 1200}, {2024, 12, 1, 2700}, {2025, 2, 1, 2300}, {2025, 5, 1, 2100}} {
		if got := pledged(c.y, c.m, c.d); got != c.want {
			t.Errorf("pledged on %d-%02d-%02d = %d, want %d", c.y, c.m, c.d, got, c.want)
		}
	}
	desc := chart.Describe(render.English, s)
	for _, part := range []string{"813 deployed of 2,500 planned", "2,100 pledged", "Kenya 617", "813 more than on 31 May 2024", "+2 pledges of unknown size"} {
		if !strings.Contains(desc, part) {
			t.Errorf("description %q lacks %q", desc, part)
		}
	}

	one := chart.Build(chart.Input{Lang: render.English, Guild: g, Country: "KE", History: []storage.ForceChange{
		{Day: day(2024, 6, 25), Country: "KE", Role: "police", Delta: 200},
		{Day: day(2025, 2, 14), Country: "KE", Role: "medical", Delta: 17},
	}, Pledges: pledges, Now: now})
	if len(one.Layers) != 2 || one.Layers[0].Name != "police" || one.Layers[1].Name != "medical" || one.Planned != nil {
		t.Errorf("Kenya's layers = %+v, planned %d; want police then medical, no planned line", one.Layers, one.Planned)
	}
	if got := one.Pledged.Last(); got != 600 {
		t.Errorf("Kenya's pledge today = %d, want its own latest, 600", got)
	}
}

// decode checks that img is a PNG of the chart's size and not blank, and returns it.
func decode(t *testing.T, img []byte) image.Image {
	t.Helper()
	if len(img) > 200_000 {
		t.Errorf("chart is %d bytes, want under 200 KB", len(img))
	}
	m, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if b := m.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
		t.Fatalf("chart is %dx%d, want %dx%d", b.Dx(), b.Dy(), chart.Width, chart.Height)
	}
	colours := map[[3]uint32]bool{}
	var ink int
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := m.At(x, y).RGBA()
			colours[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	if len(colours) < 8 || ink < b.Dx()*b.Dy()/4/50 {
		t.Errorf("chart looks blank: %d colours, %d inked pixels of %d sampled", len(colours), ink, b.Dx()*b.Dy()/4)
	}
	return m
}

// TestDrawGolden draws the known history and compares it with testdata/forces.png. Text is
// anti-aliased, and a font rasteriser's version can move its grey edges, so the comparison
// counts only pixels that differ strongly and allows a small share of them: a moved layer, a
// lost line or a changed colour would differ over far more.
func TestDrawGolden(t *testing.T) {
	g, hist, pledges, now := knownHistory()
	img, err := chart.Draw(chart.Build(chart.Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now}))
	if err != nil {
		t.Fatal(err)
	}
	got := decode(t, img)
	golden := filepath.Join("testdata", "forces.png")
	if *update {
		if err := os.WriteFile(golden, img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./chart -run Golden -update writes it)", err)
	}
	want, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	const strong = 0x6000 // of 0xffff per channel
	var differ int
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := want.At(x, y).RGBA()
			if absDiff(r1, r2) > strong || absDiff(g1, g2) > strong || absDiff(b1, b2) > strong {
				differ++
			}
		}
	}
	if limit := b.Dx() * b.Dy() / 200; differ > limit { // 0.5 %
		os.WriteFile(filepath.Join(t.TempDir(), "got.png"), img, 0o644)
		t.Errorf("chart differs from %s in %d pixels, more than %d", golden, differ, limit)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestDrawEmptyAndCountry(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	img, err := chart.Draw(chart.Build(chart.Input{Lang: render.English, Guild: storage.Guild{ID: "g"}, Now: now}))
	if err != nil {
		t.Fatalf("chart of an empty guild: %v", err)
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	g, _, pledges, _ := knownHistory()
	img, err = chart.Draw(chart.Build(chart.Input{Lang: render.English, Guild: g, Country: "KE", History: []storage.ForceChange{
		{Day: day(2024, 6, 25), Country: "KE", Role: "police", Delta: 200},
		{Day: day(2024, 12, 25), Country: "KE", Role: "medical", Delta: 20},
	}, Pledges: pledges, Now: now}))
	if err != nil {
		t.Fatal(err)
	}
	decode(t, img)
}
