package storage_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// forEachEmptyDatabase runs fn per driver on a store opened on an empty, unmigrated database.
func forEachEmptyDatabase(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			s, _ := storagetest.OpenConfig(t, storagetest.EmptyDatabase(t, driver))
			fn(t, s)
		})
	}
}

func migrationNames(t *testing.T) []string {
	t.Helper()
	ms, err := storage.Migrations()
	if err != nil {
		t.Fatalf("Migrations: %v", err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	var names []string
	for i, m := range ms {
		if i > 0 && m.Version <= ms[i-1].Version {
			t.Errorf("migration %s: version %d does not follow %d", m.Name, m.Version, ms[i-1].Version)
		}
		names = append(names, m.Name)
	}
	return names
}

func TestMigrateTwiceAppliesNothing(t *testing.T) {
	names := migrationNames(t)
	forEachEmptyDatabase(t, func(t *testing.T, s *storage.Store) {
		got, err := s.Migrate(t.Context())
		if err != nil {
			t.Fatalf("first Migrate: %v", err)
		}
		if !slices.Equal(got, names) {
			t.Errorf("first Migrate applied %q, want %q", got, names)
		}
		for i := range 2 {
			got, err := s.Migrate(t.Context())
			if err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			if len(got) != 0 {
				t.Errorf("Migrate run %d applied %q, want nothing", i+2, got)
			}
		}
		if got, want := rawCount(t, s, "schema_migrations", "1 = 1"), int64(len(names)); got != want {
			t.Errorf("schema_migrations rows = %d, want %d", got, want)
		}
	})
}

// TestMigrationsKeepRows stops a database at the first migration, fills every table as that
// schema knows them, then applies the remaining migrations (and Migrate once more) and checks
// that every row is still there and readable through today's code. With a single migration it
// still checks that re-running Migrate on a populated database keeps every row.
func TestMigrationsKeepRows(t *testing.T) {
	ms, err := storage.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	names := migrationNames(t)
	forEachEmptyDatabase(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		db := s.DB()

		// Stop after the first migration: record the later ones as applied, migrate, forget
		// them again. The table is created here as Migrate creates it.
		ts := "DATETIME"
		if s.Dialect() == storage.DriverPostgres {
			ts = "TIMESTAMPTZ"
		}
		if err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ` + ts + ` NOT NULL)`).Error; err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[1:] {
			if err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UTC()).Error; err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Migrate(ctx); err != nil || !slices.Equal(got, names[:1]) {
			t.Fatalf("Migrate to the first version applied %q, %v; want %q", got, err, names[:1])
		}
		if err := db.Exec(`DELETE FROM schema_migrations WHERE version > ?`, ms[0].Version).Error; err != nil {
			t.Fatal(err)
		}

		ids := populateV1(t, s)
		counts := tableCounts(t, s)
		for table, n := range counts {
			if n == 0 && table != "schema_migrations" {
				t.Errorf("fixture left table %s empty; add a row of it to populateV1", table)
			}
		}

		if got, err := s.Migrate(ctx); err != nil || !slices.Equal(got, names[1:]) {
			t.Fatalf("Migrate the rest applied %q, %v; want %q", got, err, names[1:])
		}
		if got, err := s.Migrate(ctx); err != nil || len(got) != 0 {
			t.Fatalf("Migrate once more applied %q, %v; want nothing", got, err)
		}
		after := tableCounts(t, s)
		for table, n := range counts {
			if table == "schema_migrations" {
				continue
			}
			if after[table] != n {
				t.Errorf("table %s: %d rows after migrating, want %d", table, after[table], n)
			}
		}

		// Today's code reads the old rows and keeps working on them.
		if a, err := s.Arrival(ctx, "A", ids.arrival); err != nil || a.Personnel != 75 || a.FlightID == nil || *a.FlightID != ids.landed {
			t.Errorf("Arrival(#%d) after migrating = %+v, %v; want GT 75 from flight #%d", ids.arrival, a, err, ids.landed)
		}
		if f, err := s.Flight(ctx, "A", ids.open); err != nil || len(f.Manifest) != 1 || f.Status != mission.FlightScheduled {
			t.Errorf("Flight(#%d) after migrating = %+v, %v; want scheduled with 1 line", ids.open, f, err)
		}
		if ps, err := s.CurrentPledges(ctx, "A"); err != nil || len(ps) != 1 || ps[0].Personnel != nil {
			t.Errorf("CurrentPledges after migrating = %+v, %v; want one of unknown size", ps, err)
		}
		mustArrival(t, s, "A", "GT", 5, "military")
		want := []storage.ForceTotal{{GuildID: "A", Country: "GT", Role: "military", Deployed: 80}, {GuildID: "A", Country: "KE", Role: "police", Deployed: 195}}
		if got := totalsOf(t, s, "A"); !slices.Equal(got, want) {
			t.Errorf("ForceTotals after migrating and one more arrival = %+v, want %+v", got, want)
		}
		if got, want := totalsOf(t, s, "A"), recomputedTotals(t, s, "A"); !slices.Equal(got, want) {
			t.Errorf("ForceTotals = %+v, recomputed from history %+v", got, want)
		}
	})
}

// tableCounts counts the rows of every table, soft-deleted ones included.
func tableCounts(t testing.TB, s *storage.Store) map[string]int64 {
	t.Helper()
	tables, err := s.DB().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, table := range tables {
		if strings.HasPrefix(table, "sqlite_") {
			continue
		}
		out[table] = rawCount(t, s, table, "1 = 1")
	}
	return out
}

type v1IDs struct{ arrival, open, landed int64 }

// populateV1 writes rows in every table of migration 0001 with plain SQL of that schema, so the
// fixture stays valid whatever the models become.
func populateV1(t *testing.T, s *storage.Store) v1IDs {
	t.Helper()
	db := s.DB()
	now := storagetest.Start.UTC()
	insert := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.Raw(sql+" RETURNING id", args...).Scan(&id).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO guilds (id, channel_id, timezone, airport, reminder_offsets, digest, mission_name, mission_lead, planned, mandate_end, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", "42", "America/Port-au-Prince", "PAP", "24h,1h,0", "0 8 * * *", "MSS", "KE", 2500, time.Date(2025, 10, 2, 0, 0, 0, 0, time.UTC), now, now)
	var ids v1IDs
	ids.landed = insert(`INSERT INTO flights (guild_id, eta, status, landed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		"A", now.Add(-time.Hour), mission.FlightLanded, now.Add(-time.Hour), now, now)
	ids.open = insert(`INSERT INTO flights (guild_id, eta, status, destination, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		"A", now.Add(24*time.Hour), mission.FlightScheduled, "PAP", now, now)
	insert(`INSERT INTO manifest_lines (guild_id, flight_id, country, personnel, role) VALUES (?, ?, ?, ?, ?)`, "A", ids.landed, "GT", 75, "military")
	insert(`INSERT INTO manifest_lines (guild_id, flight_id, country, personnel, role) VALUES (?, ?, ?, ?, ?)`, "A", ids.open, "SV", 8, "medical")
	ids.arrival = insert(`INSERT INTO arrivals (guild_id, country, personnel, role, arrived_at, flight_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", "GT", 75, "military", now.Add(-time.Hour), ids.landed, now, now)
	insert(`INSERT INTO arrivals (guild_id, country, personnel, role, arrived_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		"A", "KE", 200, "police", now.AddDate(0, -6, 0), now, now)
	insert(`INSERT INTO arrivals (guild_id, country, personnel, role, arrived_at, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", "KE", 9, "police", now.AddDate(0, -5, 0), now, now, now)
	insert(`INSERT INTO departures (guild_id, country, personnel, role, departed_at, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", "KE", 5, "police", now.AddDate(0, -1, 0), "rotation", now, now)
	insert(`INSERT INTO pledges (guild_id, country, personnel, role, as_of, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		"A", "KE", nil, "police", now, now, now)
	exec(`INSERT INTO force_totals (guild_id, country, role, deployed) VALUES (?, ?, ?, ?), (?, ?, ?, ?)`,
		"A", "GT", "military", 75, "A", "KE", "police", 195)
	insert(`INSERT INTO reminders (guild_id, kind, flight_id, dedupe_key, offset_secs, due_at, status, nonce, late, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", mission.ReminderFlight, ids.open, "flight:v1", 3600, now.Add(23*time.Hour), mission.ReminderPending, "n1", false, now, now)
	insert(`INSERT INTO audit_entries (guild_id, at, user_id, command, kind, record_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"A", now, "u", "/arrival log", mission.KindArrival, ids.arrival, "create", "", "{}")
	return ids
}

// TestConcurrentMigrate starts several instances on one empty database at once, as a rolling
// deploy of several bots sharing Postgres does: each migrates at start. Every one must start,
// and each migration must be applied exactly once between them.
func TestConcurrentMigrate(t *testing.T) {
	const instances = 4
	names := migrationNames(t)
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			cfg := storagetest.EmptyDatabase(t, driver)
			stores := make([]*storage.Store, instances)
			for i := range stores {
				stores[i], _ = storagetest.OpenConfig(t, cfg)
			}
			applied := make([][]string, instances)
			errs := make([]error, instances)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, s := range stores {
				wg.Go(func() {
					<-start
					applied[i], errs[i] = s.Migrate(context.Background())
				})
			}
			close(start)
			wg.Wait()
			var all []string
			for i := range stores {
				if errs[i] != nil {
					t.Errorf("instance %d: Migrate: %v", i, errs[i])
				}
				all = append(all, applied[i]...)
			}
			slices.Sort(all)
			if !slices.Equal(all, names) {
				t.Errorf("migrations applied by %d concurrent instances = %q, want each of %q once", instances, all, names)
			}
		})
	}
}
