package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
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
			return flightsPage(ctx, d, req, sel, 0)
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, sel, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(flightSelections, sel) {
				return nil, fmt.Errorf("bad flights page state %q", sel)
			}
			return updated(flightsPage(ctx, d, req, sel, page))
		},
	}}}
}

func flightsPage(ctx context.Context, d Deps, req *bot.Request, sel string, page int) (*bot.Reply, error) {
	list, total, err := d.Store.FindFlights(ctx, req.GuildID, storage.FlightFilter{Status: sel, Limit: pageSize, Offset: page * pageSize})
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, f := range list {
		line := statusIcon(f.Status) + " " + render.FlightLine(langOf(req), f)
		if f.Open() && f.ETA.Before(req.Now) {
			line += " · ⚠️ ETA passed"
		}
		lines = append(lines, line)
	}
	n := pages(total)
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed("Flights — "+sel, lines, page, n, total, "No "+sel+" flights. Moderators schedule one with /flight schedule.")},
		Components: pager("flights", page, n, sel),
	}, nil
}
