package storage

import (
	"context"

	"gorm.io/gorm"
)

// Tx lets the external tests run a write transaction of their own through Store.tx, to reach
// the writes no storage function makes (one whose guild cannot be told).
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error { return s.tx(ctx, fn) }
