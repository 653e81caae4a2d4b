package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// audit writes one entry inside the caller's transaction, so a change and its record commit or
// roll back together.
func (s *Store) audit(tx *gorm.DB, a Actor, kind mission.RecordKind, id int64, action mission.AuditAction, before, after any) error {
	e := s.auditEntry(a, kind, id, action, before, after)
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s #%d: %w", kind, id, err)
	}
	return nil
}

// auditEntry is the entry of a's change to record id, before and after as JSON, for audit or
// an import's entries written in bulk.
func (s *Store) auditEntry(a Actor, kind mission.RecordKind, id int64, action mission.AuditAction, before, after any) AuditEntry {
	return AuditEntry{GuildID: a.GuildID, At: s.now(), UserID: a.UserID, Command: a.Command,
		Kind: kind, RecordID: id, Action: action, Before: toJSON(before), After: toJSON(after)}
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// AuditFilter narrows FindAudit. Zero values match everything.
type AuditFilter struct {
	Kind     mission.RecordKind
	RecordID int64
	Limit    int
	Offset   int
}

// FindAudit returns the guild's audit entries, newest first.
func (s *Store) FindAudit(ctx context.Context, guildID string, f AuditFilter) ([]AuditEntry, error) {
	q := s.auditQuery(ctx, guildID, f).Offset(f.Offset)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []AuditEntry
	if err := q.Order("id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	return out, nil
}

// CountAudit returns how many of the guild's audit entries match f (its Limit and Offset aside),
// up to atMost+1 (0: all), so that /history can say how long the trail is without counting a
// million entries on every page.
func (s *Store) CountAudit(ctx context.Context, guildID string, f AuditFilter, atMost int64) (int64, error) {
	n, err := s.countAtMost(ctx, s.auditQuery(ctx, guildID, f).Model(&AuditEntry{}), atMost)
	if err != nil {
		return 0, fmt.Errorf("count audit: %w", err)
	}
	return n, nil
}

func (s *Store) auditQuery(ctx context.Context, guildID string, f AuditFilter) *gorm.DB {
	q := s.read.WithContext(ctx).Model(&AuditEntry{}).Where("guild_id = ?", guildID)
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.RecordID != 0 {
		q = q.Where("record_id = ?", f.RecordID)
	}
	return q
}

// PlannedChange is a change of the planned strength, as the audit of settings recorded it.
type PlannedChange struct {
	At      time.Time
	Before  int
	Planned int
}

// PlannedHistory returns the changes of the guild's planned strength, oldest first, read from
// the audit of settings changes, the only place that history is kept. Settings change a few
// times in a mission's life, so reading every settings entry costs little; only the entries
// whose planned strength changed are returned.
func (s *Store) PlannedHistory(ctx context.Context, guildID string) ([]PlannedChange, error) {
	return plannedHistory(s.read.WithContext(ctx), guildID)
}

// plannedHistory is PlannedHistory as db sees it.
func plannedHistory(db *gorm.DB, guildID string) ([]PlannedChange, error) {
	rows, err := db.Model(&AuditEntry{}).Select("at, before, after").
		Where("guild_id = ? AND kind = ?", guildID, mission.KindSettings).Order("id").Rows()
	if err != nil {
		return nil, fmt.Errorf("planned history: %w", err)
	}
	defer rows.Close()
	var out []PlannedChange
	for rows.Next() {
		var at time.Time
		var before, after string
		if err := rows.Scan(&at, &before, &after); err != nil {
			return nil, fmt.Errorf("planned history: %w", err)
		}
		var b, a struct{ Planned int }
		// An entry whose JSON does not read (written by hand, or truncated) tells nothing of
		// the planned strength: skipped rather than failing the chart.
		if json.Unmarshal([]byte(after), &a) != nil {
			continue
		}
		_ = json.Unmarshal([]byte(before), &b)
		if a.Planned != b.Planned {
			out = append(out, PlannedChange{At: at, Before: b.Planned, Planned: a.Planned})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("planned history: %w", err)
	}
	return out, nil
}
