package mission

import (
	"runtime"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldReference is countryFold as it was built on a transform.Chain, the behaviour the lean
// stripMarks must keep.
func foldReference(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if r, _, err := transform.String(t, s); err == nil {
		s = r
	}
	return countryFold(s) // s has no marks left, so this fold strips nothing more
}

func TestCountryFoldMatchesChain(t *testing.T) {
	inputs := []string{"", "Guatemala", "Côte d’Ivoire", "São Tomé & Príncipe", "ÅLAND", "Curaçao",
		"Réunion", "e\u0301", "한국", "Ελλάδα", "Türkiye", "\xff\xfeab", "ǅ", "ﬁji", "Ｇｕａｔｅｍａｌａ"}
	for _, c := range countries().all {
		inputs = append(inputs, c.Name, c.NameFR, c.NameES)
	}
	for _, in := range inputs {
		if got, want := countryFold(in), foldReference(in); got != want {
			t.Errorf("countryFold(%q) = %q, want %q (the chain's)", in, got, want)
		}
	}
}

// TestCountryTableLean bounds what building the table allocates: the bot's resident memory is
// held under 30 MB, and a 31 MB burst at the first /forces used to lift it there alone.
func TestCountryTableLean(t *testing.T) {
	buildCountryTable() // x/text's own tables, loaded once, are not the table's cost
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	buildCountryTable()
	runtime.ReadMemStats(&after)
	const bound = 4 << 20
	if got := after.TotalAlloc - before.TotalAlloc; got > bound {
		t.Errorf("buildCountryTable allocated %d bytes, want at most %d", got, bound)
	}
}

func BenchmarkBuildCountryTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		buildCountryTable()
	}
}
