package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
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
			return historyPage(ctx, d, req, kind, id, 0)
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			kind, idText, _ := strings.Cut(state, ":")
			id, _ := strconv.ParseInt(idText, 10, 64)
			return updated(historyPage(ctx, d, req, mission.RecordKind(kind), id, page))
		},
	}}}
}

// historyDepth bounds the entries one /history view loads (50 pages).
const historyDepth = 500

func historyPage(ctx context.Context, d Deps, req *bot.Request, kind mission.RecordKind, id int64, page int) (*bot.Reply, error) {
	all, err := d.Store.FindAudit(ctx, req.GuildID, storage.AuditFilter{Kind: kind, RecordID: id, Limit: historyDepth})
	if err != nil {
		return nil, err
	}
	total := int64(len(all))
	n := pages(total)
	page = min(page, n-1)
	var lines []string
	for _, e := range all[min(page*pageSize, len(all)):min((page+1)*pageSize, len(all))] {
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
	title := "History"
	if kind != "" {
		title += " — " + string(kind)
		if id != 0 {
			title += fmt.Sprintf(" #%d", id)
		}
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(title, lines, page, n, total, "No changes recorded.")},
		Components: pager("history", page, n, fmt.Sprintf("%s:%d", kind, id)),
	}, nil
}
