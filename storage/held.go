package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// HeldLife is how long a held change waits for its moderator's button.
const HeldLife = 15 * time.Minute

// HeldChange is a change Liaison did not store at once (migration 0016): one that looks like a
// mistake, or one whose role was left out and must be chosen. It keeps the command's route and
// options as given, so that the button that releases it runs the same handler, with every
// check but the one it answers, on whichever instance it reaches.
type HeldChange struct {
	Token   string `gorm:"primaryKey"`
	GuildID string
	UserID  string // who made the change: only they may release or drop it
	Route   string // the route key, "arrival log"
	Options string // JSON of the options as given, by name
	// CreatedAt and ExpiresAt bound the change's life: HeldLife.
	CreatedAt time.Time
	ExpiresAt time.Time
}

// errHeldGone is the answer to a button of a held change that was already released, dropped,
// or has expired.
var errHeldGone = mission.Refuse(mission.EConflict, "held.gone").WithHint("held.gone.example")

// HoldChange keeps h, made by a, for HeldLife and returns it with its times. It claims a's
// interaction as any write does: the same interaction delivered again after it was stored
// (when it now matches itself) or held is answered as already carried out, not held again.
func (s *Store) HoldChange(ctx context.Context, a Actor, h HeldChange) (HeldChange, error) {
	now := s.now()
	h.GuildID, h.UserID = a.GuildID, a.UserID
	h.CreatedAt, h.ExpiresAt = now, now.Add(HeldLife)
	// A held change is seen by no reader but its own button: the write has no effect to
	// announce.
	err := s.write(ctx, Change{GuildID: h.GuildID}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, h.GuildID); err != nil {
			return err
		}
		if err := tx.Create(&h).Error; err != nil {
			return fmt.Errorf("hold change: %w", err)
		}
		return nil
	})
	return h, err
}

// HeldChange returns the guild's held change of token, or a refusal when it was released,
// dropped or has expired. Reading it does not claim it: the button first checks who pressed.
func (s *Store) HeldChange(ctx context.Context, guildID, token string) (HeldChange, error) {
	var h HeldChange
	err := findLive(s.read.WithContext(ctx), &h, guildID, token, s.now(), errHeldGone)
	return h, err
}

// ClaimHeld removes the guild's held change of token for the one press that goes on with it.
// The DELETE is conditional on the row being there and alive: of two presses, on one instance
// or two, exactly one removes it (the database's row lock or SQLite's one writer orders them)
// and the other gets the refusal, so the change is stored at most once.
func (s *Store) ClaimHeld(ctx context.Context, guildID, token string) error {
	return s.write(ctx, Change{GuildID: guildID}, func(tx *gorm.DB, _ *Change) error {
		return claimLive(tx, &HeldChange{}, guildID, token, s.now(), errHeldGone)
	})
}

// PruneHeld removes the held changes that expired before now; housekeeping calls it. It
// returns how many it removed.
func (s *Store) PruneHeld(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", utc(now)).Delete(&HeldChange{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune held changes: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// findLive reads the guild's row of token from model's table (a held change, an import preview)
// into model if it has not expired, and returns gone when there is none. Reading does not claim
// it: claimLive does.
func findLive(db *gorm.DB, model any, guildID, token string, now time.Time, gone error) error {
	res := db.Where("token = ? AND guild_id = ? AND expires_at > ?", token, guildID, now).Limit(1).Find(model)
	if res.Error != nil {
		return fmt.Errorf("find %T: %w", model, res.Error)
	}
	if res.RowsAffected == 0 {
		return gone
	}
	return nil
}

// claimLive deletes the guild's row of token from model's table (a held change, an import
// preview) if it has not expired, and returns gone when there was none: the one conditional
// DELETE that lets a button act at most once across instances.
func claimLive(tx *gorm.DB, model any, guildID, token string, now time.Time, gone error) error {
	res := tx.Where("token = ? AND guild_id = ? AND expires_at > ?", token, guildID, now).Delete(model)
	if res.Error != nil {
		return fmt.Errorf("claim %T: %w", model, res.Error)
	}
	if res.RowsAffected != 1 {
		return gone
	}
	return nil
}
