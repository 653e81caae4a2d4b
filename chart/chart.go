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
// The data comes from storage.ForceHistory, one row per day and country that changed, and
// each line keeps at most one step per pixel column, so the cost of a chart grows with the
// changes and the picture's width: not with the number of arrivals logged, nor with how far
// back the first one lies. Every word on the picture comes from render, in the reader's
// language.
package chart

import (
	"cmp"
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

// Series is what a chart shows: the stacked layers, the pledged total, the planned strength
// and the mandate's end. Each line is a step function with at most one step per column of the
// picture, so that a series costs what the picture can show, however long its history.
type Series struct {
	Lang       render.Lang
	Text       render.ChartText
	Start      int64   // first day shown, as storage.DayOf numbers it
	Today      int64   // last day with data: the layers and the pledged line end with it
	Layers     []Layer // stacked bottom first
	Pledged    Steps   // the pledged total; nil when nothing is pledged
	Planned    int64   // 0 when not set
	MandateEnd *time.Time
	// End is the last day on the time axis: today, or the mandate's end when that is later.
	End int64
}

// Layer is one band of the stack: a country (or "others"), or a role.
type Layer struct {
	Name  string
	Steps Steps // strength
}

// Step is where a step function takes a new value: from Day on, until the next step.
type Step struct {
	Day   int64 // as storage.DayOf numbers it
	Value int64
}

// Steps is a step function over days, in day order: 0 before its first step, then each step's
// value from its day on.
type Steps []Step

// At is the value on day.
func (st Steps) At(day int64) int64 {
	i, found := slices.BinarySearchFunc(st, day, func(s Step, d int64) int { return cmp.Compare(s.Day, d) })
	switch {
	case found:
		return st[i].Value
	case i == 0:
		return 0
	}
	return st[i-1].Value
}

// Last is the value after the last step.
func (st Steps) Last() int64 {
	if len(st) == 0 {
		return 0
	}
	return st[len(st)-1].Value
}

// edge is the first day after the time axis: a margin after End, so that the mandate's mark
// stands clear of the frame.
func (s Series) edge() int64 { return s.End + 1 + (s.End-s.Start)/40 }

// column is the column of the picture that day falls in: the time axis from Start to edge cut
// in Width columns. The plot is narrower than the picture, so a column is at most a pixel wide
// and merging the steps of one column changes nothing the eye can see. Two years of days are
// two columns each or more, so a normal chart keeps every step.
func (s Series) column(day int64) int64 {
	return (day - s.Start) * Width / max(s.edge()-s.Start, 1)
}

// step appends to st the value v taken on day, in day order, keeping at most one step per
// column: a step in the column of the last one replaces its value (the column shows the value
// it ends with, from its first change), and a step to the value already held is no step.
func (s Series) step(st Steps, day, v int64) Steps {
	if n := len(st); n > 0 && s.column(st[n-1].Day) == s.column(day) {
		day, st = st[n-1].Day, st[:n-1]
	}
	if v == st.Last() {
		return st
	}
	return append(st, Step{Day: day, Value: v})
}

// sum is the step function of a + b, with at most one step per column as step keeps it.
func (s Series) sum(a, b Steps) Steps {
	out := make(Steps, 0, max(len(a), len(b)))
	var i, j int
	var va, vb int64
	for i < len(a) || j < len(b) {
		var day int64
		switch {
		case j == len(b) || (i < len(a) && a[i].Day < b[j].Day):
			day = a[i].Day
		default:
			day = b[j].Day
		}
		for ; i < len(a) && a[i].Day == day; i++ {
			va = a[i].Value
		}
		for ; j < len(b) && b[j].Day == day; j++ {
			vb = b[j].Value
		}
		out = s.step(out, day, va+vb)
	}
	return out
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
// anything was logged or pledged to now. Its cost grows with the changes and the picture's
// width, not with the days between the first change and today.
func Build(lang render.Lang, g storage.Guild, country string, hist []storage.ForceChange, pledges []storage.Pledge, now time.Time) Series {
	today := storage.DayOf(now)
	s := Series{Lang: lang, Text: render.ForceChartText(lang, g.MissionName, country), Start: today, Today: today, End: today, MandateEnd: g.MandateEnd}
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

	// Cumulative strength per key (country, or role for one country), change by change.
	if !slices.IsSortedFunc(hist, byDay) {
		hist = slices.SortedStableFunc(slices.Values(hist), byDay)
	}
	levels := map[string]*level{}
	for _, h := range hist {
		if h.Day > today {
			break // not yet: a chart as of now ends today
		}
		key := h.Country
		if country != "" {
			key = string(h.Role)
		}
		l := levels[key]
		if l == nil {
			l = &level{}
			levels[key] = l
		}
		l.now += h.Delta
		l.peak = max(l.peak, l.now)
		l.steps = s.step(l.steps, h.Day, l.now)
	}
	if country == "" {
		s.Layers = countryLayers(s, levels)
	} else {
		for _, r := range mission.Roles() {
			if l := levels[string(r)]; l != nil {
				s.Layers = append(s.Layers, Layer{Name: render.ChartRole(lang, r), Steps: l.steps})
			}
		}
	}
	s.Pledged = pledgedSeries(s, pledges)
	return s
}

func byDay(a, b storage.ForceChange) int { return cmp.Compare(a.Day, b.Day) }

// level is one key's strength as Build runs through the changes: now, its highest, and its
// steps so far.
type level struct {
	now, peak int64
	steps     Steps
}

// countryLayers ranks the countries by today's strength (then peak, then code) and keeps the
// largest MaxCountries by name, largest at the bottom; the rest are summed as others.
func countryLayers(s Series, levels map[string]*level) []Layer {
	type ranked struct {
		code       string
		last, peak int64
	}
	var rs []ranked
	for c, l := range levels {
		rs = append(rs, ranked{c, l.now, l.peak})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		switch {
		case a.last != b.last:
			return int(b.last - a.last)
		case a.peak != b.peak:
			return int(b.peak - a.peak)
		}
		return cmp.Compare(a.code, b.code)
	})
	var out []Layer
	var rest Steps
	others := false
	for i, r := range rs {
		if r.peak <= 0 {
			continue // a country that never had anyone deployed: nothing to draw
		}
		if i < MaxCountries {
			out = append(out, Layer{Name: render.ChartCountry(s.Lang, r.code), Steps: levels[r.code].steps})
			continue
		}
		rest, others = s.sum(rest, levels[r.code].steps), true
	}
	if others {
		out = append(out, Layer{Name: s.Text.Others, Steps: rest})
	}
	return out
}

// pledgedSeries is the pledged total up to s.Today: the sum of the latest pledge of known size
// per (country, role) as of each day. A pledge whose size is not reported counts nothing, and
// replaces an earlier sized one, as /forces counts it. It returns nil when no size is known.
func pledgedSeries(s Series, pledges []storage.Pledge) Steps {
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
	var out Steps
	for _, p := range ps {
		d := storage.DayOf(p.AsOf)
		if d > s.Today {
			break
		}
		k := key{p.Country, p.Role}
		total -= current[k]
		current[k] = 0
		if p.Personnel != nil {
			current[k] = int64(*p.Personnel)
		}
		total += current[k]
		out = s.step(out, d, total)
	}
	if !slices.ContainsFunc(out, func(st Step) bool { return st.Value > 0 }) {
		return nil // only pledges of unknown size: no figure to draw, rather than a line at zero
	}
	return out
}

// Describe is the chart's text alternative: the figures of its last day.
func Describe(lang render.Lang, s Series, now time.Time) string {
	var deployed, pledged int64
	var shares []render.ChartShare
	for _, l := range s.Layers {
		last := l.Steps.Last()
		deployed += last
		shares = append(shares, render.ChartShare{Name: l.Name, Deployed: last})
	}
	pledged = s.Pledged.Last()
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
