package commands

import (
	"context"
	"slices"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

var flightSelections = []string{storage.FlightsUpcoming, storage.FlightsLanded, storage.FlightsCancelled, storage.FlightsAll}

// flightsCommand lists flights: upcoming ones soonest first, others most recent first.
func flightsCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "flights", Description: "List flights", Routes: []bot.Route{{
		Access:  bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{optChoice("status", "Which flights (default upcoming)", false, flightSelections...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			sel, _ := req.String("status")
			if sel == "" {
				sel = storage.FlightsUpcoming
			}
			if !slices.Contains(flightSelections, sel) {
				return nil, mission.Invalidf("`/flights status:upcoming` (upcoming, landed, cancelled or all)", "unknown status %q", sel)
			}
			return flightsPage(ctx, d, req, sel, pageKey{})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, sel, err := parsePage(req.CustomID)
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

func flightsPage(ctx context.Context, d Deps, req *bot.Request, sel string, page pageKey) (*bot.Reply, error) {
	v, err := pageOf(page, discordtext.MaxDescription, func(offset, limit int) ([]string, int64, error) {
		list, total, err := d.Store.FindFlights(ctx, req.GuildID, storage.FlightFilter{Status: sel, Limit: limit, Offset: offset})
		var lines []string
		for _, f := range list {
			line := statusIcon(f.Status) + " " + render.FlightLine(langOf(req), f)
			if f.Open() && f.ETA.Before(req.Now) {
				line += " · ⚠️ ETA passed"
			}
			lines = append(lines, line)
		}
		return lines, total, err
	})
	if err != nil {
		return nil, err
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed("Flights — "+sel, v, "No "+sel+" flights. Moderators schedule one with /flight schedule.")},
		Components: pager("flights", v, sel),
	}, nil
}
