package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/mission"
	"liaison/render"
)

// Embed colours.
const (
	colourInfo    = 0x2B6CB0
	colourSuccess = 0x2F855A
	colourWarning = 0xC05621
)

// pageSize is the number of records on one page of a list.
const pageSize = 10

// stamp renders an instant as Discord timestamps, full date and relative, so that every reader
// sees it in their own time zone.
func stamp(t time.Time) string {
	return discordtext.Timestamp(t, "F") + " (" + discordtext.Timestamp(t, "R") + ")"
}

// shortStamp renders an instant as a short Discord date-time.
func shortStamp(t time.Time) string { return discordtext.Timestamp(t, "f") }

// user renders a Discord user mention; replies set allowed mentions so that nobody is pinged.
// The console and the importer act under plain names, shown as they are.
func user(id string) string {
	switch id {
	case "":
		return "someone"
	case "console", "import", "demo":
		return id
	}
	return "<@" + id + ">"
}

// langOf is the language a reply to req is written in. English is the only catalog yet.
func langOf(req *bot.Request) render.Lang { return render.English }

// statusIcon marks a flight status.
func statusIcon(status mission.FlightStatus) string {
	switch status {
	case mission.FlightScheduled:
		return "🛫 scheduled"
	case mission.FlightDelayed:
		return "⏳ delayed"
	case mission.FlightLanded:
		return "🛬 landed"
	case mission.FlightCancelled:
		return "✖️ cancelled"
	}
	return string(status)
}

// pages returns the number of pages for total records.
func pages(total int64) int {
	return max(1, int((total+pageSize-1)/pageSize))
}

// pager returns Previous/Next buttons for page (0-based) of n pages, or nil for one page. The
// list's state travels in the custom_id ("route:page:state"), so no state lives in memory;
// callers keep state short enough that the id stays within Discord's 100 characters.
func pager(route string, page, n int, state string) []discordgo.MessageComponent {
	if n <= 1 {
		return nil
	}
	id := func(p int) string {
		return discordtext.Truncate(bot.ComponentID(route, fmt.Sprintf("%d:%s", p, state)), discordtext.MaxCustomID)
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: id(page - 1), Disabled: page == 0},
		discordgo.Button{Label: fmt.Sprintf("Page %d/%d", page+1, n), Style: discordgo.SecondaryButton, CustomID: id(-1), Disabled: true},
		discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: id(page + 1), Disabled: page >= n-1},
	}}}
}

// updated marks a page reply as replacing the message its button belongs to.
func updated(r *bot.Reply, err error) (*bot.Reply, error) {
	if r != nil {
		r.Update = true
	}
	return r, err
}

// parsePage splits a pager custom_id (without the command) into page and state.
func parsePage(customID string) (int, string, error) {
	p, state, _ := strings.Cut(customID, ":")
	page, err := strconv.Atoi(p)
	if err != nil || page < 0 {
		return 0, "", fmt.Errorf("bad page button %q", customID)
	}
	return page, state, nil
}

// listEmbed builds the embed of one page of a list.
func listEmbed(title string, lines []string, page, n int, total int64, empty string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: title, Color: colourInfo}
	if len(lines) == 0 {
		e.Description = empty
		return e
	}
	e.Description = strings.Join(lines, "\n")
	e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d · %d in all", page+1, n, total)}
	return e
}

// done is the public answer to a successful change: what changed, who changed it, the #ID.
func done(req *bot.Request, format string, args ...any) *bot.Reply {
	return &bot.Reply{Content: "✅ " + fmt.Sprintf(format, args...) + " — by " + user(req.UserID)}
}
