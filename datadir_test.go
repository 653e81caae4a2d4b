package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSQLiteDataDir: with no dsn the SQLite file goes under the data directory (systemd's
// $STATE_DIRECTORY, else the configured data_dir), not the working directory; an install with
// ./liaison.db from before keeps it and is told.
func TestSQLiteDataDir(t *testing.T) {
	t.Chdir(t.TempDir())
	state := t.TempDir()
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"systemd state directory", map[string]string{"STATE_DIRECTORY": state + ":/var/lib/other"}, filepath.Join(state, "liaison.db")},
		{"data_dir", map[string]string{"STATE_DIRECTORY": "/nowhere", "LIAISON_DATABASE_DATA_DIR": filepath.Join(state, "d")}, filepath.Join(state, "d", "liaison.db")},
		{"XDG", map[string]string{"XDG_DATA_HOME": state, "HOME": "/nowhere"}, filepath.Join(state, "liaison", "liaison.db")},
		{"home", map[string]string{"HOME": state}, filepath.Join(state, ".local", "share", "liaison", "liaison.db")},
		{"dsn wins", map[string]string{"STATE_DIRECTORY": state, "LIAISON_DATABASE_DSN": "elsewhere.db"}, "elsewhere.db"},
	} {
		cfg, err := loadConfig("", false, envOf(tt.env))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if cfg.Database.DSN != tt.want || cfg.legacyDB {
			t.Errorf("%s: dsn = %q (legacy %v), want %q", tt.name, cfg.Database.DSN, cfg.legacyDB, tt.want)
		}
	}

	// `liaison migrate` creates the data directory and the file in it.
	vars := map[string]string{"STATE_DIRECTORY": filepath.Join(state, "new")}
	if err := runCLI(t.Context(), []string{"migrate"}, nil, io.Discard, io.Discard, envOf(vars)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(state, "new", "liaison.db")); err != nil {
		t.Errorf("migrate did not create the database in the data directory: %v", err)
	}
	if _, err := os.Stat("liaison.db"); err == nil {
		t.Errorf("migrate created liaison.db in the working directory")
	}

	// An existing ./liaison.db is kept, with a warning, while the data directory holds none.
	if err := os.WriteFile("liaison.db", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	vars = map[string]string{"STATE_DIRECTORY": filepath.Join(state, "empty")}
	cfg, err := loadConfig("", false, envOf(vars))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.DSN != "liaison.db" || !cfg.legacyDB {
		t.Errorf("with ./liaison.db: dsn = %q (legacy %v), want liaison.db kept", cfg.Database.DSN, cfg.legacyDB)
	}
	var logs bytes.Buffer
	if err := runCLI(t.Context(), []string{"migrate"}, nil, io.Discard, &logs, envOf(vars)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "working directory") || !strings.Contains(logs.String(), "data_dir") {
		t.Errorf("a start on ./liaison.db logs %q, want a line naming the working directory and data_dir", logs.String())
	}
	// Once the file is at the new place, that one is used.
	if err := os.MkdirAll(filepath.Join(state, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename("liaison.db", filepath.Join(state, "empty", "liaison.db")); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := loadConfig("", false, envOf(vars)); cfg.Database.DSN != filepath.Join(state, "empty", "liaison.db") || cfg.legacyDB {
		t.Errorf("after the move: dsn = %q (legacy %v)", cfg.Database.DSN, cfg.legacyDB)
	}
}

// TestExampleConfigCommentsEveryKey: every key of Config is in config.example.toml, under a
// comment that explains it.
func TestExampleConfigCommentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	root := reflect.TypeOf(Config{})
	for i := 0; i < root.NumField(); i++ {
		section := root.Field(i).Tag.Get("toml")
		if section == "" {
			continue
		}
		inSection := false
		for j := 0; j < root.Field(i).Type.NumField(); j++ {
			key := root.Field(i).Type.Field(j).Tag.Get("toml")
			found := false
			for n, line := range lines {
				if strings.HasPrefix(line, "[") {
					inSection = line == "["+section+"]"
				}
				if inSection && strings.HasPrefix(line, key+" = ") {
					found = true
					// Keys that go together (shard_id, shard_count) share the comment above them.
					for n > 0 && strings.Contains(lines[n-1], " = ") && !strings.HasPrefix(lines[n-1], "#") {
						n--
					}
					if n == 0 || !strings.HasPrefix(lines[n-1], "#") {
						t.Errorf("config.example.toml: %s.%s has no comment above it", section, key)
					}
				}
			}
			if !found {
				t.Errorf("config.example.toml lacks %s.%s", section, key)
			}
		}
	}
}
