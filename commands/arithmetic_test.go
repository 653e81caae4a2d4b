package commands_test

import (
	"strings"
	"testing"
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
