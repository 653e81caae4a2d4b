package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// SetPledge records a pledge. Earlier pledges of the same country and role stay in the history;
// CurrentPledges picks the latest.
func (s *Store) SetPledge(ctx context.Context, a Actor, in Pledge) (Pledge, error) {
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		if err := resolveRole(tx, a.GuildID, in.Country, &in.Role); err != nil {
			return err
		}
		if err := in.prepare(a, s.now()); err != nil {
			return err
		}
		if err := tx.Create(&in).Error; err != nil {
			return fmt.Errorf("set pledge: %w", err)
		}
		if err := markReports(tx, a.GuildID, DayOf(in.AsOf)); err != nil {
			return err
		}
		return s.audit(tx, a, mission.KindPledge, in.ID, mission.ActionCreate, nil, in)
	})
	return in, err
}

// CurrentPledges returns the latest pledge per (country, role), by country then role. The
// database picks the latest of each pair, so only current pledges reach Go however long the
// history grows.
func (s *Store) CurrentPledges(ctx context.Context, guildID string) ([]Pledge, error) {
	var out []Pledge
	err := s.read.WithContext(ctx).Raw(`SELECT * FROM (
		SELECT pledges.*, ROW_NUMBER() OVER (PARTITION BY country, role ORDER BY as_of DESC, id DESC) AS latest
		FROM pledges WHERE guild_id = ? AND deleted_at IS NULL
	) current WHERE latest = 1 ORDER BY country, role`, guildID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find pledges: %w", err)
	}
	return out, nil
}

// AllPledges returns every pledge, current or superseded, oldest first (for export).
func (s *Store) AllPledges(ctx context.Context, guildID string) ([]Pledge, error) {
	var out []Pledge
	err := s.read.WithContext(ctx).Where("guild_id = ?", guildID).Order("as_of, id").Find(&out).Error
	return out, err
}

// ForceTotals returns the guild's force level per (country, role), skipping zeros.
func (s *Store) ForceTotals(ctx context.Context, guildID string) ([]ForceTotal, error) {
	var out []ForceTotal
	err := s.read.WithContext(ctx).Where("guild_id = ? AND deployed <> 0", guildID).
		Order("country, role").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("force totals: %w", err)
	}
	return out, nil
}

// ArrivedSince sums the personnel of arrivals at or after since; it reads only the recent part of
// the (guild_id, arrived_at) index.
func (s *Store) ArrivedSince(ctx context.Context, guildID string, since time.Time) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Arrival{}).
		Where("guild_id = ? AND arrived_at >= ?", guildID, utc(since)).
		Select("COALESCE(SUM(personnel), 0)").Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("sum recent arrivals: %w", err)
	}
	return n, nil
}
