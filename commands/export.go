package commands

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/mission"
)

// exportCommand sends the guild's records as a CSV attachment, in the format `liaison import`
// reads back.
func exportCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "export", Description: "Download records as CSV", Routes: []bot.Route{{
		Access:  bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{optChoice("kind", "Which records", true, ExportKinds()...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			kind, _ := req.String("kind")
			if !slices.Contains(ExportKinds(), kind) {
				return nil, mission.Invalidf("`/export kind:arrivals`", "unknown kind %q (one of %s)", kind, strings.Join(ExportKinds(), ", "))
			}
			var buf bytes.Buffer
			n, err := WriteCSV(ctx, d.Store, req.GuildID, kind, &buf)
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("liaison-%s-%s.csv", kind, req.Now.In(req.Location()).Format("2006-01-02"))
			return &bot.Reply{
				Content: fmt.Sprintf("📎 %d %s as CSV — requested by %s", n, kind, user(req.UserID)),
				Files:   []*discordgo.File{{Name: name, ContentType: "text/csv", Reader: &buf}},
			}, nil
		},
	}}}
}
