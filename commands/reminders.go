package commands

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// remindersCommand sets when flight reminders are posted and lists planned, failed and missed
// posts so that moderators see what the channel will hear and what it did not.
func remindersCommand(d Deps) *bot.Command {
	return &bot.Command{
		Name:        "reminders",
		Description: "desc.reminders",
		Routes: []bot.Route{
			{Name: "offsets", Description: "desc.reminders.offsets", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{optString("value", "desc.reminders.value", true, maxOffsetsText)},
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setOffsets(ctx, d, req) }},
			{Name: "list", Description: "desc.reminders.list", Access: bot.Everyone,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return remindersPage(ctx, d, req, seekKey{mode: seekFirst})
				},
				Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					page, _, err := parseSeek(req.CustomID)
					if err != nil {
						return nil, err
					}
					return updated(remindersPage(ctx, d, req, page))
				}},
		},
	}
}

func setOffsets(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	v, _ := req.String("value")
	offs, err := mission.ParseOffsets(v)
	if err != nil {
		return nil, mission.InvalidWith(err, "cmd.reminders.offsets.example")
	}
	if _, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error {
		g.ReminderOffsets = offs
		return nil
	}); err != nil {
		return nil, err
	}
	return done(req, "cmd.reminders.offsets_set", "Offsets", mission.FormatOffsets(offs)), nil
}

// noChannel warns in lang, under the list, that reminders have nowhere to go.
func noChannel(lang render.Lang) string {
	return "\n\n⚠️ " + locale.T(lang, "cmd.reminders.no_channel")
}

func remindersPage(ctx context.Context, d Deps, req *bot.Request, page seekKey) (*bot.Reply, error) {
	// The warning's room is kept whether or not it is shown, so that setting the channel does
	// not move records from page to page.
	lang := langOf(req)
	room := discordtext.MaxDescription - utf8.RuneCountInString(noChannel(lang))
	read := func(k storage.Seek) ([]listRow, error) {
		list, err := d.Store.PageReminders(ctx, req.GuildID, storage.ReminderFilter{}, k)
		var rows []listRow
		for _, r := range list {
			rows = append(rows, listRow{storage.ReminderCursor(r), reminderLine(lang, r)})
		}
		return rows, err
	}
	count := func(atMost int64) (int64, error) {
		return d.Store.CountReminders(ctx, req.GuildID, storage.ReminderFilter{}, atMost)
	}
	v, err := seekPageOf(page, room, read, count)
	if err != nil {
		return nil, err
	}
	e := seekEmbed(lang, locale.T(lang, "cmd.reminders.title"), v, locale.T(lang, "cmd.reminders.empty"))
	if req.Guild.ChannelID == "" {
		e.Description += noChannel(lang)
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: seekPager(lang, "reminders list", v, "")}, nil
}

// reminderLine describes one planned post, in lang. A failure's error is Discord's or the
// database's own words, quoted as they are.
func reminderLine(lang render.Lang, r storage.Reminder) string {
	what := locale.T(lang, "cmd.reminders.kind."+string(r.Kind))
	switch r.Kind {
	case mission.ReminderFlight:
		if r.FlightID != nil {
			what = locale.T(lang, "cmd.reminders.flight", "ID", *r.FlightID, "Offset", offsetText(lang, time.Duration(r.OffsetSecs)*time.Second))
		}
	case mission.ReminderOverdue:
		if r.FlightID != nil {
			what = locale.T(lang, "cmd.reminders.overdue", "ID", *r.FlightID)
		}
	case mission.ReminderCountdown:
		what = locale.T(lang, "cmd.reminders.countdown", "Count", r.OffsetSecs/86400)
	}
	status := string(r.Status)
	switch r.Status {
	case mission.ReminderFailed:
		status = "❗ " + locale.T(lang, "cmd.reminders.failed", "Error", discordtext.Truncate(r.LastError, 120))
	case mission.ReminderMissed:
		status = "⚠️ " + locale.T(lang, "cmd.reminders.missed")
	case mission.ReminderPending:
		status = "⏰ " + locale.T(lang, "cmd.reminders.pending")
		if r.Attempts > 0 {
			status += " " + locale.T(lang, "cmd.reminders.retry", "Attempt", r.Attempts, "Error", discordtext.Truncate(r.LastError, 80))
		}
	case mission.ReminderSent, mission.ReminderCancelled:
		status = locale.T(lang, "cmd.reminders.status."+string(r.Status))
	}
	return fmt.Sprintf("**#%d** %s · %s · %s", r.ID, what, stamp(r.DueAt), status)
}

// offsetText renders an offset before ETA in lang: "at ETA", "1h before".
func offsetText(lang render.Lang, d time.Duration) string {
	if d == 0 {
		return locale.T(lang, "cmd.reminders.at_eta")
	}
	return locale.T(lang, "cmd.reminders.before", "Offset", mission.FormatOffsets([]time.Duration{d}))
}
