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
	ReminderOffsets string
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

	changes changes // the subscribers told of each committed Change
}

// Config says which database to open.
type Config struct {
	Driver string // DriverSQLite or DriverPostgres
	DSN    string // SQLite file path, or a Postgres URL
}

// Open connects to the database. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{dialect: cfg.Driver, dsn: cfg.DSN, Now: time.Now, Defaults: Defaults{
		Timezone: "America/Port-au-Prince", Airport: "PAP", ReminderOffsets: "24h,1h,0", Digest: "0 8 * * *",
	}}
	gcfg := &gorm.Config{
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return s.Now().UTC() },
		TranslateError: true,
		// Prepare each statement once per connection and reuse it: the same few queries run on
		// every interaction, and SQLite spent a good part of /forces preparing them again. The
		// cache is bounded: statements with IN lists of varying length differ in text, and an
		// unbounded cache would grow with every new length for the life of the process.
		PrepareStmt:        true,
		PrepareStmtMaxSize: 512,
		PrepareStmtTTL:     time.Hour,
		// Every write already runs in an explicit transaction of ours.
		SkipDefaultTransaction: true,
	}
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
		r, err := gorm.Open(sqlite.Open(sqliteDSN(cfg.DSN, true)), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.DSN, err)
		}
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(4)
		s.db, s.read = w, r
	case DriverPostgres:
		db, err := gorm.Open(postgres.Open(cfg.DSN), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, _ := db.DB()
		sqlDB.SetMaxOpenConns(16)
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

// tx runs fn in one write transaction; changes that plan reminders use txPlanning instead.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// txPlanning is tx for changes that may add or move reminders. After commit, and only then, it
// announces the Change that change returns to this process's subscribers (see Subscribe); on
// Postgres, NOTIFY wakes every other instance's dispatcher too. change is a function because a
// flight's Change holds the flight as committed, known only once fn has run.
func (s *Store) txPlanning(ctx context.Context, change func() Change, fn func(tx *gorm.DB) error) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.notifyReminders(tx)
	})
	if err != nil {
		return err
	}
	s.publish(change())
	return nil
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
