// Package storage holds Liaison's records and every operation on them. Each change runs in one
// transaction together with its audit entry and the running totals it affects, and every query
// is scoped by guild: no function here reads or writes a row of a guild other than the one the
// caller names.
package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"liaison/mission"
)

// Drivers Liaison can store its records in.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// ErrNotFound is returned when a record does not exist in the caller's guild: an error of kind
// mission.ENotFound. A record of another guild is "not found" too, so that typing a foreign ID
// reveals nothing.
var ErrNotFound = mission.ErrNotFound

// Defaults are the settings a guild starts with until /settings changes them.
type Defaults struct {
	Timezone        string
	Airport         string
	ReminderOffsets mission.Offsets
	Digest          string
}

// Store is the handle on the database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB // writes and read-modify-write transactions
	read    *gorm.DB // plain reads; a separate pool on SQLite so readers never queue behind the writer
	dialect string
	dsn     string // for the dedicated LISTEN connection on Postgres

	// Now is the clock; tests fix it.
	Now func() time.Time
	// Defaults seed a guild the first time it is seen.
	Defaults Defaults

	changes changes   // the subscribers told of each committed Change
	snap    snapshots // per-guild snapshots of what every interaction reads (see snapshot.go)
}

// Config says which database to open.
type Config struct {
	Driver string // DriverSQLite or DriverPostgres
	DSN    string // SQLite file path, or a Postgres URL
}

// Open connects to the database. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{dialect: cfg.Driver, dsn: cfg.DSN, Now: time.Now, Defaults: Defaults{
		Timezone: "America/Port-au-Prince", Airport: "PAP", ReminderOffsets: mission.Offsets{24 * time.Hour, time.Hour, 0}, Digest: "0 8 * * *",
	}}
	gcfg := &gorm.Config{
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return s.Now().UTC() },
		TranslateError: true,
		// Every write already runs in an explicit transaction of ours.
		SkipDefaultTransaction: true,
	}
	// readCfg is gcfg for SQLite's read-only pool, which alone caches prepared statements:
	// the same few queries run on every interaction, and SQLite spent a good part of /forces
	// preparing them again. The cache is bounded: statements with IN lists of varying length
	// differ in text, and an unbounded cache would grow with every new length for the life of
	// the process. The writer does not cache them: GORM prepares a statement while holding its
	// cache's lock and waits there for a connection, so with SQLite's single writer connection
	// held by a transaction that itself waits for the lock, both wait forever (go-gorm/gorm#7350,
	// #7465). On Postgres, pgx already prepares and caches each statement per connection, and
	// the same deadlock awaits GORM's cache whenever every pooled connection is in a
	// transaction.
	readCfg := *gcfg
	readCfg.PrepareStmt, readCfg.PrepareStmtMaxSize, readCfg.PrepareStmtTTL = true, 512, time.Hour
	switch cfg.Driver {
	case DriverSQLite:
		if cfg.DSN == "" {
			return nil, fmt.Errorf("sqlite: empty file path")
		}
		w, err := gorm.Open(sqlite.Open(sqliteDSN(cfg.DSN, false)), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.DSN, err)
		}
		sqlDB, err := w.DB()
		if err != nil {
			return nil, err
		}
		// SQLite allows one writer at a time. With one connection, writers queue in Go
		// instead of failing with "database is locked".
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetConnMaxIdleTime(0)
		r, err := gorm.Open(sqlite.Open(sqliteDSN(cfg.DSN, true)), &readCfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.DSN, err)
		}
		rdb, _ := r.DB()
		// Four readers run while the writer commits; keeping all four idle rather than
		// database/sql's default two spares reopening the file and re-preparing the statements
		// (PrepareStmt caches them per connection) under load.
		rdb.SetMaxOpenConns(sqliteReaders)
		rdb.SetMaxIdleConns(sqliteReaders)
		s.db, s.read = w, r
		// Every writer of the file is in this process (another process, such as liaison import,
		// is caught by snapshotMaxAge): snapshots are live from the start.
		s.snap.live.Store(true)
	case DriverPostgres:
		db, err := gorm.Open(postgres.Open(cfg.DSN), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, _ := db.DB()
		n := postgresConns()
		sqlDB.SetMaxOpenConns(n)
		// Keep every connection the instance may use open between bursts: with database/sql's
		// default of two idle connections, a load above two concurrent queries opens and closes
		// connections all the time (a TLS and auth handshake each), and /forces' p99 rose from
		// ~15 ms to 260–430 ms. An instance idle for five minutes gives them back, since the
		// server's max_connections is shared by every instance.
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.db, s.read = db, db
	default:
		return nil, fmt.Errorf("unknown database driver %q (want %q or %q)", cfg.Driver, DriverSQLite, DriverPostgres)
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteReaders is the size of SQLite's read pool.
const sqliteReaders = 4

// postgresConns sizes the Postgres pool for the instance's concurrency. An interaction holds
// one connection at a time (its reads run one after another, a change runs in one
// transaction), and the work behind each is mostly CPU on this side: more than about four
// queries in flight per core only queue in the server instead of in Go. Sixteen at least, so
// that a small instance absorbs a burst of Discord's concurrent requests and the scheduler's
// claims without waiting; at most 64, so that a few instances stay well within Postgres's
// default max_connections of 100 together with their LISTEN connections, which are outside
// the pool.
func postgresConns() int {
	return min(64, max(16, 4*runtime.GOMAXPROCS(0)))
}

// sqliteDSN adds the connection settings Liaison relies on to a file path.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	// WAL lets readers work while one writer commits, and survives a crash mid-write.
	q.Set("_journal_mode", "WAL")
	// Wait for a lock instead of failing at once: backups and a second process may hold it briefly.
	q.Set("_busy_timeout", "10000")
	// Take the write lock when the transaction begins, not at its first write: a deferred
	// transaction that reads then writes can fail with SQLITE_BUSY instead of waiting.
	q.Set("_txlock", "immediate")
	// SQLite ignores REFERENCES unless asked, per connection.
	q.Set("_foreign_keys", "on")
	// NORMAL is durable in WAL mode except for the last transactions on power loss, and much faster.
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("mode", "ro")
		q.Del("_txlock")
	}
	if strings.HasPrefix(path, "file:") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return path + sep + q.Encode()
	}
	return "file:" + path + "?" + q.Encode()
}

// Dialect names the driver in use.
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("database does not answer: %w", err)
	}
	return nil
}

// Close releases the connections.
func (s *Store) Close() error {
	var errs []error
	for _, g := range []*gorm.DB{s.db, s.read} {
		if g == nil {
			continue
		}
		if sqlDB, err := g.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
		if s.read == s.db {
			break
		}
	}
	return errors.Join(errs...)
}

// DB exposes the write handle to tests, which inspect and arrange rows directly.
func (s *Store) DB() *gorm.DB { return s.db }

// now returns the store clock in UTC, cut to microseconds, which both databases keep exactly.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Actor says who makes a change, in which guild and with which command; it goes into the audit.
type Actor struct {
	GuildID string
	UserID  string
	Command string
	// InteractionID is the Discord interaction that asked for the change, recorded with it so
	// that the same interaction sent again changes nothing (see claim). Empty for the CLI and
	// the import, which have none; an empty ID is never deduplicated.
	InteractionID string
}

// write runs fn in one write transaction and then carries out what the transaction declared
// it changed: c names the guild and the effects known beforehand, and fn adds those it learns
// as it goes (the flight as committed, reminders planned). This is the one place where a write
// has consequences beyond its rows:
//
//   - inside the transaction, once fn has succeeded, other instances are told (notify): on
//     Postgres the NOTIFY is delivered on commit and dropped on rollback;
//   - after commit, this instance drops the guild's snapshot (so the caller's next read sees
//     the change) and announces the Change to its subscribers (the scheduler, the Events-tab
//     mirror).
//
// A change that rolls back announces nothing. Its guild's snapshot is still dropped: a failed
// commit may have committed, and a drop costs one read.
func (s *Store) write(ctx context.Context, c Change, fn func(tx *gorm.DB, c *Change) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx, &c); err != nil {
			return err
		}
		return s.notify(tx, c)
	})
	if err != nil {
		s.dropSnapshot(c)
		return err
	}
	s.committed(c)
	return nil
}

// dropSnapshot drops the snapshot of c's guild if c touched what it holds (every guild's when c
// names none).
func (s *Store) dropSnapshot(c Change) {
	if !c.Has(snapshotEffects) {
		return
	}
	if c.GuildID == "" {
		s.snap.drop(allGuilds)
		return
	}
	s.snap.drop(c.GuildID)
}

// committed is write's step after commit: the guild's snapshot dropped when the change touched
// what it holds, then the Change announced when it has any effect.
func (s *Store) committed(c Change) {
	s.dropSnapshot(c)
	if c.Effects != 0 {
		s.publish(c)
	}
}

// notFound maps GORM's not-found error to a not-found error naming what was looked for.
func notFound(err error, what string, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return mission.NotFound(what, id)
	}
	return err
}

// utc normalises a time for storage.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Backup writes a consistent copy of a SQLite database to path while the bot runs: VACUUM INTO
// reads one snapshot. Postgres databases are copied with pg_dump (see main's backup).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != DriverSQLite {
		return fmt.Errorf("backup: Store.Backup copies SQLite databases; use pg_dump for Postgres")
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// forUpdate locks the row a read-modify-write transaction loads, so that a concurrent change of
// the same record waits and then sees its result (Postgres; SQLite's immediate transactions
// already serialize writers, and its GORM driver drops the clause).
var forUpdate = clause.Locking{Strength: "UPDATE"}

// SplitSearchPath takes a search_path parameter out of a Postgres URL, for tools such as pg_dump
// that accept libpq parameters only; it returns the URL without it and the schema it named.
func SplitSearchPath(dsn string) (string, string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, ""
	}
	q := u.Query()
	schema := q.Get("search_path")
	if schema == "" {
		return dsn, ""
	}
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema
}
