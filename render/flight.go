package render

import (
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// The colours of Liaison's embeds, the same for the same thing in replies and posts alike.
const (
	// ColourInfo: a flight scheduled, a list, the settings, the force levels.
	ColourInfo = 0x2B6CB0
	// ColourSuccess: a flight landed, the daily digest.
	ColourSuccess = 0x2F855A
	// ColourWarning: a flight delayed, cancelled or overdue.
	ColourWarning = 0xC05621
)

// Stamp is an instant as Discord timestamps, full date and relative, so that every reader sees
// it in their own time zone.
func Stamp(t time.Time) string {
	return discordtext.Timestamp(t, "F") + " (" + discordtext.Timestamp(t, "R") + ")"
}

// statusIcons mark the flight statuses in lists and embeds.
var statusIcons = map[mission.FlightStatus]string{mission.FlightScheduled: "🛫", mission.FlightDelayed: "⏳",
	mission.FlightLanded: "🛬", mission.FlightCancelled: "✖️"}

// FlightStatus is a flight status with its icon, in lang.
func FlightStatus(lang Lang, status mission.FlightStatus) string {
	icon := statusIcons[status]
	if icon == "" {
		return string(status)
	}
	return icon + " " + locale.T(lang, "cmd.flight.status."+string(status))
}

// FlightEmbed shows a flight in full, in lang: the one embed of a flight, in the replies to
// /flight and in the reminders before it. dest is the destination as the caller shows it (a
// reminder falls back to the guild's airport, a reply says it is to be confirmed).
func FlightEmbed(lang Lang, f storage.Flight, dest string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: locale.T(lang, "cmd.flight.title", "ID", f.ID, "Destination", dest), Color: ColourInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: locale.T(lang, "cmd.flight.field.status"), Value: FlightStatus(lang, f.Status), Inline: true},
			{Name: locale.T(lang, "cmd.flight.field.eta"), Value: Stamp(f.ETA), Inline: true},
		}}
	if f.LandedAt != nil {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.flight.field.landed"), Value: Stamp(*f.LandedAt), Inline: true})
		e.Color = ColourSuccess
	}
	if f.Status == mission.FlightCancelled || f.Status == mission.FlightDelayed {
		e.Color = ColourWarning
	}
	for _, kv := range [][2]string{{"aircraft", f.Aircraft}, {"origin", f.Origin}, {"reason", f.Reason}, {"source", f.Source}, {"note", f.Note}} {
		if kv[1] != "" {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.flight.field."+kv[0]), Value: kv[1], Inline: kv[0] != "note"})
		}
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: locale.T(lang, "cmd.flight.field.manifest"), Value: Manifest(lang, f.Manifest)})
	return e
}
