package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"liaison/mission"
	"liaison/storage"
)

// item is one claimed reminder's outcome on its way to the database, with what metrics need.
type item struct {
	out      storage.Outcome
	lateness time.Duration // for sent posts
	skip     bool          // the lease was lost: another sender owns the row, write nothing
}

// pass is one DispatchDue run: it caches guild settings so that a burst of reminders of one
// guild reads them once, and keeps the rows it holds (claimed, outcome not yet recorded) for
// the heartbeat that extends their leases.
type pass struct {
	mu     sync.Mutex
	guilds map[string]storage.Guild
	held   map[int64]storage.Reminder
	busy   map[string]bool // guilds whose lane is still posting
	// leaseEnd is the lease end (UnixNano) the last heartbeat gave every held row.
	leaseEnd atomic.Int64
	// slots bounds the posts in flight (Workers); a lane waiting on a rate limit holds none.
	slots chan struct{}
	// laneDone is signalled (without blocking) whenever a lane ends, so that the claim loop
	// can claim that guild's next rows.
	laneDone chan struct{}
}

// signal wakes the claim loop if it waits on laneDone; one pending signal is enough.
func (p *pass) signal() {
	select {
	case p.laneDone <- struct{}{}:
	default:
	}
}

func (p *pass) guild(ctx context.Context, st *storage.Store, id string) (storage.Guild, error) {
	p.mu.Lock()
	g, ok := p.guilds[id]
	p.mu.Unlock()
	if ok {
		return g, nil
	}
	g, err := st.Guild(ctx, id)
	if err != nil {
		return g, err
	}
	p.mu.Lock()
	p.guilds[id] = g
	p.mu.Unlock()
	return g, nil
}

// heldRows returns the rows whose outcome is not recorded yet, and how many.
func (p *pass) heldRows() []storage.Reminder {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]storage.Reminder, 0, len(p.held))
	for _, r := range p.held {
		out = append(out, r)
	}
	return out
}

// leaseUntil is the latest lease end this pass knows r to have: its claim's, or the last
// heartbeat's if later.
func (p *pass) leaseUntil(r storage.Reminder, fallback time.Time) time.Time {
	until := fallback
	if r.LeaseUntil != nil {
		until = *r.LeaseUntil
	}
	if hb := p.leaseEnd.Load(); hb != 0 && time.Unix(0, hb).After(until) {
		until = time.Unix(0, hb).UTC()
	}
	return until
}

// PerGuild is how many rows of one guild a claim takes: what its channel's rate limit lets
// the instance post before the lease ends (ChannelBurst per ChannelWindow: 10 for a 6 s
// lease), so that no claimed row waits on the channel past its lease.
func (s *Scheduler) PerGuild() int {
	s.init()
	return s.ChannelBurst * (1 + int(s.Lease/s.ChannelWindow))
}

// DispatchDue claims and delivers every reminder due now and returns how many it settled
// (posted, failed, missed or cancelled). Each guild's rows go through one lane, in due order,
// since a guild posts in one channel; up to Workers posts are in flight at once across lanes,
// and a lane that waits on its channel's rate limit holds none of them. A claim takes at most
// PerGuild rows of a guild, none of a guild whose lane is still busy, and the pass holds at
// most Batch rows; a heartbeat extends the leases of the rows held, so that the lease can be
// short and a crashed instance's rows wait only that long. Outcomes are written in batches,
// one transaction per batch. When ctx is cancelled it stops claiming, lets posts in flight
// finish (each is bounded by AttemptTimeout, within the lease), releases what it had claimed
// but not posted, and returns.
func (s *Scheduler) DispatchDue(ctx context.Context) (int, error) {
	s.init()
	p := &pass{guilds: map[string]storage.Guild{}, held: map[int64]storage.Reminder{}, busy: map[string]bool{},
		slots: make(chan struct{}, s.Workers), laneDone: make(chan struct{}, 1)}
	results := make(chan item, s.Batch)
	type collected struct {
		n   int
		err error
	}
	done := make(chan collected, 1)
	go func() {
		n, err := s.collect(ctx, p, results)
		done <- collected{n, err}
	}()
	hbDone := make(chan struct{})
	hbStopped := make(chan struct{})
	go func() {
		defer close(hbStopped)
		s.heartbeat(ctx, p, hbDone)
	}()

	var lanes sync.WaitGroup
	var claimErr error
	for ctx.Err() == nil {
		p.mu.Lock()
		room := s.Batch - len(p.held)
		skip := make([]string, 0, len(p.busy))
		for g := range p.busy {
			skip = append(skip, g)
		}
		p.mu.Unlock()
		got := 0
		if room > 0 {
			owner := fmt.Sprintf("%s#%d", s.Owner, s.seq.Add(1))
			rows, err := s.Store.ClaimDueFor(ctx, owner, s.now(), s.Lease,
				storage.ClaimLimits{Limit: room, PerGuild: s.PerGuild(), SkipGuilds: skip})
			if err != nil {
				if ctx.Err() == nil {
					claimErr = err
				}
				break
			}
			got = len(rows)
			s.startLanes(ctx, p, rows, results, &lanes)
			if got == room {
				continue // there may be more due right now
			}
		}
		// skip was taken with room: with no lane busy then, an empty claim means nothing is due.
		// A lane that ended since has signalled laneDone, so the wait below returns at once.
		// (On Postgres a claim skips the rows another instance is claiming at that moment, SKIP
		// LOCKED: Run's nextWait then finds them still due and dispatches again at once.)
		if len(skip) == 0 && got == 0 {
			break
		}
		// Wait for a lane to end (its guild may have more due) or room to free up.
		select {
		case <-p.laneDone:
		case <-ctx.Done():
		}
	}
	lanes.Wait()
	close(hbDone)
	<-hbStopped
	close(results)
	c := <-done
	return c.n, errors.Join(claimErr, c.err)
}

// startLanes hands claimed rows to one lane per guild, in due order (the claim returns them so).
func (s *Scheduler) startLanes(ctx context.Context, p *pass, rows []storage.Reminder, results chan<- item, lanes *sync.WaitGroup) {
	byGuild := map[string][]storage.Reminder{}
	var order []string
	p.mu.Lock()
	for _, r := range rows {
		if _, dup := p.held[r.ID]; dup {
			continue // already in a lane: its lease ran out and this pass took it again
		}
		p.held[r.ID] = r
		if _, ok := byGuild[r.GuildID]; !ok {
			order = append(order, r.GuildID)
		}
		byGuild[r.GuildID] = append(byGuild[r.GuildID], r)
	}
	for _, g := range order {
		p.busy[g] = true
	}
	p.mu.Unlock()
	for _, g := range order {
		lanes.Add(1)
		go func(g string, rows []storage.Reminder) {
			defer lanes.Done()
			defer func() {
				p.mu.Lock()
				delete(p.busy, g)
				p.mu.Unlock()
				p.signal()
			}()
			for i, r := range rows {
				if ctx.Err() != nil {
					// Stopping: what was claimed but not started goes back at once, not after the lease.
					for _, rest := range rows[i:] {
						results <- item{out: storage.Outcome{Reminder: rest, Status: mission.ReminderPending}}
					}
					return
				}
				results <- s.deliverSafe(ctx, p, r)
			}
		}(g, byGuild[g])
	}
}

// heartbeat extends the leases of the rows the pass holds every Heartbeat until done closes.
// It stops with ctx too: every attempt in flight then was started with at least
// AttemptTimeout of lease left, so it ends inside its lease, and a stopping instance's
// unfinished rows should go to another instance as soon as its lease runs out.
func (s *Scheduler) heartbeat(ctx context.Context, p *pass, done <-chan struct{}) {
	t := time.NewTicker(s.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows := p.heldRows()
		if len(rows) == 0 {
			continue
		}
		until := s.now().Add(s.Lease)
		if _, err := s.Store.ExtendLeases(ctx, rows, until); err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("reminder heartbeat failed", "rows", len(rows), "err", err)
			}
			continue
		}
		p.leaseEnd.Store(until.UnixNano())
	}
}

// collect writes outcomes as they come, each time all that have arrived in one transaction, and
// reports metrics. It returns how many rows it settled for good.
func (s *Scheduler) collect(ctx context.Context, p *pass, results <-chan item) (int, error) {
	n := 0
	var errs []error
	batch := make([]item, 0, s.Batch)
	for it := range results {
		batch = append(batch[:0], it)
	drain:
		for len(batch) < s.Batch {
			select {
			case more, ok := <-results:
				if !ok {
					break drain
				}
				batch = append(batch, more)
			default:
				break drain
			}
		}
		settled, err := s.settle(ctx, batch)
		n += settled
		// Recorded (or given up on): no longer the heartbeat's to extend, and room for the
		// claim loop to take more.
		p.mu.Lock()
		for _, it := range batch {
			delete(p.held, it.out.Reminder.ID)
		}
		p.mu.Unlock()
		p.signal()
		if err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// settle records one batch. A sent post must be recorded even while the scheduler stops, so
// the write does not use ctx's cancellation; it is retried briefly, since a row left unrecorded
// is posted again (with the same nonce) once its lease ends.
func (s *Scheduler) settle(ctx context.Context, batch []item) (int, error) {
	outs := make([]storage.Outcome, 0, len(batch))
	for _, it := range batch {
		if !it.skip {
			outs = append(outs, it.out)
		}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var lost []int64
	var err error
	for try := 0; try < 3; try++ {
		if lost, err = s.Store.Settle(wctx, outs); err == nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 100 * time.Millisecond)
	}
	if err != nil {
		return 0, fmt.Errorf("record %d reminder outcomes: %w", len(outs), err)
	}
	isLost := map[int64]bool{}
	for _, id := range lost {
		isLost[id] = true
	}
	n := 0
	for _, it := range batch {
		o := it.out
		if it.skip {
			continue
		}
		if isLost[o.Reminder.ID] {
			// Another sender re-claimed the row after our lease ran out; with the same nonce its
			// post returned ours (or ours returned its), so there is still one message.
			s.Log.Info("reminder outcome not recorded: lease lost", "reminder", o.Reminder.ID, "status", o.Status)
		}
		kind := string(o.Reminder.Kind) // a metrics label
		switch o.Status {
		case mission.ReminderSent:
			n++
			if f := s.Metrics.Posted; f != nil {
				f(kind, o.Late)
			}
			if f := s.Metrics.Lateness; f != nil {
				f(kind, it.lateness)
			}
		case mission.ReminderFailed:
			n++
			if f := s.Metrics.Failed; f != nil {
				f(kind)
			}
		case mission.ReminderMissed:
			n++
			if f := s.Metrics.Missed; f != nil {
				f(kind)
			}
		case mission.ReminderCancelled:
			n++
		}
	}
	return n, nil
}

// dispatchSafe is DispatchDue that survives a panic outside the workers (which recover their
// own): the loop must keep running whatever one pass does.
func (s *Scheduler) dispatchSafe(ctx context.Context) (n int, err error) {
	defer func() {
		if v := recover(); v != nil {
			s.Log.Error("dispatcher panic", "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("dispatcher panic: %v", v)
		}
	}()
	return s.DispatchDue(ctx)
}

// deliverSafe is deliver with a recover: a reminder whose rendering panics is recorded failed
// (and logged with its stack) instead of killing the bot or being retried forever.
func (s *Scheduler) deliverSafe(ctx context.Context, p *pass, r storage.Reminder) (it item) {
	defer func() {
		if v := recover(); v != nil {
			s.Log.Error("reminder panic", "reminder", r.ID, "kind", r.Kind, "panic", v, "stack", string(debug.Stack()))
			it = item{out: storage.Outcome{Reminder: r, Status: mission.ReminderFailed, Error: fmt.Sprintf("internal error: %v", v)}}
		}
	}()
	return s.deliver(ctx, p, r)
}

// verdict is a reminder settled without posting: cancelled (no longer needed), missed or failed.
type verdict struct {
	status mission.ReminderStatus
	reason string
}

func (v *verdict) Error() string { return string(v.status) + ": " + v.reason }

func cancelledf(format string, args ...any) error {
	return &verdict{mission.ReminderCancelled, fmt.Sprintf(format, args...)}
}

func missedf(format string, args ...any) error {
	return &verdict{mission.ReminderMissed, fmt.Sprintf(format, args...)}
}

func failedf(format string, args ...any) error {
	return &verdict{mission.ReminderFailed, fmt.Sprintf(format, args...)}
}

// ErrNoChannel is the failure recorded when a guild has no announcement channel.
var ErrNoChannel = errors.New("no announcement channel: /settings channel")

// deliver decides what to do with one claimed reminder and does it: post (with retries), or
// settle it as cancelled, missed or failed.
func (s *Scheduler) deliver(ctx context.Context, p *pass, r storage.Reminder) item {
	it := item{out: storage.Outcome{Reminder: r}}
	settle := func(status mission.ReminderStatus, reason string) item {
		it.out.Status, it.out.Error = status, reason
		return it
	}
	if ctx.Err() != nil {
		return settle(mission.ReminderPending, "")
	}
	// Claimed many times without an outcome: its senders keep dying on it.
	if r.Attempts > 2*s.MaxAttempts {
		return settle(mission.ReminderFailed, fmt.Sprintf("claimed %d times without an outcome; giving up", r.Attempts))
	}
	now := s.now()
	g, err := p.guild(ctx, s.Store, r.GuildID)
	if err != nil {
		if ctx.Err() != nil {
			return settle(mission.ReminderPending, "") // stopping, not a database problem
		}
		return s.postpone(it, now, fmt.Errorf("load guild: %w", err))
	}
	lateBy := now.Sub(r.DueAt)
	late := lateBy > s.LateAfter
	msg, err := s.compose(ctx, g, r, now, late)
	var v *verdict
	switch {
	case errors.As(err, &v):
		return settle(v.status, v.reason)
	case err != nil && ctx.Err() != nil:
		return settle(mission.ReminderPending, "")
	case err != nil:
		return s.postpone(it, now, err)
	}
	// A digest is rendered from the state at posting time, so a late one is still true; the
	// others describe a moment that has passed.
	if lateBy > s.LateGrace && r.Kind != mission.ReminderDigest {
		return settle(mission.ReminderMissed, fmt.Sprintf("due %s, could not be posted within the late grace of %v",
			r.DueAt.Format(time.RFC3339), s.LateGrace))
	}
	if g.ChannelID == "" {
		g.ChannelID = s.FallbackChannel
	}
	if g.ChannelID == "" {
		if s.reportOnce("nochannel:" + g.ID) {
			s.Log.Warn("reminder not posted: guild has no announcement channel", "guild", g.ID, "reminder", r.ID)
		}
		return settle(mission.ReminderFailed, ErrNoChannel.Error())
	}
	msg.ChannelID = g.ChannelID
	msg.Nonce = r.Nonce
	return s.post(ctx, p, it, msg, late)
}

// postpone gives a row back for a later try after a database error, without spending a post
// attempt on it; the lease keeps every sender off it until then.
func (s *Scheduler) postpone(it item, now time.Time, err error) item {
	at := now.Add(s.backoff(it.out.Reminder.Attempts))
	s.wakeAt(at)
	s.Log.Warn("reminder postponed", "reminder", it.out.Reminder.ID, "until", at, "err", err)
	it.out.Status, it.out.RetryAt, it.out.Error = mission.ReminderPending, at, err.Error()
	return it
}

// holdWait is the longest wait for a retry that a lane sits out holding its row (the
// heartbeat keeps the lease): a channel's 429 asks for at most 5 s, and holding the row keeps
// the guild's later posts behind it, in due order. A longer wait (a global limit, an outage)
// gives the row back, leased until then, and frees the lane.
const holdWait = 10 * time.Second

// post sends msg, retrying what can be retried, and returns the outcome.
func (s *Scheduler) post(ctx context.Context, p *pass, it item, msg Message, late bool) item {
	r := it.out.Reminder
	failures, limited := 0, 0
	pacer, _ := s.Poster.(Pacer)
	for {
		if ctx.Err() != nil {
			it.out.Status = mission.ReminderPending // stopping: released for another sender
			return it
		}
		// Wait out the channel's rate limit without taking a post slot, so that other
		// channels' posts go meanwhile.
		if pacer != nil {
			if d := pacer.ReadyIn(msg.ChannelID); d > 0 && !sleep(ctx, d) {
				it.out.Status = mission.ReminderPending
				return it
			}
		}
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			it.out.Status = mission.ReminderPending
			return it
		}
		// An attempt must not outlive the lease, or another sender could post meanwhile. The
		// heartbeat keeps the lease ahead; if it has fallen behind, extend this row's now.
		if now := s.now(); p.leaseUntil(r, now).Sub(now) < s.AttemptTimeout {
			until := now.Add(s.Lease)
			if err := s.Store.ExtendLease(context.WithoutCancel(ctx), r, until); err != nil {
				<-p.slots
				if errors.Is(err, storage.ErrLeaseLost) {
					it.skip = true
					return it
				}
				return s.postpone(it, now, err)
			}
			r.LeaseUntil = &until
		}
		// An attempt in flight is allowed to finish when the scheduler stops: abandoning it would
		// leave unknown whether Discord posted the message.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.AttemptTimeout)
		id, err := s.Poster.Post(actx, msg)
		cancel()
		<-p.slots
		if err == nil {
			it.out.Status, it.out.MessageID, it.out.Late = mission.ReminderSent, id, late
			it.lateness = s.now().Sub(r.DueAt)
			return it
		}
		if permanent(err) {
			reason := describe(err, msg.ChannelID)
			if s.reportOnce(fmt.Sprintf("permanent:%s:%s", msg.ChannelID, reason)) {
				s.Log.Error("reminder cannot be posted", "guild", r.GuildID, "channel", msg.ChannelID, "reminder", r.ID, "err", reason)
			}
			it.out.Status, it.out.Error = mission.ReminderFailed, reason
			return it
		}
		wait, isLimit := retryAfter(err)
		if isLimit {
			limited++
		} else {
			failures++
			wait = s.backoff(failures)
		}
		// Rate limits do not count as failures: Discord said when to come back. They are
		// bounded all the same, so that a row cannot spin forever.
		if failures >= s.MaxAttempts || limited >= 4*s.MaxAttempts {
			it.out.Status = mission.ReminderFailed
			it.out.Error = fmt.Sprintf("gave up after %d attempts: %s", failures+limited, describe(err, msg.ChannelID))
			return it
		}
		if wait > holdWait {
			// A long wait (a global rate limit) should not hold the lane: give the row back,
			// leased until then, and come back for it.
			at := s.now().Add(wait)
			s.wakeAt(at)
			it.out.Status, it.out.RetryAt, it.out.Error = mission.ReminderPending, at, describe(err, msg.ChannelID)
			return it
		}
		s.Log.Debug("reminder post failed; retrying", "reminder", r.ID, "in", wait, "err", err)
		if !sleep(ctx, wait) {
			it.out.Status, it.out.Error = mission.ReminderPending, describe(err, msg.ChannelID)
			return it
		}
	}
}

// sleep waits d and reports true, or false as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// backoff is the wait before retry n (1-based): exponential from BackoffBase, capped at
// BackoffMax, with "equal jitter" (half fixed, half random) so that many rows failing together
// do not retry together.
func (s *Scheduler) backoff(n int) time.Duration {
	d := s.BackoffMax
	if n < 1 {
		n = 1
	}
	if n < 32 {
		if e := s.BackoffBase << (n - 1); e > 0 && e < d {
			d = e
		}
	}
	return d/2 + rand.N(d/2+1)
}

// describe turns a post error into the sentence moderators read in /reminders list.
func describe(err error, channelID string) string {
	var pe *PostError
	if errors.As(err, &pe) {
		ref := fmt.Sprintf("HTTP %d", pe.Status)
		if pe.Code != 0 {
			ref = fmt.Sprintf("Discord %d", pe.Code)
		}
		switch {
		case pe.Status == 404 || pe.Code == 10003:
			return fmt.Sprintf("announcement channel <#%s> no longer exists (%s): choose another with /settings channel", channelID, ref)
		case pe.Status == 403 || pe.Code == 50001 || pe.Code == 50013:
			return fmt.Sprintf("the bot may not post in <#%s> (%s: missing access or permission): grant View Channel, Send Messages and Embed Links, or choose another with /settings channel", channelID, ref)
		}
	}
	return err.Error()
}
