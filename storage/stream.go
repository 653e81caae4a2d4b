package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Exports read the guild's records one row at a time, oldest first, and hand each to fn as it
// comes off the wire, so that an export's memory stays flat whatever the number of records
// (loading a million arrivals into a slice took gigabytes). fn's error stops the read and is
// returned as it is.

// EachArrival calls fn with every arrival of the guild, oldest first.
func (s *Store) EachArrival(ctx context.Context, guildID string, fn func(Arrival) error) error {
	q := s.read.WithContext(ctx).Model(&Arrival{}).Where("guild_id = ?", guildID).Order("arrived_at, id")
	return each(q, "arrivals", fn)
}

// EachDeparture calls fn with every departure of the guild, oldest first.
func (s *Store) EachDeparture(ctx context.Context, guildID string, fn func(Departure) error) error {
	q := s.read.WithContext(ctx).Model(&Departure{}).Where("guild_id = ?", guildID).Order("departed_at, id")
	return each(q, "departures", fn)
}

// EachPledge calls fn with every pledge of the guild, current or superseded, oldest first.
func (s *Store) EachPledge(ctx context.Context, guildID string, fn func(Pledge) error) error {
	q := s.read.WithContext(ctx).Model(&Pledge{}).Where("guild_id = ?", guildID).Order("as_of, id")
	return each(q, "pledges", fn)
}

// EachAudit calls fn with every audit entry of the guild, oldest first.
func (s *Store) EachAudit(ctx context.Context, guildID string, fn func(AuditEntry) error) error {
	q := s.read.WithContext(ctx).Model(&AuditEntry{}).Where("guild_id = ?", guildID).Order("id")
	return each(q, "audit", fn)
}

// flightChunk is how many flights EachFlight reads before it loads their manifests in one query.
const flightChunk = 256

// EachFlight calls fn with every flight of the guild, by ETA, each with its manifest. Manifests
// are loaded for flightChunk flights at a time, so memory is bounded by the chunk.
func (s *Store) EachFlight(ctx context.Context, guildID string, fn func(Flight) error) error {
	chunk := make([]Flight, 0, flightChunk)
	emit := func() error {
		if len(chunk) == 0 {
			return nil
		}
		ids := make([]int64, len(chunk))
		for i, f := range chunk {
			ids[i] = f.ID
		}
		var lines []ManifestLine
		if err := s.read.WithContext(ctx).Where("guild_id = ? AND flight_id IN ?", guildID, ids).Order("id").Find(&lines).Error; err != nil {
			return fmt.Errorf("export manifests: %w", err)
		}
		byFlight := make(map[int64][]ManifestLine, len(chunk))
		for _, l := range lines {
			byFlight[l.FlightID] = append(byFlight[l.FlightID], l)
		}
		for _, f := range chunk {
			f.Manifest = byFlight[f.ID]
			if err := fn(f); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	q := s.read.WithContext(ctx).Model(&Flight{}).Where("guild_id = ?", guildID).Order("eta, id")
	err := each(q, "flights", func(f Flight) error {
		chunk = append(chunk, f)
		if len(chunk) == flightChunk {
			return emit()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return emit()
}

// each runs q and scans its rows one at a time into fn.
func each[T any](q *gorm.DB, what string, fn func(T) error) error {
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := q.ScanRows(rows, &v); err != nil {
			return fmt.Errorf("export %s: %w", what, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	return nil
}
