package storage_test

import (
	"fmt"
	"testing"
	"time"

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
// 1,000,000 records (storagetest.PopulateHistory's arrivals, then more's rows when given), named
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
				storagetest.PopulateHistory(b, s, "bench", size)
				if more != nil {
					more(b, s, "bench", size)
				}
				b.Logf("%s: %d %s populated in %v", driver, size, unit, time.Since(start).Round(time.Millisecond))
				fn(b, s, size)
			})
		}
	}
}
