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

// ParseDigest parses a guild's digest schedule, a 5-field cron expression (minute hour
// day-of-month month day-of-week) read in the guild's time zone. "off" (or empty) returns nil
// and no error. Descriptors (@daily, @every 1h) are refused: five fields say exactly when, and
// it is the one rule of /settings digest, the configuration and the scheduler alike.
func ParseDigest(spec string) (*cron.SpecSchedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "off") {
		return nil, nil
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, Refuse(EInvalid, "parse.digest_zone", "Schedule", strconv.Quote(spec))
	}
	if len(strings.Fields(spec)) != 5 {
		return nil, Refuse(EInvalid, "parse.digest_fields", "Schedule", strconv.Quote(spec))
	}
	sch, err := cron.ParseStandard(spec)
	if err != nil {
		// cron's reason is English only; Cause keeps it for callers that show it alone.
		e := Refuse(EInvalid, "parse.digest_cron", "Schedule", strconv.Quote(spec), "Reason", err.Error())
		e.Cause = err
		return nil, e
	}
	ss, ok := sch.(*cron.SpecSchedule)
	if !ok { // five fields always make a SpecSchedule
		return nil, fmt.Errorf("digest schedule %q: cron returned a %T", spec, sch)
	}
	return ss, nil
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
