// Package proxytest shows several Liaison instances sharing one bot token's rate limits through
// an existing REST proxy, @discordjs/proxy (proxy.mjs here, installed from the committed
// package-lock.json with npm ci), in front of the fake Discord with its limits on.
package proxytest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/jobs"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// Env turns the test on: it posts 10,000 reminders, which takes about a minute. .ci/run sets it
// once npm ci has installed the proxy.
const Env = "LIAISON_PROXY_TEST"

// startProxy runs proxy.mjs in front of upstream and returns its api_base. It skips the test
// when Node.js or the installed package is missing.
func startProxy(t *testing.T, upstream string, global int) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the REST proxy test needs Node.js")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@discordjs", "proxy", "package.json")); err != nil {
		t.Skip("@discordjs/proxy not installed: run npm ci in proxytest/")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "proxy.mjs")
	cmd.Env = append(os.Environ(), "LIAISON_PROXY_UPSTREAM="+upstream, "LIAISON_PROXY_PORT=0",
		fmt.Sprintf("LIAISON_PROXY_GLOBAL=%d", global))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the proxy: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				port <- p
			}
		}
	}()
	select {
	case p := <-port:
		return "http://127.0.0.1:" + p + "/api/v9"
	case <-time.After(30 * time.Second):
		t.Fatal("the proxy did not start within 30 s")
	}
	return ""
}

// TestInstancesShareLimitsThroughProxy: three instances, one database, their api_base at one
// @discordjs/proxy in front of the fake with its limits on. 10,000 reminders across 250
// channels are posted exactly once, and the fake answers only a handful of 429s: the proxy
// holds every instance's requests to the one limit. The limits are Discord's per channel (5
// messages per 5 s) and a global one raised to 250 per second (the proxy keeps to half of it,
// see below), so that the run takes under two minutes rather than the 400 s that Discord's 50
// per second, halved, would need.
func TestInstancesShareLimitsThroughProxy(t *testing.T) {
	if os.Getenv(Env) == "" {
		t.Skipf("set %s=1 to post 10,000 reminders through @discordjs/proxy (about a minute; .ci/run does)", Env)
	}
	const instances, channels, perChannel, global = 3, 250, 40, 250
	fake := fakediscord.New(t)
	limits := fakediscord.DiscordRateLimits()
	limits.Global, limits.RoutePerWindow = global, global
	fake.SetRateLimits(limits)
	// The proxy is given half the fake's global limit. Its one-second window and the fake's open
	// at different instants, so a full window's burst at the end of one of its windows and
	// another at the start of the next can land in one window of the fake; and
	// @discordjs/proxy cannot retry a 429 (it streams the body through, and the retry goes out
	// empty, answered 400), so each 429 there would cost a post.
	apiBase := startProxy(t, fake.URL()+"/api", global/2)

	driver := storage.DriverSQLite
	if _, ok := storagetest.PostgresDSN(); ok {
		driver = storage.DriverPostgres
	}
	cfg := storagetest.EmptyDatabase(t, driver)
	first, _ := storagetest.OpenConfig(t, cfg)
	first.Now = time.Now
	if _, err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	planDue(t, first, channels, perChannel, time.Now())

	var scheds []*jobs.Scheduler
	for i := range instances {
		st := first
		if i > 0 {
			st, _ = storagetest.OpenConfig(t, cfg)
			st.Now = time.Now
		}
		dg, err := discordgo.New("Bot test-token")
		if err != nil {
			t.Fatal(err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		rt, err := bot.NewTransport(apiBase, tr, nil)
		if err != nil {
			t.Fatal(err)
		}
		dg.Client = &http.Client{Transport: rt}
		poster := bot.NewDiscordPoster(dg)
		// The proxy paces every instance together; each pacing itself to the whole limit
		// would only add a second queue.
		poster.GlobalRate = 0
		s := jobs.New(st, poster, nil)
		s.Owner = fmt.Sprintf("instance-%d", i)
		// Behind the proxy a post waits in its queue for the channel's turn (up to 5 s with
		// three instances on one channel) instead of in discordgo: attempts get that long.
		// A post waiting there holds one of the instance's post slots, so it needs more slots
		// than the 8 that suffice when discordgo's own buckets do the waiting; and since each
		// channel drains at 1 post/s, reaching the global limit takes rows held for many
		// channels at once (Batch over PerGuild channels).
		s.Lease, s.AttemptTimeout, s.Workers, s.Batch = 15*time.Second, 10*time.Second, 64, 1000
		scheds = append(scheds, s)
	}

	start := time.Now()
	deadline := start.Add(5 * time.Minute)
	pending := func() int64 {
		var n int64
		first.DB().Model(&storage.Reminder{}).Where("status = ?", mission.ReminderPending).Count(&n)
		return n
	}
	sent := func() int64 {
		var n int64
		first.DB().Model(&storage.Reminder{}).Where("status = ? AND message_id <> ''", mission.ReminderSent).Count(&n)
		return n
	}
	var wg sync.WaitGroup
	settled := make([]int, instances)
	for i, s := range scheds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A pass ends when nothing it could claim is left; rows given back for a later
			// retry need another pass.
			for pending() > 0 && time.Now().Before(deadline) {
				n, err := s.DispatchDue(context.Background())
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
				settled[i] += n
				if n == 0 {
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	route, globalHits := fake.RateLimited()
	t.Logf("%d instances through @discordjs/proxy: %d reminders in %v (per instance %v); fake answered %d route and %d global 429s, %d invalid requests",
		instances, channels*perChannel, elapsed.Round(time.Millisecond), settled, route, globalHits, fake.InvalidRequests())

	if got := sent(); got != channels*perChannel {
		var rest []storage.Reminder
		first.DB().Where("status <> ? OR message_id = ''", mission.ReminderSent).Limit(5).Find(&rest)
		for _, r := range rest {
			t.Logf("not sent: #%d %s attempts %d lease %v: %s", r.ID, r.Status, r.Attempts, r.LeaseUntil, r.LastError)
		}
		t.Fatalf("%d rows recorded sent, want %d", got, channels*perChannel)
	}
	seen := map[string]int{}
	for _, m := range fake.Messages() {
		seen[m.Nonce]++
	}
	if len(seen) != channels*perChannel {
		t.Errorf("fake has messages for %d nonces, want %d", len(seen), channels*perChannel)
	}
	for nonce, n := range seen {
		if n != 1 {
			t.Errorf("nonce %s posted %d times", nonce, n)
		}
	}
	if route+globalHits > 50 {
		t.Errorf("the fake answered %d 429s, want a handful: the proxy should hold the instances to one limit", route+globalHits)
	}
	fake.AssertValid(t)
}

// planDue gives guilds G0…G(guilds-1) a channel each and perGuild countdown reminders each, due
// a second ago (so that the guild's own countdown plan skips that day as past).
func planDue(t testing.TB, st *storage.Store, guilds, perGuild int, now time.Time) {
	t.Helper()
	ctx := context.Background()
	due := now.Add(-time.Second).UTC().Truncate(time.Second)
	end := due.Add(24 * time.Hour)
	var rows []storage.Reminder
	for g := range guilds {
		id := fmt.Sprintf("G%d", g)
		if _, err := st.UpdateGuild(ctx, storage.Actor{GuildID: id, UserID: "admin"}, func(gd *storage.Guild) error {
			gd.ChannelID, gd.MandateEnd, gd.Digest = fmt.Sprintf("11000000000001%05d", g), &end, "off"
			return nil
		}); err != nil {
			t.Fatalf("UpdateGuild: %v", err)
		}
		for i := range perGuild {
			rows = append(rows, storage.Reminder{GuildID: id, Kind: mission.ReminderCountdown,
				DedupeKey: fmt.Sprintf("bulk:%d", i), OffsetSecs: 86400, DueAt: due, Status: mission.ReminderPending,
				Nonce: fmt.Sprintf("%s-%d", id, i), CreatedAt: due, UpdatedAt: due})
		}
	}
	if err := st.DB().CreateInBatches(rows, 500).Error; err != nil {
		t.Fatalf("insert reminders: %v", err)
	}
}
