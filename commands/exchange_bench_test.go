package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"liaison/exchange"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// benchRows is the size of the benchmarks' files: 10,000 unless LIAISON_BENCH_ROWS says
// otherwise (100000 or 1000000 for the figures in the README).
func benchRows(b *testing.B) int {
	if v := os.Getenv("LIAISON_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("LIAISON_BENCH_ROWS=%q: want a positive number", v)
		}
		return n
	}
	return 10_000
}

// arrivalsCSV is an import file of n arrivals spread over countries, roles and days.
func arrivalsCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone,language\n")
	countries := []string{"KE", "GT", "SV", "JM", "BJ", "TD", "BS", "BZ"}
	roles := mission.Roles()
	// Back from the store's clock: an arrival is refused when later than now.
	end := storagetest.Start.UTC()
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "arrival,%d,%s,%s,%d,%s,,,,,,,,unit %d,,press,,bench,,,\n", i+1,
			end.Add(-time.Duration(n-i)*7*time.Minute).Format(time.RFC3339), countries[i%len(countries)], 1+i%50, roles[i%len(roles)], i%20)
	}
	return buf.Bytes()
}

// BenchmarkImport measures `liaison import` of an arrivals file: the one-transaction bulk path
// against the row-by-row path it replaced (one transaction, audit entry and total update per
// row). rows/s is the figure to read.
//
//	go test -run '^$' -bench BenchmarkImport -benchtime 3x ./commands/
func BenchmarkImport(b *testing.B) {
	n := benchRows(b)
	file := arrivalsCSV(n)
	for _, driver := range storagetest.Drivers() {
		b.Run(driver+"/bulk/rows="+strconv.Itoa(n), func(b *testing.B) {
			s := storagetest.Open(b, driver)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := storage.Actor{GuildID: "bench" + strconv.Itoa(i), UserID: "import", Command: "liaison import"}
				res, err := exchange.ImportCSV(ctx, s, a, bytes.NewReader(file))
				if err != nil || res.Arrivals != n {
					b.Fatalf("import: %v (%d arrivals)", err, res.Arrivals)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(driver+"/row-by-row/rows="+strconv.Itoa(n), func(b *testing.B) {
			s := storagetest.Open(b, driver)
			ctx := context.Background()
			rows := make([]storage.Arrival, n)
			roles := mission.Roles()
			for i := range rows {
				rows[i] = storage.Arrival{Country: "KE", Personnel: 1 + i%50, Role: roles[i%len(roles)],
					ArrivedAt: time.Date(2024, 6, 25, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute), Source: "press"}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := storage.Actor{GuildID: "bench" + strconv.Itoa(i), UserID: "import", Command: "liaison import"}
				for _, r := range rows {
					if _, err := s.LogArrival(ctx, a, r); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// heapPeak samples the live heap every few milliseconds until the returned function is called,
// which gives the largest value seen: what "memory stays flat" is about, unlike B/op, which
// counts garbage too.
func heapPeak() func() float64 {
	stop, done := make(chan struct{}), make(chan float64)
	go func() {
		var m runtime.MemStats
		peak := uint64(0)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				done <- float64(peak)
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(stop); return <-done }
}

// BenchmarkExport measures `liaison export arrivals` (and the file /export attaches): rows
// stream from the database to the CSV writer, so B/op is per-row garbage, not a copy of the
// table, and the heap stays flat whatever n.
//
//	go test -run '^$' -bench BenchmarkExport -benchtime 3x ./commands/
func BenchmarkExport(b *testing.B) {
	n := benchRows(b)
	for _, driver := range storagetest.Drivers() {
		for _, f := range []exchange.Format{exchange.FormatLiaison, exchange.FormatHXL} {
			b.Run(driver+"/"+string(f)+"/rows="+strconv.Itoa(n), func(b *testing.B) {
				s := storagetest.Open(b, driver)
				ctx := context.Background()
				if _, err := exchange.ImportCSV(ctx, s, storage.Actor{GuildID: "bench", UserID: "import"}, bytes.NewReader(arrivalsCSV(n))); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				runtime.GC()
				peak := heapPeak()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					got, err := exchange.ExportCSV(ctx, s, "bench", "arrivals", f, io.Discard)
					if err != nil || got != n {
						b.Fatalf("export: %v (%d rows)", err, got)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(peak()/(1<<20), "peak-heap-MiB")
			})
		}
	}
}
