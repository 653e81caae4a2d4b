package mission

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// whenMinYear and whenMaxYear bound accepted dates: anything outside is a
	// typo, and it keeps Discord timestamps and database values sane.
	whenMinYear = 1900
	whenMaxYear = 2200
	// whenMaxInput bounds what is parsed; no valid input comes close.
	whenMaxInput = 64
)

// ParseWhen parses a user-typed time (the when, eta, at, since, until, as_of
// and mandate_end options) in the guild's location loc, relative to now, which
// is injected so that callers and tests control the clock. It accepts, case-
// insensitively and with surrounding spaces trimmed:
//
//   - "now";
//   - "2025-01-04 14:00", "2025-01-04T14:00", "2025-01-04 14:00:30" and
//     "2025-01-04" (midnight), as wall time in loc;
//   - RFC 3339 with an offset or Z ("2025-01-04T14:00:00-05:00"), an instant
//     whatever loc is;
//   - "in 2h", "in 90m", "in 3d", "in 1h30m", "in 20s" (see ParseDuration;
//     a day is 24 hours);
//   - "today 14:00", "tomorrow 09:00", "yesterday 18:00", and "tomorrow" alone
//     for midnight; the clock may also be "9am", "2:30pm" or "14h30".
//
// Wall times follow WallTime's DST rules, which the digest scheduler
// shares: a time in a spring-forward gap is the end of the gap, an ambiguous
// fall-back one the earlier instant. Years outside 1900..2200 are rejected.
// Errors quote what was typed and are safe to show to the user. A nil loc
// means UTC. The result is expressed in loc.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	in := strings.TrimSpace(s)
	if in == "" {
		return time.Time{}, Refuse(EInvalid, "parse.when_missing")
	}
	if len(in) > whenMaxInput || !utf8.ValidString(in) {
		return time.Time{}, whenNotUnderstood(in)
	}
	low := strings.Join(strings.Fields(strings.ToLower(in)), " ")

	var t time.Time
	var err error
	switch first, rest, _ := strings.Cut(low, " "); {
	case low == "now":
		t = now
	case first == "in":
		var d time.Duration
		if d, err = ParseDuration(rest); err != nil {
			return time.Time{}, Refuse(EInvalid, "parse.when_in", "Input", inputQuote(in), "Reason", TextOf(err))
		}
		t = now.Add(d)
	case first == "today" || first == "tomorrow" || first == "yesterday":
		t, err = whenRelativeDay(in, first, rest, now, loc)
	case low[0] >= '0' && low[0] <= '9':
		t, err = whenAbsolute(in, low, loc)
	default:
		return time.Time{}, whenNotUnderstood(in)
	}
	if err != nil {
		return time.Time{}, err
	}
	t = t.In(loc)
	if y := t.Year(); y < whenMinYear || y > whenMaxYear {
		// Checked on the result in loc, not on the typed year, so that an
		// instant accepted once is accepted again whatever offset it is
		// written with.
		return time.Time{}, Refuse(EInvalid, "parse.when_year",
			"Input", inputQuote(in), "Year", y, "Min", whenMinYear, "Max", whenMaxYear)
	}
	return t, nil
}

// whenNotUnderstood is the error for input that matches no accepted form.
func whenNotUnderstood(in string) error {
	return Refuse(EInvalid, "parse.when_unknown", "Input", inputQuote(in))
}

// whenRelativeDay handles "today", "tomorrow" and "yesterday", optionally
// followed by "at" and a clock time, counting calendar days in loc.
func whenRelativeDay(in, word, rest string, now time.Time, loc *time.Location) (time.Time, error) {
	days := map[string]int{"yesterday": -1, "today": 0, "tomorrow": 1}[word]
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "at "))
	var c whenClock
	if rest != "" {
		var ok bool
		if c, ok = whenParseClock(rest); !ok {
			return time.Time{}, whenBadClock(in, rest)
		}
	}
	y, m, d := now.In(loc).Date()
	// Calendar arithmetic at noon UTC avoids any DST effect on the date.
	y, m, d = time.Date(y, m, d+days, 12, 0, 0, 0, time.UTC).Date()
	return whenWall(y, m, d, c, loc), nil
}

// whenBadClock reports a clock part that is malformed or out of range.
func whenBadClock(in, clock string) error {
	if whenClockShaped(clock) {
		return Refuse(EInvalid, "parse.when_clock", "Input", inputQuote(clock))
	}
	return whenNotUnderstood(in)
}

// whenAbsolute parses "YYYY-MM-DD", optionally followed by 'T' or spaces, a
// clock time and a UTC offset ("Z", "+05:00", "-0500", "utc").
func whenAbsolute(in, low string, loc *time.Location) (time.Time, error) {
	// Date: 4-digit year, then month and day of 1 or 2 digits, split by '-'
	// or '/' (the same separator twice; day-first forms are ambiguous).
	i := 0
	num := func(minDigits, maxDigits int) (int, bool) {
		start := i
		for i < len(low) && i-start < maxDigits && low[i] >= '0' && low[i] <= '9' {
			i++
		}
		if i-start < minDigits {
			return 0, false
		}
		n, err := strconv.Atoi(low[start:i])
		return n, err == nil
	}
	year, ok := num(4, 4)
	if !ok || i >= len(low) || (low[i] != '-' && low[i] != '/') {
		return time.Time{}, whenNotUnderstood(in)
	}
	sep := low[i]
	i++
	month, ok := num(1, 2)
	if !ok || i >= len(low) || low[i] != sep {
		return time.Time{}, whenNotUnderstood(in)
	}
	i++
	day, ok := num(1, 2)
	if !ok {
		return time.Time{}, whenNotUnderstood(in)
	}
	datePart := low[:i]
	rest := low[i:]
	if rest != "" && rest[0] != ' ' && rest[0] != 't' {
		return time.Time{}, whenNotUnderstood(in)
	}
	if month < 1 || month > 12 || day < 1 || day > whenDaysIn(year, time.Month(month)) {
		return time.Time{}, Refuse(EInvalid, "parse.when_date", "Input", inputQuote(datePart))
	}
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "t"))
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "at "))

	// Zone suffix: "z", "utc", "gmt" or a numeric offset after the clock.
	var clock string
	zoned, offset := false, 0
	switch {
	case strings.HasSuffix(rest, "z"):
		clock, zoned = strings.TrimSpace(strings.TrimSuffix(rest, "z")), true
	case strings.HasSuffix(rest, "utc") || strings.HasSuffix(rest, "gmt"):
		clock, zoned = strings.TrimSpace(rest[:len(rest)-3]), true
	default:
		clock = rest
		if j := strings.LastIndexAny(rest, "+-"); j >= 0 {
			off, ok := whenParseOffset(rest[j:])
			if !ok {
				return time.Time{}, Refuse(EInvalid, "parse.when_offset", "Input", inputQuote(strings.TrimSpace(rest[j:])))
			}
			clock, zoned, offset = strings.TrimSpace(rest[:j]), true, off
		}
	}
	var c whenClock
	if clock != "" {
		if c, ok = whenParseClock(clock); !ok {
			return time.Time{}, whenBadClock(in, clock)
		}
	}
	if zoned {
		return time.Date(year, time.Month(month), day, c.hour, c.min, c.sec, c.nsec, time.FixedZone("", offset)), nil
	}
	return whenWall(year, time.Month(month), day, c, loc), nil
}

// whenDaysIn returns the number of days in a month of a year.
func whenDaysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// whenParseOffset parses "+05:00", "-0500" or "+05" into seconds east of UTC.
func whenParseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	var hh, mm string
	switch body := s[1:]; {
	case len(body) == 5 && body[2] == ':':
		hh, mm = body[:2], body[3:]
	case len(body) == 4:
		hh, mm = body[:2], body[2:]
	case len(body) == 2:
		hh, mm = body, "00"
	default:
		return 0, false
	}
	if strings.Trim(hh+mm, "0123456789") != "" {
		return 0, false
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 23 || m > 59 {
		return 0, false
	}
	if s[0] == '-' {
		return -(h*3600 + m*60), true
	}
	return h*3600 + m*60, true
}

// whenClock is a time of day.
type whenClock struct{ hour, min, sec, nsec int }

// whenParseClock parses "14:00", "9:05", "14:00:30", "14:00:30.5", "9am",
// "2:30 pm", "14h" and "14h30". ok is false for anything else, including
// out-of-range values such as "25:00".
func whenParseClock(s string) (whenClock, bool) {
	s = strings.TrimSpace(s)
	pm, am := false, false
	if t, ok := strings.CutSuffix(s, "pm"); ok {
		s, pm = strings.TrimSpace(t), true
	} else if t, ok := strings.CutSuffix(s, "am"); ok {
		s, am = strings.TrimSpace(t), true
	}
	var fields []string
	switch {
	case strings.Contains(s, ":"):
		fields = strings.Split(s, ":")
	case strings.Contains(s, "h") && !am && !pm:
		h, m, _ := strings.Cut(s, "h")
		fields = []string{h}
		if m != "" {
			fields = append(fields, m)
		}
	case am || pm:
		fields = []string{s}
	default:
		return whenClock{}, false
	}
	if len(fields) > 3 {
		return whenClock{}, false
	}
	var c whenClock
	for i, f := range fields {
		frac := ""
		if i == 2 {
			f, frac, _ = strings.Cut(f, ".")
		}
		if f == "" || len(f) > 2 || (i > 0 && len(f) != 2) {
			return whenClock{}, false
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || f[0] == '+' || f[0] == '-' {
			return whenClock{}, false
		}
		switch i {
		case 0:
			c.hour = n
		case 1:
			c.min = n
		case 2:
			c.sec = n
			if frac != "" {
				if len(frac) > 9 || strings.Trim(frac, "0123456789") != "" {
					return whenClock{}, false
				}
				ns, _ := strconv.Atoi((frac + "000000000")[:9])
				c.nsec = ns
			}
		}
	}
	if am || pm {
		if c.hour < 1 || c.hour > 12 {
			return whenClock{}, false
		}
		c.hour %= 12
		if pm {
			c.hour += 12
		}
	}
	if c.hour > 23 || c.min > 59 || c.sec > 59 {
		return whenClock{}, false
	}
	return c, true
}

// whenClockShaped reports whether s looks like an attempt at a clock time, so
// that "25:00" gets "not a time of day" rather than a generic error.
func whenClockShaped(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	return strings.ContainsAny(s, ":h") || strings.HasSuffix(s, "am") || strings.HasSuffix(s, "pm")
}

// whenWall resolves a date and clock in loc with WallTime, keeping sub-minute parts.
func whenWall(y int, m time.Month, d int, c whenClock, loc *time.Location) time.Time {
	return WallTime(y, m, d, c.hour, c.min, c.sec, c.nsec, loc)
}

// inputQuote quotes user input for an error message. Control characters and
// invalid bytes become U+FFFD and the text is cut to a readable length, so a
// pasted paragraph or binary junk cannot flood or garble the reply.
func inputQuote(s string) string {
	const limit = 40
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case r == utf8.RuneError || !unicode.IsPrint(r):
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return strconv.Quote(b.String())
}
