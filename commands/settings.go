package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// settingsCommand changes where and when Liaison posts and who moderates. Admins only, checked by
// the bot; default_member_permissions also hides it from members who lack Manage Server.
func settingsCommand(d Deps) *bot.Command {
	perm := int64(discordgo.PermissionManageGuild)
	// read returns the change and the catalog key of what it did, with its variables.
	set := func(read func(req *bot.Request) (func(g *storage.Guild), mission.Text, error)) bot.Handler {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			change, what, err := read(req)
			if err != nil {
				return nil, err
			}
			g, err := d.Store.UpdateGuild(ctx, req.Actor(), func(g *storage.Guild) error { change(g); return nil })
			if err != nil {
				return nil, err
			}
			lang := langOf(req)
			r := done(req, "cmd.settings.changed", "What", locale.Text(lang, what))
			r.Embeds = []*discordgo.MessageEmbed{settingsEmbed(lang, g)}
			return r, nil
		}
	}
	return &bot.Command{
		Name:                     "settings",
		Description:              "desc.settings",
		DefaultMemberPermissions: &perm,
		Routes: []bot.Route{
			{Name: "show", Description: "desc.settings.show", Access: bot.Admin,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
					return &bot.Reply{Embeds: []*discordgo.MessageEmbed{settingsEmbed(langOf(req), req.Guild)}}, nil
				}},
			{Name: "channel", Description: "desc.settings.channel", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "desc.settings.channel.channel", Required: true,
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}}},
				Run: set(readChannel)},
			{Name: "moderator-role", Description: "desc.settings.moderator_role", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "desc.settings.moderator_role.role", Required: true}},
				Run: set(readModeratorRole)},
			{Name: "ping-role", Description: "desc.settings.ping_role", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "desc.settings.ping_role.role"}},
				Run: set(readPingRole)},
			{Name: "timezone", Description: "desc.settings.timezone", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{optString("timezone", "desc.opt.timezone", true, maxTimezone)},
				Run:     set(readTimezone)},
			{Name: "digest", Description: "desc.settings.digest", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{
					optString("schedule", "desc.settings.schedule", true, maxScheduleText)},
				Run: set(readDigest)},
			{Name: "language", Description: "desc.settings.language", Access: bot.Admin,
				Options: []*discordgo.ApplicationCommandOption{languageOption()},
				Run:     set(readLanguage)},
			shareRoute(d),
		},
	}
}

func readChannel(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	id, ok := req.ID("channel")
	if !ok || !discordtext.IsSnowflake(id) {
		return nil, mission.Text{}, mission.Refuse(mission.EInvalid, "cmd.settings.choose_channel").WithExample("cmd.settings.channel.example")
	}
	return func(g *storage.Guild) { g.ChannelID = id }, mission.T("cmd.settings.channel_set", "Channel", "<#"+id+">"), nil
}

func readModeratorRole(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	id, ok := req.ID("role")
	if !ok || !discordtext.IsSnowflake(id) {
		return nil, mission.Text{}, mission.Refuse(mission.EInvalid, "cmd.settings.choose_role").WithExample("cmd.settings.role.example")
	}
	return func(g *storage.Guild) { g.ModeratorRoleID = id }, mission.T("cmd.settings.role_set", "Role", discordtext.RoleMention(id)), nil
}

// readPingRole reads the role flight reminders mention; without one, reminders mention nobody.
func readPingRole(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	id, ok := req.ID("role")
	if !ok {
		return func(g *storage.Guild) { g.PingRoleID = "" }, mission.T("cmd.settings.ping_role_off"), nil
	}
	if !discordtext.IsSnowflake(id) {
		return nil, mission.Text{}, mission.Refuse(mission.EInvalid, "cmd.settings.choose_role").WithExample("cmd.settings.ping_role.example")
	}
	return func(g *storage.Guild) { g.PingRoleID = id }, mission.T("cmd.settings.ping_role_set", "Role", discordtext.RoleMention(id)), nil
}

func readTimezone(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	name, _ := req.String("timezone")
	if _, err := mission.LoadZone(name); err != nil {
		return nil, mission.Text{}, err
	}
	return func(g *storage.Guild) { g.Timezone = name }, mission.T("cmd.settings.timezone_set", "Zone", name), nil
}

// languageOption offers every language Liaison writes, each named in itself (its choices'
// keys, choice.language.<code>, name each language the same in every catalog).
func languageOption() *discordgo.ApplicationCommandOption {
	o := optString("language", "desc.settings.language.language", true, 0)
	for _, l := range locale.Languages() {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: l.Name(), Value: string(l)})
	}
	return o
}

func readLanguage(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	s, _ := req.String("language")
	l, ok := locale.Parse(s)
	if !ok {
		return nil, mission.Text{}, mission.Refuse(mission.EInvalid, "cmd.settings.unknown_language", "Language", mission.Quote(s)).
			WithExample("cmd.settings.language.example")
	}
	return func(g *storage.Guild) { g.Language = string(l) }, mission.T("cmd.settings.language_set", "Language", mission.T("language."+string(l))), nil
}

func readDigest(req *bot.Request) (func(g *storage.Guild), mission.Text, error) {
	s, _ := req.String("schedule")
	s, err := checkDigest(s)
	if err != nil {
		return nil, mission.Text{}, err
	}
	return func(g *storage.Guild) { g.Digest = s }, mission.T("cmd.settings.digest_set", "Schedule", mission.DescribeDigest(s)), nil
}

// checkDigest reads a digest schedule as the scheduler does (mission.DigestCron: "off", a time
// in words, or five cron fields) and returns the five fields that are stored, so that what is
// accepted here is what it can plan. cron's English reasons stay in the error's cause, for the
// log; the reader gets the field at fault in their language.
func checkDigest(s string) (string, error) {
	c, err := mission.DigestCron(s)
	if err != nil {
		return "", mission.InvalidWith(err, "cmd.settings.digest.example")
	}
	return c, nil
}

func settingsEmbed(lang render.Lang, g storage.Guild) *discordgo.MessageEmbed {
	channel, role := locale.T(lang, "cmd.settings.no_channel"), locale.T(lang, "cmd.settings.no_role")
	if g.ChannelID != "" {
		channel = "<#" + g.ChannelID + ">"
	}
	if g.ModeratorRoleID != "" {
		role = discordtext.RoleMention(g.ModeratorRoleID)
	}
	ping := locale.T(lang, "cmd.settings.no_ping_role")
	if g.PingRoleID != "" {
		ping = discordtext.RoleMention(g.PingRoleID)
	}
	return &discordgo.MessageEmbed{Title: locale.T(lang, "cmd.settings.title"), Color: render.ColourInfo, Fields: []*discordgo.MessageEmbedField{
		{Name: locale.T(lang, "cmd.field.channel"), Value: channel, Inline: true},
		{Name: locale.T(lang, "cmd.field.moderator_role"), Value: role, Inline: true},
		{Name: locale.T(lang, "cmd.field.ping_role"), Value: ping, Inline: true},
		{Name: locale.T(lang, "cmd.field.timezone"), Value: g.Timezone, Inline: true},
		{Name: locale.T(lang, "cmd.field.airport"), Value: orNotSet(lang, g.Airport), Inline: true},
		{Name: locale.T(lang, "cmd.field.offsets"), Value: g.ReminderOffsets.String(), Inline: true},
		{Name: locale.T(lang, "cmd.field.digest"), Value: locale.Text(lang, mission.DescribeDigest(g.Digest)), Inline: true},
		{Name: locale.T(lang, "cmd.field.language"), Value: locale.T(lang, "language."+string(locale.Pick("", locale.Lang(g.Language)))), Inline: true},
	}}
}
