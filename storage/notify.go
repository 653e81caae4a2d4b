package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// remindersChannel is the Postgres NOTIFY channel on which a committed change to reminders is
// announced to every instance sharing the database.
const remindersChannel = "liaison_reminders"

// notifyReminders announces, inside tx, that reminders changed. Postgres delivers the
// notification when tx commits, and drops it if tx rolls back; SQLite has no such thing, and its
// single process learns through Subscribe.
func (s *Store) notifyReminders(tx *gorm.DB) error {
	if s.dialect != DriverPostgres {
		return nil
	}
	if err := tx.Exec("SELECT pg_notify(?, '')", remindersChannel).Error; err != nil {
		return fmt.Errorf("notify reminders: %w", err)
	}
	return nil
}

// ListenReminders calls wake whenever another instance (or this one) commits a change to
// reminders, until ctx ends, so that a scheduler learns of rows planned elsewhere without
// polling. It holds one dedicated connection and reconnects after a failure. On SQLite, where
// every writer is in this process, it returns at once. onError, when set, hears of each lost
// connection.
func (s *Store) ListenReminders(ctx context.Context, wake func(), onError func(error)) error {
	if s.dialect != DriverPostgres {
		return nil
	}
	backoff := time.Second
	for {
		err := s.listen(ctx, wake)
		if ctx.Err() != nil {
			return nil
		}
		if onError != nil {
			onError(err)
		}
		// The connection dropped: wake once, since notifications may have been missed meanwhile,
		// and try again; the scheduler's re-check covers the gap.
		wake()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (s *Store) listen(ctx context.Context, wake func()) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+remindersChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		wake()
	}
}
