package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportHXLAndImportOneTransaction: `liaison export --format hxl` writes the tag row and
// `liaison import` reads it back; a file with a bad line stores nothing, not even the good
// lines before it.
func TestExportHXLAndImportOneTransaction(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"LIAISON_DATABASE_DSN": filepath.Join(dir, "liaison.db")})
	run := func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := runCLI(context.Background(), args, nil, &out, &errs, env)
		return out.String(), err
	}
	if _, err := run("import", "demo/mss-haiti.csv", "--guild", "a"); err != nil {
		t.Fatal(err)
	}
	hxl, err := run("export", "arrivals", "--format", "hxl", "--guild", "a")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(hxl, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "#meta+kind,#meta+id,#date+occurred,#country+code+v_iso3,") || !strings.Contains(lines[2], ",KEN,") {
		t.Fatalf("export --format hxl =\n%s", hxl)
	}
	// The flights first: the landed flight's arrivals name it, and an arrival is never linked
	// to a flight that is not there.
	flights, err := run("export", "flights", "--format", "hxl", "--guild", "a")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "flights.hxl.csv")
	if err := os.WriteFile(file, []byte(flights), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("import", file, "--guild", "b"); err != nil || !strings.Contains(out, "flights 2") {
		t.Errorf("import of the HXL flights export = %q, %v", out, err)
	}
	file = filepath.Join(dir, "arrivals.hxl.csv")
	if err := os.WriteFile(file, []byte(hxl), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("import", file, "--guild", "b"); err != nil || !strings.Contains(out, "arrivals 4") {
		t.Errorf("import of the HXL export = %q, %v", out, err)
	}
	if _, err := run("export", "arrivals", "--format", "xml"); err == nil || !strings.Contains(err.Error(), "hxl") {
		t.Errorf("--format xml = %v, want a refusal naming the formats", err)
	}

	bad := strings.Join(lines[:4], "\n") + "\narrival,9,2024-07-16T04:00:00Z,XX,5,police,,,,,,,,,,,,,,,\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run("import", file, "--guild", "c"); err == nil || !strings.Contains(err.Error(), "line 5") {
		t.Errorf("import with a bad line 5 = %v, want an error naming it", err)
	}
	if out, _ := run("export", "arrivals", "--guild", "c"); strings.Count(out, "\n") != 1 {
		t.Errorf("a file with a bad line stored rows:\n%s", out)
	}
}
