package bot

import (
	"fmt"
	"net/url"

	"github.com/bwmarrin/discordgo"
)

// ChannelPermission is one permission Liaison needs in a server's announcement channel, with
// the reason an operator reads when it is missing.
type ChannelPermission struct {
	Bit  int64
	Name string // as Discord's client shows it
	Why  string
}

// PostPermissions are what every scheduled post needs in the announcement channel (/settings
// channel). Interaction answers need none: they go through the interaction's webhook.
var PostPermissions = []ChannelPermission{
	{discordgo.PermissionViewChannel, "View Channel", "to see the channel it posts reminders and digests in"},
	{discordgo.PermissionSendMessages, "Send Messages", "to post reminders and digests"},
	{discordgo.PermissionEmbedLinks, "Embed Links", "reminders and digests are embeds; without it Discord drops them"},
	{discordgo.PermissionAttachFiles, "Attach Files", "to attach the force chart to posts"},
}

// EventsPermission is what the Events-tab mirror ([discord] scheduled_events) needs, server-wide.
var EventsPermission = ChannelPermission{discordgo.PermissionManageEvents, "Manage Events",
	"to mirror flights in the server's Events tab ([discord] scheduled_events)"}

// MentionPermission lets the bot ping a role that is not mentionable: overdue flights ping the
// moderator role. It is not in the invite, since it also allows @everyone; making the
// moderator role mentionable is the narrower fix.
var MentionPermission = ChannelPermission{discordgo.PermissionMentionEveryone, "Mention @everyone, @here and All Roles",
	"to ping the moderator role on overdue flights while the role is not mentionable"}

// InvitePermissions is the permissions integer of the invite URL: what Liaison uses, and with
// scheduledEvents the Events-tab mirror's too. README quotes both values; a test keeps it true.
func InvitePermissions(scheduledEvents bool) int64 {
	var p int64
	for _, perm := range PostPermissions {
		p |= perm.Bit
	}
	if scheduledEvents {
		p |= EventsPermission.Bit
	}
	return p
}

// InviteURL is the OAuth2 URL that adds the bot to a server with the scopes it needs (bot, and
// applications.commands for its slash commands) and the permissions of InvitePermissions.
func InviteURL(applicationID string, scheduledEvents bool) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", fmt.Sprint(InvitePermissions(scheduledEvents)))
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}
