package commands

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// remindersCommand sets when flight reminders are posted and lists planned, failed and missed
// posts so that moderators see what the channel will hear and what it did not.
func remindersCommand(d Deps) *bot.Command {
	return &bot.Command{
		Name:        "reminders",
		Description: "Flight reminders and other scheduled posts",
		Routes: []bot.Route{
			{Name: "offsets", Description: "When to remind before each flight's ETA", Access: bot.Moderator,
				Options: []*discordgo.ApplicationCommandOption{optString("value", "Comma-separated, e.g. 24h,1h,0 (at most 5)", true, maxOffsetsText)},
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return setOffsets(ctx, d, req) }},
			{Name: "list", Description: "List pending, failed and missed posts", Access: bot.Everyone,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return remindersPage(ctx, d, req, pageKey{})
				},
				Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					page, _, err := parsePage(req.CustomID)
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
		return nil, mission.Invalid(err, "`/reminders offsets value:24h,1h,0`")
	}
	canon := mission.FormatOffsets(offs)
	if _, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error {
		g.ReminderOffsets = canon
		return nil
	}); err != nil {
		return nil, err
	}
	return done(req, "Reminder offsets set to **%s**; upcoming flights re-planned", canon), nil
}

// noChannel warns, under the list, that reminders have nowhere to go.
const noChannel = "\n\n⚠️ No announcement channel is set: an admin must run /settings channel."

func remindersPage(ctx context.Context, d Deps, req *bot.Request, page pageKey) (*bot.Reply, error) {
	// The warning's room is kept whether or not it is shown, so that setting the channel does
	// not move records from page to page.
	room := discordtext.MaxDescription - utf8.RuneCountInString(noChannel)
	v, err := pageOf(page, room, func(offset, limit int) ([]string, int64, error) {
		list, total, err := d.Store.FindReminders(ctx, req.GuildID, storage.ReminderFilter{Limit: limit, Offset: offset})
		var lines []string
		for _, r := range list {
			lines = append(lines, reminderLine(r))
		}
		return lines, total, err
	})
	if err != nil {
		return nil, err
	}
	e := listEmbed("Scheduled posts — pending, failed, missed", v, "Nothing pending. Flight reminders are planned when a flight is scheduled.")
	if req.Guild.ChannelID == "" {
		e.Description += noChannel
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: pager("reminders list", v, "")}, nil
}

// reminderLine describes one planned post.
func reminderLine(r storage.Reminder) string {
	what := string(r.Kind)
	switch r.Kind {
	case mission.ReminderFlight:
		if r.FlightID != nil {
			what = fmt.Sprintf("flight #%d, %s", *r.FlightID, offsetText(time.Duration(r.OffsetSecs)*time.Second))
		}
	case mission.ReminderOverdue:
		if r.FlightID != nil {
			what = fmt.Sprintf("overdue check of flight #%d", *r.FlightID)
		}
	case mission.ReminderCountdown:
		what = fmt.Sprintf("mandate countdown, %d days before", r.OffsetSecs/86400)
	case mission.ReminderDigest:
		what = "daily digest"
	}
	status := string(r.Status)
	switch r.Status {
	case mission.ReminderFailed:
		status = "❗ failed: " + discordtext.Truncate(r.LastError, 120)
	case mission.ReminderMissed:
		status = "⚠️ missed (the bot was down)"
	case mission.ReminderPending:
		status = "⏰ pending"
		if r.Attempts > 0 {
			status += fmt.Sprintf(" (retry %d: %s)", r.Attempts, discordtext.Truncate(r.LastError, 80))
		}
	}
	return fmt.Sprintf("**#%d** %s · %s · %s", r.ID, what, stamp(r.DueAt), status)
}

// offsetText renders an offset before ETA: "at ETA", "1h before".
func offsetText(d time.Duration) string {
	if d == 0 {
		return "at ETA"
	}
	return mission.FormatOffsets([]time.Duration{d}) + " before"
}
