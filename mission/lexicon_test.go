package mission

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// TestRoleWordsInThreeLanguages: the role nouns of reports and officers, singular and plural,
// with and without accents, in options and manifests.
func TestRoleWordsInThreeLanguages(t *testing.T) {
	want := map[Role][]string{
		RoleMilitary: {"troops", "troop", "Troupes", "tropas", "soldiers", "soldats", "soldados", "army", "armée", "armee", "ejército", "ejercito",
			"militaire", "militaires", "militar", "militares", "MILITAIRES"},
		RolePolice:  {"police", "police officers", "policiers", "policier", "gendarmes", "policías", "policias", "policía"},
		RoleMedical: {"medical", "medics", "médecins", "medecins", "personnel médical", "personnels médicaux", "personal de sanidad", "médicos", "medicos", "efectivos de sanidad"},
		RoleStaff:   {"staff", "staff officers", "officiers d'état-major", "officiers d’état-major", "officiers d'etat major", "état-major", "oficiales de estado mayor", "estado mayor"},
		RoleSupport: {"support", "soutien", "personnel de soutien", "personnels de soutien", "apoyo", "efectivos de apoyo", "personal de apoyo"},
		RoleOther:   {"other", "autres", "otros"},
	}
	for role, words := range want {
		for _, w := range words {
			if got, err := ParseRole(w); err != nil || got != role {
				t.Errorf("ParseRole(%q) = %q, %v, want %q", w, got, err, role)
			}
		}
	}
}

// TestLexiconIsConsistent: no written form means two different things of the same kind (a word
// that is both a role and a demonym, or two roles, would make a report's text ambiguous), no
// form folds to nothing, and every role has words in every language.
func TestLexiconIsConsistent(t *testing.T) {
	type sense struct {
		kind WordKind
		role Role
		n    int
		c    string
	}
	seen := map[string]map[WordKind]sense{}
	langs := map[Role]map[string]bool{}
	for _, w := range Lexicon() {
		if w.Lang != "en" && w.Lang != "fr" && w.Lang != "es" {
			t.Errorf("word %v: language %q", w.Forms, w.Lang)
		}
		if w.Kind == WordRole {
			if langs[w.Role] == nil {
				langs[w.Role] = map[string]bool{}
			}
			langs[w.Role][w.Lang] = true
		}
		for _, f := range w.Forms {
			key := Fold(f)
			if key == "" || f != strings.TrimSpace(f) {
				t.Errorf("form %q folds to %q", f, key)
			}
			s := sense{w.Kind, w.Role, w.N, w.Country}
			if seen[key] == nil {
				seen[key] = map[WordKind]sense{}
			}
			if old, ok := seen[key][w.Kind]; ok && old != s {
				t.Errorf("%q means both %+v and %+v", f, old, s)
			}
			seen[key][w.Kind] = s
		}
	}
	for _, r := range Roles() {
		if len(langs[r]) != 3 {
			t.Errorf("role %s has words in %v, want en, fr and es", r, langs[r])
		}
	}
	// Roles and demonyms must not share a form: "24 soldats jamaïcains" reads both.
	for key, kinds := range seen {
		if _, r := kinds[WordRole]; r {
			if _, d := kinds[WordDemonym]; d {
				t.Errorf("%q is both a role and a demonym", key)
			}
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Officiers d’état-major": "officiers detat major",
		"  ARMÉE ":               "armee",
		"Après-demain":           "apres demain",
		"mañana":                 "manana",
		"a.m.":                   "am",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
		if again := Fold(Fold(in)); again != Fold(in) {
			t.Errorf("Fold is not idempotent on %q: %q then %q", in, Fold(in), again)
		}
	}
}

// TestDemonyms: the mission's likely contributors by their people, every gender and number.
func TestDemonyms(t *testing.T) {
	for code, words := range map[string][]string{
		"KE": {"Kenyan", "Kenyans", "kényan", "kényanes", "kenianos", "keniana"},
		"JM": {"Jamaican", "jamaïcains", "jamaicaine", "jamaiquinos", "jamaiquina"},
		"GT": {"Guatemalan", "guatémaltèques", "guatemaltecos", "guatemalteca"},
		"SV": {"Salvadoran", "salvadoriens", "salvadorienne", "salvadoreños", "salvadorenas"},
		"BS": {"Bahamian", "bahaméens", "bahameños"},
		"BZ": {"Belizean", "béliziens", "beliceños"},
		"BJ": {"Beninese", "béninoises", "beninés", "beninesas"},
		"TD": {"Chadian", "tchadiens", "chadianas"},
	} {
		for _, w := range words {
			if got, ok := LookupDemonym(w); !ok || got != code {
				t.Errorf("LookupDemonym(%q) = %q, %v, want %s", w, got, ok, code)
			}
		}
	}
	if _, ok := LookupDemonym("martians"); ok {
		t.Errorf("LookupDemonym(martians) found a country")
	}
}

func TestParseManifestInThreeLanguages(t *testing.T) {
	tests := []struct {
		in   string
		want []ManifestLine
	}{
		{"Jamaïque 24 troupes", []ManifestLine{{"JM", 24, RoleMilitary, 0}}},
		{"GT 5 militaire", []ManifestLine{{"GT", 5, RoleMilitary, 0}}},
		{"GT 5 militar", []ManifestLine{{"GT", 5, RoleMilitary, 0}}},
		{"GT 75 soldiers and SV 8 medics", []ManifestLine{{"GT", 75, RoleMilitary, 0}, {"SV", 8, RoleMedical, 0}}},
		{"Jamaïque 24 troupes et Kenya 30 policiers", []ManifestLine{{"JM", 24, RoleMilitary, 0}, {"KE", 30, RolePolice, 0}}},
		{"Jamaica 24 tropas y Kenia 30 policías", []ManifestLine{{"JM", 24, RoleMilitary, 0}, {"KE", 30, RolePolice, 0}}},
		{"Trinidad and Tobago 50 police and GT 5", []ManifestLine{{"TT", 50, RolePolice, 0}, {"GT", 5, "", 0}}},
		{"Trinidad y Tobago 50 policías", []ManifestLine{{"TT", 50, RolePolice, 0}}},
		{"Salvador 8 personnel médical 3f", []ManifestLine{{"SV", 8, RoleMedical, 3}}},
		{"El Salvador 8 personal de sanidad", []ManifestLine{{"SV", 8, RoleMedical, 0}}},
		{"Bénin 12 officiers d’état-major", []ManifestLine{{"BJ", 12, RoleStaff, 0}}},
		{"24 soldats jamaïcains", []ManifestLine{{"JM", 24, RoleMilitary, 0}}},
		{"75 guatemaltecos", []ManifestLine{{"GT", 75, "", 0}}},
		{"30 Kenyan police officers", nil}, // the demonym comes after the role
		{"30 police officers Kenyan", []ManifestLine{{"KE", 30, RolePolice, 0}}},
		{"GT 75 militaires\nSV 8 soutien", []ManifestLine{{"GT", 75, RoleMilitary, 0}, {"SV", 8, RoleSupport, 0}}},
	}
	for _, tt := range tests {
		got, err := ParseManifest(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("ParseManifest(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseManifest(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzLexicon: folding is idempotent and keeps no upper case or punctuation, and the readers of
// words agree with it: a role read from any text is read the same from its folded form.
func FuzzLexicon(f *testing.F) {
	for _, w := range Lexicon() {
		for _, form := range w.Forms {
			f.Add(form)
		}
	}
	f.Add("Officiers d’État-Major")
	f.Add("\u0301e")
	f.Fuzz(func(t *testing.T, s string) {
		k := Fold(s)
		if Fold(k) != k {
			t.Fatalf("Fold(%q) = %q, Fold again = %q", s, k, Fold(k))
		}
		for _, r := range k {
			if unicode.IsUpper(r) || (r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)) {
				t.Fatalf("Fold(%q) = %q keeps %q", s, k, r)
			}
		}
		r1, err1 := ParseRole(s)
		// Only a text with words: "!" folds to nothing, which is the omitted option (found by fuzzing).
		if k != "" && !Role(strings.ToLower(strings.TrimSpace(s))).Valid() {
			r2, err2 := ParseRole(k)
			if (err1 == nil) != (err2 == nil) || r1 != r2 {
				t.Fatalf("ParseRole(%q) = %q, %v but ParseRole(%q) = %q, %v", s, r1, err1, k, r2, err2)
			}
		}
	})
}
