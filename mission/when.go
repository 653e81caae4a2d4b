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
// and accent-insensitively and with surrounding spaces trimmed, in English,
// French and Spanish (the words are the lexicon's):
//
//   - "now", "maintenant", "ahora";
//   - "2025-01-04 14:00", "2025-01-04T14:00", "2025-01-04 14:00:30" and
//     "2025-01-04" (midnight), as wall time in loc;
//   - RFC 3339 with an offset or Z ("2025-01-04T14:00:00-05:00"), an instant
//     whatever loc is;
//   - "in 2h", "dans 2 heures", "en 90m", "+2h" from now, and "2h ago",
//     "il y a 2h", "hace 2h", "-2h" before it (see ParseDuration; a day is 24
//     hours);
//   - a day word, "today", "tomorrow", "yesterday" (aujourd'hui, demain, hier;
//     hoy, mañana, ayer; après-demain, pasado mañana…), a weekday ("friday",
//     "vendredi", "viernes": the coming one, today included; with "next",
//     "prochain", "próximo" strictly after today; with "last", "dernier",
//     "pasado" strictly before), or a date with the month's name ("Jan 9",
//     "9 janvier", "9 de enero", with or without a year; without one, the
//     date nearest to now), each followed or not by a clock time ("09:00",
//     "9am", "9 pm", "14h", "14h30", "9h du soir", "9 de la mañana"); alone
//     it means midnight;
//   - a clock time alone: today at that time;
//   - after any of these but "now" and "in", a zone: "UTC", "UTC+3",
//     "GMT-5", "+03:00", an unambiguous abbreviation ("EAT", "EST") or an IANA
//     name ("Africa/Nairobi"). An ambiguous abbreviation ("CST", "IST") is read
//     as the guild's zone when the guild's zone uses it, and otherwise refused
//     with the offsets it may mean.
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
	t, err := whenParse(in, now, loc)
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

// whenParse reads in by its form: ISO dates, shifts, and words.
func whenParse(in string, now time.Time, loc *time.Location) (time.Time, error) {
	// A zone written after the time, other than those whenAbsolute reads itself.
	zl, fields, err := whenZoneSuffix(strings.Fields(in), now, loc)
	if err != nil {
		return time.Time{}, err
	}
	low := strings.ToLower(strings.Join(fields, " "))
	if low == "" {
		return time.Time{}, whenNotUnderstood(in)
	}
	switch {
	case whenISO(low):
		return whenAbsolute(in, low, zl)
	case low[0] == '+' || low[0] == '-':
		return whenShift(in, []string{low[1:]}, now, low[0] == '-')
	}
	return whenWords(in, whenTokens(low), now, zl)
}

// IsShift reports whether s is a shift such as "+2h" or "-30m" rather than a time: /flight
// delay reads it against the flight's ETA, where ParseWhen reads it against now.
func IsShift(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 1 && (s[0] == '+' || s[0] == '-')
}

// ParseShift reads a shift, "+2h", "+1h30m", "-30m", "+2 heures": a signed ParseDuration.
func ParseShift(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if !IsShift(in) {
		return 0, whenNotUnderstood(in)
	}
	d, err := ParseDuration(strings.TrimSpace(in[1:]))
	if err != nil {
		return 0, Refuse(EInvalid, "parse.when_in", "Input", inputQuote(in), "Reason", TextOf(err))
	}
	if in[0] == '-' {
		d = -d
	}
	return d, nil
}

// whenISO reports whether low starts with a year and a date separator: "2025-01-04…".
func whenISO(low string) bool {
	if len(low) < 5 || low[4] != '-' && low[4] != '/' {
		return false
	}
	return strings.Trim(low[:4], "0123456789") == ""
}

// whenTokens splits typed words into the lexicon's folded words, keeping numbers and clock
// times ("14:30", "9am", "14h30") as they are.
func whenTokens(low string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ReplaceAll(low, ",", " ")) {
		if strings.ContainsAny(f, "0123456789") {
			out = append(out, f)
			continue
		}
		out = append(out, strings.Fields(Fold(f))...)
	}
	return out
}

// whenDate is what the words of a time say, gathered before it is resolved.
type whenDate struct {
	days     int // day words: days from today
	hasDays  bool
	weekday  time.Weekday
	hasWday  bool
	next     int // +1 next, -1 last, 0 neither
	month    time.Month
	day      int
	year     int
	clock    whenClock
	hasClock bool
	clockIn  string // the clock as typed, for errors
	am, pm   bool
}

// whenWords reads a time written in words in zone zl.
func whenWords(in string, toks []string, now time.Time, zl *time.Location) (time.Time, error) {
	if len(toks) == 0 {
		return time.Time{}, whenNotUnderstood(in)
	}
	if _, n := matchWords(toks, WordNow); n > 0 && n == len(toks) {
		return now, nil
	}
	// "in 2h", "il y a 2h", "hace 2h", "2h ago": a duration from now.
	if w, n := matchWords(toks, WordIn, WordAgo); n > 0 {
		return whenShift(in, toks[n:], now, w.Kind == WordAgo)
	}
	if _, n := matchWords(toks[len(toks)-1:], WordAgo); n > 0 {
		return whenShift(in, toks[:len(toks)-1], now, true)
	}
	var d whenDate
	dated := false // a day word, a weekday or a date has been read
	monthAt := -10
	for i := 0; i < len(toks); {
		tok := toks[i]
		if strings.ContainsAny(tok, "0123456789") {
			n, err := strconv.Atoi(tok)
			switch {
			case err == nil && len(tok) == 4 && d.month != 0 && d.day != 0 && d.year == 0:
				d.year = n
			case err == nil && len(tok) <= 2 && d.day == 0 && (monthAt == i-1 || whenMonthNext(toks[i+1:])):
				d.day = n
			case d.hasClock:
				return time.Time{}, whenNotUnderstood(in)
			default:
				d.hasClock, d.clockIn = true, tok
				if err == nil && len(tok) <= 2 {
					d.clockIn = tok + "h" // "a las 9", "9 pm": an hour
				}
			}
			i++
			continue
		}
		w, n := matchWords(toks[i:], WordDay, WordWeekday, WordMonth, WordNext, WordLast, WordAM, WordPM, WordFiller)
		if n == 0 {
			return time.Time{}, whenNotUnderstood(in)
		}
		switch w.Kind {
		case WordDay, WordWeekday, WordMonth:
			// "Friday 9 January" names the day twice; anything else dated twice is a mistake.
			if dated && !(w.Kind == WordMonth && d.hasWday && d.month == 0) {
				return time.Time{}, whenNotUnderstood(in)
			}
			dated = true
			switch w.Kind {
			case WordDay:
				d.days, d.hasDays = w.N, true
			case WordWeekday:
				d.weekday, d.hasWday = weekdayOf(w), true
			case WordMonth:
				d.month, monthAt = monthOf(w), i+n-1
			}
		case WordNext, WordLast:
			if d.next != 0 {
				return time.Time{}, whenNotUnderstood(in)
			}
			d.next = 1
			if w.Kind == WordLast {
				d.next = -1
			}
		case WordAM:
			d.am = true
		case WordPM:
			d.pm = true
		}
		i += n
	}
	if d.hasWday && d.month != 0 {
		d.hasWday, d.next = false, 0 // the date says which day; its weekday is a courtesy
	}
	return whenResolve(in, d, now, zl)
}

// whenMonthNext reports whether the next word, past fillers, is a month: "9 janvier", "9 de enero".
func whenMonthNext(toks []string) bool {
	for len(toks) > 0 {
		w, n := matchWords(toks, WordMonth, WordFiller)
		if n == 0 {
			return false
		}
		if w.Kind == WordMonth {
			return true
		}
		toks = toks[n:]
	}
	return false
}

// whenShift is now plus or minus the duration written in toks ("2h", "2 heures et 30
// minutes"), conjunctions skipped.
func whenShift(in string, toks []string, now time.Time, back bool) (time.Time, error) {
	var kept []string
	for _, t := range toks {
		if _, ok := LookupWord(t, WordAnd); !ok {
			kept = append(kept, t)
		}
	}
	d, err := ParseDuration(strings.Join(kept, " "))
	if err != nil {
		return time.Time{}, Refuse(EInvalid, "parse.when_in", "Input", inputQuote(in), "Reason", TextOf(err))
	}
	if back {
		d = -d
	}
	return now.Add(d), nil
}

// whenResolve turns what the words said into an instant in zl.
func whenResolve(in string, d whenDate, now time.Time, zl *time.Location) (time.Time, error) {
	if (d.next != 0 && !d.hasWday) || (d.month != 0) != (d.day != 0) || ((d.am || d.pm) && !d.hasClock) {
		return time.Time{}, whenNotUnderstood(in)
	}
	if d.hasClock {
		c, ok := whenParseClock(d.clockIn)
		if ok && (d.am || d.pm) {
			c, ok = whenMeridiem(c, d.clockIn, d.pm)
		}
		if !ok {
			return time.Time{}, whenBadClock(in, d.clockIn)
		}
		d.clock = c
	}
	local := now.In(zl)
	y, m, day := local.Date()
	switch {
	case d.hasDays:
		day += d.days
	case d.hasWday:
		delta := (int(d.weekday) - int(local.Weekday()) + 7) % 7
		switch {
		case d.next > 0 && delta == 0:
			delta = 7
		case d.next < 0:
			delta -= 7
		}
		day += delta
	case d.month != 0:
		years := []int{d.year}
		if d.year == 0 {
			years = []int{y - 1, y, y + 1}
		}
		best, found := time.Time{}, false
		for _, yy := range years {
			if d.day < 1 || d.day > whenDaysIn(yy, d.month) {
				continue
			}
			t := whenWall(yy, d.month, d.day, d.clock, zl)
			if !found || absDuration(t.Sub(now)) < absDuration(best.Sub(now)) {
				best, found = t, true
			}
		}
		if !found {
			return time.Time{}, Refuse(EInvalid, "parse.when_day", "Input", inputQuote(in))
		}
		return best, nil
	case !d.hasClock:
		return time.Time{}, whenNotUnderstood(in)
	}
	// Calendar arithmetic at noon UTC avoids any DST effect on the date.
	y, m, day = time.Date(y, m, day, 12, 0, 0, 0, time.UTC).Date()
	return whenWall(y, m, day, d.clock, zl), nil
}

// whenMeridiem applies a separate "pm" or "am" word to a clock read without it: "9 pm",
// "9h du soir". A clock past 12, or one that has its own, cannot take one.
func whenMeridiem(c whenClock, text string, pm bool) (whenClock, bool) {
	if strings.HasSuffix(text, "am") || strings.HasSuffix(text, "pm") || c.hour < 1 || c.hour > 12 {
		return c, false
	}
	c.hour %= 12
	if pm {
		c.hour += 12
	}
	return c, true
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// whenNotUnderstood is the error for input that matches no accepted form.
func whenNotUnderstood(in string) error {
	return Refuse(EInvalid, "parse.when_unknown", "Input", inputQuote(in))
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

// Quoted is user input quoted in a message: each language writes its own quotation marks
// around it ("GT", « GT », «GT»), so that a reader never sees two kinds of marks in one
// sentence. String is the English form, strconv.Quote's, for logs and English tests.
type Quoted string

func (q Quoted) String() string { return strconv.Quote(string(q)) }

// Quote is what a user typed, cleaned as inputQuote does, for a message variable.
func Quote(s string) Quoted { return inputQuote(s) }

// inputQuote quotes user input for an error message. Control characters and
// invalid bytes become U+FFFD and the text is cut to a readable length, so a
// pasted paragraph or binary junk cannot flood or garble the reply.
func inputQuote(s string) Quoted {
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
	return Quoted(b.String())
}
