package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestSetShare walks a guild's link on both drivers: the first share draws a token that opens
// the page and is stored only as its hash; changing what is shown keeps the link; new_link
// replaces it and the old one stops at once; off ends it; and each change is one settings
// audit entry that names the scope and the link's number, never the token or its hash.
func TestSetShare(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("G")
		opens := func(token string) bool {
			t.Helper()
			_, err := s.ShareByToken(ctx, token)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		if sh, err := s.GuildShare(ctx, "G"); err != nil || sh.Scope != mission.ShareOff {
			t.Fatalf("GuildShare before any share = %+v, %v; want off", sh, err)
		}

		sh, first, err := s.SetShare(ctx, a, mission.ShareForces, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != storage.ShareTokenLen || sh.Link != 1 || sh.TokenHash != storage.HashShareToken(first) || !opens(first) {
			t.Fatalf("first share = %+v, token %q (opens %v); want link 1 opened by its token", sh, first, opens(first))
		}
		var stored int64
		if err := s.DB().Model(&storage.Share{}).Where("token_hash = ?", first).Count(&stored).Error; err != nil || stored != 0 {
			t.Errorf("the token itself is stored (%d rows, %v)", stored, err)
		}

		// Showing flights too keeps the link: no token is drawn or returned.
		sh, again, err := s.SetShare(ctx, a, mission.ShareForcesFlights, false)
		if err != nil || again != "" || sh.Link != 1 || !opens(first) {
			t.Fatalf("scope change = %+v, token %q, %v; want the same link", sh, again, err)
		}
		if got, _ := s.ShareByToken(ctx, first); got.Scope != mission.ShareForcesFlights {
			t.Errorf("the link shows %q, want forces-and-flights", got.Scope)
		}

		// new_link: a new token opens the page, the old one no longer does.
		sh, second, err := s.SetShare(ctx, a, mission.ShareForcesFlights, true)
		if err != nil || second == "" || second == first || sh.Link != 2 {
			t.Fatalf("new_link = %+v, token %q, %v; want link 2 with a new token", sh, second, err)
		}
		if opens(first) || !opens(second) {
			t.Errorf("after new_link the old link opens: %v, the new one: %v; want false, true", opens(first), opens(second))
		}

		// off ends the page; sharing again draws a third link, and neither old one comes back.
		if sh, tok, err := s.SetShare(ctx, a, mission.ShareOff, false); err != nil || tok != "" || sh.TokenHash != "" || opens(second) {
			t.Fatalf("off = %+v, token %q, %v; the link opens: %v", sh, tok, err, opens(second))
		}
		sh, third, err := s.SetShare(ctx, a, mission.ShareForces, false)
		if err != nil || third == "" || sh.Link != 3 || opens(first) || opens(second) || !opens(third) {
			t.Fatalf("sharing again = %+v, %v; want link 3 alone", sh, err)
		}
		if _, _, err := s.SetShare(ctx, a, "everything", false); err == nil {
			t.Error("SetShare took the scope \"everything\"")
		}

		entries, err := s.FindAudit(ctx, "G", storage.AuditFilter{Kind: mission.KindSettings})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{ // newest first
			`{"share":"off","link":0} → {"share":"forces","link":3}`,
			`{"share":"forces-and-flights","link":2} → {"share":"off","link":0}`,
			`{"share":"forces-and-flights","link":1} → {"share":"forces-and-flights","link":2}`,
			`{"share":"forces","link":1} → {"share":"forces-and-flights","link":1}`,
			`{"share":"off","link":0} → {"share":"forces","link":1}`,
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Before+" → "+e.After)
			for _, secret := range []string{first, second, third, storage.HashShareToken(first), storage.HashShareToken(third)} {
				if strings.Contains(e.Before+e.After, secret) {
					t.Errorf("audit entry %+v holds a token or its hash", e)
				}
			}
			if e.UserID != a.UserID || e.Action != mission.ActionUpdate {
				t.Errorf("audit entry %+v, want %s's update", e, a.UserID)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit of the share:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
