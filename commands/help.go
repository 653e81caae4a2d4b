package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
)

// helpCommand lists every route with who may use it, derived from the routes themselves so
// that it never drifts from what is registered and enforced.
func helpCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "help", Description: "What Liaison does and how to use it", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			var b strings.Builder
			for _, cmd := range All(d) {
				for _, r := range cmd.Routes {
					desc := r.Description
					if desc == "" {
						desc = cmd.Description
					}
					fmt.Fprintf(&b, "`/%s` — %s%s\n", bot.RouteKey(cmd.Name, r.Name), desc, who(r.Access))
				}
			}
			e := &discordgo.MessageEmbed{Title: "Liaison — force levels, arrivals and flights", Color: colourInfo,
				Description: b.String(),
				Footer: &discordgo.MessageEmbedFooter{Text: "Times: 2025-01-04 14:00 (server time zone), now, in 2h, tomorrow 09:00. " +
					"Countries: GT, GTM, Guatemala. Manifest: GT 75 military; SV 8 medical."}}
			return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}, nil
		},
	}}}
}

// who marks a route that only moderators or admins may use.
func who(a bot.Access) string {
	switch a {
	case bot.Moderator:
		return " _(moderators)_"
	case bot.Admin:
		return " _(admins)_"
	}
	return ""
}
