package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// ScheduleFlight records a flight with its manifest and plans its reminders, in one transaction.
func (s *Store) ScheduleFlight(ctx context.Context, a Actor, f Flight) (Flight, error) {
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: EffectReminders}, func(tx *gorm.DB, c *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		var err error
		if f, err = s.scheduleFlight(tx, a, f); err != nil {
			return err
		}
		c.flight(f)
		return nil
	})
	return f, err
}

// scheduleFlight stores f with its manifest, plans its reminders and audits it inside tx: the
// work of ScheduleFlight, which a bulk import's flights share.
func (s *Store) scheduleFlight(tx *gorm.DB, a Actor, f Flight) (Flight, error) {
	f.Status = mission.FlightScheduled
	f.LandedAt = nil
	f.LandedFrom = ""
	if err := resolveManifest(tx, a.GuildID, f.Manifest); err != nil {
		return f, err
	}
	if err := f.normalise(s.now()); err != nil {
		return f, err
	}
	f.ID = 0
	f.GuildID = a.GuildID
	if f.LoggedBy == "" {
		f.LoggedBy = a.UserID
	}
	lines := f.Manifest
	f.Manifest = nil
	if err := tx.Omit("Manifest").Create(&f).Error; err != nil {
		return f, fmt.Errorf("schedule flight: %w", err)
	}
	for i := range lines {
		lines[i].ID = 0
		lines[i].GuildID = a.GuildID
		lines[i].FlightID = f.ID
	}
	if len(lines) > 0 {
		if err := tx.Create(&lines).Error; err != nil {
			return f, fmt.Errorf("store manifest: %w", err)
		}
	}
	f.Manifest = lines
	if err := s.planFlight(tx, f); err != nil {
		return f, err
	}
	return f, s.audit(tx, a, mission.KindFlight, f.ID, mission.ActionCreate, nil, f)
}

// Flight returns one flight of the guild with its manifest.
func (s *Store) Flight(ctx context.Context, guildID string, id int64) (Flight, error) {
	return s.flight(s.read.WithContext(ctx), guildID, id)
}

func (s *Store) flight(db *gorm.DB, guildID string, id int64) (Flight, error) {
	var f Flight
	err := db.Preload("Manifest", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Where("guild_id = ? AND id = ?", guildID, id).Take(&f).Error
	return f, notFound(err, "flight", id)
}

// changeFlight loads an open flight of the actor's guild inside a write transaction, lets change
// modify it, saves it and writes the audit entry. effects are what change does beside the
// flight itself (reminders re-planned, arrivals logged).
func (s *Store) changeFlight(ctx context.Context, a Actor, id int64, action mission.AuditAction, effects Effect, change func(tx *gorm.DB, f *Flight) error) (Flight, error) {
	var after Flight
	err := s.write(ctx, Change{GuildID: a.GuildID, Effects: effects}, func(tx *gorm.DB, c *Change) error {
		if err := s.claim(tx, a); err != nil {
			return err
		}
		f, err := s.flight(tx.Clauses(forUpdate), a.GuildID, id)
		if err != nil {
			return err
		}
		if !f.Open() {
			key := "error.flight_closed"
			if f.Status == mission.FlightLanded || f.Status == mission.FlightCancelled {
				key += "." + string(f.Status) // "has already landed": a sentence per status reads right in every language
			}
			return mission.Refuse(mission.EConflict, key, "ID", id, "Status", mission.T("cmd.flight.status."+string(f.Status))).
				WithHint("error.flight_closed.example")
		}
		before := f
		before.Manifest = append([]ManifestLine(nil), f.Manifest...)
		if err := change(tx, &f); err != nil {
			return err
		}
		if err := f.normalise(s.now()); err != nil {
			return err
		}
		if err := tx.Omit("Manifest").Save(&f).Error; err != nil {
			return fmt.Errorf("%s flight: %w", action, err)
		}
		after = f
		c.flight(f)
		return s.audit(tx, a, mission.KindFlight, id, action, before, f)
	})
	return after, err
}

// AddManifestLine appends one line to an open flight's manifest.
func (s *Store) AddManifestLine(ctx context.Context, a Actor, id int64, ml mission.ManifestLine) (Flight, error) {
	// The reminders stay as they are: a reminder's text is written from the flight when posted.
	return s.changeFlight(ctx, a, id, mission.ActionAdd, 0, func(tx *gorm.DB, f *Flight) error {
		if len(f.Manifest) >= mission.MaxManifestLines {
			return mission.Refuse(mission.EConflict, "error.manifest_full", "ID", id, "Max", mission.MaxManifestLines).
				WithHint("error.manifest_full.example")
		}
		line := ManifestLine{GuildID: a.GuildID, FlightID: f.ID, ManifestLine: ml}
		if err := resolveRole(tx, a.GuildID, line.Country, &line.Role); err != nil {
			return err
		}
		if err := line.normalise(); err != nil {
			return err
		}
		if err := tx.Create(&line).Error; err != nil {
			return fmt.Errorf("add manifest line: %w", err)
		}
		f.Manifest = append(f.Manifest, line)
		return nil
	})
}

// DelayFlight moves an open flight's ETA and re-plans its pending reminders.
func (s *Store) DelayFlight(ctx context.Context, a Actor, id int64, eta time.Time, reason string) (Flight, error) {
	return s.changeFlight(ctx, a, id, mission.ActionDelay, EffectReminders, s.delay(eta, reason))
}

// delay is DelayFlight's change of a flight inside tx, which a bulk import's flights share: the
// new ETA, and its pending reminders planned again.
func (s *Store) delay(eta time.Time, reason string) func(tx *gorm.DB, f *Flight) error {
	return func(tx *gorm.DB, f *Flight) error {
		f.ETA = utc(eta)
		f.Status = mission.FlightDelayed
		f.Reason = reason
		if err := s.cancelFlightReminders(tx, f.GuildID, f.ID); err != nil {
			return err
		}
		return s.planFlight(tx, *f)
	}
}

// CancelFlight cancels an open flight and removes its pending reminders.
func (s *Store) CancelFlight(ctx context.Context, a Actor, id int64, reason string) (Flight, error) {
	return s.changeFlight(ctx, a, id, mission.ActionCancel, EffectReminders, s.cancel(reason))
}

// cancel is CancelFlight's change of a flight inside tx, which a bulk import's flights share.
func (s *Store) cancel(reason string) func(tx *gorm.DB, f *Flight) error {
	return func(tx *gorm.DB, f *Flight) error {
		f.Status = mission.FlightCancelled
		f.Reason = reason
		return s.cancelFlightReminders(tx, f.GuildID, f.ID)
	}
}

// LandFlight marks an open flight landed at the given time and turns each manifest line into an
// arrival, all in one transaction: the force level never shows a landed flight half counted.
func (s *Store) LandFlight(ctx context.Context, a Actor, id int64, at time.Time) (Flight, []Arrival, error) {
	var arrivals []Arrival
	f, err := s.changeFlight(ctx, a, id, mission.ActionLand, EffectRecords|EffectReminders, func(tx *gorm.DB, f *Flight) error {
		var err error
		arrivals, err = s.land(tx, f, at, func(in Arrival) (Arrival, error) { return s.logArrival(tx, a, in) })
		return err
	})
	return f, arrivals, err
}

// land is the one landing, which /flight land, its button and an import share: f marked landed
// at at, its pending reminders cancelled, and each manifest line logged as an arrival by log
// (the store at once, an import with its batch). A nil log logs none: an import restoring a
// landing whose arrivals are rows of their own, as edited since.
func (s *Store) land(tx *gorm.DB, f *Flight, at time.Time, log func(Arrival) (Arrival, error)) ([]Arrival, error) {
	t := utc(at)
	f.LandedFrom = f.Status
	f.Status = mission.FlightLanded
	f.LandedAt = &t
	var arrivals []Arrival
	for _, l := range f.Manifest {
		if log == nil {
			break
		}
		fid, landing := f.ID, f.ID
		arr, err := log(Arrival{Country: l.Country, Personnel: l.Personnel, Female: l.Female, Role: l.Role,
			ArrivedAt: t, FlightID: &fid, LandingFlightID: &landing, Source: f.Source, Note: fmt.Sprintf("landed with flight #%d", f.ID)})
		if err != nil {
			return nil, err
		}
		arrivals = append(arrivals, arr)
	}
	return arrivals, s.cancelFlightReminders(tx, f.GuildID, f.ID)
}

// SetFlightEvent stores the ID of the Discord scheduled event that mirrors the flight. It is
// bookkeeping of the bot's own, not a user's change, so it writes no audit entry, and its Change
// carries EffectFlights with no flight in Flights: the snapshot holding the flight is dropped,
// but the mirror that calls it does not hear of its own write and mirror again.
func (s *Store) SetFlightEvent(ctx context.Context, guildID string, id int64, eventID string) error {
	return s.write(ctx, Change{GuildID: guildID, Effects: EffectFlights}, func(tx *gorm.DB, _ *Change) error {
		res := tx.Model(&Flight{}).Where("guild_id = ? AND id = ?", guildID, id).Update("event_id", eventID)
		if res.Error != nil {
			return fmt.Errorf("set flight event: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return mission.NotFound("flight", id)
		}
		return nil
	})
}

// Flight list selections for FindFlights.
const (
	FlightsUpcoming  = "upcoming" // scheduled or delayed
	FlightsLanded    = "landed"
	FlightsCancelled = "cancelled"
	FlightsAll       = "all"
)

// FlightFilter narrows FindFlights.
type FlightFilter struct {
	Status string // one of the Flights* selections; "" means upcoming
	Prefix string // the ID's decimal prefix, for autocomplete
	Limit  int
}

// FindFlights returns the guild's flights that f selects, with their manifests: upcoming ones
// soonest first, others most recent first.
func (s *Store) FindFlights(ctx context.Context, guildID string, f FlightFilter) ([]Flight, error) {
	statuses, order, err := flightSelection(f.Status)
	if err != nil {
		return nil, err
	}
	q := s.flightQuery(ctx, guildID, f.Prefix)
	if statuses != nil {
		q = q.Where("status IN ?", statuses)
	}
	dir := ""
	if order.desc {
		dir = " DESC"
	}
	q = q.Preload("Manifest", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).Order(order.column + dir + ", id" + dir)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []Flight
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find flights: %w", err)
	}
	return out, nil
}

// NextFlight returns the soonest open flight whose ETA is at or after now; failing that, the
// open flight longest past its ETA, with overdue set (it still needs landing or cancelling); or
// ErrNotFound when no flight is open.
func (s *Store) NextFlight(ctx context.Context, guildID string, now time.Time) (f Flight, overdue bool, err error) {
	open := []mission.FlightStatus{mission.FlightScheduled, mission.FlightDelayed}
	q := func() *gorm.DB {
		return s.read.WithContext(ctx).Preload("Manifest", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
			Where("guild_id = ? AND status IN ?", guildID, open)
	}
	err = q().Where("eta >= ?", utc(now)).Order("eta, id").Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		overdue = true
		err = q().Where("eta < ?", utc(now)).Order("eta, id").Take(&f).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return f, false, ErrNotFound
	}
	return f, overdue, err
}
