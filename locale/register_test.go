package locale

import (
	"regexp"
	"sort"
	"testing"
)

// Words of the familiar register ("tú") a Spanish message would use where Liaison writes
// "usted" (GLOSSARY.md). The second-person forms and possessives are "tú" wherever they stand;
// an imperative such as "usa" or "escribe" is also a third person's verb ("se usa", "la
// auditoría registra"), so it counts only where an instruction begins: at the start of the
// message or of a clause.
var (
	tuAnywhere = regexp.MustCompile(`(?i)(^|[^\p{L}])(puedes|tienes|quieres|debes|necesitas|tu|tus|te|ti|contigo)([^\p{L}]|$)`)
	tuCommand  = regexp.MustCompile(`(?i)(^|[.;:—]\s*|,\s+o\s+|\s+y\s+)(usa|escribe|prueba|elige|pide|revisa|vuelve|sube|adjunta|comprueba|` +
		`intenta|pulsa|introduce|selecciona|busca|indica|omite|deja|programa|registra|divide|ejecuta|pega|espera|consulta|utiliza|define|envía|añade|corrige)([^\p{L}]|$)`)
	codeSpan = regexp.MustCompile("`[^`]*`")
)

// TestSpanishSaysUsted: every Spanish message speaks to the reader as "usted": "use",
// "escriba", "pruebe", "puede", "su", never "usa", "escribe", "prueba", "puedes", "tu".
func TestSpanishSaysUsted(t *testing.T) {
	cat := readCatalog(t, Spanish)
	ids := make([]string, 0, len(cat))
	for id := range cat {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for form, text := range cat[id] {
			plain := codeSpan.ReplaceAllString(text, "código") // typed as it is; a word still, so that "y `?` indica" stays a third person
			for _, re := range []*regexp.Regexp{tuAnywhere, tuCommand} {
				if m := re.FindStringSubmatch(plain); m != nil {
					t.Errorf("es %s (%s) says %q, the familiar register: %s", id, form, m[2], text)
				}
			}
		}
	}
}

// TestTuFormsAreFound: the check finds the familiar register where it is, and not in a third
// person's verb.
func TestTuFormsAreFound(t *testing.T) {
	for _, s := range []string{"usa /help", "Escribe el valor", "prueba con `x`", "puedes verlo", "elija uno; tu rol", "ver /x, o busca con /y"} {
		if !tuAnywhere.MatchString(s) && !tuCommand.MatchString(s) {
			t.Errorf("%q: no familiar register found", s)
		}
	}
	for _, s := range []string{"Este comando se usa en un servidor", "la auditoría registra cambios", "Use el comando", "el enlace deja de funcionar"} {
		if tuAnywhere.MatchString(s) || tuCommand.MatchString(s) {
			t.Errorf("%q: familiar register found in usted or third person", s)
		}
	}
}
