package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// ImportBatchSize is how many records a Bulk holds before it writes them: one multi-row INSERT
// per table, one upsert of the force totals and of the day's changes, and the audit entries in
// one statement. It bounds an import's memory by the batch, not the file, and keeps every
// statement under SQLite's 32,766 and Postgres's 65,535 parameters (an arrival has 14 columns).
const ImportBatchSize = 300

// Bulk stores an import's records inside one transaction (see Store.Import). Its methods have
// the names and signatures of the Store's own (LogArrival, ScheduleFlight, …), so that the
// importer can run the same code against either; but an arrival, departure or pledge is only
// queued, and gets its ID when the batch is written, so the record they return has ID 0.
// Flights are written at once: arrivals that follow refer to their IDs. A Bulk is not safe for
// concurrent use and lives only as long as fn of Store.Import.
type Bulk struct {
	s  *Store
	tx *gorm.DB
	a  Actor

	guild      Guild // as the transaction sees it, changes included
	arrivals   []Arrival
	departures []Departure
	pledges    []Pledge
	forces     map[forceKey]move
	daily      map[dailyKey]move
	departed   map[forceKey]int   // the levels a departure lowered, with its row: the guard checks them at the end
	net        map[forceKey]int64 // each level's move over the whole file, for the guard's refusal to do the arithmetic
	flights    map[int64]Flight   // this import's flights, as they stand
	announce   []Change           // each flight as scheduled, then as changed: told after commit
	planned    bool               // the mission changed: reminders may have moved
	skipped    map[mission.RecordKind]int
	ledger     *Ledger // as the import has written it so far; nil once a flush moves it

	// Row is the file's line the importer is storing, set before each record: a refusal that
	// only the whole file can show (the force guard, run at the end) names the row to fix.
	Row int

	dry   bool            // a preview's dry run: it marks likely mistakes
	marks map[int][]Match // by row: what a record looks like a mistake against
}

// Marks returns what the dry run's records look like mistakes against, by the file's line: the
// same matches a command holds its change for (matches), so that a preview marks them.
func (b *Bulk) Marks() map[int][]Match { return b.marks }

// mark records the likely mistakes of a record about to be queued, in a dry run only: a real
// import stores what its preview showed, marks and all. A record of the file matches the
// records stored before it, not itself when the guild holds it already (its uid; it is skipped).
func (b *Bulk) mark(rec any, uid string) error {
	if !b.dry {
		return nil
	}
	ms, err := matches(b.tx, b.a.GuildID, rec)
	if err != nil {
		return err
	}
	kept := ms[:0]
	for _, m := range ms {
		if uid == "" || m.UID != uid {
			kept = append(kept, m)
		}
	}
	if len(kept) > 0 {
		b.marks[b.Row] = kept
	}
	return nil
}

// RowError is a refusal of an import that names the row of the file it concerns.
type RowError struct {
	Row int
	Err error
}

func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }

func (e *RowError) Unwrap() error { return e.Err }

// errDryRun rolls back a dry run's transaction once everything in it has been checked.
var errDryRun = errors.New("dry run: rolled back")

// move is the personnel, and the women among them, a batch adds to one force level or day.
type move struct{ personnel, women int64 }

// dailyKey names one day's change of one force level.
type dailyKey struct {
	country string
	role    mission.Role
	day     int64
}

// Import runs fn with a Bulk that stores everything in one transaction, with its audit entries
// and the force totals it moves; if fn or any write fails, nothing is stored. The actor's
// interaction is claimed first, so a replayed Confirm changes nothing. When preview is not
// empty, the pending upload of that token is claimed in the same transaction: the first import
// that commits deletes it, and any other finds it gone and stores nothing, so a file is imported
// exactly once however often Confirm is pressed. The force guard (no level below zero) is
// checked once, after every record of the file. After commit, one Change announces the import:
// its records, each imported flight when scheduled and again for each change the file makes (so
// that the Events-tab mirror creates, then cancels or completes its event, as after the same
// commands), and a changed mission.
func (s *Store) Import(ctx context.Context, a Actor, preview string, fn func(b *Bulk) error) error {
	return s.runImport(ctx, a, preview, false, fn)
}

// DryRun runs fn exactly as Import would, every rule and the force guard included, and rolls
// the transaction back: an /import preview is this dry run, so that what Confirm would refuse
// (departures that together go below zero, a link to a flight that is not there) is shown with
// the file, before anyone is offered a Confirm. Nothing is stored, announced or claimed.
func (s *Store) DryRun(ctx context.Context, a Actor, fn func(b *Bulk) error) error {
	return s.runImport(ctx, a, "", true, fn)
}

func (s *Store) runImport(ctx context.Context, a Actor, preview string, dry bool, fn func(b *Bulk) error) error {
	var b *Bulk
	err := s.write(ctx, Change{GuildID: a.GuildID}, func(tx *gorm.DB, c *Change) error {
		if !dry {
			if err := s.claim(tx, a); err != nil {
				return err
			}
		}
		if preview != "" {
			if err := s.claimPreview(tx, a.GuildID, preview); err != nil {
				return err
			}
		}
		if err := s.ensureGuild(tx, a.GuildID); err != nil {
			return err
		}
		b = &Bulk{s: s, tx: tx, a: a, dry: dry, marks: map[int][]Match{}, forces: map[forceKey]move{}, daily: map[dailyKey]move{},
			departed: map[forceKey]int{}, net: map[forceKey]int64{}, flights: map[int64]Flight{}, skipped: map[mission.RecordKind]int{}}
		if err := tx.Where("id = ?", a.GuildID).Take(&b.guild).Error; err != nil {
			return fmt.Errorf("load guild: %w", err)
		}
		if err := fn(b); err != nil {
			return err
		}
		if err := b.flush(); err != nil {
			return err
		}
		keys := make([]forceKey, 0, len(b.departed))
		for k := range b.departed {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y forceKey) int { return cmp.Compare(b.departed[x], b.departed[y]) })
		for _, k := range keys {
			if err := checkForces(tx, a.GuildID, belowByImport, forceMove{k, b.net[k]}); err != nil {
				return &RowError{Row: b.departed[k], Err: err}
			}
		}
		if dry {
			return errDryRun
		}
		// What the file changed, announced once after commit: its records, each flight as
		// scheduled and then as changed, and a changed mission.
		c.Effects |= EffectRecords
		for _, f := range b.announce {
			c.merge(f)
		}
		if len(b.flights) > 0 {
			c.Effects |= EffectReminders // planned, moved or cancelled with the flights
		}
		if b.planned {
			c.Effects |= EffectSettings | EffectReminders
		}
		return nil
	})
	if dry && errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// Guild returns the guild's settings as the import's transaction sees them.
func (b *Bulk) Guild(_ context.Context, guildID string) (Guild, error) {
	if guildID != b.a.GuildID {
		return Guild{}, fmt.Errorf("bulk import of guild %s asked for guild %s", b.a.GuildID, guildID)
	}
	return b.guild, nil
}

// move records a force level's change, women of it, for the next flush.
func (b *Bulk) move(country string, role mission.Role, at time.Time, delta, women int64) {
	add := func(m move) move { return move{m.personnel + delta, m.women + women} }
	b.forces[forceKey{country, role}] = add(b.forces[forceKey{country, role}])
	b.net[forceKey{country, role}] += delta
	b.daily[dailyKey{country, role, DayOf(at)}] = add(b.daily[dailyKey{country, role, DayOf(at)}])
}

// LogArrival queues an arrival; it is written with its batch.
func (b *Bulk) LogArrival(_ context.Context, a Actor, in Arrival) (Arrival, error) {
	if err := b.resolveRole(in.Country, &in.Role); err != nil {
		return in, err
	}
	if err := in.prepare(Actor{GuildID: b.a.GuildID, UserID: a.UserID}, b.s.now()); err != nil {
		return in, err
	}
	if err := b.mark(&in, in.UID); err != nil {
		return in, err
	}
	b.arrivals = append(b.arrivals, in)
	return in, b.maybeFlush()
}

// LogDeparture queues a departure; the force guard checks its level once the file is in.
func (b *Bulk) LogDeparture(_ context.Context, a Actor, in Departure) (Departure, error) {
	if err := b.resolveRole(in.Country, &in.Role); err != nil {
		return in, err
	}
	if err := in.prepare(Actor{GuildID: b.a.GuildID, UserID: a.UserID}, b.s.now()); err != nil {
		return in, err
	}
	if err := b.mark(&in, in.UID); err != nil {
		return in, err
	}
	b.departures = append(b.departures, in)
	b.departed[forceKey{in.Country, in.Role}] = b.Row
	return in, b.maybeFlush()
}

// SetPledge queues a pledge.
func (b *Bulk) SetPledge(_ context.Context, a Actor, in Pledge) (Pledge, error) {
	if err := b.resolveRole(in.Country, &in.Role); err != nil {
		return in, err
	}
	if err := in.prepare(Actor{GuildID: b.a.GuildID, UserID: a.UserID}, b.s.now()); err != nil {
		return in, err
	}
	if err := b.mark(&in, in.UID); err != nil {
		return in, err
	}
	b.pledges = append(b.pledges, in)
	return in, b.maybeFlush()
}

// resolveRole applies the rule of a left-out role to a row of the file. The rows before it are
// flushed first, so that a role the file itself put on record counts; a file that leaves no
// role out is written in batches as before.
func (b *Bulk) resolveRole(country string, role *mission.Role) error {
	if *role != "" {
		return nil
	}
	if err := b.flush(); err != nil {
		return err
	}
	return resolveRole(b.tx, b.a.GuildID, country, role)
}

func (b *Bulk) maybeFlush() error {
	if len(b.arrivals)+len(b.departures)+len(b.pledges) >= ImportBatchSize {
		return b.flush()
	}
	return nil
}

// Flush writes what the import has queued, so that Skipped counts every record so far.
func (b *Bulk) Flush() error { return b.flush() }

// Skipped returns how many records of kind the import left out because their uid was stored
// already (the same file imported twice).
func (b *Bulk) Skipped(kind mission.RecordKind) int { return b.skipped[kind] }

// storedUIDs returns which of uids model's table holds already in the guild, deleted rows
// included: one query per batch.
func (b *Bulk) storedUIDs(model any, uids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(uids) == 0 {
		return out, nil
	}
	var found []string
	err := b.tx.Model(model).Unscoped().Where("guild_id = ? AND uid IN ?", b.a.GuildID, uids).Pluck("uid", &found).Error
	if err != nil {
		return nil, fmt.Errorf("import: look up uids: %w", err)
	}
	for _, u := range found {
		out[u] = true
	}
	return out, nil
}

// newOnly drops the queued records whose uid is stored already, counting them as skipped.
func newOnly[T any](b *Bulk, model any, kind mission.RecordKind, rows []T, uid func(*T) string) ([]T, error) {
	var uids []string
	for i := range rows {
		if u := uid(&rows[i]); u != "" {
			uids = append(uids, u)
		}
	}
	stored, err := b.storedUIDs(model, uids)
	if err != nil || len(stored) == 0 {
		return rows, err
	}
	kept := rows[:0]
	for i := range rows {
		if stored[uid(&rows[i])] {
			b.skipped[kind]++
			continue
		}
		kept = append(kept, rows[i])
	}
	return kept, nil
}

// flush writes the queued records that are new, their audit entries and the force totals
// they move.
func (b *Bulk) flush() error {
	var err error
	if b.arrivals, err = newOnly(b, &Arrival{}, mission.KindArrival, b.arrivals, func(r *Arrival) string { return r.UID }); err != nil {
		return err
	}
	if b.departures, err = newOnly(b, &Departure{}, mission.KindDeparture, b.departures, func(r *Departure) string { return r.UID }); err != nil {
		return err
	}
	if b.pledges, err = newOnly(b, &Pledge{}, mission.KindPledge, b.pledges, func(r *Pledge) string { return r.UID }); err != nil {
		return err
	}
	if len(b.arrivals)+len(b.departures)+len(b.pledges) > 0 {
		b.ledger = nil
	}
	for _, r := range b.arrivals {
		b.move(r.Country, r.Role, r.ArrivedAt, int64(r.Personnel), int64(r.Female))
	}
	for _, r := range b.departures {
		b.move(r.Country, r.Role, r.DepartedAt, -int64(r.Personnel), -int64(r.Female))
	}
	audit := make([]AuditEntry, 0, len(b.arrivals)+len(b.departures)+len(b.pledges))
	entry := func(kind mission.RecordKind, id int64, after any) AuditEntry {
		return b.s.auditEntry(b.a, kind, id, mission.ActionCreate, nil, after)
	}
	if len(b.arrivals) > 0 {
		if err := b.tx.Create(&b.arrivals).Error; err != nil {
			return fmt.Errorf("import arrivals: %w", err)
		}
		for _, r := range b.arrivals {
			audit = append(audit, entry(mission.KindArrival, r.ID, r))
		}
	}
	if len(b.departures) > 0 {
		if err := b.tx.Create(&b.departures).Error; err != nil {
			return fmt.Errorf("import departures: %w", err)
		}
		for _, r := range b.departures {
			audit = append(audit, entry(mission.KindDeparture, r.ID, r))
		}
	}
	if len(b.pledges) > 0 {
		if err := b.tx.Create(&b.pledges).Error; err != nil {
			return fmt.Errorf("import pledges: %w", err)
		}
		first := b.pledges[0].AsOf
		for _, p := range b.pledges {
			if p.AsOf.Before(first) {
				first = p.AsOf
			}
		}
		if err := markReports(b.tx, b.a.GuildID, DayOf(first)); err != nil {
			return err
		}
		for _, r := range b.pledges {
			audit = append(audit, entry(mission.KindPledge, r.ID, r))
		}
	}
	if len(audit) > 0 {
		if err := b.tx.Create(&audit).Error; err != nil {
			return fmt.Errorf("import audit entries: %w", err)
		}
	}
	if err := b.flushForces(); err != nil {
		return err
	}
	b.arrivals, b.departures, b.pledges = b.arrivals[:0], b.departures[:0], b.pledges[:0]
	return nil
}

// flushForces adds the batch's moves to the running totals and the day's changes: one
// multi-row upsert each, whatever the number of records behind them.
func (b *Bulk) flushForces() error {
	var totals []ForceTotal
	for k, m := range b.forces {
		if m != (move{}) {
			totals = append(totals, ForceTotal{GuildID: b.a.GuildID, Country: k.country, Role: k.role, Deployed: m.personnel, Women: m.women})
		}
	}
	var days []DailyForce
	for k, m := range b.daily {
		if m != (move{}) {
			days = append(days, DailyForce{GuildID: b.a.GuildID, Country: k.country, Role: k.role, Day: k.day, Delta: m.personnel, Women: m.women})
		}
	}
	if len(totals) > 0 {
		if err := upsertForces(b.tx, totals); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	if len(days) > 0 {
		if err := upsertDaily(b.tx, days); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	clear(b.forces)
	clear(b.daily)
	return nil
}

// FlightByUID returns the guild's flight imported with uid (deleted ones included), and
// whether there is one: a flight row imported again, or the flight an arrival of a later file
// of the same export refers to.
func (b *Bulk) FlightByUID(_ context.Context, uid string) (Flight, bool, error) {
	var out []Flight
	if uid == "" {
		return Flight{}, false, nil
	}
	if err := b.tx.Unscoped().Where("guild_id = ? AND uid = ?", b.a.GuildID, uid).Limit(1).Find(&out).Error; err != nil {
		return Flight{}, false, fmt.Errorf("import: find flight %s: %w", uid, err)
	}
	if len(out) == 0 {
		return Flight{}, false, nil
	}
	return out[0], true, nil
}

// Flight returns one flight of the guild as the import's transaction sees it: a file's
// arrival may name a flight logged here by its #ID.
func (b *Bulk) Flight(_ context.Context, guildID string, id int64) (Flight, error) {
	if guildID != b.a.GuildID {
		return Flight{}, fmt.Errorf("bulk import of guild %s asked for guild %s", b.a.GuildID, guildID)
	}
	return b.s.flight(b.tx, guildID, id)
}

// SkipFlight counts a flight row left out because its uid was stored already.
func (b *Bulk) SkipFlight() { b.skipped[mission.KindFlight]++ }

// ScheduleFlight writes a flight with its manifest and plans its reminders at once, as
// Store.ScheduleFlight does, inside the import's transaction.
func (b *Bulk) ScheduleFlight(_ context.Context, a Actor, f Flight) (Flight, error) {
	if f.LoggedBy == "" {
		f.LoggedBy = a.UserID
	}
	if err := b.flush(); err != nil {
		return f, err
	}
	f, err := b.s.scheduleFlight(b.tx, b.a, f)
	if err != nil {
		return f, err
	}
	b.flights[f.ID] = f
	b.announce = append(b.announce, flightChange(f))
	return f, nil
}

// changeFlight applies change to a flight this import scheduled, saves it and audits it.
func (b *Bulk) changeFlight(id int64, action mission.AuditAction, change func(tx *gorm.DB, f *Flight) error) (Flight, error) {
	f, ok := b.flights[id]
	if !ok || !f.Open() {
		return f, fmt.Errorf("bulk import: flight #%d is not an open flight of this import", id)
	}
	before := f
	if err := change(b.tx, &f); err != nil {
		return f, err
	}
	if err := f.normalise(b.s.now()); err != nil {
		return f, err
	}
	if err := b.tx.Omit("Manifest").Save(&f).Error; err != nil {
		return f, fmt.Errorf("%s flight: %w", action, err)
	}
	b.flights[id] = f
	b.announce = append(b.announce, flightChange(f))
	return f, b.s.audit(b.tx, b.a, mission.KindFlight, id, action, before, f)
}

// LandFlight lands a flight of this import and queues its manifest as arrivals.
func (b *Bulk) LandFlight(ctx context.Context, a Actor, id int64, at time.Time) (Flight, []Arrival, error) {
	var arrivals []Arrival
	f, err := b.changeFlight(id, mission.ActionLand, func(tx *gorm.DB, f *Flight) error {
		var err error
		arrivals, err = b.s.land(tx, f, at, func(in Arrival) (Arrival, error) { return b.LogArrival(ctx, a, in) })
		return err
	})
	return f, arrivals, err
}

// RecordLanding marks a flight of this import landed at the given time without logging its
// manifest as arrivals: the file restores a landing whose arrivals are rows of their own (an
// export writes the landed flight and, apart, the arrivals it brought, as edited since), so
// logging the manifest too would count its people twice.
func (b *Bulk) RecordLanding(_ context.Context, _ Actor, id int64, at time.Time) (Flight, error) {
	return b.changeFlight(id, mission.ActionLand, func(tx *gorm.DB, f *Flight) error {
		_, err := b.s.land(tx, f, at, nil)
		return err
	})
}

// CancelFlight cancels a flight of this import and its reminders.
func (b *Bulk) CancelFlight(_ context.Context, _ Actor, id int64, reason string) (Flight, error) {
	return b.changeFlight(id, mission.ActionCancel, b.s.cancel(reason))
}

// DelayFlight moves a flight of this import and plans its reminders again.
func (b *Bulk) DelayFlight(_ context.Context, _ Actor, id int64, eta time.Time, reason string) (Flight, error) {
	return b.changeFlight(id, mission.ActionDelay, b.s.delay(eta, reason))
}

// UpdateGuild changes the guild's settings and mission inside the import's transaction, as
// Store.UpdateGuild does: reminders are planned again when their settings change.
func (b *Bulk) UpdateGuild(_ context.Context, _ Actor, change func(g *Guild) error) (Guild, error) {
	g, err := b.s.updateGuild(b.tx, b.a, change)
	if err != nil {
		return g, err
	}
	b.ledger = nil // the planned strength may have changed
	b.guild, b.planned = g, true
	return g, nil
}

// LogReport writes a reported figure at once, as Store.LogReport does, inside the import's
// transaction; a figure whose uid the guild holds already is left out and counted as skipped.
func (b *Bulk) LogReport(_ context.Context, a Actor, in Report) (Report, error) {
	if err := in.prepare(Actor{GuildID: b.a.GuildID, UserID: a.UserID}, b.s.now()); err != nil {
		return in, err
	}
	if in.UID != "" {
		stored, err := b.storedUIDs(&Report{}, []string{in.UID})
		if err != nil {
			return in, err
		}
		if stored[in.UID] {
			b.skipped[mission.KindReport]++
			return in, nil
		}
	}
	if err := b.flush(); err != nil { // the ledger this figure is compared with, as the file has it so far
		return in, err
	}
	if b.ledger == nil {
		l, err := ledgerFrom(b.tx, b.a.GuildID)
		if err != nil {
			return in, err
		}
		b.ledger = l
	}
	b.ledger.keep(&in)
	if err := b.tx.Create(&in).Error; err != nil {
		return in, fmt.Errorf("import report: %w", err)
	}
	if err := countReports(b.tx, b.a.GuildID, in.Country, 1); err != nil {
		return in, err
	}
	return in, b.s.audit(b.tx, b.a, mission.KindReport, in.ID, mission.ActionCreate, nil, in)
}
