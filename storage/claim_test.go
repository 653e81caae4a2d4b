package storage_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestClaimDueForCapsGuilds: a capped claim takes at most PerGuild rows of a guild, the oldest
// of each, leaves out the guilds the sender is still posting for, and stays in due order (ties
// by id).
func TestClaimDueForCapsGuilds(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		for i := range 4 {
			planAt(t, s, "A", fmt.Sprintf("a%d", i), now.Add(time.Duration(i-10)*time.Second))
			planAt(t, s, "B", fmt.Sprintf("b%d", i), now.Add(time.Duration(i-8)*time.Second))
			planAt(t, s, "C", fmt.Sprintf("c%d", i), now.Add(time.Duration(i-6)*time.Second))
		}
		got, err := s.ClaimDueFor(ctx, "one#1", now, time.Minute, storage.ClaimLimits{Limit: 10, PerGuild: 2, SkipGuilds: []string{"C"}})
		if err != nil {
			t.Fatalf("ClaimDueFor: %v", err)
		}
		if want := []string{"a0", "a1", "b0", "b1"}; !slices.Equal(keysOf(got), want) {
			t.Fatalf("ClaimDueFor(per guild 2, skip C) = %q, want %q", keysOf(got), want)
		}
		got, err = s.ClaimDueFor(ctx, "one#2", now, time.Minute, storage.ClaimLimits{Limit: 3, PerGuild: 1})
		if err != nil {
			t.Fatalf("ClaimDueFor: %v", err)
		}
		if want := []string{"a2", "c0", "b2"}; !slices.Equal(keysOf(got), want) {
			t.Fatalf("second ClaimDueFor(per guild 1) = %q, want %q", keysOf(got), want)
		}
	})
}

// TestExtendLeases: the heartbeat moves the leases the sender still holds and no other.
func TestExtendLeases(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		now := s.Now()
		planAt(t, s, "A", "x", now)
		planAt(t, s, "A", "y", now)
		planAt(t, s, "A", "z", now)
		mine, err := s.ClaimDueFor(ctx, "one#1", now, 5*time.Second, storage.ClaimLimits{Limit: 2})
		if err != nil || len(mine) != 2 {
			t.Fatalf("ClaimDueFor = %d rows, %v", len(mine), err)
		}
		other, err := s.ClaimDueFor(ctx, "two#1", now, 5*time.Second, storage.ClaimLimits{Limit: 1})
		if err != nil || len(other) != 1 {
			t.Fatalf("ClaimDueFor = %d rows, %v", len(other), err)
		}
		if err := s.MarkSent(ctx, mine[1], "m", false); err != nil {
			t.Fatal(err)
		}
		until := now.Add(30 * time.Second)
		// The other sender's row is passed too, under its own owner: a sender passes only
		// its own rows, but the check must not trust it.
		forged := other[0]
		forged.LeaseOwner = "one#1"
		n, err := s.ExtendLeases(ctx, []storage.Reminder{mine[0], mine[1], forged}, until)
		if err != nil || n != 1 {
			t.Fatalf("ExtendLeases = %d, %v; want 1 (the settled row and the other sender's are left)", n, err)
		}
		if r := reload(t, s, mine[0]); r.LeaseUntil == nil || !r.LeaseUntil.Equal(until) {
			t.Errorf("held row's lease = %v, want %v", r.LeaseUntil, until)
		}
		if r := reload(t, s, other[0]); r.LeaseUntil == nil || !r.LeaseUntil.Equal(now.Add(5*time.Second)) {
			t.Errorf("other sender's lease = %v, want it unchanged at %v", r.LeaseUntil, now.Add(5*time.Second))
		}
		if r := reload(t, s, mine[1]); r.LeaseUntil != nil {
			t.Errorf("settled row's lease = %v, want none", r.LeaseUntil)
		}
	})
}
