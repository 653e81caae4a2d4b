package commands

import (
	"context"
	"slices"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

var flightSelections = []string{storage.FlightsUpcoming, storage.FlightsLanded, storage.FlightsCancelled, storage.FlightsAll}

// flightsCommand lists flights: upcoming ones soonest first, others most recent first.
func flightsCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "flights", Description: "desc.flights", Routes: []bot.Route{{
		Access:  bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{optChoice("status", "desc.flights.status", false, flightSelections...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			sel, _ := req.String("status")
			if sel == "" {
				sel = storage.FlightsUpcoming
			}
			if !slices.Contains(flightSelections, sel) {
				return nil, mission.Refuse(mission.EInvalid, "cmd.flights.unknown_status", "Status", mission.Quote(sel)).WithExample("cmd.flights.example")
			}
			return flightsPage(ctx, d, req, sel, seekKey{mode: seekFirst})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, sel, err := parseSeek(req.CustomID)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(flightSelections, sel) {
				return nil, errBadPage(req.CustomID)
			}
			return updated(flightsPage(ctx, d, req, sel, page))
		},
	}}}
}

func flightsPage(ctx context.Context, d Deps, req *bot.Request, sel string, page seekKey) (*bot.Reply, error) {
	lang := langOf(req)
	filter := storage.FlightFilter{Status: sel}
	read := func(k storage.Seek) ([]listRow, error) {
		list, err := d.Store.PageFlights(ctx, req.GuildID, filter, k)
		var rows []listRow
		for _, f := range list {
			line := statusIcon(lang, f.Status) + " " + render.FlightLine(lang, f)
			if f.Open() && f.ETA.Before(req.Now) {
				line += " · ⚠️ " + locale.T(lang, "cmd.flights.eta_passed")
			}
			rows = append(rows, listRow{storage.FlightCursor(f), line})
		}
		return rows, err
	}
	count := func(atMost int64) (int64, error) { return d.Store.CountFlights(ctx, req.GuildID, filter, atMost) }
	v, err := seekPageOf(page, discordtext.MaxDescription, read, count)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{
		Embeds: []*discordgo.MessageEmbed{seekEmbed(lang, locale.T(lang, "cmd.flights.title", "Status", locale.T(lang, bot.ChoiceKey("status", sel))), v,
			locale.T(lang, "cmd.flights.empty."+sel))},
		Components: seekPager(lang, "flights", v, sel),
	}, nil
}
