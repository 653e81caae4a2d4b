package mission

import (
	"slices"
	"strconv"
	"strings"
)

// ManifestLine is one line of a flight manifest: how many personnel of one role a country has
// on the flight. Storage keeps it as is, beside the row's identity.
type ManifestLine struct {
	Country   string // alpha-2
	Personnel int
	Role      Role
	// Female is how many of the personnel are women (0..Personnel): the UN counts women's
	// participation by contingent. 0 also stands for "not reported".
	Female int
}

// String is the line as ParseManifest reads it back: "GT 75 military", or "GT 75 military 12f"
// when women are recorded.
func (l ManifestLine) String() string {
	s := l.Country + " " + strconv.Itoa(l.Personnel) + " " + string(l.Role)
	if l.Female > 0 {
		s += " " + strconv.Itoa(l.Female) + FemaleSuffix
	}
	return s
}

// FemaleSuffix marks the women's count of a manifest entry: "GT 75 military 12f".
const FemaleSuffix = "f"

// CheckFemale refuses a women's count outside 0..personnel: of 75 personnel, at most 75 are
// women. Every door (an option, a manifest entry, an imported row, storage itself) checks
// through it, so the rule and its words are the same everywhere.
func CheckFemale(personnel, female int) error {
	switch {
	case female < 0:
		return Refuse(EInvalid, "women.parse.negative", "Female", female)
	case female > personnel:
		return Refuse(EInvalid, "women.parse.range", "Female", female, "Personnel", personnel)
	}
	return nil
}

// CheckFemaleOption is CheckFemale for a record's female option, with the example that shows
// the option: the commands and storage refuse a count in the same words, and storage before
// the database's CHECK would, so that the reader gets a sentence rather than a constraint name.
func CheckFemaleOption(personnel, female int) error {
	if err := CheckFemale(personnel, female); err != nil {
		return InvalidWith(err, "women.example.female")
	}
	return nil
}

// ParseManifest parses a manifest option such as "GT 75 military 12f; SV 8 medical" or
// "Jamaïque 24 troupes et Guatemala 30 policiers". Entries are separated by ';', ',', a line
// break, or a conjunction of the lexicon ("and", "et", "y") once the entry before it has its
// count, so that "Trinidad and Tobago 50 police" stays one country. Each entry is "<country>
// <personnel> [role] [<women>f]": the country may be several words ("El Salvador 8 medical"),
// or a demonym after the role ("24 soldats jamaïcains"); the role is any of its words in the
// lexicon, in English, French or Spanish, and is left out (resolved by storage) when absent; the women's count (at
// most the personnel) defaults to 0. Empty segments are skipped, and empty or blank input is an
// empty manifest, which a scheduled flight with unreported contents needs. Personnel must be
// 1..100000 and there are at most 50 entries. A bad entry is reported by its 1-based position
// among the non-empty entries and why (`entry 2 ("XX 8"): unknown country "XX"`), and then
// nothing is returned, so that nothing partial is ever stored.
func ParseManifest(s string) ([]ManifestLine, error) {
	var raw []string
	for _, part := range splitEntries(s) {
		for _, entry := range splitConjunctions(part) {
			if entry = strings.TrimSpace(entry); entry != "" {
				raw = append(raw, entry)
			}
		}
	}
	if len(raw) > MaxManifestLines {
		return nil, Refuse(EInvalid, "parse.manifest_too_long", "N", len(raw), "Max", MaxManifestLines)
	}
	out := make([]ManifestLine, 0, len(raw))
	for i, entry := range raw {
		e, err := parseManifestLine(entry)
		if err != nil {
			return nil, Refuse(EInvalid, "parse.manifest_entry", "Entry", i+1, "Input", inputQuote(entry), "Reason", TextOf(err))
		}
		out = append(out, e)
	}
	return out, nil
}

// splitEntries cuts a manifest at each ';', line break and ',' but a comma that groups the
// digits of a count ("GT 1,000; SV 8" is two entries, of 1000 and 8).
func splitEntries(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ';' || c == '\n' || (c == ',' && !isGroupingComma(s, i)) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// splitConjunctions cuts a segment at each conjunction of the lexicon that follows an entry's
// count: "GT 75 troops and SV 8 medics" is two entries, "Trinidad and Tobago 50" one, since
// no country's name holds a number.
func splitConjunctions(part string) []string {
	f := strings.Fields(part)
	var out []string
	start, counted := 0, false
	for i, tok := range f {
		if counted && i > start {
			if _, ok := LookupWord(tok, WordAnd); ok {
				out = append(out, strings.Join(f[start:i], " "))
				start, counted = i+1, false
				continue
			}
		}
		if looksLikeCount(tok) {
			counted = true
		}
	}
	return append(out, strings.Join(f[start:], " "))
}

// parseManifestLine parses one "<country> <personnel> [role] [<women>f]" entry, or
// "<personnel> <role> <demonym>".
func parseManifestLine(entry string) (ManifestLine, error) {
	f := strings.Fields(entry)
	female, hasFemale := "", false
	if last := f[len(f)-1]; len(f) > 1 && len(last) > 1 && strings.EqualFold(last[len(last)-1:], FemaleSuffix) && looksLikeCount(last[:len(last)-1]) {
		female, hasFemale, f = last[:len(last)-1], true, f[:len(f)-1]
	}
	k := slices.IndexFunc(f, looksLikeCount)
	if k < 0 {
		return ManifestLine{}, Refuse(EInvalid, "parse.manifest_shape")
	}
	// A count written with spaces ("1 000", or a narrow no-break space as French writes it)
	// comes as several fields: its groups of three digits are read back together.
	end := k + 1
	for end < len(f) && isDigitGroup(f[end]) && isLeadingGroup(f[k]) {
		end++
	}
	count, words := strings.Join(f[k:end], " "), f[end:]
	var code string
	if k == 0 {
		// No country before the count: a demonym after the role names it ("24 soldats
		// jamaïcains", "75 guatemaltecos").
		for j := len(words) - 1; j >= 0 && code == ""; j-- {
			if c, ok := LookupDemonym(strings.Join(words[j:], " ")); ok {
				code, words = c, words[:j]
			}
		}
		if code == "" {
			return ManifestLine{}, Refuse(EInvalid, "parse.manifest_no_country")
		}
	} else {
		c, err := LookupCountry(strings.Join(f[:k], " "))
		if err != nil {
			return ManifestLine{}, err
		}
		code = c.Alpha2
	}
	p, ok := ParseCount(count)
	if !ok || p < MinPersonnel || p > MaxPersonnel {
		return ManifestLine{}, Refuse(EInvalid, "parse.personnel",
			"Min", MinPersonnel, "Max", Figure(MaxPersonnel), "Input", inputQuote(count))
	}
	r, err := ParseRole(strings.Join(words, " "))
	if err != nil {
		return ManifestLine{}, err
	}
	w := 0
	if hasFemale {
		if w, ok = ParseCount(female); !ok || w < 0 || w > MaxPersonnel {
			return ManifestLine{}, Refuse(EInvalid, "women.parse.female", "Input", inputQuote(female+FemaleSuffix))
		}
	}
	if err := CheckFemale(p, w); err != nil {
		return ManifestLine{}, err
	}
	return ManifestLine{Country: code, Personnel: p, Role: r, Female: w}, nil
}

// FormatManifest renders entries compactly for lists and autocomplete labels
// ("GT 75, SV 8"), leaving roles out to save space; "empty" for none.
func FormatManifest(entries []ManifestLine) string {
	if len(entries) == 0 {
		return "empty"
	}
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.Country + " " + strconv.Itoa(e.Personnel)
	}
	return strings.Join(parts, ", ")
}
