package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"liaison/localtime"
	"liaison/storage"
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

// ParseDigest parses a guild's digest schedule, a 5-field cron expression (or a descriptor such
// as @daily) read in the guild's time zone. "off" (or empty) returns nil and no error.
// A schedule that is not a calendar one (@every 1h) is an error: digests are daily.
func ParseDigest(spec string) (*cron.SpecSchedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "off") {
		return nil, nil
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("digest schedule %q: the time zone is the guild's (/settings timezone), not part of the schedule", spec)
	}
	sch, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("digest schedule %q: %w", spec, err)
	}
	ss, ok := sch.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("digest schedule %q: want a time of day, such as \"0 8 * * *\"", spec)
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
			if localtime.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).After(to) {
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
				return localtime.Date(y, m, d, h, mi, 0, 0, loc), true
			}
		}
	}
	return time.Time{}, false
}

// wantDigests lists the digest rows a guild should have pending after now.
func (s *Scheduler) wantDigests(g storage.Guild, now time.Time) ([]storage.Reminder, error) {
	sch, err := ParseDigest(g.Digest)
	if err != nil || sch == nil {
		return nil, err
	}
	occ := DigestOccurrences(sch, g.Location(), now, now.Add(s.PlanAhead))
	out := make([]storage.Reminder, len(occ))
	for i, o := range occ {
		out[i] = storage.Reminder{GuildID: g.ID, Kind: storage.ReminderDigest, DedupeKey: o.Key(), DueAt: o.At.UTC()}
	}
	return out, nil
}

// PlanDigests plans every guild's digests for the next PlanAhead as reminder rows, so that no
// schedule lives only in memory: it reads the guilds and the recent digest rows once, and writes
// only for a guild whose rows differ from its schedule (new days, a changed schedule or time
// zone, a digest switched on or off).
func (s *Scheduler) PlanDigests(ctx context.Context) error {
	s.init()
	now := s.now()
	guilds, err := s.Store.Guilds(ctx)
	if err != nil {
		return fmt.Errorf("plan digests: %w", err)
	}
	// A key's row is due within its local day, which began at most ~26 h before now (UTC
	// offsets reach ±14 h), so rows since then cover every key the plan can name.
	rows, err := s.Store.RecentDigests(ctx, now.Add(-40*time.Hour))
	if err != nil {
		return fmt.Errorf("plan digests: %w", err)
	}
	have := map[string]map[string]storage.Reminder{}
	for _, r := range rows {
		if have[r.GuildID] == nil {
			have[r.GuildID] = map[string]storage.Reminder{}
		}
		have[r.GuildID][r.DedupeKey] = r
	}
	var errs []error
	for _, g := range guilds {
		want, err := s.wantDigests(g, now)
		if err != nil {
			if s.reportOnce("digest:" + g.ID + ":" + g.Digest) {
				s.Log.Warn("guild digest schedule not understood; no digest planned", "guild", g.ID, "err", err)
			}
			// Plan nothing, which also cancels what an earlier, valid schedule planned.
			want = nil
		}
		if !digestsDiffer(want, have[g.ID], now) {
			continue
		}
		if err := s.Store.PlanDigests(ctx, g.ID, now, want); err != nil {
			errs = append(errs, fmt.Errorf("guild %s: %w", g.ID, err))
		}
	}
	return errors.Join(errs...)
}

// digestsDiffer reports whether the guild's digest rows need writing to match want.
func digestsDiffer(want []storage.Reminder, have map[string]storage.Reminder, now time.Time) bool {
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.DedupeKey] = true
		h, ok := have[w.DedupeKey]
		switch {
		case !ok:
			return true // a new day
		case h.Status == storage.ReminderCancelled:
			return true // switched back on
		case h.Status == storage.ReminderPending && h.DueAt.After(now) && h.LeaseUntil == nil && !h.DueAt.Equal(w.DueAt):
			return true // moved
		}
		// Sent, failed, missed, or due and about to be posted: settled.
	}
	for k, h := range have {
		if !wanted[k] && h.Status == storage.ReminderPending && h.DueAt.After(now) && h.LeaseUntil == nil {
			return true // no longer wanted
		}
	}
	return false
}

// planIfStale runs PlanDigests unless it ran less than replanEvery ago, and returns how long
// until it may run again (0 when it ran).
func (s *Scheduler) planIfStale(ctx context.Context) time.Duration {
	s.planMu.Lock()
	if left := replanEvery - time.Since(s.lastPlan); left > 0 {
		s.planMu.Unlock()
		return left
	}
	s.lastPlan = time.Now()
	s.planMu.Unlock()
	if err := s.PlanDigests(ctx); err != nil && ctx.Err() == nil {
		s.Log.Warn("plan digests", "err", err)
	}
	return 0
}

// planWait is how long until planIfStale may run again.
func (s *Scheduler) planWait() time.Duration {
	s.planMu.Lock()
	defer s.planMu.Unlock()
	return max(replanEvery-time.Since(s.lastPlan), 0)
}
