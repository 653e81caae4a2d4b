package share

import (
	"bytes"
	"context"
	"html/template"
	"net/url"
	"time"

	"liaison/locale"
	"liaison/render"
	"liaison/storage"
)

// pageData is everything the page template writes, each word already in the reader's
// language. Nothing in it names a guild, a channel or a member.
type pageData struct {
	Lang, Title, Intro      string
	CSS                     template.CSS
	Langs                   []langLink
	Facts                   []string
	Headline, Women         string
	HasBar                  bool
	Planned, Deployed       int64
	ByCountry, Nothing      string
	Cols                    cols
	Rows                    []row
	Total                   row
	ReportsTitle            string
	Reports                 []string
	ChartTitle, ChartAlt    string
	ChartSrc                string
	ShowFlights             bool
	FlightsTitle, NoFlights string
	FlightCols              flightCols
	Flights                 []flightRow
	CalendarHref            string
	CalendarLink            string
	CalendarHint            string
	Drawn                   string
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

type cols struct{ Country, Deployed, Pledged, Gap, Women string }

type row struct{ Country, Deployed, Pledged, Gap, Women string }

type flightCols struct{ ETA, Status, Destination, Manifest string }

type flightRow struct{ ETA, Status, Destination, Manifest string }

// page renders the share's page in l. It reads the guild's settings and ForcesView through the
// snapshots, and with flights shared the next upcoming flights: each a bounded read, whatever
// the history holds. Links are relative to /s/<token> so that a public_url with a path works.
func (h *Handler) page(ctx context.Context, sh storage.Share, l locale.Lang, token string) ([]byte, error) {
	now := h.now()
	g, err := h.store.CachedGuild(ctx, sh.GuildID)
	if err != nil {
		return nil, err
	}
	v, err := h.store.ForcesView(ctx, sh.GuildID, now, recentWindow)
	if err != nil {
		return nil, err
	}
	loc := g.Location()
	t := func(key string, args ...any) string { return locale.T(l, key, args...) }
	d := pageData{Lang: string(l), CSS: template.CSS(css), Title: t("share.page.title"), Intro: t("share.page.intro"),
		ByCountry: t("share.page.by_country"), Nothing: t("share.page.nothing"),
		Cols:         cols{t("share.page.col_country"), t("share.page.col_deployed"), t("share.page.col_pledged"), t("share.page.col_gap"), t("share.page.col_women")},
		ReportsTitle: t("share.page.reports"), ChartTitle: t("share.page.chart"), ChartAlt: t("share.page.chart_alt"),
		ChartSrc: token + "/chart.png?lang=" + string(l),
		Drawn:    t("share.page.drawn", "Time", stamp(l, now.In(loc)), "Zone", loc.String()),
	}
	if g.MissionName != "" {
		d.Title = t("share.page.mission_title", "Mission", g.MissionName)
	}
	for _, x := range locale.Languages() {
		d.Langs = append(d.Langs, langLink{Code: string(x), Name: x.Name(), Href: token + "?lang=" + url.QueryEscape(string(x)), Current: x == l})
	}
	if g.MissionLead != "" {
		d.Facts = append(d.Facts, t("share.page.lead", "Country", render.Country(l, g.MissionLead)))
	}
	if g.MandateEnd != nil {
		d.Facts = append(d.Facts, t("share.page.mandate_end", "Date", locale.Date(l, g.MandateEnd.In(loc))))
	}
	num := func(n int64) string { return render.Number(l, n) }
	d.Deployed, d.Planned = v.Deployed, int64(g.Planned)
	if g.Planned > 0 {
		d.HasBar = true
		d.Headline = t("share.page.deployed_of_planned", "Deployed", num(v.Deployed), "Planned", num(int64(g.Planned)),
			"Percent", locale.Percent(l, v.Deployed, int64(g.Planned)))
	} else {
		d.Headline = t("share.page.deployed", "Deployed", num(v.Deployed)) + " · " + t("share.page.planned_unset")
	}
	var women, pledged, gap int64
	for _, c := range v.Levels {
		r := row{Country: render.Country(l, c.Country), Deployed: num(c.Deployed), Women: womenCell(l, c.Women, c.Deployed)}
		r.Pledged, r.Gap = pledgeCells(l, c)
		d.Rows = append(d.Rows, r)
		women += c.Women
		pledged += c.Pledged
		gap += max(c.Pledged-c.Deployed, 0)
	}
	d.Total = row{Country: t("share.page.total"), Deployed: num(v.Deployed), Pledged: num(pledged), Gap: num(gap), Women: womenCell(l, women, v.Deployed)}
	if women > 0 {
		d.Women = t("women.forces_title") + ": " + t("women.forces_total", "Women", num(women), "Deployed", num(v.Deployed), "Percent", locale.Percent(l, women, v.Deployed))
	} else {
		d.Women = t("women.forces_title") + ": " + t("share.page.women_none")
	}
	for _, r := range v.Reports {
		d.Reports = append(d.Reports, t("share.page.report_line", "Amount", render.ReportAmount(l, r.Report), "Source", r.Source,
			"Date", locale.Date(l, r.AsOf.In(loc)), "Agreement", render.Agreement(l, r.Agreement)))
	}
	// With forces alone, nothing on the page tells when or where a flight lands.
	if sh.Scope.Flights() {
		if err := h.flights(ctx, &d, sh.GuildID, l, loc, token); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := pageT.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// flights fills the page's upcoming flights and the calendar link.
func (h *Handler) flights(ctx context.Context, d *pageData, guildID string, l locale.Lang, loc *time.Location, token string) error {
	fs, err := h.store.FindFlights(ctx, guildID, storage.FlightFilter{Status: storage.FlightsUpcoming, Limit: upcomingShown})
	if err != nil {
		return err
	}
	t := func(key string, args ...any) string { return locale.T(l, key, args...) }
	d.ShowFlights = true
	d.FlightsTitle, d.NoFlights = t("share.page.flights"), t("share.page.no_flights")
	d.FlightCols = flightCols{t("share.page.col_eta"), t("share.page.col_status"), t("share.page.col_destination"), t("share.page.col_manifest")}
	for _, f := range fs {
		d.Flights = append(d.Flights, flightRow{ETA: stamp(l, f.ETA.In(loc)), Status: t("cmd.flight.status." + string(f.Status)),
			Destination: destination(l, f), Manifest: manifest(l, f.Manifest)})
	}
	d.CalendarHref = token + "/flights.ics"
	d.CalendarLink, d.CalendarHint = t("share.page.calendar"), t("share.page.calendar_hint")
	return nil
}

// stamp is a time written out in words in its own location: "Monday 2 January 2006, 14:05".
func stamp(l locale.Lang, t time.Time) string {
	return locale.Date(l, t) + " " + t.Format("15:04")
}

func destination(l locale.Lang, f storage.Flight) string {
	if f.Destination == "" {
		return locale.T(l, "render.no_destination")
	}
	return f.Destination
}

// manifest is a flight's manifest on one line with country names, in l.
func manifest(l locale.Lang, lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return locale.T(l, "render.manifest_none")
	}
	out := ""
	for i, m := range lines {
		if i > 0 {
			out += "; "
		}
		out += render.ManifestLine(l, m.ManifestLine)
	}
	return out
}

// womenCell is the women among deployed with their share, or a dash when none are recorded.
func womenCell(l locale.Lang, women, deployed int64) string {
	if women == 0 {
		return "—"
	}
	return render.Number(l, women) + " (" + locale.Percent(l, women, deployed) + ")"
}

// pledgeCells are a country's pledged and gap cells, read as render.Pledge reads them.
func pledgeCells(l locale.Lang, c storage.CountryForce) (pledged, gap string) {
	switch {
	case c.Pledges == 0:
		return locale.T(l, "share.page.no_pledge"), "—"
	case c.PledgeUnknown && c.Pledged == 0:
		return locale.T(l, "share.page.pledge_unknown"), "—"
	}
	pledged = render.Number(l, c.Pledged)
	if c.PledgeUnknown {
		pledged = locale.T(l, "share.page.pledged_partly_unknown", "Pledged", pledged)
	}
	if g := c.Pledged - c.Deployed; g > 0 {
		return pledged, render.Number(l, g)
	}
	return pledged, locale.T(l, "share.page.met")
}
