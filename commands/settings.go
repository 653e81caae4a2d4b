package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/jobs"
	"liaison/storage"
)

// settingsCommand changes where and when Liaison posts and who moderates. Admins only, checked by
// the bot; default_member_permissions also hides it from members who lack Manage Server.
func settingsCommand(d Deps) *bot.Command {
	perm := int64(discordgo.PermissionManageGuild)
	return &bot.Command{
		Definition: &discordgo.ApplicationCommand{
			Name:                     "settings",
			Description:              "Server settings (admins)",
			DefaultMemberPermissions: &perm,
			Options: []*discordgo.ApplicationCommandOption{
				subcommand("show", "Show the settings"),
				subcommand("channel", "Channel for announcements and reminders", &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Announcement channel", Required: true,
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}}),
				subcommand("moderator-role", "Role whose members may log arrivals and flights", &discordgo.ApplicationCommandOption{
					Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "Moderator role", Required: true}),
				subcommand("timezone", "Time zone for typed times and the digest",
					optString("timezone", "IANA name, e.g. America/Port-au-Prince", true, 64)),
				subcommand("digest", "When the daily digest is posted",
					optString("schedule", "5-field cron in the server's time zone, e.g. 0 8 * * *, or off", true, 60)),
			},
		},
		Access: map[string]bot.Access{"show": bot.Admin, "channel": bot.Admin, "moderator-role": bot.Admin, "timezone": bot.Admin, "digest": bot.Admin},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if req.Sub == "show" {
				return &bot.Reply{Embeds: []*discordgo.MessageEmbed{settingsEmbed(req.Guild)}}, nil
			}
			var change func(g *storage.Guild)
			var what string
			switch req.Sub {
			case "channel":
				id, ok := req.ID("channel")
				if !ok || !isSnowflake(id) {
					return nil, bot.Errorf("`/settings channel channel:#announcements`", "choose a text channel")
				}
				change, what = func(g *storage.Guild) { g.ChannelID = id }, "announcement channel set to <#"+id+">"
			case "moderator-role":
				id, ok := req.ID("role")
				if !ok || !isSnowflake(id) {
					return nil, bot.Errorf("`/settings moderator-role role:@Coordination`", "choose a role")
				}
				change, what = func(g *storage.Guild) { g.ModeratorRoleID = id }, "moderator role set to <@&"+id+">"
			case "timezone":
				name, _ := req.String("timezone")
				if _, err := loadZone(name); err != nil {
					return nil, err
				}
				change, what = func(g *storage.Guild) { g.Timezone = name }, "time zone set to "+name
			case "digest":
				s, _ := req.String("schedule")
				s, err := checkDigest(s)
				if err != nil {
					return nil, err
				}
				change, what = func(g *storage.Guild) { g.Digest = s }, "daily digest schedule set to `"+s+"`"
			default:
				return nil, fmt.Errorf("unknown subcommand %q", req.Sub)
			}
			g, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error { change(g); return nil })
			if err != nil {
				return nil, err
			}
			r := done(req, "Settings: %s", what)
			r.Embeds = []*discordgo.MessageEmbed{settingsEmbed(g)}
			return r, nil
		},
	}
}

// checkDigest validates a digest schedule: "off" or a 5-field cron expression, parsed by the
// scheduler's own parser so that what is accepted here is what it can plan.
func checkDigest(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if strings.EqualFold(s, "off") {
		return "off", nil
	}
	const ex = "`schedule:0 8 * * *` (08:00 every day) or `schedule:off`"
	if len(strings.Fields(s)) != 5 {
		return "", bot.Errorf(ex, "%q must have 5 fields: minute hour day-of-month month day-of-week", s)
	}
	if _, err := jobs.ParseDigest(s); err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // the parser's own words, without the schedule quoted twice
		}
		return "", bot.Errorf(ex, "%q is not a valid schedule: %v", s, err)
	}
	return s, nil
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func settingsEmbed(g storage.Guild) *discordgo.MessageEmbed {
	channel, role := "not set — /settings channel", "not set — only Manage Server members can moderate"
	if g.ChannelID != "" {
		channel = "<#" + g.ChannelID + ">"
	}
	if g.ModeratorRoleID != "" {
		role = "<@&" + g.ModeratorRoleID + ">"
	}
	return &discordgo.MessageEmbed{Title: "Settings", Color: colourInfo, Fields: []*discordgo.MessageEmbedField{
		{Name: "Announcement channel", Value: channel, Inline: true},
		{Name: "Moderator role", Value: role, Inline: true},
		{Name: "Time zone", Value: g.Timezone, Inline: true},
		{Name: "Default airport", Value: g.Airport, Inline: true},
		{Name: "Reminder offsets", Value: g.ReminderOffsets, Inline: true},
		{Name: "Daily digest", Value: "`" + g.Digest + "`", Inline: true},
	}}
}
