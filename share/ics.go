package share

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"liaison/locale"
	"liaison/mission"
	"liaison/render"
)

// refresh is the refresh hint the feed gives its subscribers (REFRESH-INTERVAL, RFC 7986, and
// the older X-PUBLISHED-TTL that Outlook and Google read): a flight's delay reaches a
// calendar within about a quarter of an hour, without subscribers polling every minute.
const refresh = "PT15M"

// flightLength is how long a flight's event lasts from its ETA: an arrival is an instant, but a
// calendar shows a zero-length event poorly, and reception takes about an hour.
const flightLength = time.Hour

// calendar writes the guild's flights as an iCalendar feed (RFC 5545) in l: the flights of the
// past calendarPast and every one ahead, one event each. The library (github.com/arran4/golang-ical)
// escapes text values and folds lines at 75 octets without splitting a UTF-8 character.
//
// Each event's UID is the flight's row ID, which never changes; SEQUENCE is the count of the
// flight's changes (storage.CalendarFlight), so a delay or a cancellation replaces the copy a
// calendar holds. DTSTAMP and LAST-MODIFIED are the flight's last change, so an unchanged
// flight is written the same on every request and the feed's ETag holds.
func (h *Handler) calendar(ctx context.Context, w io.Writer, guildID string, l locale.Lang) error {
	now := h.now()
	g, err := h.store.CachedGuild(ctx, guildID)
	if err != nil {
		return err
	}
	fs, err := h.store.CalendarFlights(ctx, guildID, now.Add(-calendarPast), calendarMax)
	if err != nil {
		return err
	}
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
