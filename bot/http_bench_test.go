package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/exchange"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// benchClients is how many clients send requests at once, like Discord's edge holding several
// connections open to one instance.
const benchClients = 8

// BenchmarkHTTPEndpoint drives signed requests through the real HTTP endpoint on loopback, per
// database side by side in one run: PING (signature check, decode, PONG: the ceiling of the door
// itself) and /forces on the demo timeline (the same, plus the router and its reads). Each
// reports requests per second and p50/p99 latency as a client sees them; forces also reports its
// throughput as a fraction of the same database's PING (of-ping). The Postgres variant runs when
// LIAISON_TEST_POSTGRES_DSN is set.
//
//	go test ./bot/ -run NONE -bench HTTPEndpoint -benchtime 5s
func BenchmarkHTTPEndpoint(b *testing.B) {
	for _, driver := range []string{storage.DriverSQLite, storage.DriverPostgres} {
		b.Run(driver, func(b *testing.B) {
			if _, ok := storagetest.PostgresDSN(); driver == storage.DriverPostgres && !ok {
				b.Skip(storagetest.PostgresEnv + " not set")
			}
			benchEndpoint(b, driver)
		})
	}
}

// benchEndpoint is BenchmarkHTTPEndpoint on one database.
func benchEndpoint(b *testing.B, driver string) {
	router, m, log := demoRouter(b, driver)
	pub, priv, _ := ed25519.GenerateKey(nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: &bot.Endpoint{Router: router, PublicKey: pub, Metrics: m, Log: log}}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/interactions"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}

	ping := []byte(`{"id":"1400000000000000001","application_id":"1100000000000000001","type":1,"token":"dG9rZW4","version":1}`)
	forces := interactionJSON(b, slash(everyonePerms, "forces"), 1)

	// drive sends n signed copies of body from benchClients clients at once and returns each
	// request's latency and the wall time they took.
	drive := func(b *testing.B, body []byte, n int) ([]time.Duration, time.Duration) {
		var (
			left = atomic.Int64{}
			mu   sync.Mutex
			lat  = make([]time.Duration, 0, n)
			wg   sync.WaitGroup
		)
		left.Store(int64(n))
		start := time.Now()
		for range benchClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				local := make([]time.Duration, 0, n/benchClients+1)
				for left.Add(-1) >= 0 {
					t0 := time.Now()
					// Signing is Discord's side, but it is cheap next to the round trip.
					req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
					sign(req, priv, t0, body)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %s", resp.Status)
						return
					}
					local = append(local, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return lat, time.Since(start)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	report := func(b *testing.B, lat []time.Duration, elapsed time.Duration) float64 {
		slices.Sort(lat)
		rps := float64(len(lat)) / elapsed.Seconds()
		b.ReportMetric(rps, "req/s")
		if len(lat) > 0 {
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
		}
		return rps
	}

	b.Run("ping", func(b *testing.B) {
		lat, elapsed := drive(b, ping, b.N)
		b.StopTimer()
		report(b, lat, elapsed)
	})
	// forces alternates rounds of /forces with rounds of PING, as many of each, and compares
	// their rates over the same stretch of time: on a machine shared with other work, the ratio
	// then reflects the endpoint, not what else ran meanwhile.
	b.Run("forces", func(b *testing.B) {
		const rounds = 10
		var lat []time.Duration
		var forcesTime, pingTime time.Duration
		pings := 0
		for r := range rounds {
			n := b.N/rounds + boolInt(r < b.N%rounds)
			pl, pt := drive(b, ping, n)
			pings, pingTime = pings+len(pl), pingTime+pt
			fl, ft := drive(b, forces, n)
			lat, forcesTime = append(lat, fl...), forcesTime+ft
		}
		b.StopTimer()
		rps := report(b, lat, forcesTime)
		if pings > 0 {
			b.ReportMetric(rps/(float64(pings)/pingTime.Seconds()), "of-ping")
		}
	})
}

// BenchmarkHTTPHandler is the door itself without the network: signed requests handed to the
// endpoint's ServeHTTP in the benchmark's goroutine, PING and /forces (on the demo timeline,
// SQLite) in one run. Its allocations are the door's and the router's, not a client's or a
// socket's, so a change to how a body is read shows in B/op and allocs/op. The bodies carry
// attachment_size_limit as Discord's do.
//
//	go test ./bot/ -run '^$' -bench HTTPHandler -benchmem -count 5
func BenchmarkHTTPHandler(b *testing.B) {
	router, m, log := demoRouter(b, storage.DriverSQLite)
	pub, priv, _ := ed25519.GenerateKey(nil)
	e := &bot.Endpoint{Router: router, PublicKey: pub, Metrics: m, Log: log}
	pingI := &discordgo.Interaction{ID: "1400000000000000001", AppID: "1100000000000000001", Type: discordgo.InteractionPing, Token: "dG9rZW4", Version: 1}
	forcesI := slash(everyonePerms, "forces")
	forcesI.ID, forcesI.Token = "1400000000000000002", "dG9rZW4"
	for _, tc := range []struct {
		name string
		i    *discordgo.Interaction
		want string // in the answer
	}{
		{"ping", pingI, `"type":1`},
		{"forces", forcesI, "Haiti"},
	} {
		body, err := fakediscord.InteractionPayload(tc.i, fakediscord.DefaultAttachmentSizeLimit)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			// Signed once per run: the signature is Discord's work, and the timestamp stays
			// within the endpoint's 5 minutes.
			signed, _ := http.NewRequest(http.MethodPost, "/interactions", nil)
			sign(signed, priv, time.Now(), body)
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
				req.Header = signed.Header
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
					b.Fatalf("answer %d %s, want 200 with %q", rec.Code, rec.Body, tc.want)
				}
			}
		})
	}
}

// demoRouter is Liaison's router over the demo timeline on driver, wired as run.go wires it,
// with its metrics and a silent log. The records listener runs until the benchmark ends.
func demoRouter(b *testing.B, driver string) (*bot.Router, *bot.Metrics, *slog.Logger) {
	store := storagetest.Open(b, driver)
	demo, err := os.ReadFile("../demo/mss-haiti.csv")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := exchange.ImportCSV(ctx, store, storage.Actor{GuildID: e2eGuild, UserID: "demo", Command: "bench"}, bytes.NewReader(demo)); err != nil {
		b.Fatal(err)
	}
	// From here on the store's clock is the real one, as in production: snapshots age.
	store.Now = time.Now
	log := slog.New(slog.DiscardHandler)
	cmds := commands.All(commands.Deps{Store: store, Log: log})
	m := bot.NewMetrics()
	// Wired as run.go wires it: guild settings through the snapshots, kept true on Postgres
	// by the records listener.
	router, err := bot.NewRouter(log, storage.CachedGuilds{Store: store}, cmds)
	if err != nil {
		b.Fatal(err)
	}
	router.Observe = m.Observe
	listenCtx, stopListen := context.WithCancel(ctx)
	listened := make(chan error, 1)
	go func() { listened <- store.ListenRecords(listenCtx, func(err error) { b.Log(err) }) }()
	b.Cleanup(func() { stopListen(); <-listened })
	for deadline := time.Now().Add(10 * time.Second); !store.CacheLive(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the records listener did not connect")
		}
	}
	return router, m, log
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
