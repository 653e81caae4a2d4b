package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrationFiles are the schema's versions, applied in order and recorded in schema_migrations.
// Versioned SQL rather than GORM's AutoMigrate: AutoMigrate on SQLite rebuilds tables to change
// them, which with foreign keys on can lose rows.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema version.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration not yet recorded, each in its own transaction, and returns the
// names of those it applied. Running it again applies nothing. A migration may rewrite any
// guild's rows, so every snapshot of this instance is dropped afterwards (instances migrate
// as they start, before they serve).
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	defer s.snap.drop(allGuilds)
	if s.dialect != DriverPostgres {
		// SQLite: the immediate transactions below already serialize concurrent migrators.
		return s.migrate(s.db.WithContext(ctx))
	}
	// Postgres: instances starting together would race to create the same tables (even
	// CREATE TABLE IF NOT EXISTS fails then). One session-level advisory lock, held on one
	// pinned connection, lets one migrate while the others wait and then find nothing to do.
	err = s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec(`SELECT pg_advisory_lock(?)`, migrateLockKey).Error; err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		// Unlock even if ctx ends: the connection goes back to the pool and must not keep the lock.
		defer conn.WithContext(context.WithoutCancel(ctx)).Exec(`SELECT pg_advisory_unlock(?)`, migrateLockKey)
		var err error
		applied, err = s.migrate(conn)
		return err
	})
	return applied, err
}

// migrateLockKey is the advisory lock ID Liaison's migrations hold on Postgres.
const migrateLockKey = 0x4c696169 // "Liai"

func (s *Store) migrate(db *gorm.DB) ([]string, error) {
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ` + s.dialectType("{{ts}}") + ` NOT NULL)`).Error; err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	// Checked under the lock, before anything is applied: an older binary started beside a
	// database a newer one migrated must stop here rather than write rows the newer schema
	// may read differently.
	if err := checkNotNewer(db, ms); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		err := db.Transaction(func(tx *gorm.DB) error {
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", m.Version).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitSQL(s.dialectType(m.SQL)) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%s: %w", m.Name, err)
				}
			}
			applied = append(applied, m.Name)
			return tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UTC()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: %w", err)
		}
	}
	return applied, nil
}

// SchemaNewerError is Migrate's refusal to run on a database migrated by a newer Liaison: the
// database is at Applied (named AppliedName), and this binary knows migrations up to Known.
type SchemaNewerError struct {
	Applied     int
	AppliedName string
	Known       int
}

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("database schema is at version %d (%s), newer than this liaison knows (version %d): "+
		"a newer release migrated it; run that release (or newer), or restore a backup taken before the upgrade",
		e.Applied, e.AppliedName, e.Known)
}

// SchemaVersion reports the newest migration applied to s's database (0 on an empty one) and
// the newest this binary embeds, without changing anything: `liaison doctor` reads it. A
// function rather than a method, since it reads the schema and no record.
func SchemaVersion(ctx context.Context, s *Store) (applied, known int, err error) {
	ms, err := Migrations()
	if err != nil {
		return 0, 0, err
	}
	known = ms[len(ms)-1].Version
	db := s.db.WithContext(ctx)
	if !db.Migrator().HasTable("schema_migrations") {
		return 0, known, nil
	}
	var top struct{ Version int }
	if err := db.Raw(`SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations`).Scan(&top).Error; err != nil {
		return 0, known, fmt.Errorf("read schema_migrations: %w", err)
	}
	return top.Version, known, nil
}

// checkNotNewer returns a *SchemaNewerError when the database holds a migration newer than
// the newest of ms. Migrations are additive (columns and tables are added with defaults, never
// dropped or renamed), so instances still running the older release keep working beside a
// migrated database during a rolling upgrade; an older binary that starts afresh stops here,
// naming both versions, rather than guess.
func checkNotNewer(db *gorm.DB, ms []Migration) error {
	if len(ms) == 0 {
		return nil
	}
	var top struct {
		Version int
		Name    string
	}
	err := db.Raw(`SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1`).Scan(&top).Error
	if err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if known := ms[len(ms)-1].Version; top.Version > known {
		return &SchemaNewerError{Applied: top.Version, AppliedName: top.Name, Known: known}
	}
	return nil
}

// dialectType replaces the schema placeholders with the dialect's types.
func (s *Store) dialectType(sql string) string {
	pk, ts := "INTEGER PRIMARY KEY AUTOINCREMENT", "DATETIME"
	if s.dialect == DriverPostgres {
		pk, ts = "BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ"
	}
	sql = strings.NewReplacer("{{pk}}", pk, "{{ts}}", ts).Replace(sql)
	// {{day:column}} is a timestamp column's day number since 1970-01-01 in UTC, as storage's
	// DayOf computes it in Go.
	day := "(CAST(strftime('%s', $1) AS INTEGER) / 86400)"
	if s.dialect == DriverPostgres {
		day = "CAST(FLOOR(EXTRACT(EPOCH FROM $1) / 86400) AS BIGINT)"
	}
	return dayPlaceholder.ReplaceAllString(sql, day)
}

// dayPlaceholder matches {{day:column}} in a migration.
var dayPlaceholder = regexp.MustCompile(`\{\{day:([a-z_]+)\}\}`)

// splitSQL splits a migration into statements at semicolons that end a line, dropping comments.
// Migrations hold no semicolons inside literals, which keeps this simple.
func splitSQL(sql string) []string {
	var b strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "--") {
			continue
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	var out []string
	for _, stmt := range strings.Split(b.String(), ";\n") {
		if t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";")); t != "" {
			out = append(out, t)
		}
	}
	return out
}
