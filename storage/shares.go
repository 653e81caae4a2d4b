package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// Share is a guild's public read-only page (SPEC §10): what it shows and the hash of its link's
// token. The token is never stored (migration 0015).
type Share struct {
	GuildID   string `gorm:"primaryKey"`
	Scope     mission.ShareScope
	TokenHash string // hex SHA-256 of the token; "" when off
	Link      int    // how many links the guild was given, this one included
	CreatedAt time.Time
	UpdatedAt time.Time
}

// shareAudit is what a share's audit entry records: the scope and which link, never the token
// nor its hash (an audit export must not open the page).
type shareAudit struct {
	Share string `json:"share"`
	Link  int    `json:"link"`
}

// shareTokenBytes is a token's randomness: 256 bits, beyond guessing by any number of requests.
const shareTokenBytes = 32

// ShareTokenLen is the length of a token as it appears in a link (unpadded base64url).
var ShareTokenLen = base64.RawURLEncoding.EncodedLen(shareTokenBytes)

// HashShareToken is the hash a token is stored and looked up by. The token is 256 random bits,
// so a plain SHA-256 is enough: there is nothing to guess that a slow hash would protect.
func HashShareToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// newShareToken returns a fresh random token.
func newShareToken() (string, error) {
	b := make([]byte, shareTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("share token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SetShare sets what the guild's page shows, with an audit entry of kind "settings". With scope
// off the page ends (its token's hash is forgotten). Otherwise a new token is drawn when the
// guild has no live link or newLink asks for one, and returned: the only time it exists outside
// the admin's hands. An unchanged link returns token "" — it cannot be shown again.
func (s *Store) SetShare(ctx context.Context, a Actor, scope mission.ShareScope, newLink bool) (sh Share, token string, err error) {
	if _, ok := mission.ParseShareScope(string(scope)); !ok {
		return Share{}, "", fmt.Errorf("share scope %q", scope)
	}
	err = s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectSettings}, func(tx *gorm.DB, c *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		err := tx.Clauses(forUpdate).Where("guild_id = ?", a.GuildID).Take(&sh).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			sh = Share{GuildID: a.GuildID, Scope: mission.ShareOff, CreatedAt: s.now()}
		case err != nil:
			return fmt.Errorf("load share: %w", err)
		}
		before := shareAudit{Share: string(sh.Scope), Link: sh.Link}
		if sh.Scope == mission.ShareOff {
			before.Link = 0
		}
		sh.Scope = scope
		switch {
		case scope == mission.ShareOff:
			sh.TokenHash = ""
		case sh.TokenHash == "" || newLink:
			if token, err = newShareToken(); err != nil {
				return err
			}
			sh.TokenHash = HashShareToken(token)
			sh.Link++
		}
		sh.UpdatedAt = s.now()
		if err := tx.Save(&sh).Error; err != nil {
			return fmt.Errorf("save share: %w", err)
		}
		after := shareAudit{Share: string(sh.Scope), Link: sh.Link}
		if scope == mission.ShareOff {
			after.Link = 0
		}
		return s.audit(tx, a, mission.KindSettings, 0, mission.ActionUpdate, before, after)
	})
	if err != nil {
		return Share{}, "", err
	}
	return sh, token, nil
}

// GuildShare returns the guild's share; a guild that never shared is off.
func (s *Store) GuildShare(ctx context.Context, guildID string) (Share, error) {
	var sh Share
	err := s.read.WithContext(ctx).Where("guild_id = ?", guildID).Take(&sh).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Share{GuildID: guildID, Scope: mission.ShareOff}, nil
	}
	if err != nil {
		return Share{}, fmt.Errorf("load share: %w", err)
	}
	return sh, nil
}

// ShareByToken returns the live share whose link carries token, or ErrNotFound: for an unknown
// token, an ended one and a malformed one alike. It is one lookup by a unique index; the
// stored hash is then compared with the token's in constant time, so that nothing about the
// comparison depends on how much of a guess was right.
func (s *Store) ShareByToken(ctx context.Context, token string) (Share, error) {
	if len(token) != ShareTokenLen {
		return Share{}, ErrNotFound
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return Share{}, ErrNotFound
	}
	h := HashShareToken(token)
	var sh Share
	err := s.read.WithContext(ctx).Where("token_hash = ? AND scope <> ?", h, mission.ShareOff).Take(&sh).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Share{}, ErrNotFound
	}
	if err != nil {
		return Share{}, fmt.Errorf("find share: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(sh.TokenHash), []byte(h)) != 1 {
		return Share{}, ErrNotFound
	}
	return sh, nil
}

// CalendarFlight is a flight as the calendar feed writes it: the flight, its manifest, and how
// many times it changed.
type CalendarFlight struct {
	Flight
	// Sequence is the iCalendar SEQUENCE: the flight's audit entries less one (its creation),
	// so it rises by one with every change the flight's history records — a delay, a manifest
	// line, a landing, a cancellation — and never goes back. updated_at would also rise, but two
	// changes within its resolution could share a value, and a calendar that sees the same
	// SEQUENCE keeps its old copy.
	Sequence int64
}

// CalendarFlights returns the guild's flights whose ETA is at or after since, soonest first,
// at most limit, with their manifests and sequences. Its cost grows with the flights in that
// window (three queries on indexes), not with the guild's history.
func (s *Store) CalendarFlights(ctx context.Context, guildID string, since time.Time, limit int) ([]CalendarFlight, error) {
	var fs []Flight
	err := s.read.WithContext(ctx).Where("guild_id = ? AND eta >= ?", guildID, since.UTC()).
		Preload("Manifest", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Order("eta, id").Limit(limit).Find(&fs).Error
	if err != nil {
		return nil, fmt.Errorf("calendar flights: %w", err)
	}
	if len(fs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	var counts []struct {
		RecordID int64
		N        int64
	}
	err = s.read.WithContext(ctx).Model(&AuditEntry{}).Select("record_id, COUNT(*) AS n").
		Where("guild_id = ? AND kind = ? AND record_id IN ?", guildID, mission.KindFlight, ids).
		Group("record_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("calendar sequences: %w", err)
	}
	seq := make(map[int64]int64, len(counts))
	for _, c := range counts {
		seq[c.RecordID] = max(c.N-1, 0)
	}
	out := make([]CalendarFlight, len(fs))
	for i, f := range fs {
		out[i] = CalendarFlight{Flight: f, Sequence: seq[f.ID]}
	}
	return out, nil
}
