package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// missionCommand shows and sets the guild's mission: name, lead nation, planned strength,
// mandate end, time zone and default airport.
func missionCommand(d Deps) *bot.Command {
	lead := optCountry(false)
	lead.Name, lead.Description = "lead", "desc.mission.lead"
	host := optCountry(false)
	host.Name, host.Description = "host", "desc.mission.host"
	return &bot.Command{
		Name:        "mission",
		Description: "desc.mission",
		Routes: []bot.Route{
			{Name: "show", Description: "desc.mission.show", Access: bot.Everyone,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return &bot.Reply{Embeds: []*discordgo.MessageEmbed{missionEmbed(langOf(req), req.Guild)}}, nil
				}},
			{Name: "set", Description: "desc.mission.set", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{
					optString("name", "desc.mission.name", false, mission.MaxShortText),
					lead,
					{Type: discordgo.ApplicationCommandOptionInteger, Name: "planned",
						Description: "desc.mission.planned", MinValue: ptr(1.0), MaxValue: mission.MaxPlanned},
					optWhen("mandate_end", "desc.mission.mandate_end", false),
					optString("timezone", "desc.opt.timezone", false, maxTimezone),
					optString("airport", "desc.mission.airport", false, maxAirport),
					host,
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setMission(ctx, d, req) },
				Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
					return countryChoices(req, req.Focused), nil
				}},
		},
	}
}

func missionEmbed(lang render.Lang, g storage.Guild) *discordgo.MessageEmbed {
	name := g.MissionName
	if name == "" {
		name = locale.T(lang, "cmd.mission.unset")
	}
	notSet := locale.T(lang, "cmd.not_set")
	lead, planned, mandate, host := notSet, notSet, notSet, notSet
	if g.MissionLead != "" {
		lead = render.Country(lang, g.MissionLead)
	}
	if g.Host != "" {
		host = render.Country(lang, g.Host)
	}
	if g.Planned > 0 {
		planned = locale.T(lang, "cmd.forces.personnel", "Count", g.Planned)
	}
	if g.MandateEnd != nil {
		mandate = stamp(*g.MandateEnd)
	}
	return &discordgo.MessageEmbed{Title: name, Color: render.ColourInfo, Fields: []*discordgo.MessageEmbedField{
		{Name: locale.T(lang, "cmd.field.lead"), Value: lead, Inline: true},
		{Name: locale.T(lang, "cmd.field.host"), Value: host, Inline: true},
		{Name: locale.T(lang, "cmd.field.planned"), Value: planned, Inline: true},
		{Name: locale.T(lang, "cmd.field.mandate_end"), Value: mandate},
		{Name: locale.T(lang, "cmd.field.timezone"), Value: g.Timezone, Inline: true},
		{Name: locale.T(lang, "cmd.field.airport"), Value: orNotSet(lang, g.Airport), Inline: true},
	}}
}

func setMission(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	name, hasName, err1 := text(req, "name", mission.MaxShortText)
	lead, hasLead, err2 := country(req, "lead")
	planned, hasPlanned, err3 := req.Int("planned")
	mandate, hasMandate, err4 := when(req, "mandate_end", time.Time{})
	tzName, hasTZ, err5 := text(req, "timezone", 64)
	ap, hasAirport, err6 := airport(req, "airport")
	hostCode, hasHost, err7 := country(req, "host")
	if err := firstErr(err1, err2, err3, err4, err5, err6, err7); err != nil {
		return nil, err
	}
	if hasPlanned && (planned < 1 || mission.CheckPlanned(int(planned)) != nil) {
		return nil, mission.Refuse(mission.EInvalid, "cmd.mission.planned_range", "Max", mission.Figure(mission.MaxPlanned), "Value", planned).
			WithExample("cmd.mission.planned.example")
	}
	if hasTZ {
		if _, err := mission.LoadZone(tzName); err != nil {
			return nil, err
		}
	}
	if hasMandate {
		if err := mission.CheckAhead("mandate_end", mandate, req.Now); err != nil {
			return nil, mission.InvalidWith(err, exWhen, "Option", "mandate_end")
		}
	}
	if !hasName && !hasLead && !hasPlanned && !hasMandate && !hasTZ && !hasAirport && !hasHost {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.nothing_to_change").WithExample("cmd.mission.set.example")
	}
	var changed []string
	_, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error {
		if hasName {
			g.MissionName = name
			changed = append(changed, "cmd.field.name")
		}
		if hasLead {
			g.MissionLead = lead
			changed = append(changed, "cmd.field.lead")
		}
		if hasHost {
			g.Host = hostCode
			changed = append(changed, "cmd.field.host")
		}
		if hasPlanned {
			g.Planned = int(planned)
			changed = append(changed, "cmd.field.planned")
		}
		if hasMandate {
			m := mandate
			g.MandateEnd = &m
			changed = append(changed, "cmd.field.mandate_end")
		}
		if hasTZ {
			g.Timezone = tzName
			changed = append(changed, "cmd.field.timezone")
		}
		if hasAirport {
			g.Airport = ap
			changed = append(changed, "cmd.field.airport")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g, err := d.Store.Guild(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	r := done(req, "cmd.mission.updated", "Fields", fields(langOf(req), changed))
	r.Embeds = []*discordgo.MessageEmbed{missionEmbed(langOf(req), g)}
	return r, nil
}

// countryChoices answers country autocomplete: prefix matches on codes and English, French and
// Spanish names first, each labelled in the reader's language ("🇺🇸 États-Unis (US)").
func countryChoices(req *bot.Request, option string) []*discordgo.ApplicationCommandOptionChoice {
	q, _ := req.String(option)
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, c := range mission.SearchCountries(q, discordtext.MaxChoices) {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprintf("%s (%s)", render.Country(langOf(req), c.Alpha2), c.Alpha2),
			Value: c.Alpha2})
	}
	return out
}

// orNotSet is a setting's value, or says in lang that it is not set.
func orNotSet(lang render.Lang, v string) string {
	if v == "" {
		return locale.T(lang, "cmd.not_set")
	}
	return v
}
