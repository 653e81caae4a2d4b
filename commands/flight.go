package commands

import (
	"context"
	"errors"
	"fmt"
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

// flightCommand schedules flights and follows them to landing or cancellation. Landing turns the
// manifest into arrivals; every change re-plans the flight's reminders in the same transaction.
func flightCommand(d Deps) *bot.Command {
	flightOpt := optID("flight", "desc.flight.flight", true)
	open := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		if req.Focused == "country" {
			return countryChoices(req, "country"), nil
		}
		return flightChoices(ctx, d, req, storage.FlightsUpcoming)
	}
	any := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		return flightChoices(ctx, d, req, storage.FlightsAll)
	}
	landed := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		return flightChoices(ctx, d, req, storage.FlightsLanded)
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
		Description: "desc.flight",
		Routes: []bot.Route{
			holdable(d, bot.Route{Name: "schedule", Description: "desc.flight.schedule", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{
					optWhen("eta", "desc.flight.eta", true),
					optString("manifest", "desc.flight.manifest", false, maxManifestText),
					optString("aircraft", "desc.flight.aircraft", false, mission.MaxShortText),
					optString("origin", "desc.flight.origin", false, mission.MaxShortText),
					optString("destination", "desc.flight.destination", false, maxAirport),
					optString("source", "desc.flight.source", false, mission.MaxLongText),
					optString("note", "desc.opt.note", false, mission.MaxLongText),
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return scheduleFlight(ctx, d, req) }}),
			holdable(d, bot.Route{Name: "add", Description: "desc.flight.add", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optCountry(true), optPersonnel(true, personnelDescription), optRole(), optFemale()},
				Run:     change(addManifestLine), Autocomplete: open}),
			holdable(d, bot.Route{Name: "delay", Description: "desc.flight.delay", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optWhen("eta", "desc.flight.new_eta", true),
					optString("reason", "desc.flight.reason", false, mission.MaxShortText)},
				Run: change(delayFlight), Autocomplete: open,
				Component: postButton(d, render.FlightDelay, delayFlight)}),
			holdable(d, bot.Route{Name: "land", Description: "desc.flight.land", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optWhen("at", "desc.flight.at", false)},
				Run:     change(landFlight), Autocomplete: open,
				Component: postButton(d, render.FlightLand, landFlight)}),
			{Name: "cancel", Description: "desc.flight.cancel", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optString("reason", "desc.flight.reason", false, mission.MaxShortText)},
				Run:     change(cancelFlight), Autocomplete: open,
				Component: postButton(d, render.FlightCancel, cancelFlight)},
			{Name: "unland", Description: "desc.flight.unland", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{flightOpt, optString("reason", "desc.flight.unland.reason", false, mission.MaxShortText)},
				Run:     change(unlandFlight), Autocomplete: landed},
			{Name: "show", Description: "desc.flight.show", Access: bot.Everyone,
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
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{flightEmbed(langOf(req), f)}}, nil
}

func addManifestLine(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	c, _, err1 := country(req, "country")
	n, _, err2 := personnel(req)
	r, err3 := role(req)
	w, _, err4 := female(req)
	if err := firstErr(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	if c == "" || n == 0 {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.country_personnel_required").WithExample("cmd.flight.add.example")
	}
	if err := mission.CheckFemaleOption(n, w); err != nil {
		return nil, err
	}
	if ask, err := settleRole(ctx, d, req, c, &r); ask != nil || err != nil {
		return ask, err
	}
	line := mission.ManifestLine{Country: c, Personnel: n, Role: r, Female: w}
	f, err := d.Store.AddManifestLine(ctx, req.Actor(), id, line)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "cmd.flight.added", "Line", render.ManifestLine(langOf(req), line)), nil
}

func delayFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	reason, _, err := text(req, "reason", mission.MaxShortText)
	if err != nil {
		return nil, err
	}
	var eta time.Time
	if s, _ := req.String("eta"); mission.IsShift(s) {
		// "+2h" moves the flight's own ETA, not now: the flight is two hours late.
		shift, err := mission.ParseShift(s)
		if err != nil {
			return nil, mission.InvalidWith(err, "cmd.flight.delay.example")
		}
		f, err := d.Store.Flight(ctx, req.GuildID, id)
		if err != nil {
			return nil, err
		}
		eta = f.ETA.Add(shift)
	} else {
		var ok bool
		if eta, ok, err = when(req, "eta", req.Now); err != nil {
			return nil, err
		}
		if !ok {
			return nil, mission.Refuse(mission.EInvalid, "cmd.opt.required", "Option", "eta").WithExample("cmd.flight.delay.example")
		}
	}
	// A new ETA already past is, like a flight scheduled in the past, more often typed wrong:
	// yesterday's date, "-2h" for "+2h", or "+2h" pressed on a nudge hours after the ETA.
	if eta.Before(req.Now.Add(-mission.ClockLeeway)) && !req.Acknowledged {
		return heldMistake(ctx, d, req, delayAsked(req, id), locale.T(langOf(req), "held.past_eta", "ETA", stamp(eta)))
	}
	f, err := d.Store.DelayFlight(ctx, req.Actor(), id, eta, reason)
	if err != nil {
		return nil, err
	}
	if moved, ok := delayedETA(ctx, d, req, f); ok {
		return flightChanged(req, f, "cmd.flight.delayed_from", "Change", render.FieldChange(langOf(req), mission.ActionDelay, moved)), nil
	}
	return flightChanged(req, f, "cmd.flight.delayed"), nil
}

// delayAsked is a delay as /flight delay runs it again, whatever door it came through (the
// command, or the Delay… form of a post, whose flight is in its custom_id): its Go ahead is
// /flight delay's, with the ETA as typed.
func delayAsked(req *bot.Request, id int64) asked {
	opts := map[string]any{"flight": float64(id)}
	for _, name := range []string{"eta", "reason"} {
		if v, ok := req.String(name); ok {
			opts[name] = v
		}
	}
	return asked{route: bot.RouteKey("flight", "delay"), opts: opts}
}

// delayedETA is the ETA's change that req's delay of f made, read from the audit entry it
// wrote, so that the answer names the ETA the delay really replaced even when someone else
// moved the flight a moment before. ok is false when that entry is not the newest of the
// flight (another change came after it) or the ETA did not move.
func delayedETA(ctx context.Context, d Deps, req *bot.Request, f storage.Flight) (mission.FieldChange, bool) {
	entries, err := d.Store.FindAudit(ctx, req.GuildID, storage.AuditFilter{Kind: mission.KindFlight, RecordID: f.ID, Limit: 1})
	if err != nil || len(entries) == 0 || entries[0].Action != mission.ActionDelay || entries[0].UserID != req.UserID {
		return mission.FieldChange{}, false
	}
	for _, c := range entries[0].Changes() {
		if c.Field == mission.FieldETA && c.After == f.ETA.UTC().Format(time.RFC3339) {
			return c, true
		}
	}
	return mission.FieldChange{}, false
}

func landFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	at, _, err := happened(req, "at", req.Now, inputExample("cmd.flight.land.example"))
	if err != nil {
		return nil, err
	}
	f, err := d.Store.Flight(ctx, req.GuildID, id)
	if err != nil {
		return nil, err
	}
	if earliest := earliestLanding(f); at.Before(earliest) {
		return nil, mission.Refuse(mission.EInvalid, "cmd.flight.landed_too_early", "ID", f.ID, "At", stamp(at), "Created", stamp(f.CreatedAt),
			"ETA", stamp(f.ETA)).WithExample("cmd.flight.land.after", "Earliest", stamp(earliest))
	}
	if far := at.Sub(f.ETA); !req.Acknowledged && (far > landingFromETA || far < -landingFromETA) {
		return heldMistake(ctx, d, req, landingAsked(req, id), locale.T(langOf(req), "held.far_landing", "ID", f.ID, "At", stamp(at), "ETA", stamp(f.ETA)))
	}
	f, arrivals, err := d.Store.LandFlight(ctx, req.Actor(), id, at)
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "cmd.flight.landed", "Count", len(arrivals)), nil
}

// landingAsked is a landing as /flight land runs it again, whatever door it came through (the
// command, or a button that names the flight in its custom_id): its Go ahead is /flight land's.
func landingAsked(req *bot.Request, id int64) asked {
	opts := map[string]any{"flight": float64(id)}
	if at, ok := req.String("at"); ok {
		opts["at"] = at
	}
	return asked{route: bot.RouteKey("flight", "land"), opts: opts}
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
	return flightChanged(req, f, "cmd.flight.cancelled"), nil
}

// unlandFlight undoes a landing: the arrivals it logged are removed and the flight is expected
// again. The answer names each removed arrival, so that /history can follow them.
func unlandFlight(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error) {
	reason, _, err := text(req, "reason", mission.MaxShortText)
	if err != nil {
		return nil, err
	}
	f, removed, err := d.Store.UnlandFlight(ctx, req.Actor(), id, reason)
	if err != nil {
		return nil, err
	}
	lang := langOf(req)
	ids := make([]string, len(removed))
	for i, a := range removed {
		ids[i] = fmt.Sprintf("#%d", a.ID)
	}
	list := strings.Join(ids, ", ")
	if list == "" {
		list = "—"
	}
	r := flightChanged(req, f, "cmd.flight.unlanded", "Count", len(removed), "IDs", list,
		"Status", locale.T(lang, "cmd.flight.status."+string(f.Status)))
	if reason != "" {
		r.Content += "\n" + locale.T(lang, "cmd.flight.unland_reason", "Reason", reason)
	}
	return r, nil
}

// flightChanged is the public answer to a flight change: what was done (the catalog key of
// "Flight #{{.ID}} …" with its other variables), by whom, and the flight.
func flightChanged(req *bot.Request, f storage.Flight, key string, args ...any) *bot.Reply {
	r := done(req, key, append([]any{"ID", f.ID}, args...)...)
	r.Embeds = []*discordgo.MessageEmbed{flightEmbed(langOf(req), f)}
	return r
}

func scheduleFlight(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	eta, ok, err := when(req, "eta", req.Now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.required", "Option", "eta").WithExample("cmd.flight.schedule.example")
	}
	m, _ := req.String("manifest")
	lines, err := mission.ParseManifest(m)
	if err != nil {
		return nil, mission.InvalidWith(err, exManifest)
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
	// A flight that has landed already is logged with /flight schedule then /flight land; an ETA
	// in the past is more often a date typed wrong.
	if eta.Before(req.Now.Add(-mission.ClockLeeway)) && !req.Acknowledged {
		return heldMistake(ctx, d, req, asGiven(req), locale.T(langOf(req), "held.past_eta", "ETA", stamp(eta)))
	}
	f, err = d.Store.ScheduleFlight(ctx, req.Actor(), f)
	var q *storage.RoleQuestion
	if errors.As(err, &q) && q.Entry > 0 {
		// One entry's role is in doubt: ask with buttons, as for a single record.
		as := asGiven(req)
		as.opts[manifestEntry] = float64(q.Entry)
		return askRole(ctx, d, req, q, as)
	}
	if err != nil {
		return nil, err
	}
	return flightChanged(req, f, "cmd.flight.scheduled", "ETA", stamp(f.ETA)), nil
}

// flightEmbed shows a flight in full, in lang, as render.FlightEmbed does for every flight.
func flightEmbed(lang render.Lang, f storage.Flight) *discordgo.MessageEmbed {
	dest := f.Destination
	if dest == "" {
		dest = locale.T(lang, "render.no_destination")
	}
	return render.FlightEmbed(lang, f, dest)
}

// flightChoices autocompletes a flight #ID from the guild's own flights.
func flightChoices(ctx context.Context, d Deps, req *bot.Request, sel string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	list, err := d.Store.FindFlights(ctx, req.GuildID, storage.FlightFilter{Status: sel, Prefix: focusedDigits(req), Limit: discordtext.MaxChoices})
	if err != nil {
		return nil, err
	}
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(list))
	for _, f := range list {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: render.FlightLabel(langOf(req), f, req.Guild), Value: f.ID})
	}
	return out, nil
}
