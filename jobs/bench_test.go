package jobs

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// Benchmarks (figures in the issue note):
//
//	go test ./jobs -run '^$' -bench . -benchtime 2s
//	LIAISON_TEST_POSTGRES_DSN=postgres://... go test ./jobs -run '^$' -bench . -benchtime 2s

// benchDrivers lists the drivers to benchmark: SQLite, and Postgres when configured.
func benchDrivers(b *testing.B, fn func(b *testing.B, driver string)) {
	for _, d := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		b.Run(d, func(b *testing.B) {
			if _, ok := storagetest.PostgresDSN(); d == storage.DriverPostgres && !ok {
				b.Skip(storagetest.PostgresEnv + " not set")
			}
			fn(b, d)
		})
	}
}

// fillReminders inserts total pending rows of guild G with one INSERT … SELECT over a generated
// series: due of them are due (spread over the last due seconds), the rest lie in the future, one
// a second. Generating the rows in the database loads a million in seconds.
func fillReminders(b *testing.B, st *storage.Store, now time.Time, total, due int) {
	b.Helper()
	if _, err := st.Guild(context.Background(), "G"); err != nil {
		b.Fatal(err)
	}
	base := now.UTC().Add(-time.Duration(due) * time.Second)
	var sql string
	switch st.Dialect() {
	case storage.DriverPostgres:
		sql = `INSERT INTO reminders (guild_id, kind, dedupe_key, offset_secs, due_at, status, nonce, created_at, updated_at)
			SELECT 'G', 'countdown', 'k' || x, 86400, ?::timestamptz + x * interval '1 second', 'pending', 'n' || x, now(), now()
			FROM generate_series(1, ?) AS x`
	default:
		// The text format of the due time is the one the SQLite driver writes, so that the
		// claim's comparisons order these rows like any other.
		sql = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
			INSERT INTO reminders (guild_id, kind, dedupe_key, offset_secs, due_at, status, nonce, created_at, updated_at)
			SELECT 'G', 'countdown', 'k' || x, 86400, strftime('%Y-%m-%d %H:%M:%S', ?, '+' || x || ' seconds') || '+00:00',
				'pending', 'n' || x, datetime('now'), datetime('now') FROM c`
	}
	start := time.Now()
	var err error
	if st.Dialect() == storage.DriverPostgres {
		err = st.DB().Exec(sql, base, total).Error
	} else {
		err = st.DB().Exec(sql, total, base.Format("2006-01-02 15:04:05")).Error
	}
	if err != nil {
		b.Fatalf("fill reminders: %v", err)
	}
	if st.Dialect() == storage.DriverPostgres {
		st.DB().Exec("ANALYZE reminders")
	}
	b.Logf("inserted %d reminders in %v", total, time.Since(start))
}

// BenchmarkClaimDue measures one claim of 100 due rows among 1,000,000 pending ones. The
// claimed rows are recorded sent outside the timer, as the dispatcher would, so that every
// claim starts from the same shape of table.
func BenchmarkClaimDue(b *testing.B) {
	benchDrivers(b, func(b *testing.B, driver string) {
		st, clock := storagetest.OpenClock(b, driver)
		now := clock.Now()
		fillReminders(b, st, now, 1_000_000, 300_000)
		ctx := context.Background()
		n := 0
		for b.Loop() {
			n++
			rows, err := st.ClaimDueFor(ctx, fmt.Sprintf("bench#%d", n), now, time.Minute, storage.ClaimLimits{Limit: 100})
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) != 100 {
				b.Fatalf("claim %d returned %d rows, want 100 (raise the number of due rows)", n, len(rows))
			}
			b.StopTimer()
			outs := make([]storage.Outcome, len(rows))
			for i, r := range rows {
				outs[i] = storage.Outcome{Reminder: r, Status: mission.ReminderSent, MessageID: "m"}
			}
			if _, err := st.Settle(ctx, outs); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/100, "ns/row")
	})
}

// BenchmarkNextDue measures the dispatcher's "when is the next post" query among 1,000,000
// pending rows.
func BenchmarkNextDue(b *testing.B) {
	benchDrivers(b, func(b *testing.B, driver string) {
		st, clock := storagetest.OpenClock(b, driver)
		fillReminders(b, st, clock.Now(), 1_000_000, 0)
		ctx := context.Background()
		for b.Loop() {
			if _, ok, err := st.NextDue(ctx, clock.Now()); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

// BenchmarkDispatch measures delivery throughput against an instant poster: claim, render,
// post, record, for batches of 2,000 due reminders.
func BenchmarkDispatch(b *testing.B) {
	benchDrivers(b, func(b *testing.B, driver string) {
		st, clock := storagetest.OpenClock(b, driver)
		s := testScheduler(st, clock, instantPoster{}, nil, "bench")
		s.Batch = 200
		const perRound = 2000
		posted := 0
		round := 0
		for b.Loop() {
			b.StopTimer()
			round++
			guild := fmt.Sprintf("G%d", round)
			bulkDue(b, st, guild, perRound, clock.Now().Add(-time.Minute))
			b.StartTimer()
			n, err := s.DispatchDue(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			posted += n
		}
		b.ReportMetric(float64(posted)/b.Elapsed().Seconds(), "posts/s")
	})
}

// instantPoster posts instantly and never fails.
type instantPoster struct{}

func (instantPoster) Post(_ context.Context, m Message) (string, error) { return "m-" + m.Nonce, nil }

// BenchmarkOnTimeLateness runs the real loop with real timers and measures how late on-time
// posts are: per round, 200 flights due over two seconds, scheduled well ahead, each with one
// reminder at its ETA. Lateness is taken when the post returns (Metrics.Lateness). It reports
// the 50th and 99th percentiles and the maximum in milliseconds (goal: p99 under 1 s).
func BenchmarkOnTimeLateness(b *testing.B) {
	benchDrivers(b, func(b *testing.B, driver string) {
		st, _ := storagetest.OpenClock(b, driver)
		st.Now = time.Now
		poster := newFakePoster()
		s := New(st, poster, nil)
		var mu sync.Mutex
		var lateness []time.Duration
		s.Metrics.Lateness = func(_ string, d time.Duration) {
			mu.Lock()
			lateness = append(lateness, d)
			mu.Unlock()
		}
		ctx := context.Background()
		if _, err := st.UpdateGuild(ctx, storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
			g.ChannelID, g.Digest, g.ReminderOffsets = "C1", "off", mission.Offsets{0}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- s.Run(rctx) }()
		defer func() {
			cancel()
			<-done
		}()
		const perRound = 200
		posted := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(lateness)
		}
		want := 0
		for b.Loop() {
			// Planning 200 flights takes a while on a loaded Postgres: start two seconds out,
			// and never plan an ETA less than 300 ms ahead, or its reminder would be skipped
			// as past and the round would wait for a post that never comes.
			start := time.Now().Add(2 * time.Second)
			for i := range perRound {
				eta := start.Add(time.Duration(i) * 10 * time.Millisecond)
				if soon := time.Now().Add(300 * time.Millisecond); eta.Before(soon) {
					eta = soon
				}
				if _, err := st.ScheduleFlight(ctx, storage.Actor{GuildID: "G", UserID: "m"}, storage.Flight{ETA: eta, Destination: "PAP"}); err != nil {
					b.Fatal(err)
				}
			}
			want += perRound
			for posted() < want {
				time.Sleep(10 * time.Millisecond)
				if time.Since(start) > 30*time.Second {
					b.Fatalf("only %d of %d posted 30 s after the first was due", posted(), want)
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(lateness)
		pct := func(p float64) float64 {
			return float64(lateness[int(p*float64(len(lateness)-1))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(pct(1), "max-ms")
	})
}
