package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"sync"
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
// guild reads them once.
type pass struct {
	mu     sync.Mutex
	guilds map[string]storage.Guild
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

// DispatchDue claims and delivers every reminder due now, Workers at a time, and returns how many
// it settled (posted, failed, missed or cancelled). Outcomes are written in batches, one
// transaction per batch. When ctx is cancelled it stops claiming, lets posts in flight finish
// (each is bounded by AttemptTimeout), releases what it had claimed but not posted, and returns.
func (s *Scheduler) DispatchDue(ctx context.Context) (int, error) {
	s.init()
	p := &pass{guilds: map[string]storage.Guild{}}
	work := make(chan storage.Reminder)
	results := make(chan item, s.Batch)
	var wg sync.WaitGroup
	for range s.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				results <- s.deliverSafe(ctx, p, r)
			}
		}()
	}
	type collected struct {
		n   int
		err error
	}
	done := make(chan collected, 1)
	go func() {
		n, err := s.collect(ctx, results)
		done <- collected{n, err}
	}()

	var claimErr error
claiming:
	for ctx.Err() == nil {
		owner := fmt.Sprintf("%s#%d", s.Owner, s.seq.Add(1))
		rows, err := s.Store.ClaimDue(ctx, owner, s.now(), s.Lease, s.Batch)
		if err != nil {
			if ctx.Err() == nil {
				claimErr = err
			}
			break
		}
		if len(rows) == 0 {
			break
		}
		for i, r := range rows {
			select {
			case work <- r:
			case <-ctx.Done():
				// Stopping: what was claimed but not started goes back at once, not after the lease.
				for _, rest := range rows[i:] {
					results <- item{out: storage.Outcome{Reminder: rest, Status: mission.ReminderPending}}
				}
				break claiming
			}
		}
	}
	close(work)
	wg.Wait()
	close(results)
	c := <-done
	return c.n, errors.Join(claimErr, c.err)
}

// collect writes outcomes as they come, each time all that have arrived in one transaction, and
// reports metrics. It returns how many rows it settled for good.
func (s *Scheduler) collect(ctx context.Context, results <-chan item) (int, error) {
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
	return s.post(ctx, it, msg, late)
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

// post sends msg, retrying what can be retried, and returns the outcome.
func (s *Scheduler) post(ctx context.Context, it item, msg Message, late bool) item {
	r := it.out.Reminder
	leaseUntil := s.now().Add(s.Lease)
	if r.LeaseUntil != nil {
		leaseUntil = *r.LeaseUntil
	}
	failures, limited := 0, 0
	for {
		if ctx.Err() != nil {
			it.out.Status = mission.ReminderPending // stopping: released for another sender
			return it
		}
		// An attempt must not outlive the lease, or another sender could post meanwhile.
		if now := s.now(); leaseUntil.Sub(now) < s.AttemptTimeout+5*time.Second {
			until := now.Add(s.Lease + s.AttemptTimeout)
			if err := s.Store.ExtendLease(context.WithoutCancel(ctx), r, until); err != nil {
				if errors.Is(err, storage.ErrLeaseLost) {
					it.skip = true
					return it
				}
				return s.postpone(it, now, err)
			}
			leaseUntil = until
		}
		// An attempt in flight is allowed to finish when the scheduler stops: abandoning it would
		// leave unknown whether Discord posted the message.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.AttemptTimeout)
		id, err := s.Poster.Post(actx, msg)
		cancel()
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
		if wait > s.Lease/2 {
			// A long wait (a global rate limit) should not hold a worker: give the row back,
			// leased until then, and come back for it.
			at := s.now().Add(wait)
			s.wakeAt(at)
			it.out.Status, it.out.RetryAt, it.out.Error = mission.ReminderPending, at, describe(err, msg.ChannelID)
			return it
		}
		s.Log.Debug("reminder post failed; retrying", "reminder", r.ID, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			it.out.Status, it.out.Error = mission.ReminderPending, describe(err, msg.ChannelID)
			return it
		case <-t.C:
		}
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
