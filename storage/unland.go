package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"liaison/mission"
)

// UnlandFlight undoes a landing, in one transaction: the arrivals the landing logged are
// soft-deleted (each audited) and their force levels lowered, and the flight goes back to the
// status it had before it landed, its reminders planned again. It is refused when the flight
// has not landed, when one of those arrivals was edited or deleted since (the undo would remove
// what a moderator corrected), or when departures depend on them: no force level may go below
// zero on any day from the landing on. The write declares the landing's own effects, so the
// daily totals, snapshots and reported figures follow as they followed the landing.
func (s *Store) UnlandFlight(ctx context.Context, a Actor, id int64, reason string) (Flight, []Arrival, error) {
	var after Flight
	var removed []Arrival
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectRecords | EffectReminders}, func(tx *gorm.DB, c *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		f, err := s.flight(tx.Clauses(forUpdate), a.GuildID, id)
		if err != nil {
			return err
		}
		if f.Status != mission.FlightLanded {
			return mission.Refuse(mission.EConflict, "error.unland.not_landed", "ID", id,
				"Status", mission.T("cmd.flight.status."+string(f.Status))).WithHint("error.unland.not_landed.example")
		}
		before := f
		before.Manifest = append([]ManifestLine(nil), f.Manifest...)
		if removed, err = s.landedArrivals(tx, a.GuildID, f); err != nil {
			return err
		}
		if len(removed) == 0 && len(f.Manifest) > 0 {
			// A landing restored from an archive brought its arrivals as rows of their own:
			// reopening the flight would leave them counted, and count them again at its landing.
			return mission.Refuse(mission.EConflict, "error.unland.unknown_arrivals", "ID", id).
				WithHint("error.unland.unknown_arrivals.example")
		}
		moves := make([]forceMove, 0, len(removed))
		from := int64(0)
		for i, arr := range removed {
			if err := tx.Where("guild_id = ?", a.GuildID).Delete(&Arrival{}, arr.ID).Error; err != nil {
				return fmt.Errorf("unland flight: remove arrival: %w", err)
			}
			// Removed with its landing, it no longer belongs to one: a later landing of the
			// same flight, and its undo, are about their own arrivals.
			if err := tx.Unscoped().Model(&Arrival{}).Where("guild_id = ? AND id = ?", a.GuildID, arr.ID).
				Update("landing_flight_id", nil).Error; err != nil {
				return fmt.Errorf("unland flight: remove arrival: %w", err)
			}
			if err := moveForce(tx, a.GuildID, arr.Country, arr.Role, arr.ArrivedAt, -int64(arr.Personnel), -int64(arr.Female)); err != nil {
				return err
			}
			if err := s.audit(tx, a, mission.KindArrival, arr.ID, mission.ActionDelete, arr, nil); err != nil {
				return err
			}
			moves = append(moves, forceMove{forceKey{arr.Country, arr.Role}, -int64(arr.Personnel)})
			if d := DayOf(arr.ArrivedAt); i == 0 || d < from {
				from = d
			}
		}
		if err := checkForcesSince(tx, a.GuildID, from, belowByUnland(f.ID), moves...); err != nil {
			return err
		}
		f.Status = f.LandedFrom
		if !f.Status.Open() {
			f.Status = mission.FlightScheduled // landed before migration 0017, which kept no status
		}
		f.LandedAt, f.LandedFrom = nil, ""
		if reason != "" {
			f.Reason = reason
		}
		if err := tx.Omit("Manifest").Save(&f).Error; err != nil {
			return fmt.Errorf("unland flight: %w", err)
		}
		if err := s.planFlight(tx, f); err != nil {
			return err
		}
		after = f
		c.flight(f)
		return s.audit(tx, a, mission.KindFlight, id, mission.ActionUnland, before, f)
	})
	return after, removed, err
}

// landedArrivals returns, inside tx, the live arrivals f's landing logged, refusing when any
// of them was edited or deleted since: the undo removes what the landing wrote, nothing else.
// A flight landed before migration 0017 marked none; its arrivals are those linked to it, at
// its landing time, with the landing's note.
func (s *Store) landedArrivals(tx *gorm.DB, guildID string, f Flight) ([]Arrival, error) {
	q := tx.Unscoped().Clauses(forUpdate).Where("guild_id = ?", guildID)
	if f.LandedFrom == "" && f.LandedAt != nil {
		q = q.Where("landing_flight_id = ? OR (landing_flight_id IS NULL AND flight_id = ? AND arrived_at = ? AND note = ?)",
			f.ID, f.ID, utc(*f.LandedAt), fmt.Sprintf("landed with flight #%d", f.ID))
	} else {
		q = q.Where("landing_flight_id = ?", f.ID)
	}
	var all []Arrival
	if err := q.Order("id").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("unland flight: find arrivals: %w", err)
	}
	// Deleted ones too (Unscoped): their delete is in the audit, and refuses the undo below.
	ids := make([]int64, len(all))
	for i, arr := range all {
		ids[i] = arr.ID
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var changed AuditEntry
	err := tx.Where("guild_id = ? AND kind = ? AND record_id IN ? AND action <> ?", guildID, mission.KindArrival, ids, mission.ActionCreate).
		Order("id").Limit(1).Find(&changed).Error
	if err != nil {
		return nil, fmt.Errorf("unland flight: read arrivals' history: %w", err)
	}
	if changed.ID != 0 {
		return nil, changedSinceLanding(f.ID, changed.RecordID, changed.Action)
	}
	return all, nil
}

// changedSinceLanding refuses to undo flight id's landing because arrival #arrival was edited
// or deleted since.
func changedSinceLanding(id, arrival int64, action mission.AuditAction) error {
	return mission.Refuse(mission.EConflict, "error.unland.changed", "ID", id, "Arrival", arrival,
		"Action", mission.T("cmd.history.action."+string(action))).WithHint("error.unland.changed.example", "Arrival", arrival)
}

// checkForcesSince refuses, inside tx and after its changes, a force level moves touched that is
// below zero now (checkForces, the departure's check) or was below zero at the end of any day
// from day from on: removing an arrival that a later departure depended on leaves the total
// right when another arrival came after, but the days between wrong.
func checkForcesSince(tx *gorm.DB, guildID string, from int64, why belowZero, moves ...forceMove) error {
	if err := checkForces(tx, guildID, why, moves...); err != nil {
		return err
	}
	seen := make(map[forceKey]bool, len(moves))
	for _, m := range moves {
		k := m.forceKey
		if seen[k] {
			continue
		}
		seen[k] = true
		var days []DailyForce
		err := tx.Where("guild_id = ? AND country = ? AND role = ?", guildID, k.country, k.role).Order("day").Find(&days).Error
		if err != nil {
			return fmt.Errorf("check force level by day: %w", err)
		}
		level := int64(0)
		for _, d := range days {
			level += d.Delta
			if d.Day >= from && level < 0 {
				return mission.Refuse(mission.EConflict, "error.below_zero_on", "Country", mission.CountryCode(k.country),
					"Deployed", mission.Figure(level), "Role", k.role, "Day", mission.Day(DayStart(d.Day))).
					WithHint("error.below_zero.example", "Code", k.country)
			}
		}
	}
	return nil
}
