package storage_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkSnapshots1000Guilds fills the snapshots of 1,000 guilds shaped like the demo's (five
// countries deployed, three pledges, a flight with a two-line manifest) and reports the heap
// they take per guild and the process's resident memory before and after; then it times a
// /forces read served from a snapshot.
//
//	go test ./storage/ -run NONE -bench Snapshots1000Guilds -benchtime 2000x
func BenchmarkSnapshots1000Guilds(b *testing.B) {
	const guilds = 1000
	s := storagetest.Open(b, storage.DriverSQLite)
	ctx := b.Context()
	countries := []string{"KE", "GT", "SV", "JM", "BZ"}
	for g := range guilds {
		a := storage.Actor{GuildID: strconv.Itoa(1_300_000_000_000_000_000 + g), UserID: "U", Command: "bench"}
		for i, c := range countries {
			if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: c, Personnel: 10 * (i + 1), Role: mission.RolePolice, ArrivedAt: s.Now()}); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range []string{"KE", "BJ", "TD"} {
			if _, err := s.SetPledge(ctx, a, storage.Pledge{Country: c, Role: mission.RoleMilitary, AsOf: s.Now()}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(24 * time.Hour), Destination: "PAP", Aircraft: "C-17",
			Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary}},
				{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: mission.RoleMedical}}}}); err != nil {
			b.Fatal(err)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	h0, r0 := heap(), rssKB()
	for g := range guilds {
		id := strconv.Itoa(1_300_000_000_000_000_000 + g)
		if _, err := s.CachedGuild(ctx, id); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ForcesView(ctx, id, s.Now(), week); err != nil {
			b.Fatal(err)
		}
	}
	h1, r1 := heap(), rssKB()
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.ForcesView(ctx, strconv.Itoa(1_300_000_000_000_000_000+i%guilds), s.Now(), week); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// Reported after the loop: ResetTimer forgets metrics reported before it.
	b.ReportMetric(float64(h1-h0)/guilds, "heap-B/guild")
	b.ReportMetric(float64(r0)/1024, "rss-before-MB")
	b.ReportMetric(float64(r1)/1024, "rss-cached-MB")
}

// rssKB is the process's resident set size in KiB, from /proc (0 elsewhere).
func rssKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb
		}
	}
	return 0
}
