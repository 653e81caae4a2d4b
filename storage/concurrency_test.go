package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// writeMix has worker w make n changes in guild, cycling through an arrival, a pledge and a
// flight, and returns the errors it met.
func writeMix(t testing.TB, s *storage.Store, guild string, w, n int) []error {
	ctx := t.Context()
	a := storage.Actor{GuildID: guild, UserID: fmt.Sprintf("worker-%d", w), Command: "/concurrency"}
	var errs []error
	for i := range n {
		var err error
		switch i % 3 {
		case 0:
			_, err = s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 1 + w, Role: "military", ArrivedAt: s.Now()})
		case 1:
			_, err = s.SetPledge(ctx, a, storage.Pledge{Country: "KE", Personnel: intp(100 + i), Role: "police", AsOf: s.Now()})
		default:
			_, err = s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(48*time.Hour + time.Duration(i)*time.Minute),
				Manifest: []storage.ManifestLine{line("SV", 1+w, "medical")}})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("worker %d change %d: %w", w, i, err))
		}
	}
	return errs
}

// mixCounts is what writeMix leaves in a guild after workers×n changes.
type mixCounts struct{ arrivals, pledges, flights, audit, deployed int64 }

func wantMix(workers []int, n int) mixCounts {
	var c mixCounts
	for _, w := range workers {
		for i := range n {
			switch i % 3 {
			case 0:
				c.arrivals++
				c.deployed += int64(1 + w)
			case 1:
				c.pledges++
			default:
				c.flights++
			}
			c.audit++
		}
	}
	return c
}

func gotMix(t testing.TB, s *storage.Store, guild string) mixCounts {
	t.Helper()
	var c mixCounts
	c.arrivals = rawCount(t, s, "arrivals", "guild_id = ?", guild)
	c.pledges = rawCount(t, s, "pledges", "guild_id = ?", guild)
	c.flights = rawCount(t, s, "flights", "guild_id = ?", guild)
	c.audit = rawCount(t, s, "audit_entries", "guild_id = ?", guild)
	for _, ft := range totalsOf(t, s, guild) {
		c.deployed += ft.Deployed
	}
	return c
}

// checkNoErrors fails on the first errors met, calling out SQLite's lock errors by name.
func checkNoErrors(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		if i == 5 {
			t.Errorf("... and %d more errors", len(errs)-i)
			break
		}
		msg := err.Error()
		if strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database table is locked") {
			t.Errorf("writer saw SQLite lock contention: %v", err)
		} else {
			t.Errorf("writer failed: %v", err)
		}
	}
}

// TestConcurrentWriters runs 20 goroutines of 50 mixed changes each against one store, spread
// over four guilds so that the first change of each guild races to create it. SQLite is the
// point (one file, one writer); Postgres runs fewer changes per goroutine to keep the suite fast.
func TestConcurrentWriters(t *testing.T) {
	const workers = 20
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		n := 50
		if s.Dialect() == storage.DriverPostgres {
			n = 20
		}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
		)
		for w := range workers {
			wg.Go(func() {
				e := writeMix(t, s, fmt.Sprintf("G%d", w%4), w, n)
				mu.Lock()
				errs = append(errs, e...)
				mu.Unlock()
			})
		}
		wg.Wait()
		checkNoErrors(t, errs)

		for g := range 4 {
			var ws []int
			for w := g; w < workers; w += 4 {
				ws = append(ws, w)
			}
			guild := fmt.Sprintf("G%d", g)
			if got, want := gotMix(t, s, guild), wantMix(ws, n); got != want {
				t.Errorf("guild %s after concurrent writes: %+v, want %+v", guild, got, want)
			}
		}
	})
}

// TestTwoStoresOneDatabase opens two stores on the same database, as two processes (the bot and
// `liaison import`, or two instances) would, and has 10 goroutines of each write at once. On
// SQLite each store has its own writer connection, so the two contend for the file's lock: the
// busy timeout and immediate transactions must make them wait, not fail.
func TestTwoStoresOneDatabase(t *testing.T) {
	const workers, n = 10, 20
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		t.Run(driver, func(t *testing.T) {
			cfg := storagetest.EmptyDatabase(t, driver)
			s1, _ := storagetest.OpenConfig(t, cfg)
			if _, err := s1.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			s2, _ := storagetest.OpenConfig(t, cfg)

			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				errs []error
			)
			for w := range 2 * workers {
				s := s1
				if w%2 == 1 {
					s = s2
				}
				wg.Go(func() {
					e := writeMix(t, s, "A", w, n)
					mu.Lock()
					errs = append(errs, e...)
					mu.Unlock()
				})
			}
			wg.Wait()
			checkNoErrors(t, errs)

			var ws []int
			for w := range 2 * workers {
				ws = append(ws, w)
			}
			want := wantMix(ws, n)
			for i, s := range []*storage.Store{s1, s2} {
				if got := gotMix(t, s, "A"); got != want {
					t.Errorf("store %d sees %+v, want %+v", i+1, got, want)
				}
			}
		})
	}
}

// TestConcurrentChangesOfOneRecord has several moderators change the same record at the same
// moment, as happens when two people react to the same news. Each change reads the record,
// then writes it and moves the force totals by the difference; unless the read locks the row,
// two changes can both start from the same old state (Postgres' READ COMMITTED lets them) and
// count a landing twice, or subtract a deleted arrival twice.
func TestConcurrentChangesOfOneRecord(t *testing.T) {
	const racers, rounds = 8, 3
	changes := []struct {
		name string
		// setup makes the record; race is one racer's change of it (errors returned are
		// checked by check); check inspects the end state.
		setup func(t *testing.T, s *storage.Store) int64
		race  func(t *testing.T, s *storage.Store, id int64, r int) error
		check func(t *testing.T, s *storage.Store, id int64, errs []error)
	}{
		{"land the same flight",
			func(t *testing.T, s *storage.Store) int64 {
				return mustFlight(t, s, "A", s.Now().Add(time.Hour), line("GT", 75, "military"), line("SV", 8, "medical")).ID
			},
			func(t *testing.T, s *storage.Store, id int64, r int) error {
				_, _, err := s.LandFlight(t.Context(), actorIn("A"), id, s.Now())
				return err
			},
			func(t *testing.T, s *storage.Store, id int64, errs []error) {
				if got, want := rawCount(t, s, "arrivals", "flight_id = ?", id), int64(2); got != want {
					t.Errorf("flight #%d landed by %d racers made %d arrivals, want %d", id, racers, got, want)
				}
				if got, want := successes(errs), 1; got != want {
					t.Errorf("%d racers landed flight #%d, want %d (the others get a conflict)", got, id, want)
				}
			}},
		{"delete the same arrival",
			func(t *testing.T, s *storage.Store) int64 { return mustArrival(t, s, "A", "KE", 200, "police").ID },
			func(t *testing.T, s *storage.Store, id int64, r int) error {
				_, err := s.DeleteArrival(t.Context(), actorIn("A"), id)
				return err
			},
			func(t *testing.T, s *storage.Store, id int64, errs []error) {
				if got, want := successes(errs), 1; got != want {
					t.Errorf("%d racers deleted arrival #%d, want %d (the others get ErrNotFound)", got, id, want)
				}
				if got, want := rawCount(t, s, "audit_entries", "kind = ? AND record_id = ? AND action = ?", mission.KindArrival, id, "delete"), int64(1); got != want {
					t.Errorf("arrival #%d has %d delete audit entries, want %d", id, got, want)
				}
			}},
		{"edit the same arrival",
			func(t *testing.T, s *storage.Store) int64 { return mustArrival(t, s, "A", "KE", 200, "police").ID },
			func(t *testing.T, s *storage.Store, id int64, r int) error {
				_, err := s.EditArrival(t.Context(), actorIn("A"), id, func(a *storage.Arrival) error {
					a.Country = storagetest.BenchCountries[r%len(storagetest.BenchCountries)]
					a.Personnel += r
					return nil
				})
				return err
			},
			func(t *testing.T, s *storage.Store, id int64, errs []error) {
				if got := successes(errs); got != racers {
					t.Errorf("%d of %d edits succeeded", got, racers)
				}
			}},
		{"update the same guild",
			func(t *testing.T, s *storage.Store) int64 {
				if _, err := s.UpdateGuild(t.Context(), actorIn("A"), func(g *storage.Guild) error { g.Planned = 0; return nil }); err != nil {
					t.Fatal(err)
				}
				return 0
			},
			func(t *testing.T, s *storage.Store, _ int64, r int) error {
				_, err := s.UpdateGuild(t.Context(), actorIn("A"), func(g *storage.Guild) error { g.Planned++; return nil })
				return err
			},
			func(t *testing.T, s *storage.Store, _ int64, errs []error) {
				g, err := s.Guild(t.Context(), "A")
				if err != nil {
					t.Fatal(err)
				}
				if got, want := g.Planned, successes(errs); got != want {
					t.Errorf("%d racers each added 1 to the planned strength: got %d, want %d (lost updates)", want, got, want)
				}
			}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
				for range rounds {
					id := c.setup(t, s)
					errs := make([]error, racers)
					var wg sync.WaitGroup
					start := make(chan struct{})
					for r := range racers {
						wg.Go(func() {
							<-start
							errs[r] = c.race(t, s, id, r)
						})
					}
					close(start)
					wg.Wait()
					for _, err := range errs {
						var se *mission.Error
						conflict := errors.As(err, &se) && se.Kind == mission.EConflict
						if err != nil && !conflict && !errors.Is(err, mission.ErrNotFound) {
							t.Errorf("racer error %v, want none, a conflict or ErrNotFound", err)
						}
					}
					c.check(t, s, id, errs)
					if got, want := totalsOf(t, s, "A"), recomputedTotals(t, s, "A"); !slices.Equal(got, want) {
						t.Fatalf("after %d racers: ForceTotals = %+v, recomputed from history %+v", racers, got, want)
					}
				}
			})
		})
	}
}

func successes(errs []error) int {
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	return n
}
