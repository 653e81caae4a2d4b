package render

import (
	"fmt"
	"strings"
	"time"

	"liaison/discordtext"
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
// country's, for the named mission ("" when unnamed).
func ForceChartText(lang Lang, missionName, country string) ChartText {
	t := ChartText{
		Title: "Deployed strength by country", XAxis: "Date (UTC)", YAxis: "Personnel",
		Planned: "Planned", Pledged: "Pledged (latest pledges)", MandateEnd: "Mandate end",
		Others: "Others", Nothing: "Nothing logged yet",
	}
	if country != "" {
		t.Title = "Deployed strength by role — " + ChartCountry(lang, country)
		t.Pledged = "Pledged"
	}
	if missionName != "" {
		t.Title += " — " + missionName
	}
	return t
}

// ChartCountry is a country as a chart's legend writes it: its name without the flag, which
// the chart's fonts do not draw.
func ChartCountry(lang Lang, code string) string {
	if c, ok := mission.CountryByAlpha2(code); ok {
		return c.Name
	}
	return code
}

// ChartRole is a personnel type as a chart's legend writes it.
func ChartRole(lang Lang, r mission.Role) string { return string(r) }

// ChartMonth is a date tick of a chart's time axis: "Jan 2025".
func ChartMonth(lang Lang, t time.Time) string { return t.UTC().Format("Jan 2006") }

// ChartDay is a date written on a chart: "2 Oct 2025".
func ChartDay(lang Lang, t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// ChartShare is one layer of a chart as its description names it.
type ChartShare struct {
	Name     string // a country or a role, as ChartCountry or ChartRole writes it
	Deployed int64
}

// ForceChartDescription is the chart's text alternative, the attachment description screen
// readers announce: the latest figures the picture shows. Discord allows 1024 characters.
func ForceChartDescription(lang Lang, title string, asOf time.Time, deployed, planned, pledged int64, shares []ChartShare) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Chart: %s, to %s. Now %s deployed", title, ChartDay(lang, asOf), discordtext.Thousands(deployed))
	if planned > 0 {
		fmt.Fprintf(&b, " of %s planned (%s)", discordtext.Thousands(planned), discordtext.Percent(deployed, planned))
	}
	if pledged > 0 {
		fmt.Fprintf(&b, "; %s pledged", discordtext.Thousands(pledged))
	}
	b.WriteString(".")
	var parts []string
	for _, s := range shares {
		if s.Deployed != 0 {
			parts = append(parts, s.Name+" "+discordtext.Thousands(s.Deployed))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" " + strings.Join(parts, ", ") + ".")
	}
	return discordtext.Truncate(b.String(), 1024)
}
