package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// InteractionMemory is how long a handled interaction's ID is remembered. Discord signs a
// request for 5 minutes and an interaction token lives 15; a day is generous.
const InteractionMemory = 24 * time.Hour

// claim records a's interaction as handled inside the change's transaction, or returns an error
// of kind mission.EReplayed if a committed change already carried it. Every write path that
// takes an Actor claims first, so a replay stops before doing any work, and the record commits
// or rolls back with the change.
//
// A change that rolls back (refused, or failed) leaves no record: the same interaction sent
// again is judged afresh. That is deliberate: a replay carries the very same request, so a
// refusal is refused again, and a request that failed for want of a database is carried out
// once when it comes again, as the user asked. A user's corrected retry is a new interaction
// with an ID of its own and is never affected.
//
// INSERT … ON CONFLICT DO NOTHING rather than a failing INSERT: on Postgres a unique violation
// aborts the whole transaction, and the replay answer would turn into an internal error. Two
// deliveries racing on Postgres meet at the primary key: the second waits for the first to
// commit, then inserts nothing.
func (s *Store) claim(tx *gorm.DB, a Actor) error {
	if a.InteractionID == "" {
		return nil // the CLI, the import and tests have no interaction to replay
	}
	res := tx.Exec(`INSERT INTO handled_interactions (interaction_id, guild_id, command, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (interaction_id) DO NOTHING`, a.InteractionID, a.GuildID, a.Command, s.now())
	if res.Error != nil {
		return fmt.Errorf("record interaction: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	// Scoped by guild like every read: another guild's row (IDs are Discord's, so only a forged
	// one could clash) names no command.
	var prev HandledInteraction
	if err := tx.Where("interaction_id = ? AND guild_id = ?", a.InteractionID, a.GuildID).Limit(1).Find(&prev).Error; err != nil {
		return fmt.Errorf("find handled interaction: %w", err)
	}
	return mission.Replayed(prev.Command)
}

// PruneInteractions forgets the interactions handled before before, which can no longer be
// replayed; housekeeping calls it with InteractionMemory. It returns how many it forgot.
func (s *Store) PruneInteractions(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", utc(before)).Delete(&HandledInteraction{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune handled interactions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
