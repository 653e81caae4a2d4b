package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// historyCommand shows the audit trail: who changed what, when, with which command.
func historyCommand(d Deps) *bot.Command {
	kinds := mission.RecordKinds()
	return &bot.Command{Name: "history", Description: "Who changed what and when", Routes: []bot.Route{{
		Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{
			optChoice("kind", "Which records", false, mission.Strings(kinds[:]...)...),
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "id",
				Description: "One record's #ID (with kind)", MinValue: ptr(1.0)},
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			given, _ := req.String("kind")
			kind := mission.RecordKind(given)
			if kind != "" && !slices.Contains(kinds[:], kind) {
				return nil, mission.Invalidf("`/history kind:arrival id:12`", "unknown kind %q (one of %s)", given, strings.Join(mission.Strings(kinds[:]...), ", "))
			}
			id, hasID, err := req.Int("id")
			if err != nil {
				return nil, err
			}
			if hasID && kind == "" {
				return nil, mission.Invalidf("`/history kind:arrival id:12`", "give the kind of record with its id")
			}
			if hasID && id < 1 {
				return nil, mission.Invalidf("`/history kind:arrival id:12`", "id must be a positive #ID")
			}
			return historyPage(ctx, d, req, kind, id, pageKey{})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			kind, idText, _ := strings.Cut(state, ":")
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil || id < 0 || (kind != "" && !slices.Contains(kinds[:], mission.RecordKind(kind))) {
				return nil, errBadPage(req.CustomID)
			}
			return updated(historyPage(ctx, d, req, mission.RecordKind(kind), id, page))
		},
	}}}
}

func historyPage(ctx context.Context, d Deps, req *bot.Request, kind mission.RecordKind, id int64, page pageKey) (*bot.Reply, error) {
	v, err := pageOf(page, discordtext.MaxDescription, func(offset, limit int) ([]string, int64, error) {
		f := storage.AuditFilter{Kind: kind, RecordID: id}
		total, err := d.Store.CountAudit(ctx, req.GuildID, f)
		if err != nil {
			return nil, 0, err
		}
		f.Offset, f.Limit = offset, limit
		entries, err := d.Store.FindAudit(ctx, req.GuildID, f)
		var lines []string
		for _, e := range entries {
			rec := string(e.Kind)
			if e.RecordID != 0 {
				rec = fmt.Sprintf("%s #%d", e.Kind, e.RecordID)
			}
			cmd := e.Command
			if cmd == "" {
				cmd = "—"
			}
			lines = append(lines, fmt.Sprintf("%s · **%s** %s · %s · `%s`", shortStamp(e.At), rec, e.Action, user(e.UserID), cmd))
		}
		return lines, total, err
	})
	if err != nil {
		return nil, err
	}
	title := "History"
	if kind != "" {
		title += " — " + string(kind)
		if id != 0 {
			title += fmt.Sprintf(" #%d", id)
		}
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(title, v, "No changes recorded.")},
		Components: pager("history", v, fmt.Sprintf("%s:%d", kind, id)),
	}, nil
}
