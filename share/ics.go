package share

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// refresh is the refresh hint the feed gives its subscribers (REFRESH-INTERVAL, RFC 7986, and
// the older X-PUBLISHED-TTL that Outlook and Google read): a flight's delay reaches a
// calendar within about a quarter of an hour, without subscribers polling every minute.
const refresh = "PT15M"

// flightLength is how long a flight's event lasts from its ETA: an arrival is an instant, but a
// calendar shows a zero-length event poorly, and reception takes about an hour.
const flightLength = time.Hour

// feed is what a calendar is written from: the guild's settings and the flights of the past
// calendarPast and every one ahead. It is kept for cacheTTL like a rendered page, and the
// calendar is written from it straight to each request that needs the body: nothing holds
// the serialized feed, and a subscriber whose copy is current gets 304 without a line written.
type feed struct {
	guild   storage.Guild
	flights []storage.CalendarFlight
}

// loadFeed reads the guild's feed as of now.
func (h *Handler) loadFeed(ctx context.Context, guildID string) (*feed, error) {
	g, err := h.store.CachedGuild(ctx, guildID)
	if err != nil {
		return nil, err
	}
	fs, err := h.store.CalendarFlights(ctx, guildID, h.now().Add(-calendarPast), calendarMax)
	if err != nil {
		return nil, err
	}
	return &feed{guild: g, flights: fs}, nil
}

// etag identifies the calendar fd gives in l: the settings it writes and every field of every
// flight (a change raises its UpdatedAt and Sequence), so that it changes with the feed's text
// without the text being written.
func (fd *feed) etag(l locale.Lang) string {
	b, _ := json.Marshal(struct {
		Lang          locale.Lang
		Mission, Zone string
		Flights       []storage.CalendarFlight
	}{l, fd.guild.MissionName, fd.guild.Timezone, fd.flights})
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// calendar writes fd as an iCalendar feed (RFC 5545) in l, one event per flight. The library
// (github.com/arran4/golang-ical) escapes text values and folds lines at 75 octets without
// splitting a UTF-8 character.
//
// Each event's UID is the flight's row ID, which never changes; SEQUENCE is the count of the
// flight's changes (storage.CalendarFlight), so a delay or a cancellation replaces the copy a
// calendar holds. DTSTAMP and LAST-MODIFIED are the flight's last change, so an unchanged
// flight is written the same on every request and the feed's ETag holds.
func (h *Handler) calendar(w io.Writer, fd *feed, l locale.Lang) error {
	g, fs := fd.guild, fd.flights
	t := func(key string, args ...any) string { return locale.T(l, key, args...) }
	cal := ics.NewCalendarFor("Liaison")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	name := t("share.ics.calendar_name_plain")
	if g.MissionName != "" {
		name = t("share.ics.calendar_name", "Mission", g.MissionName)
	}
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetProductId("-//Liaison//Flights//EN")
	cal.SetRefreshInterval(refresh) // the library adds VALUE=DURATION itself
	cal.SetXPublishedTTL(refresh)
	for _, cf := range fs {
		f := cf.Flight
		e := cal.AddEvent(fmt.Sprintf("liaison-flight-%d", f.ID))
		e.SetSequence(int(cf.Sequence))
		e.SetDtStampTime(f.UpdatedAt)
		e.SetModifiedAt(f.UpdatedAt)
		e.SetCreatedTime(f.CreatedAt)
		start := f.ETA
		if f.LandedAt != nil {
			start = *f.LandedAt
		}
		e.SetStartAt(start)
		e.SetEndAt(start.Add(flightLength))
		dest := destination(l, f)
		e.SetLocation(dest)
		desc := t("share.ics.status", "Status", t("cmd.flight.status."+string(f.Status)))
		if f.LandedAt != nil {
			desc += "\n" + t("share.ics.landed", "Time", stamp(l, f.LandedAt.In(g.Location()))+" ("+g.Location().String()+")")
		}
		if f.Aircraft != "" {
			desc += "\n" + t("share.ics.aircraft", "Aircraft", f.Aircraft)
		}
		if f.Origin != "" {
			desc += "\n" + t("share.ics.origin", "Origin", f.Origin)
		}
		desc += "\n" + strings.ReplaceAll(manifest(l, f.Manifest), "; ", "\n")
		e.SetDescription(desc)
		switch f.Status {
		case mission.FlightCancelled:
			e.SetStatus(ics.ObjectStatusCancelled)
			e.SetSummary(t("share.ics.summary_cancelled", "ID", f.ID, "Destination", dest))
		default:
			e.SetStatus(ics.ObjectStatusConfirmed)
			e.SetSummary(t("share.ics.summary", "ID", f.ID, "Destination", dest, "Manifest", render.ManifestShort(l, f.Manifest)))
		}
	}
	// RFC 5545 §3.1 ends every line with CRLF; the library's default is a bare LF.
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}
