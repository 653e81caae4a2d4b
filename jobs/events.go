package jobs

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// EventStatus is a Discord guild scheduled event's status.
type EventStatus int

// Discord's scheduled event statuses. Discord allows SCHEDULED → ACTIVE → COMPLETED and
// SCHEDULED → CANCELED only.
const (
	EventScheduled EventStatus = 1
	EventActive    EventStatus = 2
	EventCompleted EventStatus = 3
	EventCanceled  EventStatus = 4
)

// Event is what a flight's mirror in the server's Events tab shows: an external event at the
// destination, from the ETA to an hour after.
type Event struct {
	Name        string // 1..100 characters
	Description string // up to 1000 characters
	Location    string // 1..100 characters
	Start, End  time.Time
}

// EventClient manages guild scheduled events; bot.DiscordEvents implements it over discordgo.
type EventClient interface {
	// CreateEvent creates an external, guild-only event and returns its ID.
	CreateEvent(ctx context.Context, guildID string, e Event) (id string, err error)
	// UpdateEvent replaces the event's name, description, location and times.
	UpdateEvent(ctx context.Context, guildID, eventID string, e Event) error
	// SetEventStatus moves the event to status.
	SetEventStatus(ctx context.Context, guildID, eventID string, status EventStatus) error
}

// EventStore records which event mirrors a flight, and reads the guild whose language the
// event is written in; *storage.Store is one.
type EventStore interface {
	SetFlightEvent(ctx context.Context, guildID string, id int64, eventID string) error
	Guild(ctx context.Context, guildID string) (storage.Guild, error)
}

// FlightEvents mirrors flights as scheduled events ([discord] scheduled_events). It is a
// courtesy copy: its errors are logged, never returned, so that Discord being unavailable never
// blocks or fails a flight change.
type FlightEvents struct {
	Client EventClient
	Store  EventStore
	Log    *slog.Logger
	// Now is the clock; tests fix it.
	Now func() time.Time
	// Timeout bounds the Discord calls of one change (default 10 s).
	Timeout time.Duration
}

// FlightChanged brings the flight's event in line with the flight after a change: it creates
// the event for a new open flight, updates it after a delay or a manifest change, cancels it
// when the flight is cancelled and completes it when the flight lands. Call it after the
// change has committed, with the flight as it now is; it may be called in a goroutine (pass a
// context that outlives the interaction, e.g. context.WithoutCancel).
func (fe *FlightEvents) FlightChanged(ctx context.Context, f storage.Flight) {
	if fe == nil || fe.Client == nil {
		return
	}
	log := fe.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if fe.Now != nil {
		now = fe.Now
	}
	timeout := fe.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	log = log.With("guild", f.GuildID, "flight", f.ID, "event", f.EventID)

	switch {
	case f.Open() && f.EventID == "":
		if !f.ETA.After(now()) {
			// Discord refuses an event that starts in the past; a flight logged after its ETA
			// has nothing to announce in the Events tab.
			return
		}
		id, err := fe.Client.CreateEvent(ctx, f.GuildID, event(fe.lang(ctx, log, f.GuildID), f))
		if err != nil {
			log.Warn("create scheduled event", "err", err)
			return
		}
		if err := fe.Store.SetFlightEvent(ctx, f.GuildID, f.ID, id); err != nil {
			log.Warn("record scheduled event", "created", id, "err", err)
		}
	case f.Open():
		if !f.ETA.After(now()) {
			return // Discord refuses moving a scheduled event into the past
		}
		if err := fe.Client.UpdateEvent(ctx, f.GuildID, f.EventID, event(fe.lang(ctx, log, f.GuildID), f)); err != nil {
			log.Warn("update scheduled event", "err", err)
		}
	case f.EventID == "":
		// Closed without ever having an event: nothing to mirror.
	case f.Status == mission.FlightCancelled:
		if err := fe.Client.SetEventStatus(ctx, f.GuildID, f.EventID, EventCanceled); err != nil {
			log.Warn("cancel scheduled event", "err", err)
		}
	case f.Status == mission.FlightLanded:
		// Discord completes only an ACTIVE event, and an external event does not start by
		// itself: start it, then complete it. If it was started already, the first call fails
		// and the second still completes it.
		errStart := fe.Client.SetEventStatus(ctx, f.GuildID, f.EventID, EventActive)
		if err := fe.Client.SetEventStatus(ctx, f.GuildID, f.EventID, EventCompleted); err != nil {
			log.Warn("complete scheduled event", "start_err", errStart, "err", err)
		}
	}
}

// lang is the language of the guild's posts, which its events are written in too. The
// mirror is a courtesy copy, so a guild that cannot be read gets English rather than no event.
func (fe *FlightEvents) lang(ctx context.Context, log *slog.Logger, guildID string) locale.Lang {
	g, err := fe.Store.Guild(ctx, guildID)
	if err != nil {
		log.Warn("load guild for its language; writing the event in English", "err", err)
		return locale.English
	}
	return postLang(g)
}

// event renders the flight as an event, in lang.
func event(lang locale.Lang, f storage.Flight) Event {
	name := locale.T(lang, "post.event_name", "ID", f.ID)
	loc := f.Destination
	if loc == "" {
		loc = locale.T(lang, "post.event_no_destination")
	} else {
		name = locale.T(lang, "post.event_name_to", "ID", f.ID, "Destination", f.Destination)
	}
	var parts []string
	for _, l := range f.Manifest {
		parts = append(parts, render.ManifestLine(lang, l.ManifestLine))
	}
	desc := locale.T(lang, "post.event_manifest", "Lines", strings.Join(parts, "; "))
	if len(parts) == 0 {
		desc = locale.T(lang, "post.event_no_manifest")
	}
	if f.Aircraft != "" {
		desc += "\n" + locale.T(lang, "post.event_aircraft", "Aircraft", f.Aircraft)
	}
	if f.Origin != "" {
		desc += "\n" + locale.T(lang, "post.event_origin", "Origin", f.Origin)
	}
	if f.Status == mission.FlightDelayed {
		if f.Reason != "" {
			desc += "\n" + locale.T(lang, "post.event_delayed_reason", "Reason", f.Reason)
		} else {
			desc += "\n" + locale.T(lang, "post.event_delayed")
		}
	}
	return Event{Name: discordtext.Truncate(name, 100), Description: discordtext.Truncate(desc, 1000), Location: discordtext.Truncate(loc, 100),
		Start: f.ETA.UTC(), End: f.ETA.UTC().Add(time.Hour)}
}
