package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/storage"
)

// historyCommand shows the audit trail: who changed what, when, with which command.
func historyCommand(d Deps) *bot.Command {
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "history",
			Description: "Who changed what and when (moderators)",
			Options: []*discordgo.ApplicationCommandOption{
				optChoice("kind", "Which records", false, storage.AuditKinds...),
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "id",
					Description: "One record's #ID (with kind)", MinValue: ptr(1.0)},
			},
		},
		Access: map[string]bot.Access{"": bot.Moderator},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			kind, _ := req.String("kind")
			if kind != "" && !slices.Contains(storage.AuditKinds, kind) {
				return nil, bot.Errorf("`/history kind:arrival id:12`", "unknown kind %q (one of %s)", kind, strings.Join(storage.AuditKinds, ", "))
			}
			id, hasID, err := req.Int("id")
			if err != nil {
				return nil, err
			}
			if hasID && kind == "" {
				return nil, bot.Errorf("`/history kind:arrival id:12`", "give the kind of record with its id")
			}
			if hasID && id < 1 {
				return nil, bot.Errorf("`/history kind:arrival id:12`", "id must be a positive #ID")
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
			if req.Access < bot.Moderator {
				return nil, bot.Deny(bot.Moderator, "/history")
			}
			r, err := historyPage(ctx, d, req, kind, id, page)
			if r != nil {
				r.Update = true
			}
			return r, err
		},
	}
}

func historyPage(ctx context.Context, d Deps, req *bot.Request, kind string, id int64, page int) (*bot.Reply, error) {
	all, err := d.Store.FindAudit(ctx, req.GuildID, storage.AuditFilter{Kind: kind, RecordID: id, Limit: 500})
	if err != nil {
		return nil, err
	}
	total := int64(len(all))
	n := pages(total)
	page = min(page, n-1)
	var lines []string
	for _, e := range all[min(page*pageSize, len(all)):min((page+1)*pageSize, len(all))] {
		rec := e.Kind
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
		title += " — " + kind
		if id != 0 {
			title += fmt.Sprintf(" #%d", id)
		}
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(title, lines, page, n, total, "No changes recorded.")},
		Components: pager("history", page, n, fmt.Sprintf("%s:%d", kind, id)),
	}, nil
}
