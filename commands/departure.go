package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// departureCommand logs personnel leaving; the force level drops by that much.
func departureCommand(d Deps) *bot.Command {
	reasons := mission.DepartureReasons()
	return &bot.Command{Name: "departure", Description: "desc.departure", Routes: []bot.Route{holdable(d, bot.Route{
		Name: "log", Description: "desc.departure.log", Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{
			optCountry(true),
			optPersonnel(true, personnelDescription),
			optRole(),
			optFemale(),
			optWhen("when", "desc.departure.when", false),
			optChoice("reason", "desc.departure.reason", false, mission.Strings(reasons[:]...)...),
			optString("source", "desc.opt.source", false, mission.MaxLongText),
			optString("note", "desc.opt.note", false, mission.MaxLongText),
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, _, err1 := country(req, "country")
			n, _, err2 := personnel(req)
			r, err3 := role(req)
			t, _, err4 := happened(req, "when", req.Now, nextStep("cmd.departure.future"))
			source, _, err5 := text(req, "source", mission.MaxLongText)
			note, _, err6 := text(req, "note", mission.MaxLongText)
			w, _, err7 := female(req)
			if err := firstErr(err1, err2, err3, err4, err5, err6, err7); err != nil {
				return nil, err
			}
			if c == "" || n == 0 {
				return nil, mission.Refuse(mission.EInvalid, "cmd.opt.country_personnel_required").WithExample("cmd.departure.example")
			}
			if err := mission.CheckFemaleOption(n, w); err != nil {
				return nil, err
			}
			given, _ := req.String("reason")
			reason := mission.DepartureReason(strings.ToLower(given))
			if reason == "" {
				reason = mission.ReasonOther
			}
			if !reason.Valid() {
				return nil, mission.Refuse(mission.EInvalid, "cmd.departure.unknown_reason", "Reason", mission.Quote(given)).
					WithExample("cmd.departure.reason.example", "Reasons", mission.OptionChoices{Option: "reason", Values: mission.Strings(reasons[:]...)})
			}
			if ask, err := settleRole(ctx, d, req, c, &r); ask != nil || err != nil {
				return ask, err
			}
			dep := storage.Departure{Country: c, Personnel: n, Female: w, Role: r, DepartedAt: t, Reason: reason, Source: source, Note: note}
			if held, err := checkRepeat(ctx, d, req, &dep, "held.repeat_departure"); held != nil || err != nil {
				return held, err
			}
			dep, err := d.Store.LogDeparture(ctx, req.Actor(), dep)
			if err != nil {
				return nil, err
			}
			lang := langOf(req)
			return done(req, "cmd.departure.logged", "ID", dep.ID, "Departure", fmt.Sprintf("%s · %s %s%s · %s · %s", render.Country(lang, c),
				num(lang, int64(n)), roleText(lang, r, int64(n)), render.Women(lang, int64(w)), locale.T(lang, bot.ChoiceKey("reason", string(reason))),
				stamp(t))), nil
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	})}}
}
