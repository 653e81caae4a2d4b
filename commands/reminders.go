package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/storage"
)

// remindersCommand sets when flight reminders are posted and lists planned, failed and missed
// posts so that moderators see what the channel will hear and what it did not.
func remindersCommand(d Deps) *bot.Command {
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "reminders",
			Description: "Flight reminders and other scheduled posts",
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("offsets", "When to remind before each flight's ETA (moderators)",
					optString("value", "Comma-separated, e.g. 24h,1h,0 (at most 5)", true, 60)),
				subcommand("list", "List pending, failed and missed posts"),
			},
		},
		Access: map[string]bot.Access{"offsets": bot.Moderator},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if req.Sub == "list" {
				return remindersPage(ctx, d, req, 0)
			}
			v, _ := req.String("value")
			offs, err := ParseOffsets(v)
			if err != nil {
				return nil, bot.Invalid(err, "`/reminders offsets value:24h,1h,0`")
			}
			canon := FormatOffsets(offs)
			if _, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error {
				g.ReminderOffsets = canon
				return nil
			}); err != nil {
				return nil, err
			}
			return done(req, "Reminder offsets set to **%s**; upcoming flights re-planned", canon), nil
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, _, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			r, err := remindersPage(ctx, d, req, page)
			if r != nil {
				r.Update = true
			}
			return r, err
		},
	}
}

func remindersPage(ctx context.Context, d Deps, req *bot.Request, page int) (*bot.Reply, error) {
	list, total, err := d.Store.FindReminders(ctx, req.GuildID, storage.ReminderFilter{Limit: pageSize, Offset: page * pageSize})
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, r := range list {
		lines = append(lines, reminderLine(r))
	}
	n := pages(total)
	e := listEmbed("Scheduled posts — pending, failed, missed", lines, page, n, total, "Nothing pending. Flight reminders are planned when a flight is scheduled.")
	if req.Guild.ChannelID == "" {
		e.Description += "\n\n⚠️ No announcement channel is set: an admin must run /settings channel."
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: pager("reminders", page, n, "list")}, nil
}

// reminderLine describes one planned post.
func reminderLine(r storage.Reminder) string {
	what := r.Kind
	switch r.Kind {
	case storage.ReminderFlight:
		if r.FlightID != nil {
			what = fmt.Sprintf("flight #%d, %s", *r.FlightID, offsetText(time.Duration(r.OffsetSecs)*time.Second))
		}
	case storage.ReminderOverdue:
		if r.FlightID != nil {
			what = fmt.Sprintf("overdue check of flight #%d", *r.FlightID)
		}
	case storage.ReminderCountdown:
		what = fmt.Sprintf("mandate countdown, %d days before", r.OffsetSecs/86400)
	case storage.ReminderDigest:
		what = "daily digest"
	}
	status := r.Status
	switch r.Status {
	case storage.ReminderFailed:
		status = "❗ failed: " + discordtext.Truncate(r.LastError, 120)
	case storage.ReminderMissed:
		status = "⚠️ missed (the bot was down)"
	case storage.ReminderPending:
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
	return FormatOffsets([]time.Duration{d}) + " before"
}
