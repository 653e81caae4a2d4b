package commands

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// departureCommand logs personnel leaving; the force level drops by that much.
func departureCommand(d Deps) *bot.Command {
	reasons := mission.DepartureReasons()
	return &bot.Command{Name: "departure", Description: "Log personnel leaving the mission", Routes: []bot.Route{{
		Name: "log", Description: "Log a departure", Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{
			optCountry(true),
			optPersonnel(true, personnelDescription),
			optRole(),
			optWhen("when", "When they left (default now)", false),
			optChoice("reason", "Why they left", false, mission.Strings(reasons[:]...)...),
			optString("source", "Where this figure comes from", false, mission.MaxLongText),
			optString("note", "Note", false, mission.MaxLongText),
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, _, err1 := country(req, "country")
			n, _, err2 := personnel(req)
			r, err3 := role(req)
			t, _, err4 := happened(req, "when", req.Now, "a departure is logged when it has happened: leave `when` out for now")
			source, _, err5 := text(req, "source", mission.MaxLongText)
			note, _, err6 := text(req, "note", mission.MaxLongText)
			if err := firstErr(err1, err2, err3, err4, err5, err6); err != nil {
				return nil, err
			}
			if c == "" || n == 0 {
				return nil, mission.Invalidf("`/departure log country:KE personnel:100 reason:rotation`", "country and personnel are required")
			}
			given, _ := req.String("reason")
			reason := mission.DepartureReason(strings.ToLower(given))
			if reason == "" {
				reason = mission.ReasonOther
			}
			if !reason.Valid() {
				return nil, mission.Invalidf("`reason:rotation` (one of "+strings.Join(mission.Strings(reasons[:]...), ", ")+")", "unknown reason %q", given)
			}
			dep, err := d.Store.LogDeparture(ctx, req.Actor(), storage.Departure{Country: c, Personnel: n, Role: r,
				DepartedAt: t, Reason: reason, Source: source, Note: note})
			if err != nil {
				return nil, err
			}
			return done(req, "Departure **#%d** logged: %s · %s %s · %s · %s", dep.ID, render.Country(langOf(req), c), discordtext.Thousands(int64(n)), r, reason, stamp(t)), nil
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}}}
}
