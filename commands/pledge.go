package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// pledgeCommand records and lists pledges. A pledge's size may be unknown: news reports often
// name the contributing countries without numbers.
func pledgeCommand(d Deps) *bot.Command {
	return &bot.Command{
		Name:        "pledge",
		Description: "desc.pledge",
		Routes: []bot.Route{
			holdable(d, bot.Route{Name: "set", Description: "desc.pledge.set", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{
					optCountry(true),
					optPersonnel(false, "desc.pledge.personnel"),
					optRole(),
					optString("source", "desc.pledge.source", false, mission.MaxLongText),
					optWhen("as_of", "desc.pledge.as_of", false),
				},
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setPledge(ctx, d, req) },
				Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
					return countryChoices(req, "country"), nil
				}}),
			{Name: "list", Description: "desc.pledge.list", Access: bot.Everyone,
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
	asOf, _, err5 := happened(req, "as_of", req.Now, nextStep("cmd.pledge.future"))
	if err := firstErr(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	if c == "" {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.required", "Option", "country").WithExample("cmd.pledge.set.example")
	}
	if ask, err := settleRole(ctx, d, req, c, &r); ask != nil || err != nil {
		return ask, err
	}
	p := storage.Pledge{Country: c, Role: r, Source: source, AsOf: asOf}
	if hasN {
		p.Personnel = &n
	}
	if held, err := checkOlderPledge(ctx, d, req, &p); held != nil || err != nil {
		return held, err
	}
	p, err := d.Store.SetPledge(ctx, req.Actor(), p)
	if err != nil {
		return nil, err
	}
	reply := done(req, "cmd.pledge.recorded", "ID", p.ID, "Pledge", pledgeLine(langOf(req), p))
	reply.Content += notInForce(ctx, d, req, p)
	return reply, nil
}

// notInForce is the line that tells the channel a pledge just stored (one older than the pledge
// in force, stored after Go ahead) does not count, or "": the public answer is read by those
// who never saw the warning, and would take it for the country's pledge. The pledge is stored
// whatever this read finds, so a failed read leaves the line out rather than report a failure.
func notInForce(ctx context.Context, d Deps, req *bot.Request, p storage.Pledge) string {
	ms, err := d.Store.Matches(ctx, req.GuildID, &p)
	if err != nil || len(ms) == 0 {
		return ""
	}
	return "\n" + locale.T(langOf(req), "cmd.pledge.not_in_force", "InForceID", ms[0].ID, "InForce", shortStamp(ms[0].At))
}

// checkOlderPledge holds a pledge dated before the one in force for its country and role: it
// would be stored and never be in force. Nil, nil when it may be stored.
func checkOlderPledge(ctx context.Context, d Deps, req *bot.Request, p *storage.Pledge) (*bot.Reply, error) {
	if req.Acknowledged {
		return nil, nil
	}
	ms, err := d.Store.Matches(ctx, req.GuildID, p)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	lang := langOf(req)
	m := ms[0]
	return heldMistake(ctx, d, req, asGiven(req), locale.T(lang, "held.older_pledge", "AsOf", shortStamp(p.AsOf), "ID", m.ID,
		"User", user(lang, m.LoggedBy), "InForce", shortStamp(m.At)))
}

// pledgeSize is a pledge's size and personnel type: "200 police", or its type alone when the
// size was not reported.
func pledgeSize(lang render.Lang, p storage.Pledge) string {
	if p.Personnel == nil {
		return locale.T(lang, "cmd.pledge.size_unknown", "Role", roleText(lang, p.Role, 2))
	}
	n := int64(*p.Personnel)
	return num(lang, n) + " " + roleText(lang, p.Role, n)
}

// pledgeLine is one pledge on one line, in lang.
func pledgeLine(lang render.Lang, p storage.Pledge) string {
	return locale.T(lang, "cmd.pledge.line", "Country", render.Country(lang, p.Country), "Size", pledgeSize(lang, p),
		"AsOf", shortStamp(p.AsOf), "Source", sourceText(lang, p.Source))
}

func pledgesPage(ctx context.Context, d Deps, req *bot.Request, page pageKey) (*bot.Reply, error) {
	all, err := d.Store.CurrentPledges(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	lang := langOf(req)
	lines := make([]string, 0, len(all))
	for _, p := range all {
		lines = append(lines, fmt.Sprintf("**#%d** %s", p.ID, pledgeLine(lang, p)))
	}
	v, err := pageOf(page, discordtext.MaxDescription, slicePage(lines))
	if err != nil {
		return nil, err
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(lang, locale.T(lang, "cmd.pledge.title"), v, locale.T(lang, "cmd.pledge.empty"))},
		Components: pager(lang, "pledge list", v, ""),
	}, nil
}
