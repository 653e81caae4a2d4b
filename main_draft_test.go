package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDraftVerb: `liaison draft` prints the seed report's records as an import file, from a
// file or standard input, the role cell left empty where the text names none, and `liaison
// import` refuses such a row by its line and the roles to choose from, then stores the file
// once the moderator has written them.
func TestDraftVerb(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"LIAISON_DATABASE_DSN": filepath.Join(dir, "liaison.db")})
	run := func(stdin string, args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := runCLI(context.Background(), args, strings.NewReader(stdin), &out, &errs, env)
		return out.String(), err
	}
	got, err := run("", "draft", "--as-of", "2025-01-03", "draft/testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "kind,id,time,country,personnel") {
		t.Fatalf("liaison draft printed %d lines:\n%s", len(lines), got)
	}
	for _, want := range []string{"arrival,,2025-01-03,GT,75,,military,", "arrival,,2025-01-03,SV,8,,military,",
		"flight,,2025-01-04,,,,,,scheduled,", "pledge,,2025-01-03,KE,,,,"} {
		if !strings.Contains(got, want) {
			t.Errorf("liaison draft lacks %q:\n%s", want, got)
		}
	}
	seed, _ := os.ReadFile("draft/testdata/seed.txt")
	piped, err := run(string(seed), "draft", "--as-of", "2025-01-03", "--lang", "en", "-")
	if err != nil || piped != got {
		t.Errorf("liaison draft - = %v\n%s\nwant the same as from the file", err, piped)
	}
	if _, err := run("", "draft", "--as-of", "3 January", "draft/testdata/seed.txt"); err == nil {
		t.Error("--as-of 3 January: no error")
	}
	file := filepath.Join(dir, "draft.csv")
	if err := os.WriteFile(file, []byte(got), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run("", "import", file, "--guild", "g"); err == nil || !strings.Contains(err.Error(), "line 7") ||
		!strings.Contains(err.Error(), "police") {
		t.Errorf("liaison import of a draft with roles left out = %v, want line 7 refused with the roles to choose", err)
	}
	for _, c := range []string{"KE", "JM", "BJ", "TD"} {
		got = strings.Replace(got, "pledge,,2025-01-03,"+c+",,,,", "pledge,,2025-01-03,"+c+",,,police,", 1)
	}
	if err := os.WriteFile(file, []byte(got), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run("", "import", file, "--guild", "g")
	if err != nil {
		t.Fatalf("liaison import of the draft: %v", err)
	}
	if !strings.Contains(out, "arrivals 2") || !strings.Contains(out, "pledges 4") || !strings.Contains(out, "reported figures 2") {
		t.Errorf("import of the draft = %q", out)
	}
}
