// Package commands holds Liaison's slash commands: one file per command, its Discord definition
// beside its handler, and the parsing and rendering they share.
package commands

import (
	"context"
	"log/slog"

	"liaison/bot"
	"liaison/storage"
)

// Deps is what the commands need from the rest of the program.
type Deps struct {
	Store *storage.Store
	Log   *slog.Logger
	// FlightChanged, when set, is told about every flight change after it committed; it mirrors
	// flights to Discord's Events tab. It must not block: failures there never block a flight.
	FlightChanged func(ctx context.Context, f storage.Flight)
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
		flightCommand(d),
		flightsCommand(d),
		remindersCommand(d),
		settingsCommand(d),
		historyCommand(d),
		exportCommand(d),
		helpCommand(d),
	}
}

func (d Deps) flightChanged(ctx context.Context, f storage.Flight) {
	if d.FlightChanged != nil {
		d.FlightChanged(context.WithoutCancel(ctx), f)
	}
}
