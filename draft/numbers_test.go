package draft

import (
	"testing"

	"liaison/mission"
)

// TestReadNumber reads counts in digits with any grouping and in words of each language.
func TestReadNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		q    mission.Qualifier
	}{
		{"2,500", 2500, mission.QualifierExact}, {"2.500", 2500, mission.QualifierExact}, {"2 500", 2500, mission.QualifierExact},
		{"2\u202f500", 2500, mission.QualifierExact}, {"1,000,000", 1000000, mission.QualifierExact},
		{"seventy-five", 75, mission.QualifierExact}, {"two hundred and fifty", 250, mission.QualifierExact},
		{"two dozen", 24, mission.QualifierExact}, {"a dozen", 12, mission.QualifierExact}, {"2 dozen", 24, mission.QualifierExact},
		{"hundreds", 200, mission.QualifierAtLeast}, {"soixante-quinze", 75, mission.QualifierExact},
		{"quatre-vingt-dix-sept", 97, mission.QualifierExact}, {"quatre-vingts", 80, mission.QualifierExact},
		{"soixante-dix", 70, mission.QualifierExact}, {"vingt et un", 21, mission.QualifierExact},
		{"deux mille", 2000, mission.QualifierExact}, {"une centaine", 100, mission.QualifierAbout},
		{"setenta y cinco", 75, mission.QualifierExact}, {"doscientos cincuenta", 250, mission.QualifierExact},
		{"dos mil quinientos", 2500, mission.QualifierExact}, {"cientos", 200, mission.QualifierAtLeast},
		{"una docena", 12, mission.QualifierExact}, {"veinticuatro", 24, mission.QualifierExact},
	} {
		toks := tokenize(c.in)
		n, ok := readNumberAt(toks, 0, "")
		if !ok || n.v != c.want || n.q != c.q || n.end != len(toks) {
			t.Errorf("readNumberAt(%q) = %d %s (%d of %d tokens, %v), want %d %s", c.in, n.v, n.q, n.end, len(toks), ok, c.want, c.q)
		}
	}
	for _, in := range []string{strings40(), "2.5", "14:00", "9h30", "3rd", "a", "une"} {
		toks := tokenize(in)
		if n, ok := readNumberAt(toks, 0, ""); ok && n.end == len(toks) {
			t.Errorf("readNumberAt(%q) = %d, want no count", in, n.v)
		}
	}
}

func strings40() string { return "1234567890123456789012345678901234567890" }
