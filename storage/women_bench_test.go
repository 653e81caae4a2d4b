package storage_test

import (
	"testing"

	"liaison/mission"
	"liaison/storage"
)

// BenchmarkForcesExportReads measures the reads behind the UN-shaped forces export (and the
// women's share of /forces): the running totals with their women and the contributors' police
// marks, over a history of 10,000 and of 1,000,000 arrivals. Equal ns/op means neither read
// scans the history. The 1M case is skipped with -short.
//
//	go test ./storage/ -run XXX -bench ForcesExportReads -benchtime 2000x
func BenchmarkForcesExportReads(b *testing.B) {
	benchHistories(b, "arrivals", nil, func(b *testing.B, s *storage.Store, _ int) {
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
