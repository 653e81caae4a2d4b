package commands

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
)

// exportCommand sends the guild's records as a CSV attachment, in the format `liaison import`
// reads back.
func exportCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "export", Description: "desc.export", Routes: []bot.Route{{
		Access:  bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{optChoice("kind", "desc.export.kind", true, ExportKinds()...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			kind, _ := req.String("kind")
			if !slices.Contains(ExportKinds(), kind) {
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.unknown_kind", "Kind", fmt.Sprintf("%q", kind),
					"Kinds", strings.Join(ExportKinds(), ", ")).WithExample("cmd.export.example")
			}
			var buf bytes.Buffer
			n, err := WriteCSV(ctx, d.Store, req.GuildID, kind, &buf)
			if err != nil {
				return nil, err
			}
			// The file's name is in the reader's language; its columns stay English, as the
			// importer reads them.
			lang := langOf(req)
			name := locale.T(lang, "cmd.export.file."+kind, "Date", req.Now.In(req.Location()).Format("2006-01-02"))
			return &bot.Reply{
				Content: "📎 " + locale.T(lang, "cmd.export.done", "Kind", locale.T(lang, bot.ChoiceKey("kind", kind)),
					"Rows", locale.T(lang, "cmd.export.rows", "Count", n), "User", user(lang, req.UserID)),
				Files: []*discordgo.File{{Name: name, ContentType: "text/csv", Reader: &buf}},
			}, nil
		},
	}}}
}
