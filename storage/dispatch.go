package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// This file holds the delivery side of reminders: the scheduler (package jobs) claims due rows
// with a lease, posts them and records the outcome here. Every outcome is written only while the
// caller still holds the lease it was given, so that a sender whose lease expired (it hung, or
// its process was stopped) can never overwrite what the sender that re-claimed the row recorded.

// ErrLeaseLost is returned when a reminder's lease is no longer the caller's: it expired and
// another sender claimed the row, or the row was released.
var ErrLeaseLost = errors.New("reminder lease lost")

// claimableSQL selects pending rows that are due and not leased (or whose lease has expired).
// The (status, due_at) index serves it in due order, so the first rows come without a scan of
// everything pending.
const claimableSQL = `status = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`

// ClaimLimits bounds one claim to what the sender can post before its lease ends.
type ClaimLimits struct {
	// Limit is how many rows the claim takes in all (at least 1).
	Limit int
	// PerGuild caps the rows of one guild, 0 for no cap. A guild posts in one channel, and a
	// channel takes 5 messages per 5 s: a claim of 100 rows for one channel would hold rows for
	// 100 s that another sender could be posting elsewhere meanwhile.
	PerGuild int
	// SkipGuilds are guilds the sender is still posting for: their next rows wait for that to
	// end, so that one guild's posts leave in due order and within the cap.
	SkipGuilds []string
}

// candidateFactor is how many due rows, per row wanted, a capped claim looks at: a backlog of
// one guild must not hide the other guilds' due rows behind it, and the window function must
// not rank every due row.
const candidateFactor = 4

// ClaimDueFor leases due reminders to owner until now+lease, oldest due first, at most
// lim.Limit of them and at most lim.PerGuild of one guild, none of lim.SkipGuilds. It returns
// them in due order with Attempts counting this claim. Two senders never receive the same row
// while its lease runs: Postgres skips rows another transaction is claiming (FOR UPDATE SKIP
// LOCKED), and SQLite runs one writer at a time, so its conditional update re-checks the lease
// inside the same statement. owner should be unique per claim (the scheduler adds a sequence
// number), since the Mark* functions check it.
func (s *Store) ClaimDueFor(ctx context.Context, owner string, now time.Time, lease time.Duration, lim ClaimLimits) ([]Reminder, error) {
	if owner == "" {
		return nil, fmt.Errorf("claim reminders: empty owner")
	}
	limit := max(lim.Limit, 1)
	now = utc(now)
	until := utc(now.Add(lease))
	where, whereArgs := claimableSQL, []any{mission.ReminderPending, now, now}
	if len(lim.SkipGuilds) > 0 {
		where += ` AND guild_id NOT IN ?`
		whereArgs = append(whereArgs, lim.SkipGuilds)
	}
	// pick selects the ids to claim, as a subquery, with its arguments.
	pick := `SELECT id FROM reminders WHERE ` + where + ` ORDER BY due_at, id LIMIT ?`
	pickArgs := append(append([]any{}, whereArgs...), limit)
	lock := ""
	if s.dialect == DriverPostgres {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	if lim.PerGuild > 0 {
		// Rank the first candidates within their guild and keep the first PerGuild of each.
		// Postgres locks the candidates (FOR UPDATE cannot sit beside a window function).
		pick = `SELECT id FROM (SELECT r.id, r.due_at, ROW_NUMBER() OVER (PARTITION BY r.guild_id ORDER BY r.due_at, r.id) AS n
				FROM reminders r WHERE r.id IN (SELECT id FROM reminders WHERE ` + where + ` ORDER BY due_at, id LIMIT ?` + lock + `)) ranked
			WHERE n <= ? ORDER BY due_at, id LIMIT ?`
		pickArgs = append(append([]any{}, whereArgs...), limit*candidateFactor, lim.PerGuild, limit)
	} else {
		pick += lock
	}
	var sql string
	var args []any
	switch s.dialect {
	case DriverPostgres:
		// The locking SELECT sits in a MATERIALIZED CTE (Postgres 12+) so that it runs exactly
		// once: as a plain IN subquery the planner may re-run it and lock more than limit rows.
		sql = `WITH due AS MATERIALIZED (` + pick + `)
			UPDATE reminders SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
			FROM due WHERE reminders.id = due.id
			RETURNING reminders.*`
		args = append(pickArgs, owner, until, now)
	default:
		// One statement runs under SQLite's write lock, so the subquery and the update see the
		// same rows. The outer WHERE re-checks the condition anyway, cheaply: the unary + keeps
		// the planner from answering it with a range scan of the (status, due_at) index
		// instead of looking the few claimed ids up by rowid (which made a claim among
		// 300,000 due rows take 40 ms instead of well under one).
		sql = `UPDATE reminders SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
			WHERE id IN (` + pick + `)
			AND +status = ? AND +due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
			RETURNING *`
		args = append(append([]any{owner, until, now}, pickArgs...), mission.ReminderPending, now, now)
	}
	var out []Reminder
	if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	// RETURNING gives rows in no particular order; senders post oldest first.
	for i := range out {
		out[i].DueAt = out[i].DueAt.UTC()
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].DueAt.Equal(out[j].DueAt) {
			return out[i].DueAt.Before(out[j].DueAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Outcome is what became of a claimed reminder, for Settle. Reminder.ID and Reminder.LeaseOwner
// name the claim.
type Outcome struct {
	Reminder Reminder
	// Status is mission.ReminderSent, mission.ReminderFailed, mission.ReminderMissed or mission.ReminderCancelled; or
	// mission.ReminderPending to give the row back: released at once when RetryAt is zero, otherwise
	// still leased until RetryAt (a long rate limit).
	Status    mission.ReminderStatus
	MessageID string // sent
	Late      bool   // sent after its time (missed rows are always late)
	Error     string // why it failed, was missed or cancelled, or is retried
	RetryAt   time.Time
}

// Settle records the outcomes of claimed reminders in one transaction (one commit for a batch
// of posts, not one each) and returns the IDs whose lease the caller no longer held: those rows
// were left as they are, since another sender owns them now.
func (s *Store) Settle(ctx context.Context, outs []Outcome) (lost []int64, err error) {
	if len(outs) == 0 {
		return nil, nil
	}
	// Rows are written in id order, so that two transactions settling overlapping rows (a
	// sender that lost a lease and the one that took it) lock them in the same order.
	outs = slices.Clone(outs)
	slices.SortFunc(outs, func(a, b Outcome) int { return cmp.Compare(a.Reminder.ID, b.Reminder.ID) })
	// The outcomes may be of several guilds' rows, none of which a snapshot holds: the change
	// names no guild, and has an effect only when rows were given back, which other instances
	// may claim at once.
	err = s.write(ctx, Change{}, func(tx *gorm.DB, c *Change) error {
		lost = lost[:0]
		now := s.now()
		c.Effects = 0
		for _, o := range outs {
			set := map[string]any{"updated_at": now, "lease_until": nil}
			switch o.Status {
			case mission.ReminderSent:
				set["status"], set["message_id"], set["sent_at"], set["late"], set["last_error"] = mission.ReminderSent, o.MessageID, now, o.Late, ""
			case mission.ReminderFailed, mission.ReminderCancelled:
				set["status"], set["last_error"] = o.Status, o.Error
			case mission.ReminderMissed:
				set["status"], set["last_error"], set["late"] = mission.ReminderMissed, o.Error, true
			case mission.ReminderPending:
				if o.Error != "" {
					set["last_error"] = o.Error
				}
				if o.RetryAt.IsZero() {
					c.Effects |= EffectReminders
					// The claim counted an attempt that never reached Discord; give it back.
					set["lease_owner"] = ""
					set["attempts"] = gorm.Expr("CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END")
				} else {
					set["lease_until"] = utc(o.RetryAt)
				}
			default:
				return fmt.Errorf("settle reminder #%d: unknown status %q", o.Reminder.ID, o.Status)
			}
			// Only the holder of a running or expired-but-untaken lease may write: the owner is
			// unique per claim, and a re-claim replaces it.
			res := tx.Model(&Reminder{}).Where("id = ? AND lease_owner = ? AND lease_until IS NOT NULL",
				o.Reminder.ID, o.Reminder.LeaseOwner).Updates(set)
			if res.Error != nil {
				return fmt.Errorf("settle reminder #%d: %w", o.Reminder.ID, res.Error)
			}
			if res.RowsAffected == 0 {
				lost = append(lost, o.Reminder.ID)
			}
		}
		return nil
	})
	return lost, err
}

// settleOne is Settle for one outcome, with ErrLeaseLost when the lease was not the caller's.
func (s *Store) settleOne(ctx context.Context, o Outcome, what string) error {
	lost, err := s.Settle(ctx, []Outcome{o})
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		return fmt.Errorf("%s reminder #%d: %w", what, o.Reminder.ID, ErrLeaseLost)
	}
	return nil
}

// ExtendLease moves the end of the caller's lease on r to until (a slow post, or a wait for a
// rate limit, must not let another sender take the row meanwhile).
func (s *Store) ExtendLease(ctx context.Context, r Reminder, until time.Time) error {
	res := s.db.WithContext(ctx).Model(&Reminder{}).
		Where("id = ? AND lease_owner = ? AND lease_until IS NOT NULL AND status = ?", r.ID, r.LeaseOwner, mission.ReminderPending).
		Updates(map[string]any{"lease_until": utc(until), "updated_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("extend lease of reminder #%d: %w", r.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("extend lease of reminder #%d: %w", r.ID, ErrLeaseLost)
	}
	return nil
}

// ExtendLeases is the sender's heartbeat: it moves the end of the caller's leases on rs to
// until in one statement, so that a short lease (a crashed sender's rows wait only that long)
// still covers rows that wait for a channel's rate limit or a slow answer. Rows the caller no
// longer holds (settled, or re-claimed by another sender after the lease ran out) are left
// alone; it returns how many leases it extended.
func (s *Store) ExtendLeases(ctx context.Context, rs []Reminder, until time.Time) (int64, error) {
	var n int64
	const chunk = 500 // well inside every driver's limit on bound parameters
	for len(rs) > 0 {
		part := rs[:min(chunk, len(rs))]
		rs = rs[len(part):]
		ids := make([]int64, len(part))
		owners := make([]string, 0, 1)
		for i, r := range part {
			ids[i] = r.ID
			if !slices.Contains(owners, r.LeaseOwner) {
				owners = append(owners, r.LeaseOwner)
			}
		}
		// id and owner are checked as two lists: the owners are all this sender's claims, so a
		// pair across them is still the sender's own lease.
		q := s.db.WithContext(ctx).Model(&Reminder{})
		held := "id IN ? AND lease_owner IN ? AND lease_until IS NOT NULL AND status = ?"
		if s.dialect == DriverPostgres {
			// A row being settled at this moment is skipped rather than waited for: the
			// heartbeat's one statement and a Settle transaction lock rows in different
			// orders, and waiting would deadlock them. The settled row needs no lease.
			q = q.Where("id IN (SELECT id FROM reminders WHERE "+held+" FOR UPDATE SKIP LOCKED)", ids, owners, mission.ReminderPending)
		} else {
			q = q.Where(held, ids, owners, mission.ReminderPending)
		}
		res := q.Updates(map[string]any{"lease_until": utc(until), "updated_at": s.now()})
		if res.Error != nil {
			return n, fmt.Errorf("extend %d reminder leases: %w", len(part), res.Error)
		}
		n += res.RowsAffected
	}
	return n, nil
}

// MarkSent records that r was posted as message messageID; late says it was posted after its time.
// The lease owner stays on the row as a record of which sender posted it.
func (s *Store) MarkSent(ctx context.Context, r Reminder, messageID string, late bool) error {
	return s.settleOne(ctx, Outcome{Reminder: r, Status: mission.ReminderSent, MessageID: messageID, Late: late}, "mark sent")
}

// MarkFailed records that r could not be posted; errMsg is shown to moderators in /reminders list.
func (s *Store) MarkFailed(ctx context.Context, r Reminder, errMsg string) error {
	return s.settleOne(ctx, Outcome{Reminder: r, Status: mission.ReminderFailed, Error: errMsg}, "mark failed")
}

// MarkMissed records that r fell due too long ago to be worth posting (the bot was down longer
// than the late grace); the next digest lists it.
func (s *Store) MarkMissed(ctx context.Context, r Reminder, reason string) error {
	return s.settleOne(ctx, Outcome{Reminder: r, Status: mission.ReminderMissed, Error: reason}, "mark missed")
}

// MarkCancelled records that r is no longer needed (its flight landed or was cancelled between
// planning and posting, or the digest was switched off).
func (s *Store) MarkCancelled(ctx context.Context, r Reminder, reason string) error {
	return s.settleOne(ctx, Outcome{Reminder: r, Status: mission.ReminderCancelled, Error: reason}, "cancel")
}

// RetryLater keeps r pending but leased until at, recording why, so that no sender touches it
// before then (a long rate limit); after at any sender may claim it again.
func (s *Store) RetryLater(ctx context.Context, r Reminder, at time.Time, errMsg string) error {
	return s.settleOne(ctx, Outcome{Reminder: r, Status: mission.ReminderPending, RetryAt: at, Error: errMsg}, "postpone")
}

// Release gives back the leases of rows the caller claimed but did not post (a stopping
// scheduler), so that any sender may claim them at once instead of after the lease. Rows
// another sender holds by now are left alone.
func (s *Store) Release(ctx context.Context, rs ...Reminder) error {
	outs := make([]Outcome, len(rs))
	for i, r := range rs {
		outs[i] = Outcome{Reminder: r, Status: mission.ReminderPending}
	}
	_, err := s.Settle(ctx, outs)
	return err
}

// NextDue returns the next moment a pending reminder becomes claimable, and false when there is
// none: the due time of the earliest row nobody holds, or the end of a running lease if that
// comes first (a postponed retry, or the claim of a sender that may have died). The scheduler
// sleeps until then, so no row waits on a polling interval.
func (s *Store) NextDue(ctx context.Context, now time.Time) (time.Time, bool, error) {
	// The read pool: on SQLite this keeps the frequent look-ahead off the single writer.
	db := s.read.WithContext(ctx)
	var free []Reminder
	err := db.Select("id, due_at").
		Where("status = ? AND (lease_until IS NULL OR lease_until <= ?)", mission.ReminderPending, utc(now)).
		Order("due_at").Limit(1).Find(&free).Error
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next reminder: %w", err)
	}
	var leased []Reminder
	err = db.Select("id, lease_until").
		Where("status = ? AND lease_until > ?", mission.ReminderPending, utc(now)).
		Order("lease_until").Limit(1).Find(&leased).Error
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next lease end: %w", err)
	}
	var next time.Time
	if len(free) > 0 {
		next = free[0].DueAt.UTC()
	}
	if len(leased) > 0 && leased[0].LeaseUntil != nil && (next.IsZero() || leased[0].LeaseUntil.Before(next)) {
		next = leased[0].LeaseUntil.UTC()
	}
	return next, !next.IsZero(), nil
}

// ExpireLeases clears the leases of pending rows that ended before now and returns how many it
// cleared. Claims already treat an expired lease as free; clearing them keeps /reminders list
// and the database honest about what is being worked on.
func (s *Store) ExpireLeases(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Model(&Reminder{}).
		Where("status = ? AND lease_until IS NOT NULL AND lease_until <= ?", mission.ReminderPending, utc(now)).
		Updates(map[string]any{"lease_owner": "", "lease_until": nil, "updated_at": s.now()})
	if res.Error != nil {
		return 0, fmt.Errorf("expire leases: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// Reminder returns one reminder of the guild.
func (s *Store) Reminder(ctx context.Context, guildID string, id int64) (Reminder, error) {
	var r Reminder
	err := s.read.WithContext(ctx).Where("guild_id = ? AND id = ?", guildID, id).Take(&r).Error
	return r, notFound(err, "reminder", id)
}

// MissedSince lists the guild's reminders recorded missed (or failed) whose time was at or after
// since, oldest first, for the digest's "posts missed" section.
func (s *Store) MissedSince(ctx context.Context, guildID string, since time.Time, limit int) ([]Reminder, error) {
	q := s.read.WithContext(ctx).
		Where("guild_id = ? AND status IN ? AND due_at >= ?", guildID, []mission.ReminderStatus{mission.ReminderMissed, mission.ReminderFailed}, utc(since)).
		Order("due_at, id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var out []Reminder
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("find missed reminders: %w", err)
	}
	return out, nil
}

// LastSent returns the latest reminder of the kind the guild has posted, or ErrNotFound.
func (s *Store) LastSent(ctx context.Context, guildID string, kind mission.ReminderKind) (Reminder, error) {
	var r Reminder
	err := s.read.WithContext(ctx).Where("guild_id = ? AND kind = ? AND status = ?", guildID, kind, mission.ReminderSent).
		Order("due_at DESC, id DESC").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	return r, err
}

// LaterDue reports whether the guild has another reminder of r's kind, pending or already sent,
// due after r and at or before now: a digest that fell due while the bot was down is then
// superseded by the later one. Sent rows count too, since the later row may be posted by another
// worker before this one looks.
func (s *Store) LaterDue(ctx context.Context, r Reminder, now time.Time) (bool, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Reminder{}).
		Where("guild_id = ? AND kind = ? AND status IN ? AND due_at > ? AND due_at <= ? AND id <> ?",
			r.GuildID, r.Kind, []mission.ReminderStatus{mission.ReminderPending, mission.ReminderSent}, utc(r.DueAt), utc(now), r.ID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("find later %s: %w", r.Kind, err)
	}
	return n > 0, nil
}

// DigestFilter narrows RecentDigests.
type DigestFilter struct {
	Since   time.Time // due at or after
	GuildID string    // of this guild only; "" for every guild
}

// RecentDigests returns every digest row, whatever its status, that f selects, for the planning
// that reconciles them with each guild's schedule without writing when nothing changed:
// housekeeping reads every guild's, a settings change one guild's.
func (s *Store) RecentDigests(ctx context.Context, f DigestFilter) ([]Reminder, error) {
	var out []Reminder
	q := s.read.WithContext(ctx).Where("kind = ? AND due_at >= ?", mission.ReminderDigest, utc(f.Since))
	if f.GuildID != "" {
		q = q.Where("guild_id = ?", f.GuildID)
	}
	err := q.Order("guild_id, due_at").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("find recent digests: %w", err)
	}
	return out, nil
}

// PlanDigests makes the guild's pending digests after since exactly want, in one transaction:
// rows whose key is not wanted any more are cancelled, rows whose time moved are moved, and
// missing ones are planned (reviving a cancelled row with the same key). A key already sent is
// never planned again, so a local day gets at most one digest whatever the schedule does.
// Rows that are due (at or before since) are left to the dispatcher.
func (s *Store) PlanDigests(ctx context.Context, guildID string, since time.Time, want []Reminder) error {
	return s.write(ctx, Change{GuildID: guildID, Effects: EffectReminders}, func(tx *gorm.DB, _ *Change) error {
		if err := s.ensureGuild(tx, guildID); err != nil {
			return err
		}
		var have []Reminder
		if err := tx.Where("guild_id = ? AND kind = ? AND status = ? AND due_at > ? AND lease_until IS NULL",
			guildID, mission.ReminderDigest, mission.ReminderPending, utc(since)).Find(&have).Error; err != nil {
			return fmt.Errorf("plan digests: %w", err)
		}
		wanted := map[string]Reminder{}
		for _, w := range want {
			wanted[w.DedupeKey] = w
		}
		for _, h := range have {
			w, ok := wanted[h.DedupeKey]
			switch {
			case !ok:
				err := tx.Model(&Reminder{}).Where("id = ? AND status = ?", h.ID, mission.ReminderPending).
					Updates(map[string]any{"status": mission.ReminderCancelled, "last_error": "digest schedule changed", "updated_at": s.now()}).Error
				if err != nil {
					return fmt.Errorf("cancel digest %s: %w", h.DedupeKey, err)
				}
			case !h.DueAt.Equal(utc(w.DueAt)):
				err := tx.Model(&Reminder{}).Where("id = ? AND status = ?", h.ID, mission.ReminderPending).
					Updates(map[string]any{"due_at": utc(w.DueAt), "updated_at": s.now()}).Error
				if err != nil {
					return fmt.Errorf("move digest %s: %w", h.DedupeKey, err)
				}
				delete(wanted, h.DedupeKey)
			default:
				delete(wanted, h.DedupeKey)
			}
		}
		for _, w := range want {
			if _, ok := wanted[w.DedupeKey]; !ok {
				continue
			}
			w.GuildID, w.Kind = guildID, mission.ReminderDigest
			if err := s.insertReminder(tx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// TopUpCountdowns plans the mandate-end countdown posts still ahead of now for every guild with
// a mandate end, in case a guild's mandate end was written by a path that did not plan them
// (an import, an older version). Planning is idempotent: existing keys are left as they are.
func (s *Store) TopUpCountdowns(ctx context.Context) (int, error) {
	var gs []Guild
	if err := s.read.WithContext(ctx).Where("mandate_end IS NOT NULL").Find(&gs).Error; err != nil {
		return 0, fmt.Errorf("top up countdowns: %w", err)
	}
	now := s.now()
	n := 0
	for _, g := range gs {
		// In UTC, as planCountdown computes them: AddDate in a zone with DST would move the
		// time by an hour and make a different key.
		end := g.MandateEnd.UTC()
		var want []Reminder
		for _, days := range mission.CountdownDays() {
			due := end.AddDate(0, 0, -days)
			if due.Before(now) {
				continue
			}
			want = append(want, Reminder{GuildID: g.ID, Kind: mission.ReminderCountdown,
				DedupeKey:  fmt.Sprintf("countdown:%d:%d", days, end.Unix()),
				OffsetSecs: int64(days) * 86400, DueAt: due})
		}
		if len(want) == 0 {
			continue
		}
		// Only keys that do not exist at all are planned: a row with the key, whatever its status,
		// was settled by the guild's own history (posted, or cancelled by a mandate-end change).
		var have []string
		keys := make([]string, len(want))
		for i, w := range want {
			keys[i] = w.DedupeKey
		}
		if err := s.db.WithContext(ctx).Model(&Reminder{}).Where("guild_id = ? AND dedupe_key IN ?", g.ID, keys).
			Pluck("dedupe_key", &have).Error; err != nil {
			return n, fmt.Errorf("top up countdowns: %w", err)
		}
		exists := map[string]bool{}
		for _, k := range have {
			exists[k] = true
		}
		for _, w := range want {
			if exists[w.DedupeKey] {
				continue
			}
			if err := s.PlanReminder(ctx, w); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
