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

	"liaison/discordtext"
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
	FindFlights(ctx context.Context, guildID string, f storage.FlightFilter) ([]storage.Flight, error)
	PlannedHistory(ctx context.Context, guildID string) ([]storage.PlannedChange, error)
	DeployedReports(ctx context.Context, guildID, country string) ([]storage.Report, error)
}

// Chart is a drawn chart: the PNG and its text alternative.
type Chart struct {
	PNG []byte
	// Description is the text alternative with the latest figures, for the attachment's
	// description that screen readers announce.
	Description string
}

// Options are the reader's choices for a chart beyond its country.
type Options struct {
	// Since is the first instant shown; zero shows the whole history. Earlier changes still
	// count: the window starts at the strength they add up to.
	Since time.Time
	// Marks are labelled points drawn over the data (reported figures, for example); none is
	// drawn when empty.
	Marks []Mark
}

// Mark is a labelled point on a chart: a figure reported at a time.
type Mark struct {
	At    time.Time
	Value int64
	Label string
}

// Input is everything a chart is built from: what storage holds and the reader's choices.
type Input struct {
	Lang    render.Lang
	Guild   storage.Guild
	Country string // "" for the whole force, else its alpha-2 code: that country by role
	History []storage.ForceChange
	Pledges []storage.Pledge
	Flights []storage.Flight        // the open flights; those due after now are projected
	Planned []storage.PlannedChange // the planned strength's changes, oldest first
	Now     time.Time
	Options
}

// Series is what a chart shows: the stacked layers, the pledged total, the planned strength,
// the flights scheduled, and the mandate's end. Each line is a step function with at most one
// step per column of the picture, so that a series costs what the picture can show, however
// long its history.
type Series struct {
	Lang  render.Lang
	Text  render.ChartText
	Start int64     // first day shown, as storage.DayOf numbers it
	Today int64     // the day of Now: the last day with data
	Now   time.Time // the present: the layers are solid up to it
	// Edge is the right end of the time axis: a little after now, so that the present level
	// has width, or past a scheduled flight's ETA when one is near.
	Edge    time.Time
	Layers  []Layer // stacked bottom first
	Pledged Steps   // the pledged total of known sizes; nil when no size is known
	Unknown int     // the current pledges whose size is not reported: counted, not drawn
	Planned Steps   // the planned strength over time; nil when never set
	// Scheduled are the flights due between now and Edge with personnel on their manifests,
	// soonest first: the projection from today's total.
	Scheduled  []Due
	MandateEnd *time.Time
	Marks      []Mark
	// Before is everyone deployed at the end of the day before Start: what the window's
	// change is counted from.
	Before int64
}

// Due is a scheduled flight's personnel at its ETA.
type Due struct {
	ETA       time.Time
	Personnel int64
}

// Layer is one band of the stack: a country (or "others"), or a role.
type Layer struct {
	Key    string // the country's alpha-2 code, the role, or "" for the others
	Name   string
	Steps  Steps // strength
	Colour color.RGBA
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

// edge is the first day after the time axis.
func (s Series) edge() int64 { return storage.DayOf(s.Edge) + 1 }

// column is the column of the picture that day falls in: the time axis from Start to edge cut
// in Width columns. The plot is narrower than the picture, so a column is at most a pixel wide
// and merging the steps of one column changes nothing the eye can see. Two years of days are
// two columns each or more, so a normal chart keeps every step.
func (s Series) column(day int64) int64 {
	return (day - s.Start) * Width / max(s.edge()-s.Start, 1)
}

// step appends to st the value v taken on day, in day order, keeping at most one step per
// column: a step in the column of the last one replaces its value (the column shows the value
// it ends with, from its first change), and a step to the value already held is no step. A
// change before Start counts from Start, where the window opens on the level it made.
func (s Series) step(st Steps, day, v int64) Steps {
	day = max(day, s.Start)
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
func Forces(ctx context.Context, src Source, lang render.Lang, g storage.Guild, country string, now time.Time, opt Options) (Chart, error) {
	in := Input{Lang: lang, Guild: g, Country: country, Now: now, Options: opt}
	var err error
	if in.History, err = src.ForceHistory(ctx, g.ID, country); err != nil {
		return Chart{}, err
	}
	if in.Pledges, err = src.AllPledges(ctx, g.ID); err != nil {
		return Chart{}, fmt.Errorf("chart pledges: %w", err)
	}
	if in.Flights, err = src.FindFlights(ctx, g.ID, storage.FlightFilter{Limit: 100}); err != nil {
		return Chart{}, fmt.Errorf("chart flights: %w", err)
	}
	if country == "" {
		if in.Planned, err = src.PlannedHistory(ctx, g.ID); err != nil {
			return Chart{}, fmt.Errorf("chart planned: %w", err)
		}
	}
	if in.Marks == nil {
		// What sources said beside what was logged: each deployed figure of the chart's scope
		// is a mark over the ledger's line, labelled by its source.
		reports, err := src.DeployedReports(ctx, g.ID, country)
		if err != nil {
			return Chart{}, err
		}
		for _, r := range reports {
			in.Marks = append(in.Marks, Mark{At: r.AsOf, Value: int64(r.Value), Label: reportLabel(lang, r)})
		}
	}
	s := Build(in)
	img, err := Draw(s)
	if err != nil {
		return Chart{}, err
	}
	return Chart{PNG: img, Description: Describe(lang, s)}, nil
}

// minDays is the shortest time axis, in days: a history of one day is shown in its week.
const minDays = 7

// Build turns daily changes, pledges, flights and the planned strength's history into a
// chart's series, from Since (or the first day anything was logged or pledged) to a little
// after now. Its cost grows with the changes and the picture's width, not with the days
// between the first change and today.
func Build(in Input) Series {
	lang, g, country, now := in.Lang, in.Guild, in.Country, in.Now
	today := storage.DayOf(now)
	s := Series{Lang: lang, Text: render.ForceChartText(lang, g.MissionName, country, now), Start: today, Today: today,
		Now: now, MandateEnd: g.MandateEnd}
	pledges := in.Pledges
	if country != "" {
		pledges = slices.DeleteFunc(slices.Clone(pledges), func(p storage.Pledge) bool { return p.Country != country })
	}
	if !in.Since.IsZero() {
		s.Start = min(storage.DayOf(in.Since), today-1)
	} else {
		for _, h := range in.History {
			s.Start = min(s.Start, h.Day)
		}
		for _, p := range pledges {
			s.Start = min(s.Start, storage.DayOf(p.AsOf))
		}
		s.Start = min(s.Start, today-minDays+1)
	}
	s.Edge, s.Scheduled = horizon(s, country, in.Flights)

	// Cumulative strength per key (country, or role for one country), change by change.
	hist := in.History
	if !slices.IsSortedFunc(hist, byDay) {
		hist = slices.SortedStableFunc(slices.Values(hist), byDay)
	}
	levels := map[string]*level{}
	var order int
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
			l = &level{first: -1}
			levels[key] = l
		}
		l.now += h.Delta
		if h.Day < s.Start {
			s.Before += h.Delta
		}
		if l.first < 0 && l.now > 0 {
			l.first, order = order, order+1 // the order of first arrival, which fixes the colour
		}
		l.peak = max(l.peak, l.now)
		l.steps = s.step(l.steps, h.Day, l.now)
	}
	if country == "" {
		s.Layers = countryLayers(s, levels)
		s.Planned = plannedSeries(s, g, in.Planned)
	} else {
		for i, r := range mission.Roles() {
			if l := levels[string(r)]; l != nil && l.peak > 0 {
				s.Layers = append(s.Layers, Layer{Key: string(r), Name: render.ChartRole(lang, r), Steps: l.steps,
					Colour: Palette[i%len(Palette)]})
			}
		}
	}
	s.Pledged, s.Unknown = pledgedSeries(s, pledges)
	for _, m := range in.Marks {
		if d := storage.DayOf(m.At); d >= s.Start && m.At.Before(s.Edge) {
			s.Marks = append(s.Marks, m)
		}
	}
	return s
}

// horizon is the right end of the time axis and the flights projected up to it. The axis ends
// a twenty-fifth of its span after today (a day at least), so that the present level is a band
// of visible width at any span; a flight due within a quarter of the span (or that margin)
// moves the end to a little after its ETA, so that the projection shows where it leads.
func horizon(s Series, country string, flights []storage.Flight) (time.Time, []Due) {
	span := s.Today + 1 - s.Start
	margin := max(1, span/25)
	edge := s.Today + 1 + margin
	var due []Due
	for _, f := range flights {
		if !f.Open() || !f.ETA.After(s.Now) {
			continue // landed, cancelled, or overdue: nothing to project from now
		}
		var n int64
		for _, l := range f.Manifest {
			if country == "" || l.Country == country {
				n += int64(l.Personnel)
			}
		}
		if n > 0 {
			due = append(due, Due{ETA: f.ETA, Personnel: n})
		}
	}
	slices.SortFunc(due, func(a, b Due) int { return a.ETA.Compare(b.ETA) })
	near := s.Today + 1 + max(margin, span/4)
	for _, d := range due {
		if day := storage.DayOf(d.ETA); day < near {
			edge = max(edge, day+1+max(1, margin/2))
		}
	}
	end := storage.DayStart(edge)
	due = slices.DeleteFunc(due, func(d Due) bool { return !d.ETA.Before(end) })
	return end, due
}
func byDay(a, b storage.ForceChange) int { return cmp.Compare(a.Day, b.Day) }

// level is one key's strength as Build runs through the changes: now, its highest, its steps
// so far, and the order in which it first had anyone deployed (-1 until then).
type level struct {
	now, peak int64
	first     int
	steps     Steps
}

// countryLayers ranks the countries by today's strength (then peak, then code) and keeps the
// largest MaxCountries by name, largest at the bottom; the rest are summed as others. A
// country's colour follows the order in which the countries first arrived, which the history
// fixes, so that it is the same in every chart of the guild, whatever the window or ranking.
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
			return cmp.Compare(b.last, a.last)
		case a.peak != b.peak:
			return cmp.Compare(b.peak, a.peak)
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
		l := levels[r.code]
		if i < MaxCountries {
			out = append(out, Layer{Key: r.code, Name: render.ChartCountry(s.Lang, r.code), Steps: l.steps})
			continue
		}
		rest, others = s.sum(rest, l.steps), true
	}
	// Colours by first arrival: the earliest country shown takes its own colour first, and a
	// later one whose colour is taken (the eighth country to arrive shares the first's) takes
	// the next free one. A guild of up to seven countries keeps every colour for good; a larger
	// one keeps those of its earliest.
	byFirst := make([]int, len(out))
	for i := range byFirst {
		byFirst[i] = i
	}
	slices.SortFunc(byFirst, func(a, b int) int { return cmp.Compare(levels[out[a].Key].first, levels[out[b].Key].first) })
	var taken [len(Palette)]bool
	for _, i := range byFirst {
		c := levels[out[i].Key].first % len(Palette)
		for taken[c] {
			c = (c + 1) % len(Palette)
		}
		taken[c], out[i].Colour = true, Palette[c]
	}
	if others {
		out = append(out, Layer{Name: s.Text.Others, Steps: rest, Colour: OthersColour})
	}
	return out
}

// plannedSeries is the planned strength over the window, from the audit of its changes. The
// value first recorded holds from the start (a mission is planned before anyone lands, and an
// imported history sets it long after), each later change steps on its day, and the line
// ends on the guild's current value.
func plannedSeries(s Series, g storage.Guild, changes []storage.PlannedChange) Steps {
	var out Steps
	for i, c := range changes {
		if i == 0 {
			first := c.Before
			if first == 0 {
				first = c.Planned
			}
			out = s.step(out, s.Start, int64(first))
		}
		if d := storage.DayOf(c.At); d <= s.Today {
			out = s.step(out, d, int64(c.Planned))
		}
	}
	if len(changes) == 0 {
		out = s.step(out, s.Start, int64(g.Planned)) // no change recorded: the value held throughout
	}
	if out.Last() != int64(g.Planned) {
		out = s.step(out, s.Today, int64(g.Planned))
	}
	if !slices.ContainsFunc(out, func(st Step) bool { return st.Value > 0 }) {
		return nil
	}
	return out
}

// pledgedSeries is the pledged total up to s.Today: the sum of the latest pledge of known size
// per (country, role) as of each day, stepping on each pledge's as-of day. A pledge whose size
// is not reported counts nothing and replaces an earlier sized one, as /forces counts it; the
// current such pledges are counted in unknown, for a caption, rather than drawn as zero. It
// returns nil steps when no size is known.
func pledgedSeries(s Series, pledges []storage.Pledge) (Steps, int) {
	ps := slices.Clone(pledges)
	slices.SortStableFunc(ps, func(a, b storage.Pledge) int {
		if c := a.AsOf.Compare(b.AsOf); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	type key struct {
		country string
		role    mission.Role
	}
	current := map[key]*int{}
	var total int64
	var out Steps
	for _, p := range ps {
		d := storage.DayOf(p.AsOf)
		if d > s.Today {
			break
		}
		k := key{p.Country, p.Role}
		if old := current[k]; old != nil {
			total -= int64(*old)
		}
		current[k] = p.Personnel
		if p.Personnel != nil {
			total += int64(*p.Personnel)
		}
		out = s.step(out, d, total)
	}
	unknown := 0
	for _, n := range current {
		if n == nil {
			unknown++
		}
	}
	if !slices.ContainsFunc(out, func(st Step) bool { return st.Value > 0 }) {
		return nil, unknown // only pledges of unknown size: no figure to draw, rather than a line at zero
	}
	return out, unknown
}

// Total is the stack's height on day: everyone deployed.
func (s Series) Total(day int64) int64 {
	var n int64
	for _, l := range s.Layers {
		n += l.Steps.At(day)
	}
	return n
}

// Describe is the chart's text alternative: today's total against the planned and pledged
// strengths, the change since the window's first day, the largest contributors, and what the
// picture shows beside them (flights scheduled, pledges of unknown size).
func Describe(lang render.Lang, s Series) string {
	d := render.ChartSummary{Title: s.Text.Title, AsOf: s.Now, Since: storage.DayStart(s.Start - 1),
		Deployed: s.Total(s.Today), Then: s.Before, Planned: s.Planned.Last(), Pledged: s.Pledged.Last(), Unknown: s.Unknown}
	for _, f := range s.Scheduled {
		d.Scheduled += f.Personnel
	}
	for _, l := range s.Layers {
		if l.Key != "" { // the others are not a contributor
			d.Shares = append(d.Shares, render.ChartShare{Name: l.Name, Deployed: l.Steps.Last()})
		}
	}
	return render.ForceChartDescription(lang, d)
}

// Palette is Okabe and Ito's colour-blind-safe set, in the order countries take it by first
// arrival and roles by mission.Roles; black is kept for the lines (pledged, planned), and grey
// for the others.
var Palette = [...]color.RGBA{
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
}

// OthersColour is the layer of the countries after the largest seven.
var OthersColour = color.RGBA{0x99, 0x99, 0x99, 0xff}

// reportLabel is a mark's label: the figure as the source gave it, then the source, cut short
// ("about 400 · HNP spokesperson…").
func reportLabel(lang render.Lang, r storage.Report) string {
	return render.ReportAmount(lang, r) + " · " + discordtext.Truncate(r.Source, maxMarkSource)
}

// maxMarkSource is how much of a source a mark's label shows.
const maxMarkSource = 24
