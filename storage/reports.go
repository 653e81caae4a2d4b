package storage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// LogReport records a reported figure. It changes no force level: the figure is kept beside
// the ledger. Its Change drops the guild's snapshot, since /forces shows the latest figures.
func (s *Store) LogReport(ctx context.Context, a Actor, in Report) (Report, error) {
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		if err := in.prepare(a, s.now()); err != nil {
			return err
		}
		if err := tx.Create(&in).Error; err != nil {
			return fmt.Errorf("log report: %w", err)
		}
		return s.audit(tx, a, mission.KindReport, in.ID, mission.ActionCreate, nil, in)
	})
	return in, err
}

// Report returns one reported figure of the guild.
func (s *Store) Report(ctx context.Context, guildID string, id int64) (Report, error) {
	var out Report
	err := s.read.WithContext(ctx).Where("guild_id = ? AND id = ?", guildID, id).Take(&out).Error
	return out, notFound(err, "report", id)
}

// EditReport applies change to a reported figure of the actor's guild, checks it again with
// the rules every door applies, and audits it.
func (s *Store) EditReport(ctx context.Context, a Actor, id int64, change func(*Report) error) (Report, error) {
	var after Report
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		var cur Report
		if err := tx.Clauses(forUpdate).Where("guild_id = ? AND id = ?", a.GuildID, id).Take(&cur).Error; err != nil {
			return notFound(err, "report", id)
		}
		before := cur
		if err := change(&cur); err != nil {
			return err
		}
		cur.ID, cur.GuildID, cur.LoggedBy, cur.UID = before.ID, before.GuildID, before.LoggedBy, before.UID
		if err := cur.normalise(s.now()); err != nil {
			return err
		}
		if err := tx.Save(&cur).Error; err != nil {
			return fmt.Errorf("edit report: %w", err)
		}
		after = cur
		return s.audit(tx, a, mission.KindReport, id, mission.ActionUpdate, before, cur)
	})
	return after, err
}

// DeleteReport soft-deletes a reported figure, with its audit entry.
func (s *Store) DeleteReport(ctx context.Context, a Actor, id int64) (Report, error) {
	var cur Report
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := tx.Clauses(forUpdate).Where("guild_id = ? AND id = ?", a.GuildID, id).Take(&cur).Error; err != nil {
			return notFound(err, "report", id)
		}
		if err := tx.Where("guild_id = ?", a.GuildID).Delete(&Report{}, id).Error; err != nil {
			return fmt.Errorf("delete report: %w", err)
		}
		return s.audit(tx, a, mission.KindReport, id, mission.ActionDelete, cur, nil)
	})
	return cur, err
}

// EachReport calls fn with every reported figure of the guild, oldest first (the export).
func (s *Store) EachReport(ctx context.Context, guildID string, fn func(Report) error) error {
	q := s.read.WithContext(ctx).Model(&Report{}).Where("guild_id = ?", guildID).Order("as_of, id")
	return each(q, "reports", fn)
}

// ReportView is a reported figure beside the ledger of its day.
type ReportView struct {
	Report
	mission.Agreement
}

// LatestReports returns the guild's latest reported figures, newest first, at most limit,
// each beside the ledger of its day; country "" is every report, else that country's.
func (s *Store) LatestReports(ctx context.Context, guildID, country string, limit int) ([]ReportView, error) {
	q := s.read.WithContext(ctx).Where("guild_id = ?", guildID)
	if country != "" {
		q = q.Where("country = ?", country)
	}
	var rows []Report
	if err := q.Order("as_of DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("latest reports: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	l, err := s.Ledger(ctx, guildID)
	if err != nil {
		return nil, err
	}
	out := make([]ReportView, len(rows))
	for i, r := range rows {
		out[i] = l.View(r)
	}
	return out, nil
}

// ReportsByDisagreement returns the guild's reported figures (country "" for all, else that
// country's) beside the ledger of their days, the largest disagreement first, then the newest.
// Every figure is read once and the ledger once, so a page costs the number of reports plus
// the guild's per-day totals, whatever the number of arrivals.
func (s *Store) ReportsByDisagreement(ctx context.Context, guildID, country string) ([]ReportView, error) {
	q := s.read.WithContext(ctx).Where("guild_id = ?", guildID)
	if country != "" {
		q = q.Where("country = ?", country)
	}
	var rows []Report
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	l, err := s.Ledger(ctx, guildID)
	if err != nil {
		return nil, err
	}
	out := make([]ReportView, len(rows))
	for i, r := range rows {
		out[i] = l.View(r)
	}
	slices.SortFunc(out, func(a, b ReportView) int {
		if ga, gb := a.Gap(), b.Gap(); ga != gb {
			if ga > gb {
				return -1
			}
			return 1
		}
		if !a.AsOf.Equal(b.AsOf) {
			return b.AsOf.Compare(a.AsOf)
		}
		return int(b.ID - a.ID)
	})
	return out, nil
}

// Ledger is what the guild's records said on any day: the deployed strength from the per-day
// totals, per country and role, the pledges in force, and the planned strength. Reported
// figures are compared with it as of their own day, so a figure from last January is judged
// against what was logged for last January, not against today.
type Ledger struct {
	deployed map[forceKey]*daySeries // by (country, role); "" in either stands for all
	pledges  []Pledge
	planned  int64
}

// daySeries is a running total by day: at days[i] and after, the total is totals[i].
type daySeries struct {
	days   []int64
	totals []int64
}

func (d *daySeries) add(day, delta int64) {
	if n := len(d.days); n > 0 && d.days[n-1] == day {
		d.totals[n-1] += delta
		return
	}
	prev := int64(0)
	if n := len(d.totals); n > 0 {
		prev = d.totals[n-1]
	}
	d.days = append(d.days, day)
	d.totals = append(d.totals, prev+delta)
}

// at is the total at the end of day.
func (d *daySeries) at(day int64) int64 {
	i := sort.Search(len(d.days), func(i int) bool { return d.days[i] > day })
	if i == 0 {
		return 0
	}
	return d.totals[i-1]
}

// Ledger loads the guild's ledger: its per-day totals (one row per country, role and day
// that changed, whatever the number of arrivals), its pledges and its mission.
func (s *Store) Ledger(ctx context.Context, guildID string) (*Ledger, error) {
	db := s.read.WithContext(ctx)
	rows, err := db.Model(&DailyForce{}).Select("country, role, day, delta").
		Where("guild_id = ?", guildID).Order("day").Rows()
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	l := &Ledger{deployed: map[forceKey]*daySeries{}}
	series := func(k forceKey) *daySeries {
		d, ok := l.deployed[k]
		if !ok {
			d = &daySeries{}
			l.deployed[k] = d
		}
		return d
	}
	for rows.Next() {
		var country string
		var role mission.Role
		var day, delta int64
		if err := rows.Scan(&country, &role, &day, &delta); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		for _, k := range [...]forceKey{{country, role}, {country, ""}, {"", role}, {"", ""}} {
			series(k).add(day, delta)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	if l.pledges, err = s.AllPledges(ctx, guildID); err != nil {
		return nil, err
	}
	var g Guild
	if err := db.Where("id = ?", guildID).Limit(1).Find(&g).Error; err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	l.planned = int64(g.Planned)
	return l, nil
}

// Deployed is the strength deployed at the end of at's day (UTC, as the per-day totals count),
// of country ("" every one) and role ("" every one).
func (l *Ledger) Deployed(at time.Time, country string, role mission.Role) int64 {
	d, ok := l.deployed[forceKey{country, role}]
	if !ok {
		return 0
	}
	return d.at(DayOf(at))
}

// Pledged is the sum of the pledges of known size in force at the end of at's day: for each
// country and role, the latest pledge made by then.
func (l *Ledger) Pledged(at time.Time, country string, role mission.Role) int64 {
	day := DayOf(at)
	latest := map[forceKey]Pledge{}
	for _, p := range l.pledges {
		if DayOf(p.AsOf) > day || (country != "" && p.Country != country) || (role != "" && p.Role != role) {
			continue
		}
		k := forceKey{p.Country, p.Role}
		if cur, ok := latest[k]; !ok || p.AsOf.After(cur.AsOf) || (p.AsOf.Equal(cur.AsOf) && p.ID > cur.ID) {
			latest[k] = p
		}
	}
	var n int64
	for _, p := range latest {
		if p.Personnel != nil {
			n += int64(*p.Personnel)
		}
	}
	return n
}

// Value is the ledger's figure f at at. Planned is the mission's planned strength: Liaison
// keeps no per-country plan, and the mission's own is read as it stands today (its changes are
// in the audit, not in a series).
func (l *Ledger) Value(f mission.Figure, at time.Time, country string, role mission.Role) int64 {
	switch f {
	case mission.FigurePledged:
		return l.Pledged(at, country, role)
	case mission.FigurePlanned:
		return l.planned
	}
	return l.Deployed(at, country, role)
}

// View is r beside the ledger of its day.
func (l *Ledger) View(r Report) ReportView {
	return ReportView{Report: r, Agreement: mission.Compare(r.Qualifier, int64(r.Value), l.Value(r.Figure, r.AsOf, r.Country, r.Role))}
}

// FindReports returns the guild's reported figures whose #ID starts with idPrefix ("" any),
// newest first, at most limit: the #ID autocomplete of /report edit and delete.
func (s *Store) FindReports(ctx context.Context, guildID, idPrefix string, limit int) ([]Report, error) {
	q := s.read.WithContext(ctx).Where("guild_id = ?", guildID)
	if idPrefix != "" {
		q = q.Where("CAST(id AS TEXT) LIKE ?", idPrefix+"%")
	}
	var out []Report
	if err := q.Order("as_of DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find reports: %w", err)
	}
	return out, nil
}

// ReportsLoggedSince returns the reported figures logged at or after since, oldest first, each
// beside the ledger of its day: the digest names those of the past day that disagree.
func (s *Store) ReportsLoggedSince(ctx context.Context, guildID string, since time.Time) ([]ReportView, error) {
	var rows []Report
	if err := s.read.WithContext(ctx).Where("guild_id = ? AND created_at >= ?", guildID, utc(since)).
		Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("reports since: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	l, err := s.Ledger(ctx, guildID)
	if err != nil {
		return nil, err
	}
	out := make([]ReportView, len(rows))
	for i, r := range rows {
		out[i] = l.View(r)
	}
	return out, nil
}
