package mission

import (
	"strconv"
	"strings"
	"time"
)

// zoneAbbrev is what a time zone abbreviation typed after a time means: its offsets east of
// UTC in seconds, one when unambiguous, and an IANA zone that uses each, to show the choices.
// The list is the abbreviations in current use around the mission's contributors and the
// capitals officers report to; an abbreviation not listed is not understood rather than
// guessed.
type zoneAbbrev struct {
	offsets []int
	zones   []string
}

const hour = 3600

var zoneAbbrevs = map[string]zoneAbbrev{
	"EAT":  {[]int{3 * hour}, []string{"Africa/Nairobi"}},
	"CAT":  {[]int{2 * hour}, []string{"Africa/Maputo"}},
	"WAT":  {[]int{1 * hour}, []string{"Africa/Lagos"}},
	"SAST": {[]int{2 * hour}, []string{"Africa/Johannesburg"}},
	"CET":  {[]int{1 * hour}, []string{"Europe/Paris"}},
	"CEST": {[]int{2 * hour}, []string{"Europe/Paris"}},
	"EET":  {[]int{2 * hour}, []string{"Europe/Athens"}},
	"EEST": {[]int{3 * hour}, []string{"Europe/Athens"}},
	"WET":  {[]int{0}, []string{"Europe/Lisbon"}},
	"WEST": {[]int{1 * hour}, []string{"Europe/Lisbon"}},
	"MSK":  {[]int{3 * hour}, []string{"Europe/Moscow"}},
	"EST":  {[]int{-5 * hour}, []string{"America/New_York"}},
	"EDT":  {[]int{-4 * hour}, []string{"America/New_York"}},
	"MST":  {[]int{-7 * hour}, []string{"America/Denver"}},
	"MDT":  {[]int{-6 * hour}, []string{"America/Denver"}},
	"PST":  {[]int{-8 * hour}, []string{"America/Los_Angeles"}},
	"PDT":  {[]int{-7 * hour}, []string{"America/Los_Angeles"}},
	"ADT":  {[]int{-3 * hour}, []string{"America/Halifax"}},
	"HST":  {[]int{-10 * hour}, []string{"Pacific/Honolulu"}},
	"JST":  {[]int{9 * hour}, []string{"Asia/Tokyo"}},
	"PKT":  {[]int{5 * hour}, []string{"Asia/Karachi"}},
	"AEST": {[]int{10 * hour}, []string{"Australia/Sydney"}},
	"AEDT": {[]int{11 * hour}, []string{"Australia/Sydney"}},
	"NZST": {[]int{12 * hour}, []string{"Pacific/Auckland"}},
	"BRT":  {[]int{-3 * hour}, []string{"America/Sao_Paulo"}},
	"ART":  {[]int{-3 * hour}, []string{"America/Argentina/Buenos_Aires"}},
	// Ambiguous: each means several offsets in places Liaison's users work with.
	"CST": {[]int{-6 * hour, 8 * hour, -5 * hour}, []string{"America/Guatemala", "Asia/Shanghai", "America/Havana"}},
	"CDT": {[]int{-5 * hour, -4 * hour}, []string{"America/Chicago", "America/Havana"}},
	"AST": {[]int{-4 * hour, 3 * hour}, []string{"America/Puerto_Rico", "Asia/Riyadh"}},
	"IST": {[]int{5*hour + 1800, 1 * hour, 2 * hour}, []string{"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}},
	"BST": {[]int{1 * hour, 6 * hour}, []string{"Europe/London", "Asia/Dhaka"}},
	"GST": {[]int{4 * hour, -2 * hour}, []string{"Asia/Dubai", "Atlantic/South_Georgia"}},
}

// whenZoneSuffix takes a zone written as the last of fields ("09:00 EAT", "demain 9h UTC+3",
// "14:00 Africa/Nairobi") and returns its location and the fields before it; without one,
// loc and fields as they are. The zones an ISO date reads itself ("Z", "UTC", "+05:00" after
// "2025-01-04 14:00") are left to it.
func whenZoneSuffix(fields []string, now time.Time, loc *time.Location) (*time.Location, []string, error) {
	if len(fields) < 2 {
		return loc, fields, nil
	}
	last, rest := fields[len(fields)-1], fields[:len(fields)-1]
	up := strings.ToUpper(last)
	iso := whenISO(strings.ToLower(rest[0]))
	switch {
	case up == "Z" || up == "UTC" || up == "GMT":
		if iso {
			return loc, fields, nil
		}
		return time.UTC, rest, nil
	case strings.HasPrefix(up, "UTC") || strings.HasPrefix(up, "GMT"):
		off, ok := zoneOffset(up[3:])
		if !ok {
			return nil, nil, Refuse(EInvalid, "parse.when_offset", "Input", inputQuote(last))
		}
		return time.FixedZone("UTC"+up[3:], off), rest, nil
	case up[0] == '+' || up[0] == '-':
		if iso {
			return loc, fields, nil
		}
		off, ok := whenParseOffset(up)
		if !ok {
			return loc, fields, nil // "-2h" and the like: not a zone
		}
		return time.FixedZone("", off), rest, nil
	case strings.Contains(last, "/") && strings.IndexFunc(last, isLetter) >= 0:
		z, err := time.LoadLocation(last)
		if err != nil {
			return nil, nil, Refuse(EInvalid, "parse.when_zone_unknown", "Input", inputQuote(last))
		}
		return z, rest, nil
	}
	a, ok := zoneAbbrevs[up]
	if !ok {
		return loc, fields, nil
	}
	if len(a.offsets) == 1 {
		return time.FixedZone(up, a.offsets[0]), rest, nil
	}
	// An ambiguous abbreviation the guild's own zone uses means the guild's zone.
	for _, t := range []time.Time{now, now.AddDate(0, 6, 0)} {
		if name, off := t.In(loc).Zone(); name == up {
			return time.FixedZone(up, off), rest, nil
		}
	}
	choices := make([]string, len(a.offsets))
	for i, off := range a.offsets {
		choices[i] = "UTC" + zoneOffsetText(off) + " (" + a.zones[i] + ")"
	}
	return nil, nil, Refuse(EInvalid, "parse.when_zone_ambiguous", "Input", inputQuote(last),
		"Choices", strings.Join(choices, ", "), "Example", strings.Join(rest, " ")+" UTC"+zoneOffsetText(a.offsets[0]))
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// zoneOffset reads the offset after "UTC": "+3", "-05", "+5:30", "+0530"; nothing is UTC.
func zoneOffset(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) < 2 || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	body := s[1:]
	if len(body) <= 2 {
		h, err := strconv.Atoi(body)
		if err != nil || h > 14 || strings.Trim(body, "0123456789") != "" {
			return 0, false
		}
		if s[0] == '-' {
			return -h * hour, true
		}
		return h * hour, true
	}
	if len(body) == 4 && body[1] == ':' {
		body = "0" + body
	}
	return whenParseOffset(s[:1] + body)
}

// zoneOffsetText writes an offset as after "UTC": "+3", "-5", "+5:30".
func zoneOffsetText(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := sign + strconv.Itoa(off/hour)
	if m := off % hour / 60; m != 0 {
		s += ":" + strconv.Itoa(m)
	}
	return s
}
