package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/storage"
)

// pledgeCommand records and lists pledges. A pledge's size may be unknown: news reports often
// name the contributing countries without numbers.
func pledgeCommand(d Deps) *bot.Command {
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "pledge",
			Description: "Pledged contributions by country",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("set", "Record a pledge (moderators); the latest per country and role counts",
					optCountry(true),
					optPersonnel(false, "Pledged personnel (leave out when the size was not reported)"),
					optRole(),
					optString("source", "Where the pledge was reported", false, maxLongText),
					optWhen("as_of", "When the pledge was made or reported (default now)", false),
				),
				subcommand("list", "List current pledges"),
			},
		},
		Access: map[string]bot.Access{"set": bot.Moderator},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if req.Sub == "list" {
				return pledgesPage(ctx, d, req, 0)
			}
			c, _, err1 := country(req, "country")
			n, hasN, err2 := personnel(req)
			r, err3 := role(req)
			source, _, err4 := text(req, "source", maxLongText)
			asOf, _, err5 := when(req, "as_of", req.Now)
			if err := firstErr(err1, err2, err3, err4, err5); err != nil {
				return nil, err
			}
			if c == "" {
				return nil, bot.Errorf("`/pledge set country:JM personnel:200 role:police`", "country is required")
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
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, _, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			r, err := pledgesPage(ctx, d, req, page)
			if r != nil {
				r.Update = true
			}
			return r, err
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}
}

func pledgeLine(p storage.Pledge) string {
	size := "size not reported"
	if p.Personnel != nil {
		size = discordtext.Thousands(int64(*p.Personnel))
	}
	return fmt.Sprintf("%s · %s %s · as of %s · source: %s", CountryName(p.Country), size, p.Role, shortStamp(p.AsOf), orDash(p.Source))
}

func pledgesPage(ctx context.Context, d Deps, req *bot.Request, page int) (*bot.Reply, error) {
	all, err := d.Store.CurrentPledges(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	total := int64(len(all))
	n := pages(total)
	page = min(page, n-1)
	var lines []string
	for _, p := range all[min(page*pageSize, len(all)):min((page+1)*pageSize, len(all))] {
		lines = append(lines, fmt.Sprintf("**#%d** %s", p.ID, pledgeLine(p)))
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed("Current pledges", lines, page, n, total, "No pledges recorded — moderators use /pledge set.")},
		Components: pager("pledge", page, n, "list"),
	}, nil
}
