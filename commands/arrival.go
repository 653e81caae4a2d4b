package commands

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// arrivalOptions are the options of /arrival log, optional again under /arrival edit.
func arrivalOptions(required bool) []*discordgo.ApplicationCommandOption {
	return []*discordgo.ApplicationCommandOption{
		optCountry(required),
		optPersonnel(required, personnelDescription),
		optRole(),
		optFemale(),
		optWhen("when", "desc.arrival.when", false),
		optID("flight", "desc.arrival.flight", false),
		optString("unit", "desc.arrival.unit", false, mission.MaxShortText),
		optString("source", "desc.arrival.source", false, mission.MaxLongText),
		optString("note", "desc.opt.note", false, mission.MaxLongText),
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
	idOpt := optID("id", "desc.arrival.id", true)
	return &bot.Command{
		Name:        "arrival",
		Description: "desc.arrival",
		Routes: []bot.Route{
			holdable(d, bot.Route{Name: "log", Description: "desc.arrival.log", Access: bot.Moderator, Options: arrivalOptions(true),
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return logArrival(ctx, d, req) }, Autocomplete: complete}),
			{Name: "edit", Description: "desc.arrival.edit", Access: bot.Moderator,
				Options: append([]*discordgo.ApplicationCommandOption{idOpt}, arrivalOptions(false)...),
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return editArrival(ctx, d, req) }, Autocomplete: complete},
			{Name: "delete", Description: "desc.arrival.delete", Access: bot.Moderator, Options: []*discordgo.ApplicationCommandOption{idOpt},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return deleteArrival(ctx, d, req) }, Autocomplete: complete},
		},
	}
}

// arrivalFields reads the options shared by log and edit into a; set lists what was given, by
// the keys of the fields' names (cmd.field.…).
func arrivalFields(ctx context.Context, d Deps, req *bot.Request, a *storage.Arrival) (set []string, err error) {
	if c, ok, err := country(req, "country"); err != nil {
		return nil, err
	} else if ok {
		a.Country = c
		set = append(set, "cmd.field.country")
	}
	if n, ok, err := personnel(req); err != nil {
		return nil, err
	} else if ok {
		a.Personnel = n
		set = append(set, "cmd.field.personnel")
	}
	if n, ok, err := female(req); err != nil {
		return nil, err
	} else if ok {
		a.Female = n
		set = append(set, womenField)
	}
	if _, ok := req.String("role"); ok {
		r, err := role(req)
		if err != nil {
			return nil, err
		}
		a.Role = r
		set = append(set, "cmd.field.role")
	}
	if t, ok, err := happened(req, "when", req.Now, nextStep(hintFutureArrival)); err != nil {
		return nil, err
	} else if ok {
		a.ArrivedAt = t
		set = append(set, "cmd.field.time")
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
		set = append(set, "cmd.field.flight")
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
			set = append(set, "cmd.field."+f.name)
		}
	}
	return set, nil
}

func logArrival(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	a := storage.Arrival{ArrivedAt: req.Now}
	set, err := arrivalFields(ctx, d, req, &a)
	if err != nil {
		return nil, err
	}
	if a.Country == "" || a.Personnel == 0 {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.country_personnel_required").WithExample("cmd.arrival.log.example")
	}
	if err := mission.CheckFemaleOption(a.Personnel, a.Female); err != nil {
		return nil, err
	}
	_ = set
	if ask, err := settleRole(ctx, d, req, a.Country, &a.Role); ask != nil || err != nil {
		return ask, err
	}
	if held, err := checkRepeat(ctx, d, req, &a, "held.repeat_arrival"); held != nil || err != nil {
		return held, err
	}
	a, err = d.Store.LogArrival(ctx, req.Actor(), a)
	if err != nil {
		return nil, err
	}
	return done(req, "cmd.arrival.logged", "ID", a.ID, "Arrival", arrivalText(langOf(req), a)), nil
}

func editArrival(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	id, err := recordID(req, "id", exID)
	if err != nil {
		return nil, err
	}
	var set []string
	a, err := d.Store.EditArrival(ctx, req.Actor(), id, func(a *storage.Arrival) error {
		stored := a.Female
		if set, err = arrivalFields(ctx, d, req, a); err != nil {
			return err
		}
		if _, given, _ := req.Int("female"); !given && stored > a.Personnel {
			// Lowering the personnel below the women already recorded: say which figure to give.
			return mission.Refuse(mission.EInvalid, "women.edit_below", "ID", id, "Female", stored, "Personnel", a.Personnel).
				WithExample("women.edit_below.example", "ID", id, "Personnel", a.Personnel)
		}
		return mission.CheckFemaleOption(a.Personnel, a.Female)
	})
	if err != nil {
		return nil, err
	}
	if len(set) == 0 {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.nothing_to_change").WithExample("cmd.arrival.edit.example")
	}
	return done(req, "cmd.arrival.edited", "ID", a.ID, "Fields", fields(langOf(req), set), "Arrival", arrivalText(langOf(req), a)), nil
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
	return done(req, "cmd.arrival.deleted", "ID", a.ID, "Arrival", arrivalText(langOf(req), a)), nil
}

// womenField names the female option among the changed fields of /arrival edit.
const womenField = "women.field"

// optFemale is the female option of arrivals, departures and manifest lines: how many of the
// personnel are women. Discord keeps it at 0 or more; that it is at most the personnel is
// checked by mission.CheckFemaleOption, since one option cannot bound another.
func optFemale() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "female",
		Description: "women.desc.female", MinValue: ptr(0.0), MaxValue: mission.MaxPersonnel}
}

// female returns the female option, checked again (a signed request is untrusted): a negative
// count is refused here; every caller then checks it against the personnel with mission.CheckFemaleOption
// before storing. A count above 100000 is above any personnel, so it is capped just above.
func female(req *bot.Request) (int, bool, error) {
	n, ok, err := req.Int("female")
	if err != nil || !ok {
		return 0, ok, err
	}
	if n < 0 {
		return 0, true, mission.CheckFemaleOption(0, int(max(n, math.MinInt32)))
	}
	return int(min(n, mission.MaxPersonnel+1)), true, nil
}

// fields lists changed fields, given by their name keys, in lang.
func fields(lang render.Lang, keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = locale.T(lang, k)
	}
	return strings.Join(names, ", ")
}

// arrivalText is one arrival on one line, in lang.
func arrivalText(lang render.Lang, a storage.Arrival) string {
	n := int64(a.Personnel)
	s := fmt.Sprintf("%s · %s %s%s · %s", render.Country(lang, a.Country), num(lang, n), roleText(lang, a.Role, n),
		render.Women(lang, int64(a.Female)), stamp(a.ArrivedAt))
	if a.FlightID != nil {
		s += " · " + locale.T(lang, "cmd.arrival.by_flight", "ID", *a.FlightID)
	}
	if a.Unit != "" {
		s += " · " + a.Unit
	}
	return s + " · " + sourceText(lang, a.Source)
}

// arrivalChoices autocompletes an arrival #ID from the guild's own arrivals.
func arrivalChoices(ctx context.Context, d Deps, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	prefix := focusedDigits(req)
	list, _, err := d.Store.FindArrivals(ctx, req.GuildID, storage.ArrivalFilter{IDPrefix: prefix, Limit: discordtext.MaxChoices})
	if err != nil {
		return nil, err
	}
	loc, lang := req.Location(), langOf(req)
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(list))
	for _, a := range list {
		n := int64(a.Personnel)
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name: fmt.Sprintf("#%d · %s · %s %s %s", a.ID, a.ArrivedAt.In(loc).Format(locale.T(lang, "layout.date_time")), a.Country,
				num(lang, n), roleText(lang, a.Role, n)),
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
