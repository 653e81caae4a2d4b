package storage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
		if err := compareReport(tx, &in); err != nil {
			return err
		}
		if err := tx.Create(&in).Error; err != nil {
			return fmt.Errorf("log report: %w", err)
		}
		if err := countReports(tx, a.GuildID, in.Country, 1); err != nil {
			return err
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
		if err := compareReport(tx, &cur); err != nil {
			return err
		}
		if err := tx.Save(&cur).Error; err != nil {
			return fmt.Errorf("edit report: %w", err)
		}
		if cur.Country != before.Country {
			if err := countReports(tx, a.GuildID, before.Country, -1); err != nil {
				return err
			}
			if err := countReports(tx, a.GuildID, cur.Country, 1); err != nil {
				return err
			}
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
		if err := countReports(tx, a.GuildID, cur.Country, -1); err != nil {
			return err
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
	return s.viewReports(ctx, guildID, rows)
}

// ReportsPage returns one page of the guild's reported figures (country "" for all, else that
// country's) beside the ledger of their days, the largest disagreement first, then the newest,
// and how many there are in all. The comparison is kept with each figure and read through an
// index, so a page costs the same with 100 figures or 10,000; figures whose day's ledger a
// write has moved since are compared again first (refreshReports).
func (s *Store) ReportsPage(ctx context.Context, guildID, country string, offset, limit int) ([]ReportView, int64, error) {
	if err := s.refreshReports(ctx, guildID); err != nil {
		return nil, 0, err
	}
	q := s.read.WithContext(ctx).Model(&Report{}).Where("guild_id = ?", guildID)
	if country != "" {
		q = q.Where("country = ?", country)
	}
	var counts []ReportCount
	if err := s.read.WithContext(ctx).Where("guild_id = ? AND country = ?", guildID, country).Limit(1).Find(&counts).Error; err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	var total int64
	if len(counts) > 0 {
		total = counts[0].N
	}
	var rows []Report
	if err := q.Order("disagreement DESC, as_of DESC, id DESC").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("reports: %w", err)
	}
	out := make([]ReportView, len(rows))
	for i, r := range rows {
		out[i] = ReportView{Report: r, Agreement: mission.Compare(r.Qualifier, int64(r.Value), r.StoredLedger)}
	}
	return out, total, nil
}

// countReports moves the guild's count of live reports, and country's when it has one, by
// delta, inside the transaction that creates, deletes or moves the report.
func countReports(tx *gorm.DB, guildID, country string, delta int64) error {
	rows := []ReportCount{{GuildID: guildID, Country: "", N: delta}}
	if country != "" {
		rows = append(rows, ReportCount{GuildID: guildID, Country: country, N: delta})
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "guild_id"}, {Name: "country"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("report_counts.n + excluded.n")}),
	}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("count reports: %w", err)
	}
	return nil
}

// markReports marks the guild's reported figures from day on for comparing again, inside the
// transaction that moved the ledger on that day: the earliest day marked wins.
func markReports(tx *gorm.DB, guildID string, day int64) error {
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "guild_id"}},
		DoUpdates: clause.Assignments(map[string]any{"stale_from": gorm.Expr(
			"CASE WHEN excluded.stale_from < report_marks.stale_from THEN excluded.stale_from ELSE report_marks.stale_from END")}),
	}).Create(&ReportMark{GuildID: guildID, StaleFrom: day}).Error
	if err != nil {
		return fmt.Errorf("mark reports: %w", err)
	}
	return nil
}

// refreshReports compares again, in one transaction, the guild's reported figures of the days
// a write has marked, and clears the mark. It changes what no reader sees (the comparison is
// the same whether computed now or on read), so it announces nothing.
func (s *Store) refreshReports(ctx context.Context, guildID string) error {
	var marks []ReportMark
	if err := s.read.WithContext(ctx).Where("guild_id = ?", guildID).Limit(1).Find(&marks).Error; err != nil {
		return fmt.Errorf("report marks: %w", err)
	}
	if len(marks) == 0 {
		return nil
	}
	return s.write(ctx, Change{GuildID: guildID}, func(tx *gorm.DB, _ *Change) error {
		var m []ReportMark
		if err := tx.Clauses(forUpdate).Where("guild_id = ?", guildID).Limit(1).Find(&m).Error; err != nil {
			return fmt.Errorf("report marks: %w", err)
		}
		if len(m) == 0 {
			return nil // another reader refreshed them meanwhile
		}
		var stale []Report
		if err := tx.Select("id, figure, value, qualifier, country, role, as_of, ledger_value, disagreement").
			Where("guild_id = ? AND as_of >= ?", guildID, DayStart(m[0].StaleFrom)).Find(&stale).Error; err != nil {
			return fmt.Errorf("stale reports: %w", err)
		}
		// Every write that moves the ledger marks its guild, reports or not: the ledger is read
		// only when some report is there to compare.
		var l *Ledger
		if len(stale) > 0 {
			var err error
			if l, err = ledgerFrom(tx, guildID); err != nil {
				return err
			}
		}
		for _, r := range stale {
			kept := r
			l.keep(&kept)
			if kept.StoredLedger == r.StoredLedger && kept.StoredGap == r.StoredGap {
				continue
			}
			if err := tx.Model(&Report{}).Where("id = ?", r.ID).
				UpdateColumns(map[string]any{"ledger_value": kept.StoredLedger, "disagreement": kept.StoredGap}).Error; err != nil {
				return fmt.Errorf("compare report #%d again: %w", r.ID, err)
			}
		}
		return tx.Where("guild_id = ?", guildID).Delete(&ReportMark{}).Error
	})
}

// compareReport keeps with r the ledger of its day and its disagreement, inside the
// transaction that writes r.
func compareReport(tx *gorm.DB, r *Report) error {
	l, err := ledgerFrom(tx, r.GuildID)
	if err != nil {
		return err
	}
	l.keep(r)
	return nil
}

// viewReports is each of rows beside the ledger of its day, the guild's ledger read once.
func (s *Store) viewReports(ctx context.Context, guildID string, rows []Report) ([]ReportView, error) {
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

// Ledger is what the guild's records said on any day: the deployed strength from the per-day
// totals, per country and role, the pledges in force, and the planned strength. Reported
// figures are compared with it as of their own day, so a figure from last January is judged
// against what was logged for last January, not against today.
type Ledger struct {
	deployed map[forceKey]*daySeries // by (country, role); "" in either stands for all
	pledged  map[forceKey]*daySeries // the known sizes of the pledges in force, keyed alike
	planned  int64                   // today's planned strength
	plans    []PlannedChange         // its changes, oldest first (the settings audit)
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
	return ledgerFrom(s.read.WithContext(ctx), guildID)
}

// ledgerFrom loads the guild's ledger as db sees it (a transaction sees its own writes).
func ledgerFrom(db *gorm.DB, guildID string) (*Ledger, error) {
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
	var pledges []Pledge
	if err := db.Where("guild_id = ?", guildID).Order("as_of, id").Find(&pledges).Error; err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	l.pledged = pledgedSeries(pledges)
	var g Guild
	if err := db.Where("id = ?", guildID).Limit(1).Find(&g).Error; err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	l.planned = int64(g.Planned)
	if l.plans, err = plannedHistory(db, guildID); err != nil {
		return nil, err
	}
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
	d, ok := l.pledged[forceKey{country, role}]
	if !ok {
		return 0
	}
	return d.at(DayOf(at))
}

// pledgedSeries walks the pledges oldest first, each replacing the one before it of its country
// and role, and keeps the sum in force after each day for every country, role and both.
func pledgedSeries(pledges []Pledge) map[forceKey]*daySeries {
	out := map[forceKey]*daySeries{}
	inForce := map[forceKey]int64{}
	for _, p := range pledges {
		k := forceKey{p.Country, p.Role}
		size := int64(0)
		if p.Personnel != nil {
			size = int64(*p.Personnel)
		}
		delta := size - inForce[k]
		inForce[k] = size
		for _, key := range [...]forceKey{k, {p.Country, ""}, {"", p.Role}, {"", ""}} {
			d, ok := out[key]
			if !ok {
				d = &daySeries{}
				out[key] = d
			}
			d.add(DayOf(p.AsOf), delta)
		}
	}
	return out
}

// Value is the ledger's figure f at at. Planned is the mission's planned strength (Liaison
// keeps no per-country plan) as it stood at the end of at's day.
func (l *Ledger) Value(f mission.FigureKind, at time.Time, country string, role mission.Role) int64 {
	switch f {
	case mission.FigurePledged:
		return l.Pledged(at, country, role)
	case mission.FigurePlanned:
		return l.Planned(at)
	}
	return l.Deployed(at, country, role)
}

// Planned is the mission's planned strength at the end of at's day, from the settings audit:
// the last change made by then. Before the first change it is the strength that change
// replaced, or, when that was unset (a mission set up, or imported, after it began), the first
// one set: the plan is older than the day it was typed in.
func (l *Ledger) Planned(at time.Time) int64 {
	if len(l.plans) == 0 {
		return l.planned
	}
	day := DayOf(at)
	i := sort.Search(len(l.plans), func(i int) bool { return DayOf(l.plans[i].At) > day })
	if i > 0 {
		return int64(l.plans[i-1].Planned)
	}
	if first := l.plans[0]; first.Before > 0 {
		return int64(first.Before)
	}
	return int64(l.plans[0].Planned)
}

// keep stores with r the ledger of its day and its disagreement, which /reports pages by.
func (l *Ledger) keep(r *Report) {
	v := l.View(*r)
	r.StoredLedger, r.StoredGap = v.Ledger, v.Gap()
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
	return s.viewReports(ctx, guildID, rows)
}

// maxChartReports bounds the reported figures a chart marks: the newest that many.
const maxChartReports = 50

// DeployedReports returns the reported figures a force chart marks over the ledger's line: the
// deployed figures of every role, for the mission when country is "", else for that country,
// the newest maxChartReports, oldest first.
func (s *Store) DeployedReports(ctx context.Context, guildID, country string) ([]Report, error) {
	var out []Report
	err := s.read.WithContext(ctx).Where("guild_id = ? AND figure = ? AND country = ? AND role = ''", guildID, mission.FigureDeployed, country).
		Order("as_of DESC, id DESC").Limit(maxChartReports).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("chart reports: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}
