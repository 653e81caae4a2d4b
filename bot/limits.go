package bot

import (
	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
)

// Fit cuts a reply to Discord's limits, by construction, so that no handler can produce a
// message Discord rejects.
func Fit(rep *Reply) {
	rep.Content, rep.Embeds = discordtext.Fit(rep.Content, rep.Embeds)
}

// FitChoices keeps at most 25 autocomplete choices with names of at most 100 characters.
func FitChoices(c []*discordgo.ApplicationCommandOptionChoice) []*discordgo.ApplicationCommandOptionChoice {
	if len(c) > discordtext.MaxChoices {
		c = c[:discordtext.MaxChoices]
	}
	for _, ch := range c {
		ch.Name = discordtext.Truncate(ch.Name, discordtext.MaxChoiceName)
	}
	return c
}

// NoMentions lets no reply ping anyone: names in replies are shown, never notified.
func NoMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// MessageData is the interaction-response body of a reply.
func MessageData(rep *Reply) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         rep.Content,
		Embeds:          rep.Embeds,
		Components:      rep.Components,
		Files:           rep.Files,
		AllowedMentions: NoMentions(),
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if rep.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// followUpOf is the follow-up message that carries the reply when the deferred answer cannot:
// an ephemeral reply after a public "thinking…".
func followUpOf(rep *Reply) *discordgo.WebhookParams {
	p := &discordgo.WebhookParams{Content: rep.Content, Embeds: rep.Embeds, Components: rep.Components,
		Files: rep.Files, AllowedMentions: NoMentions()}
	if rep.Ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	return p
}

// editOf is the webhook edit that replaces a deferred answer with the reply.
func editOf(rep *Reply) *discordgo.WebhookEdit {
	content := rep.Content
	embeds := rep.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	comps := rep.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &comps,
		Files: rep.Files, AllowedMentions: NoMentions()}
}
