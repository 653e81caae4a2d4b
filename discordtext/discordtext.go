// Package discordtext holds what every message Liaison writes shares, whoever writes it (a
// command's answer, a scheduled post): Discord's message limits and the cutting that keeps a
// message within them, and the small formats (progress bars, timestamps, Discord IDs) that
// must read the same everywhere. It depends on nothing of Liaison's, so bot, commands and
// jobs can all use it.
package discordtext

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits, in characters.
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

// Pages cuts lines into the pages of an embed description, in order: each page holds as many
// whole lines as fit in limit characters once joined by newlines, and at most maxLines of them
// (no cap when maxLines < 1). A line longer than limit is shortened to limit, ending with an
// ellipsis, so that it still appears, on a page of its own. Every line is on exactly one page,
// and the cut depends on the lines alone: the same lines always give the same pages. No lines
// give no pages.
func Pages(lines []string, limit, maxLines int) [][]string {
	var pages [][]string
	var page []string
	size := 0
	for _, l := range lines {
		l = Truncate(l, limit)
		n := utf8.RuneCountInString(l)
		if len(page) > 0 && (len(page) == maxLines || size+1+n > limit) {
			pages = append(pages, page)
			page, size = nil, 0
		}
		if len(page) > 0 {
			size++ // the newline before l
		}
		page = append(page, l)
		size += n
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

// Fit cuts a message's content and embeds to Discord's limits and returns them: content, embed
// count, each embed's parts and fields, then the 6000 characters all embeds share. What does not
// fit goes from the end: last fields first, then the description's tail, then whole embeds.
func Fit(content string, embeds []*discordgo.MessageEmbed) (string, []*discordgo.MessageEmbed) {
	content = Truncate(content, MaxContent)
	if len(embeds) > MaxEmbeds {
		embeds = embeds[:MaxEmbeds]
	}
	budget := MaxEmbedTotal
	kept := embeds[:0]
	for _, e := range embeds {
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
		for EmbedSize(e) > budget && len(e.Fields) > 0 {
			e.Fields = e.Fields[:len(e.Fields)-1]
		}
		if over := EmbedSize(e) - budget; over > 0 {
			e.Description = Truncate(e.Description, utf8.RuneCountInString(e.Description)-over)
		}
		if EmbedSize(e) > budget || (EmbedSize(e) == 0 && budget == 0) {
			break // not even its title and footer fit: this and later embeds are left out
		}
		budget -= EmbedSize(e)
		kept = append(kept, e)
	}
	return content, kept
}

// EmbedSize counts the characters Discord adds up against the 6000 total.
func EmbedSize(e *discordgo.MessageEmbed) int {
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

// IsSnowflake reports whether s is a Discord ID: up to 20 decimal digits. The configuration
// (application_id) and the settings (a channel or role option) check IDs with it.
func IsSnowflake(s string) bool {
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

// RoleMention is the mention of a role by its ID. Whether it pings is up to the message's
// allowed_mentions, which names the roles that may.
func RoleMention(id string) string { return "<@&" + id + ">" }

// Timestamp is a Discord timestamp in the given style ("F" full, "f" short, "R" relative, …):
// every reader sees it in their own time zone.
func Timestamp(t time.Time, style string) string {
	return fmt.Sprintf("<t:%d:%s>", t.Unix(), style)
}

// ProgressBar renders part/whole as a 20-cell bar, rounded to the nearest cell.
func ProgressBar(part, whole int64) string {
	const cells = 20
	filled := 0
	if whole > 0 {
		filled = int((part*cells*2 + whole) / (2 * whole))
	}
	filled = min(max(filled, 0), cells)
	return "`" + strings.Repeat("█", filled) + strings.Repeat("░", cells-filled) + "`"
}
