package locale

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// readCatalog reads a catalog file as plain TOML: message ID → plural form (or "other" for a
// message without plural forms) → text.
func readCatalog(t *testing.T, l Lang) map[string]map[string]string {
	t.Helper()
	b, err := catalogFiles.ReadFile("catalog/" + string(l) + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s.toml: %v", l, err)
	}
	out := map[string]map[string]string{}
	var walk func(prefix string, v map[string]any)
	walk = func(prefix string, v map[string]any) {
		for k, x := range v {
			id := strings.TrimPrefix(prefix+"."+k, ".")
			switch x := x.(type) {
			case string:
				out[id] = map[string]string{"other": x}
			case map[string]any:
				if _, plural := x["other"].(string); plural {
					forms := map[string]string{}
					for f, s := range x {
						forms[f], _ = s.(string)
					}
					out[id] = forms
				} else {
					walk(id, x)
				}
			}
		}
	}
	walk("", raw)
	return out
}

var variable = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func variables(s string) []string {
	var out []string
	for _, m := range variable.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCatalogsComplete: every language has exactly the English keys, and each message uses the
// same variables as its English source, in every plural form.
func TestCatalogsComplete(t *testing.T) {
	en := readCatalog(t, English)
	if len(en) == 0 {
		t.Fatal("the English catalog is empty")
	}
	for _, l := range Languages()[1:] {
		other := readCatalog(t, l)
		for id, forms := range en {
			tr, ok := other[id]
			if !ok {
				t.Errorf("%s lacks %q", l, id)
				continue
			}
			if _, plural := forms["one"]; plural && l != English {
				// CLDR gives French and Spanish a form for millions ("1 000 000 de …").
				if _, ok := tr["many"]; !ok {
					t.Errorf("%s %q lacks its \"many\" form", l, id)
				}
			}
			want := variables(forms["other"])
			for form, s := range tr {
				if got := variables(s); !slices.Equal(got, want) {
					t.Errorf("%s %q (%s) has variables %v, English has %v", l, id, form, got, want)
				}
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s %q (%s) is empty", l, id, form)
				}
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s has %q, which English does not", l, id)
			}
		}
	}
	if _, err := load(); err != nil {
		t.Fatal(err)
	}
}

func TestFromDiscordAndPick(t *testing.T) {
	tests := []struct {
		locale string
		server Lang
		want   Lang
	}{
		{"fr", English, French},
		{"es-ES", English, Spanish},
		{"es-419", French, Spanish},
		{"en-GB", French, English},
		{"en-US", Spanish, English},
		{"de", French, French},
		{"ja", "", English},
		{"", Spanish, Spanish},
		{"pt-BR", "xx", English},
	}
	for _, tt := range tests {
		if got := Pick(tt.locale, tt.server); got != tt.want {
			t.Errorf("Pick(%q, %q) = %q, want %q", tt.locale, tt.server, got, tt.want)
		}
	}
	for _, s := range []string{"en", "fr", "es", "FR"} {
		if _, ok := Parse(s); !ok {
			t.Errorf("Parse(%q) refused", s)
		}
	}
	for _, s := range []string{"de", "", "french", "es-419"} {
		if l, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %q, want refusal", s, l)
		}
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		l    Lang
		n    int64
		want string
	}{
		{English, 2500, "2,500"}, {English, 483, "483"}, {English, 1000000, "1,000,000"},
		{French, 2500, "2\u202f500"}, {French, 999, "999"}, {French, 100000, "100\u202f000"},
		{Spanish, 2500, "2500"}, {Spanish, 12500, "12.500"}, {Spanish, 1234567, "1.234.567"}, {Spanish, 9999, "9999"},
		{"xx", 2500, "2,500"},
	}
	for _, tt := range tests {
		if got := Number(tt.l, tt.n); got != tt.want {
			t.Errorf("Number(%s, %d) = %q, want %q", tt.l, tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		l           Lang
		part, whole int64
		want        string
	}{
		{English, 483, 2500, "19.3 %"}, {French, 483, 2500, "19,3\u202f%"}, {Spanish, 483, 2500, "19,3\u00a0%"},
		{English, 2500, 2500, "100.0 %"}, {English, 1, 0, "—"}, {French, 30000, 2500, "1\u202f200,0\u202f%"},
	} {
		if got := Percent(tt.l, tt.part, tt.whole); got != tt.want {
			t.Errorf("Percent(%s, %d, %d) = %q, want %q", tt.l, tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestPluralsAndCountries(t *testing.T) {
	for _, tt := range []struct {
		l    Lang
		n    int
		want string
	}{
		{English, 1, "1 arrival"}, {English, 2, "2 arrivals"}, {French, 1, "1 arrivée"}, {French, 2, "2 arrivées"},
		{French, 0, "0 arrivée"}, {Spanish, 1, "1 llegada"}, {Spanish, 12500, "12.500 llegadas"},
	} {
		if got := T(tt.l, "count.arrivals", "Count", tt.n); got != tt.want {
			t.Errorf("T(%s, count.arrivals, %d) = %q, want %q", tt.l, tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		l          Lang
		code, want string
	}{
		{English, "US", "🇺🇸 United States"}, {French, "US", "🇺🇸 États-Unis"}, {Spanish, "US", "🇺🇸 Estados Unidos"},
		{French, "HT", "🇭🇹 Haïti"}, {Spanish, "XX", "XX"},
	} {
		if got := Country(tt.l, tt.code); got != tt.want {
			t.Errorf("Country(%s, %s) = %q, want %q", tt.l, tt.code, got, tt.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Lang
	}{
		{"", English},
		{"fr-CA,fr;q=0.9,en;q=0.5", French},
		{"es-419", Spanish},
		{"de-DE,es;q=0.8,en;q=0.5", Spanish},
		{"en;q=0.2,fr;q=0.9", French},
		{"de-DE", English},
		{"zz;;;=", English},
	} {
		if got := FromAcceptLanguage(tc.header); got != tc.want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}
