package jobs

import (
	"context"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
)

// TestTimingsFollowTheConfiguredLease: the heartbeat and the attempt timeout derive from the
// lease the caller sets after New, not from the default lease (with a 60 s lease the heartbeat
// used to stay at 1.5 s, a quarter of the default 6 s).
func TestTimingsFollowTheConfiguredLease(t *testing.T) {
	tests := []struct {
		lease, heartbeat, attempt time.Duration
	}{
		{60 * time.Second, 15 * time.Second, DefaultAttemptTimeout},
		{3 * time.Second, 750 * time.Millisecond, 2 * time.Second},
		{0, DefaultLease / 4, DefaultAttemptTimeout}, // unset: the default lease
	}
	for _, tt := range tests {
		s := New(nil, nil, nil)
		if tt.lease > 0 {
			s.Lease = tt.lease
		}
		s.init()
		if s.Heartbeat != tt.heartbeat || s.AttemptTimeout != tt.attempt {
			t.Errorf("lease %v: heartbeat %v, attempt timeout %v; want %v, %v", s.Lease, s.Heartbeat, s.AttemptTimeout, tt.heartbeat, tt.attempt)
		}
	}
}

// TestOnlySettingsReplanDigests: as Run hears them, a flight change or a new arrival plans no
// digest; a settings change plans its own guild's digests, and no other guild's.
func TestOnlySettingsReplanDigests(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	ctx := context.Background()
	f.setGuild(t, "H", func(g *storage.Guild) { g.ChannelID = "C2" })
	defer f.store.Subscribe(f.sched.heard)()
	digests := func(guild string) int {
		var n int64
		if err := f.store.DB().Model(&storage.Reminder{}).Where("guild_id = ? AND kind = ? AND status = ?", guild, mission.ReminderDigest, mission.ReminderPending).
			Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	// Nothing planned yet: the setGuild calls above came before the subscription.
	f.sched.planChanged(ctx)
	if g, h := digests("G"), digests("H"); g != 0 || h != 0 {
		t.Fatalf("digests before any change heard: G %d, H %d; want none", g, h)
	}
	fl := f.flight(t, time.Hour)
	if _, err := f.store.DelayFlight(ctx, storage.Actor{GuildID: "G", UserID: "mod"}, fl.ID, f.clock.Now().Add(2*time.Hour), "weather"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.LogArrival(ctx, storage.Actor{GuildID: "G", UserID: "mod"}, storage.Arrival{Country: "KE", Personnel: 10, Role: mission.RolePolice, ArrivedAt: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	f.sched.planChanged(ctx)
	if g, h := digests("G"), digests("H"); g != 0 || h != 0 {
		t.Errorf("digests after a flight change and an arrival: G %d, H %d; want none planned", g, h)
	}
	f.setGuild(t, "G", func(g *storage.Guild) { g.Digest = "0 9 * * *" })
	f.sched.planChanged(ctx)
	if g, h := digests("G"), digests("H"); g == 0 || h != 0 {
		t.Errorf("digests after G's settings changed: G %d, H %d; want G's planned, H's not", g, h)
	}
}
