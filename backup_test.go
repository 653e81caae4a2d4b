package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liaison/exchange"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestBackupUnderWritesRestores takes `liaison backup` while arrivals are being logged, restores
// it as README's "Backup and restore" says into a database of its own, and compares `liaison
// export all` of the restored guild with the original's, field by field: the backup must hold
// every record written before it started, and whatever it holds of the writes during it must be
// whole and equal to the original's.
func TestBackupUnderWritesRestores(t *testing.T) {
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			if driver == storage.DriverPostgres {
				for _, tool := range []string{"pg_dump", "pg_restore"} {
					if _, err := exec.LookPath(tool); err != nil {
						t.Skipf("%s not on PATH (Debian: postgresql-client)", tool)
					}
				}
			}
			testBackupRestore(t, driver)
		})
	}
}

const backupGuild = "backup-guild"

func testBackupRestore(t *testing.T, driver string) {
	ctx := t.Context()
	cfg := storagetest.EmptyDatabase(t, driver)
	vars := map[string]string{"LIAISON_DATABASE_DRIVER": driver, "LIAISON_DATABASE_DSN": cfg.DSN}
	if err := runCLI(ctx, []string{"migrate"}, nil, io.Discard, io.Discard, envOf(vars)); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	store, clock := storagetest.OpenConfig(t, cfg)
	if _, err := exchange.ImportCSV(ctx, store, storage.Actor{GuildID: backupGuild, UserID: "demo", Command: "test"}, bytes.NewReader(demoTimeline)); err != nil {
		t.Fatalf("load the demo: %v", err)
	}

	// The running bot: arrivals logged one transaction each until the backup is done.
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		actor := storage.Actor{GuildID: backupGuild, UserID: "writer", Command: "/arrival log"}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, err := store.LogArrival(context.Background(), actor, storage.Arrival{Country: "KE", Personnel: 1 + i%9, Female: i % 2,
				Role: mission.RolePolice, ArrivedAt: clock.Now().Add(-time.Hour), Source: fmt.Sprintf("writer %d", i)})
			if err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	before := written.Load()
	path := filepath.Join(t.TempDir(), "liaison.backup")
	if err := runCLI(ctx, []string{"backup", path}, nil, io.Discard, io.Discard, envOf(vars)); err != nil {
		t.Fatalf("backup: %v", err)
	}
	for n := written.Load(); written.Load() < n+20; {
		time.Sleep(5 * time.Millisecond) // writes go on after the backup too
	}
	close(stop)
	wg.Wait()

	restored, original := restore(t, driver, cfg, path)
	exportAll := func(env map[string]string) [][]string {
		var out bytes.Buffer
		if err := runCLI(ctx, []string{"export", "all", "--guild", backupGuild}, nil, &out, io.Discard, envOf(env)); err != nil {
			t.Fatalf("export all: %v", err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	got := exportAll(map[string]string{"LIAISON_DATABASE_DRIVER": driver, "LIAISON_DATABASE_DSN": restored})
	want := exportAll(map[string]string{"LIAISON_DATABASE_DRIVER": driver, "LIAISON_DATABASE_DSN": original})
	compareExports(t, got, want, before)
}

// restore brings the backup at path back as README says, into a database of its own, and
// returns the DSNs of the restore and of the original. SQLite: the backup is a database file;
// copy it into place. Postgres: pg_restore into an empty database (or schema). A non-superuser
// test role may not create databases, so the original's schema is moved aside first and the
// restore recreates the schema under its name.
func restore(t *testing.T, driver string, cfg storage.Config, path string) (restored, original string) {
	t.Helper()
	if driver == storage.DriverSQLite {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "restored.db")
		if err := os.WriteFile(fresh, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return fresh, cfg.DSN
	}
	dsn, schema := storage.SplitSearchPath(cfg.DSN)
	aside := schema + "_orig"
	admin, err := storage.Open(t.Context(), storage.Config{Driver: storage.DriverPostgres, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.DB().Exec(fmt.Sprintf(`ALTER SCHEMA "%s" RENAME TO "%s"`, schema, aside)).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := storage.Open(context.Background(), storage.Config{Driver: storage.DriverPostgres, DSN: dsn})
		if err == nil {
			a.DB().Exec(fmt.Sprintf(`DROP SCHEMA "%s" CASCADE`, aside))
			a.Close()
		}
	})
	out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+dsn, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore: %v: %s", err, out)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", aside)
	u.RawQuery = q.Encode()
	return cfg.DSN, u.String()
}

// compareExports compares `export all` of the restore (got) with the original's (want) field
// by field. The original went on being written after the backup: its arrivals from the writer
// beyond those in the backup are left out of the comparison, and the backup must hold at least
// the before writes that had committed when the backup started.
func compareExports(t *testing.T, got, want [][]string, before int64) {
	t.Helper()
	if len(got) == 0 || len(want) == 0 {
		t.Fatalf("empty export: restore %d rows, original %d", len(got), len(want))
	}
	header := want[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	fromWriter := func(r []string) bool { return r[col["kind"]] == "arrival" && r[col["logged_by"]] == "writer" }
	inBackup := map[string]bool{}
	var writerRows int64
	for _, r := range got[1:] {
		if fromWriter(r) {
			inBackup[r[col["id"]]] = true
			writerRows++
		}
	}
	if writerRows < before {
		t.Errorf("the backup holds %d of the writer's arrivals, want at least the %d committed before it started", writerRows, before)
	}
	var kept [][]string
	for _, r := range want {
		if len(kept) > 0 && fromWriter(r) && !inBackup[r[col["id"]]] {
			continue
		}
		kept = append(kept, r)
	}
	if len(got) != len(kept) {
		t.Errorf("restore exports %d rows, the original %d of the same records (%d in all)", len(got), len(kept), len(want))
	}
	for i := 0; i < min(len(got), len(kept)); i++ {
		if len(got[i]) != len(kept[i]) {
			t.Errorf("row %d: %d fields, want %d", i, len(got[i]), len(kept[i]))
			continue
		}
		for j := range got[i] {
			if got[i][j] != kept[i][j] {
				t.Errorf("row %d (%s %s) %s = %q, want %q", i, kept[i][0], kept[i][1], header[j], got[i][j], kept[i][j])
			}
		}
	}
	// The writer's arrivals in the backup are the first ones it wrote: a consistent copy has no
	// gap, since each write committed before the next began.
	gap := false
	for _, r := range want[1:] {
		if !fromWriter(r) {
			continue
		}
		if !inBackup[r[col["id"]]] {
			gap = true
		} else if gap {
			t.Errorf("the backup holds arrival %s but not an earlier one of the writer's", r[col["id"]])
		}
	}
}
