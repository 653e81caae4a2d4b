package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// DailyForce is the net change of one (guild, country, role)'s force level on one day: the
// arrivals minus the departures of that day. Day counts days since 1970-01-01 in UTC.
type DailyForce struct {
	GuildID string       `gorm:"primaryKey"`
	Country string       `gorm:"primaryKey"`
	Role    mission.Role `gorm:"primaryKey"`
	Day     int64        `gorm:"primaryKey"`
	Delta   int64
	Women   int64 // the day's net change of the women among Delta
}

// DayOf is the day number of t: whole days since 1970-01-01 in UTC. A force chart spanning
// months reads days, not hours, and a UTC day stays put when the guild changes its time zone.
func DayOf(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s < 0 && s%86400 != 0 {
		d-- // round down before 1970 too
	}
	return d
}

// DayStart is the instant day number d begins: midnight UTC.
func DayStart(d int64) time.Time { return time.Unix(d*86400, 0).UTC() }

// addDaily moves the day's net change of (guild, country, role) by delta personnel, women of
// them, inside tx, beside addForce's running total: the force chart reads one row per day
// instead of the history.
func addDaily(tx *gorm.DB, guildID, country string, role mission.Role, at time.Time, delta, women int64) error {
	if delta == 0 && women == 0 {
		return nil
	}
	return upsertDaily(tx, []DailyForce{{GuildID: guildID, Country: country, Role: role, Day: DayOf(at), Delta: delta, Women: women}})
}

// upsertDaily adds each row's Delta and Women to its day's change, creating the days that are
// missing: one statement for a change's move or an import batch's.
func upsertDaily(tx *gorm.DB, rows []DailyForce) error {
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "guild_id"}, {Name: "country"}, {Name: "role"}, {Name: "day"}},
		DoUpdates: clause.Assignments(map[string]any{"delta": gorm.Expr("daily_forces.delta + excluded.delta"),
			"women": gorm.Expr("daily_forces.women + excluded.women")}),
	}).CreateInBatches(&rows, ImportBatchSize).Error
	if err != nil {
		return fmt.Errorf("update daily forces: %w", err)
	}
	// The ledger moved on these days: the reported figures from the earliest are compared again.
	first := map[string]int64{}
	for _, r := range rows {
		if d, ok := first[r.GuildID]; !ok || r.Day < d {
			first[r.GuildID] = r.Day
		}
	}
	for guild, day := range first {
		if err := markReports(tx, guild, day); err != nil {
			return err
		}
	}
	return nil
}

// ForceChange is the net change of a force level on one day, for charts.
type ForceChange struct {
	Day     int64        // days since 1970-01-01, UTC (DayStart gives its first instant)
	Country string       // alpha-2
	Role    mission.Role // "" when summed over roles
	Delta   int64
}

// ForceHistory returns the guild's force level as daily net changes, by day. With country ""
// the changes are per country, summed over roles; with a country, they are that country's per
// role. It reads daily_forces, so its cost grows with the days that changed and the countries
// of the history, not with the number of arrivals, nor with the days between changes.
func (s *Store) ForceHistory(ctx context.Context, guildID, country string) ([]ForceChange, error) {
	// Scanned by hand: gorm's Scan reflects on every row, which cost a chart with ten thousand
	// days of changes more than its own lines did.
	q := s.read.WithContext(ctx).Raw(`SELECT day, country, role, delta FROM daily_forces
		WHERE guild_id = ? AND country = ? AND delta <> 0 ORDER BY day, role`, guildID, country)
	if country == "" {
		q = s.read.WithContext(ctx).Raw(`SELECT day, country, '' AS role, CAST(SUM(delta) AS BIGINT) AS delta FROM daily_forces
			WHERE guild_id = ? GROUP BY day, country HAVING SUM(delta) <> 0 ORDER BY day, country`, guildID)
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, fmt.Errorf("force history: %w", err)
	}
	defer rows.Close()
	var out []ForceChange
	for rows.Next() {
		var c ForceChange
		var role string
		if err := rows.Scan(&c.Day, &c.Country, &role, &c.Delta); err != nil {
			return nil, fmt.Errorf("force history: %w", err)
		}
		c.Role = mission.Role(role)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("force history: %w", err)
	}
	return out, nil
}
