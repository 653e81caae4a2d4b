package storage_test

import (
	"fmt"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage/storagetest"
)

// BenchmarkForcesExportReads measures the reads behind the UN-shaped forces export (and the
// women's share of /forces): the running totals with their women and the contributors' police
// marks, over a history of 10,000 and of 1,000,000 arrivals. Equal ns/op means neither read
// scans the history. The 1M case is skipped with -short.
//
//	go test ./storage/ -run XXX -bench ForcesExportReads -benchtime 2000x
func BenchmarkForcesExportReads(b *testing.B) {
	for _, size := range []int{10_000, 1_000_000} {
		for _, driver := range storagetest.Drivers() {
			b.Run(fmt.Sprintf("arrivals=%d/%s", size, driver), func(b *testing.B) {
				if size > 100_000 && testing.Short() {
					b.Skip("1M-arrival history skipped with -short")
				}
				s := storagetest.Open(b, driver)
				start := time.Now()
				populateHistory(b, s, "bench", size)
				b.Logf("%s: %d arrivals populated in %v", driver, size, time.Since(start).Round(time.Millisecond))
				ctx := b.Context()
				if _, err := s.SetPoliceType(ctx, actorIn("bench"), "KE", mission.TypeIndividualPolice); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					totals, err := s.ForceTotals(ctx, "bench")
					if err != nil || len(totals) == 0 {
						b.Fatal(totals, err)
					}
					if police, err := s.PoliceTypes(ctx, "bench"); err != nil || len(police) != 1 {
						b.Fatal(police, err)
					}
				}
			})
		}
	}
}
