package mission

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Digest occurrences are computed here by walking local days, not with robfig/cron's Next:
// with a time zone that has DST, Next skips a spring-forward day entirely when the time falls
// in the gap (30 2 * * * in America/New_York has no run on 2025-03-09) and fires twice on a
// fall-back day (01:30 EDT and 01:30 EST on 2025-11-02). The product promises exactly one
// digest per local day. robfig/cron still parses the schedule, so that /settings digest accepts
// exactly what cron accepts.

// starBit is robfig/cron's marker for a "*" day field (unexported there): when the day of month
// or day of week is "*", a day must match both fields, otherwise either.
const starBit = 1 << 63

// ParseDigest parses a guild's digest schedule, read in the guild's time zone: a time as people
// say it (see DigestCron) or a 5-field cron expression (minute hour day-of-month month
// day-of-week). "off" (or empty) returns nil and no error. Descriptors (@daily, @every 1h) are
// refused: five fields say exactly when, and it is the one rule of /settings digest, the
// configuration and the scheduler alike.
func ParseDigest(spec string) (*cron.SpecSchedule, error) {
	c, err := DigestCron(spec)
	if err != nil || c == "off" {
		return nil, err
	}
	sch, err := cron.ParseStandard(c)
	if err != nil { // DigestCron has checked it
		return nil, fmt.Errorf("digest schedule %q: %w", c, err)
	}
	ss, ok := sch.(*cron.SpecSchedule)
	if !ok { // five fields always make a SpecSchedule
		return nil, fmt.Errorf("digest schedule %q: cron returned a %T", spec, sch)
	}
	return ss, nil
}

// DigestCron is the schedule spec as five cron fields, the form stored and planned: "off" for
// none, a cron expression as it is (spaces tidied), and a time as people say it in English,
// French or Spanish translated: "08:00", "8am", "daily 08:00", "tous les jours 8h", "todos los
// días 8:00" (every day); "weekdays 07:30", "du lundi au vendredi 7h30", "lunes a viernes
// 07:30" (Monday to Friday); "mondays 9:00", "le lundi 9h", "los lunes 9:00" (one day a week).
// cron's own reasons are English: a refusal names the field that is wrong in the reader's
// language instead, and keeps cron's words as its Cause, for the log.
func DigestCron(spec string) (string, error) {
	spec = strings.Join(strings.Fields(spec), " ")
	if spec == "" || strings.EqualFold(spec, "off") {
		return "off", nil
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return "", Refuse(EInvalid, "parse.digest_zone", "Schedule", inputQuote(spec))
	}
	if c, ok := digestWords(spec); ok {
		return c, nil
	}
	fields := strings.Fields(spec)
	// cron names months and weekdays in its last two fields only: words before them are a
	// schedule in words that was not understood.
	if len(fields) != 5 || strings.IndexFunc(strings.Join(fields[:3], ""), isLetter) >= 0 {
		if strings.IndexFunc(spec, isLetter) >= 0 || strings.Contains(spec, ":") {
			return "", Refuse(EInvalid, "parse.digest_words", "Schedule", inputQuote(spec))
		}
		return "", Refuse(EInvalid, "parse.digest_fields", "Schedule", inputQuote(spec))
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		e := Refuse(EInvalid, "parse.digest_cron", "Schedule", inputQuote(spec), "Field", digestBadField(fields))
		e.Cause = err
		return "", e
	}
	return spec, nil
}

// digestFieldNames are the catalog keys of the cron fields, each with its range.
var digestFieldNames = [5]string{"minute", "hour", "day", "month", "weekday"}

// digestBadField names the first field cron refuses on its own, with its range, for a reader.
func digestBadField(fields []string) Text {
	for i, f := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, err := cron.ParseStandard(strings.Join(probe, " ")); err != nil {
			return T("parse.digest_field."+digestFieldNames[i], "Value", inputQuote(f))
		}
	}
	return T("parse.digest_field.any")
}

// digestWords reads a schedule said in words: one clock time, and a day phrase or a weekday
// (every day without one).
func digestWords(spec string) (string, bool) {
	toks := whenTokens(strings.ToLower(spec))
	dow, clock := "*", ""
	am, pm, days := false, false, false
	for i := 0; i < len(toks); {
		if strings.ContainsAny(toks[i], "0123456789") {
			if clock != "" {
				return "", false
			}
			clock = toks[i]
			if strings.Trim(clock, "0123456789") == "" && len(clock) <= 2 {
				clock += "h"
			}
			i++
			continue
		}
		w, n := matchWords(toks[i:], WordDaily, WordWeekdays, WordWeekday, WordAM, WordPM, WordFiller)
		switch {
		case n == 0:
			return "", false
		case w.Kind == WordDaily || w.Kind == WordWeekdays || w.Kind == WordWeekday:
			if days {
				return "", false
			}
			days = true
			if w.Kind == WordWeekdays {
				dow = "1-5"
			} else if w.Kind == WordWeekday {
				dow = strconv.Itoa(w.N)
			}
		case w.Kind == WordAM:
			am = true
		case w.Kind == WordPM:
			pm = true
		}
		i += n
	}
	c, ok := whenParseClock(clock)
	if ok && (am || pm) {
		c, ok = whenMeridiem(c, clock, pm)
	}
	if !ok || c.sec != 0 || c.nsec != 0 {
		return "", false
	}
	return fmt.Sprintf("%d %d * * %s", c.min, c.hour, dow), true
}

// DescribeDigest says a stored schedule back in words for /settings: "every day at 08:00",
// "Monday to Friday at 07:30", "every Monday at 09:00", "off"; any other cron expression is
// shown as it is.
func DescribeDigest(spec string) Text {
	c, err := DigestCron(spec)
	if err != nil {
		return T("digest.cron", "Schedule", "`"+spec+"`")
	}
	if c == "off" {
		return T("digest.off")
	}
	f := strings.Fields(c)
	m, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || f[2] != "*" || f[3] != "*" {
		return T("digest.cron", "Schedule", "`"+c+"`")
	}
	at := fmt.Sprintf("%02d:%02d", h, m)
	switch dow := strings.ToUpper(f[4]); dow {
	case "*":
		return T("digest.daily", "Time", at)
	case "1-5", "MON-FRI":
		return T("digest.weekdays", "Time", at)
	default:
		if d, err := strconv.Atoi(dow); err == nil && d >= 0 && d <= 7 {
			return T("digest.weekly", "Time", at, "Weekday", T("date.weekday."+strings.ToLower(time.Weekday(d%7).String())))
		}
	}
	return T("digest.cron", "Schedule", "`"+c+"`")
}

// Occurrence is a digest's local day and the instant it is posted.
type Occurrence struct {
	Day string // local date, YYYY-MM-DD
	At  time.Time
}

// Key is the reminder dedupe key of the occurrence's day: one digest per local day.
func (o Occurrence) Key() string { return "digest:" + o.Day }

// DigestOccurrences returns, in order, the digest of each local day in loc whose instant lies in
// (from, to]. A day's digest is the schedule's first time that day; a time that does not exist
// that day (DST gap) is posted at the next valid instant, the end of the gap; an ambiguous one
// (fall back) at the earlier instant. A schedule that matches several times a day still gives
// one digest a day, at the first.
func DigestOccurrences(sch *cron.SpecSchedule, loc *time.Location, from, to time.Time) []Occurrence {
	if sch == nil || !to.After(from) {
		return nil
	}
	var out []Occurrence
	// Start a day early: the previous local day's digest may fall after from if from is just
	// past local midnight and the gap rule moved it.
	d := from.In(loc).AddDate(0, 0, -1)
	day := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC) // a calendar date; noon avoids edge effects
	for ; ; day = day.AddDate(0, 0, 1) {
		at, ok := firstOfDay(sch, loc, day.Year(), day.Month(), day.Day())
		if !ok {
			// Stop once whole local days lie past to.
			if WallTime(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).After(to) {
				break
			}
			continue
		}
		if at.After(to) {
			break
		}
		if at.After(from) {
			out = append(out, Occurrence{Day: day.Format("2006-01-02"), At: at})
		}
	}
	return out
}

// firstOfDay returns the first instant on the local date at which sch fires.
func firstOfDay(sch *cron.SpecSchedule, loc *time.Location, y int, m time.Month, d int) (time.Time, bool) {
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if 1<<uint(m)&sch.Month == 0 {
		return time.Time{}, false
	}
	domMatch := 1<<uint(d)&sch.Dom > 0
	dowMatch := 1<<uint(date.Weekday())&sch.Dow > 0
	if sch.Dom&starBit > 0 || sch.Dow&starBit > 0 {
		if !domMatch || !dowMatch {
			return time.Time{}, false
		}
	} else if !domMatch && !dowMatch {
		return time.Time{}, false
	}
	// Wall times in increasing order map to instants in non-decreasing order (a gap moves a
	// time forward to the gap's end, never past a later wall time), so the first wall time that
	// matches is the first instant.
	for h := 0; h < 24; h++ {
		if 1<<uint(h)&sch.Hour == 0 {
			continue
		}
		for mi := 0; mi < 60; mi++ {
			if 1<<uint(mi)&sch.Minute != 0 {
				return WallTime(y, m, d, h, mi, 0, 0, loc), true
			}
		}
	}
	return time.Time{}, false
}
