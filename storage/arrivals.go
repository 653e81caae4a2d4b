package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"liaison/mission"
)

// addForce moves the running total of (guild, country, role) by delta personnel, women of them,
// inside tx. Keeping the total beside the history lets /forces answer without scanning every
// arrival.
func addForce(tx *gorm.DB, guildID, country string, role mission.Role, delta, women int64) error {
	if delta == 0 && women == 0 {
		return nil
	}
	return upsertForces(tx, []ForceTotal{{GuildID: guildID, Country: country, Role: role, Deployed: delta, Women: women}})
}

// upsertForces adds each row's Deployed and Women to its running total, creating the totals
// that are missing: one statement for a change's move or an import batch's.
func upsertForces(tx *gorm.DB, rows []ForceTotal) error {
	err := tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "guild_id"}, {Name: "country"}, {Name: "role"}},
		DoUpdates: clause.Assignments(map[string]any{"deployed": gorm.Expr("force_totals.deployed + excluded.deployed"),
			"women": gorm.Expr("force_totals.women + excluded.women")}),
	}).CreateInBatches(&rows, ImportBatchSize).Error
	if err != nil {
		return fmt.Errorf("update force totals: %w", err)
	}
	return nil
}

// moveForce moves a force level by delta personnel, women of them, inside tx, in both places it
// is kept: the running total /forces reads and the day's change (at's day) the chart reads.
func moveForce(tx *gorm.DB, guildID, country string, role mission.Role, at time.Time, delta, women int64) error {
	if err := addForce(tx, guildID, country, role, delta, women); err != nil {
		return err
	}
	return addDaily(tx, guildID, country, role, at, delta, women)
}

// forceKey names one running total.
type forceKey struct {
	country string
	role    mission.Role
}

// forceMove is what a change did to one running total, net: checkForces says, from it, what the
// level was before the change and what the change would leave.
type forceMove struct {
	forceKey
	delta int64
}

// belowZero is what lowered a level, as a refusal names it: its catalog key (the sentence
// that does the arithmetic: "Kenya has 20 medical deployed; a departure of 50 would leave −30")
// and the record it is about, if any.
type belowZero struct {
	key string
	id  int64
}

// The changes that can lower a level.
var (
	belowByDeparture = belowZero{key: "error.below_zero_departure"}
	belowByImport    = belowZero{key: "error.below_zero_import"}
)

func belowByEdit(id int64) belowZero   { return belowZero{key: "error.below_zero_edit", id: id} }
func belowByDelete(id int64) belowZero { return belowZero{key: "error.below_zero_delete", id: id} }
func belowByUnland(id int64) belowZero { return belowZero{key: "error.below_zero_unland", id: id} }

// netMoves merges moves of the same level, so that an edit that takes an arrival off a level and
// puts it back is judged by its difference.
func netMoves(moves ...forceMove) []forceMove {
	var out []forceMove
	for _, m := range moves {
		if i := slices.IndexFunc(out, func(o forceMove) bool { return o.forceKey == m.forceKey }); i >= 0 {
			out[i].delta += m.delta
			continue
		}
		out = append(out, m)
	}
	return out
}

// checkForces refuses, inside tx and after its changes, a force level that went below zero: a
// departure larger than the strength deployed, or an edit or delete of an arrival that later
// departures depend on. The refusal does the arithmetic: the strength before the change, what
// the change takes away and what it would leave. The same holds for the women: never fewer
// than none, never more than the personnel deployed. The caller's transaction then rolls back,
// so nothing is stored and no screen can show a negative strength. It runs after all of a
// change's moves, since an edit that takes an arrival off and puts it back may dip below zero
// in between.
func checkForces(tx *gorm.DB, guildID string, why belowZero, moves ...forceMove) error {
	for _, m := range netMoves(moves...) {
		k := m.forceKey
		var t ForceTotal
		err := tx.Model(&ForceTotal{}).Select("deployed", "women").
			Where("guild_id = ? AND country = ? AND role = ?", guildID, k.country, k.role).Scan(&t).Error
		if err != nil {
			return fmt.Errorf("check force total: %w", err)
		}
		switch {
		case t.Deployed < 0:
			return mission.Refuse(mission.EConflict, why.key, "Country", mission.CountryCode(k.country), "Role", k.role, "ID", why.id,
				"Now", mission.Figure(t.Deployed-m.delta), "Taken", mission.Figure(-m.delta), "Left", mission.Figure(t.Deployed)).
				WithHint("error.below_zero.example", "Code", k.country)
		case t.Women < 0:
			return mission.Refuse(mission.EConflict, "women.error.below_zero", "Country", mission.CountryCode(k.country), "Women", mission.Figure(t.Women), "Role", k.role).
				WithHint("women.error.example", "Code", k.country)
		case t.Women > t.Deployed:
			return mission.Refuse(mission.EConflict, "women.error.above_deployed", "Country", mission.CountryCode(k.country), "Women", t.Women,
				"Deployed", t.Deployed, "Role", k.role).WithHint("women.error.example", "Code", k.country)
		}
	}
	return nil
}

// LogArrival records an arrival and raises the force level.
func (s *Store) LogArrival(ctx context.Context, a Actor, in Arrival) (Arrival, error) {
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		var err error
		in, err = s.logArrival(tx, a, in)
		return err
	})
	return in, err
}

func (s *Store) logArrival(tx *gorm.DB, a Actor, in Arrival) (Arrival, error) {
	if err := s.ensureGuild(tx, a.GuildID); err != nil {
		return in, err
	}
	if err := resolveRole(tx, a.GuildID, in.Country, &in.Role); err != nil {
		return in, err
	}
	if err := in.prepare(a, s.now()); err != nil {
		return in, err
	}
	if err := tx.Create(&in).Error; err != nil {
		return in, fmt.Errorf("log arrival: %w", err)
	}
	if err := moveForce(tx, a.GuildID, in.Country, in.Role, in.ArrivedAt, int64(in.Personnel), int64(in.Female)); err != nil {
		return in, err
	}
	return in, s.audit(tx, a, mission.KindArrival, in.ID, mission.ActionCreate, nil, in)
}

// Arrival returns one arrival of the guild.
func (s *Store) Arrival(ctx context.Context, guildID string, id int64) (Arrival, error) {
	var out Arrival
	err := s.read.WithContext(ctx).Where("guild_id = ? AND id = ?", guildID, id).Take(&out).Error
	return out, notFound(err, "arrival", id)
}

// EditArrival applies change to an arrival of the actor's guild and moves the force totals by
// the difference, in one transaction.
func (s *Store) EditArrival(ctx context.Context, a Actor, id int64, change func(*Arrival) error) (Arrival, error) {
	var after Arrival
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		var cur Arrival
		if err := tx.Clauses(forUpdate).Where("guild_id = ? AND id = ?", a.GuildID, id).Take(&cur).Error; err != nil {
			return notFound(err, "arrival", id)
		}
		before := cur
		if err := change(&cur); err != nil {
			return err
		}
		cur.ID, cur.GuildID = before.ID, before.GuildID
		if err := cur.normalise(s.now()); err != nil {
			return err
		}
		if err := tx.Save(&cur).Error; err != nil {
			return fmt.Errorf("edit arrival: %w", err)
		}
		if err := moveForce(tx, a.GuildID, before.Country, before.Role, before.ArrivedAt, -int64(before.Personnel), -int64(before.Female)); err != nil {
			return err
		}
		if err := moveForce(tx, a.GuildID, cur.Country, cur.Role, cur.ArrivedAt, int64(cur.Personnel), int64(cur.Female)); err != nil {
			return err
		}
		if err := checkForces(tx, a.GuildID, belowByEdit(id), forceMove{forceKey{before.Country, before.Role}, -int64(before.Personnel)},
			forceMove{forceKey{cur.Country, cur.Role}, int64(cur.Personnel)}); err != nil {
			return err
		}
		after = cur
		return s.audit(tx, a, mission.KindArrival, id, mission.ActionUpdate, before, cur)
	})
	return after, err
}

// DeleteArrival soft-deletes an arrival and lowers the force level it had raised.
func (s *Store) DeleteArrival(ctx context.Context, a Actor, id int64) (Arrival, error) {
	var cur Arrival
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := tx.Clauses(forUpdate).Where("guild_id = ? AND id = ?", a.GuildID, id).Take(&cur).Error; err != nil {
			return notFound(err, "arrival", id)
		}
		if err := tx.Where("guild_id = ?", a.GuildID).Delete(&Arrival{}, id).Error; err != nil {
			return fmt.Errorf("delete arrival: %w", err)
		}
		if err := moveForce(tx, a.GuildID, cur.Country, cur.Role, cur.ArrivedAt, -int64(cur.Personnel), -int64(cur.Female)); err != nil {
			return err
		}
		if err := checkForces(tx, a.GuildID, belowByDelete(id), forceMove{forceKey{cur.Country, cur.Role}, -int64(cur.Personnel)}); err != nil {
			return err
		}
		return s.audit(tx, a, mission.KindArrival, id, mission.ActionDelete, cur, nil)
	})
	return cur, err
}

// LogDeparture records a departure and lowers the force level.
func (s *Store) LogDeparture(ctx context.Context, a Actor, in Departure) (Departure, error) {
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords}, func(tx *gorm.DB, _ *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		if err := resolveRole(tx, a.GuildID, in.Country, &in.Role); err != nil {
			return err
		}
		if err := in.prepare(a, s.now()); err != nil {
			return err
		}
		if err := tx.Create(&in).Error; err != nil {
			return fmt.Errorf("log departure: %w", err)
		}
		if err := moveForce(tx, a.GuildID, in.Country, in.Role, in.DepartedAt, -int64(in.Personnel), -int64(in.Female)); err != nil {
			return err
		}
		if err := checkForces(tx, a.GuildID, belowByDeparture, forceMove{forceKey{in.Country, in.Role}, -int64(in.Personnel)}); err != nil {
			return err
		}
		return s.audit(tx, a, mission.KindDeparture, in.ID, mission.ActionCreate, nil, in)
	})
	return in, err
}

// FindDepartures returns the guild's departures, newest first.
func (s *Store) FindDepartures(ctx context.Context, guildID string, f ArrivalFilter) ([]Departure, error) {
	q := s.read.WithContext(ctx).Where("guild_id = ?", guildID)
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if !f.Since.IsZero() {
		q = q.Where("departed_at >= ?", utc(f.Since))
	}
	if !f.Until.IsZero() {
		q = q.Where("departed_at < ?", utc(f.Until))
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []Departure
	if err := q.Order("departed_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find departures: %w", err)
	}
	return out, nil
}
