package render

import (
	"strings"
	"time"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
)

// ChartText is the words drawn on a force chart: its title, axis labels and legend entries.
type ChartText struct {
	Title      string
	XAxis      string
	YAxis      string
	Planned    string // the planned strength's line
	Pledged    string // the pledged total's line
	MandateEnd string // the mark at the mandate's end
	Others     string // the layer of every country after the largest ones
	Nothing    string // shown when nothing has been logged yet
}

// ForceChartText is the words of the chart of the whole force (country "") or of one
// country's, for the named mission ("" when unnamed), in lang.
func ForceChartText(lang Lang, missionName, country string) ChartText {
	t := ChartText{
		Title: locale.T(lang, "chart.title"), XAxis: locale.T(lang, "chart.x_axis"), YAxis: locale.T(lang, "chart.y_axis"),
		Planned: locale.T(lang, "chart.planned"), Pledged: locale.T(lang, "chart.pledged_latest"),
		MandateEnd: locale.T(lang, "chart.mandate_end"), Others: locale.T(lang, "chart.others"), Nothing: locale.T(lang, "chart.nothing"),
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

// ChartMonth is a date tick of a chart's time axis: "January 2025", "janvier 2025".
func ChartMonth(lang Lang, t time.Time) string {
	t = t.UTC()
	return locale.T(lang, "chart.month", "Month", locale.T(lang, "date.month."+strings.ToLower(t.Month().String())), "Year", t.Year())
}

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

// ForceChartDescription is the chart's text alternative, the attachment description screen
// readers announce: the latest figures the picture shows. Discord allows 1024 characters.
func ForceChartDescription(lang Lang, title string, asOf time.Time, deployed, planned, pledged int64, shares []ChartShare) string {
	var b strings.Builder
	b.WriteString(locale.T(lang, "chart.alt_text", "Title", title, "Date", ChartDay(lang, asOf), "Deployed", Number(lang, deployed)))
	if planned > 0 {
		b.WriteString(locale.T(lang, "chart.alt_text_planned", "Planned", Number(lang, planned), "Percent", locale.Percent(lang, deployed, planned)))
	}
	if pledged > 0 {
		b.WriteString(locale.T(lang, "chart.alt_text_pledged", "Pledged", Number(lang, pledged)))
	}
	b.WriteString(".")
	var parts []string
	for _, s := range shares {
		if s.Deployed != 0 {
			parts = append(parts, s.Name+" "+Number(lang, s.Deployed))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" " + strings.Join(parts, ", ") + ".")
	}
	return discordtext.Truncate(b.String(), 1024)
}
