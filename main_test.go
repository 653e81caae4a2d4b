package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/fakediscord"
	"liaison/jobs"
	"liaison/storage/storagetest"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		env  map[string]string
		file string
		want string
	}{
		{env: map[string]string{"LIAISON_DATABASE_DRIVER": "mysql"}, want: "config database.driver:"},
		{env: map[string]string{"LIAISON_DISCORD_REGISTER": "everywhere"}, want: "config discord.register:"},
		{env: map[string]string{"LIAISON_DISCORD_PUBLIC_KEY": "xyz"}, want: "config discord.public_key:"},
		{env: map[string]string{"LIAISON_DISCORD_GATEWAY": "maybe"}, want: "config discord.gateway:"},
		{env: map[string]string{"LIAISON_DISCORD_SHARD_ID": "2"}, want: "config discord.shard_id:"},
		{env: map[string]string{"LIAISON_DEFAULTS_TIMEZONE": "Mars/Base"}, want: "config defaults.timezone:"},
		{env: map[string]string{"LIAISON_DEFAULTS_DIGEST": "every morning"}, want: "config defaults.digest:"},
		{env: map[string]string{"LIAISON_DEFAULTS_REMINDER_OFFSETS": "1h,-1h"}, want: "config defaults.reminder_offsets:"},
		{env: map[string]string{"LIAISON_DEFAULTS_LATE_GRACE": "soon"}, want: "config defaults.late_grace:"},
		{env: map[string]string{"LIAISON_LOG_LEVEL": "loud"}, want: "config log.level:"},
		{env: map[string]string{"LIAISON_SCHEDULER_LEASE": "0s"}, want: "config scheduler.lease:"},
		{env: map[string]string{"LIAISON_SCHEDULER_LEASE": "soon"}, want: "config scheduler.lease:"},
		{env: map[string]string{"LIAISON_SCHEDULER_ATTEMPT_TIMEOUT": "6s"}, want: "config scheduler.attempt_timeout:"},
		{env: map[string]string{"LIAISON_SCHEDULER_LEASE": "3s"}, want: "config scheduler.attempt_timeout:"},
		{env: map[string]string{"LIAISON_SCHEDULER_WORKERS": "-1"}, want: "config scheduler.workers:"},
		{env: map[string]string{"LIAISON_SCHEDULER_BATCH": "100000"}, want: "config scheduler.batch:"},
		{env: map[string]string{"LIAISON_SCHEDULER_GLOBAL_RATE": "51"}, want: "config scheduler.global_rate:"},
		{env: map[string]string{"LIAISON_SCHEDULER_GLOBAL_RATE": "-5"}, want: "config scheduler.global_rate:"},
		{env: map[string]string{"LIAISON_DEFAULTS_AIRPORT": "Port-au-Prince"}, want: "config defaults.airport:"},
		{env: map[string]string{"LIAISON_DISCORD_APPLICATION_ID": "my-bot"}, want: "config discord.application_id:"},
		{file: "[discord]\ntokn = \"x\"\n", want: "config discord.tokn: unknown key"},
	}
	for _, tt := range tests {
		path := ""
		if tt.file != "" {
			path = filepath.Join(t.TempDir(), "liaison.toml")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, err := loadConfig(path, path != "", envOf(tt.env))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("loadConfig(env %v, file %q) = %v, want one line starting %q", tt.env, tt.file, err, tt.want)
		}
	}
}

// TestSchedulerSettingsReachTheScheduler: a proxied deployment's [scheduler] values are the
// ones the dispatcher runs with, and the defaults are the dispatcher's own.
func TestSchedulerSettingsReachTheScheduler(t *testing.T) {
	cfg, err := loadConfig("", false, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	def := newScheduler(cfg, nil, slog.New(slog.DiscardHandler), nil, jobs.Metrics{}, time.Now)
	if def.Lease != jobs.DefaultLease || def.AttemptTimeout != jobs.DefaultAttemptTimeout || def.Workers != jobs.DefaultWorkers || def.Batch != jobs.DefaultBatch {
		t.Errorf("default scheduler = lease %v, attempt %v, workers %d, batch %d; want the jobs defaults", def.Lease, def.AttemptTimeout, def.Workers, def.Batch)
	}
	cfg, err = loadConfig("", false, envOf(map[string]string{"LIAISON_SCHEDULER_LEASE": "15s", "LIAISON_SCHEDULER_ATTEMPT_TIMEOUT": "10s",
		"LIAISON_SCHEDULER_WORKERS": "64", "LIAISON_SCHEDULER_BATCH": "1000", "LIAISON_SCHEDULER_GLOBAL_RATE": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	s := newScheduler(cfg, nil, slog.New(slog.DiscardHandler), nil, jobs.Metrics{}, time.Now)
	if s.Lease != 15*time.Second || s.AttemptTimeout != 10*time.Second || s.Workers != 64 || s.Batch != 1000 || cfg.Scheduler.GlobalRate != 0 {
		t.Errorf("proxied scheduler = lease %v, attempt %v, workers %d, batch %d, global rate %d; want 15s, 10s, 64, 1000, 0",
			s.Lease, s.AttemptTimeout, s.Workers, s.Batch, cfg.Scheduler.GlobalRate)
	}
}

// TestDatabaseThatCannotOpen: a database that cannot be opened stops the start with one line
// naming database.dsn.
func TestDatabaseThatCannotOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing", "dir")
	env := envOf(map[string]string{"LIAISON_DATABASE_DSN": filepath.Join(dir, "liaison.db")})
	err := runCLI(context.Background(), []string{"migrate"}, strings.NewReader(""), io.Discard, io.Discard, env)
	if err == nil || !strings.HasPrefix(err.Error(), "config database.dsn:") || strings.Contains(err.Error(), "\n") {
		t.Errorf("migrate on an unopenable database = %v, want one line starting \"config database.dsn:\"", err)
	}
}

func TestConfigFileAndEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liaison.toml")
	if err := os.WriteFile(path, []byte("[database]\ndsn = \"from-file.db\"\n[log]\nformat = \"json\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path, true, envOf(map[string]string{"LIAISON_LOG_FORMAT": "text", "DISCORD_TOKEN": "secret",
		"LIAISON_DISCORD_GATEWAY": "false", "LIAISON_DISCORD_SHARD_COUNT": "4"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.DSN != "from-file.db" || cfg.Log.Format != "text" || cfg.Discord.Token != "secret" || cfg.Discord.Gateway || cfg.Discord.ShardCount != 4 {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := loadConfig("config.example.toml", true, envOf(nil)); err != nil {
		t.Errorf("config.example.toml does not load: %v", err)
	}
}

func TestConsoleScriptAndCSVVerbs(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"LIAISON_DATABASE_DSN": filepath.Join(dir, "liaison.db")})
	ctx := context.Background()
	var out, errs bytes.Buffer
	if err := runCLI(ctx, []string{"console", "--demo"}, strings.NewReader("/forces\n/arrival log country:ZZ personnel:1 role:military\n"), &out, &errs, env); err != nil {
		t.Fatalf("console --demo: %v\n%s", err, errs.String())
	}
	for _, want := range []string{"483", "2,500", "19.3 %", `unknown country "ZZ"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console --demo output lacks %q:\n%s", want, out.String())
		}
	}
	// import then export through the CLI, into the configured database.
	out.Reset()
	if err := runCLI(ctx, []string{"import", "demo/mss-haiti.csv", "--guild", "5"}, nil, &out, &errs, env); err != nil {
		t.Fatalf("import: %v", err)
	}
	out.Reset()
	if err := runCLI(ctx, []string{"export", "arrivals", "--guild", "5"}, nil, &out, &errs, env); err != nil {
		t.Fatalf("export: %v", err)
	}
	if got := strings.Count(out.String(), "\narrival,"); got != 4 {
		t.Errorf("export after import has %d arrivals, want 4:\n%s", got, out.String())
	}
	if err := runCLI(ctx, []string{"backup", filepath.Join(dir, "copy.db")}, nil, &out, &errs, env); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := runCLI(ctx, []string{"frobnicate"}, nil, &out, &errs, env); err == nil {
		t.Error("an unknown verb did not fail")
	}
}

func TestBackupPostgres(t *testing.T) {
	dsn := os.Getenv("LIAISON_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("LIAISON_TEST_POSTGRES_DSN not set; Postgres backup not tested")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	cfg := storagetest.EmptyDatabase(t, "postgres")
	env := envOf(map[string]string{"LIAISON_DATABASE_DRIVER": "postgres", "LIAISON_DATABASE_DSN": cfg.DSN})
	var out, errs bytes.Buffer
	ctx := context.Background()
	if err := runCLI(ctx, []string{"import", "demo/mss-haiti.csv", "--guild", "5"}, nil, &out, &errs, env); err != nil {
		t.Fatalf("import: %v", err)
	}
	path := filepath.Join(t.TempDir(), "liaison.dump")
	if err := runCLI(ctx, []string{"backup", path}, nil, &out, &errs, env); err != nil {
		t.Fatalf("backup: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("backup file: %v, %v", info, err)
	}
	list, err := exec.Command("pg_restore", "--list", path).CombinedOutput()
	if err != nil || !strings.Contains(string(list), "TABLE DATA") || !strings.Contains(string(list), "arrivals") {
		t.Errorf("pg_restore --list: %v\n%s", err, list)
	}
}

// TestDemoOnPostgres: with Postgres configured, --demo loads into the configured database, and a
// second demo there goes into a new guild rather than doubling the first one's figures.
func TestDemoOnPostgres(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, "postgres")
	env := envOf(map[string]string{"LIAISON_DATABASE_DRIVER": "postgres", "LIAISON_DATABASE_DSN": cfg.DSN})
	for i, want := range []string{"Demo timeline loaded", `the demo goes into guild "demo-`} {
		var out, errs bytes.Buffer
		if err := runCLI(context.Background(), []string{"console", "--demo"}, strings.NewReader("/forces\n"), &out, &errs, env); err != nil {
			t.Fatalf("demo %d: %v\n%s", i+1, err, errs.String())
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "**483** deployed of **2,500** planned (19.3 %)") {
			t.Errorf("demo %d output lacks %q or the demo's force level:\n%s", i+1, want, out.String())
		}
	}
	var out, errs bytes.Buffer
	err := runCLI(context.Background(), []string{"console", "--demo", "--guild", "console"}, strings.NewReader(""), &out, &errs, env)
	if err == nil || !strings.Contains(err.Error(), "empty guild") {
		t.Errorf("--demo into a guild with records: err = %v, want a refusal", err)
	}
}

// TestImportMirrorsFlights: with scheduled_events on, `liaison import` puts the flights it stores
// in the Events tab like /flight schedule does: an event for an upcoming flight, and a cancelled
// event for a flight that the file cancels straight after scheduling it.
func TestImportMirrorsFlights(t *testing.T) {
	fake := fakediscord.New(t)
	dir := t.TempDir()
	eta := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	csv := "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone\n" +
		"flight,1," + eta + ",,,,,scheduled,PAP,C-17,,KE 200 police,,,,,,,,\n" +
		"flight,2," + eta + ",,,,,cancelled,PAP,,,,,,no aircraft,,,,,\n"
	file := filepath.Join(dir, "flights.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"LIAISON_DATABASE_DSN": filepath.Join(dir, "liaison.db"),
		"LIAISON_DISCORD_API_BASE": fake.APIBase(), "LIAISON_DISCORD_SCHEDULED_EVENTS": "true"}
	var out, errs bytes.Buffer
	args := []string{"import", file, "--guild", fakediscord.DefaultGuildID}
	if err := runCLI(context.Background(), args, nil, &out, &errs, envOf(vars)); err == nil || !strings.HasPrefix(err.Error(), "config discord.scheduled_events:") {
		t.Errorf("import with scheduled_events and no token: %v, want an error naming discord.scheduled_events", err)
	}
	vars["DISCORD_TOKEN"] = "test-token"
	if err := runCLI(context.Background(), args, nil, &out, &errs, envOf(vars)); err != nil {
		t.Fatalf("import: %v\n%s", err, errs.String())
	}
	var got []string
	for _, e := range fake.ScheduledEvents(fakediscord.DefaultGuildID) {
		got = append(got, fmt.Sprintf("%s %d", e.Name, e.Status))
	}
	if want := []string{"✈️ Flight #1 → PAP 1", "✈️ Flight #2 → PAP 4"}; !slices.Equal(got, want) {
		t.Errorf("events after import = %q, want %q", got, want)
	}
	fake.AssertValid(t)
}

// TestVersionNamesTheRelease: `liaison version` prints the release CHANGELOG.md's top entry
// names, so that a release cannot ship with one and the changelog with another.
func TestVersionNamesTheRelease(t *testing.T) {
	var out bytes.Buffer
	if err := runCLI(t.Context(), []string{"version"}, strings.NewReader(""), &out, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "liaison "+releaseVersion; !strings.HasPrefix(got, want) {
		t.Errorf("liaison version = %q, want it to start with %q", got, want)
	}
	log, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	top := regexp.MustCompile(`(?m)^## (\S+)`).FindSubmatch(log)
	if top == nil || string(top[1]) != releaseVersion {
		t.Errorf("CHANGELOG.md's top entry is %q, want releaseVersion %q", top, releaseVersion)
	}
}

// TestTaggedRelease: a pseudo-version, which Go gives a build from a checkout, is not a release.
func TestTaggedRelease(t *testing.T) {
	for v, want := range map[string]bool{"v1.2.3": true, "v0.0.0-20250103061500-09dd48ce0103": false,
		"v0.9.1-0.20250103061500-09dd48ce0103": false, "(devel)": false, "": false} {
		if got := taggedRelease.MatchString(v); got != want {
			t.Errorf("taggedRelease(%q) = %v, want %v", v, got, want)
		}
	}
}
