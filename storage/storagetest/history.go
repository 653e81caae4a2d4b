package storagetest

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
)

// The history the benchmarks of storage, share and chart read: a guild of 10,000 or 1,000,000
// arrivals over two years, with the derived tables the store keeps (force_totals,
// daily_forces), inserted in bulk. One seeding, so that every benchmark of "a guild with a
// million arrivals" measures the same guild.

// Shape of the benchmark history; only the number of old arrivals (and with them old
// departures and landed flights) depends on the size.
const (
	BenchRecent   = 60 // arrivals in the last 7 days, 10 of them through LogArrival
	BenchPledges  = 48 // pledge history rows: 8 countries × 2 roles, revised 3 times
	BenchUpcoming = 3  // scheduled flights
)

var (
	BenchCountries = []string{"KE", "JM", "BJ", "TD", "GT", "SV", "BS", "BZ"}
	BenchRoles     = []mission.Role{"police", "military", "medical"}
)

// PopulateHistory fills guild with size arrivals spread over two years, departures and landed
// flights in proportion, a pledge history and a few upcoming flights, using multi-row INSERTs
// in one transaction; it then sets force_totals to the sums it inserted (plus what the few
// LogArrival calls added) and checks them against a recomputation in SQL.
func PopulateHistory(tb testing.TB, s *storage.Store, guild string, size int) {
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
	// daily is the ledger's change per country, role and day, as the store keeps it for the
	// chart (daily_forces).
	type dayKey struct {
		c, r string
		day  int64
	}
	daily := map[dayKey]int64{}

	bulk := NewBulkInserter(tb, s)
	arrived := times(size-10, BenchRecent-10)
	bulk.Insert("arrivals", []string{"guild_id", "country", "personnel", "role", "arrived_at", "source", "logged_by", "created_at", "updated_at"},
		len(arrived), func(i int) []any {
			at := arrived[i]
			c, r, n := BenchCountries[rng.IntN(len(BenchCountries))], BenchRoles[rng.IntN(len(BenchRoles))], 1+rng.IntN(200)
			sums[[2]string{c, string(r)}] += int64(n)
			daily[dayKey{c, string(r), storage.DayOf(at)}] += int64(n)
			return []any{guild, c, n, r, at, "bench", "bench", at, at}
		})
	departed := times(size/100, 0)
	bulk.Insert("departures", []string{"guild_id", "country", "personnel", "role", "departed_at", "reason", "created_at", "updated_at"},
		len(departed), func(i int) []any {
			at := departed[i]
			c, r, n := BenchCountries[rng.IntN(len(BenchCountries))], BenchRoles[rng.IntN(len(BenchRoles))], 1+rng.IntN(20)
			sums[[2]string{c, string(r)}] -= int64(n)
			daily[dayKey{c, string(r), storage.DayOf(at)}] -= int64(n)
			return []any{guild, c, n, r, at, "rotation", at, at}
		})
	landed := times(size/100, 0)
	bulk.Insert("flights", []string{"guild_id", "eta", "status", "landed_at", "destination", "created_at", "updated_at"},
		len(landed), func(i int) []any {
			at := landed[i]
			return []any{guild, at, mission.FlightLanded, at, "PAP", at, at}
		})
	bulk.Insert("pledges", []string{"guild_id", "country", "personnel", "role", "as_of", "created_at", "updated_at"},
		BenchPledges, func(i int) []any {
			at := old()
			var n *int
			if i%4 != 0 {
				n = new(int)
				*n = 100 * (1 + rng.IntN(25))
			}
			return []any{guild, BenchCountries[i%len(BenchCountries)], n, BenchRoles[i/len(BenchCountries)%2], at, at, at}
		})
	var keys [][2]string
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	bulk.Insert("force_totals", []string{"guild_id", "country", "role", "deployed"}, len(keys), func(i int) []any {
		return []any{guild, keys[i][0], keys[i][1], sums[keys[i]]}
	})
	var days []dayKey
	for k := range daily {
		days = append(days, k)
	}
	bulk.Insert("daily_forces", []string{"guild_id", "country", "role", "day", "delta"}, len(days), func(i int) []any {
		return []any{guild, days[i].c, days[i].r, days[i].day, daily[days[i]]}
	})
	bulk.Commit()

	// The last few arrivals and the upcoming flights go through the store, as users make them.
	for i := range 10 {
		a := storage.Arrival{Country: BenchCountries[i%len(BenchCountries)], Role: BenchRoles[i%len(BenchRoles)], Personnel: 10 + i, ArrivedAt: recent()}
		if _, err := s.LogArrival(ctx, storage.Actor{GuildID: guild, UserID: "bench", Command: "/bench"}, a); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range BenchUpcoming {
		if _, err := s.ScheduleFlight(ctx, storage.Actor{GuildID: guild, UserID: "bench", Command: "/bench"}, storage.Flight{ETA: now.Add(time.Duration(1+2*i) * 24 * time.Hour),
			Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "KE", Personnel: 200, Role: "police"}}, {ManifestLine: mission.ManifestLine{Country: "JM", Personnel: 50, Role: "military"}}}}); err != nil {
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

// BulkInserter writes rows with prepared multi-row INSERTs inside one transaction: one round
// trip per few hundred rows instead of one transaction per row.
type BulkInserter struct {
	tb       testing.TB
	postgres bool
	tx       *sql.Tx
}

func NewBulkInserter(tb testing.TB, s *storage.Store) *BulkInserter {
	tb.Helper()
	sqlDB, err := s.DB().DB()
	if err != nil {
		tb.Fatal(err)
	}
	tx, err := sqlDB.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	return &BulkInserter{tb: tb, postgres: s.Dialect() == storage.DriverPostgres, tx: tx}
}

// Insert adds n rows to table; row(i) returns the values of row i in the order of cols.
func (bi *BulkInserter) Insert(table string, cols []string, n int, row func(i int) []any) {
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

// Commit commits the rows inserted.
func (bi *BulkInserter) Commit() {
	bi.tb.Helper()
	if err := bi.tx.Commit(); err != nil {
		bi.tb.Fatalf("commit bulk insert: %v", err)
	}
}
