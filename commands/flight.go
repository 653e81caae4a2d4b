package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/storage"
)

// flightCommand schedules flights and follows them to landing or cancellation. Landing turns the
// manifest into arrivals; every change re-plans the flight's reminders in the same transaction.
func flightCommand(d Deps) *bot.Command {
	flightOpt := optID("flight", "The flight's #ID", true)
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "flight",
			Description: "Schedule and follow flights",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("schedule", "Schedule a flight (moderators)",
					optWhen("eta", "Expected time of arrival", true),
					optString("manifest", "e.g. GT 75 military; SV 8 medical (may be left empty)", false, 1000),
					optString("aircraft", "Aircraft", false, maxShortText),
					optString("origin", "Where it departs from", false, maxShortText),
					optString("destination", "Destination airport (default: the mission's, e.g. PAP)", false, 4),
					optString("source", "Where this was reported", false, maxLongText),
					optString("note", "Note", false, maxLongText),
				),
				subcommand("add", "Add one manifest line (moderators)", flightOpt, optCountry(true),
					optPersonnel(true, "Number of personnel (1–100000)"), optRole()),
				subcommand("delay", "Move a flight's ETA (moderators)", flightOpt, optWhen("eta", "New expected time of arrival", true),
					optString("reason", "Why", false, maxShortText)),
				subcommand("land", "Mark a flight landed; its manifest becomes arrivals (moderators)", flightOpt,
					optWhen("at", "When it landed (default now)", false)),
				subcommand("cancel", "Cancel a flight (moderators)", flightOpt, optString("reason", "Why", false, maxShortText)),
				subcommand("show", "Show a flight", flightOpt),
			},
		},
		Access: map[string]bot.Access{"schedule": bot.Moderator, "add": bot.Moderator, "delay": bot.Moderator,
			"land": bot.Moderator, "cancel": bot.Moderator},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if req.Sub == "schedule" {
				return scheduleFlight(ctx, d, req)
			}
			id, err := recordID(req, "flight", exFlight)
			if err != nil {
				return nil, err
			}
			var f storage.Flight
			var verb string
			switch req.Sub {
			case "show":
				f, err := d.Store.Flight(ctx, req.GuildID, id)
				if err != nil {
					return nil, err
				}
				return &bot.Reply{Embeds: []*discordgo.MessageEmbed{flightEmbed(f)}}, nil
			case "add":
				c, _, err1 := country(req, "country")
				n, _, err2 := personnel(req)
				r, err3 := role(req)
				if err := firstErr(err1, err2, err3); err != nil {
					return nil, err
				}
				if c == "" || n == 0 {
					return nil, bot.Errorf("`/flight add flight:12 country:GT personnel:75`", "country and personnel are required")
				}
				f, err = d.Store.AddManifestLine(ctx, req.Actor(), id, storage.ManifestLine{Country: c, Personnel: n, Role: r})
				verb = fmt.Sprintf("manifest line added (%s %d %s) to", c, n, r)
			case "delay":
				eta, ok, err1 := when(req, "eta", req.Now)
				reason, _, err2 := text(req, "reason", maxShortText)
				if err := firstErr(err1, err2); err != nil {
					return nil, err
				}
				if !ok {
					return nil, bot.Errorf("`/flight delay flight:12 eta:2025-01-05 10:00`", "eta is required")
				}
				f, err = d.Store.DelayFlight(ctx, req.Actor(), id, eta, reason)
				verb = "delayed:"
			case "land":
				at, _, err1 := when(req, "at", req.Now)
				if err1 != nil {
					return nil, err1
				}
				if at.After(req.Now.Add(5 * time.Minute)) {
					return nil, bot.Errorf("`/flight land flight:12` or `at:2025-01-04 14:10`", "a flight cannot land in the future (%s)", stamp(at))
				}
				var arrivals []storage.Arrival
				f, arrivals, err = d.Store.LandFlight(ctx, req.Actor(), id, at)
				verb = fmt.Sprintf("landed, %d arrival(s) logged from its manifest:", len(arrivals))
			case "cancel":
				reason, _, err1 := text(req, "reason", maxShortText)
				if err1 != nil {
					return nil, err1
				}
				f, err = d.Store.CancelFlight(ctx, req.Actor(), id, reason)
				verb = "cancelled:"
			default:
				return nil, fmt.Errorf("unknown subcommand %q", req.Sub)
			}
			if err != nil {
				return nil, err
			}
			r := done(req, "Flight **#%d** %s", f.ID, strings.TrimSuffix(verb, ":"))
			r.Embeds = []*discordgo.MessageEmbed{flightEmbed(f)}
			return r, nil
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			if req.Focused == "country" {
				return countryChoices(req, "country"), nil
			}
			sel := storage.FlightsUpcoming
			if req.Sub == "show" {
				sel = storage.FlightsAll
			}
			return flightChoices(ctx, d, req, sel)
		},
	}
}

func scheduleFlight(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	eta, ok, err := when(req, "eta", req.Now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf("`/flight schedule eta:2025-01-04 14:00 manifest:GT 75 military`", "eta is required")
	}
	m, _ := req.String("manifest")
	entries, err := ParseManifest(m)
	if err != nil {
		return nil, bot.Invalid(err, exManifest)
	}
	aircraft, _, err1 := text(req, "aircraft", maxShortText)
	origin, _, err2 := text(req, "origin", maxShortText)
	source, _, err3 := text(req, "source", maxLongText)
	note, _, err4 := text(req, "note", maxLongText)
	dest, hasDest, err5 := airport(req, "destination")
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	if !hasDest {
		dest = req.Guild.Airport
	}
	f := storage.Flight{ETA: eta, Aircraft: aircraft, Origin: origin, Destination: dest, Source: source, Note: note}
	for _, e := range entries {
		f.Manifest = append(f.Manifest, storage.ManifestLine{Country: e.Country, Personnel: e.Personnel, Role: e.Role})
	}
	f, err = d.Store.ScheduleFlight(ctx, req.Actor(), f)
	if err != nil {
		return nil, err
	}
	r := done(req, "Flight **#%d** scheduled, ETA %s", f.ID, stamp(f.ETA))
	r.Embeds = []*discordgo.MessageEmbed{flightEmbed(f)}
	return r, nil
}

// flightEmbed shows a flight in full.
func flightEmbed(f storage.Flight) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: fmt.Sprintf("Flight #%d → %s", f.ID, f.Destination), Color: colourInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Status", Value: statusIcon(f.Status), Inline: true},
			{Name: "ETA", Value: stamp(f.ETA), Inline: true},
		}}
	if f.LandedAt != nil {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Landed", Value: stamp(*f.LandedAt), Inline: true})
		e.Color = colourSuccess
	}
	if f.Status == storage.FlightCancelled || f.Status == storage.FlightDelayed {
		e.Color = colourWarning
	}
	for _, kv := range [][2]string{{"Aircraft", f.Aircraft}, {"Origin", f.Origin}, {"Reason", f.Reason}, {"Source", f.Source}, {"Note", f.Note}} {
		if kv[1] != "" {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: kv[0], Value: kv[1], Inline: kv[0] != "Note"})
		}
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Manifest", Value: manifestText(f.Manifest)})
	return e
}

// flightChoices autocompletes a flight #ID from the guild's own flights.
func flightChoices(ctx context.Context, d Deps, req *bot.Request, sel string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	list, _, err := d.Store.FindFlights(ctx, req.GuildID, storage.FlightFilter{Status: sel, Prefix: focusedDigits(req), Limit: discordtext.MaxChoices})
	if err != nil {
		return nil, err
	}
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(list))
	for _, f := range list {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: flightLabel(f, req.Location()), Value: f.ID})
	}
	return out, nil
}
