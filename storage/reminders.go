package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// OverdueAfter is how long after its ETA an open flight earns a nudge to moderators.
const OverdueAfter = 2 * time.Hour

// ParseOffsetList reads a guild's stored reminder offsets ("24h,1h,0"; "d" means 24 hours). The
// commands package validates what users type; this only reads what was stored.
func ParseOffsetList(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var d time.Duration
		if days, ok := strings.CutSuffix(part, "d"); ok {
			n, err := strconv.Atoi(days)
			if err != nil {
				return nil, fmt.Errorf("offset %q: %w", part, err)
			}
			d = time.Duration(n) * 24 * time.Hour
		} else if part == "0" {
			d = 0
		} else {
			var err error
			if d, err = time.ParseDuration(part); err != nil {
				return nil, fmt.Errorf("offset %q: %w", part, err)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

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
	return s.txPlanning(ctx, func() Change { return remindersChange(r.GuildID) }, func(tx *gorm.DB) error {
		if err := s.ensureGuild(tx, r.GuildID); err != nil {
			return err
		}
		return s.insertReminder(tx, r)
	})
}

// planFlight plans a flight's reminders: one per guild offset whose time is still ahead, and the
// overdue nudge OverdueAfter past the ETA. Keys carry the ETA so that a delay plans new rows.
func (s *Store) planFlight(tx *gorm.DB, f Flight) error {
	var g Guild
	if err := tx.Where("id = ?", f.GuildID).Take(&g).Error; err != nil {
		return fmt.Errorf("plan flight #%d: %w", f.ID, err)
	}
	offsets, err := ParseOffsetList(g.ReminderOffsets)
	if err != nil {
		return err
	}
	now := s.now()
	fid := f.ID
	for _, off := range offsets {
		due := f.ETA.Add(-off)
		if due.Before(now) {
			continue // a reminder whose moment passed before the flight was planned says nothing new
		}
		key := fmt.Sprintf("flight:%d:%d:%d", f.ID, int64(off/time.Second), f.ETA.Unix())
		if err := s.insertReminder(tx, Reminder{GuildID: f.GuildID, Kind: mission.ReminderFlight, FlightID: &fid,
			DedupeKey: key, OffsetSecs: int64(off / time.Second), DueAt: due}); err != nil {
			return err
		}
	}
	due := f.ETA.Add(OverdueAfter)
	if due.Before(now) {
		return nil // a flight logged long after its ETA needs no nudge; /flights flags it
	}
	key := fmt.Sprintf("overdue:%d:%d", f.ID, f.ETA.Unix())
	return s.insertReminder(tx, Reminder{GuildID: f.GuildID, Kind: mission.ReminderOverdue, FlightID: &fid,
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
func (s *Store) replanGuildFlights(tx *gorm.DB, g Guild) error {
	var flights []Flight
	if err := tx.Where("guild_id = ? AND status IN ?", g.ID, []mission.FlightStatus{mission.FlightScheduled, mission.FlightDelayed}).
		Find(&flights).Error; err != nil {
		return fmt.Errorf("replan flights: %w", err)
	}
	for _, f := range flights {
		err := tx.Model(&Reminder{}).
			Where("guild_id = ? AND flight_id = ? AND kind = ? AND status = ?", g.ID, f.ID, mission.ReminderFlight, mission.ReminderPending).
			Updates(map[string]any{"status": mission.ReminderCancelled, "updated_at": s.now()}).Error
		if err != nil {
			return fmt.Errorf("replan flight #%d: %w", f.ID, err)
		}
		// An offset already posted for this ETA keeps its sent row (the dedupe key), so it is
		// not posted twice; a cancelled one is revived by insertReminder.
		if err := s.planFlight(tx, f); err != nil {
			return err
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
	Offset   int
}

// FindReminders lists the guild's reminders by due time, and how many match in all.
func (s *Store) FindReminders(ctx context.Context, guildID string, f ReminderFilter) ([]Reminder, int64, error) {
	st := f.Statuses
	if len(st) == 0 {
		st = []mission.ReminderStatus{mission.ReminderPending, mission.ReminderFailed, mission.ReminderMissed}
	}
	q := s.read.WithContext(ctx).Model(&Reminder{}).Where("guild_id = ? AND status IN ?", guildID, st)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count reminders: %w", err)
	}
	q = q.Order("due_at, id").Offset(f.Offset)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []Reminder
	if err := q.Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("find reminders: %w", err)
	}
	return out, total, nil
}
