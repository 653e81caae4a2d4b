package chart_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"liaison/chart"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkForcesChart reads and draws /forces chart:true for a guild whose two-year history
// holds 10,000 or 1,000,000 arrivals (and a departure per hundred), inserted in bulk with the
// daily_forces rows the store would have kept. Equal ns/op at both sizes means the chart costs
// what its days cost, not what the history holds. The 1M case is skipped with -short.
//
//	go test ./chart/ -run XXX -bench ForcesChart -benchtime 50x
func BenchmarkForcesChart(b *testing.B) {
	for _, size := range []int{10_000, 1_000_000} {
		for _, driver := range storagetest.Drivers() {
			b.Run(fmt.Sprintf("arrivals=%d/%s", size, driver), func(b *testing.B) {
				if size > 100_000 && testing.Short() {
					b.Skip("1M-arrival history skipped with -short")
				}
				s := storagetest.Open(b, driver)
				g := populate(b, s, size, s.Now().Add(-730*24*time.Hour))
				ctx := b.Context()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := chart.Forces(ctx, s, render.English, g, "", s.Now(), chart.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkForcesChartSpan reads and draws /forces chart:true for 10,000 arrivals spread from
// 1990 to today, plus one arrival on the oldest day: 1 January of mission.EarliestYear, the
// oldest a door accepts, or 1 January of year 1, a row older than any rule that a database may
// still hold. The chart is the same width in both, so it must cost the same: under 100 ms and
// 20 MB per chart, however far back its first day lies.
//
//	go test ./chart/ -run '^$' -bench ForcesChartSpan -benchmem
func BenchmarkForcesChartSpan(b *testing.B) {
	for _, oldest := range []int{mission.EarliestYear, 1} {
		for _, driver := range storagetest.Drivers() {
			b.Run(fmt.Sprintf("oldest=%04d/%s", oldest, driver), func(b *testing.B) {
				s := storagetest.Open(b, driver)
				from := time.Date(mission.EarliestYear, 1, 1, 0, 0, 0, 0, time.UTC)
				g := populate(b, s, 10_000, from, time.Date(oldest, 1, 1, 0, 0, 0, 0, time.UTC))
				ctx := b.Context()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := chart.Forces(ctx, s, render.English, g, "", s.Now(), chart.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

var benchCountries = []string{"KE", "JM", "BJ", "TD", "GT", "SV", "BS", "BZ", "BB", "BF"}

// populate inserts size arrivals between from and now, size/100 departures, their
// daily_forces rows and a few pledges, in one transaction, and checks daily_forces against the
// ledger. Each time in oldest adds one arrival of 10 Kenyan police at that instant.
func populate(tb testing.TB, s *storage.Store, size int, from time.Time, oldest ...time.Time) storage.Guild {
	ctx := context.Background()
	const guild = "bench"
	g, err := s.Guild(ctx, guild)
	if err != nil {
		tb.Fatal(err)
	}
	g.Planned = 20000
	now := s.Now().UTC()
	rng := rand.New(rand.NewPCG(uint64(size), 11))
	roles := []string{"police", "military", "medical"}
	type key struct {
		c, r string
		day  int64
	}
	daily := map[key]int64{}
	// Rows go in as the storage benchmarks' seeding writes them: multi-row INSERTs in one
	// transaction.
	bulk := storagetest.NewBulkInserter(tb, s)
	insert := bulk.Insert
	pg := s.Dialect() == storage.DriverPostgres
	when := func() time.Time { return now.Add(-time.Duration(rng.Int64N(int64(now.Sub(from))))) }
	insert("arrivals", []string{"guild_id", "country", "personnel", "role", "arrived_at", "created_at", "updated_at"}, size+len(oldest), func(i int) []any {
		at, c, r, n := when(), benchCountries[rng.IntN(len(benchCountries))], roles[rng.IntN(len(roles))], 1+rng.IntN(200)
		if i >= size {
			at, c, r, n = oldest[i-size], "KE", "police", 10
		}
		daily[key{c, r, storage.DayOf(at)}] += int64(n)
		return []any{guild, c, n, r, at, at, at}
	})
	insert("departures", []string{"guild_id", "country", "personnel", "role", "departed_at", "reason", "created_at", "updated_at"}, size/100, func(int) []any {
		at, c, r, n := when(), benchCountries[rng.IntN(len(benchCountries))], roles[rng.IntN(len(roles))], 1+rng.IntN(20)
		daily[key{c, r, storage.DayOf(at)}] -= int64(n)
		return []any{guild, c, n, r, at, "rotation", at, at}
	})
	var keys []key
	for k := range daily {
		keys = append(keys, k)
	}
	insert("daily_forces", []string{"guild_id", "country", "role", "day", "delta"}, len(keys), func(i int) []any {
		return []any{guild, keys[i].c, keys[i].r, keys[i].day, daily[keys[i]]}
	})
	insert("pledges", []string{"guild_id", "country", "personnel", "role", "as_of", "created_at", "updated_at"}, 30, func(i int) []any {
		at := when()
		return []any{guild, benchCountries[i%len(benchCountries)], 100 * (1 + rng.IntN(30)), roles[i%2], at, at, at}
	})
	bulk.Commit()
	// The rows set here must be what the store would have kept: the ledger's sum per day.
	var mismatches int64
	err = s.DB().Raw(`SELECT COUNT(*) FROM (
			SELECT country, role, day, SUM(n) AS n FROM (
				SELECT country, role, `+dayExpr(pg, "arrived_at")+` AS day, personnel AS n FROM arrivals WHERE guild_id = ?
				UNION ALL
				SELECT country, role, `+dayExpr(pg, "departed_at")+` AS day, -personnel AS n FROM departures WHERE guild_id = ?
			) h GROUP BY country, role, day
		) l FULL OUTER JOIN (SELECT * FROM daily_forces WHERE guild_id = ?) d
		ON d.country = l.country AND d.role = l.role AND d.day = l.day
		WHERE COALESCE(d.delta, 0) <> COALESCE(l.n, 0)`, guild, guild, guild).Scan(&mismatches).Error
	if err != nil {
		tb.Fatal(err)
	}
	if mismatches != 0 {
		tb.Fatalf("%d daily_forces rows differ from the ledger", mismatches)
	}
	return g
}

func dayExpr(pg bool, col string) string {
	if pg {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM " + col + ") / 86400) AS BIGINT)"
	}
	return "(CAST(strftime('%s', " + col + ") AS INTEGER) / 86400)"
}
