package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/storage"
)

// forcesCommand answers "how many are on the ground, from whom, against how many planned?". It
// reads the running totals that storage keeps beside the history, so its cost does not grow
// with the number of arrivals.
func forcesCommand(d Deps) *bot.Command {
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "forces",
			Description: "Force levels: deployed vs pledged vs planned, by country",
			Options:     []*discordgo.ApplicationCommandOption{optCountry(false)},
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, ok, err := country(req, "country")
			if err != nil {
				return nil, err
			}
			if ok {
				return countryForces(ctx, d, req, c)
			}
			return allForces(ctx, d, req)
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}
}

func allForces(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	rows, deployed, err := d.Store.ForceLevels(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	recent, err := d.Store.ArrivedSince(ctx, req.GuildID, req.Now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}

	g := req.Guild
	title := "Force levels"
	if g.MissionName != "" {
		title += " — " + g.MissionName
	}
	var desc strings.Builder
	if g.Planned > 0 {
		fmt.Fprintf(&desc, "**%s** deployed of **%s** planned (%s)\n%s\n", discordtext.Thousands(deployed), discordtext.Thousands(int64(g.Planned)),
			discordtext.Percent(deployed, int64(g.Planned)), discordtext.ProgressBar(deployed, int64(g.Planned)))
	} else {
		fmt.Fprintf(&desc, "**%s** deployed (planned strength not set: /mission set planned:2500)\n", discordtext.Thousands(deployed))
	}
	desc.WriteString("\n**By country** — deployed · pledged · gap\n")
	if len(rows) == 0 {
		desc.WriteString("_nothing logged yet: /arrival log or /pledge set_\n")
	}
	for _, l := range rows {
		fmt.Fprintf(&desc, "%s — %s · %s\n", CountryName(l.Country), discordtext.Thousands(l.Deployed), pledgeText(l))
	}
	e := &discordgo.MessageEmbed{Title: title, Color: colourInfo, Description: desc.String(),
		Fields: []*discordgo.MessageEmbedField{{Name: "Arrivals in the last 7 days", Value: discordtext.Thousands(recent) + " personnel", Inline: true}}}
	next, err := nextFlight(ctx, d, req)
	if err != nil {
		return nil, err
	}
	e.Fields = append(e.Fields, next)
	e.Footer = &discordgo.MessageEmbedFooter{Text: "Pledges: latest per country and role, with their sources in /pledge list"}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}}, nil
}

// pledgeText renders a country's pledge and gap.
func pledgeText(l storage.CountryForce) string {
	switch {
	case l.Pledges == 0:
		return "no pledge"
	case l.PledgeUnknown && l.Pledged == 0:
		return "pledged (size not reported)"
	}
	s := "pledged " + discordtext.Thousands(l.Pledged)
	if l.PledgeUnknown {
		s += "+ (some sizes not reported)"
	}
	if gap := l.Pledged - l.Deployed; gap > 0 {
		s += " · gap " + discordtext.Thousands(gap)
	} else {
		s += " · pledge met"
	}
	return s
}

// nextFlight is the "Next flight" field: the soonest upcoming flight, or else the oldest one
// still open past its ETA (neither landed nor cancelled), flagged as overdue.
func nextFlight(ctx context.Context, d Deps, req *bot.Request) (*discordgo.MessageEmbedField, error) {
	f, overdue, err := d.Store.NextFlight(ctx, req.GuildID, req.Now)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return &discordgo.MessageEmbedField{Name: "Next flight", Value: "none scheduled (/flight schedule)"}, nil
	case err != nil:
		return nil, err
	case overdue:
		return &discordgo.MessageEmbedField{Name: "Next flight — overdue", Value: fmt.Sprintf("#%d · ETA was %s · %s · %s\nNeither landed nor cancelled: /flight land flight:%d or /flight cancel flight:%d",
			f.ID, stamp(f.ETA), f.Destination, FormatManifest(manifestOf(f.Manifest)), f.ID, f.ID)}, nil
	}
	return &discordgo.MessageEmbedField{Name: "Next flight", Value: fmt.Sprintf("#%d · %s · %s · %s", f.ID, stamp(f.ETA),
		f.Destination, FormatManifest(manifestOf(f.Manifest)))}, nil
}

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
	var roles strings.Builder
	var deployed int64
	for _, t := range totals {
		if t.Country == c {
			fmt.Fprintf(&roles, "%s: %s\n", t.Role, discordtext.Thousands(t.Deployed))
			deployed += t.Deployed
		}
	}
	if roles.Len() == 0 {
		roles.WriteString("none deployed")
	}
	var pl strings.Builder
	for _, p := range pledges {
		if p.Country != c {
			continue
		}
		size := "size not reported"
		if p.Personnel != nil {
			size = discordtext.Thousands(int64(*p.Personnel))
		}
		fmt.Fprintf(&pl, "%s %s, as of %s — %s\n", size, p.Role, shortStamp(p.AsOf), orDash(p.Source))
	}
	if pl.Len() == 0 {
		pl.WriteString("no pledge recorded")
	}
	arrivals, _, err := d.Store.FindArrivals(ctx, req.GuildID, storage.ArrivalFilter{Country: c, Limit: 10})
	if err != nil {
		return nil, err
	}
	departures, err := d.Store.FindDepartures(ctx, req.GuildID, storage.ArrivalFilter{Country: c, Limit: 10})
	if err != nil {
		return nil, err
	}
	type event struct {
		at   time.Time
		line string
	}
	var events []event
	for _, a := range arrivals {
		events = append(events, event{a.ArrivedAt, fmt.Sprintf("%s ⬇️ #%d %s %s arrived — %s", shortStamp(a.ArrivedAt), a.ID, discordtext.Thousands(int64(a.Personnel)), a.Role, orDash(a.Source))})
	}
	for _, dp := range departures {
		events = append(events, event{dp.DepartedAt, fmt.Sprintf("%s ⬆️ %s %s left (%s) — %s", shortStamp(dp.DepartedAt), discordtext.Thousands(int64(dp.Personnel)), dp.Role, dp.Reason, orDash(dp.Source))})
	}
	sort.Slice(events, func(i, j int) bool { return events[i].at.After(events[j].at) })
	var tl strings.Builder
	for i, e := range events {
		if i == 10 {
			break
		}
		tl.WriteString(e.line + "\n")
	}
	if tl.Len() == 0 {
		tl.WriteString("nothing logged")
	}
	e := &discordgo.MessageEmbed{Title: "Force level — " + CountryName(c), Color: colourInfo,
		Description: fmt.Sprintf("**%s** deployed", discordtext.Thousands(deployed)),
		Fields: []*discordgo.MessageEmbedField{
			{Name: "By role", Value: roles.String(), Inline: true},
			{Name: "Pledges", Value: pl.String()},
			{Name: "Timeline (latest first)", Value: tl.String()},
		}}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}}, nil
}

func orDash(s string) string {
	if s == "" {
		return "no source given"
	}
	return s
}
