package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/commands"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// lockedBuffer is a log sink the bot writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunServesAndStopsCleanly runs `liaison run` against the fake Discord on loopback with a
// SQLite database: it registers the commands, opens the gateway and the HTTP endpoint, reports
// ready, answers a signed /forces and a gateway command, and returns nil when the signal comes.
func TestRunServesAndStopsCleanly(t *testing.T) {
	fake := fakediscord.New(t)
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	pub, priv, _ := ed25519.GenerateKey(nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{Token: "test-token", PublicKey: hex.EncodeToString(pub), APIBase: fake.APIBase(),
		Gateway: true, Register: "guild:" + fakediscord.DefaultGuildID, ShardCount: 1}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, store, log, serveOptions{listener: ln, drainTimeout: 10 * time.Second})
	}()

	// Ready: the database answers and both doors are open.
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && string(body) == "ok\n" {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\nlogs:\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never became ready\nlogs:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, want := len(fake.Commands(fakediscord.DefaultGuildID)), len(commands.All(commands.Deps{})); got != want {
		t.Errorf("commands registered in the guild = %d, want %d", got, want)
	}

	// A signed /forces over HTTP.
	i := &discordgo.Interaction{ID: "1400000000000000009", Token: "aW50ZXJhY3Rpb246OQ", AppID: fakediscord.ApplicationID, Version: 1,
		Type: discordgo.InteractionApplicationCommand, GuildID: fakediscord.DefaultGuildID, ChannelID: "1100000000000000100",
		Member: &discordgo.Member{User: &discordgo.User{ID: "1100000000000000200", Username: "alice"}, Permissions: discordgo.PermissionViewChannel},
		Data:   discordgo.ApplicationCommandInteractionData{ID: "1300000000000000002", Name: "forces", CommandType: discordgo.ChatApplicationCommand}}
	body, _ := json.Marshal(i)
	req, _ := http.NewRequest(http.MethodPost, base+"/interactions", bytes.NewReader(body))
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signed /forces = %s: %s", resp.Status, answer)
	}
	if err := fake.ValidateInteractionResponse(answer); err != nil {
		t.Errorf("/forces answer is not valid: %v\n%s", err, answer)
	}
	if !strings.Contains(string(answer), "deployed") {
		t.Errorf("/forces answer lacks the force level: %s", answer)
	}

	// The same router over the gateway.
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	gi := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, GuildID: fakediscord.DefaultGuildID, ChannelID: "1100000000000000100",
		Member: &discordgo.Member{User: &discordgo.User{ID: "1100000000000000200", Username: "alice"}, Permissions: discordgo.PermissionViewChannel},
		Data:   discordgo.ApplicationCommandInteractionData{ID: "1300000000000000003", Name: "help", CommandType: discordgo.ChatApplicationCommand}}
	if err := fake.DispatchInteraction(gi); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := fake.WaitResponse(wctx, gi.ID); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs)
	}

	// /metrics counts both.
	mresp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`liaison_interactions_total{command="forces",outcome="ok"} 1`, `liaison_rest_requests_total`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// SIGTERM: main cancels the context.
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after the signal, want nil (exit 0)", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("run did not return after the signal\nlogs:\n%s", logs)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the HTTP server still answers after run returned")
	}
	for _, want := range []string{"slash commands registered", "liaison is serving", "scheduler started", "scheduler stopped", "liaison stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs.String(), "test-token") {
		t.Error("the token reached the log")
	}
	fake.AssertValid(t)
}

// TestRunConfigErrors: a start that cannot work stops with one line naming the key.
func TestRunConfigErrors(t *testing.T) {
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	log := slog.New(slog.DiscardHandler)
	tests := []struct {
		name string
		edit func(d *DiscordConfig, h *HTTPConfig)
		want string
	}{
		{"gateway without token", func(d *DiscordConfig, h *HTTPConfig) { d.Token = "" }, "config discord.token:"},
		{"register without token", func(d *DiscordConfig, h *HTTPConfig) {
			d.Token, d.Gateway, d.PublicKey, h.Listen = "", false, strings.Repeat("ab", 32), "127.0.0.1:0"
		}, "config discord.token:"},
		{"no door", func(d *DiscordConfig, h *HTTPConfig) { d.Gateway = false }, "config discord.gateway:"},
		{"public key without listen", func(d *DiscordConfig, h *HTTPConfig) { d.PublicKey = strings.Repeat("ab", 32) }, "config http.listen:"},
		{"bad api_base", func(d *DiscordConfig, h *HTTPConfig) { d.APIBase = "discord.com" }, "config discord.api_base:"},
		{"bad listen address", func(d *DiscordConfig, h *HTTPConfig) {
			d.Gateway, d.Register, d.PublicKey, h.Listen = false, "off", strings.Repeat("ab", 32), "127.0.0.1:http-alt-nope"
		}, "config http.listen:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.Discord.Token = "test-token"
			tt.edit(&cfg.Discord, &cfg.HTTP)
			err := runBot(context.Background(), cfg, store, log)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("runBot = %v, want one line starting %q", err, tt.want)
			}
		})
	}
}

// TestRunHTTPOnlyWithoutToken: an instance that only answers HTTP interactions needs no token
// (interaction tokens authenticate its edits); it warns that it posts no reminders.
func TestRunHTTPOnlyWithoutToken(t *testing.T) {
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{PublicKey: strings.Repeat("ab", 32), Gateway: false, Register: "off", ShardCount: 1}
	logs := &lockedBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, store, slog.New(slog.NewTextHandler(logs, nil)), serveOptions{listener: ln})
	}()
	url := fmt.Sprintf("http://%s/healthz", ln.Addr())
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "scheduled posts are not delivered") {
		t.Errorf("no warning about reminders:\n%s", logs)
	}
}

// TestRegisterVerb: `liaison register` finds the application ID from the token and makes one
// bulk overwrite; with register = "off" it refuses, naming the key.
func TestRegisterVerb(t *testing.T) {
	fake := fakediscord.New(t)
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{Token: "test-token", APIBase: fake.APIBase(), Register: "global", ShardCount: 1}
	if err := registerOnly(context.Background(), cfg, store, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if got, want := len(fake.Commands("")), len(commands.All(commands.Deps{})); got != want {
		t.Errorf("global commands = %d, want %d", got, want)
	}
	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("PUT requests = %d, want one bulk overwrite", puts)
	}
	fake.AssertValid(t)

	cfg.Discord.Register = "off"
	if err := registerOnly(context.Background(), cfg, store, slog.New(slog.DiscardHandler)); err == nil || !strings.HasPrefix(err.Error(), "config discord.register:") {
		t.Errorf("register with register=off: %v, want an error naming discord.register", err)
	}
}

// TestAppHasOneClock: the clock a test passes reaches every part that reads the time, so that
// what the store plans, the scheduler and the mirror judge on the same time.
func TestAppHasOneClock(t *testing.T) {
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	fixed := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{Token: "test-token", Gateway: true, Register: "off", ShardCount: 1, ScheduledEvents: true}
	a, err := newApp(cfg, store, slog.New(slog.DiscardHandler), serveOptions{now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	for name, now := range map[string]func() time.Time{"store": store.Now, "router": a.router.Now,
		"scheduler": a.sched.Now, "events": a.mirror.Events.Now} {
		if got := now(); !got.Equal(fixed) {
			t.Errorf("%s clock = %v, want the app's %v", name, got, fixed)
		}
	}
}

// TestMetricsListen: with [http].metrics_listen set, /metrics is served there and not on the
// public listener, which still answers /healthz.
func TestMetricsListen(t *testing.T) {
	store, _ := storagetest.OpenClock(t, storage.DriverSQLite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{PublicKey: strings.Repeat("ab", 32), Gateway: false, Register: "off", ShardCount: 1}
	cfg.HTTP.MetricsListen = metricsAddr
	logs := &lockedBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, store, slog.New(slog.NewTextHandler(logs, nil)), serveOptions{listener: ln})
	}()
	get := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(10 * time.Second)
	for get(fmt.Sprintf("http://%s/healthz", ln.Addr())) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("never ready\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := get(fmt.Sprintf("http://%s/metrics", ln.Addr())); code != http.StatusNotFound {
		t.Errorf("/metrics on the public listener: %d, want 404", code)
	}
	if code := get("http://" + metricsAddr + "/metrics"); code != http.StatusOK {
		t.Errorf("/metrics on metrics_listen: %d, want 200", code)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
