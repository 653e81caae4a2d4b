package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// arrivalOptions are the options of /arrival log, optional again under /arrival edit.
func arrivalOptions(required bool) []*discordgo.ApplicationCommandOption {
	return []*discordgo.ApplicationCommandOption{
		optCountry(required),
		optPersonnel(required, "Number of personnel (1–100000)"),
		optRole(),
		optWhen("when", "When they arrived (default now)", false),
		optID("flight", "The flight they came on (#ID)", false),
		optString("unit", "Unit or contingent name", false, mission.MaxShortText),
		optString("source", "Where this figure comes from (report, spokesperson…)", false, mission.MaxLongText),
		optString("note", "Note", false, mission.MaxLongText),
	}
}

// arrivalCommand logs, edits and deletes arrivals. Moderators only: the figures are the cell's
// official record.
func arrivalCommand(d Deps) *bot.Command {
	complete := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		switch req.Focused {
		case "country":
			return countryChoices(req, "country"), nil
		case "flight":
			return flightChoices(ctx, d, req, storage.FlightsAll)
		case "id":
			return arrivalChoices(ctx, d, req)
		}
		return nil, nil
	}
	idOpt := optID("id", "The arrival's #ID", true)
	return &bot.Command{
		Name:        "arrival",
		Description: "Log, edit or delete an arrival of personnel",
		Routes: []bot.Route{
			{Name: "log", Description: "Log an arrival", Access: bot.Moderator, Options: arrivalOptions(true),
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return logArrival(ctx, d, req) }, Autocomplete: complete},
			{Name: "edit", Description: "Edit a logged arrival", Access: bot.Moderator,
				Options: append([]*discordgo.ApplicationCommandOption{idOpt}, arrivalOptions(false)...),
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return editArrival(ctx, d, req) }, Autocomplete: complete},
			{Name: "delete", Description: "Delete a logged arrival", Access: bot.Moderator, Options: []*discordgo.ApplicationCommandOption{idOpt},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return deleteArrival(ctx, d, req) }, Autocomplete: complete},
		},
	}
}

// arrivalFields reads the options shared by log and edit into a; set lists what was given.
func arrivalFields(ctx context.Context, d Deps, req *bot.Request, a *storage.Arrival) (set []string, err error) {
	if c, ok, err := country(req, "country"); err != nil {
		return nil, err
	} else if ok {
		a.Country = c
		set = append(set, "country")
	}
	if n, ok, err := personnel(req); err != nil {
		return nil, err
	} else if ok {
		a.Personnel = n
		set = append(set, "personnel")
	}
	if _, ok := req.String("role"); ok {
		r, err := role(req)
		if err != nil {
			return nil, err
		}
		a.Role = r
		set = append(set, "role")
	}
	if t, ok, err := happened(req, "when", req.Now, exFutureArrival); err != nil {
		return nil, err
	} else if ok {
		a.ArrivedAt = t
		set = append(set, "time")
	}
	if _, ok, _ := req.Int("flight"); ok {
		id, err := recordID(req, "flight", exFlight)
		if err != nil {
			return nil, err
		}
		if _, err := d.Store.Flight(ctx, req.GuildID, id); err != nil {
			return nil, err
		}
		a.FlightID = &id
		set = append(set, "flight")
	}
	for _, f := range []struct {
		name string
		max  int
		dst  *string
	}{{"unit", mission.MaxShortText, &a.Unit}, {"source", mission.MaxLongText, &a.Source}, {"note", mission.MaxLongText, &a.Note}} {
		v, ok, err := text(req, f.name, f.max)
		if err != nil {
			return nil, err
		}
		if ok {
			*f.dst = v
			set = append(set, f.name)
		}
	}
	return set, nil
}

func logArrival(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	a := storage.Arrival{Role: mission.DefaultRole, ArrivedAt: req.Now}
	set, err := arrivalFields(ctx, d, req, &a)
	if err != nil {
		return nil, err
	}
	if a.Country == "" || a.Personnel == 0 {
		return nil, mission.Invalidf("`/arrival log country:GT personnel:75 role:military`", "country and personnel are required")
	}
	_ = set
	a, err = d.Store.LogArrival(ctx, req.Actor(), a)
	if err != nil {
		return nil, err
	}
	return done(req, "Arrival **#%d** logged: %s", a.ID, arrivalText(a)), nil
}

func editArrival(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	id, err := recordID(req, "id", exID)
	if err != nil {
		return nil, err
	}
	var set []string
	a, err := d.Store.EditArrival(ctx, req.Actor(), id, func(a *storage.Arrival) error {
		set, err = arrivalFields(ctx, d, req, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(set) == 0 {
		return nil, mission.Invalidf("`/arrival edit id:12 personnel:80`", "give at least one option to change")
	}
	return done(req, "Arrival **#%d** edited (%s): %s", a.ID, strings.Join(set, ", "), arrivalText(a)), nil
}

func deleteArrival(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	id, err := recordID(req, "id", exID)
	if err != nil {
		return nil, err
	}
	a, err := d.Store.DeleteArrival(ctx, req.Actor(), id)
	if err != nil {
		return nil, err
	}
	return done(req, "Arrival **#%d** deleted (%s); it stays in /history", a.ID, arrivalText(a)), nil
}

// arrivalText is one arrival on one line.
func arrivalText(a storage.Arrival) string {
	s := fmt.Sprintf("%s · %s %s · %s", render.Country(render.English, a.Country), discordtext.Thousands(int64(a.Personnel)), a.Role, stamp(a.ArrivedAt))
	if a.FlightID != nil {
		s += fmt.Sprintf(" · flight #%d", *a.FlightID)
	}
	if a.Unit != "" {
		s += " · " + a.Unit
	}
	return s + " · source: " + orDash(a.Source)
}

// arrivalChoices autocompletes an arrival #ID from the guild's own arrivals.
func arrivalChoices(ctx context.Context, d Deps, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	prefix := focusedDigits(req)
	list, _, err := d.Store.FindArrivals(ctx, req.GuildID, storage.ArrivalFilter{IDPrefix: prefix, Limit: discordtext.MaxChoices})
	if err != nil {
		return nil, err
	}
	loc := req.Location()
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(list))
	for _, a := range list {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name:  fmt.Sprintf("#%d · %s · %s %d %s", a.ID, a.ArrivedAt.In(loc).Format("2 Jan 2006"), a.Country, a.Personnel, a.Role),
			Value: a.ID})
	}
	return out, nil
}

// focusedDigits is the typed part of a focused integer option ("" when nothing is typed yet).
func focusedDigits(req *bot.Request) string {
	o := req.Options[req.Focused]
	if o == nil || o.Value == nil {
		return ""
	}
	s := strings.TrimPrefix(strings.TrimSpace(fmt.Sprint(o.Value)), "#")
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return ""
	}
	return s
}
