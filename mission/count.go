package mission

import (
	"strconv"
	"strings"
	"unicode"
)

// groupSeparators are the marks people put between groups of three digits: a comma (English),
// a full stop (Spanish, much of Latin America), a space, a no-break or narrow no-break space
// (French), an apostrophe (Swiss).
const groupSeparators = ",. \u00a0\u202f'’"

// ParseCount reads a count of people as people type it: "1000", "1,000", "1.000", "1 000"
// (with a plain, no-break or narrow no-break space) are all one thousand. A separator counts
// only between groups of exactly three digits after a first group of one to three, and one
// number uses one kind of separator, so "1,5", "10,00" and "1.000,5" are not counts (a count of
// people has no fraction). A leading sign is kept, so that "-5" is refused as out of range
// rather than as a malformed count. It is the one reading of a count written as text: manifest
// entries, imported rows and reported figures all go through it.
func ParseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	sign := ""
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		sign, s = s[:1], s[1:]
	}
	var sep rune
	var digits strings.Builder
	group := 0 // digits since the last separator
	first := true
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
			group++
		case strings.ContainsRune(groupSeparators, r):
			if (sep != 0 && r != sep) || group == 0 || (first && group > 3) || (!first && group != 3) {
				return 0, false
			}
			sep, group, first = r, 0, false
		default:
			return 0, false
		}
	}
	if group == 0 || (!first && group != 3) {
		return 0, false
	}
	n, err := strconv.Atoi(sign + digits.String())
	if err != nil {
		return 0, false
	}
	return n, true
}

// looksLikeCount reports whether tok is meant as a count: a digit, after an optional sign,
// then digits and group separators only. ParseCount then decides whether it is one.
func looksLikeCount(tok string) bool {
	tok = strings.TrimPrefix(strings.TrimPrefix(tok, "-"), "+")
	if tok == "" || tok[0] < '0' || tok[0] > '9' {
		return false
	}
	return strings.IndexFunc(tok, func(r rune) bool { return !unicode.IsDigit(r) && !strings.ContainsRune(groupSeparators, r) }) < 0
}

// isDigitGroup reports whether tok is exactly three ASCII digits: the rest of a count written
// with spaces ("1 000").
func isDigitGroup(tok string) bool {
	return len(tok) == 3 && strings.IndexFunc(tok, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// isLeadingGroup reports whether tok can begin a count written with spaces: one to three ASCII
// digits.
func isLeadingGroup(tok string) bool {
	return len(tok) >= 1 && len(tok) <= 3 && strings.IndexFunc(tok, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// isGroupingComma reports whether the comma at s[i] groups digits rather than separates
// manifest entries: it follows a digit and comes before exactly three digits and then anything
// but a digit ("GT 1,000; SV 8", but not "GT 75,SV 8" or "GT 1,5").
func isGroupingComma(s string, i int) bool {
	if i == 0 || !isASCIIDigit(s[i-1]) || i+4 > len(s) {
		return false
	}
	for j := i + 1; j < i+4; j++ {
		if !isASCIIDigit(s[j]) {
			return false
		}
	}
	return i+4 == len(s) || !isASCIIDigit(s[i+4])
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }
