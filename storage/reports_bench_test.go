package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkReports measures a page of /reports (ReportsPage): ten reported figures beside the
// ledger of their days, the largest disagreement first. The guild holds 10,000 or 1,000,000
// arrivals, with their per-day totals, and 100 or 10,000 reported figures; the comparison is
// kept with each figure, so a page costs the same whatever the numbers of figures and arrivals.
//
//	go test ./storage/ -run XXX -bench Reports -benchtime 20x
func BenchmarkReports(b *testing.B) {
	benchHistories(b, "arrivals", func(tb testing.TB, s *storage.Store, guild string, _ int) {
		fillDaily(tb, s, guild)
	}, func(b *testing.B, s *storage.Store, _ int) {
		held := 0
		for _, reports := range []int{100, 10_000} {
			addReports(b, s, "bench", reports-held, held)
			held = reports
			b.Run(fmt.Sprintf("reports=%d", reports), func(b *testing.B) {
				ctx := b.Context()
				b.ReportAllocs()
				for b.Loop() {
					page, total, err := s.ReportsPage(ctx, "bench", "", 0, 10)
					if err != nil || len(page) != 10 || total != int64(reports) {
						b.Fatalf("ReportsPage = %d of %d, %v", len(page), total, err)
					}
				}
			})
		}
	})
}

// fillDaily rebuilds the guild's per-day totals from its arrivals and departures, as the
// store's writes keep them (the benchmark history is inserted behind the store's back).
func fillDaily(tb testing.TB, s *storage.Store, guild string) {
	tb.Helper()
	day := func(col string) string {
		if s.Dialect() == storage.DriverPostgres {
			return "CAST(FLOOR(EXTRACT(EPOCH FROM " + col + ") / 86400) AS BIGINT)"
		}
		return "(CAST(strftime('%s', " + col + ") AS INTEGER) / 86400)"
	}
	db := s.DB()
	if err := db.Exec(`DELETE FROM daily_forces WHERE guild_id = ?`, guild).Error; err != nil {
		tb.Fatal(err)
	}
	err := db.Exec(`INSERT INTO daily_forces (guild_id, country, role, day, delta, women)
		SELECT guild_id, country, role, d, SUM(n), 0 FROM (
			SELECT guild_id, country, role, `+day("arrived_at")+` AS d, personnel AS n FROM arrivals WHERE guild_id = ? AND deleted_at IS NULL
			UNION ALL
			SELECT guild_id, country, role, `+day("departed_at")+` AS d, -personnel AS n FROM departures WHERE guild_id = ? AND deleted_at IS NULL
		) moves GROUP BY guild_id, country, role, d`, guild, guild).Error
	if err != nil {
		tb.Fatal(err)
	}
}

// addReports logs n reported figures spread over the history's two years, for the mission,
// countries and roles, with every figure and qualifier.
func addReports(tb testing.TB, s *storage.Store, guild string, n, seed int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), uint64(seed)))
	now := s.Now().UTC()
	bulk := storagetest.NewBulkInserter(tb, s)
	figures, qualifiers := mission.Figures(), mission.Qualifiers()
	bulk.Insert("reports", []string{"guild_id", "figure", "value", "qualifier", "country", "role", "as_of", "source", "created_at", "updated_at"},
		n, func(i int) []any {
			at := now.Add(-time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
			country, role := "", ""
			if i%3 == 1 {
				country = storagetest.BenchCountries[rng.IntN(len(storagetest.BenchCountries))]
			}
			if i%5 == 2 {
				role = string(storagetest.BenchRoles[rng.IntN(len(storagetest.BenchRoles))])
			}
			return []any{guild, figures[rng.IntN(len(figures))], rng.IntN(50_000), qualifiers[rng.IntN(len(qualifiers))], country, role, at,
				"bench source", at, at}
		})
	bulk.Commit()
	// Inserted behind the store's back: count them and mark them all for comparing, as the
	// store's writes would.
	if err := s.DB().Exec(`DELETE FROM report_counts WHERE guild_id = ?`, guild).Error; err != nil {
		tb.Fatal(err)
	}
	if err := s.DB().Exec(`INSERT INTO report_counts (guild_id, country, n)
		SELECT guild_id, '', COUNT(*) FROM reports WHERE guild_id = ? GROUP BY guild_id
		UNION ALL SELECT guild_id, country, COUNT(*) FROM reports WHERE guild_id = ? AND country <> '' GROUP BY guild_id, country`,
		guild, guild).Error; err != nil {
		tb.Fatal(err)
	}
	if err := s.DB().Exec(`INSERT INTO report_marks (guild_id, stale_from) VALUES (?, 0)
		ON CONFLICT (guild_id) DO UPDATE SET stale_from = 0`, guild).Error; err != nil {
		tb.Fatal(err)
	}
	if _, _, err := s.ReportsPage(context.Background(), guild, "", 0, 10); err != nil {
		tb.Fatal(err)
	}
}
