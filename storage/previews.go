package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"liaison/mission"

	"gorm.io/gorm"
)

// PreviewLife is how long an /import preview can be confirmed.
const PreviewLife = 15 * time.Minute

// ImportPreview is an uploaded file waiting for its uploader's Confirm (migration 0010). It
// lives in the database because Confirm may reach another instance than the one that showed
// the preview.
type ImportPreview struct {
	Token     string `gorm:"primaryKey"`
	GuildID   string
	UserID    string // the uploader: they, or an admin, may confirm or cancel
	Filename  string
	Body      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewPreviewToken is a random token for a preview's buttons: 128 bits, so that nobody guesses
// another upload's.
func NewPreviewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errPreviewGone is the refusal of a preview that was confirmed, cancelled or has expired.
var errPreviewGone = mission.Refuse(mission.EConflict, "import.preview_gone").WithHint("import.preview_gone.example")

// SavePreview stores an upload for PreviewLife and removes the expired ones (housekeeping of
// the table is done here, where it grows).
func (s *Store) SavePreview(ctx context.Context, p ImportPreview) (ImportPreview, error) {
	now := s.now()
	p.CreatedAt, p.ExpiresAt = now, now.Add(PreviewLife)
	// A pending upload is seen by no reader but its own Confirm: the write has no effect to
	// announce.
	err := s.write(ctx, Change{GuildID: p.GuildID}, func(tx *gorm.DB, _ *Change) error {
		if err := s.ensureGuild(tx, p.GuildID); err != nil {
			return err
		}
		if err := tx.Where("expires_at <= ?", now).Delete(&ImportPreview{}).Error; err != nil {
			return fmt.Errorf("prune import previews: %w", err)
		}
		if err := tx.Create(&p).Error; err != nil {
			return fmt.Errorf("save import preview: %w", err)
		}
		return nil
	})
	return p, err
}

// Preview returns the guild's pending upload of token, or a refusal when it was confirmed,
// cancelled or has expired.
func (s *Store) Preview(ctx context.Context, guildID, token string) (ImportPreview, error) {
	var p ImportPreview
	err := findLive(s.read.WithContext(ctx), &p, guildID, token, s.now(), errPreviewGone)
	return p, err
}

// DropPreview removes the guild's pending upload of token (Cancel); a refusal when it was
// already confirmed, cancelled or expired.
func (s *Store) DropPreview(ctx context.Context, guildID, token string) error {
	return s.write(ctx, Change{GuildID: guildID}, func(tx *gorm.DB, _ *Change) error {
		return s.claimPreview(tx, guildID, token)
	})
}

// claimPreview deletes the pending upload inside the import's transaction: of two Confirms, the
// second waits for the first (Postgres's row lock, SQLite's one writer) and then finds nothing.
func (s *Store) claimPreview(tx *gorm.DB, guildID, token string) error {
	return claimLive(tx, &ImportPreview{}, guildID, token, s.now(), errPreviewGone)
}
