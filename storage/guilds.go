package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// Guild returns the guild's settings, creating the row from Defaults the first time a guild is seen.
func (s *Store) Guild(ctx context.Context, guildID string) (Guild, error) {
	var g Guild
	err := s.read.WithContext(ctx).Where("id = ?", guildID).Take(&g).Error
	if err == nil {
		return g, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return g, fmt.Errorf("load guild: %w", err)
	}
	// A guild seen for the first time gets its settings: the scheduler plans its digests.
	err = s.write(ctx, Change{GuildID: guildID}, func(tx *gorm.DB, c *Change) error {
		created, err := s.createGuild(tx, guildID)
		if created {
			c.Effects |= EffectSettings
		}
		if err != nil {
			return err
		}
		return tx.Where("id = ?", guildID).Take(&g).Error
	})
	return g, err
}

// ensureGuild inserts the guild's row if it is missing; concurrent callers race harmlessly.
func (s *Store) ensureGuild(db *gorm.DB, guildID string) error {
	_, err := s.createGuild(db, guildID)
	return err
}

// createGuild is ensureGuild that also tells whether it created the row.
func (s *Store) createGuild(db *gorm.DB, guildID string) (bool, error) {
	if guildID == "" {
		return false, fmt.Errorf("empty guild id")
	}
	now := s.now()
	g := Guild{ID: guildID, Timezone: s.Defaults.Timezone, Airport: s.Defaults.Airport,
		ReminderOffsets: s.Defaults.ReminderOffsets, Digest: s.Defaults.Digest, CreatedAt: now, UpdatedAt: now}
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&g)
	if res.Error != nil {
		return false, fmt.Errorf("create guild: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// AdoptLanguage sets the guild's language of posts to lang if none was chosen yet: the first
// interaction's guild_locale stands in for /settings language until an admin uses it. It is a
// default, not a change anyone made, so it writes no audit entry.
func (s *Store) AdoptLanguage(ctx context.Context, guildID, lang string) error {
	return s.write(ctx, Change{GuildID: guildID}, func(tx *gorm.DB, c *Change) error {
		res := tx.Model(&Guild{}).Where("id = ? AND language = ''", guildID).Update("language", lang)
		if res.Error != nil {
			return fmt.Errorf("adopt guild language: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			c.Effects |= EffectSettings // a language chosen already leaves everything as it was
		}
		return nil
	})
}

// Guilds lists every guild the bot knows, for the scheduler.
func (s *Store) Guilds(ctx context.Context) ([]Guild, error) {
	var out []Guild
	err := s.read.WithContext(ctx).Order("id").Find(&out).Error
	return out, err
}

// UpdateGuild applies change to the guild's settings and mission in one transaction, with an
// audit entry of kind "settings". If change returns an error nothing is written. When the
// reminder offsets or the time zone change, the pending reminders of every upcoming flight are
// planned again in the same transaction; a new mandate end re-plans its countdown.
func (s *Store) UpdateGuild(ctx context.Context, a Actor, change func(g *Guild) error) (Guild, error) {
	var before, after Guild
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectSettings}, func(tx *gorm.DB, c *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		var err error
		after, err = s.updateGuild(tx, a, func(g *Guild) error { before = *g; return change(g) })
		if err == nil && (replansFlights(before, after) || replansDigests(before, after) || !sameTime(before.MandateEnd, after.MandateEnd)) {
			c.Effects |= EffectReminders
		}
		return err
	})
	return after, err
}

// replansFlights reports whether a settings change moves the reminders of upcoming flights.
func replansFlights(before, after Guild) bool {
	return !slices.Equal(before.ReminderOffsets, after.ReminderOffsets) || before.Timezone != after.Timezone
}

// replansDigests reports whether a settings change moves the guild's digests.
func replansDigests(before, after Guild) bool {
	return before.Digest != after.Digest || before.Timezone != after.Timezone
}

// updateGuild is UpdateGuild's work inside tx, which a bulk import's mission row shares: the
// guild's row locked and changed, the reminders its settings govern planned again, and the
// audit entry.
func (s *Store) updateGuild(tx *gorm.DB, a Actor, change func(g *Guild) error) (Guild, error) {
	var g Guild
	if err := tx.Clauses(forUpdate).Where("id = ?", a.GuildID).Take(&g).Error; err != nil {
		return g, err
	}
	before := g
	if err := change(&g); err != nil {
		return g, err
	}
	g.ID = a.GuildID
	g.UpdatedAt = s.now()
	if err := g.normalise(s.now()); err != nil {
		return g, err
	}
	if before.Planned != g.Planned {
		// Reported figures of the planned strength are compared with it.
		if err := markReports(tx, g.ID, 0); err != nil {
			return g, err
		}
	}
	if err := tx.Save(&g).Error; err != nil {
		return g, fmt.Errorf("save guild: %w", err)
	}
	if replansFlights(before, g) {
		if err := s.replanGuildFlights(tx, g); err != nil {
			return g, err
		}
	}
	if replansDigests(before, g) {
		// The scheduler plans the next digest from the new schedule.
		err := tx.Model(&Reminder{}).Where("guild_id = ? AND kind = ? AND status = ?", g.ID, mission.ReminderDigest, mission.ReminderPending).
			Updates(map[string]any{"status": mission.ReminderCancelled, "updated_at": s.now()}).Error
		if err != nil {
			return g, fmt.Errorf("cancel planned digests: %w", err)
		}
	}
	if !sameTime(before.MandateEnd, g.MandateEnd) {
		if err := s.planCountdown(tx, g); err != nil {
			return g, err
		}
	}
	return g, s.audit(tx, a, mission.KindSettings, 0, mission.ActionUpdate, before, g)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// GuildIsEmpty reports whether the guild has no records yet (arrivals, departures, pledges,
// flights), counting deleted ones: `console --demo` loads only into an empty guild.
func (s *Store) GuildIsEmpty(ctx context.Context, guildID string) (bool, error) {
	for _, model := range []any{&Arrival{}, &Departure{}, &Pledge{}, &Flight{}} {
		var n int64
		if err := s.read.WithContext(ctx).Unscoped().Model(model).Where("guild_id = ?", guildID).Limit(1).Count(&n).Error; err != nil {
			return false, fmt.Errorf("count records: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}
