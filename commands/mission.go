package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// missionCommand shows and sets the guild's mission: name, lead nation, planned strength,
// mandate end, time zone and default airport.
func missionCommand(d Deps) *bot.Command {
	lead := optCountry(false)
	lead.Name, lead.Description = "lead", "Lead nation"
	return &bot.Command{
		Name:        "mission",
		Description: "The mission: name, lead nation, planned strength, mandate end",
		Routes: []bot.Route{
			{Name: "show", Description: "Show the mission", Access: bot.Everyone,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return &bot.Reply{Embeds: []*discordgo.MessageEmbed{missionEmbed(req.Guild)}}, nil
				}},
			{Name: "set", Description: "Change the mission", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{
					optString("name", "Mission name", false, mission.MaxShortText),
					lead,
					{Type: discordgo.ApplicationCommandOptionInteger, Name: "planned",
						Description: "Planned strength (personnel)", MinValue: ptr(1.0), MaxValue: mission.MaxPlanned},
					optWhen("mandate_end", "Mandate end", false),
					optString("timezone", "IANA time zone, e.g. America/Port-au-Prince", false, maxTimezone),
					optString("airport", "Default destination airport, e.g. PAP", false, maxAirport),
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setMission(ctx, d, req) },
				Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
					return countryChoices(req, req.Focused), nil
				}},
		},
	}
}

func missionEmbed(g storage.Guild) *discordgo.MessageEmbed {
	name := g.MissionName
	if name == "" {
		name = "Mission not set yet — an admin can use /mission set"
	}
	lead, planned, mandate := "not set", "not set", "not set"
	if g.MissionLead != "" {
		lead = render.Country(render.English, g.MissionLead)
	}
	if g.Planned > 0 {
		planned = discordtext.Thousands(int64(g.Planned)) + " personnel"
	}
	if g.MandateEnd != nil {
		mandate = stamp(*g.MandateEnd)
	}
	return &discordgo.MessageEmbed{Title: name, Color: colourInfo, Fields: []*discordgo.MessageEmbedField{
		{Name: "Lead nation", Value: lead, Inline: true},
		{Name: "Planned strength", Value: planned, Inline: true},
		{Name: "Mandate end", Value: mandate},
		{Name: "Time zone", Value: g.Timezone, Inline: true},
		{Name: "Default airport", Value: g.Airport, Inline: true},
	}}
}

func setMission(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	name, hasName, err1 := text(req, "name", mission.MaxShortText)
	lead, hasLead, err2 := country(req, "lead")
	planned, hasPlanned, err3 := req.Int("planned")
	mandate, hasMandate, err4 := when(req, "mandate_end", time.Time{})
	tzName, hasTZ, err5 := text(req, "timezone", 64)
	ap, hasAirport, err6 := airport(req, "airport")
	if err := firstErr(err1, err2, err3, err4, err5, err6); err != nil {
		return nil, err
	}
	if hasPlanned && (planned < 1 || planned > mission.MaxPlanned) {
		return nil, mission.Invalidf("`planned:2500`", "planned must be between 1 and %d, not %d", mission.MaxPlanned, planned)
	}
	if hasTZ {
		if _, err := loadZone(tzName); err != nil {
			return nil, err
		}
	}
	if !hasName && !hasLead && !hasPlanned && !hasMandate && !hasTZ && !hasAirport {
		return nil, mission.Invalidf("`/mission set name:\"MSS Haiti\" planned:2500 mandate_end:2025-10-02`", "give at least one option to change")
	}
	var changed []string
	_, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error {
		if hasName {
			g.MissionName = name
			changed = append(changed, "name")
		}
		if hasLead {
			g.MissionLead = lead
			changed = append(changed, "lead nation")
		}
		if hasPlanned {
			g.Planned = int(planned)
			changed = append(changed, "planned strength")
		}
		if hasMandate {
			m := mandate
			g.MandateEnd = &m
			changed = append(changed, "mandate end")
		}
		if hasTZ {
			g.Timezone = tzName
			changed = append(changed, "time zone")
		}
		if hasAirport {
			g.Airport = ap
			changed = append(changed, "default airport")
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
	r := done(req, "Mission updated (%s)", strings.Join(changed, ", "))
	r.Embeds = []*discordgo.MessageEmbed{missionEmbed(g)}
	return r, nil
}

// loadZone checks an IANA time zone name.
func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, mission.Invalidf("`timezone:America/Port-au-Prince`", "a time zone name is required")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, mission.Invalidf("`timezone:America/Port-au-Prince` or `timezone:Africa/Nairobi`",
			"%q is not an IANA time zone name", name)
	}
	return loc, nil
}

// countryChoices answers country autocomplete: prefix matches on codes and English, French and
// Spanish names first.
func countryChoices(req *bot.Request, option string) []*discordgo.ApplicationCommandOptionChoice {
	q, _ := req.String(option)
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, c := range mission.SearchCountries(q, discordtext.MaxChoices) {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprintf("%s (%s)", c.Label(), c.Alpha2), Value: c.Alpha2})
	}
	return out
}
