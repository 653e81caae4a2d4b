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
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// historyCommand shows the audit trail: who changed what, when, with which command.
func historyCommand(d Deps) *bot.Command {
	kinds := mission.RecordKinds()
	return &bot.Command{Name: "history", Description: "desc.history", Routes: []bot.Route{{
		Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{
			optChoice("kind", "desc.history.kind", false, mission.Strings(kinds[:]...)...),
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "id",
				Description: "desc.history.id", MinValue: ptr(1.0)},
		},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			given, _ := req.String("kind")
			kind := mission.RecordKind(given)
			if kind != "" && !slices.Contains(kinds[:], kind) {
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.unknown_kind", "Kind", fmt.Sprintf("%q", given),
					"Kinds", strings.Join(mission.Strings(kinds[:]...), ", ")).WithExample("cmd.history.example")
			}
			id, hasID, err := req.Int("id")
			if err != nil {
				return nil, err
			}
			if hasID && kind == "" {
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.kind_needed").WithExample("cmd.history.example")
			}
			if hasID && id < 1 {
				return nil, mission.Refuse(mission.EInvalid, "cmd.opt.positive_id", "Option", "id", "Value", id).WithExample("cmd.history.example")
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
	lang := langOf(req)
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
			rec := locale.T(lang, bot.ChoiceKey("kind", string(e.Kind)))
			if e.RecordID != 0 {
				rec = fmt.Sprintf("%s #%d", rec, e.RecordID)
			}
			cmd := e.Command
			if cmd == "" {
				cmd = "—"
			}
			lines = append(lines, fmt.Sprintf("%s · **%s** %s · %s · `%s`", shortStamp(e.At), rec,
				locale.T(lang, "cmd.history.action."+string(e.Action)), user(lang, e.UserID), cmd))
		}
		return lines, total, err
	})
	if err != nil {
		return nil, err
	}
	title := locale.T(lang, "cmd.history.title")
	if kind != "" {
		title += " — " + locale.T(lang, bot.ChoiceKey("kind", string(kind)))
		if id != 0 {
			title += fmt.Sprintf(" #%d", id)
		}
	}
	return &bot.Reply{
		Embeds:     []*discordgo.MessageEmbed{listEmbed(lang, title, v, locale.T(lang, "cmd.history.empty"))},
		Components: pager(lang, "history", v, fmt.Sprintf("%s:%d", kind, id)),
	}, nil
}
