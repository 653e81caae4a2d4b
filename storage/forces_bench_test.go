package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkForces measures the reads behind /forces for one guild — force totals, current
// pledges, arrivals of the last 7 days and the next flight — over a history of 10,000 and of
// 1,000,000 arrivals. Both histories span two years and end with the same last week (the same
// number of recent arrivals, pledges and upcoming flights), so equal ns/op means no read scans
// the history. The 1M case takes a few seconds to populate and is skipped with -short.
//
//	go test ./storage/ -run XXX -bench Forces -benchtime 2000x
func BenchmarkForces(b *testing.B) {
	benchHistories(b, "arrivals", nil, func(b *testing.B, s *storage.Store, _ int) {
		ctx := b.Context()
		weekAgo := s.Now().Add(-7 * 24 * time.Hour)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.ForceTotals(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.CurrentPledges(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ArrivedSince(ctx, "bench", weekAgo); err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.NextFlight(ctx, "bench", s.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchHistories runs fn on each driver for guild "bench" holding a history of 10,000 and of
// 1,000,000 records (populateHistory's arrivals, then more's rows when given), named
// "<unit>=<size>/<driver>". b.Loop runs fn once, so each history is built once per run; the
// 1M case takes a while to populate and is skipped with -short.
func benchHistories(b *testing.B, unit string, more func(testing.TB, *storage.Store, string, int), fn func(b *testing.B, s *storage.Store, size int)) {
	for _, size := range []int{10_000, 1_000_000} {
		for _, driver := range storagetest.Drivers() {
			b.Run(fmt.Sprintf("%s=%d/%s", unit, size, driver), func(b *testing.B) {
				if size > 100_000 && testing.Short() {
					b.Skipf("1M-%s history skipped with -short", unit)
				}
				s := storagetest.Open(b, driver)
				start := time.Now()
				populateHistory(b, s, "bench", size)
				if more != nil {
					more(b, s, "bench", size)
				}
				b.Logf("%s: %d %s populated in %v", driver, size, unit, time.Since(start).Round(time.Millisecond))
				fn(b, s, size)
			})
		}
	}
}

// Shape of the benchmark history; only the number of old arrivals (and with them old
// departures and landed flights) depends on the size.
const (
	benchRecent   = 60 // arrivals in the last 7 days, 10 of them through LogArrival
	benchPledges  = 48 // pledge history rows: 8 countries × 2 roles, revised 3 times
	benchUpcoming = 3  // scheduled flights
)

var (
	benchCountries = []string{"KE", "JM", "BJ", "TD", "GT", "SV", "BS", "BZ"}
	benchRoles     = []mission.Role{"police", "military", "medical"}
)

// populateHistory fills guild with size arrivals spread over two years, departures and landed
// flights in proportion, a pledge history and a few upcoming flights, using multi-row INSERTs
// in one transaction; it then sets force_totals to the sums it inserted (plus what the few
// LogArrival calls added) and checks them against a recomputation in SQL.
func populateHistory(tb testing.TB, s *storage.Store, guild string, size int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := s.Guild(ctx, guild); err != nil {
		tb.Fatal(err)
	}
	now := s.Now().UTC()
	rng := rand.New(rand.NewPCG(uint64(size), 7))
	twoYears := 730 * 24 * time.Hour
	week := 7 * 24 * time.Hour
	// old is an instant between two years and eight days ago; recent one within the last week.
	old := func() time.Time {
		return now.Add(-8*24*time.Hour - time.Duration(rng.Int64N(int64(twoYears-8*24*time.Hour))))
	}
	recent := func() time.Time { return now.Add(-time.Duration(rng.Int64N(int64(week - time.Minute)))) }
	// times returns n old instants and the given number of recent ones, oldest first: rows are
	// inserted in time order, as they were logged, which keeps the time indexes append-only.
	times := func(n, recents int) []time.Time {
		ts := make([]time.Time, 0, n)
		for i := range n {
			if i < recents {
				ts = append(ts, recent())
			} else {
				ts = append(ts, old())
			}
		}
		slices.SortFunc(ts, time.Time.Compare)
		return ts
	}
	sums := map[[2]string]int64{}

	bulk := newBulkInserter(tb, s)
	arrived := times(size-10, benchRecent-10)
	bulk.insert("arrivals", []string{"guild_id", "country", "personnel", "role", "arrived_at", "source", "logged_by", "created_at", "updated_at"},
		len(arrived), func(i int) []any {
			at := arrived[i]
			c, r, n := benchCountries[rng.IntN(len(benchCountries))], benchRoles[rng.IntN(len(benchRoles))], 1+rng.IntN(200)
			sums[[2]string{c, string(r)}] += int64(n)
			return []any{guild, c, n, r, at, "bench", "bench", at, at}
		})
	departed := times(size/100, 0)
	bulk.insert("departures", []string{"guild_id", "country", "personnel", "role", "departed_at", "reason", "created_at", "updated_at"},
		len(departed), func(i int) []any {
			at := departed[i]
			c, r, n := benchCountries[rng.IntN(len(benchCountries))], benchRoles[rng.IntN(len(benchRoles))], 1+rng.IntN(20)
			sums[[2]string{c, string(r)}] -= int64(n)
			return []any{guild, c, n, r, at, "rotation", at, at}
		})
	landed := times(size/100, 0)
	bulk.insert("flights", []string{"guild_id", "eta", "status", "landed_at", "destination", "created_at", "updated_at"},
		len(landed), func(i int) []any {
			at := landed[i]
			return []any{guild, at, mission.FlightLanded, at, "PAP", at, at}
		})
	bulk.insert("pledges", []string{"guild_id", "country", "personnel", "role", "as_of", "created_at", "updated_at"},
		benchPledges, func(i int) []any {
			at := old()
			var n *int
			if i%4 != 0 {
				n = intp(100 * (1 + rng.IntN(25)))
			}
			return []any{guild, benchCountries[i%len(benchCountries)], n, benchRoles[i/len(benchCountries)%2], at, at, at}
		})
	var keys [][2]string
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	bulk.insert("force_totals", []string{"guild_id", "country", "role", "deployed"}, len(keys), func(i int) []any {
		return []any{guild, keys[i][0], keys[i][1], sums[keys[i]]}
	})
	bulk.commit()

	// The last few arrivals and the upcoming flights go through the store, as users make them.
	for i := range 10 {
		a := storage.Arrival{Country: benchCountries[i%len(benchCountries)], Role: benchRoles[i%len(benchRoles)], Personnel: 10 + i, ArrivedAt: recent()}
		if _, err := s.LogArrival(ctx, actorIn(guild), a); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range benchUpcoming {
		if _, err := s.ScheduleFlight(ctx, actorIn(guild), storage.Flight{ETA: now.Add(time.Duration(1+2*i) * 24 * time.Hour),
			Manifest: []storage.ManifestLine{line("KE", 200, "police"), line("JM", 50, "military")}}); err != nil {
			tb.Fatal(err)
		}
	}

	// The totals set here must be what the store itself would have kept.
	var rows []storage.ForceTotal
	err := s.DB().Raw(`SELECT guild_id, country, role, SUM(n) AS deployed FROM (
			SELECT guild_id, country, role, personnel AS n FROM arrivals WHERE guild_id = ? AND deleted_at IS NULL
			UNION ALL
			SELECT guild_id, country, role, -personnel AS n FROM departures WHERE guild_id = ? AND deleted_at IS NULL
		) h GROUP BY guild_id, country, role HAVING SUM(n) <> 0 ORDER BY country, role`, guild, guild).Scan(&rows).Error
	if err != nil {
		tb.Fatal(err)
	}
	got, err := s.ForceTotals(ctx, guild)
	if err != nil {
		tb.Fatal(err)
	}
	if !slices.Equal(got, rows) {
		tb.Fatalf("populated force_totals = %+v, recomputed %+v", got, rows)
	}
	if n, err := s.ArrivedSince(ctx, guild, now.Add(-week)); err != nil || n == 0 {
		tb.Fatalf("ArrivedSince(last week) = %d, %v; want the recent arrivals", n, err)
	}
}

// bulkInserter writes rows with prepared multi-row INSERTs inside one transaction: one round
// trip per few hundred rows instead of one transaction per row.
type bulkInserter struct {
	tb       testing.TB
	postgres bool
	tx       *sql.Tx
}

func newBulkInserter(tb testing.TB, s *storage.Store) *bulkInserter {
	tb.Helper()
	sqlDB, err := s.DB().DB()
	if err != nil {
		tb.Fatal(err)
	}
	tx, err := sqlDB.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	return &bulkInserter{tb: tb, postgres: s.Dialect() == storage.DriverPostgres, tx: tx}
}

// insert adds n rows to table; row(i) returns the values of row i in the order of cols.
func (bi *bulkInserter) insert(table string, cols []string, n int, row func(i int) []any) {
	bi.tb.Helper()
	const perStatement = 500 // 500 × 9 values stays well under both databases' parameter limits
	prepare := func(rows int) *sql.Stmt {
		var q strings.Builder
		fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		p := 0
		for r := range rows {
			if r > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for c := range cols {
				if c > 0 {
					q.WriteString(", ")
				}
				p++
				if bi.postgres {
					q.WriteString("$" + strconv.Itoa(p))
				} else {
					q.WriteByte('?')
				}
			}
			q.WriteByte(')')
		}
		stmt, err := bi.tx.Prepare(q.String())
		if err != nil {
			bi.tb.Fatalf("prepare insert into %s: %v", table, err)
		}
		return stmt
	}
	var full *sql.Stmt
	args := make([]any, 0, perStatement*len(cols))
	for i := 0; i < n; i += perStatement {
		rows := min(perStatement, n-i)
		stmt := full
		if rows < perStatement {
			stmt = prepare(rows)
		} else if full == nil {
			full = prepare(perStatement)
			stmt = full
		}
		args = args[:0]
		for r := range rows {
			args = append(args, row(i+r)...)
		}
		if _, err := stmt.Exec(args...); err != nil {
			bi.tb.Fatalf("insert into %s: %v", table, err)
		}
		if stmt != full {
			stmt.Close()
		}
	}
	if full != nil {
		full.Close()
	}
}

func (bi *bulkInserter) commit() {
	bi.tb.Helper()
	if err := bi.tx.Commit(); err != nil {
		bi.tb.Fatalf("commit bulk insert: %v", err)
	}
}
