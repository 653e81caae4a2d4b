package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// arrivalsCommand lists arrivals, newest first, ten to a page.
func arrivalsCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "arrivals", Description: "List logged arrivals, newest first", Routes: []bot.Route{{
		Access: bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{
			optCountry(false),
			optWhen("since", "From this time", false),
			optWhen("until", "Up to this time", false),
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			f := storage.ArrivalFilter{}
			var err1, err2, err3 error
			f.Country, _, err1 = country(req, "country")
			f.Since, _, err2 = when(req, "since", time.Time{})
			f.Until, _, err3 = when(req, "until", time.Time{})
			if err := firstErr(err1, err2, err3); err != nil {
				return nil, err
			}
			if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
				return nil, mission.Invalidf("`/arrivals since:2025-01-01 until:2025-02-01`", "until must be after since")
			}
			return arrivalsPage(ctx, d, req, f, 0)
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			// state: country:since:until (unix seconds, 0 for none)
			parts := strings.Split(state, ":")
			if len(parts) != 3 {
				return nil, fmt.Errorf("bad arrivals page state %q", state)
			}
			f := storage.ArrivalFilter{Country: parts[0], Since: unixOrZero(parts[1]), Until: unixOrZero(parts[2])}
			return updated(arrivalsPage(ctx, d, req, f, page))
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}}}
}

func unixOrZero(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func arrivalsPage(ctx context.Context, d Deps, req *bot.Request, f storage.ArrivalFilter, page int) (*bot.Reply, error) {
	f.Limit, f.Offset = pageSize, page*pageSize
	list, total, err := d.Store.FindArrivals(ctx, req.GuildID, f)
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(list))
	for _, a := range list {
		lines = append(lines, fmt.Sprintf("**#%d** %s", a.ID, arrivalText(a)))
	}
	title := "Arrivals"
	if f.Country != "" {
		title += " — " + render.Country(langOf(req), f.Country)
	}
	n := pages(total)
	state := fmt.Sprintf("%s:%d:%d", f.Country, unixOf(f.Since), unixOf(f.Until))
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(title, lines, page, n, total, "No arrivals logged yet — moderators use /arrival log.")},
		Components: pager("arrivals", page, n, state),
	}, nil
}
