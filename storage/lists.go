package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// The lists users page through (/arrivals, /flights, /history, /reminders list) are read a page
// at a time by key: a page is the records after (or before) a cursor, the sort key and ID of a
// record, found by one seek in an index whose last columns are the sort key and the ID
// (migration 0008). Unlike OFFSET, which reads and drops every record before the page, a seek
// costs the same on page 1 and page 10,000, in a guild of a thousand records or of a million.
// Their totals are counted only up to a bound (CountArrivals and the others), which also reads
// at most that many index entries.

// Cursor is a position in a list: the sort key and ID of one record. Lists by ID alone (the
// audit trail) leave At zero.
type Cursor struct {
	At time.Time
	ID int64
}

// Seek says which page of a list to read: the Limit records that follow From in the list's
// order, or with Backward those that precede it, nearest first in the reading but returned in
// the list's order. A nil From starts at the list's first record (or, Backward, its last).
type Seek struct {
	From     *Cursor
	Backward bool
	Limit    int
}

// listOrder is a list's order: by column (then ID) or, with column empty, by ID alone; newest
// first when desc.
type listOrder struct {
	column string
	desc   bool
}

// seek narrows q to the page of k in the order o, in reading order: the list's order forwards,
// reversed backwards. The cursor compares as a row value, which both SQLite and Postgres read
// as a range of the (…, column, id) index.
func (o listOrder) seek(q *gorm.DB, k Seek) *gorm.DB {
	return o.seekWithin(q, k, time.Time{}, time.Time{})
}

// seekWithin is seek within the column's range [since, until) (zero: unbounded). The cursor
// bounds the column on one side too, and of two bounds on one side a database uses one for the
// index range and checks the other row by row, which can scan the whole range for nothing: so
// only the tighter of the two is written.
func (o listOrder) seekWithin(q *gorm.DB, k Seek, since, until time.Time) *gorm.DB {
	desc := o.desc != k.Backward
	op, dir := ">", "ASC"
	if desc {
		op, dir = "<", "DESC"
	}
	cursor := k.From != nil
	if cursor && o.column != "" {
		at := utc(k.From.At)
		switch {
		case desc && !until.IsZero() && !until.After(at):
			cursor = false // every row before until is before the cursor
		case desc:
			until = time.Time{} // the cursor is the tighter upper bound
		case !since.IsZero() && since.After(at):
			cursor = false // every row from since on is after the cursor
		default:
			since = time.Time{}
		}
	}
	if !since.IsZero() {
		q = q.Where(o.column+" >= ?", utc(since))
	}
	if !until.IsZero() {
		q = q.Where(o.column+" < ?", utc(until))
	}
	if cursor {
		if o.column == "" {
			q = q.Where("id "+op+" ?", k.From.ID)
		} else {
			q = q.Where("("+o.column+", id) "+op+" (?, ?)", utc(k.From.At), k.From.ID)
		}
	}
	if o.column != "" {
		q = q.Order(o.column + " " + dir)
	}
	q = q.Order("id " + dir)
	if k.Limit > 0 {
		q = q.Limit(k.Limit)
	}
	return q
}

// before reports whether a comes before b in reading order (the list's order, reversed when
// backward).
func (o listOrder) before(a, b Cursor, backward bool) bool {
	c := a.At.Compare(b.At)
	if c == 0 {
		c = cmp.Compare(a.ID, b.ID)
	}
	if o.desc != backward {
		return c > 0
	}
	return c < 0
}

// seekEach reads the page of k from each of several selections (one per status, say) and merges
// them: one index seek per selection, where a single "status IN (…)" query would sort every
// matching row to find the first few. It returns the page in the list's order.
func seekEach[T any](o listOrder, k Seek, cursor func(T) Cursor, read func(i int, k Seek) ([]T, error), n int) ([]T, error) {
	var all []T
	for i := range n {
		rows, err := read(i, k)
		if err != nil {
			return nil, err
		}
		all = append(all, rows...)
	}
	slices.SortStableFunc(all, func(a, b T) int {
		switch {
		case o.before(cursor(a), cursor(b), k.Backward):
			return -1
		case o.before(cursor(b), cursor(a), k.Backward):
			return 1
		}
		return 0
	})
	if k.Limit > 0 && len(all) > k.Limit {
		all = all[:k.Limit]
	}
	if k.Backward {
		slices.Reverse(all)
	}
	return all, nil
}

// countAtMost counts the rows of q, stopping after atMost+1 of them (atMost 0: all), so that a
// list's total costs at most that many index entries: a total above atMost is shown as "more
// than atMost".
func (s *Store) countAtMost(ctx context.Context, q *gorm.DB, atMost int64) (int64, error) {
	var n int64
	if atMost <= 0 {
		err := q.Count(&n).Error
		return n, err
	}
	err := s.read.WithContext(ctx).Table("(?) AS bounded", q.Select("1").Limit(int(atMost+1))).Count(&n).Error
	return n, err
}

// ArrivalFilter narrows FindArrivals. Zero values match everything.
type ArrivalFilter struct {
	Country string
	// IDPrefix matches IDs whose decimal form starts with it (autocomplete).
	IDPrefix string
	Since    time.Time
	Until    time.Time
	Limit    int
}

// arrivalOrder is the arrivals list's order: newest first.
var arrivalOrder = listOrder{column: "arrived_at", desc: true}

func (s *Store) arrivalQuery(ctx context.Context, guildID string, f ArrivalFilter) *gorm.DB {
	q := s.read.WithContext(ctx).Model(&Arrival{}).Where("guild_id = ?", guildID)
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if f.IDPrefix != "" {
		q = q.Where("CAST(id AS TEXT) LIKE ?", f.IDPrefix+"%")
	}
	if !f.Since.IsZero() {
		q = q.Where("arrived_at >= ?", utc(f.Since))
	}
	if !f.Until.IsZero() {
		q = q.Where("arrived_at < ?", utc(f.Until))
	}
	return q
}

// FindArrivals returns the guild's arrivals, newest first, and how many match in all. It reads
// by offset and counts every match: for whole-table reads (exports, digests, autocomplete); the
// /arrivals pages use PageArrivals and CountArrivals.
func (s *Store) FindArrivals(ctx context.Context, guildID string, f ArrivalFilter) ([]Arrival, int64, error) {
	var total int64
	if err := s.arrivalQuery(ctx, guildID, f).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count arrivals: %w", err)
	}
	var out []Arrival
	q := s.arrivalQuery(ctx, guildID, f).Order("arrived_at DESC, id DESC")
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("find arrivals: %w", err)
	}
	return out, total, nil
}

// ArrivalCursor is where a in the arrivals list.
func ArrivalCursor(a Arrival) Cursor { return Cursor{At: a.ArrivedAt, ID: a.ID} }

// PageArrivals returns one page of the guild's arrivals matching f (its Limit aside),
// newest first, read by k.
func (s *Store) PageArrivals(ctx context.Context, guildID string, f ArrivalFilter, k Seek) ([]Arrival, error) {
	since, until := f.Since, f.Until
	f.Since, f.Until = time.Time{}, time.Time{}
	var out []Arrival
	if err := arrivalOrder.seekWithin(s.arrivalQuery(ctx, guildID, f), k, since, until).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("page arrivals: %w", err)
	}
	if k.Backward {
		slices.Reverse(out)
	}
	return out, nil
}

// CountArrivals counts the guild's arrivals matching f, up to atMost+1 (0: all).
func (s *Store) CountArrivals(ctx context.Context, guildID string, f ArrivalFilter, atMost int64) (int64, error) {
	n, err := s.countAtMost(ctx, s.arrivalQuery(ctx, guildID, f), atMost)
	if err != nil {
		return 0, fmt.Errorf("count arrivals: %w", err)
	}
	return n, nil
}

// flightSelection is what a FlightFilter's Status selects: the statuses (none: every flight)
// and the list's order.
func flightSelection(sel string) ([]mission.FlightStatus, listOrder, error) {
	desc := listOrder{column: "eta", desc: true}
	switch sel {
	case "", FlightsUpcoming:
		return []mission.FlightStatus{mission.FlightScheduled, mission.FlightDelayed}, listOrder{column: "eta"}, nil
	case FlightsLanded:
		return []mission.FlightStatus{mission.FlightLanded}, desc, nil
	case FlightsCancelled:
		return []mission.FlightStatus{mission.FlightCancelled}, desc, nil
	case FlightsAll:
		return nil, desc, nil
	}
	return nil, listOrder{}, fmt.Errorf("unknown flight selection %q", sel)
}

// flightQuery reads the guild's flights whose ID begins with prefix (every flight for "";
// autocomplete types the prefix).
func (s *Store) flightQuery(ctx context.Context, guildID, prefix string) *gorm.DB {
	q := s.read.WithContext(ctx).Model(&Flight{}).Where("guild_id = ?", guildID)
	if prefix != "" {
		q = q.Where("CAST(id AS TEXT) LIKE ?", prefix+"%")
	}
	return q
}

// FlightCursor is where f is in a flights list.
func FlightCursor(f Flight) Cursor { return Cursor{At: f.ETA, ID: f.ID} }

// PageFlights returns one page of the guild's flights that f selects, with their manifests, in
// the selection's order (upcoming soonest first, others most recent first), read by k.
func (s *Store) PageFlights(ctx context.Context, guildID string, f FlightFilter, k Seek) ([]Flight, error) {
	statuses, order, err := flightSelection(f.Status)
	if err != nil {
		return nil, err
	}
	read := func(i int, k Seek) ([]Flight, error) {
		q := s.flightQuery(ctx, guildID, f.Prefix)
		if statuses != nil {
			q = q.Where("status = ?", statuses[i])
		}
		var out []Flight
		err := order.seek(q, k).Preload("Manifest", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).Find(&out).Error
		if err != nil {
			return nil, fmt.Errorf("page flights: %w", err)
		}
		return out, nil
	}
	return seekEach(order, k, FlightCursor, read, max(1, len(statuses)))
}

// CountFlights counts the guild's flights that f selects, up to atMost+1 (0: all).
func (s *Store) CountFlights(ctx context.Context, guildID string, f FlightFilter, atMost int64) (int64, error) {
	statuses, _, err := flightSelection(f.Status)
	if err != nil {
		return 0, err
	}
	q := s.flightQuery(ctx, guildID, f.Prefix)
	if statuses != nil {
		q = q.Where("status IN ?", statuses)
	}
	n, err := s.countAtMost(ctx, q, atMost)
	if err != nil {
		return 0, fmt.Errorf("count flights: %w", err)
	}
	return n, nil
}

// auditOrder is the audit trail's order: newest first, by ID (IDs grow with time).
var auditOrder = listOrder{desc: true}

// AuditCursor is where e is in the audit trail.
func AuditCursor(e AuditEntry) Cursor { return Cursor{ID: e.ID} }

// PageAudit returns one page of the guild's audit entries matching f (its Limit and Offset
// aside), newest first, read by k.
func (s *Store) PageAudit(ctx context.Context, guildID string, f AuditFilter, k Seek) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := auditOrder.seek(s.auditQuery(ctx, guildID, f), k).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("page audit: %w", err)
	}
	if k.Backward {
		slices.Reverse(out)
	}
	return out, nil
}

// reminderOrder is the reminders list's order: soonest due first.
var reminderOrder = listOrder{column: "due_at"}

// ReminderCursor is where r is in the reminders list.
func ReminderCursor(r Reminder) Cursor { return Cursor{At: r.DueAt, ID: r.ID} }

// PageReminders returns one page of the guild's reminders with f's statuses (default pending,
// failed and missed), soonest due first, read by k.
func (s *Store) PageReminders(ctx context.Context, guildID string, f ReminderFilter, k Seek) ([]Reminder, error) {
	st := f.statuses()
	read := func(i int, k Seek) ([]Reminder, error) {
		q := s.read.WithContext(ctx).Model(&Reminder{}).Where("guild_id = ? AND status = ?", guildID, st[i])
		var out []Reminder
		if err := reminderOrder.seek(q, k).Find(&out).Error; err != nil {
			return nil, fmt.Errorf("page reminders: %w", err)
		}
		return out, nil
	}
	return seekEach(reminderOrder, k, ReminderCursor, read, len(st))
}

// CountReminders counts the guild's reminders with f's statuses, up to atMost+1 (0: all).
func (s *Store) CountReminders(ctx context.Context, guildID string, f ReminderFilter, atMost int64) (int64, error) {
	q := s.read.WithContext(ctx).Model(&Reminder{}).Where("guild_id = ? AND status IN ?", guildID, f.statuses())
	n, err := s.countAtMost(ctx, q, atMost)
	if err != nil {
		return 0, fmt.Errorf("count reminders: %w", err)
	}
	return n, nil
}
