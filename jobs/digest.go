package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"liaison/mission"
	"liaison/storage"
)

// wantDigests lists the digest rows a guild should have pending after now.
func (s *Scheduler) wantDigests(g storage.Guild, now time.Time) ([]storage.Reminder, error) {
	sch, err := mission.ParseDigest(g.Digest)
	if err != nil || sch == nil {
		return nil, err
	}
	occ := mission.DigestOccurrences(sch, g.Location(), now, now.Add(s.PlanAhead))
	out := make([]storage.Reminder, len(occ))
	for i, o := range occ {
		out[i] = storage.Reminder{GuildID: g.ID, Kind: mission.ReminderDigest, DedupeKey: o.Key(), DueAt: o.At.UTC()}
	}
	return out, nil
}

// PlanDigests plans every guild's digests for the next PlanAhead as reminder rows, so that no
// schedule lives only in memory: it reads the guilds and the recent digest rows once, and writes
// only for a guild whose rows differ from its schedule (new days, a changed schedule or time
// zone, a digest switched on or off). Housekeeping runs it; a settings change plans only its
// guild's (planChanged).
func (s *Scheduler) PlanDigests(ctx context.Context) error {
	s.init()
	guilds, err := s.Store.Guilds(ctx)
	if err != nil {
		return fmt.Errorf("plan digests: %w", err)
	}
	return s.planDigests(ctx, guilds, "")
}

// planDigests plans the digests of guilds, reading their recent digest rows in one query (of
// guildID alone when it is not "").
func (s *Scheduler) planDigests(ctx context.Context, guilds []storage.Guild, guildID string) error {
	now := s.now()
	// A key's row is due within its local day, which began at most ~26 h before now (UTC
	// offsets reach ±14 h), so rows since then cover every key the plan can name.
	rows, err := s.Store.RecentDigests(ctx, storage.DigestFilter{Since: now.Add(-40 * time.Hour), GuildID: guildID})
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

// planChanged plans the digests of the guilds whose settings changed since it last ran (of
// every guild after a change it could not place). A failure is logged: housekeeping plans
// every guild's again within its schedule.
func (s *Scheduler) planChanged(ctx context.Context) {
	s.planMu.Lock()
	ids, all := s.replan, s.planAll
	s.replan, s.planAll = nil, false
	s.planMu.Unlock()
	var err error
	switch {
	case all:
		err = s.PlanDigests(ctx)
	default:
		for id := range ids {
			var g storage.Guild
			if g, err = s.Store.Guild(ctx, id); err != nil {
				break
			}
			if err = s.planDigests(ctx, []storage.Guild{g}, id); err != nil {
				break
			}
		}
	}
	if err != nil && ctx.Err() == nil {
		s.Log.Warn("plan digests after a settings change", "err", err)
	}
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
		case h.Status == mission.ReminderCancelled:
			return true // switched back on
		case h.Status == mission.ReminderPending && h.DueAt.After(now) && h.LeaseUntil == nil && !h.DueAt.Equal(w.DueAt):
			return true // moved
		}
		// Sent, failed, missed, or due and about to be posted: settled.
	}
	for k, h := range have {
		if !wanted[k] && h.Status == mission.ReminderPending && h.DueAt.After(now) && h.LeaseUntil == nil {
			return true // no longer wanted
		}
	}
	return false
}
