package mission

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	// offsetsMaxCount bounds reminder offsets per guild: each one is a post in
	// the announcement channel per flight, and more than five is noise.
	offsetsMaxCount = 5
	// offsetsMaxEach keeps reminders within a month of the ETA.
	offsetsMaxEach = 30 * 24 * time.Hour
	// durationMaxDays bounds ParseDuration so sums cannot overflow and "in ..."
	// stays within the years ParseWhen accepts.
	durationMaxDays = 3650
)

// durationUnits maps the unit words ParseDuration accepts to their length, in English,
// French and Spanish, accents folded away. The short forms are what FormatOffsets writes; the
// long ones are accepted because people type them ("dans 2 heures", "en 3 días").
var durationUnits = map[string]time.Duration{
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"semaine": 7 * 24 * time.Hour, "semaines": 7 * 24 * time.Hour, "semana": 7 * 24 * time.Hour, "semanas": 7 * 24 * time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"j": 24 * time.Hour, "jour": 24 * time.Hour, "jours": 24 * time.Hour, "dia": 24 * time.Hour, "dias": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"heure": time.Hour, "heures": time.Hour, "hora": time.Hour, "horas": time.Hour,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"minuto": time.Minute, "minutos": time.Minute,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"seconde": time.Second, "secondes": time.Second, "segundo": time.Second, "segundos": time.Second,
}

// ParseDuration parses one user-typed duration ("2d", "90m", "1h30m", "20s",
// "0"), the syntax shared by reminder offsets, ParseWhen's "in ..." and the
// configuration. Unlike time.ParseDuration it knows days and weeks, accepts spaces
// and unit words in three languages ("1 hour 30 minutes", "2 heures", "3 días")
// and rejects negative values.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	low := strings.ToLower(stripMarks(in))
	if low == "" {
		return 0, Refuse(EInvalid, "parse.duration_missing")
	}
	if strings.HasPrefix(low, "-") {
		return 0, Refuse(EInvalid, "parse.duration_negative", "Input", inputQuote(in))
	}
	if low == "0" {
		return 0, nil
	}
	bad := func() (time.Duration, error) {
		return 0, Refuse(EInvalid, "parse.duration_bad", "Input", inputQuote(in))
	}
	limit := time.Duration(durationMaxDays) * 24 * time.Hour
	var total time.Duration
	i := 0
	for i < len(low) {
		for i < len(low) && low[i] == ' ' {
			i++
		}
		if i == len(low) {
			break
		}
		start := i
		for i < len(low) && low[i] >= '0' && low[i] <= '9' {
			i++
		}
		if start == i {
			return bad()
		}
		digits := low[start:i]
		for i < len(low) && low[i] == ' ' {
			i++
		}
		ustart := i
		for i < len(low) && low[i] >= 'a' && low[i] <= 'z' {
			i++
		}
		unitWord := low[ustart:i]
		if unitWord == "" {
			if i < len(low) {
				return bad() // "1.5h", "2-3h"
			}
			if n, err := strconv.Atoi(digits); err == nil && n == 0 && i == len(low) && total == 0 {
				return 0, nil // "00" and the like
			}
			example := digits + "m"
			if len(digits) > 4 {
				example = "90m"
			}
			return 0, Refuse(EInvalid, "parse.duration_unit", "Input", inputQuote(in), "Example", example)
		}
		unit, ok := durationUnits[unitWord]
		if !ok {
			return bad()
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n > int64(limit/unit) || total+time.Duration(n)*unit > limit {
			return 0, Refuse(EInvalid, "parse.duration_too_long", "Input", inputQuote(in), "Max", durationMaxDays)
		}
		total += time.Duration(n) * unit
	}
	return total, nil
}

// ParseOffsets parses the reminder offsets of /reminders offsets ("24h,1h,0"):
// comma-separated ParseDuration values, at most five, none negative, none
// above 30 days. Duplicates are removed and the result is sorted largest
// first, the order in which the reminders fire. Empty input is an error
// because a guild with no offsets would silently get no flight reminders.
func ParseOffsets(s string) ([]time.Duration, error) {
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue // tolerate "24h,1h," and "24h,,1h"
		}
		d, err := ParseDuration(part)
		if err != nil {
			return nil, err
		}
		if d > offsetsMaxEach {
			return nil, Refuse(EInvalid, "parse.offset_too_far", "Input", inputQuote(part))
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, Refuse(EInvalid, "parse.offsets_missing")
	}
	if len(out) > offsetsMaxCount {
		return nil, Refuse(EInvalid, "parse.offsets_too_many",
			"Input", inputQuote(strings.TrimSpace(s)), "N", len(out), "Max", offsetsMaxCount)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return out, nil
}

// Offsets are a guild's reminder offsets as ParseOffsets returns them, largest first. Their
// text, in JSON, the database and on screen, is what FormatOffsets writes, and reading it back
// is ParseOffsets: there is no other parser of offsets.
type Offsets []time.Duration

// String is FormatOffsets(o).
func (o Offsets) String() string { return FormatOffsets(o) }

// MarshalText writes o as FormatOffsets does.
func (o Offsets) MarshalText() ([]byte, error) { return []byte(FormatOffsets(o)), nil }

// UnmarshalText reads offsets with ParseOffsets.
func (o *Offsets) UnmarshalText(b []byte) error {
	v, err := ParseOffsets(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// FormatOffsets renders offsets back in the syntax ParseOffsets reads
// ("24h,1h,0", "2d,90m,20s") so /settings show and /reminders list echo what
// the moderator can type. Each value uses the largest unit that divides it
// exactly (d, h, m, then s), except that one day stays "24h", the way people
// say it; sub-second parts, which ParseOffsets never produces, are rounded to
// the second.
func FormatOffsets(d []time.Duration) string {
	parts := make([]string, len(d))
	for i, v := range d {
		parts[i] = formatOffset(v)
	}
	return strings.Join(parts, ",")
}

// formatOffset renders one duration in the largest exact unit.
func formatOffset(v time.Duration) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	v = v.Round(time.Second)
	switch {
	case v == 0:
		return "0"
	case v%(24*time.Hour) == 0 && v >= 48*time.Hour:
		return sign + strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	case v%time.Hour == 0:
		return sign + strconv.FormatInt(int64(v/time.Hour), 10) + "h"
	case v%time.Minute == 0:
		return sign + strconv.FormatInt(int64(v/time.Minute), 10) + "m"
	}
	return sign + strconv.FormatInt(int64(v/time.Second), 10) + "s"
}
