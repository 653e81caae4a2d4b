package draft

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// corpusCase is one text of testdata/corpus.txt with the records a careful person drafts.
type corpusCase struct {
	lang, text string
	want       []string
}

func readCorpus(t testing.TB) []corpusCase { return readCases(t, "testdata/corpus.txt") }

func readCases(t testing.TB, path string) []corpusCase {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	var cur *corpusCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "@ "):
			out = append(out, corpusCase{lang: strings.TrimSpace(line[2:])})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "> ") && cur != nil:
			cur.text = strings.TrimSpace(cur.text + " " + line[2:])
		case strings.HasPrefix(line, "= ") && cur != nil:
			cur.want = append(cur.want, strings.Join(strings.Fields(line[2:]), " "))
		}
	}
	return out
}

// score counts, per language and kind, the records drafted, expected and both.
type score struct{ drafted, expected, matched int }

func (s score) precision() float64 {
	if s.drafted == 0 {
		return 1
	}
	return float64(s.matched) / float64(s.drafted)
}

func (s score) recall() float64 {
	if s.expected == 0 {
		return 1
	}
	return float64(s.matched) / float64(s.expected)
}

// TestCorpus drafts every text of the corpus and measures precision (how many drafted records
// a careful person would draft too) and recall (how many of theirs were drafted), per language
// and kind. A record matches when its kind, country, count, women, role, figure, qualifier,
// manifest and date all agree. Run with -v to see the table:
//
//	go test ./draft -run TestCorpus -v
//
// The cases of corpus.txt were written with the rules and must each draft exactly; those of
// holdout.txt were written after them and are only measured (TestHoldout).
func TestCorpus(t *testing.T) {
	scores := measure(t, readCorpus(t), true)
	for _, lang := range []string{"en", "fr", "es"} {
		s := scores[lang+" all"]
		if s == nil {
			t.Fatalf("no %s cases in the corpus", lang)
		}
		if s.precision() < 0.9 || s.recall() < 0.8 {
			t.Errorf("%s: precision %.2f, recall %.2f; want at least 0.90 and 0.80", lang, s.precision(), s.recall())
		}
	}
}

// TestWire measures the drafter on testdata/wire.txt, report sentences written to measure it
// rather than alongside its rules: each language must keep precision 0.90 and recall 0.80, and
// what it drafts wrongly or misses is listed with -v:
//
//	go test ./draft -run TestWire -v
func TestWire(t *testing.T) {
	cases := readCases(t, "testdata/wire.txt")
	scores := measure(t, cases, false)
	for _, lang := range []string{"en", "fr", "es"} {
		if n := len(slices.DeleteFunc(slices.Clone(cases), func(c corpusCase) bool { return c.lang != lang })); n < 40 {
			t.Fatalf("wire.txt has %d %s sentences, want at least 40", n, lang)
		}
		s := scores[lang+" all"]
		if s.precision() < 0.9 || s.recall() < 0.8 {
			t.Errorf("%s: precision %.2f, recall %.2f; want at least 0.90 and 0.80", lang, s.precision(), s.recall())
		}
	}
}

// TestHoldout measures the drafter on sentences it was not built from; it fails only when
// precision falls under 0.75, so that a regression shows, and prints the table with -v:
//
//	go test ./draft -run TestHoldout -v
func TestHoldout(t *testing.T) {
	scores := measure(t, readCases(t, "testdata/holdout.txt"), false)
	if s := scores["all all"]; s.precision() < 0.75 {
		t.Errorf("holdout precision %.2f, want at least 0.75", s.precision())
	}
}

// measure drafts every case and returns the scores by "language kind" ("all" for either);
// strict makes every difference an error.
func measure(t *testing.T, cases []corpusCase, strict bool) map[string]*score {
	pub := day(2025, 1, 3).Add(15 * time.Hour)
	report := t.Logf
	if strict {
		report = t.Errorf
	}
	scores := map[string]*score{}
	add := func(lang, kind string, drafted, expected, matched int) {
		for _, k := range []string{lang + " " + kind, lang + " all", "all " + kind, "all all"} {
			s := scores[k]
			if s == nil {
				s = &score{}
				scores[k] = s
			}
			s.drafted += drafted
			s.expected += expected
			s.matched += matched
		}
	}
	for _, c := range cases {
		var got []string
		for _, r := range Draft(c.text, Options{Published: pub}) {
			got = append(got, brief(r))
		}
		want := slices.Clone(c.want)
		for _, g := range got {
			kind, _, _ := strings.Cut(g, " ")
			if i := slices.Index(want, g); i >= 0 {
				want = slices.Delete(want, i, i+1)
				add(c.lang, kind, 1, 1, 1)
				continue
			}
			add(c.lang, kind, 1, 0, 0)
			report("%s: drafted %q, not expected, from %q", c.lang, g, c.text)
		}
		for _, w := range want {
			kind, _, _ := strings.Cut(w, " ")
			add(c.lang, kind, 0, 1, 0)
			report("%s: missed %q from %q", c.lang, w, c.text)
		}
	}
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %8s %8s %8s %9s %6s\n", "language kind", "drafted", "expected", "matched", "precision", "recall")
	for _, k := range keys {
		s := scores[k]
		fmt.Fprintf(&b, "%-16s %8d %8d %8d %9.2f %6.2f\n", k, s.drafted, s.expected, s.matched, s.precision(), s.recall())
	}
	t.Log("\n" + b.String())
	return scores
}
