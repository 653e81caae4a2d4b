package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// arrivalsCommand lists arrivals, newest first, ten to a page.
func arrivalsCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "arrivals", Description: "desc.arrivals", Routes: []bot.Route{{
		Access: bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{
			optCountry(false),
			optWhen("since", "desc.arrivals.since", false),
			optWhen("until", "desc.arrivals.until", false),
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
				return nil, mission.Refuse(mission.EInvalid, "cmd.arrivals.until_before_since").WithExample("cmd.arrivals.example")
			}
			return arrivalsPage(ctx, d, req, f, seekKey{mode: seekFirst})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parseSeek(req.CustomID)
			if err != nil {
				return nil, err
			}
			// state: country:since:until (unix seconds, 0 for none)
			parts := strings.Split(state, ":")
			if len(parts) != 3 {
				return nil, errBadPage(req.CustomID)
			}
			since, err1 := unixOrZero(parts[1])
			until, err2 := unixOrZero(parts[2])
			if err1 != nil || err2 != nil {
				return nil, errBadPage(req.CustomID)
			}
			f := storage.ArrivalFilter{Country: parts[0], Since: since, Until: until}
			return updated(arrivalsPage(ctx, d, req, f, page))
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}}}
}

// unixOrZero reads a time of a page button's state: unix seconds, 0 for none.
func unixOrZero(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}, err
	}
	return time.Unix(n, 0).UTC(), nil
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func arrivalsPage(ctx context.Context, d Deps, req *bot.Request, f storage.ArrivalFilter, page seekKey) (*bot.Reply, error) {
	lang := langOf(req)
	read := func(k storage.Seek) ([]listRow, error) {
		list, err := d.Store.PageArrivals(ctx, req.GuildID, f, k)
		rows := make([]listRow, 0, len(list))
		for _, a := range list {
			rows = append(rows, listRow{storage.ArrivalCursor(a), fmt.Sprintf("**#%d** %s", a.ID, arrivalText(lang, a))})
		}
		return rows, err
	}
	count := func(atMost int64) (int64, error) { return d.Store.CountArrivals(ctx, req.GuildID, f, atMost) }
	v, err := seekPageOf(page, discordtext.MaxDescription, read, count)
	if err != nil {
		return nil, err
	}
	title := locale.T(lang, "cmd.arrivals.title")
	if f.Country != "" {
		title += " — " + render.Country(lang, f.Country)
	}
	state := fmt.Sprintf("%s:%d:%d", f.Country, unixOf(f.Since), unixOf(f.Until))
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{seekEmbed(lang, title, v, locale.T(lang, "cmd.arrivals.empty"))},
		Components: seekPager(lang, "arrivals", v, state),
	}, nil
}
