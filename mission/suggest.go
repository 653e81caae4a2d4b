package mission

import (
	"cmp"
	"slices"
	"strings"
)

// CountrySuggestions are the countries an unknown name may have meant, as alpha-2 codes, closest
// first: a message variable the reader sees as the countries' names in their language with
// their codes ("Guatemala (GT)").
type CountrySuggestions []string

// maxSuggestions is how many countries a refusal offers: more is a list to read, not a hint.
const maxSuggestions = 3

// suggestCountries returns the countries whose English, French or Spanish name (or an alias)
// is within a few typing mistakes of folded, or begins with its words, the input as countryFold folds it: the closest
// first, then by English name, at most maxSuggestions; none when nothing is that close. An
// input of three letters or fewer is taken as a mistyped code, which would be near too many
// countries to help, and gets none.
func suggestCountries(folded string) CountrySuggestions {
	n := len([]rune(folded))
	if n <= 3 {
		return nil
	}
	// A mistake per four letters, at most three: "Guatamala" is one from "guatemala", while
	// "Atlantis" is far from every country.
	limit := min(3, max(1, n/4))
	t := countries()
	type near struct{ i, d int }
	var found []near
	for i, keys := range t.keys {
		best := limit + 1
		for _, k := range keys {
			best = min(best, EditDistance(folded, k, best))
			if strings.HasPrefix(k, folded+" ") {
				// The first words of a longer name ("Congo" of "Congo - Kinshasa") are as
				// near as the furthest mistake allowed.
				best = min(best, limit)
			}
		}
		if best <= limit {
			found = append(found, near{i, best})
		}
	}
	// t.all is sorted by English name, so a stable sort by distance keeps that order within
	// a distance.
	slices.SortStableFunc(found, func(a, b near) int { return cmp.Compare(a.d, b.d) })
	var out CountrySuggestions
	for _, f := range found[:min(len(found), maxSuggestions)] {
		out = append(out, t.all[f.i].Alpha2)
	}
	return out
}

// EditDistance is the number of typing mistakes between a and b in runes: a letter left out,
// added, changed, or two letters swapped ("Frnace"), each one (optimal string alignment). Once
// it is certain to exceed bound, it returns bound+1: the search needs only the near names.
// Country suggestions and /help's closest commands both measure with it.
func EditDistance(a, b string, bound int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > bound || -d > bound {
		return bound + 1
	}
	before := make([]int, len(rb)+1) // row i-2, for a swap
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], before[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > bound {
			return bound + 1
		}
		before, prev, cur = prev, cur, before
	}
	return prev[len(rb)]
}
