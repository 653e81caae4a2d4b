package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	// When the connection drops, wake once, since notifications may have been missed meanwhile;
	// the scheduler's re-check covers the gap.
	return s.listenLoop(ctx, remindersChannel, func() {}, func(string) { wake() }, wake, onError)
}

// notifyRecords announces, inside tx, that it wrote the rows of guilds (see snapshot.go), so
// that every instance drops their snapshots when tx commits. The payload is the guild IDs,
// comma-separated (snowflakes have no comma), or allGuilds when they would not fit in a
// notification (8000 bytes).
func (s *Store) notifyRecords(tx *gorm.DB, guilds []string) error {
	if s.dialect != DriverPostgres || len(guilds) == 0 {
		return nil
	}
	payload := strings.Join(guilds, ",")
	if len(payload) > 7900 || slices.Contains(guilds, allGuilds) {
		payload = allGuilds
	}
	if err := tx.Exec("SELECT pg_notify(?, ?)", recordsChannel, payload).Error; err != nil {
		return fmt.Errorf("notify records: %w", err)
	}
	return nil
}

// ListenRecords keeps this instance's snapshots true to what other instances write, until ctx
// ends: it LISTENs on a dedicated connection and drops the snapshots of the guilds each
// notification names. Snapshots are served only while it is connected (CacheLive): when the
// connection drops, every snapshot is dropped and none is kept until it is back, since a
// notification may have been lost meanwhile. It reconnects with backoff; onError, when set,
// hears of each lost connection. On SQLite it returns at once: every writer is in this process.
func (s *Store) ListenRecords(ctx context.Context, onError func(error)) error {
	return s.listenLoop(ctx, recordsChannel, func() { s.snap.setLive(true) },
		func(payload string) { s.snap.drop(strings.Split(payload, ",")...) }, func() { s.snap.setLive(false) }, onError)
}

// listenLoop keeps a dedicated connection LISTENing on channel until ctx ends (see
// listenChannel for ready and note), reconnecting with a backoff of 1 s doubling to 30 s. Each
// time the connection is lost it calls lost, then onError when set. On SQLite it returns at
// once: every writer is in this process.
func (s *Store) listenLoop(ctx context.Context, channel string, ready func(), note func(payload string), lost func(), onError func(error)) error {
	if s.dialect != DriverPostgres {
		return nil
	}
	backoff := time.Second
	for {
		err := s.listenChannel(ctx, channel, ready, note)
		lost()
		if ctx.Err() != nil {
			return nil
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// listenChannel holds a dedicated connection LISTENing on channel: it calls ready once the
// LISTEN is in effect, then note with each notification's payload, until the connection or
// ctx ends.
func (s *Store) listenChannel(ctx context.Context, channel string, ready func(), note func(payload string)) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		note(n.Payload)
	}
}
