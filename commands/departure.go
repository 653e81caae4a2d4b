package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/storage"
)

// departureCommand logs personnel leaving; the force level drops by that much.
func departureCommand(d Deps) *bot.Command {
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "departure",
			Description: "Log personnel leaving the mission",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("log", "Log a departure (moderators)",
					optCountry(true),
					optPersonnel(true, "Number of personnel (1–100000)"),
					optRole(),
					optWhen("when", "When they left (default now)", false),
					optChoice("reason", "Why they left", false, storage.DepartureReasons...),
					optString("source", "Where this figure comes from", false, maxLongText),
					optString("note", "Note", false, maxLongText),
				),
			},
		},
		Access: map[string]bot.Access{"log": bot.Moderator},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, _, err1 := country(req, "country")
			n, _, err2 := personnel(req)
			r, err3 := role(req)
			t, _, err4 := when(req, "when", req.Now)
			source, _, err5 := text(req, "source", maxLongText)
			note, _, err6 := text(req, "note", maxLongText)
			if err := firstErr(err1, err2, err3, err4, err5, err6); err != nil {
				return nil, err
			}
			if c == "" || n == 0 {
				return nil, bot.Errorf("`/departure log country:KE personnel:100 reason:rotation`", "country and personnel are required")
			}
			reason, _ := req.String("reason")
			if reason == "" {
				reason = "other"
			}
			reason = strings.ToLower(reason)
			if !slices.Contains(storage.DepartureReasons, reason) {
				return nil, bot.Errorf("`reason:rotation` (one of "+strings.Join(storage.DepartureReasons, ", ")+")", "unknown reason %q", reason)
			}
			dep, err := d.Store.LogDeparture(ctx, req.Actor(), storage.Departure{Country: c, Personnel: n, Role: r,
				DepartedAt: t, Reason: reason, Source: source, Note: note})
			if err != nil {
				return nil, err
			}
			return done(req, "Departure **#%d** logged: %s · %s %s · %s · %s", dep.ID, CountryName(c), discordtext.Thousands(int64(n)), r, reason, stamp(t)), nil
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}
}
