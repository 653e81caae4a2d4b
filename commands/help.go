package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/render"
)

// helpCommand lists every route with who may use it, derived from the routes themselves so
// that it never drifts from what is registered and enforced.
func helpCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "help", Description: "desc.help", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			lang := langOf(req)
			var b strings.Builder
			for _, cmd := range All(d) {
				if cmd.Message() {
					// On a message's menu (Apps), not typed: its name in the reader's language.
					fmt.Fprintf(&b, "%s — %s%s\n", locale.T(lang, "draft.help_menu", "Name", locale.T(lang, cmd.Description)),
						locale.T(lang, "draft.help_desc"), who(lang, cmd.Routes[0].Access))
					continue
				}
				for _, r := range cmd.Routes {
					desc := r.Description
					if desc == "" {
						desc = cmd.Description
					}
					fmt.Fprintf(&b, "`/%s` — %s%s\n", bot.RouteKey(cmd.Name, r.Name), locale.T(lang, desc), who(lang, r.Access))
				}
			}
			e := &discordgo.MessageEmbed{Title: locale.T(lang, "cmd.help.title"), Color: render.ColourInfo,
				Description: b.String(),
				Footer:      &discordgo.MessageEmbedFooter{Text: locale.T(lang, "cmd.help.footer")}}
			return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}, nil
		},
	}}}
}

// who marks, in lang, a route that only moderators or admins may use.
func who(lang render.Lang, a bot.Access) string {
	if n := a.Note(lang); n != "" {
		return " _" + n + "_"
	}
	return ""
}
