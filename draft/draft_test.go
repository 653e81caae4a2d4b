package draft

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/mission"
)

var haiti = func() *time.Location {
	l, err := time.LoadLocation("America/Port-au-Prince")
	if err != nil {
		return time.UTC
	}
	return l
}()

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, haiti) }

// brief is a record as the tests compare them: what a moderator reads in the preview.
func brief(r Record) string {
	var b strings.Builder
	b.WriteString(string(r.Kind) + " " + r.Country)
	if r.Known && r.Kind != KindFlight {
		b.WriteString(" " + itoa(r.Personnel))
	}
	if r.Female > 0 {
		b.WriteString(" " + itoa(r.Female) + "f")
	}
	if r.Role != "" {
		b.WriteString(" " + string(r.Role))
	}
	if r.Kind == KindReport {
		b.WriteString(" " + string(r.Figure) + " " + string(r.Qualifier))
	}
	for _, l := range r.Manifest {
		b.WriteString(" [" + l.String() + "]")
	}
	if !r.Date.IsZero() {
		b.WriteString(" " + r.Date.Format("2006-01-02"))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestSeedReport drafts the report Liaison was built from exactly as issue 22 says: GT 75
// and SV 8 landed on the day, a flight for January 4, 400 deployed of 2,500 planned, pledges
// of unknown size from Kenya, Jamaica, Benin and Chad, and nothing about Haiti.
func TestSeedReport(t *testing.T) {
	text, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range Draft(string(text), Options{Published: day(2025, 1, 3).Add(15 * time.Hour)}) {
		got = append(got, brief(r))
		if r.Country == "HT" {
			t.Errorf("drafted a record about the host country: %s", brief(r))
		}
		if r.Sentence == "" {
			t.Errorf("%s has no sentence", brief(r))
		}
	}
	want := []string{
		"arrival GT 75 military 2025-01-03",
		"arrival SV 8 military 2025-01-03",
		"flight 2025-01-04",
		"report 400 deployed exact 2025-01-03",
		"report 2500 planned exact 2025-01-03",
		"pledge KE 2025-01-03",
		"pledge JM 2025-01-03",
		"pledge BJ 2025-01-03",
		"pledge TD 2025-01-03",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Draft(seed) =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestHost drafts nothing about the host country's forces, whichever it is.
func TestHost(t *testing.T) {
	text := "200 Haitian police officers arrived in Port-au-Prince. 150 Kenyan police officers arrived on Monday."
	for _, host := range []string{"", "HT"} {
		for _, r := range Draft(text, Options{Published: day(2025, 1, 3), Host: host}) {
			if r.Country == "HT" {
				t.Errorf("host %q: drafted %s", host, brief(r))
			}
		}
	}
	got := Draft(text, Options{Published: day(2025, 1, 3), Host: "KE"})
	for _, r := range got {
		if r.Country == "KE" {
			t.Errorf("host KE: drafted %s", brief(r))
		}
	}
	if len(got) != 1 || got[0].Country != "HT" || got[0].Role != mission.RolePolice {
		t.Errorf("host KE: got %d records, want the Haitian police's arrival", len(got))
	}
}

// TestNoRoleNamed: where the text names no role, the record's role is left empty for the one
// rule of a left-out role to resolve (the country's only role on record, or a question), never
// guessed; a role the text names is kept.
func TestNoRoleNamed(t *testing.T) {
	pub := day(2025, 1, 3).Add(15 * time.Hour)
	for _, c := range []struct{ text, want string }{
		{"Jamaica has pledged 150 more personnel to the mission.", "pledge JM 150 2025-01-03"},
		{"Benin will send 200 personnel.", "pledge BJ 200 2025-01-03"},
		{"Kenya and Chad have pledged to send reinforcements.", "pledge KE 2025-01-03|pledge TD 2025-01-03"},
		{"Kenya has pledged to send police and soldiers.", "pledge KE 2025-01-03"},
		{"Jamaica has pledged 150 soldiers to the mission.", "pledge JM 150 military 2025-01-03"},
	} {
		var got []string
		for _, r := range Draft(c.text, Options{Published: pub}) {
			got = append(got, brief(r))
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("Draft(%q) = %q, want %q", c.text, strings.Join(got, "|"), c.want)
		}
	}
}
