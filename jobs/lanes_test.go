package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
)

// TestClaimHoldsPerGuildRows: a burst for one channel is claimed PerGuild rows at a time (what
// the channel's rate limit lets the instance post within the lease), not a whole batch that
// would sit leased while the channel drains; all of it is posted in the end.
func TestClaimHoldsPerGuildRows(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	bulkDue(t, f.store, "G", 30, f.clock.Now().Add(-time.Minute))
	f.poster.block = make(chan struct{})
	f.poster.started = make(chan struct{}, 100)
	done := make(chan int)
	go func() { done <- f.dispatch(t) }()
	select {
	case <-f.poster.started:
	case <-time.After(5 * time.Second):
		t.Fatal("no post started")
	}
	var leased int64
	f.store.DB().Model(&storage.Reminder{}).Where("status = ? AND lease_until IS NOT NULL", mission.ReminderPending).Count(&leased)
	close(f.poster.block)
	if want := f.sched.PerGuild(); leased != int64(want) || want != 10 {
		t.Errorf("rows leased while the first post is in flight = %d, PerGuild = %d; want 10 (5 per 5 s within a 6 s lease)", leased, want)
	}
	if n := <-done; n != 30 {
		t.Errorf("settled %d, want 30", n)
	}
}

// TestAttemptNeverOutlivesLease: when the heartbeat has not kept up (here it never runs), the
// lane extends the row's lease itself before an attempt that could outlive it.
func TestAttemptNeverOutlivesLease(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.sched.Heartbeat = time.Hour
	f.flight(t, 0)
	f.clock.Advance(time.Second)
	var short error
	f.poster.fail = func(m Message, call int) error {
		if call == 1 {
			// A slow failure: most of the lease has gone by when it returns.
			f.clock.Advance(f.sched.Lease - time.Second)
			return &PostError{Status: 500, Err: errors.New("slow 500")}
		}
		var r storage.Reminder
		if err := f.store.DB().Where("kind = ?", mission.ReminderFlight).Take(&r).Error; err != nil {
			return err
		}
		if r.LeaseUntil == nil || r.LeaseUntil.Before(f.clock.Now().Add(f.sched.AttemptTimeout)) {
			short = fmt.Errorf("attempt at %v started with the lease ending at %v", f.clock.Now(), r.LeaseUntil)
		}
		return nil
	}
	if n, err := f.sched.DispatchDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("DispatchDue = %d, %v", n, err)
	}
	if short != nil {
		t.Error(short)
	}
}
