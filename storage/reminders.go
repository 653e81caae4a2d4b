package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// OverdueAfter is how long after its ETA an open flight earns a nudge to moderators.
const OverdueAfter = 2 * time.Hour

// newNonce makes the per-reminder nonce Discord uses to drop a duplicate post (at most 25 chars).
func newNonce() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// insertReminder adds a pending reminder unless one with the same dedupe key exists. A cancelled
// row with that key is revived instead (pending again, at the new due time, keeping its nonce):
// a flight delayed from A to B and back to A, a mandate end changed and changed back, or a digest
// switched off and on again must be planned again, and the unique key would otherwise make the
// insert do nothing. Sent, failed and missed rows are left alone, so nothing is posted twice.
func (s *Store) insertReminder(tx *gorm.DB, r Reminder) error {
	r.ID = 0
	r.Status = mission.ReminderPending
	r.DueAt = utc(r.DueAt)
	if r.Nonce == "" {
		r.Nonce = newNonce()
	}
	revive := clause.OnConflict{
		Columns: []clause.Column{{Name: "guild_id"}, {Name: "dedupe_key"}},
		DoUpdates: clause.Assignments(map[string]any{
			"status": mission.ReminderPending, "due_at": r.DueAt, "attempts": 0, "lease_owner": "",
			"lease_until": nil, "last_error": "", "late": false, "updated_at": s.now(),
		}),
		Where: clause.Where{Exprs: []clause.Expression{
			clause.Expr{SQL: "reminders.status = ?", Vars: []any{mission.ReminderCancelled}},
		}},
	}
	if err := tx.Clauses(revive).Create(&r).Error; err != nil {
		return fmt.Errorf("plan reminder %s: %w", r.DedupeKey, err)
	}
	return nil
}

// PlanReminder adds a pending reminder unless one with the same dedupe key exists; the scheduler
// uses it for digests, whose key names the local day so that a day is never posted twice.
func (s *Store) PlanReminder(ctx context.Context, r Reminder) error {
	return s.write(ctx, Change{GuildID: r.GuildID, Effects: EffectReminders}, func(tx *gorm.DB, _ *Change) error {
		if err := s.ensureGuild(tx, r.GuildID); err != nil {
			return err
		}
		return s.insertReminder(tx, r)
	})
}

// planFlight plans a flight's reminders: one per guild offset whose time is still ahead, and the
// overdue nudge OverdueAfter past the ETA (see flightReminders).
func (s *Store) planFlight(tx *gorm.DB, f Flight) error {
	var g Guild
	if err := tx.Where("id = ?", f.GuildID).Take(&g).Error; err != nil {
		return fmt.Errorf("plan flight #%d: %w", f.ID, err)
	}
	for _, r := range flightReminders(f, g.ReminderOffsets, s.now()) {
		if err := s.insertReminder(tx, r); err != nil {
			return err
		}
	}
	return nil
}

// flightReminders are the reminders a flight gets under offsets at now: one per offset whose
// time is still ahead, and the overdue nudge OverdueAfter past the ETA unless that has passed
// too. Keys carry the ETA so that a delay plans new rows. Planning one flight and re-planning
// a guild's both take their rows from here, so they cannot disagree.
func flightReminders(f Flight, offsets []time.Duration, now time.Time) []Reminder {
	fid := f.ID
	out := make([]Reminder, 0, len(offsets)+1)
	seen := make(map[time.Duration]bool, len(offsets))
	for _, off := range offsets {
		due := f.ETA.Add(-off)
		if due.Before(now) || seen[off] {
			// A reminder whose moment passed before the flight was planned says nothing new; an
			// offset listed twice is one reminder (one key).
			continue
		}
		seen[off] = true
		key := fmt.Sprintf("flight:%d:%d:%d", f.ID, int64(off/time.Second), f.ETA.Unix())
		out = append(out, Reminder{GuildID: f.GuildID, Kind: mission.ReminderFlight, FlightID: &fid,
			DedupeKey: key, OffsetSecs: int64(off / time.Second), DueAt: due})
	}
	due := f.ETA.Add(OverdueAfter)
	if due.Before(now) {
		return out // a flight logged long after its ETA needs no nudge; /flights flags it
	}
	key := fmt.Sprintf("overdue:%d:%d", f.ID, f.ETA.Unix())
	return append(out, Reminder{GuildID: f.GuildID, Kind: mission.ReminderOverdue, FlightID: &fid,
		DedupeKey: key, DueAt: due})
}

// cancelFlightReminders cancels a flight's reminders that have not been posted yet.
func (s *Store) cancelFlightReminders(tx *gorm.DB, guildID string, flightID int64) error {
	err := tx.Model(&Reminder{}).
		Where("guild_id = ? AND flight_id = ? AND status = ?", guildID, flightID, mission.ReminderPending).
		Updates(map[string]any{"status": mission.ReminderCancelled, "updated_at": s.now()}).Error
	if err != nil {
		return fmt.Errorf("cancel reminders of flight #%d: %w", flightID, err)
	}
	return nil
}

// replanGuildFlights plans the reminders of every open flight again after the offsets changed.
// It does what cancelling each open flight's pending flight reminders and planning the flight
// again would (the same rows, revived or new), in a fixed number of statements rather than a
// few per flight: a guild with thousands of upcoming flights held the only SQLite writer for
// minutes. Due times and keys are computed in Go by flightReminders, not in SQL: SQLite keeps
// times as text in the driver's format, and a time computed by SQL would compare wrongly.
func (s *Store) replanGuildFlights(tx *gorm.DB, g Guild) error {
	open := []mission.FlightStatus{mission.FlightScheduled, mission.FlightDelayed}
	var flights []Flight
	if err := tx.Select("id", "guild_id", "eta").Where("guild_id = ? AND status IN ?", g.ID, open).
		Find(&flights).Error; err != nil {
		return fmt.Errorf("replan flights: %w", err)
	}
	now := s.now()
	// An offset already posted for this ETA keeps its sent row (the dedupe key), so it is not
	// posted twice; a cancelled one, including one cancelled here, is revived by the upsert.
	err := tx.Model(&Reminder{}).
		Where("guild_id = ? AND kind = ? AND status = ?", g.ID, mission.ReminderFlight, mission.ReminderPending).
		Where("flight_id IN (?)", tx.Model(&Flight{}).Select("id").Where("guild_id = ? AND status IN ?", g.ID, open)).
		Updates(map[string]any{"status": mission.ReminderCancelled, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("replan flights: cancel pending reminders: %w", err)
	}
	var rs []Reminder
	for _, f := range flights {
		rs = append(rs, flightReminders(f, g.ReminderOffsets, now)...)
	}
	return s.upsertReminders(tx, rs)
}

// upsertReminders is insertReminder for many rows, a few hundred per statement: each row is
// inserted pending, or revives a cancelled row with its key, exactly as insertReminder does.
func (s *Store) upsertReminders(tx *gorm.DB, rs []Reminder) error {
	// 11 parameters a row: 400 rows stay well under SQLite's 32,766 and Postgres' 65,535.
	const perStatement = 400
	now := s.now()
	for len(rs) > 0 {
		batch := rs[:min(perStatement, len(rs))]
		rs = rs[len(batch):]
		var q strings.Builder
		q.WriteString(`INSERT INTO reminders (guild_id, kind, flight_id, dedupe_key, offset_secs, due_at, status, nonce,
			attempts, lease_owner, lease_until, last_error, message_id, sent_at, late, created_at, updated_at) VALUES `)
		args := make([]any, 0, len(batch)*11+1)
		for i, r := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, 0, '', NULL, '', '', NULL, ?, ?, ?)")
			nonce := r.Nonce
			if nonce == "" {
				nonce = newNonce()
			}
			args = append(args, r.GuildID, r.Kind, r.FlightID, r.DedupeKey, r.OffsetSecs, utc(r.DueAt),
				mission.ReminderPending, nonce, false, now, now)
		}
		// The revival insertReminder's OnConflict clause makes, for many rows at once: EXCLUDED
		// holds each row's own due time.
		q.WriteString(` ON CONFLICT (guild_id, dedupe_key) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
			attempts = 0, lease_owner = '', lease_until = NULL, last_error = '', late = excluded.late,
			updated_at = excluded.updated_at WHERE reminders.status = ?`)
		args = append(args, mission.ReminderCancelled)
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("plan %d reminders: %w", len(batch), err)
		}
	}
	return nil
}

// planCountdown re-plans the mandate-end countdown posts after the mandate end changed.
func (s *Store) planCountdown(tx *gorm.DB, g Guild) error {
	err := tx.Model(&Reminder{}).Where("guild_id = ? AND kind = ? AND status = ?", g.ID, mission.ReminderCountdown, mission.ReminderPending).
		Updates(map[string]any{"status": mission.ReminderCancelled, "updated_at": s.now()}).Error
	if err != nil {
		return fmt.Errorf("cancel countdown: %w", err)
	}
	if g.MandateEnd == nil {
		return nil
	}
	now := s.now()
	for _, days := range mission.CountdownDays() {
		due := g.MandateEnd.AddDate(0, 0, -days)
		if due.Before(now) {
			continue
		}
		key := fmt.Sprintf("countdown:%d:%d", days, g.MandateEnd.Unix())
		if err := s.insertReminder(tx, Reminder{GuildID: g.ID, Kind: mission.ReminderCountdown, DedupeKey: key,
			OffsetSecs: int64(days) * 86400, DueAt: due}); err != nil {
			return err
		}
	}
	return nil
}

// ReminderFilter narrows FindReminders.
type ReminderFilter struct {
	Statuses []mission.ReminderStatus // empty means pending, failed and missed
	Limit    int
}

// statuses are the statuses f lists: those asked for, or pending, failed and missed.
func (f ReminderFilter) statuses() []mission.ReminderStatus {
	if len(f.Statuses) == 0 {
		return []mission.ReminderStatus{mission.ReminderPending, mission.ReminderFailed, mission.ReminderMissed}
	}
	return f.Statuses
}

// FindReminders lists the guild's reminders by due time, and how many match in all.
func (s *Store) FindReminders(ctx context.Context, guildID string, f ReminderFilter) ([]Reminder, int64, error) {
	q := s.read.WithContext(ctx).Model(&Reminder{}).Where("guild_id = ? AND status IN ?", guildID, f.statuses())
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count reminders: %w", err)
	}
	q = q.Order("due_at, id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []Reminder
	if err := q.Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("find reminders: %w", err)
	}
	return out, total, nil
}
