package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// shareRoute is /settings share: a read-only page of the guild's force level (and, if chosen,
// its flights and their calendar feed) for people outside Discord (SPEC §10). Admins only: the
// page shows the mission to anyone who holds the link.
func shareRoute(d Deps) bot.Route {
	scopes := mission.ShareScopes()
	return bot.Route{Name: "share", Description: "share.desc.route", Access: bot.Admin,
		Options: []*discordgo.ApplicationCommandOption{
			optChoice("what", "share.desc.what", true, mission.Strings(scopes[:]...)...),
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "new_link", Description: "share.desc.new_link"},
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			s, _ := req.String("what")
			scope, ok := mission.ParseShareScope(s)
			if !ok {
				return nil, mission.Refuse(mission.EInvalid, "share.unknown_scope", "Scope", s).WithExample("share.example")
			}
			newLink := false
			if o, ok := req.Options["new_link"]; ok && o != nil {
				if newLink, ok = o.Value.(bool); !ok {
					return nil, mission.Refuse(mission.EInvalid, "share.new_link_bool").WithExample("share.example")
				}
			}
			// Without a public address there is no link to give; asked before anything changes,
			// so that a page nobody can reach is never turned on.
			if d.PublicURL == "" && scope != mission.ShareOff {
				return nil, mission.Refuse(mission.EInvalid, "share.no_public_url").WithHint("share.public_url.example")
			}
			sh, token, err := d.Store.SetShare(ctx, req.Actor(), scope, newLink)
			if err != nil {
				return nil, err
			}
			return shareReply(req, d.PublicURL, sh, token), nil
		},
	}
}

// shareReply answers the admin alone: the link is a key to the page, and a public reply would
// hand it to every member of the channel. The change itself is in /history.
func shareReply(req *bot.Request, base string, sh storage.Share, token string) *bot.Reply {
	lang := langOf(req)
	var text string
	switch {
	case sh.Scope == mission.ShareOff:
		text = locale.T(lang, "share.ended")
	case token != "":
		text = locale.T(lang, "share.link", "Scope", locale.T(lang, bot.ChoiceKey("what", string(sh.Scope))), "URL", base+"/s/"+token)
		if sh.Scope.Flights() {
			text += "\n" + locale.T(lang, "share.calendar", "URL", base+"/s/"+token+"/flights.ics")
		}
		if sh.Link > 1 {
			text += "\n" + locale.T(lang, "share.old_link_ended")
		}
	default:
		text = locale.T(lang, "share.scope_changed", "Scope", locale.T(lang, bot.ChoiceKey("what", string(sh.Scope))))
	}
	r := done(req, "cmd.settings.changed", "What", text)
	r.Ephemeral = true
	return r
}
