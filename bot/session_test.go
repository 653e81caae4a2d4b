package bot_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
)

// recordingRT answers every request with status and remembers the URL it was sent to.
type recordingRT struct {
	got    []string
	status int
	header http.Header
	err    error
}

func (r *recordingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req.URL.String()+" host="+req.Host)
	if r.err != nil {
		return nil, r.err
	}
	h := r.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: r.status, Header: h, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func TestTransportRewritesDiscordAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, in, want string
	}{
		{"http://127.0.0.1:8080/api/v9", "https://discord.com/api/v9/channels/1/messages?limit=5",
			"http://127.0.0.1:8080/api/v9/channels/1/messages?limit=5 host=127.0.0.1:8080"},
		{"http://proxy.internal/api/v9/", "https://discord.com/api/v9/gateway",
			"http://proxy.internal/api/v9/gateway host=proxy.internal"},
		{"https://rest.example/discord", "https://discord.com/api/v9/webhooks/1/tok/messages/@original",
			"https://rest.example/discord/webhooks/1/tok/messages/@original host=rest.example"},
		// Not Discord's API: left alone.
		{"http://127.0.0.1:8080/api/v9", "https://cdn.discordapp.com/attachments/1/a.csv",
			"https://cdn.discordapp.com/attachments/1/a.csv host=cdn.discordapp.com"},
		// No api_base: Discord itself.
		{"", "https://discord.com/api/v9/gateway", "https://discord.com/api/v9/gateway host=discord.com"},
	}
	for _, tt := range tests {
		next := &recordingRT{status: http.StatusOK}
		rt, err := bot.NewTransport(tt.base, next, nil)
		if err != nil {
			t.Fatalf("NewTransport(%q): %v", tt.base, err)
		}
		req, _ := http.NewRequest(http.MethodGet, tt.in, nil)
		if _, err := rt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if len(next.got) != 1 || next.got[0] != tt.want {
			t.Errorf("base %q: %s went to %v, want %s", tt.base, tt.in, next.got, tt.want)
		}
		if req.URL.String() != tt.in {
			t.Errorf("the caller's request was modified: %s", req.URL)
		}
	}
}

func TestTransportRefusesBadBase(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"discord.com/api/v9", "ftp://example.com/api", "/api/v9", "http://"} {
		if _, err := bot.NewTransport(base, nil, nil); err == nil || !strings.Contains(err.Error(), "api_base") {
			t.Errorf("NewTransport(%q) error = %v, want one naming api_base", base, err)
		}
	}
	if _, err := bot.NewSession(bot.SessionConfig{Token: "x", APIBase: "nope"}); err == nil {
		t.Error("NewSession accepted a bad api_base")
	}
}

// TestTransportCountsErrors: REST errors by status, 429s by scope, network failures.
func TestTransportCountsErrors(t *testing.T) {
	t.Parallel()
	m := bot.NewMetrics()
	send := func(next *recordingRT) {
		rt, _ := bot.NewTransport("http://127.0.0.1:1/api/v9", next, m)
		req, _ := http.NewRequest(http.MethodPost, discordgo.EndpointChannelMessages("1"), nil)
		if resp, err := rt.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	send(&recordingRT{status: http.StatusOK})
	send(&recordingRT{status: http.StatusNoContent})
	send(&recordingRT{status: http.StatusForbidden})
	send(&recordingRT{status: http.StatusBadGateway})
	send(&recordingRT{status: http.StatusTooManyRequests, header: http.Header{"X-Ratelimit-Scope": {"shared"}}})
	send(&recordingRT{status: http.StatusTooManyRequests, header: http.Header{"X-Ratelimit-Scope": {"weird"}}})
	send(&recordingRT{err: errors.New("connection refused")})
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"liaison_rest_requests_total", nil, 7},
		{"liaison_rest_errors_total", map[string]string{"status": "403"}, 1},
		{"liaison_rest_errors_total", map[string]string{"status": "502"}, 1},
		{"liaison_rest_errors_total", map[string]string{"status": "network"}, 1},
		{"liaison_rest_rate_limited_total", map[string]string{"scope": "shared"}, 1},
		{"liaison_rest_rate_limited_total", map[string]string{"scope": "unknown"}, 1},
	} {
		if got := counter(t, m, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

func TestNewSession(t *testing.T) {
	t.Parallel()
	s, err := bot.NewSession(bot.SessionConfig{Token: "abc", APIBase: "http://127.0.0.1:1/api/v9", ShardID: 1, ShardCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Token != "Bot abc" || s.Identify.Token != "Bot abc" {
		t.Errorf("token = %q / %q, want the Bot prefix", s.Token, s.Identify.Token)
	}
	if s.Identify.Intents != discordgo.IntentsGuilds {
		t.Errorf("intents = %d, want GUILDS only", s.Identify.Intents)
	}
	if s.ShardID != 1 || s.ShardCount != 3 || !s.ShouldReconnectOnError {
		t.Errorf("shard %d/%d, reconnect %v", s.ShardID, s.ShardCount, s.ShouldReconnectOnError)
	}
	if _, ok := s.Client.Transport.(*bot.Transport); !ok || s.Client.Timeout <= 0 {
		t.Errorf("client = %+v, want the rewriting transport and a timeout", s.Client)
	}
	if s.LogLevel >= discordgo.LogDebug {
		t.Error("debug logging would print the Identify payload with the token")
	}
	if s, _ := bot.NewSession(bot.SessionConfig{Token: "Bot abc"}); s.Token != "Bot abc" {
		t.Errorf("a token already prefixed became %q", s.Token)
	}
	if s, _ := bot.NewSession(bot.SessionConfig{}); s.Token != "" {
		t.Errorf("no token became %q", s.Token)
	}
}

func TestDiscordgoLoggerRedactsAndMapsLevels(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logf := bot.DiscordgoLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "s3cret")
	logf(discordgo.LogError, 1, "identify failed for %s", "Bot s3cret")
	logf(discordgo.LogWarning, 1, "error reading from gateway\n")
	logf(discordgo.LogInformational, 1, "connected")
	out := buf.String()
	if strings.Contains(out, "s3cret") {
		t.Errorf("the token reached the log:\n%s", out)
	}
	for _, want := range []string{"level=ERROR", "[redacted]", "level=WARN", "level=INFO", `msg="discordgo: connected"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestParseRegisterMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bot.RegisterMode
		err  bool
	}{
		{in: "global", want: bot.RegisterMode{}},
		{in: "off", want: bot.RegisterMode{Off: true}},
		{in: "guild:1100000000000000002", want: bot.RegisterMode{GuildID: "1100000000000000002"}},
		{in: "guild:", err: true},
		{in: "guild:12a", err: true},
		{in: "Global", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := bot.ParseRegisterMode(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseRegisterMode(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseRegisterMode(%q).String() = %q", tt.in, got.String())
		}
	}
}

// TestApplicationIDFromToken: without application_id, the ID is asked of Discord.
func TestApplicationIDFromToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, err := bot.ApplicationID(testCtx(t), w.session)
	if err != nil || id != fakediscord.ApplicationID {
		t.Fatalf("ApplicationID = %q, %v; want %s", id, err, fakediscord.ApplicationID)
	}
	w.fake.AssertValid(t)
}
