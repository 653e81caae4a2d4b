package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// pledgeCommand records and lists pledges. A pledge's size may be unknown: news reports often
// name the contributing countries without numbers.
func pledgeCommand(d Deps) *bot.Command {
	return &bot.Command{
		Name:        "pledge",
		Description: "Pledged contributions by country",
		Routes: []bot.Route{
			{Name: "set", Description: "Record a pledge; the latest per country and role counts", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{
					optCountry(true),
					optPersonnel(false, "Pledged personnel (leave out when the size was not reported)"),
					optRole(),
					optString("source", "Where the pledge was reported", false, mission.MaxLongText),
					optWhen("as_of", "When the pledge was made or reported (default now)", false),
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setPledge(ctx, d, req) },
				Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
					return countryChoices(req, "country"), nil
				}},
			{Name: "list", Description: "List current pledges", Access: bot.Everyone,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return pledgesPage(ctx, d, req, pageKey{})
				},
				Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					page, _, err := parsePage(req.CustomID)
					if err != nil {
						return nil, err
					}
					return updated(pledgesPage(ctx, d, req, page))
				}},
		},
	}
}

func setPledge(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	c, _, err1 := country(req, "country")
	n, hasN, err2 := personnel(req)
	r, err3 := role(req)
	source, _, err4 := text(req, "source", mission.MaxLongText)
	asOf, _, err5 := happened(req, "as_of", req.Now, "`as_of` is when the pledge was made or reported: leave it out for now")
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	if c == "" {
		return nil, mission.Invalidf("`/pledge set country:JM personnel:200 role:police`", "country is required")
	}
	p := storage.Pledge{Country: c, Role: r, Source: source, AsOf: asOf}
	if hasN {
		p.Personnel = &n
	}
	p, err := d.Store.SetPledge(ctx, req.Actor(), p)
	if err != nil {
		return nil, err
	}
	return done(req, "Pledge **#%d** recorded: %s", p.ID, pledgeLine(p)), nil
}

func pledgeLine(p storage.Pledge) string {
	size := "size not reported"
	if p.Personnel != nil {
		size = discordtext.Thousands(int64(*p.Personnel))
	}
	return fmt.Sprintf("%s · %s %s · as of %s · source: %s", render.Country(render.English, p.Country), size, p.Role, shortStamp(p.AsOf), orDash(p.Source))
}

func pledgesPage(ctx context.Context, d Deps, req *bot.Request, page pageKey) (*bot.Reply, error) {
	all, err := d.Store.CurrentPledges(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(all))
	for _, p := range all {
		lines = append(lines, fmt.Sprintf("**#%d** %s", p.ID, pledgeLine(p)))
	}
	v, err := pageOf(page, discordtext.MaxDescription, slicePage(lines))
	if err != nil {
		return nil, err
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed("Current pledges", v, "No pledges recorded — moderators use /pledge set.")},
		Components: pager("pledge list", v, ""),
	}, nil
}
