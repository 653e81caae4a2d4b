package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// flightCommand schedules flights and follows them to landing or cancellation. Landing turns the
// manifest into arrivals; every change re-plans the flight's reminders in the same transaction.
func flightCommand(d Deps) *bot.Command {
	flightOpt := optID("flight", "The flight's #ID", true)
	open := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		if req.Focused == "country" {
			return countryChoices(req, "country"), nil
		}
		return flightChoices(ctx, d, req, storage.FlightsUpcoming)
	}
	any := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		return flightChoices(ctx, d, req, storage.FlightsAll)
	}
	change := func(fn func(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error)) bot.Handler {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			id, err := recordID(req, "flight", exFlight)
			if err != nil {
				return nil, err
			}
			return fn(ctx, d, req, id)
		}
	}
	return &bot.Command{
		Name:        "flight",
		Description: "Schedule and follow flights",
		Routes: []bot.Route{
			{Name: "schedule", Description: "Schedule a flight", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{
					optWhen("eta", "Expected time of arrival", true),
					optString("manifest", "e.g. GT 75 military; SV 8 medical (may be left empty)", false, maxManifestText),
					optString("aircraft", "Aircraft", false, mission.MaxShortText),
					optString("origin", "Where it departs from", false, mission.MaxShortText),
					optString("destination", "Destination airport (default: the mission's, e.g. PAP)", false, maxAirport),
					optString("source", "Where this was reported", false, mission.MaxLongText),
					optString("note", "Note", false, mission.MaxLongText),
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return scheduleFlight(ctx, d, req) }},
			{Name: "add", Description: "Add one manifest line", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optCountry(true), optPersonnel(true, personnelDescription), optRole()},
				Run:     change(addManifestLine), Autocomplete: open},
			{Name: "delay", Description: "Move a flight's ETA", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optWhen("eta", "New expected time of arrival", true),
					optString("reason", "Why", false, mission.MaxShortText)},
				Run: change(delayFlight), Autocomplete: open},
			{Name: "land", Description: "Mark a flight landed; its manifest becomes arrivals", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optWhen("at", "When it landed (default now)", false)},
				Run:     change(landFlight), Autocomplete: open},
			{Name: "cancel", Description: "Cancel a flight", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optString("reason", "Why", false, mission.MaxShortText)},
				Run:     change(cancelFlight), Autocomplete: open},
			{Name: "show", Description: "Show a flight", Access: bot.Everyone,
				Options: []*discordgo.ApplicationCommandOption{flightOpt},
				Run:     change(showFlight), Autocomplete: any},
		},
	}
}

func showFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	f, err := d.Store.Flight(ctx, req.GuildID, id)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{flightEmbed(f)}}, nil
}

func addManifestLine(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	c, _, err1 := country(req, "country")
	n, _, err2 := personnel(req)
	r, err3 := role(req)
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, err
	}
	if c == "" || n == 0 {
		return nil, mission.Invalidf("`/flight add flight:12 country:GT personnel:75`", "country and personnel are required")
	}
	line := mission.ManifestLine{Country: c, Personnel: n, Role: r}
	f, err := d.Store.AddManifestLine(ctx, req.Actor(), id, line)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "gets a manifest line: "+render.ManifestLine(langOf(req), line)), nil
}

func delayFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	eta, ok, err1 := when(req, "eta", req.Now)
	reason, _, err2 := text(req, "reason", mission.MaxShortText)
	if err := firstErr(err1, err2); err != nil {
		return nil, err
	}
	if !ok {
		return nil, mission.Invalidf("`/flight delay flight:12 eta:2025-01-05 10:00`", "eta is required")
	}
	f, err := d.Store.DelayFlight(ctx, req.Actor(), id, eta, reason)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "delayed"), nil
}

func landFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	at, _, err := happened(req, "at", req.Now, "`/flight land flight:12` (now) or `at:2025-01-04 14:10`")
	if err != nil {
		return nil, err
	}
	f, err := d.Store.Flight(ctx, req.GuildID, id)
	if err != nil {
		return nil, err
	}
	if earliest := earliestLanding(f); at.Before(earliest) {
		return nil, mission.Invalidf("`/flight land flight:12` (now) or a time after "+stamp(earliest),
			"flight #%d cannot have landed %s: it was scheduled %s, for %s", f.ID, stamp(at), stamp(f.CreatedAt), stamp(f.ETA))
	}
	f, arrivals, err := d.Store.LandFlight(ctx, req.Actor(), id, at)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, fmt.Sprintf("landed, %d arrival(s) logged from its manifest", len(arrivals))), nil
}

// earliestLanding is the first time a flight can have landed: when it was scheduled, or its
// ETA if a moderator scheduled it after the fact, less the clocks' leeway.
func earliestLanding(f storage.Flight) time.Time {
	first := f.CreatedAt
	if f.ETA.Before(first) {
		first = f.ETA
	}
	return first.Add(-mission.ClockLeeway)
}

func cancelFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	reason, _, err := text(req, "reason", mission.MaxShortText)
	if err != nil {
		return nil, err
	}
	f, err := d.Store.CancelFlight(ctx, req.Actor(), id, reason)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "cancelled"), nil
}

// flightChanged is the public answer to a flight change: what was done, by whom, and the flight.
func flightChanged(req *bot.Request, f storage.Flight, verb string) *bot.Reply {
	r := done(req, "Flight **#%d** %s", f.ID, verb)
	r.Embeds = []*discordgo.MessageEmbed{flightEmbed(f)}
	return r
}

func scheduleFlight(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	eta, ok, err := when(req, "eta", req.Now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, mission.Invalidf("`/flight schedule eta:2025-01-04 14:00 manifest:GT 75 military`", "eta is required")
	}
	m, _ := req.String("manifest")
	lines, err := mission.ParseManifest(m)
	if err != nil {
		return nil, mission.Invalid(err, exManifest)
	}
	aircraft, _, err1 := text(req, "aircraft", mission.MaxShortText)
	origin, _, err2 := text(req, "origin", mission.MaxShortText)
	source, _, err3 := text(req, "source", mission.MaxLongText)
	note, _, err4 := text(req, "note", mission.MaxLongText)
	dest, hasDest, err5 := airport(req, "destination")
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	if !hasDest {
		dest = req.Guild.Airport
	}
	f := storage.Flight{ETA: eta, Aircraft: aircraft, Origin: origin, Destination: dest, Source: source, Note: note}
	for _, l := range lines {
		f.Manifest = append(f.Manifest, storage.ManifestLine{ManifestLine: l})
	}
	f, err = d.Store.ScheduleFlight(ctx, req.Actor(), f)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "scheduled, ETA "+stamp(f.ETA)), nil
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
	if f.Status == mission.FlightCancelled || f.Status == mission.FlightDelayed {
		e.Color = colourWarning
	}
	for _, kv := range [][2]string{{"Aircraft", f.Aircraft}, {"Origin", f.Origin}, {"Reason", f.Reason}, {"Source", f.Source}, {"Note", f.Note}} {
		if kv[1] != "" {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: kv[0], Value: kv[1], Inline: kv[0] != "Note"})
		}
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Manifest", Value: render.Manifest(render.English, f.Manifest)})
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
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: render.FlightLabel(langOf(req), f, req.Guild), Value: f.ID})
	}
	return out, nil
}
