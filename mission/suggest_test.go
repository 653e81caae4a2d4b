package mission

import (
	"slices"
	"testing"
)

// TestCountrySuggestions: a mistyped English, French or Spanish name, with or without its
// accents, is answered with the closest countries, at most three, closest first; a name far
// from every country, or a short code, gets none.
func TestCountrySuggestions(t *testing.T) {
	for _, c := range []struct {
		in   string
		want CountrySuggestions
	}{
		{"Guatamala", CountrySuggestions{"GT"}},
		{"guatamala", CountrySuggestions{"GT"}},
		{"Guatemalaa", CountrySuggestions{"GT"}},
		{"Frnace", CountrySuggestions{"FR"}},    // two letters swapped
		{"Allemange", CountrySuggestions{"DE"}}, // French
		{"Alemanai", CountrySuggestions{"DE"}},  // Spanish
		{"Haïtti", CountrySuggestions{"HT"}},    // accents as typed
		{"Hatï", CountrySuggestions{"HT"}},      // four letters allow one mistake
		{"Jamaïquee", CountrySuggestions{"JM"}}, // French, accent and a letter too many
		{"Méxicco", CountrySuggestions{"MX"}},   // Spanish
		{"El Salvadro", CountrySuggestions{"SV"}},
		{"Nigera", CountrySuggestions{"NE", "NG"}}, // both one mistake away, by English name
		{"Etats Unis d", CountrySuggestions{"US"}},
		{"Irelande", CountrySuggestions{"IE", "IS"}},       // Ireland is one mistake away, Iceland two
		{"Ailandia", CountrySuggestions{"TH", "FI", "IS"}}, // Spanish: Tailandia, then Finlandia and Islandia
		{"Congo", CountrySuggestions{"CG", "CD"}},          // the first word of two names
		{"Saint", CountrySuggestions{"SM", "SX", "BL"}},    // of many, the first three by English name (San Marino, Sint Maarten, St. Barthélemy)
		{"Zimb", nil},   // a word cut short is for the autocomplete, which offers Zimbabwe as it is typed
		{"Kenyzz", nil}, // two mistakes in six letters: too far
		{"Ira", nil},    // three letters: a mistyped code, near too many names
		{"Atlantis", nil},
		{"Wakanda", nil},
		{"XX", nil},
		{"Zzz", nil},
	} {
		_, err := LookupCountry(c.in)
		var got CountrySuggestions
		if e, ok := err.(*Error); ok {
			for i := 0; i+1 < len(e.Text.Args); i += 2 {
				if s, ok := e.Text.Args[i+1].(CountrySuggestions); ok {
					got = s
				}
			}
		}
		if err == nil || !slices.Equal(got, c.want) {
			t.Errorf("LookupCountry(%q) = %v, suggesting %v, want an error suggesting %v", c.in, err, got, c.want)
		}
		if len(got) > maxSuggestions {
			t.Errorf("LookupCountry(%q) suggests %d countries, at most %d", c.in, len(got), maxSuggestions)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		bound int
		want  int
	}{
		{"guatamala", "guatemala", 3, 1},
		{"frnace", "france", 3, 1},
		{"kenya", "kenya", 3, 0},
		{"", "abc", 3, 3},
		{"abc", "", 3, 3},
		{"atlantis", "albania", 2, 3}, // beyond the bound: bound+1
		{"ca", "abc", 3, 3},
		{"mexiko", "mexico", 1, 1},
	} {
		if got := EditDistance(c.a, c.b, c.bound); got != c.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.bound, got, c.want)
		}
	}
}

// BenchmarkSuggestCountries is the cost of a refusal's suggestions: every name of every
// country against the input, on the refusal path only.
func BenchmarkSuggestCountries(b *testing.B) {
	for b.Loop() {
		suggestCountries("guatamala")
	}
}
