package locale

import (
	"strconv"
	"strings"

	"liaison/mission"
)

// numberStyle is how a language writes numbers. It is written by hand because the CLDR data in
// golang.org/x/text predates two rules the readers expect: French groups with a narrow
// no-break space (U+202F), and Spanish groups only from five digits (2500 but 12.500).
type numberStyle struct {
	group, decimal string
	minGrouping    int    // digits before a first group separator is used (CLDR minimumGroupingDigits)
	percent        string // between the number and "%"
}

var numberStyles = map[Lang]numberStyle{
	English: {group: ",", decimal: ".", minGrouping: 1, percent: " "},
	French:  {group: "\u202f", decimal: ",", minGrouping: 1, percent: "\u202f"},
	Spanish: {group: ".", decimal: ",", minGrouping: 2, percent: "\u00a0"},
}

func styleOf(l Lang) numberStyle {
	if s, ok := numberStyles[l]; ok {
		return s
	}
	return numberStyles[English]
}

// Number writes a whole number as l groups it: 2,500 (en), 2 500 (fr), 2500 and 12.500 (es).
func Number(l Lang, n int64) string {
	s := styleOf(l)
	neg := n < 0
	digits := strconv.FormatInt(n, 10)
	if neg {
		digits = digits[1:]
	}
	if len(digits) < 4+s.minGrouping-1 {
		if neg {
			return "-" + digits
		}
		return digits
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(s.group)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Figure writes a count that may be negative (a total a change would take below zero, a
// difference) as Number does, with a true minus sign (U+2212) rather than a hyphen.
func Figure(l Lang, n int64) string { return strings.Replace(Number(l, n), "-", "\u2212", 1) }

// Percent writes part of whole with one decimal, as l does: 19.3 % (en), 19,3 % (fr, es);
// "—" when whole is not positive.
func Percent(l Lang, part, whole int64) string {
	if whole <= 0 {
		return "—"
	}
	s := styleOf(l)
	tenths := (part*1000 + whole/2) / whole
	text := Number(l, tenths/10) + s.decimal + strconv.FormatInt(abs(tenths%10), 10)
	return text + s.percent + "%"
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Country is a stored alpha-2 code as readers of l know it: flag and name in l
// ("🇺🇸 États-Unis"), or the code itself when it is not a known country.
func Country(l Lang, code string) string {
	c, ok := mission.CountryByAlpha2(code)
	if !ok {
		return code
	}
	if c.Flag == "" {
		return CountryName(l, code)
	}
	return c.Flag + " " + CountryName(l, code)
}

// CountryName is a stored alpha-2 code's name in l, without its flag ("États-Unis"), or the
// code itself when it is not a known country.
func CountryName(l Lang, code string) string {
	c, ok := mission.CountryByAlpha2(code)
	if !ok {
		return code
	}
	name := c.Name
	switch l {
	case French:
		name = c.NameFR
	case Spanish:
		name = c.NameES
	}
	if name == "" {
		name = c.Name
	}
	return name
}
