package storage_test

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/storage"
)

// TestMigrateRefusesNewerSchema stands for an older binary started beside a database that a
// newer release migrated: a schema_migrations row beyond the newest embedded migration. Migrate
// must refuse, naming both versions, and apply nothing.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	ms, err := storage.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	known := ms[len(ms)-1].Version
	future := known + 7
	forEachEmptyDatabase(t, func(t *testing.T, s *storage.Store) {
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		if err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			future, "0099_from_the_future.sql", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		applied, err := s.Migrate(t.Context())
		var newer *storage.SchemaNewerError
		if !errors.As(err, &newer) {
			t.Fatalf("Migrate on a newer schema = %v, %v; want a *SchemaNewerError", applied, err)
		}
		if len(applied) != 0 {
			t.Errorf("Migrate applied %q on a newer schema, want nothing", applied)
		}
		if newer.Applied != future || newer.Known != known {
			t.Errorf("SchemaNewerError = %+v, want Applied %d, Known %d", newer, future, known)
		}
		msg := err.Error()
		for _, want := range []string{"0099_from_the_future.sql", "version " + itoa(future), "version " + itoa(known)} {
			if !strings.Contains(msg, want) {
				t.Errorf("refusal %q does not name %q", msg, want)
			}
		}
		got, gotKnown, err := storage.SchemaVersion(t.Context(), s)
		if err != nil || got != future || gotKnown != known {
			t.Errorf("SchemaVersion = %d, %d, %v; want %d, %d", got, gotKnown, err, future, known)
		}
	})
}

// TestSchemaVersionOfEmptyDatabase: doctor reads an unmigrated database as version 0.
func TestSchemaVersionOfEmptyDatabase(t *testing.T) {
	forEachEmptyDatabase(t, func(t *testing.T, s *storage.Store) {
		got, known, err := storage.SchemaVersion(t.Context(), s)
		if err != nil || got != 0 || known == 0 {
			t.Errorf("SchemaVersion of an empty database = %d, %d, %v; want 0, the newest embedded", got, known, err)
		}
	})
}

// additiveExceptions are statements of past migrations that dropped or rewrote something,
// reviewed when they were written; none yet.
var additiveExceptions = map[string]bool{}

// destructive matches statements that would break an older instance still running beside a
// migrated database in a rolling upgrade: a dropped or renamed table or column, a changed type.
var destructive = regexp.MustCompile(`(?i)\b(DROP\s+(TABLE|COLUMN)|RENAME\b|ALTER\s+COLUMN\b.*\bTYPE\b|TRUNCATE\b)`)

// TestMigrationsAreAdditive keeps migrations additive, which is what makes rolling upgrades
// safe (README, "Upgrading"): a new column needs a default, and nothing is dropped or renamed.
func TestMigrationsAreAdditive(t *testing.T) {
	ms, err := storage.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, line := range strings.Split(m.SQL, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "--") || additiveExceptions[strings.TrimSpace(line)] {
				continue
			}
			if destructive.MatchString(line) {
				t.Errorf("%s: %q is not additive: older instances still running would break", m.Name, strings.TrimSpace(line))
			}
			if u := strings.ToUpper(line); strings.Contains(u, "ADD COLUMN") && strings.Contains(u, "NOT NULL") && !strings.Contains(u, "DEFAULT") {
				t.Errorf("%s: %q adds a NOT NULL column without a default: an older instance's inserts would fail", m.Name, strings.TrimSpace(line))
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
