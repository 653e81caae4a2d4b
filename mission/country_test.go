package mission

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLookupCountry(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// codes, any case, surrounding spaces
		{"GT", "GT"}, {"gt", "GT"}, {" Gt ", "GT"}, {"GTM", "GT"}, {"gtm", "GT"},
		{"HT", "HT"}, {"HTI", "HT"}, {"KE", "KE"}, {"KEN", "KE"},
		// English names
		{"Guatemala", "GT"}, {"guatemala", "GT"}, {"GUATEMALA", "GT"},
		{"Haiti", "HT"}, {"Kenya", "KE"}, {"El Salvador", "SV"}, {"el  salvador", "SV"},
		{"Jamaica", "JM"}, {"Benin", "BJ"}, {"Chad", "TD"}, {"Bahamas", "BS"}, {"Belize", "BZ"},
		{"United States", "US"}, {"United Kingdom", "GB"}, {"Côte d’Ivoire", "CI"},
		{"Cote d'Ivoire", "CI"}, {"Antigua & Barbuda", "AG"}, {"Antigua and Barbuda", "AG"},
		{"Guinea-Bissau", "GW"}, {"guinea bissau", "GW"}, {"St. Lucia", "LC"}, {"Saint Lucia", "LC"},
		{"St Kitts & Nevis", "KN"}, {"Myanmar", "MM"}, {"Burma", "MM"}, {"Myanmar (Burma)", "MM"},
		// French and Spanish names, accent-insensitive
		{"Haïti", "HT"}, {"haïti", "HT"}, {"Haití", "HT"}, {"États-Unis", "US"}, {"etats unis", "US"},
		{"Estados Unidos", "US"}, {"Tchad", "TD"}, {"Bénin", "BJ"}, {"Jamaïque", "JM"}, {"Kenia", "KE"},
		{"Salvador", "SV"}, {"Belice", "BZ"}, {"Royaume-Uni", "GB"}, {"Reino Unido", "GB"},
		{"Allemagne", "DE"}, {"Alemania", "DE"}, {"República Dominicana", "DO"}, {"republique dominicaine", "DO"},
		// aliases
		{"USA", "US"}, {"usa", "US"}, {"U.S.", "US"}, {"U.S.A.", "US"}, {"United States of America", "US"},
		{"UK", "GB"}, {"uk", "GB"}, {"Great Britain", "GB"}, {"The Bahamas", "BS"}, {"the gambia", "GM"},
		{"Ivory Coast", "CI"}, {"DR Congo", "CD"}, {"Czech Republic", "CZ"}, {"North Macedonia", "MK"},
		{"Eswatini", "SZ"}, {"Türkiye", "TR"}, {"EE. UU.", "US"}, {"EEUU", "US"}, {"Ayiti", "HT"},
	}
	for _, tt := range tests {
		got, err := LookupCountry(tt.in)
		if err != nil {
			t.Errorf("LookupCountry(%q) error %v, want %s", tt.in, err, tt.want)
			continue
		}
		if got.Alpha2 != tt.want {
			t.Errorf("LookupCountry(%q) = %s (%s), want %s", tt.in, got.Alpha2, got.Name, tt.want)
		}
	}
}

func TestLookupCountryErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"XX", `unknown country "XX"`},
		{"xx", `unknown country "xx"`},
		{" Atlantis ", `unknown country "Atlantis"`},
		// reserved, user-assigned, deprecated and grouping codes are not countries
		{"ZZ", `unknown country "ZZ"`},
		{"QO", `unknown country "QO"`},
		{"XK", `unknown country "XK"`},
		{"EU", `unknown country "EU"`},
		{"UN", `unknown country "UN"`},
		{"SU", `unknown country "SU"`},
		{"YU", `unknown country "YU"`},
		{"AC", `unknown country "AC"`},
		{"ZZZ", `unknown country "ZZZ"`},
		{"DD", `unknown country "DD"`},
		{"Europe", `unknown country "Europe"`},
		{"", "no country given"},
		{"   ", "no country given"},
		{strings.Repeat("a", 100), `unknown country "` + strings.Repeat("a", 40) + `…"`},
	}
	for _, tt := range tests {
		got, err := LookupCountry(tt.in)
		if err == nil {
			t.Errorf("LookupCountry(%q) = %v, want error %q", tt.in, got, tt.want)
			continue
		}
		if !strings.Contains(english(t, err), tt.want) {
			t.Errorf("LookupCountry(%q) error %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

// TestCountryTable checks the table derived from x/text: ISO 3166-1 has 249
// officially assigned codes, and every country must be found again by each of
// its codes and names.
func TestCountryTable(t *testing.T) {
	all := SearchCountries("", 1000)
	if len(all) != 249 {
		t.Errorf("len(countries) = %d, want 249 (ISO 3166-1 officially assigned)", len(all))
	}
	seen := map[string]bool{}
	for _, c := range all {
		if len(c.Alpha2) != 2 || strings.ToUpper(c.Alpha2) != c.Alpha2 {
			t.Errorf("%+v: bad alpha-2", c)
		}
		if len(c.Alpha3) != 3 || strings.ToUpper(c.Alpha3) != c.Alpha3 {
			t.Errorf("%+v: bad alpha-3", c)
		}
		if c.Name == "" || c.NameFR == "" || c.NameES == "" {
			t.Errorf("%+v: missing a name", c)
		}
		if utf8.RuneCountInString(c.Flag) != 2 {
			t.Errorf("%+v: flag %q is not two regional indicators", c, c.Flag)
		}
		if seen[c.Alpha2] || seen[c.Alpha3] {
			t.Errorf("%+v: duplicate code", c)
		}
		seen[c.Alpha2], seen[c.Alpha3] = true, true
		for _, in := range []string{c.Alpha2, c.Alpha3, c.Name, c.NameFR, c.NameES} {
			if got, err := LookupCountry(in); err != nil || got != c {
				t.Errorf("LookupCountry(%q) = %v, %v, want %v", in, got.Alpha2, err, c.Alpha2)
			}
		}
		if got, ok := CountryByAlpha2(c.Alpha2); !ok || got != c {
			t.Errorf("CountryByAlpha2(%q) = %v, %v, want %v", c.Alpha2, got, ok, c)
		}
	}
}

func TestMissionCountries(t *testing.T) {
	tests := []struct {
		code, alpha3, name, fr, es, label string
	}{
		{"HT", "HTI", "Haiti", "Haïti", "Haití", "🇭🇹 Haiti"},
		{"KE", "KEN", "Kenya", "Kenya", "Kenia", "🇰🇪 Kenya"},
		{"GT", "GTM", "Guatemala", "Guatemala", "Guatemala", "🇬🇹 Guatemala"},
		{"SV", "SLV", "El Salvador", "Salvador", "El Salvador", "🇸🇻 El Salvador"},
		{"JM", "JAM", "Jamaica", "Jamaïque", "Jamaica", "🇯🇲 Jamaica"},
		{"BJ", "BEN", "Benin", "Bénin", "Benín", "🇧🇯 Benin"},
		{"TD", "TCD", "Chad", "Tchad", "Chad", "🇹🇩 Chad"},
		{"BS", "BHS", "Bahamas", "Bahamas", "Bahamas", "🇧🇸 Bahamas"},
		{"BZ", "BLZ", "Belize", "Belize", "Belice", "🇧🇿 Belize"},
		{"US", "USA", "United States", "États-Unis", "Estados Unidos", "🇺🇸 United States"},
	}
	for _, tt := range tests {
		c, ok := CountryByAlpha2(tt.code)
		if !ok {
			t.Errorf("CountryByAlpha2(%q) not found", tt.code)
			continue
		}
		got := []string{c.Alpha3, c.Name, c.NameFR, c.NameES, c.Label()}
		want := []string{tt.alpha3, tt.name, tt.fr, tt.es, tt.label}
		if !slices.Equal(got, want) {
			t.Errorf("CountryByAlpha2(%q) = %q, want %q", tt.code, got, want)
		}
	}
}

func TestCountryName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GT", "🇬🇹 Guatemala"},
		{"gt", "🇬🇹 Guatemala"},
		{"HT", "🇭🇹 Haiti"},
		{"XX", "XX"},
		{"GTM", "GTM"}, // stored codes are alpha-2 only
		{"", ""},
	}
	for _, tt := range tests {
		if got := CountryName(tt.in); got != tt.want {
			t.Errorf("CountryName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, ok := CountryByAlpha2("ZZ"); ok {
		t.Errorf("CountryByAlpha2(%q) = %v, want not found", "ZZ", got)
	}
}

func TestSearchCountries(t *testing.T) {
	codes := func(cs []Country) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Alpha2
		}
		return out
	}
	tests := []struct {
		q     string
		limit int
		want  []string // expected prefix of the result
	}{
		{"", 5, []string{"AF", "AX", "AL", "DZ", "AS"}},
		{"gt", 25, []string{"GT"}},
		{"GTM", 25, []string{"GT"}},
		{"ke", 25, []string{"KE"}},
		{"haïti", 25, []string{"HT"}},
		{"HAITI", 25, []string{"HT"}},
		{"salv", 25, []string{"SV"}},
		{"el salvador", 25, []string{"SV"}},
		{"guat", 3, []string{"GT"}},
		{"gua", 25, []string{"GF", "GP", "GU", "GT"}}, // French Guiana (ES "Guayana Francesa"), Guadeloupe, Guam, Guatemala
		{"estados", 25, []string{"US"}},
		{"the baha", 25, []string{"BS"}},
		{"zzzz", 25, []string{}},
	}
	for _, tt := range tests {
		got := codes(SearchCountries(tt.q, tt.limit))
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("SearchCountries(%q, %d) = %v, want it to start with %v", tt.q, tt.limit, got, tt.want)
		}
		if len(got) > tt.limit {
			t.Errorf("SearchCountries(%q, %d) returned %d results", tt.q, tt.limit, len(got))
		}
	}

	// The limit is respected, and zero or negative limits return nothing.
	for _, limit := range []int{-1, 0, 1, 25} {
		if got := SearchCountries("a", limit); len(got) != max(limit, 0) {
			t.Errorf("len(SearchCountries(%q, %d)) = %d, want %d", "a", limit, len(got), max(limit, 0))
		}
	}

	// Prefix matches come before substring matches: Madagascar starts with
	// "ma", Guatemala only contains it.
	got := codes(SearchCountries("ma", 1000))
	mg, gt := slices.Index(got, "MG"), slices.Index(got, "GT")
	if mg < 0 || gt < 0 || mg > gt {
		t.Errorf("SearchCountries(%q) = %v, want MG (prefix) before GT (contains)", "ma", got)
	}
	if n := len(got); n != len(slices.Compact(slices.Sorted(slices.Values(got)))) {
		t.Errorf("SearchCountries(%q) returned duplicates: %v", "ma", got)
	}
}
