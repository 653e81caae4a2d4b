package bot

import (
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits. Replies are cut to fit here, by construction, so that no handler can
// produce a message Discord rejects.
const (
	MaxContent     = 2000
	MaxEmbeds      = 10
	MaxEmbedTotal  = 6000
	MaxFields      = 25
	MaxFieldName   = 256
	MaxFieldValue  = 1024
	MaxTitle       = 256
	MaxDescription = 4096
	MaxFooter      = 2048
	MaxChoices     = 25
	MaxChoiceName  = 100
	MaxCustomID    = 100
)

// Truncate cuts s to at most n characters (runes), ending with an ellipsis when cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Fit cuts a reply to Discord's limits: content, embed count, each embed's parts and fields,
// then the 6000 characters all embeds share. What does not fit goes from the end: last fields
// first, then the description's tail, then whole embeds.
func Fit(rep *Reply) {
	rep.Content = Truncate(rep.Content, MaxContent)
	if len(rep.Embeds) > MaxEmbeds {
		rep.Embeds = rep.Embeds[:MaxEmbeds]
	}
	budget := MaxEmbedTotal
	kept := rep.Embeds[:0]
	for _, e := range rep.Embeds {
		if len(e.Fields) > MaxFields {
			e.Fields = e.Fields[:MaxFields]
		}
		e.Title = Truncate(e.Title, MaxTitle)
		e.Description = Truncate(e.Description, MaxDescription)
		if e.Footer != nil {
			e.Footer.Text = Truncate(e.Footer.Text, MaxFooter)
		}
		for _, f := range e.Fields {
			f.Name = Truncate(f.Name, MaxFieldName)
			f.Value = Truncate(f.Value, MaxFieldValue)
		}
		for embedSize(e) > budget && len(e.Fields) > 0 {
			e.Fields = e.Fields[:len(e.Fields)-1]
		}
		if over := embedSize(e) - budget; over > 0 {
			e.Description = Truncate(e.Description, utf8.RuneCountInString(e.Description)-over)
		}
		if embedSize(e) > budget || (embedSize(e) == 0 && budget == 0) {
			break // not even its title and footer fit: this and later embeds are left out
		}
		budget -= embedSize(e)
		kept = append(kept, e)
	}
	rep.Embeds = kept
}

// embedSize counts the characters Discord adds up against the 6000 total.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// FitChoices keeps at most 25 autocomplete choices with names of at most 100 characters.
func FitChoices(c []*discordgo.ApplicationCommandOptionChoice) []*discordgo.ApplicationCommandOptionChoice {
	if len(c) > MaxChoices {
		c = c[:MaxChoices]
	}
	for _, ch := range c {
		ch.Name = Truncate(ch.Name, MaxChoiceName)
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
