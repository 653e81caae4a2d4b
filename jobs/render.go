package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/storage"
)

// maxListed is how many lines a digest section lists before "… and N more".
const maxListed = 10

// Embed colours.
const (
	colourFlight    = 0x2b6cb0
	colourDigest    = 0x2f855a
	colourCountdown = 0x805ad5
	colourOverdue   = 0xc05621
)

// compose builds the post for r, or a *verdict when r should not be posted any more: its
// flight landed, was cancelled or moved, the mandate end changed, the digest was switched off
// or a later digest supersedes it.
func (s *Scheduler) compose(ctx context.Context, g storage.Guild, r storage.Reminder, now time.Time, late bool) (Message, error) {
	var m Message
	var err error
	switch r.Kind {
	case storage.ReminderFlight:
		m, err = s.composeFlight(ctx, g, r)
	case storage.ReminderOverdue:
		m, err = s.composeOverdue(ctx, g, r)
	case storage.ReminderCountdown:
		m, err = s.composeCountdown(g, r)
	case storage.ReminderDigest:
		m, err = s.composeDigest(ctx, g, r, now)
	default:
		return m, failedf("unknown reminder kind %q", r.Kind)
	}
	if err != nil {
		return m, err
	}
	if late {
		m.Content = fmt.Sprintf("⏰ *Posted late: this was due %s (%s).*\n", discordtext.Timestamp(r.DueAt, "F"), discordtext.Timestamp(r.DueAt, "R")) + m.Content
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
	if errors.Is(err, storage.ErrNotFound) {
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
	dest := destination(f, g)
	var head string
	if off == 0 {
		head = fmt.Sprintf("🛬 **Flight #%d** is due now at **%s**: ETA %s (%s).", f.ID, dest, discordtext.Timestamp(f.ETA, "F"), discordtext.Timestamp(f.ETA, "R"))
	} else {
		head = fmt.Sprintf("✈️ **Flight #%d** to **%s** arrives %s: ETA %s.", f.ID, dest, discordtext.Timestamp(f.ETA, "R"), discordtext.Timestamp(f.ETA, "F"))
	}
	e := &discordgo.MessageEmbed{
		Title: fmt.Sprintf("Flight #%d · %s", f.ID, dest),
		Color: colourFlight,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "ETA", Value: discordtext.Timestamp(f.ETA, "F") + "\n" + discordtext.Timestamp(f.ETA, "R"), Inline: true},
			{Name: "Destination", Value: dest, Inline: true},
		},
	}
	if f.Status == storage.FlightDelayed {
		v := "delayed"
		if f.Reason != "" {
			v += ": " + f.Reason
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Status", Value: v, Inline: true})
	}
	if f.Aircraft != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Aircraft", Value: f.Aircraft, Inline: true})
	}
	if f.Origin != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Origin", Value: f.Origin, Inline: true})
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Manifest", Value: s.manifest(f.Manifest)})
	if f.Source != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: "Source: " + f.Source}
	}
	return Message{Content: head, Embeds: []*discordgo.MessageEmbed{e}}, nil
}

// composeOverdue nudges the moderators about a flight whose ETA passed OverdueAfter ago.
func (s *Scheduler) composeOverdue(ctx context.Context, g storage.Guild, r storage.Reminder) (Message, error) {
	f, err := s.openFlight(ctx, r, func(f storage.Flight) time.Time { return f.ETA.Add(storage.OverdueAfter) })
	if err != nil {
		return Message{}, err
	}
	// Only the moderator role may be pinged, and only by this post: allowed_mentions names it
	// alone, so a role or @everyone typed into a flight's note can never ping.
	am := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	who := "Moderators"
	if g.ModeratorRoleID != "" {
		who = "<@&" + g.ModeratorRoleID + ">"
		am.Roles = []string{g.ModeratorRoleID}
	}
	content := fmt.Sprintf("⚠️ %s: **flight #%d** to **%s** was due %s (%s) and is neither landed nor cancelled.\n"+
		"Land it with `/flight land flight:%d`, or change it with `/flight delay` or `/flight cancel`.",
		who, f.ID, destination(f, g), discordtext.Timestamp(f.ETA, "F"), discordtext.Timestamp(f.ETA, "R"), f.ID)
	e := &discordgo.MessageEmbed{Title: fmt.Sprintf("Flight #%d is overdue", f.ID), Color: colourOverdue,
		Fields: []*discordgo.MessageEmbedField{{Name: "Manifest", Value: s.manifest(f.Manifest)}}}
	return Message{Content: content, Embeds: []*discordgo.MessageEmbed{e}, AllowedMentions: am}, nil
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
	name := g.MissionName
	if name == "" {
		name = "the mission"
	}
	left := discordtext.Plural(days, "day")
	content := fmt.Sprintf("📅 **%s** until the mandate of **%s** ends: %s (%s).", left, name, discordtext.Timestamp(*g.MandateEnd, "F"), discordtext.Timestamp(*g.MandateEnd, "R"))
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
	loc := g.Location()
	day := strings.TrimPrefix(r.DedupeKey, "digest:")
	title := "Daily digest"
	if d, err := time.ParseInLocation("2006-01-02", day, loc); err == nil {
		title += " · " + d.Format("Monday 2 January 2006")
	}
	e := &discordgo.MessageEmbed{Title: title, Color: colourDigest}
	add := func(name, value string) {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value})
	}

	levels, deployed, err := s.Store.ForceLevels(ctx, g.ID)
	if err != nil {
		return Message{}, err
	}
	e.Description = s.forceSummary(g, levels, deployed)

	flights, _, err := s.Store.FindFlights(ctx, g.ID, storage.FlightFilter{Status: storage.FlightsUpcoming, Limit: 50})
	if err != nil {
		return Message{}, err
	}
	var lines []string
	for _, f := range flights {
		if f.ETA.After(now.Add(48 * time.Hour)) {
			break
		}
		lines = append(lines, fmt.Sprintf("#%d · %s (%s) · %s · %s", f.ID, discordtext.Timestamp(f.ETA, "f"), discordtext.Timestamp(f.ETA, "R"), destination(f, g), s.manifestShort(f.Manifest)))
	}
	add("Flights in the next 48 h", listOr(lines, "none scheduled"))

	arrived, total, err := s.Store.FindArrivals(ctx, g.ID, storage.ArrivalFilter{Since: now.Add(-24 * time.Hour), Until: now.Add(time.Second), Limit: maxListed})
	if err != nil {
		return Message{}, err
	}
	sum, err := s.Store.ArrivedSince(ctx, g.ID, now.Add(-24*time.Hour))
	if err != nil {
		return Message{}, err
	}
	lines = lines[:0]
	for _, a := range arrived {
		lines = append(lines, fmt.Sprintf("%s — %s %s, %s", s.CountryName(a.Country), discordtext.Thousands(int64(a.Personnel)), a.Role, discordtext.Timestamp(a.ArrivedAt, "f")))
	}
	if more := int(total) - len(arrived); more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", more))
	}
	head := fmt.Sprintf("**%s** personnel in %s\n", discordtext.Thousands(sum), discordtext.Plural(int(total), "arrival"))
	if total == 0 {
		head = ""
	}
	add("Arrivals in the last 24 h", head+listOr(lines, "none"))

	since := now.Add(-7 * 24 * time.Hour)
	if prev, err := s.Store.LastSent(ctx, g.ID, storage.ReminderDigest); err == nil && prev.DueAt.After(since) {
		since = prev.DueAt
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Message{}, err
	}
	missed, err := s.Store.MissedSince(ctx, g.ID, since, maxListed+1)
	if err != nil {
		return Message{}, err
	}
	lines = lines[:0]
	for i, m := range missed {
		if i == maxListed {
			lines = append(lines, "… and more: see `/reminders list`")
			break
		}
		lines = append(lines, fmt.Sprintf("%s, due %s — %s: %s", s.describeReminder(m), discordtext.Timestamp(m.DueAt, "f"), m.Status, m.LastError))
	}
	if len(lines) > 0 {
		add("Posts missed", strings.Join(lines, "\n"))
	}
	return Message{Content: "📋 " + title, Embeds: []*discordgo.MessageEmbed{e}}, nil
}

// forceSummary is the digest's force level: deployed of planned with a bar, then per country
// (levels, as storage.ForceLevels orders them) deployed, pledged and the gap.
func (s *Scheduler) forceSummary(g storage.Guild, levels []storage.CountryForce, deployed int64) string {
	var b strings.Builder
	if g.Planned > 0 {
		fmt.Fprintf(&b, "**%s** of %s planned deployed (%s)\n%s\n", discordtext.Thousands(deployed), discordtext.Thousands(int64(g.Planned)),
			discordtext.Percent(deployed, int64(g.Planned)), discordtext.ProgressBar(deployed, int64(g.Planned)))
	} else {
		fmt.Fprintf(&b, "**%s** deployed (planned strength not set: `/mission set planned:2500`)\n", discordtext.Thousands(deployed))
	}
	for i, r := range levels {
		if i == 15 {
			fmt.Fprintf(&b, "… and %d more countries: see `/forces`\n", len(levels)-i)
			break
		}
		line := fmt.Sprintf("%s — %s deployed", s.CountryName(r.Country), discordtext.Thousands(r.Deployed))
		switch {
		case r.Pledges == 0:
		case r.PledgeUnknown && r.Pledged == 0:
			line += ", pledge of unreported size"
		case r.PledgeUnknown:
			line += fmt.Sprintf(", pledged %s+ (some sizes unreported)", discordtext.Thousands(r.Pledged))
		default:
			line += fmt.Sprintf(", pledged %s", discordtext.Thousands(r.Pledged))
			if gap := r.Pledged - r.Deployed; gap > 0 {
				line += fmt.Sprintf(", %s to come", discordtext.Thousands(gap))
			}
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// describeReminder names a reminder for the digest's missed list.
func (s *Scheduler) describeReminder(r storage.Reminder) string {
	switch r.Kind {
	case storage.ReminderFlight:
		if r.FlightID != nil {
			return fmt.Sprintf("Reminder of flight #%d", *r.FlightID)
		}
	case storage.ReminderOverdue:
		if r.FlightID != nil {
			return fmt.Sprintf("Overdue notice of flight #%d", *r.FlightID)
		}
	case storage.ReminderDigest:
		return "Digest of " + strings.TrimPrefix(r.DedupeKey, "digest:")
	case storage.ReminderCountdown:
		return fmt.Sprintf("Mandate countdown (%s)", discordtext.Plural(int(r.OffsetSecs/86400), "day"))
	}
	return fmt.Sprintf("Reminder #%d", r.ID)
}

// manifest lists a flight's manifest, one country per line.
func (s *Scheduler) manifest(lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return "not reported"
	}
	out := make([]string, 0, len(lines)+1)
	var total int64
	for _, l := range lines {
		out = append(out, fmt.Sprintf("%s — %s %s", s.CountryName(l.Country), discordtext.Thousands(int64(l.Personnel)), l.Role))
		total += int64(l.Personnel)
	}
	if len(lines) > 1 {
		out = append(out, fmt.Sprintf("**%s** in all", discordtext.Thousands(total)))
	}
	return strings.Join(out, "\n")
}

// manifestShort is a manifest on one line: "GT 75, SV 8".
func (s *Scheduler) manifestShort(lines []storage.ManifestLine) string {
	if len(lines) == 0 {
		return "manifest not reported"
	}
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		parts = append(parts, fmt.Sprintf("%s %s", l.Country, discordtext.Thousands(int64(l.Personnel))))
	}
	return strings.Join(parts, ", ")
}

// destination is the flight's airport, or the guild's default.
func destination(f storage.Flight, g storage.Guild) string {
	switch {
	case f.Destination != "":
		return f.Destination
	case g.Airport != "":
		return g.Airport
	}
	return "destination not set"
}

// listOr joins a section's lines, at most maxListed of them, or says none.
func listOr(lines []string, none string) string {
	if len(lines) == 0 {
		return none
	}
	if len(lines) > maxListed {
		n := len(lines) - maxListed
		lines = append(lines[:maxListed:maxListed], fmt.Sprintf("… and %d more", n))
	}
	return strings.Join(lines, "\n")
}
