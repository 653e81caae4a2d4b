package render

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
)

// ChartText is the words drawn on a force chart: its title, subtitle and the names of its
// lines and marks.
type ChartText struct {
	Title      string
	Subtitle   string // what is counted, and the date it is counted to
	Total      string // the stack's total at the right edge
	Planned    string // the planned strength's line
	Pledged    string // the pledged total's line
	Scheduled  string // the projection of the flights scheduled
	MandateEnd string // the mark at the mandate's end
	Others     string // the layer of every country after the largest ones
	Nothing    string // shown when nothing has been logged yet
}

// ForceChartText is the words of the chart of the whole force (country "") or of one
// country's, for the named mission ("" when unnamed), drawn as of now, in lang.
func ForceChartText(lang Lang, missionName, country string, now time.Time) ChartText {
	t := ChartText{
		Title: locale.T(lang, "chart.title"), Subtitle: locale.T(lang, "chart.subtitle", "Date", ChartDay(lang, now)),
		Total: locale.T(lang, "chart.total"), Planned: locale.T(lang, "chart.planned"), Pledged: locale.T(lang, "chart.pledged_latest"),
		Scheduled: locale.T(lang, "chart.scheduled"), MandateEnd: locale.T(lang, "chart.mandate_end"),
		Others: locale.T(lang, "chart.others"), Nothing: locale.T(lang, "chart.nothing"),
	}
	if country != "" {
		t.Title = locale.T(lang, "chart.title_country", "Country", ChartCountry(lang, country))
		t.Pledged = locale.T(lang, "chart.pledged")
	}
	if missionName != "" {
		t.Title += " — " + missionName
	}
	return t
}

// ChartUnknownPledges is the caption counting the pledges whose size is not reported, which
// the pledged line leaves out: "+4 pledges of unknown size".
func ChartUnknownPledges(lang Lang, n int) string {
	return locale.T(lang, "chart.unknown_pledges", "Count", n)
}

// ChartTick is a label of a chart's time axis at t, for ticks a unit apart ("day", "month" or
// "year"); withYear adds the year to a day or month, for the first label and each January.
func ChartTick(lang Lang, t time.Time, unit string, withYear bool) string {
	t = t.UTC()
	month := locale.T(lang, "chart.month_short."+strings.ToLower(t.Month().String()))
	switch {
	case unit == "year":
		return strconv.Itoa(t.Year())
	case unit == "day" && withYear:
		return locale.T(lang, "chart.tick_day_year", "Day", t.Day(), "Month", month, "Year", t.Year())
	case unit == "day":
		return locale.T(lang, "chart.tick_day", "Day", t.Day(), "Month", month)
	case withYear:
		return locale.T(lang, "chart.tick_month_year", "Month", month, "Year", t.Year())
	}
	return month
}

// ChartCountry is a country as a chart's legend writes it, in lang: its name without the flag,
// which the chart's fonts do not draw.
func ChartCountry(lang Lang, code string) string {
	name := locale.Country(lang, code)
	if c, ok := mission.CountryByAlpha2(code); ok && c.Flag != "" {
		name = strings.TrimPrefix(name, c.Flag+" ")
	}
	return name
}

// ChartRole is a personnel type as a chart's legend writes it.
func ChartRole(lang Lang, r mission.Role) string { return Role(lang, r, 2) }

// ChartDay is a date written on a chart: "2 October 2025", "2 de octubre de 2025".
func ChartDay(lang Lang, t time.Time) string {
	t = t.UTC()
	return locale.T(lang, "chart.day", "Day", t.Day(), "Month", locale.T(lang, "date.month."+strings.ToLower(t.Month().String())), "Year", t.Year())
}

// ChartShare is one layer of a chart as its description names it.
type ChartShare struct {
	Name     string // a country or a role, as ChartCountry or ChartRole writes it
	Deployed int64
}

// ChartSummary is what a chart's description states.
type ChartSummary struct {
	Title     string
	AsOf      time.Time
	Since     time.Time // the day before the first day shown
	Deployed  int64     // today's total
	Then      int64     // the total at the end of Since
	Planned   int64
	Pledged   int64
	Unknown   int   // pledges of unknown size
	Scheduled int64 // personnel on the flights projected
	Shares    []ChartShare
}

// ForceChartDescription is the chart's text alternative, the attachment description screen
// readers announce: today's total, the change over the window, the largest contributors and
// what else the picture shows. Discord allows 1024 characters.
func ForceChartDescription(lang Lang, d ChartSummary) string {
	var b strings.Builder
	b.WriteString(locale.T(lang, "chart.alt_text", "Title", d.Title, "Date", ChartDay(lang, d.AsOf), "Deployed", Number(lang, d.Deployed)))
	if d.Planned > 0 {
		b.WriteString(locale.T(lang, "chart.alt_text_planned", "Planned", Number(lang, d.Planned), "Percent", locale.Percent(lang, d.Deployed, d.Planned)))
	}
	if d.Pledged > 0 {
		b.WriteString(locale.T(lang, "chart.alt_text_pledged", "Pledged", Number(lang, d.Pledged)))
	}
	b.WriteString(". ")
	since := ChartDay(lang, d.Since)
	switch {
	case d.Deployed > d.Then:
		b.WriteString(locale.T(lang, "chart.alt_change_up", "Number", Number(lang, d.Deployed-d.Then), "Date", since))
	case d.Deployed < d.Then:
		b.WriteString(locale.T(lang, "chart.alt_change_down", "Number", Number(lang, d.Then-d.Deployed), "Date", since))
	default:
		b.WriteString(locale.T(lang, "chart.alt_change_none", "Date", since))
	}
	shares := slices.Clone(d.Shares)
	slices.SortStableFunc(shares, func(a, b ChartShare) int { return cmp.Compare(b.Deployed, a.Deployed) })
	var parts []string
	for _, s := range shares {
		if s.Deployed > 0 && len(parts) < 3 {
			parts = append(parts, s.Name+" "+Number(lang, s.Deployed))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" " + locale.T(lang, "chart.alt_largest", "List", strings.Join(parts, ", ")))
	}
	if d.Scheduled > 0 {
		b.WriteString(" " + locale.T(lang, "chart.alt_scheduled", "Number", Number(lang, d.Scheduled)))
	}
	if d.Unknown > 0 {
		b.WriteString(" " + ChartUnknownPledges(lang, d.Unknown) + ".")
	}
	return discordtext.Truncate(b.String(), 1024)
}
