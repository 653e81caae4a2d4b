package commands_test

import (
	"context"
	"strings"
	"testing"

	"liaison/exchange"
	"liaison/locale"
	"liaison/storage"
)

// TestBelowZeroDoesTheArithmetic: a departure, an arrival's edit or its deletion that would take
// a level below zero is refused with the strength now, what the change takes away and what it
// would leave, in the reader's language, numbers grouped as the reader groups them and a true
// minus sign, the country and role in the reader's words; nothing is stored.
func TestBelowZeroDoesTheArithmetic(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run("/arrival log country:KE personnel:1020 role:medical", "/departure log country:KE personnel:1000 role:medical") // 20 deployed
	for _, c := range []struct {
		locale, line, want string
	}{
		{"en", "/departure log country:KE personnel:50 role:medical", "🇰🇪 Kenya has 20 medical deployed; a departure of 50 would leave −30."},
		{"fr", "/departure log country:KE personnel:50 role:medical", "🇰🇪 Kenya : 20 personnels médicaux déployés ; un départ de 50 en laisserait −30."},
		{"es", "/departure log country:KE personnel:50 role:medical", "🇰🇪 Kenia: 20 efectivos de sanidad desplegados; una salida de 50 dejaría −30."},
		{"en", "/departure log country:KE personnel:3000 role:medical", "🇰🇪 Kenya has 20 medical deployed; a departure of 3,000 would leave −2,980."},
		{"fr", "/departure log country:KE personnel:3000 role:medical", "un départ de 3\u202f000 en laisserait −2\u202f980."},
		{"en", "/arrival edit id:1 personnel:900", "🇰🇪 Kenya has 20 medical deployed; this edit of arrival #1 takes 120 away and would leave −100."},
		{"fr", "/arrival edit id:1 role:police", "🇰🇪 Kenya : 20 personnels médicaux déployés ; la modification de l’arrivée #1 en retirerait 1\u202f020 et en laisserait −1\u202f000."},
		{"es", "/arrival delete id:1", "🇰🇪 Kenia: 20 efectivos de sanidad desplegados; la baja de la llegada #1 retiraría 1020 y dejaría −1000."},
		{"en", "/arrival delete id:1", "🇰🇪 Kenya has 20 medical deployed; deleting arrival #1 takes 1,020 away and would leave −1,000."},
		// Down to exactly what departed: stored, and the next refusal starts from 0.
		{"en", "/arrival edit id:1 personnel:1000", "🇰🇪 Kenya has 20 medical deployed; this edit of arrival #1 takes 20 away and would leave 0."},
		{"en", "/departure log country:KE personnel:1 role:medical", "🇰🇪 Kenya has 0 medical deployed; a departure of 1 would leave −1."},
	} {
		before := h.counts()
		got := h.runIn(c.locale, c.line)[0]
		wantRefusal := !strings.HasSuffix(c.want, "would leave 0.")
		if wantRefusal != strings.Contains(got, c.want) {
			t.Errorf("%s %s:\n%s\nwant it to contain %q: %v", c.locale, c.line, got, c.want, wantRefusal)
		}
		if after := h.counts(); wantRefusal && after != before {
			t.Errorf("%s: records %v became %v; a refusal stores nothing", c.line, before, after)
		}
	}
}

// TestCountrySuggestedAtEveryDoor: a mistyped country is answered with the closest countries in
// the reader's language, whether typed in an option, a manifest entry or an imported row; a
// count typed with its digits grouped is read as one number at the same doors.
func TestCountrySuggestedAtEveryDoor(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	for _, c := range []struct {
		locale, line, want string
	}{
		{"en", "/arrival log country:Guatamala personnel:75 role:military", `unknown country "Guatamala"; did you mean Guatemala (GT)?`},
		{"fr", "/arrival log country:Allemange personnel:75 role:military", `pays inconnu : « Allemange » ; vouliez-vous dire Allemagne (DE) ?`},
		{"es", "/pledge set country:Alemanai personnel:75 role:military", `país desconocido: «Alemanai»; ¿quiso decir Alemania (DE)?`},
		{"en", `/flight schedule eta:"in 3h" manifest:"GT 1,000; Guatamala 8"`, `entry 2 ("Guatamala 8"): unknown country "Guatamala"; did you mean Guatemala (GT)?`},
		{"en", "/arrival log country:Atlantis personnel:75 role:military", `unknown country "Atlantis"` + "\n"},
	} {
		if got := h.runIn(c.locale, c.line)[0]; !strings.Contains(got, c.want) {
			t.Errorf("%s %s:\n%s\nwant it to contain %q", c.locale, c.line, got, c.want)
		}
	}
	if got := h.runIn("en", `/flight schedule eta:"in 3h" manifest:"GT 1,000 military; SV 8 medical"`)[0]; !strings.Contains(got, "1,008") {
		t.Errorf("a manifest of 1,000 and 8:\n%s", got)
	}
	// The console is a door where a count is typed as text too (three countries: the same
	// arrival twice in a day is held as a repeat).
	for _, line := range []string{"/arrival log country:GT personnel:1,000 role:military", `/arrival log country:SV personnel:"1 000" role:military`, "/arrival log country:KE personnel:1.000 role:military"} {
		if got := h.runIn("en", line)[0]; !strings.Contains(got, "1,000 military") {
			t.Errorf("%s:\n%s", line, got)
		}
	}
	if got := h.runIn("en", "/arrival log country:GT personnel:1,5 role:military")[0]; !strings.Contains(got, "wants a whole number") {
		t.Errorf("personnel:1,5 in the console:\n%s", got)
	}

	ctx := context.Background()
	a := storage.Actor{GuildID: "100", UserID: "mod"}
	row := func(country, personnel string) string {
		return importLine(map[string]string{"kind": "arrival", "time": "2025-01-02T10:00:00Z", "country": country, "personnel": personnel, "role": "police"}) + "\n"
	}
	p, err := exchange.CheckCSV(ctx, h.store, a, strings.NewReader(importHeader+"\n"+row("KE", `"1,000"`)+row("Kenyaa", "5")+row("KE", `"1,5"`)))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range p.Errors {
		lines = append(lines, locale.Error(locale.Spanish, e))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{`line 3 (arrival): país desconocido: «Kenyaa»; ¿quiso decir Kenia (KE)?`, `line 4`, `«1,5»`} {
		if !strings.Contains(got, want) {
			t.Errorf("import preview errors:\n%s\nwant them to contain %q", got, want)
		}
	}
	if strings.Contains(got, "line 2") || p.Bad != 2 {
		t.Errorf("the row of 1,000 is refused, or not 2 bad rows (%d):\n%s", p.Bad, got)
	}
}
