package jobs

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// Digest sizes: a section lists maxListed lines before "… and N more"; the force summary names
// digestCountries countries, so that the digest stays one screen long.
const (
	maxListed       = 10
	digestCountries = 15
	// digestAhead is how far ahead the digest lists flights.
	digestAhead = 48 * time.Hour
	// digestBack is how far back it lists arrivals.
	digestBack = 24 * time.Hour
)

// compose builds the post for r, or a *verdict when r should not be posted any more: its
// flight landed, was cancelled or moved, the mandate end changed, the digest was switched off
// or a later digest supersedes it.
func (s *Scheduler) compose(ctx context.Context, g storage.Guild, r storage.Reminder, now time.Time, late bool) (Message, error) {
	var m Message
	var err error
	switch r.Kind {
	case mission.ReminderFlight:
		m, err = s.composeFlight(ctx, g, r)
	case mission.ReminderOverdue:
		m, err = s.composeOverdue(ctx, g, r)
	case mission.ReminderCountdown:
		m, err = s.composeCountdown(g, r)
	case mission.ReminderDigest:
		m, err = s.composeDigest(ctx, g, r, now)
	default:
		return m, failedf("unknown reminder kind %q", r.Kind)
	}
	if err != nil {
		return m, err
	}
	if late {
		m.Content = locale.T(postLang(g), "post.late", "Due", discordtext.Timestamp(r.DueAt, "F"), "Relative", discordtext.Timestamp(r.DueAt, "R")) + "\n" + m.Content
	}
	if m.AllowedMentions == nil {
		// Reminders notify nobody: names are shown, never pinged.
		m.AllowedMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	}
	m.Content, m.Embeds = discordtext.Fit(m.Content, m.Embeds)
	return m, nil
}

// openFlight loads r's flight and checks that r still concerns it: the flight is open and its
// ETA is the one r was planned for (want).
func (s *Scheduler) openFlight(ctx context.Context, r storage.Reminder, want func(f storage.Flight) time.Time) (storage.Flight, error) {
	if r.FlightID == nil {
		return storage.Flight{}, failedf("reminder has no flight")
	}
	f, err := s.Store.Flight(ctx, r.GuildID, *r.FlightID)
	if errors.Is(err, mission.ErrNotFound) {
		return f, cancelledf("flight #%d no longer exists", *r.FlightID)
	}
	if err != nil {
		return f, err
	}
	if !f.Open() {
		return f, cancelledf("flight #%d is %s", f.ID, f.Status)
	}
	if !want(f).Equal(r.DueAt) {
		return f, cancelledf("flight #%d was moved to %s", f.ID, f.ETA.Format(time.RFC3339))
	}
	return f, nil
}

// composeFlight is the reminder before (or at) a flight's ETA.
func (s *Scheduler) composeFlight(ctx context.Context, g storage.Guild, r storage.Reminder) (Message, error) {
	off := time.Duration(r.OffsetSecs) * time.Second
	f, err := s.openFlight(ctx, r, func(f storage.Flight) time.Time { return f.ETA.Add(-off) })
	if err != nil {
		return Message{}, err
	}
	lang := postLang(g)
	dest := destination(f, g)
	eta, rel := discordtext.Timestamp(f.ETA, "F"), discordtext.Timestamp(f.ETA, "R")
	key := "post.flight_soon"
	if off == 0 {
		key = "post.flight_due_now"
	}
	head := locale.T(lang, key, "ID", f.ID, "Destination", dest, "ETA", eta, "Relative", rel)
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if g.PingRoleID != "" {
		head = discordtext.RoleMention(g.PingRoleID) + " " + head
		am.Roles = []string{g.PingRoleID}
	}
	m := Message{Content: head, Embeds: []*discordgo.MessageEmbed{render.FlightEmbed(lang, f, dest)}, AllowedMentions: am}
	if off == 0 {
		m.Components = render.FlightButtons(lang, f.ID, render.FlightActions())
	}
	return m, nil
}

// composeOverdue nudges the moderators about a flight whose ETA passed OverdueAfter ago.
func (s *Scheduler) composeOverdue(ctx context.Context, g storage.Guild, r storage.Reminder) (Message, error) {
	f, err := s.openFlight(ctx, r, func(f storage.Flight) time.Time { return f.ETA.Add(storage.OverdueAfter) })
	if err != nil {
		return Message{}, err
	}
	// Only the moderator role and the ping role may be pinged, and only by this post:
	// allowed_mentions names them alone, so a role or @everyone typed into a flight's note can
	// never ping.
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	lang := postLang(g)
	who := locale.T(lang, "post.moderators")
	if g.ModeratorRoleID != "" {
		who = discordtext.RoleMention(g.ModeratorRoleID)
		am.Roles = []string{g.ModeratorRoleID}
	}
	if g.PingRoleID != "" && g.PingRoleID != g.ModeratorRoleID {
		who += " " + discordtext.RoleMention(g.PingRoleID)
		am.Roles = append(am.Roles, g.PingRoleID)
	}
	content := locale.T(lang, "post.overdue", "Who", who, "ID", f.ID, "Destination", destination(f, g),
		"ETA", discordtext.Timestamp(f.ETA, "F"), "Relative", discordtext.Timestamp(f.ETA, "R"))
	e := &discordgo.MessageEmbed{Title: locale.T(lang, "post.overdue_title", "ID", f.ID), Color: render.ColourWarning,
		Fields: []*discordgo.MessageEmbedField{{Name: locale.T(lang, "post.field_manifest"), Value: render.Manifest(lang, f.Manifest)}}}
	return Message{Content: content, Embeds: []*discordgo.MessageEmbed{e}, AllowedMentions: am,
		Components: render.FlightButtons(lang, f.ID, render.FlightActions())}, nil
}

// composeCountdown is the post 30, 7 and 1 days before the mandate ends.
func (s *Scheduler) composeCountdown(g storage.Guild, r storage.Reminder) (Message, error) {
	days := int(r.OffsetSecs / 86400)
	if g.MandateEnd == nil {
		return Message{}, cancelledf("the mandate end was removed")
	}
	if !r.DueAt.AddDate(0, 0, days).Equal(g.MandateEnd.UTC()) {
		return Message{}, cancelledf("the mandate end moved to %s", g.MandateEnd.UTC().Format(time.RFC3339))
	}
	lang := postLang(g)
	name := g.MissionName
	if name == "" {
		name = locale.T(lang, "post.the_mission")
	}
	content := locale.T(lang, "post.countdown", "Left", locale.T(lang, "post.days", "Count", days), "Mission", name,
		"End", discordtext.Timestamp(*g.MandateEnd, "F"), "Relative", discordtext.Timestamp(*g.MandateEnd, "R"))
	return Message{Content: content}, nil
}

// composeDigest is the daily summary: force level, flights of the next 48 h, arrivals of the
// last 24 h and the posts missed since the previous digest.
func (s *Scheduler) composeDigest(ctx context.Context, g storage.Guild, r storage.Reminder, now time.Time) (Message, error) {
	if strings.EqualFold(strings.TrimSpace(g.Digest), "off") || strings.TrimSpace(g.Digest) == "" {
		return Message{}, cancelledf("the digest is switched off")
	}
	// After downtime several days' digests may be due at once: only the latest is posted.
	later, err := s.Store.LaterDue(ctx, r, now)
	if err != nil {
		return Message{}, err
	}
	if later {
		return Message{}, missedf("superseded by a later digest (the bot was offline)")
	}
	lang := postLang(g)
	title := locale.T(lang, "post.digest_title")
	if d, err := time.ParseInLocation("2006-01-02", strings.TrimPrefix(r.DedupeKey, "digest:"), g.Location()); err == nil {
		title = locale.T(lang, "post.digest_title_date", "Date", locale.Date(lang, d))
	}
	levels, deployed, err := s.Store.ForceLevels(ctx, g.ID)
	if err != nil {
		return Message{}, err
	}
	e := &discordgo.MessageEmbed{Title: title, Color: render.ColourSuccess,
		Description: render.ForceSummary(lang, g, levels, deployed, digestCountries)}
	for _, section := range []func(context.Context, storage.Guild, time.Time) (*discordgo.MessageEmbedField, error){
		s.digestFlights, s.digestArrivals, s.digestReports, s.digestMissed,
	} {
		f, err := section(ctx, g, now)
		if err != nil {
			return Message{}, err
		}
		if f != nil {
			e.Fields = append(e.Fields, f)
		}
	}
	return Message{Content: "📋 " + title, Embeds: []*discordgo.MessageEmbed{e}}, nil
}

// digestFlights lists the flights of the next 48 hours.
func (s *Scheduler) digestFlights(ctx context.Context, g storage.Guild, now time.Time) (*discordgo.MessageEmbedField, error) {
	flights, err := s.Store.FindFlights(ctx, g.ID, storage.FlightFilter{Status: storage.FlightsUpcoming, Limit: 50})
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, f := range flights {
		if f.ETA.After(now.Add(digestAhead)) {
			break
		}
		if f.Destination == "" {
			f.Destination = g.Airport
		}
		lines = append(lines, render.FlightLine(postLang(g), f))
	}
	lang := postLang(g)
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "post.flights_ahead"), Value: listOr(lang, lines, locale.T(lang, "post.none_scheduled"))}, nil
}

// digestArrivals sums and lists the arrivals of the last 24 hours.
func (s *Scheduler) digestArrivals(ctx context.Context, g storage.Guild, now time.Time) (*discordgo.MessageEmbedField, error) {
	arrived, total, err := s.Store.FindArrivals(ctx, g.ID, storage.ArrivalFilter{Since: now.Add(-digestBack), Until: now.Add(time.Second), Limit: maxListed})
	if err != nil {
		return nil, err
	}
	sum, err := s.Store.ArrivedSince(ctx, g.ID, now.Add(-digestBack))
	if err != nil {
		return nil, err
	}
	lang := postLang(g)
	var lines []string
	for _, a := range arrived {
		line := mission.ManifestLine{Country: a.Country, Personnel: a.Personnel, Female: a.Female, Role: a.Role}
		lines = append(lines, render.ManifestLine(lang, line)+", "+discordtext.Timestamp(a.ArrivedAt, "f"))
	}
	if more := total - int64(len(arrived)); more > 0 {
		lines = append(lines, locale.T(lang, "post.more", "Count", more))
	}
	head := ""
	if total > 0 {
		head = locale.T(lang, "post.arrived", "Count", sum, "Arrivals", locale.T(lang, "count.arrivals", "Count", total)) + "\n"
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "post.arrivals_back"), Value: head + listOr(lang, lines, locale.T(lang, "post.none"))}, nil
}

// digestReports names the reported figures logged in the last 24 hours that disagree with the
// ledger of their day, read with their qualifiers; nil when there are none. A figure that
// agrees is no news: the digest is for what the cell must look at.
func (s *Scheduler) digestReports(ctx context.Context, g storage.Guild, now time.Time) (*discordgo.MessageEmbedField, error) {
	reports, err := s.Store.ReportsLoggedSince(ctx, g.ID, now.Add(-digestBack))
	if err != nil {
		return nil, err
	}
	lang := postLang(g)
	var lines []string
	more := 0
	for _, r := range reports {
		switch {
		case r.Agrees:
		case len(lines) == maxListed:
			more++
		default:
			lines = append(lines, discordtext.Truncate(render.ReportLine(lang, r), discordtext.MaxFieldValue/(maxListed+1)))
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	if more > 0 {
		lines = append(lines, locale.T(lang, "post.more", "Count", more))
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "report.digest_heading"), Value: strings.Join(lines, "\n")}, nil
}

// digestMissed lists the posts missed since the previous digest (at most a week back); nil
// when there are none.
func (s *Scheduler) digestMissed(ctx context.Context, g storage.Guild, now time.Time) (*discordgo.MessageEmbedField, error) {
	since := now.Add(-7 * 24 * time.Hour)
	if prev, err := s.Store.LastSent(ctx, g.ID, mission.ReminderDigest); err == nil && prev.DueAt.After(since) {
		since = prev.DueAt
	} else if err != nil && !errors.Is(err, mission.ErrNotFound) {
		return nil, err
	}
	missed, err := s.Store.MissedSince(ctx, g.ID, since, maxListed+1)
	if err != nil {
		return nil, err
	}
	lang := postLang(g)
	var lines []string
	for i, m := range missed {
		if i == maxListed {
			lines = append(lines, locale.T(lang, "post.more_missed"))
			break
		}
		lines = append(lines, locale.T(lang, "post.missed_line", "Reminder", describeReminder(lang, m),
			"Due", discordtext.Timestamp(m.DueAt, "f"), "Status", locale.T(lang, "post.status."+string(m.Status)), "Error", m.LastError))
	}
	if len(lines) == 0 {
		return nil, nil
	}
	return &discordgo.MessageEmbedField{Name: locale.T(lang, "post.missed"), Value: strings.Join(lines, "\n")}, nil
}

// describeReminder names a reminder in l for the digest's missed list.
func describeReminder(l locale.Lang, r storage.Reminder) string {
	switch r.Kind {
	case mission.ReminderFlight:
		if r.FlightID != nil {
			return locale.T(l, "post.reminder_flight", "ID", *r.FlightID)
		}
	case mission.ReminderOverdue:
		if r.FlightID != nil {
			return locale.T(l, "post.reminder_overdue", "ID", *r.FlightID)
		}
	case mission.ReminderDigest:
		day := strings.TrimPrefix(r.DedupeKey, "digest:")
		if d, err := time.Parse("2006-01-02", day); err == nil {
			day = locale.Date(l, d)
		}
		return locale.T(l, "post.reminder_digest", "Date", day)
	case mission.ReminderCountdown:
		return locale.T(l, "post.reminder_countdown", "Days", locale.T(l, "post.days", "Count", int(r.OffsetSecs/86400)))
	}
	return locale.T(l, "post.reminder", "ID", r.ID)
}

// postLang is the language of the guild's posts: its /settings language, else English.
func postLang(g storage.Guild) render.Lang { return locale.Pick("", locale.Lang(g.Language)) }

// destination is the flight's airport, or the guild's default.
func destination(f storage.Flight, g storage.Guild) string {
	switch {
	case f.Destination != "":
		return f.Destination
	case g.Airport != "":
		return g.Airport
	}
	return locale.T(postLang(g), "render.no_destination")
}

// listOr joins a section's lines, at most maxListed of them, or says none, in l.
func listOr(l locale.Lang, lines []string, none string) string {
	if len(lines) == 0 {
		return none
	}
	if len(lines) > maxListed {
		n := len(lines) - maxListed
		lines = append(lines[:maxListed:maxListed], locale.T(l, "post.more", "Count", n))
	}
	return strings.Join(lines, "\n")
}
