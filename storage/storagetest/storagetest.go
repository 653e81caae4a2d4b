// Package storagetest opens real databases for tests: a SQLite file in the test's temporary
// directory always, and a throw-away schema in Postgres when LIAISON_TEST_POSTGRES_DSN names one.
// It is an ordinary package, not a _test file, so that the tests of other packages (commands,
// jobs, bot) can use the same fixtures as storage's own.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	// Tests pin their clock in America/Port-au-Prince; embed the zone so they do not depend on
	// the machine's tz database.
	_ "time/tzdata"

	"liaison/storage"
)

// PostgresEnv is the environment variable naming the Postgres server tests may use, as a URL
// (postgres://user@host:5432/db?sslmode=disable). Each store gets its own schema in it.
const PostgresEnv = "LIAISON_TEST_POSTGRES_DSN"

// skipPostgres is the reason a Postgres subtest shows when the server is not configured.
const skipPostgres = PostgresEnv + " not set; Postgres tests skipped"

// Start is the instant a test store's clock shows until a test moves it: 3 January 2025, 15:00
// in Port-au-Prince (20:00 UTC), the day of the news report the demo timeline comes from.
var Start = time.Date(2025, 1, 3, 15, 0, 0, 0, mustLocation("America/Port-au-Prince"))

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// PostgresDSN returns the Postgres URL from LIAISON_TEST_POSTGRES_DSN, and whether it is set.
func PostgresDSN() (string, bool) {
	dsn := os.Getenv(PostgresEnv)
	return dsn, dsn != ""
}

// Drivers returns the drivers to test: always "sqlite"; "postgres" too when
// LIAISON_TEST_POSTGRES_DSN is set.
func Drivers() []string {
	if _, ok := PostgresDSN(); ok {
		return []string{storage.DriverSQLite, storage.DriverPostgres}
	}
	return []string{storage.DriverSQLite}
}

// ForEachDriver runs fn as a subtest per driver, each with a fresh migrated store. The Postgres
// subtest always exists, so that a run without LIAISON_TEST_POSTGRES_DSN lists it as skipped
// with the reason rather than silently testing one database.
func ForEachDriver(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	ForEachDriverClock(t, func(t *testing.T, s *storage.Store, _ *Clock) { fn(t, s) })
}

// ForEachDriverClock is ForEachDriver for a test that moves the store's clock.
func ForEachDriverClock(t *testing.T, fn func(t *testing.T, s *storage.Store, c *Clock)) {
	t.Helper()
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			if driver == storage.DriverPostgres {
				if _, ok := PostgresDSN(); !ok {
					t.Skip(skipPostgres)
				}
			}
			s, c := OpenClock(t, driver)
			fn(t, s, c)
		})
	}
}

// Open returns a fresh migrated store of the driver, closed (and its database removed) when the
// test ends. Its clock is fixed at Start; use OpenClock to move it.
func Open(t testing.TB, driver string) *storage.Store {
	t.Helper()
	s, _ := OpenClock(t, driver)
	return s
}

// OpenClock is Open that also returns the store's clock, so the test can move it.
func OpenClock(t testing.TB, driver string) (*storage.Store, *Clock) {
	t.Helper()
	s, c := OpenConfig(t, EmptyDatabase(t, driver))
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", driver, err)
	}
	return s, c
}

// OpenConfig opens cfg without migrating it, fixes its clock at Start and closes it when the
// test ends. Tests of migrations use it with EmptyDatabase; tests that need two stores on one
// database call it twice with the same cfg.
func OpenConfig(t testing.TB, cfg storage.Config) (*storage.Store, *Clock) {
	t.Helper()
	s, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.Driver, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close %s store: %v", cfg.Driver, err)
		}
	})
	c := NewClock(Start)
	s.Now = c.Now
	return s, c
}

// EmptyDatabase creates an empty database of the driver for this test and returns the
// configuration that opens it: a file in t.TempDir() for SQLite; for Postgres a new schema
// liaison_test_<random>, named in the URL's search_path and dropped with everything in it when
// the test ends. Without LIAISON_TEST_POSTGRES_DSN a Postgres request skips the test.
func EmptyDatabase(t testing.TB, driver string) storage.Config {
	t.Helper()
	switch driver {
	case storage.DriverSQLite:
		return storage.Config{Driver: driver, DSN: filepath.Join(t.TempDir(), "liaison.db")}
	case storage.DriverPostgres:
		dsn, ok := PostgresDSN()
		if !ok {
			t.Skip(skipPostgres)
		}
		return storage.Config{Driver: driver, DSN: newSchema(t, dsn)}
	default:
		t.Fatalf("storagetest: unknown driver %q", driver)
		return storage.Config{}
	}
}

// newSchema creates a uniquely named schema on the server and returns dsn with its search_path
// pointing there, so that the store's unqualified table names land in it. The schema is dropped
// after every store opened on it has been closed (cleanups run last-registered first).
func newSchema(t testing.TB, dsn string) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "liaison_test_" + hex.EncodeToString(b)

	admin := func(sql string) error {
		s, err := storage.Open(context.Background(), storage.Config{Driver: storage.DriverPostgres, DSN: dsn})
		if err != nil {
			return err
		}
		defer s.Close()
		return s.DB().Exec(sql).Error
	}
	// The name is ours (hex only), so quoting it is enough.
	if err := admin(fmt.Sprintf(`CREATE SCHEMA "%s"`, schema)); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if err := admin(fmt.Sprintf(`DROP SCHEMA "%s" CASCADE`, schema)); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})

	// pgx passes parameters it does not know to the server as run-time settings, in a URL's
	// query as in a keyword/value string.
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Clock is a settable fixed clock, safe for concurrent use. Assign its Now to Store.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time. It has the signature of Store.Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
