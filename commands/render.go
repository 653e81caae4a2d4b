package commands

import (
	"time"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
)

// stamp renders an instant as Discord timestamps, full date and relative (render.Stamp).
func stamp(t time.Time) string { return render.Stamp(t) }

// shortStamp renders an instant as a short Discord date-time.
func shortStamp(t time.Time) string { return discordtext.Timestamp(t, "f") }

// user renders a Discord user mention; replies set allowed mentions so that nobody is pinged.
// The console and the importer act under plain names, shown as they are.
func user(lang render.Lang, id string) string {
	switch id {
	case "":
		return locale.T(lang, "cmd.someone")
	case "console", "import", "demo":
		return id
	}
	return "<@" + id + ">"
}

// langOf is the language a reply to req is written in (the router chose it).
func langOf(req *bot.Request) render.Lang { return req.Lang }

// statusIcon marks a flight status, in lang (render.FlightStatus).
func statusIcon(lang render.Lang, status mission.FlightStatus) string {
	return render.FlightStatus(lang, status)
}

// updated marks a page reply as replacing the message its button belongs to.
func updated(r *bot.Reply, err error) (*bot.Reply, error) {
	if r != nil {
		r.Update = true
	}
	return r, err
}

// done is the public answer to a successful change: what changed (the catalog text key with its
// variables), who changed it, the #ID.
func done(req *bot.Request, key string, args ...any) *bot.Reply {
	lang := langOf(req)
	return &bot.Reply{Content: "✅ " + locale.T(lang, key, args...) + " — " + locale.T(lang, "cmd.by", "User", user(lang, req.UserID))}
}

// roleText is a personnel type in the reader's language, its plural form picked by count.
func roleText(lang render.Lang, r mission.Role, count int64) string {
	return render.Role(lang, r, count)
}

// num is a whole number as lang writes it.
func num(lang render.Lang, n int64) string { return render.Number(lang, n) }
