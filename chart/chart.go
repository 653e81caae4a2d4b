// Package chart draws force levels over time as a PNG: the whole force's deployed strength
// stacked by country, or one country's by role, with the pledged total, the planned strength
// and the mandate's end.
//
// It draws with gonum.org/v1/plot because that library is pure Go (the bot stays one static
// binary with no headless browser, no system fonts and no cgo beyond SQLite's), embeds its
// fonts (the same picture on every machine, which lets a golden image test it), renders
// anti-aliased PNGs through vgimg, and already has what a chart needs — axes, custom ticks,
// filled polygons, step lines and a legend — so this package holds only the mission's part.
//
// The data comes from storage.ForceHistory, one row per day and country, so the cost of a
// chart grows with the days it shows, not with the number of arrivals logged. Every word on
// the picture comes from render, in the reader's language.
package chart

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"time"

	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// FileName is the name of the chart's attachment; an embed shows it as attachment://forces.png.
const FileName = "forces.png"

// Width and Height are the picture's size in pixels: wide enough for two years of days.
const (
	Width  = 1200
	Height = 600
)

// MaxCountries is how many countries the whole force's chart stacks by name; the others share
// one layer, so that the legend and the palette stay readable.
const MaxCountries = 7

// Source is what a chart reads; *storage.Store is one.
type Source interface {
	ForceHistory(ctx context.Context, guildID, country string) ([]storage.ForceChange, error)
	AllPledges(ctx context.Context, guildID string) ([]storage.Pledge, error)
}

// Chart is a drawn chart: the PNG and its text alternative.
type Chart struct {
	PNG []byte
	// Description is the text alternative with the latest figures, for the attachment's
	// description that screen readers announce.
	Description string
}

// Series is what a chart shows, one value per day from Start: the stacked layers, the pledged
// total, the planned strength and the mandate's end.
type Series struct {
	Lang       render.Lang
	Text       render.ChartText
	Start      int64   // first day shown, as storage.DayOf numbers it
	Layers     []Layer // stacked bottom first
	Pledged    []int64 // the pledged total per day; nil when nothing is pledged
	Planned    int64   // 0 when not set
	MandateEnd *time.Time
	// End is the last day on the time axis: today, or the mandate's end when that is later.
	End int64
}

// Layer is one band of the stack: a country (or "others"), or a role.
type Layer struct {
	Name   string
	Values []int64 // strength per day from Series.Start
}

// Days is the number of days with data (from Start to the last day of the layers).
func (s Series) Days() int {
	n := len(s.Pledged)
	for _, l := range s.Layers {
		n = max(n, len(l.Values))
	}
	return n
}

// Forces reads the guild's history and draws its chart as of now: the whole force when
// country is "", else that country by role.
func Forces(ctx context.Context, src Source, lang render.Lang, g storage.Guild, country string, now time.Time) (Chart, error) {
	hist, err := src.ForceHistory(ctx, g.ID, country)
	if err != nil {
		return Chart{}, err
	}
	pledges, err := src.AllPledges(ctx, g.ID)
	if err != nil {
		return Chart{}, fmt.Errorf("chart pledges: %w", err)
	}
	s := Build(lang, g, country, hist, pledges, now)
	img, err := Draw(s)
	if err != nil {
		return Chart{}, err
	}
	return Chart{PNG: img, Description: Describe(lang, s, now)}, nil
}

// Build turns daily changes and the pledge history into a chart's series, from the first day
// anything was logged or pledged to now.
func Build(lang render.Lang, g storage.Guild, country string, hist []storage.ForceChange, pledges []storage.Pledge, now time.Time) Series {
	today := storage.DayOf(now)
	s := Series{Lang: lang, Text: render.ForceChartText(lang, g.MissionName, country), Start: today, End: today, MandateEnd: g.MandateEnd}
	if country == "" {
		s.Planned = int64(g.Planned)
	}
	if country != "" {
		pledges = slices.DeleteFunc(slices.Clone(pledges), func(p storage.Pledge) bool { return p.Country != country })
	}
	for _, h := range hist {
		s.Start = min(s.Start, h.Day)
	}
	for _, p := range pledges {
		s.Start = min(s.Start, storage.DayOf(p.AsOf))
	}
	if s.Start == today {
		s.Start = today - 30 // nothing yet: a month's empty axis rather than a single day
	}
	if g.MandateEnd != nil {
		s.End = max(s.End, storage.DayOf(*g.MandateEnd))
	}
	days := int(today-s.Start) + 1

	// Cumulative strength per key (country, or role for one country), day by day.
	levels := map[string][]int64{}
	for _, h := range hist {
		key := h.Country
		if country != "" {
			key = string(h.Role)
		}
		if levels[key] == nil {
			levels[key] = make([]int64, days)
		}
		if i := int(h.Day - s.Start); i >= 0 && i < days {
			levels[key][i] += h.Delta
		}
	}
	for _, v := range levels {
		for i := 1; i < days; i++ {
			v[i] += v[i-1]
		}
	}
	if country == "" {
		s.Layers = countryLayers(lang, levels, s.Text.Others)
	} else {
		for _, r := range mission.Roles() {
			if v := levels[string(r)]; v != nil {
				s.Layers = append(s.Layers, Layer{Name: render.ChartRole(lang, r), Values: v})
			}
		}
	}
	s.Pledged = pledgedSeries(pledges, s.Start, days)
	return s
}

// countryLayers ranks the countries by today's strength (then peak, then code) and keeps the
// largest MaxCountries by name, largest at the bottom; the rest are summed as others.
func countryLayers(lang render.Lang, levels map[string][]int64, others string) []Layer {
	type ranked struct {
		code       string
		last, peak int64
	}
	var rs []ranked
	for c, v := range levels {
		rs = append(rs, ranked{c, v[len(v)-1], slices.Max(v)})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		switch {
		case a.last != b.last:
			return int(b.last - a.last)
		case a.peak != b.peak:
			return int(b.peak - a.peak)
		}
		return cmpString(a.code, b.code)
	})
	var out []Layer
	var rest []int64
	for i, r := range rs {
		if r.peak == 0 {
			continue // a country that only ever had zero: nothing to draw
		}
		if i < MaxCountries {
			out = append(out, Layer{Name: render.ChartCountry(lang, r.code), Values: levels[r.code]})
			continue
		}
		if rest == nil {
			rest = make([]int64, len(levels[r.code]))
		}
		for d, n := range levels[r.code] {
			rest[d] += n
		}
	}
	if rest != nil {
		out = append(out, Layer{Name: others, Values: rest})
	}
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pledgedSeries is the pledged total on each day: the sum of the latest pledge of known size
// per (country, role) as of that day. A pledge whose size is not reported counts nothing, and
// replaces an earlier sized one, as /forces counts it. It returns nil when no size is known.
func pledgedSeries(pledges []storage.Pledge, start int64, days int) []int64 {
	if len(pledges) == 0 {
		return nil
	}
	ps := slices.Clone(pledges)
	slices.SortStableFunc(ps, func(a, b storage.Pledge) int {
		if c := a.AsOf.Compare(b.AsOf); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	type key struct {
		country string
		role    mission.Role
	}
	current := map[key]int64{}
	var total int64
	out := make([]int64, days)
	j := 0
	for d := range days {
		for ; j < len(ps) && storage.DayOf(ps[j].AsOf) <= start+int64(d); j++ {
			k := key{ps[j].Country, ps[j].Role}
			total -= current[k]
			current[k] = 0
			if ps[j].Personnel != nil {
				current[k] = int64(*ps[j].Personnel)
			}
			total += current[k]
		}
		out[d] = total
	}
	if slices.Max(out) == 0 {
		return nil // only pledges of unknown size: no figure to draw, rather than a line at zero
	}
	return out
}

// Describe is the chart's text alternative: the figures of its last day.
func Describe(lang render.Lang, s Series, now time.Time) string {
	var deployed, pledged int64
	var shares []render.ChartShare
	for _, l := range s.Layers {
		last := l.Values[len(l.Values)-1]
		deployed += last
		shares = append(shares, render.ChartShare{Name: l.Name, Deployed: last})
	}
	if len(s.Pledged) > 0 {
		pledged = s.Pledged[len(s.Pledged)-1]
	}
	return render.ForceChartDescription(lang, s.Text.Title, now, deployed, s.Planned, pledged, shares)
}

// Palette is Okabe and Ito's colour-blind-safe set, in the order layers take it; black is kept
// for the lines (pledged, planned), and grey for the others.
var Palette = []color.RGBA{
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
}

// othersColour is the layer of the countries after the largest seven.
var othersColour = color.RGBA{0x99, 0x99, 0x99, 0xff}
