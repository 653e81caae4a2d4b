// Package commands holds Liaison's slash commands: one file per command, its Discord definition
// beside its handler, and the parsing and rendering they share.
package commands

import (
	"log/slog"

	"liaison/bot"
	"liaison/storage"
)

// Deps is what the commands need from the rest of the program.
type Deps struct {
	Store *storage.Store
	Log   *slog.Logger
	// Attachments downloads the files /import is given: from Discord's CDN, or from the host
	// of [discord].api_base when set.
	Attachments bot.AttachmentFetcher
	// ExportLimit lowers the largest file /export attaches below the interaction's own limit
	// when set (0: the interaction's limit); tests lower it.
	ExportLimit int
	// PublicURL is [http].public_url, the base of the links /settings share gives; "" gives
	// none and says what to configure.
	PublicURL string
}

// All returns every slash command, in the order /help lists them.
func All(d Deps) []*bot.Command {
	return []*bot.Command{
		missionCommand(d),
		forcesCommand(d),
		arrivalCommand(d),
		arrivalsCommand(d),
		departureCommand(d),
		pledgeCommand(d),
		reportCommand(d),
		reportsCommand(d),
		flightCommand(d),
		flightsCommand(d),
		remindersCommand(d),
		settingsCommand(d),
		historyCommand(d),
		exportCommand(d),
		importCommand(d),
		draftMessageCommand(d),
		helpCommand(d),
	}
}
