package mission

import (
	"strconv"
	"strings"
)

// ManifestLine is one line of a flight manifest: how many personnel of one role a country has
// on the flight. Storage keeps it as is, beside the row's identity.
type ManifestLine struct {
	Country   string // alpha-2
	Personnel int
	Role      Role
}

// String is the line as ParseManifest reads it back: "GT 75 military".
func (l ManifestLine) String() string {
	return l.Country + " " + strconv.Itoa(l.Personnel) + " " + string(l.Role)
}

// ParseManifest parses a manifest option such as "GT 75 military; SV 8
// medical". Entries are separated by ';' or ','; each is "<country>
// <personnel> [role]", where the country may be several words ("El Salvador
// 8 medical") and the role defaults to DefaultRole. Empty segments are
// skipped, and empty or blank input is an empty manifest, which a scheduled
// flight with unreported contents needs. Personnel must be 1..100000 and there
// are at most 50 entries. A bad entry is reported by its 1-based position among
// the non-empty entries and why (`entry 2 ("XX 8"): unknown country "XX"`),
// and then nothing is returned, so that nothing partial is ever stored.
func ParseManifest(s string) ([]ManifestLine, error) {
	var raw []string
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if part = strings.TrimSpace(part); part != "" {
			raw = append(raw, part)
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

// parseManifestLine parses one "<country> <personnel> [role]" entry.
func parseManifestLine(entry string) (ManifestLine, error) {
	f := strings.Fields(entry)
	n := len(f)
	var country []string
	var count, role string
	switch {
	case manifestLooksNumeric(f[n-1]):
		country, count = f[:n-1], f[n-1]
	case n >= 2 && manifestLooksNumeric(f[n-2]):
		country, count, role = f[:n-2], f[n-2], f[n-1]
	default:
		return ManifestLine{}, Refuse(EInvalid, "parse.manifest_shape")
	}
	if len(country) == 0 {
		return ManifestLine{}, Refuse(EInvalid, "parse.manifest_no_country")
	}
	c, err := LookupCountry(strings.Join(country, " "))
	if err != nil {
		return ManifestLine{}, err
	}
	p, err := strconv.Atoi(count)
	if err != nil || p < MinPersonnel || p > MaxPersonnel {
		return ManifestLine{}, Refuse(EInvalid, "parse.personnel",
			"Min", MinPersonnel, "Max", MaxPersonnel, "Input", inputQuote(count))
	}
	r, err := ParseRole(role)
	if err != nil {
		return ManifestLine{}, err
	}
	return ManifestLine{Country: c.Alpha2, Personnel: p, Role: r}, nil
}

// manifestLooksNumeric reports whether a token is meant as a personnel count:
// digits with an optional sign, so "-5" is reported as out of range rather
// than as a malformed entry.
func manifestLooksNumeric(tok string) bool {
	tok = strings.TrimPrefix(strings.TrimPrefix(tok, "-"), "+")
	if tok == "" {
		return false
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
