package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// changesChannel is the Postgres NOTIFY channel on which every committed Change is announced,
// once, to every instance sharing the database, as its payload ("<effects>:<guild>").
const changesChannel = "liaison_changes"

// notify announces c inside tx, the last statement before commit: Postgres delivers the
// notification when tx commits and drops it if tx rolls back, and collapses identical ones
// within one transaction. A change with no effect is not announced. SQLite has no such thing:
// its writers are all in this process, which learns through Subscribe.
func (s *Store) notify(tx *gorm.DB, c Change) error {
	if s.dialect != DriverPostgres || c.Effects == 0 {
		return nil
	}
	if err := tx.Exec("SELECT pg_notify(?, ?)", changesChannel, c.payload()).Error; err != nil {
		return fmt.Errorf("notify %s change: %w", c.Effects, err)
	}
	return nil
}

// ListenChanges calls heard with every Change any instance (this one included) commits, as
// the notification carries it (guild and effects, no flights), until ctx ends, so that a
// scheduler learns of reminders planned and settings changed elsewhere without polling. It
// holds one dedicated connection and reconnects after a failure; when the connection drops it
// calls heard with a Change of EffectReminders and no guild, since notifications may have been
// missed meanwhile. On SQLite, where every writer is in this process, it returns at once.
// onError, when set, hears of each lost connection.
func (s *Store) ListenChanges(ctx context.Context, heard func(Change), onError func(error)) error {
	return s.listenLoop(ctx, func() {}, heard, func() { heard(Change{Effects: EffectReminders}) }, onError)
}

// ListenRecords keeps this instance's snapshots true to what other instances write, until ctx
// ends: it LISTENs on a dedicated connection and drops the snapshot of the guild each change
// that touched one names. Snapshots are served only while it is connected (CacheLive): when
// the connection drops, every snapshot is dropped and none is kept until it is back, since a
// notification may have been lost meanwhile. It reconnects with backoff; onError, when set,
// hears of each lost connection. On SQLite it returns at once: every writer is in this process.
func (s *Store) ListenRecords(ctx context.Context, onError func(error)) error {
	return s.listenLoop(ctx, func() { s.snap.setLive(true) }, s.dropSnapshot, func() { s.snap.setLive(false) }, onError)
}

// listenLoop keeps a dedicated connection LISTENing on changesChannel until ctx ends (see
// listenChannel for ready and heard), reconnecting with a backoff of 1 s doubling to 30 s. Each
// time the connection is lost it calls lost, then onError when set. On SQLite it returns at
// once: every writer is in this process.
func (s *Store) listenLoop(ctx context.Context, ready func(), heard func(Change), lost func(), onError func(error)) error {
	if s.dialect != DriverPostgres {
		return nil
	}
	backoff := time.Second
	for {
		err := s.listenChannel(ctx, ready, heard)
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

// listenChannel holds a dedicated connection LISTENing on changesChannel: it calls ready once
// the LISTEN is in effect, then heard with each notification's Change, until the connection
// or ctx ends.
func (s *Store) listenChannel(ctx context.Context, ready func(), heard func(Change)) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		c, err := parsePayload(n.Payload)
		if err != nil {
			// A payload notify did not write: anything may have changed.
			c = Change{Effects: snapshotEffects | EffectReminders}
		}
		heard(c)
	}
}
