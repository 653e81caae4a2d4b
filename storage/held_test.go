package storage_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestLeftOutRoleIsTheOnlyOneOnRecord: a left-out role is the country's only role deployed or
// pledged; with none or several, the write stores nothing and asks with the choices.
func TestLeftOutRoleIsTheOnlyOneOnRecord(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("G")
		now := s.Now()
		all := mission.Roles()
		tests := []struct {
			name    string
			setup   func(t *testing.T)
			country string
			want    mission.Role   // the role resolved, or
			choices []mission.Role // the question's choices
		}{
			{"nothing on record", nil, "KE", "", all[:]},
			{"deployed police", func(t *testing.T) {
				mustArrive(t, s, a, storage.Arrival{Country: "KE", Personnel: 20, Role: mission.RolePolice, ArrivedAt: now.Add(-48 * time.Hour)})
			}, "Kenya", mission.RolePolice, nil},
			{"pledged only, size unknown", func(t *testing.T) {
				if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Role: mission.RoleMilitary, AsOf: now}); err != nil {
					t.Fatal(err)
				}
			}, "JM", mission.RoleMilitary, nil},
			{"deployed police and pledged medical", func(t *testing.T) {
				mustArrive(t, s, a, storage.Arrival{Country: "SV", Personnel: 8, Role: mission.RoleMedical, ArrivedAt: now.Add(-48 * time.Hour)})
				if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: "SV", Role: mission.RolePolice, AsOf: now}); err != nil {
					t.Fatal(err)
				}
			}, "SV", "", []mission.Role{mission.RolePolice, mission.RoleMedical}},
			{"all departed: nothing deployed, nothing pledged", func(t *testing.T) {
				mustArrive(t, s, a, storage.Arrival{Country: "BZ", Personnel: 5, Role: mission.RoleStaff, ArrivedAt: now.Add(-72 * time.Hour)})
				if _, err := s.LogDeparture(ctx, a, storage.Departure{Country: "BZ", Personnel: 5, Role: mission.RoleStaff, DepartedAt: now.Add(-48 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}, "BZ", "", all[:]},
			{"a deleted pledge is not on record", func(t *testing.T) {
				p, err := s.SetPledge(ctx, a, storage.Pledge{Country: "HN", Role: mission.RoleMedical, AsOf: now})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.DB().Delete(&storage.Pledge{}, p.ID).Error; err != nil { // soft: deleted_at is set
					t.Fatal(err)
				}
			}, "HN", "", all[:]},
			{"a deleted arrival is not on record", func(t *testing.T) {
				in := mustArrive(t, s, a, storage.Arrival{Country: "BS", Personnel: 5, Role: mission.RoleSupport, ArrivedAt: now.Add(-72 * time.Hour)})
				if _, err := s.DeleteArrival(ctx, a, in.ID); err != nil {
					t.Fatal(err)
				}
			}, "BS", "", all[:]},
		}
		for _, tt := range tests {
			if tt.setup != nil {
				tt.setup(t)
			}
			got, err := s.ResolveRole(ctx, "G", tt.country, "")
			var q *storage.RoleQuestion
			switch {
			case tt.want != "" && (err != nil || got != tt.want):
				t.Errorf("%s: ResolveRole(%s) = %q, %v, want %q", tt.name, tt.country, got, err, tt.want)
			case tt.want == "" && (!errors.As(err, &q) || !reflect.DeepEqual(q.Choices, tt.choices)):
				t.Errorf("%s: ResolveRole(%s) = %q, %v, want a question with %v", tt.name, tt.country, got, err, tt.choices)
			}
			// The write applies the same rule: stored with the role, or not stored at all.
			before := countArrivals(t, s)
			stored, err := s.LogArrival(ctx, a, storage.Arrival{Country: tt.country, Personnel: 3, ArrivedAt: now.Add(-100 * time.Hour)})
			if tt.want != "" && (err != nil || stored.Role != tt.want) {
				t.Errorf("%s: LogArrival without a role = %q, %v, want %q", tt.name, stored.Role, err, tt.want)
			}
			if tt.want == "" {
				if !errors.As(err, &q) || countArrivals(t, s) != before {
					t.Errorf("%s: LogArrival without a role = %v, want a question and nothing stored", tt.name, err)
				}
				if msg := locale.Error(locale.English, err); !strings.Contains(msg, "`"+string(tt.choices[0])+"`") {
					t.Errorf("%s: the question %q does not name the choices", tt.name, msg)
				}
			}
		}
		// A given role is kept, whatever is on record.
		if r, err := s.ResolveRole(ctx, "G", "KE", mission.RoleOther); err != nil || r != mission.RoleOther {
			t.Errorf("ResolveRole(KE, other) = %q, %v, want other", r, err)
		}
	})
}

// TestManifestAsksForEachLeftOutRole: a manifest stores nothing while any entry's role is in
// doubt, and names every such entry with its choices.
func TestManifestAsksForEachLeftOutRole(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("G")
		mustArrive(t, s, a, storage.Arrival{Country: "KE", Personnel: 20, Role: mission.RolePolice, ArrivedAt: s.Now().Add(-time.Hour)})
		line := func(c string, n int) storage.ManifestLine {
			return storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: c, Personnel: n}}
		}
		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(time.Hour), Manifest: []storage.ManifestLine{line("KE", 10)}})
		if err != nil || f.Manifest[0].Role != mission.RolePolice {
			t.Fatalf("ScheduleFlight(KE 10) = %+v, %v, want KE's only role, police", f.Manifest, err)
		}
		_, err = s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(time.Hour),
			Manifest: []storage.ManifestLine{line("GT", 75), line("KE", 10), line("SV", 8)}})
		msg := locale.Error(locale.English, err)
		for _, want := range []string{"entry 1 (🇬🇹 Guatemala)", "entry 3 (🇸🇻 El Salvador)", "`police`"} {
			if !strings.Contains(msg, want) {
				t.Errorf("a manifest of two left-out roles: %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, "entry 2") {
			t.Errorf("a manifest of two left-out roles: %q asks about Kenya's, which is on record", msg)
		}
		if n, _ := s.CountFlights(ctx, "G", storage.FlightFilter{Status: storage.FlightsAll}, 1000); n != 1 {
			t.Errorf("flights stored = %d, want 1: a manifest in doubt stores nothing", n)
		}
		// A line added to a flight follows the same rule.
		if f, err := s.AddManifestLine(ctx, a, f.ID, mission.ManifestLine{Country: "KE", Personnel: 3}); err != nil || f.Manifest[1].Role != mission.RolePolice {
			t.Errorf("AddManifestLine(KE 3) = %+v, %v, want KE's only role, police", f.Manifest, err)
		}
		var q *storage.RoleQuestion
		if _, err := s.AddManifestLine(ctx, a, f.ID, mission.ManifestLine{Country: "GT", Personnel: 3}); !errors.As(err, &q) {
			t.Errorf("AddManifestLine(GT 3) = %v, want a question", err)
		}
		// An edit cannot leave a record without a role either.
		arr := mustArrive(t, s, a, storage.Arrival{Country: "KE", Personnel: 2, Role: mission.RolePolice, ArrivedAt: s.Now().Add(-time.Hour)})
		if _, err := s.EditArrival(ctx, a, arr.ID, func(in *storage.Arrival) error { in.Role = ""; return nil }); !errors.Is(err, mission.ErrInvalid) {
			t.Errorf("EditArrival to no role = %v, want refused", err)
		}
	})
}

// TestMatchesOfLikelyMistakes: an arrival or a departure matches the records of the same
// country, role and personnel less than a day from it; a pledge matches the pledge in force when
// it is older.
func TestMatchesOfLikelyMistakes(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("G")
		at := s.Now().Add(-72 * time.Hour)
		logged := mustArrive(t, s, a, storage.Arrival{Country: "GT", Personnel: 75, Role: mission.RoleMilitary, ArrivedAt: at})
		gone := mustArrive(t, s, a, storage.Arrival{Country: "GT", Personnel: 30, Role: mission.RoleMilitary, ArrivedAt: at})
		if _, err := s.DeleteArrival(ctx, a, gone.ID); err != nil {
			t.Fatal(err)
		}
		dep, err := s.LogDeparture(ctx, a, storage.Departure{Country: "GT", Personnel: 5, Role: mission.RoleMilitary, DepartedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		arrival := func(n int, r mission.Role, d time.Duration) *storage.Arrival {
			return &storage.Arrival{Country: "Guatemala", Personnel: n, Role: r, ArrivedAt: at.Add(d)}
		}
		departure := func(n int, r mission.Role, d time.Duration) *storage.Departure {
			return &storage.Departure{Country: "GT", Personnel: n, Role: r, DepartedAt: at.Add(d)}
		}
		day := 24 * time.Hour
		tests := []struct {
			name string
			rec  any
			want []int64
		}{
			{"the same arrival 23h59 later", arrival(75, mission.RoleMilitary, day-time.Minute), []int64{logged.ID}},
			{"the same arrival 23h59 earlier", arrival(75, mission.RoleMilitary, -day+time.Minute), []int64{logged.ID}},
			{"the same arrival 24h01 later", arrival(75, mission.RoleMilitary, day+time.Minute), nil},
			{"another role", arrival(75, mission.RolePolice, 0), nil},
			{"other personnel", arrival(76, mission.RoleMilitary, 0), nil},
			{"a deleted arrival", arrival(30, mission.RoleMilitary, 0), nil},
			{"the same departure 23h59 later", departure(5, mission.RoleMilitary, day-time.Minute), []int64{dep.ID}},
			{"the same departure 24h01 later", departure(5, mission.RoleMilitary, day+time.Minute), nil},
			{"a departure of other personnel", departure(6, mission.RoleMilitary, 0), nil},
		}
		for _, tt := range tests {
			ms, err := s.Matches(ctx, "G", tt.rec)
			var got []int64
			for _, m := range ms {
				got = append(got, m.ID)
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: Matches = %v, %v, want %v", tt.name, got, err, tt.want)
			}
		}

		p, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Role: mission.RolePolice, Personnel: intp(200), AsOf: at})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			rec  storage.Pledge
			want bool
		}{
			{"a pledge a day older", storage.Pledge{Country: "JM", Role: mission.RolePolice, AsOf: at.Add(-day)}, true},
			{"a pledge a second older", storage.Pledge{Country: "JM", Role: mission.RolePolice, AsOf: at.Add(-time.Second)}, true},
			{"a pledge as of the same time", storage.Pledge{Country: "JM", Role: mission.RolePolice, AsOf: at}, false},
			{"a newer pledge", storage.Pledge{Country: "JM", Role: mission.RolePolice, AsOf: at.Add(time.Hour)}, false},
			{"an older pledge of another role", storage.Pledge{Country: "JM", Role: mission.RoleMilitary, AsOf: at.Add(-day)}, false},
		} {
			ms, err := s.Matches(ctx, "G", &tt.rec)
			if got := len(ms) == 1 && ms[0].ID == p.ID && ms[0].At.Equal(p.AsOf); err != nil || got != tt.want {
				t.Errorf("%s: Matches = %+v, %v, want a match of the pledge in force: %v", tt.name, ms, err, tt.want)
			}
		}
	})
}

// TestHeldChangeIsClaimedOnce: of many presses at once, exactly one claims a held change;
// after that, and after it expires, it is gone.
func TestHeldChangeIsClaimedOnce(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("G")
		h, err := s.HoldChange(ctx, a, storage.HeldChange{Token: storage.NewPreviewToken(), Route: "arrival log", Options: `{"country":"GT"}`})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.HeldChange(ctx, "G", h.Token); err != nil || got.UserID != a.UserID || got.Options != `{"country":"GT"}` {
			t.Fatalf("HeldChange = %+v, %v", got, err)
		}
		if _, err := s.HeldChange(ctx, "other", h.Token); !errors.Is(err, mission.ErrConflict) {
			t.Errorf("another guild's HeldChange = %v, want gone", err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Go(func() {
				err := s.ClaimHeld(ctx, "G", h.Token)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case !errors.Is(err, mission.ErrConflict):
					t.Errorf("ClaimHeld = %v, want claimed or gone", err)
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d presses claimed the held change, want exactly 1", won)
		}

		// Expiry: alive one microsecond before its 15 minutes are up, gone at them.
		late, err := s.HoldChange(ctx, a, storage.HeldChange{Token: storage.NewPreviewToken(), Route: "arrival log"})
		if err != nil {
			t.Fatal(err)
		}
		start := s.Now()
		s.Now = func() time.Time { return start.Add(storage.HeldLife - time.Microsecond) }
		if _, err := s.HeldChange(ctx, "G", late.Token); err != nil {
			t.Errorf("HeldChange just before expiry = %v", err)
		}
		s.Now = func() time.Time { return start.Add(storage.HeldLife) }
		if err := s.ClaimHeld(ctx, "G", late.Token); !errors.Is(err, mission.ErrConflict) {
			t.Errorf("ClaimHeld at expiry = %v, want gone", err)
		}
		if n, err := s.PruneHeld(ctx, s.Now()); err != nil || n != 1 {
			t.Errorf("PruneHeld = %d, %v, want the expired one", n, err)
		}
	})
}

func mustArrive(t *testing.T, s *storage.Store, a storage.Actor, in storage.Arrival) storage.Arrival {
	t.Helper()
	out, err := s.LogArrival(context.Background(), a, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countArrivals(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	n, err := s.CountArrivals(context.Background(), "G", storage.ArrivalFilter{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
