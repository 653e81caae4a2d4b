package share

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// BenchmarkShare serves the shared page, its chart and its calendar for a guild of 1,000,000
// arrivals over two years with 10,000 landed flights (storagetest.PopulateHistory, the history
// storage's own benchmarks read), through the handler as a request reaches it. "page" and
// "ics" advance the clock past the render cache and the storage snapshot before each request,
// so each one is rendered from the database; "page-cached" is a subscriber polling within the
// cache's life; "chart" is the chart of an unchanged snapshot (read, not drawn: it is kept per
// guild, language and snapshot) and "chart-draw" draws it each time. The lookup limiter is lifted: it meters real
// requests, not the work of one. The 1M history takes a while to populate and is skipped with
// -short.
//
//	go test ./share/ -run '^$' -bench Share -benchtime 50x
func BenchmarkShare(b *testing.B) {
	const size = 1_000_000
	for _, driver := range storagetest.Drivers() {
		b.Run(fmt.Sprintf("arrivals=%d/%s", size, driver), func(b *testing.B) {
			if testing.Short() {
				b.Skip("1M-arrival history skipped with -short")
			}
			s, clock := storagetest.OpenClock(b, driver)
			start := time.Now()
			storagetest.PopulateHistory(b, s, "bench", size)
			b.Logf("%s: %d arrivals populated in %v", driver, size, time.Since(start).Round(time.Millisecond))
			ctx := context.Background()
			if _, err := s.UpdateGuild(ctx, storage.Actor{GuildID: "bench"}, func(g *storage.Guild) error {
				g.Planned, g.MissionName = 20000, "Bench"
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			_, token, err := s.SetShare(ctx, storage.Actor{GuildID: "bench", UserID: "bench"}, mission.ShareForcesFlights, false)
			if err != nil {
				b.Fatal(err)
			}
			h := New(s, clock.Now, slog.New(slog.DiscardHandler))
			h.limit = rate.NewLimiter(rate.Inf, 0)
			get := func(b *testing.B, path string) int {
				req := httptest.NewRequest(http.MethodGet, "/s/"+token+path, nil)
				req.Header.Set("Accept-Language", "fr")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s = %d: %s", path, w.Code, w.Body)
				}
				return w.Body.Len()
			}
			for _, c := range []struct {
				name, path string
				fresh      bool // advance past the cache and the snapshot before each request
				draw       bool // forget the charts drawn before each request
			}{
				{"page", "", true, false},
				{"page-cached", "", false, false},
				{"chart", "/chart.png", true, false},
				{"chart-draw", "/chart.png", true, true},
				{"ics", "/flights.ics", true, false},
			} {
				b.Run(c.name, func(b *testing.B) {
					n := get(b, c.path)
					b.ReportAllocs()
					for b.Loop() {
						if c.fresh {
							clock.Advance(cacheTTL + time.Second)
						}
						if c.draw {
							clear(h.charts)
						}
						n = get(b, c.path)
					}
					b.ReportMetric(float64(n), "bytes/answer")
				})
			}
		})
	}
}
