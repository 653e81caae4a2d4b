package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
)

// helpCommand lists the commands with who may use them, generated from the definitions so that
// it never drifts from what is registered.
func helpCommand(d Deps) *bot.Command {
	c := &bot.Command{
		Definition: &discordgo.ApplicationCommand{Name: "help", Description: "What Liaison does and how to use it"},
	}
	c.Run = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		var b strings.Builder
		for _, cmd := range All(d) {
			def := cmd.Definition
			subs := 0
			for _, o := range def.Options {
				if o.Type == discordgo.ApplicationCommandOptionSubCommand {
					subs++
					fmt.Fprintf(&b, "`/%s %s` — %s%s\n", def.Name, o.Name, o.Description, who(cmd, o.Name, o.Description))
				}
			}
			if subs == 0 {
				fmt.Fprintf(&b, "`/%s` — %s%s\n", def.Name, def.Description, who(cmd, "", def.Description))
			}
		}
		e := &discordgo.MessageEmbed{Title: "Liaison — force levels, arrivals and flights", Color: colourInfo,
			Description: b.String(),
			Footer: &discordgo.MessageEmbedFooter{Text: "Times: 2025-01-04 14:00 (server time zone), now, in 2h, tomorrow 09:00. " +
				"Countries: GT, GTM, Guatemala. Manifest: GT 75 military; SV 8 medical."}}
		return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}, nil
	}
	return c
}

// who marks a command moderators or admins only, unless its description already says so.
func who(c *bot.Command, sub, desc string) string {
	if strings.Contains(desc, "(moderators)") || strings.Contains(desc, "(admins)") {
		return ""
	}
	switch a := c.Access[sub]; a {
	case bot.Moderator:
		return " _(moderators)_"
	case bot.Admin:
		return " _(admins)_"
	}
	return ""
}
