package draft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is what a token is made of.
type tokKind uint8

const (
	tokWord    tokKind = iota
	tokNumber          // digits, grouped or not: 75, 2,500, 2 500, 2.500
	tokDecimal         // 2.5, 1,25: never a count of people
	tokClock           // 14:00, 9h30: a time of day
	tokPunct
)

// token is one word, number or mark of a report, with where it stands in the text.
type token struct {
	kind       tokKind
	fold       string // lower case, accents removed: what the lexicon matches
	num        int64  // a tokNumber's value; -1 when it is too long to be a count
	start, end int    // byte offsets in the text
	newline    bool   // a line break comes before it
}

// maxDigits bounds the numbers read as counts: longer runs of digits (a 40-digit number in
// hostile text, a phone number) are tokens of their own and never a figure.
const maxDigits = 9

// tokenize cuts text into tokens. It reads every byte once; invalid UTF-8 and control
// characters are spaces.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5)
	nl := false
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			nl = true
			i += n
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError:
			i += n
		case r >= '0' && r <= '9': // other scripts' digits are marks: counts are read in ASCII digits
			t, end := readNumber(text, i)
			t.newline, nl = nl, false
			toks = append(toks, t)
			i = end
		case unicode.IsLetter(r):
			end := readWord(text, i)
			toks = append(toks, token{kind: tokWord, fold: fold(text[i:end]), start: i, end: end, newline: nl})
			nl = false
			i = end
		default:
			if r == '\'' || r == '’' || unicode.Is(unicode.Mn, r) {
				i += n
				continue
			}
			toks = append(toks, token{kind: tokPunct, fold: text[i : i+n], start: i, end: i + n, newline: nl})
			nl = false
			i += n
		}
	}
	return toks
}

// readWord reads letters, and a hyphen or a dot between letters ("seventy-five",
// "Port-au-Prince", "U.S."). An apostrophe ends the word: French elisions ("d'Haïti",
// "n'ont") become two words, and so does English "didn't".
func readWord(text string, i int) int {
	end := i
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			end += n
			continue
		}
		if r == '-' || r == '.' {
			next, _ := utf8.DecodeRuneInString(text[end+n:])
			if unicode.IsLetter(next) && (r == '-' || isInitials(text[i:end])) {
				end += n
				continue
			}
			// "U.S." keeps its final dot.
			if r == '.' && isInitials(text[i:end]) && strings.Contains(text[i:end], ".") {
				end += n
			}
		}
		break
	}
	return end
}

// isInitials reports whether w is single letters joined by dots ("U", "U.S").
func isInitials(w string) bool {
	letters := 0
	for _, part := range strings.Split(w, ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
		letters++
	}
	return letters > 0
}

// readNumber reads digits with their grouping (",", ".", a space or a narrow no-break space
// before exactly three digits), a decimal part, or a time of day ("14:00", "9h30").
func readNumber(text string, i int) (token, int) {
	end := i
	digits := 0
	var v int64
	add := func(c byte) {
		digits++
		if digits <= maxDigits {
			v = v*10 + int64(c-'0')
		}
	}
	for end < len(text) && isDigit(text[end]) {
		add(text[end])
		end++
	}
	t := token{kind: tokNumber, start: i}
	first := digits
	for end < len(text) {
		sep, n := utf8.DecodeRuneInString(text[end:])
		switch sep {
		case ',', '.', ' ', '\u00a0', '\u202f', '\'':
		case ':', 'h', 'H':
			// 14:00, 9h30, 9h: a clock, not a count.
			j := end + n
			k := j
			for k < len(text) && isDigit(text[k]) {
				k++
			}
			if first <= 2 && (k-j == 2 || ((sep == 'h' || sep == 'H') && k == j && !letterAt(text, j))) {
				return token{kind: tokClock, fold: text[i:k], start: i, end: k}, k
			}
			sep = 0
		default:
			sep = 0
		}
		if sep == 0 {
			break
		}
		j := end + n
		k := j
		for k < len(text) && isDigit(text[k]) {
			k++
		}
		// A group is exactly three digits after a first group of one to three.
		if k-j == 3 && first <= 3 && (k >= len(text) || !isDigit(text[k])) {
			for _, c := range []byte(text[j:k]) {
				add(c)
			}
			end = k
			continue
		}
		if (sep == ',' || sep == '.') && k > j && digits == first {
			// 2.5, 1,25: a decimal.
			t.kind = tokDecimal
			end = k
		}
		break
	}
	// A number run into letters ("20-year", "3rd", "100m") is not a count.
	if letterAt(text, end) {
		t.kind = tokDecimal
	}
	if digits > maxDigits {
		v = -1
	}
	t.num, t.end, t.fold = v, end, text[i:end]
	return t, end
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func letterAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}

// fold is a word as the lexicon holds it: lower case, accents removed, "’" and "'" dropped.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := unaccent[r]; ok {
			b.WriteString(base)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unaccent are the accented letters of English, French and Spanish text and their base.
var unaccent = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'œ': "oe", 'æ': "ae", 'ø': "o", 'ß': "ss",
}

// foldPhrase folds every word of a lexicon phrase and joins them with one space, the way
// tokenize would cut the same words in a text.
func foldPhrase(p string) string {
	toks := tokenize(p)
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		parts = append(parts, t.fold)
	}
	return strings.Join(parts, " ")
}
