package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// settingsCommand changes where and when Liaison posts and who moderates. Admins only, checked by
// the bot; default_member_permissions also hides it from members who lack Manage Server.
func settingsCommand(d Deps) *bot.Command {
	perm := int64(discordgo.PermissionManageGuild)
	set := func(read func(req *bot.Request) (func(g *storage.Guild), string, error)) bot.Handler {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			change, what, err := read(req)
			if err != nil {
				return nil, err
			}
			g, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error { change(g); return nil })
			if err != nil {
				return nil, err
			}
			r := done(req, "Settings: %s", what)
			r.Embeds = []*discordgo.MessageEmbed{settingsEmbed(g)}
			return r, nil
		}
	}
	return &bot.Command{
		Name:                     "settings",
		Description:              "Server settings",
		DefaultMemberPermissions: &perm,
		Routes: []bot.Route{
			{Name: "show", Description: "Show the settings", Access: bot.Admin,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return &bot.Reply{Embeds: []*discordgo.MessageEmbed{settingsEmbed(req.Guild)}}, nil
				}},
			{Name: "channel", Description: "Channel for announcements and reminders", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Announcement channel", Required: true,
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}}},
				Run: set(readChannel)},
			{Name: "moderator-role", Description: "Role whose members may log arrivals and flights", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "Moderator role", Required: true}},
				Run: set(readModeratorRole)},
			{Name: "timezone", Description: "Time zone for typed times and the digest", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{optString("timezone", "IANA name, e.g. America/Port-au-Prince", true, maxTimezone)},
				Run:     set(readTimezone)},
			{Name: "digest", Description: "When the daily digest is posted", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{
					optString("schedule", "5-field cron in the server's time zone, e.g. 0 8 * * *, or off", true, maxScheduleText)},
				Run: set(readDigest)},
			{Name: "language", Description: "Language of reminders, the digest and other posts", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{languageOption()},
				Run:     set(readLanguage)},
		},
	}
}

func readChannel(req *bot.Request) (func(g *storage.Guild), string, error) {
	id, ok := req.ID("channel")
	if !ok || !isSnowflake(id) {
		return nil, "", mission.Invalidf("`/settings channel channel:#announcements`", "choose a text channel")
	}
	return func(g *storage.Guild) { g.ChannelID = id }, "announcement channel set to <#" + id + ">", nil
}

func readModeratorRole(req *bot.Request) (func(g *storage.Guild), string, error) {
	id, ok := req.ID("role")
	if !ok || !isSnowflake(id) {
		return nil, "", mission.Invalidf("`/settings moderator-role role:@Coordination`", "choose a role")
	}
	return func(g *storage.Guild) { g.ModeratorRoleID = id }, "moderator role set to <@&" + id + ">", nil
}

func readTimezone(req *bot.Request) (func(g *storage.Guild), string, error) {
	name, _ := req.String("timezone")
	if _, err := loadZone(name); err != nil {
		return nil, "", err
	}
	return func(g *storage.Guild) { g.Timezone = name }, "time zone set to " + name, nil
}

// languageOption offers every language Liaison writes, each named in itself.
func languageOption() *discordgo.ApplicationCommandOption {
	o := optString("language", "Language of the server's posts", true, 0)
	for _, l := range locale.Languages() {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: l.Name(), Value: string(l)})
	}
	return o
}

func readLanguage(req *bot.Request) (func(g *storage.Guild), string, error) {
	s, _ := req.String("language")
	l, ok := locale.Parse(s)
	if !ok {
		return nil, "", mission.Invalidf("`/settings language language:fr`", "unknown language %q (en, fr or es)", s)
	}
	return func(g *storage.Guild) { g.Language = string(l) }, "language of posts set to " + l.Name(), nil
}

func readDigest(req *bot.Request) (func(g *storage.Guild), string, error) {
	s, _ := req.String("schedule")
	s, err := checkDigest(s)
	if err != nil {
		return nil, "", err
	}
	return func(g *storage.Guild) { g.Digest = s }, "daily digest schedule set to `" + s + "`", nil
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
		return "", mission.Invalidf(ex, "%q must have 5 fields: minute hour day-of-month month day-of-week", s)
	}
	if _, err := mission.ParseDigest(s); err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // the parser's own words, without the schedule quoted twice
		}
		return "", mission.Invalidf(ex, "%q is not a valid schedule: %v", s, err)
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
		{Name: "Language of posts", Value: locale.Pick("", locale.Lang(g.Language)).Name(), Inline: true},
	}}
}
