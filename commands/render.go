package commands

import (
	"fmt"
	"time"

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

// langOf is the language a reply to req is written in (the router chose it).
func langOf(req *bot.Request) render.Lang { return req.Lang }

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

// updated marks a page reply as replacing the message its button belongs to.
func updated(r *bot.Reply, err error) (*bot.Reply, error) {
	if r != nil {
		r.Update = true
	}
	return r, err
}

// done is the public answer to a successful change: what changed, who changed it, the #ID.
func done(req *bot.Request, format string, args ...any) *bot.Reply {
	return &bot.Reply{Content: "✅ " + fmt.Sprintf(format, args...) + " — by " + user(req.UserID)}
}
