package storage_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// week is /forces' recent window.
const week = 7 * 24 * time.Hour

// listen runs s.ListenRecords until the test ends and waits until snapshots are live (at once
// on SQLite).
func listen(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ListenRecords(ctx, func(err error) { t.Logf("listener: %v", err) }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenRecords: %v", err)
		}
	})
	for deadline := time.Now().Add(10 * time.Second); !s.CacheLive(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("snapshots not live: the records listener did not connect")
		}
	}
}

// directView is what ForcesView must return, read from the database without snapshots.
func directView(t *testing.T, s *storage.Store, guildID string, now time.Time) storage.ForcesView {
	t.Helper()
	ctx := t.Context()
	v := storage.ForcesView{At: now, Window: week}
	var err error
	if v.Levels, v.Deployed, err = s.ForceLevels(ctx, guildID); err != nil {
		t.Fatal(err)
	}
	if v.Recent, err = s.ArrivedSince(ctx, guildID, now.Add(-week)); err != nil {
		t.Fatal(err)
	}
	if f, overdue, err := s.NextFlight(ctx, guildID, now); err == nil {
		v.Next, v.Overdue = &f, overdue
	}
	if v.Reports, err = s.LatestReports(ctx, guildID, "", storage.LatestReportsShown); err != nil {
		t.Fatal(err)
	}
	return v
}

// view is s.ForcesView of guild G at the store's clock.
func view(t *testing.T, s *storage.Store) storage.ForcesView {
	t.Helper()
	v, err := s.ForcesView(t.Context(), "G", s.Now(), week)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSnapshotsReadYourWrites: whatever a command writes, the next read on the same store
// shows it, though the read before it was served from the snapshot.
func TestSnapshotsReadYourWrites(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		listen(t, s)
		ctx := t.Context()
		a := storage.Actor{GuildID: "G", UserID: "U", Command: "test"}
		var flightID, arrivalID int64
		steps := []struct {
			name  string
			write func() error
		}{
			{"arrival", func() error {
				in, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: s.Now().Add(-time.Hour)})
				arrivalID = in.ID
				return err
			}},
			{"arrival edited", func() error {
				_, err := s.EditArrival(ctx, a, arrivalID, func(in *storage.Arrival) error { in.Personnel = 250; return nil })
				return err
			}},
			{"departure", func() error {
				_, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 20, Role: mission.RolePolice, DepartedAt: s.Now(), Reason: "rotation"})
				return err
			}},
			{"pledge", func() error {
				n := 300
				_, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Personnel: &n, Role: mission.RoleMilitary, AsOf: s.Now()})
				return err
			}},
			{"mission planned", func() error {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Planned = 2500; g.MissionName = "MSS"; return nil })
				return err
			}},
			{"language adopted", func() error { return s.AdoptLanguage(ctx, "G", "fr") }},
			{"flight scheduled", func() error {
				f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(2 * time.Hour), Destination: "PAP"})
				flightID = f.ID
				return err
			}},
			{"manifest line", func() error {
				_, err := s.AddManifestLine(ctx, a, flightID, mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary})
				return err
			}},
			{"flight delayed", func() error {
				_, err := s.DelayFlight(ctx, a, flightID, s.Now().Add(3*time.Hour), "weather")
				return err
			}},
			{"flight landed", func() error {
				_, _, err := s.LandFlight(ctx, a, flightID, s.Now())
				return err
			}},
			{"second arrival", func() error {
				in, err := s.LogArrival(ctx, a, storage.Arrival{Country: "BS", Personnel: 30, Role: mission.RoleMilitary, ArrivedAt: s.Now().Add(-8 * 24 * time.Hour)})
				arrivalID = in.ID
				return err
			}},
			{"arrival deleted", func() error {
				_, err := s.DeleteArrival(ctx, a, arrivalID)
				return err
			}},
		}
		for _, st := range steps {
			// Warm the snapshot twice: the second read is served from memory.
			view(t, s)
			view(t, s)
			if _, err := s.CachedGuild(ctx, "G"); err != nil {
				t.Fatal(err)
			}
			if err := st.write(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got, want := view(t, s), directView(t, s, "G", s.Now()); !reflect.DeepEqual(got, want) {
				t.Errorf("after %s: ForcesView = %+v, want %+v", st.name, got, want)
			}
			got, err := s.CachedGuild(ctx, "G")
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := s.Guild(ctx, "G"); !reflect.DeepEqual(got, want) {
				t.Errorf("after %s: CachedGuild = %+v, want %+v", st.name, got, want)
			}
		}
	})
}

// TestSnapshotsMaxAge: a write the store cannot hear of (another process on the same SQLite
// file) shows once the snapshot is snapshotMaxAge old, not before; and a snapshot is not served
// past its next flight's ETA, when that flight turns overdue.
func TestSnapshotsMaxAge(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, storage.DriverSQLite)
	other, _ := storagetest.OpenConfig(t, cfg)
	if _, err := other.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s, clock := storagetest.OpenConfig(t, cfg)
	ctx := t.Context()
	a := storage.Actor{GuildID: "G", UserID: "U", Command: "test"}
	if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
		t.Fatal(err)
	}
	view(t, s)
	if _, err := other.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 100, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	if got := view(t, s).Deployed; got != 200 {
		t.Errorf("Deployed 2 s after another process's write = %d, want the snapshot's 200 (the test proves nothing otherwise)", got)
	}
	clock.Advance(time.Second)
	if got := view(t, s).Deployed; got != 300 {
		t.Errorf("Deployed 3 s after another process's write = %d, want 300: the snapshot outlived its maximum age", got)
	}

	// Next flight: due in half a second, read now, then read a second later.
	if _, err := other.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(3*time.Second + 500*time.Millisecond), Destination: "PAP"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Second) // past the maximum age: the flight is seen
	if v := view(t, s); v.Next == nil || v.Overdue {
		t.Fatalf("next flight before its ETA = %+v, overdue %v; want it upcoming", v.Next, v.Overdue)
	}
	clock.Advance(time.Second)
	if v := view(t, s); v.Next == nil || !v.Overdue {
		t.Errorf("next flight a second past its ETA: overdue = %v, want true (the snapshot outlived its flight's ETA)", v.Overdue)
	}
}

// TestSnapshotsAcrossInstances: on Postgres, a write on instance A shows on instance B within a
// second, though B's clock never moves (its snapshots never age): NOTIFY drops them. While B's
// listener is down, B serves no snapshot at all.
func TestSnapshotsAcrossInstances(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, storage.DriverPostgres)
	a, _ := storagetest.OpenConfig(t, cfg)
	if _, err := a.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, _ := storagetest.OpenConfig(t, cfg)
	if b.CacheLive() {
		t.Fatal("snapshots live on Postgres before the listener connected")
	}
	listen(t, b)
	ctx := t.Context()
	actor := storage.Actor{GuildID: "G", UserID: "U", Command: "test"}
	for i, write := range []struct {
		name  string
		write func() error
		seen  func(storage.ForcesView, storage.Guild) bool
	}{
		{"arrival", func() error {
			_, err := a.LogArrival(ctx, actor, storage.Arrival{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: a.Now()})
			return err
		}, func(v storage.ForcesView, _ storage.Guild) bool { return v.Deployed == 200 }},
		{"pledge", func() error {
			n := 300
			_, err := a.SetPledge(ctx, actor, storage.Pledge{Country: "JM", Personnel: &n, Role: mission.RoleMilitary, AsOf: a.Now()})
			return err
		}, func(v storage.ForcesView, _ storage.Guild) bool { return len(v.Levels) == 2 }},
		{"language adopted outside a transaction", func() error { return a.AdoptLanguage(ctx, "G", "es") },
			func(_ storage.ForcesView, g storage.Guild) bool { return g.Language == "es" }},
	} {
		if _, err := b.CachedGuild(ctx, "G"); err != nil {
			t.Fatal(err)
		}
		view(t, b)
		view(t, b)
		if err := write.write(); err != nil {
			t.Fatalf("%d %s: %v", i, write.name, err)
		}
		start := time.Now()
		for {
			g, err := b.CachedGuild(ctx, "G")
			if err != nil {
				t.Fatal(err)
			}
			if write.seen(view(t, b), g) {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("%s on A not seen on B after a second", write.name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestSnapshotsConcurrent: writers and readers of one guild at once (run with -race); each
// writer reads its own country back right after each write, and sees it.
func TestSnapshotsConcurrent(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		listen(t, s)
		ctx := t.Context()
		// The guild exists before the readers start: GORM's prepared-statement cache can
		// deadlock when several goroutines first create a guild outside a transaction on
		// SQLite's one writer connection while a transaction holds it (seen with this test;
		// storage.Guild's own matter, not the snapshots').
		if _, err := s.Guild(ctx, "G"); err != nil {
			t.Fatal(err)
		}
		countries := []string{"KE", "JM", "GT", "SV"}
		const writes = 10
		stop := make(chan struct{})
		var readers sync.WaitGroup
		for range 4 {
			readers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := s.ForcesView(ctx, "G", s.Now(), week); err != nil {
						t.Error(err)
						return
					}
					if _, err := s.CachedGuild(ctx, "G"); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		var writers sync.WaitGroup
		for _, c := range countries {
			writers.Go(func() {
				a := storage.Actor{GuildID: "G", UserID: "U-" + c, Command: "test"}
				for i := 1; i <= writes; i++ {
					if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: c, Personnel: 10, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
						t.Error(err)
						return
					}
					v, err := s.ForcesView(ctx, "G", s.Now(), week)
					if err != nil {
						t.Error(err)
						return
					}
					if got := deployedOf(v, c); got != int64(10*i) {
						t.Errorf("%s after its write %d: deployed %d, want %d", c, i, got, 10*i)
					}
				}
			})
		}
		writers.Wait()
		close(stop)
		readers.Wait()
		if got, want := view(t, s), directView(t, s, "G", s.Now()); !reflect.DeepEqual(got, want) {
			t.Errorf("after the writes: ForcesView = %+v, want %+v", got, want)
		}
		if got := view(t, s).Deployed; got != int64(len(countries)*writes*10) {
			t.Errorf("Deployed = %d, want %d", got, len(countries)*writes*10)
		}
	})
}

func deployedOf(v storage.ForcesView, country string) int64 {
	for _, l := range v.Levels {
		if l.Country == country {
			return l.Deployed
		}
	}
	return 0
}

// TestSnapshotsPerGuild: a write drops its own guild's snapshot, not the others'.
func TestSnapshotsPerGuild(t *testing.T) {
	cfg := storagetest.EmptyDatabase(t, storage.DriverSQLite)
	s, _ := storagetest.OpenConfig(t, cfg)
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	other, _ := storagetest.OpenConfig(t, cfg)
	ctx := t.Context()
	for _, g := range []string{"G", "H"} {
		if _, err := s.LogArrival(ctx, storage.Actor{GuildID: g, UserID: "U", Command: "test"},
			storage.Arrival{Country: "KE", Personnel: 100, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(g string) int64 {
		v, err := s.ForcesView(ctx, g, s.Now(), week)
		if err != nil {
			t.Fatal(err)
		}
		return v.Deployed
	}
	read("G")
	read("H")
	// Behind s's back, H gains 50; then a write of s's in G must not drop H's snapshot.
	if _, err := other.LogArrival(ctx, storage.Actor{GuildID: "H", UserID: "U", Command: "test"},
		storage.Arrival{Country: "KE", Personnel: 50, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogArrival(ctx, storage.Actor{GuildID: "G", UserID: "U", Command: "test"},
		storage.Arrival{Country: "KE", Personnel: 1, Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := read("G"); got != 101 {
		t.Errorf("G after its write = %d, want 101", got)
	}
	if got := read("H"); got != 100 {
		t.Errorf("H after G's write = %d, want its snapshot's 100: a write dropped another guild's snapshot", got)
	}
}
