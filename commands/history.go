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
	"liaison/render"
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
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.unknown_kind", "Kind", mission.Quote(given),
					"Kinds", mission.OptionChoices{Option: "kind", Values: mission.Strings(kinds[:]...)}).WithExample("cmd.history.example")
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
			return historyPage(ctx, d, req, kind, id, seekKey{mode: seekFirst})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parseSeek(req.CustomID)
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

func historyPage(ctx context.Context, d Deps, req *bot.Request, kind mission.RecordKind, id int64, page seekKey) (*bot.Reply, error) {
	lang := langOf(req)
	f := storage.AuditFilter{Kind: kind, RecordID: id}
	read := func(k storage.Seek) ([]listRow, error) {
		entries, err := d.Store.PageAudit(ctx, req.GuildID, f, k)
		var rows []listRow
		for _, e := range entries {
			rec := locale.T(lang, bot.ChoiceKey("kind", string(e.Kind)))
			if e.RecordID != 0 {
				rec = fmt.Sprintf("%s #%d", rec, e.RecordID)
			}
			cmd := e.Command
			if cmd == "" {
				cmd = "—"
			}
			line := fmt.Sprintf("%s · **%s** — %s · %s · `%s`", shortStamp(e.At), rec,
				locale.T(lang, "cmd.history.action."+string(e.Action)), user(lang, e.UserID), cmd)
			// The entry and its fields are one row, so that a page never splits a change.
			for _, c := range e.Changes() {
				line += "\n· " + render.FieldChange(lang, e.Action, c)
			}
			rows = append(rows, listRow{storage.AuditCursor(e), line})
		}
		return rows, err
	}
	count := func(atMost int64) (int64, error) { return d.Store.CountAudit(ctx, req.GuildID, f, atMost) }
	v, err := seekPageOf(page, discordtext.MaxDescription, read, count)
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
		Embeds:     []*discordgo.MessageEmbed{seekEmbed(lang, title, v, locale.T(lang, "cmd.history.empty"))},
		Components: seekPager(lang, "history", v, fmt.Sprintf("%s:%d", kind, id)),
	}, nil
}
