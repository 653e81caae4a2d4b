package mission

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// CountryCode is a stored alpha-2 code as a message variable: the reader sees the country's
// flag and name in their language.
type CountryCode string

// Country is an ISO 3166-1 country. Only Alpha2 is stored in the database; the
// other fields exist so that users can type and read countries the way they
// know them.
type Country struct {
	Alpha2 string // "GT" — what is stored
	Alpha3 string // "GTM"
	Name   string // English short name, "Guatemala"
	NameFR string
	NameES string
	Flag   string // regional-indicator emoji "🇬🇹"
}

// Label returns the flag and English name ("🇬🇹 Guatemala"), the form every
// reply uses so that readers recognise a country at a glance.
func (c Country) Label() string {
	if c.Flag == "" {
		return c.Name
	}
	return c.Flag + " " + c.Name
}

// countryAliases are common English (and a few local) names that CLDR does not
// list. They are looked up after the CLDR English names and before the French
// and Spanish ones. Keys are already folded with countryFold.
var countryAliases = map[string]string{
	"uk":            "GB",
	"great britain": "GB",
	"britain":       "GB",
	"united kingdom of great britain and northern ireland": "GB",
	"united states of america":                             "US",
	"eeuu":                                                 "US",
	"ee uu":                                                "US",
	"uae":                                                  "AE",
	"ivory coast":                                          "CI",
	"czech republic":                                       "CZ",
	"drc":                                                  "CD",
	"dr congo":                                             "CD",
	"democratic republic of the congo":                     "CD",
	"democratic republic of congo":                         "CD",
	"republic of the congo":                                "CG",
	"republic of congo":                                    "CG",
	"north macedonia":                                      "MK",
	"eswatini":                                             "SZ",
	"turkiye":                                              "TR",
	"east timor":                                           "TL",
	"cabo verde":                                           "CV",
	"korea":                                                "KR",
	"republic of korea":                                    "KR",
	"russian federation":                                   "RU",
	"vatican":                                              "VA",
	"holy see":                                             "VA",
	"holland":                                              "NL",
	"hong kong":                                            "HK",
	"macau":                                                "MO",
	"macao":                                                "MO",
	"palestine":                                            "PS",
	"state of palestine":                                   "PS",
	"federated states of micronesia":                       "FM",
	"viet nam":                                             "VN",
	"lao pdr":                                              "LA",
	"syrian arab republic":                                 "SY",
	"bosnia":                                               "BA",
	"kyrgyz republic":                                      "KG",
	"falklands":                                            "FK",
	"ayiti":                                                "HT", // Haitian Creole
}

// countryTable is the immutable lookup structure built once from x/text.
type countryTable struct {
	all    []Country      // sorted by folded English name
	byCode map[string]int // "GT", "GTM" -> index in all
	byName map[string]int // folded name or alias -> index in all
	keys   [][]string     // per country: folded names and aliases, for search
	codes  [][2]string    // per country: lower-case alpha-2 and alpha-3
}

var (
	countryTableOnce  sync.Once
	countryTableValue *countryTable
)

// countries returns the country table, building it on first use.
func countries() *countryTable {
	countryTableOnce.Do(func() { countryTableValue = buildCountryTable() })
	return countryTableValue
}

// buildCountryTable derives ISO 3166-1 from x/text rather than from a typed
// list, so names and codes follow CLDR when the dependency is upgraded.
func buildCountryTable() *countryTable {
	en := display.Regions(language.English)
	fr := display.Regions(language.French)
	es := display.Regions(language.Spanish)
	var all []Country
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code {
				continue
			}
			// IsCountry alone also admits deprecated codes (SU, YU, "UK"),
			// user-assigned ones (XK) and exceptional reservations (AC, DG, EA,
			// UN...). ISO 3166-1 proper is what is canonical, not private use,
			// has a UN M49 number and an alpha-3, and still has a CLDR name.
			if !r.IsCountry() || r.IsPrivateUse() || r.Canonicalize() != r || r.M49() == 0 {
				continue
			}
			a3 := r.ISO3()
			name := en.Name(r)
			if len(a3) != 3 || a3 == "ZZZ" || name == "" {
				continue
			}
			all = append(all, Country{
				Alpha2: code,
				Alpha3: a3,
				Name:   name,
				NameFR: fr.Name(r),
				NameES: es.Name(r),
				Flag:   string([]rune{0x1F1E6 + a - 'A', 0x1F1E6 + b - 'A'}),
			})
		}
	}
	// Fold each name once, not twice per comparison: the sort compares O(n log n) pairs.
	folded := make(map[string]string, len(all))
	for _, c := range all {
		folded[c.Alpha2] = countryFold(c.Name)
	}
	sort.SliceStable(all, func(i, j int) bool {
		return folded[all[i].Alpha2] < folded[all[j].Alpha2]
	})

	t := &countryTable{
		all:    all,
		byCode: make(map[string]int, 2*len(all)),
		byName: make(map[string]int, 6*len(all)),
		keys:   make([][]string, len(all)),
		codes:  make([][2]string, len(all)),
	}
	index := make(map[string]int, len(all))
	for i, c := range all {
		t.byCode[c.Alpha2] = i
		t.byCode[c.Alpha3] = i
		t.codes[i] = [2]string{strings.ToLower(c.Alpha2), strings.ToLower(c.Alpha3)}
		index[c.Alpha2] = i
	}
	// add records a name for country i; the first writer of a key wins, so the
	// insertion order below decides conflicts (English first).
	add := func(i int, name string) {
		k := countryFold(name)
		if k == "" {
			return
		}
		if _, taken := t.byName[k]; !taken {
			t.byName[k] = i
		}
		for _, have := range t.keys[i] {
			if have == k {
				return
			}
		}
		t.keys[i] = append(t.keys[i], k)
	}
	for i, c := range all {
		add(i, c.Name)
	}
	aliases := make([]string, 0, len(countryAliases))
	for k := range countryAliases {
		aliases = append(aliases, k)
	}
	sort.Strings(aliases) // deterministic keys order
	for _, k := range aliases {
		if i, ok := index[countryAliases[k]]; ok {
			add(i, k)
		}
	}
	for i, c := range all {
		for _, v := range countryVariants(c.Name) {
			add(i, v)
		}
	}
	for i, c := range all {
		add(i, c.NameFR)
		for _, v := range countryVariants(c.NameFR) {
			add(i, v)
		}
	}
	for i, c := range all {
		add(i, c.NameES)
		for _, v := range countryVariants(c.NameES) {
			add(i, v)
		}
	}
	return t
}

// countryVariants returns other spellings users type for a CLDR name:
// "Myanmar (Burma)" -> "Myanmar", "Burma"; "St. Lucia" -> "Saint Lucia".
func countryVariants(name string) []string {
	var out []string
	if open := strings.Index(name, "("); open > 0 {
		if end := strings.Index(name[open:], ")"); end > 0 {
			out = append(out, strings.TrimSpace(name[:open]), name[open+1:open+end])
		}
	}
	if rest, ok := strings.CutPrefix(name, "St. "); ok {
		out = append(out, "Saint "+rest)
	}
	return out
}

// countryFold reduces a name to the key used for matching: accents removed,
// lower case, "&" read as "and", dots and apostrophes dropped ("U.S." = "US",
// "Côte d’Ivoire" = "cote divoire"), any other punctuation a single space.
func countryFold(s string) string {
	s = stripMarks(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	word := func(w string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(w)
	}
	for _, c := range s {
		switch {
		case c == '.' || c == '\'' || c == '’' || c == 'ʼ' || c == '`':
			// dropped: "U.S." and "Côte d'Ivoire" fold the same whatever the typing
		case c == '&':
			space = true
			word("and")
			space = true
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			word(string(unicode.ToLower(c)))
		default:
			space = true
		}
	}
	return b.String()
}

// stripMarks removes accents: NFD, drop nonspacing marks, NFC. ASCII, which is what most
// names and most typing are, has none and is returned as it is. The steps run one after the
// other rather than as a transform.Chain, which allocates two 4 KB buffers per call: folding
// every name of the table that way allocated about 31 MB while the table was built.
func stripMarks(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := norm.NFD.String(s)
	b := make([]byte, 0, len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b = utf8.AppendRune(b, r)
		}
	}
	return norm.NFC.String(string(b))
}

// LookupCountry resolves what a user typed in a country option: alpha-2,
// alpha-3, or the English, French or Spanish name, case- and
// accent-insensitive, plus common aliases ("USA", "UK", "Ivory Coast").
// Unknown input is an error rather than a new country, so typos never create
// rows; the error names the closest countries, if any is near ("Guatamala": Guatemala).
func LookupCountry(s string) (Country, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Country{}, Refuse(EInvalid, "parse.country_missing")
	}
	t := countries()
	if len(in) <= 3 {
		if i, ok := t.byCode[strings.ToUpper(in)]; ok {
			return t.all[i], nil
		}
	}
	k := countryFold(in)
	if i, ok := t.byName[k]; ok {
		return t.all[i], nil
	}
	// "U.S." and "U.S.A." fold to codes once the dots are gone.
	if code := strings.ReplaceAll(k, " ", ""); len(code) <= 3 {
		if i, ok := t.byCode[strings.ToUpper(code)]; ok {
			return t.all[i], nil
		}
	}
	if rest, ok := strings.CutPrefix(k, "the "); ok {
		if i, ok := t.byName[rest]; ok {
			return t.all[i], nil
		}
	}
	if near := suggestCountries(k); len(near) > 0 {
		return Country{}, Refuse(EInvalid, "parse.country_suggest", "Input", inputQuote(in), "Suggestions", near)
	}
	return Country{}, Refuse(EInvalid, "parse.country_unknown", "Input", inputQuote(in))
}

// CountryByAlpha2 returns the country for a stored code, so that rows read
// back from the database can be displayed with flag and name.
func CountryByAlpha2(code string) (Country, bool) {
	if len(code) != 2 {
		return Country{}, false
	}
	t := countries()
	i, ok := t.byCode[strings.ToUpper(code)]
	if !ok {
		return Country{}, false
	}
	return t.all[i], true
}

// CountryName returns "🇬🇹 Guatemala" for a stored alpha-2, or the code itself
// if unknown, so that rendering never fails on an unexpected stored value.
func CountryName(code string) string {
	if c, ok := CountryByAlpha2(code); ok {
		return c.Label()
	}
	return code
}

// SearchCountries serves the country option's autocomplete: countries whose
// code or a name (EN/FR/ES, accent-insensitive) equals or starts with q come
// first, then those whose name contains q, each group by English name. An
// empty q returns the first limit countries by English name. It returns at most
// limit results (Discord allows 25 choices).
func SearchCountries(q string, limit int) []Country {
	if limit <= 0 {
		return nil
	}
	t := countries()
	k := countryFold(q)
	if k == "" {
		n := min(limit, len(t.all))
		return append([]Country(nil), t.all[:n]...)
	}
	alt := ""
	if rest, ok := strings.CutPrefix(k, "the "); ok {
		alt = rest
	}
	const (
		exact = iota
		prefix
		contains
		none
	)
	var groups [none][]Country
	for i, c := range t.all {
		rank := none
		for _, code := range t.codes[i] {
			if code == k {
				rank = min(rank, exact)
			} else if strings.HasPrefix(code, k) {
				rank = min(rank, prefix)
			}
		}
		for _, key := range t.keys[i] {
			for _, want := range []string{k, alt} {
				switch {
				case want == "":
				case key == want:
					rank = min(rank, exact)
				case strings.HasPrefix(key, want):
					rank = min(rank, prefix)
				case strings.Contains(key, want):
					rank = min(rank, contains)
				}
			}
		}
		if rank < none {
			groups[rank] = append(groups[rank], c)
		}
	}
	var out []Country
	for _, g := range groups {
		for _, c := range g {
			if len(out) == limit {
				return out
			}
			out = append(out, c)
		}
	}
	return out
}
