package commands

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/render"
	"liaison/storage"
)

// forcesCommand answers "how many are on the ground, from whom, against how many planned?". It
// reads the running totals that storage keeps beside the history, so its cost does not grow
// with the number of arrivals.
func forcesCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "forces", Description: "desc.forces", Routes: []bot.Route{{
		Access:  bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{optCountry(false), optChart(), optWhen("since", "desc.forces.since", false)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, ok, err := country(req, "country")
			if err != nil {
				return nil, err
			}
			pic, err := wantsChart(req)
			if err != nil {
				return nil, err
			}
			// A window is only drawn: since asks for the chart, as chart:true does.
			since, window, err := when(req, "since", time.Time{})
			if err != nil {
				return nil, err
			}
			if pic || window {
				return forcesChart(ctx, d, req, c, ok, since)
			}
			if ok {
				return countryForces(ctx, d, req, c)
			}
			return allForces(ctx, d, req, 0)
		},
		// The countries' pages: any guild has at most one line per country code, so all of them
		// are loaded and cut at once, and page k is the same countries on every click.
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, _, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			return updated(allForces(ctx, d, req, page.page))
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}}}
}

// maxCountries is the most countries on one page of /forces, for readability.
const maxCountries = 60

// allForces is /forces' answer, or (page > 0) one of its further pages of countries. The first
// page has the headline, as many countries as fit (at most maxCountries), recent arrivals and the
// next flight; further pages have more countries under the same heading. A page past the last
// shows the last.
func allForces(ctx context.Context, d Deps, req *bot.Request, page int) (*bot.Reply, error) {
	// One view of everything the page shows, from the guild's snapshot when fresh.
	view, err := d.Store.ForcesView(ctx, req.GuildID, req.Now, recentWindow)
	if err != nil {
		return nil, err
	}
	rows, deployed := view.Levels, view.Deployed
	lang, g := langOf(req), req.Guild
	lines := make([]string, len(rows))
	for i, l := range rows {
		lines[i] = render.CountryLevel(lang, l)
	}
	// Every page is cut to the room the first page's headline leaves, so that the cut does not
	// depend on which page is asked for.
	head := render.Deployed(lang, g, deployed) + "\n\n" + render.ByCountry(lang) + "\n"
	pages := discordtext.Pages(lines, discordtext.MaxDescription-utf8.RuneCountInString(head), maxCountries)
	n := max(1, len(pages))
	page = min(page, n-1)
	var shown []storage.CountryForce
	if len(pages) > 0 {
		first := 0
		for _, p := range pages[:page] {
			first += len(p)
		}
		shown = rows[first : first+len(pages[page])]
	}
	v := listView{key: pageKey{page: page}, pages: n, parts: 1, total: int64(len(rows))}

	title := locale.T(lang, "cmd.forces.title")
	if g.MissionName != "" {
		title += " — " + g.MissionName
	}
	footer := &discordgo.MessageEmbedFooter{Text: locale.T(lang, "cmd.forces.footer")}
	if page > 0 {
		e := &discordgo.MessageEmbed{Title: title, Color: render.ColourInfo, Footer: footer,
			Description: render.ByCountry(lang) + "\n" + strings.Join(pages[page], "\n")}
		return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: pager(lang, "forces", v, "")}, nil
	}
	recent := view.Recent
	e := &discordgo.MessageEmbed{Title: title, Color: render.ColourInfo, Description: render.ForceSummary(lang, g, shown, deployed, len(shown)),
		Fields: []*discordgo.MessageEmbedField{{Name: locale.T(lang, "cmd.forces.recent"), Value: locale.T(lang, "cmd.forces.personnel", "Count", recent), Inline: true},
			womenTotal(lang, rows, deployed)}}
	e.Fields = append(e.Fields, nextFlight(lang, view))
	if f := reportsField(lang, view.Reports); f != nil {
		e.Fields = append(e.Fields, f)
	}
	e.Footer = footer
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: pager(lang, "forces", v, "")}, nil
}

// womenTotal is the "Women" field of /forces: the women recorded among everyone deployed and
// their share, over every country (not only the page's).
func womenTotal(lang render.Lang, rows []storage.CountryForce, deployed int64) *discordgo.MessageEmbedField {
	var women int64
	for _, r := range rows {
		women += r.Women
	}
	value := locale.T(lang, "women.forces_none")
	if women > 0 {
		value = locale.T(lang, "women.forces_total", "Women", render.Number(lang, women), "Deployed", render.Number(lang, deployed),
			"Percent", locale.Percent(lang, women, deployed))
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "women.forces_title"), Value: value, Inline: true}
}

// nextFlight is the "Next flight" field: the soonest upcoming flight, or else the oldest one
// still open past its ETA (neither landed nor cancelled), flagged as overdue.
func nextFlight(lang render.Lang, v storage.ForcesView) *discordgo.MessageEmbedField {
	f := v.Next
	switch {
	case f == nil:
		return &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.forces.next_flight"), Value: locale.T(lang, "cmd.forces.no_flight")}
	case v.Overdue:
		return &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.forces.next_flight_overdue"),
			Value: render.FlightLine(lang, *f) + "\n" + locale.T(lang, "cmd.forces.overdue", "ID", f.ID)}
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.forces.next_flight"), Value: render.FlightLine(lang, *f)}
}

// timelineLength is how many arrivals and departures a country's timeline shows, latest first.
const timelineLength = 10

// recentWindow is the window of "arrivals in the last 7 days".
const recentWindow = 7 * 24 * time.Hour

// countryForces shows one country's per-role split and timeline.
func countryForces(ctx context.Context, d Deps, req *bot.Request, c string) (*bot.Reply, error) {
	totals, err := d.Store.ForceTotals(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	pledges, err := d.Store.CurrentPledges(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	lang := langOf(req)
	var roles strings.Builder
	var deployed, women int64
	for _, t := range totals {
		if t.Country == c {
			roles.WriteString(locale.T(lang, "cmd.forces.role_line", "Role", roleText(lang, t.Role, t.Deployed), "Deployed", num(lang, t.Deployed)) +
				render.WomenShare(lang, t.Women, t.Deployed) + "\n") // French puts a space before the colon
			deployed += t.Deployed
			women += t.Women
		}
	}
	if roles.Len() == 0 {
		roles.WriteString(locale.T(lang, "cmd.forces.none_deployed"))
	}
	var pl strings.Builder
	for _, p := range pledges {
		if p.Country != c {
			continue
		}
		pl.WriteString(locale.T(lang, "cmd.forces.pledge", "Size", pledgeSize(lang, p), "AsOf", shortStamp(p.AsOf), "Source", orDash(lang, p.Source)) + "\n")
	}
	if pl.Len() == 0 {
		pl.WriteString(locale.T(lang, "cmd.forces.no_pledge"))
	}
	arrivals, _, err := d.Store.FindArrivals(ctx, req.GuildID, storage.ArrivalFilter{Country: c, Limit: timelineLength})
	if err != nil {
		return nil, err
	}
	departures, err := d.Store.FindDepartures(ctx, req.GuildID, storage.ArrivalFilter{Country: c, Limit: timelineLength})
	if err != nil {
		return nil, err
	}
	type event struct {
		at   time.Time
		line string
	}
	var events []event
	for _, a := range arrivals {
		n := int64(a.Personnel)
		events = append(events, event{a.ArrivedAt, shortStamp(a.ArrivedAt) + " ⬇️ " + locale.T(lang, "cmd.forces.arrived", "ID", a.ID,
			"Personnel", num(lang, n), "Role", roleText(lang, a.Role, n)+render.Women(lang, int64(a.Female)), "Source", orDash(lang, a.Source))})
	}
	for _, dp := range departures {
		n := int64(dp.Personnel)
		events = append(events, event{dp.DepartedAt, shortStamp(dp.DepartedAt) + " ⬆️ " + locale.T(lang, "cmd.forces.left",
			"Personnel", num(lang, n), "Role", roleText(lang, dp.Role, n)+render.Women(lang, int64(dp.Female)), "Reason", locale.T(lang, bot.ChoiceKey("reason", string(dp.Reason))),
			"Source", orDash(lang, dp.Source))})
	}
	sort.Slice(events, func(i, j int) bool { return events[i].at.After(events[j].at) })
	var tl strings.Builder
	for i, e := range events {
		if i == timelineLength {
			break
		}
		tl.WriteString(e.line + "\n")
	}
	if tl.Len() == 0 {
		tl.WriteString(locale.T(lang, "cmd.forces.nothing_logged"))
	}
	e := &discordgo.MessageEmbed{Title: locale.T(lang, "cmd.forces.country_title", "Country", render.Country(lang, c)), Color: render.ColourInfo,
		Description: locale.T(lang, "cmd.forces.deployed", "Deployed", num(lang, deployed)) + render.WomenShare(lang, women, deployed),
		Fields: []*discordgo.MessageEmbedField{
			{Name: locale.T(lang, "cmd.forces.by_role"), Value: roles.String(), Inline: true},
			{Name: locale.T(lang, "cmd.forces.pledges"), Value: pl.String()},
			{Name: locale.T(lang, "cmd.forces.timeline"), Value: tl.String()},
		}}
	reports, err := d.Store.LatestReports(ctx, req.GuildID, c, storage.LatestReportsShown)
	if err != nil {
		return nil, err
	}
	if f := reportsField(lang, reports); f != nil {
		e.Fields = append(e.Fields, f)
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}}, nil
}

// reportsField lists the latest reported figures under the force level, newest first, each
// beside the ledger of its day; nil when there are none. Each line is cut so that three fit a
// field, and /reports has them whole.
func reportsField(lang render.Lang, reports []storage.ReportView) *discordgo.MessageEmbedField {
	if len(reports) == 0 {
		return nil
	}
	lines := make([]string, len(reports))
	for i, r := range reports {
		lines[i] = discordtext.Truncate(render.ReportLine(lang, r), discordtext.MaxFieldValue/storage.LatestReportsShown-1)
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "report.heading"), Value: strings.Join(lines, "\n")}
}

// sourceText is "source: X" in lang, or that no source was given, never "source: no source".
func sourceText(lang render.Lang, s string) string {
	if s == "" {
		return locale.T(lang, "cmd.no_source")
	}
	return locale.T(lang, "cmd.source", "Source", s)
}

// orDash is a record's source, or says in lang that none was given.
func orDash(lang render.Lang, s string) string {
	if s == "" {
		return locale.T(lang, "cmd.no_source")
	}
	return s
}
