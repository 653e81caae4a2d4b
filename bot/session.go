package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// SessionConfig is what NewSession needs to build a discordgo session.
type SessionConfig struct {
	// Token is the bot token without the "Bot " prefix. It may be empty for an instance that
	// only answers HTTP interactions: interaction webhooks authenticate by the interaction token.
	Token string
	// APIBase replaces https://discord.com/api/v9 in every REST request ("" keeps Discord's).
	APIBase string
	// ShardID and ShardCount split the guilds between gateway instances.
	ShardID, ShardCount int
	// Metrics counts REST requests, errors and 429s; optional.
	Metrics *Metrics
	// Timeout bounds one REST round trip (default 15 s).
	Timeout time.Duration
}

// NewSession builds a discordgo session whose every REST request, gateway discovery included,
// goes through a transport that rewrites Discord's API URL to APIBase. discordgo's endpoint
// variables are package-level; rewriting them would redirect every session in the process and
// race with running requests, so the redirection lives on this session's http.Client instead.
func NewSession(cfg SessionConfig) (*discordgo.Session, error) {
	token := cfg.Token
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, err
	}
	rt, err := NewTransport(cfg.APIBase, http.DefaultTransport, cfg.Metrics)
	if err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	s.Client = &http.Client{Transport: rt, Timeout: timeout}
	// A dialer of our own rather than gorilla's shared default, with a handshake bound shorter
	// than its 45 s, so that a stuck reconnect attempt is retried sooner.
	dialer := *websocket.DefaultDialer
	dialer.HandshakeTimeout = 15 * time.Second
	s.Dialer = &dialer

	// Interactions arrive over the gateway whatever the intents. GUILDS is the one
	// non-privileged intent kept: it tells the session which guilds its shard serves (joins and
	// removals) at the cost of one GUILD_CREATE per guild; members, presences and message
	// content would only add traffic the bot never reads.
	s.Identify.Intents = discordgo.IntentsGuilds
	s.StateEnabled = true
	s.State.TrackChannels = false
	s.State.TrackThreads = false
	s.State.TrackEmojis = false
	s.State.TrackStickers = false
	s.State.TrackMembers = false
	s.State.TrackThreadMembers = false
	s.State.TrackRoles = false
	s.State.TrackVoice = false
	s.State.TrackPresences = false
	s.State.MaxMessageCount = 0

	s.ShardID, s.ShardCount = cfg.ShardID, max(cfg.ShardCount, 1)
	s.ShouldReconnectOnError = true
	// Warnings say why a connection dropped; discordgo's debug level would print the Identify
	// payload, token included, so it is never enabled.
	s.LogLevel = discordgo.LogWarning
	return s, nil
}

// Transport is the REST round tripper of a session: it sends requests for Discord's API to
// another base (a REST proxy shared by several instances, or a fake Discord in tests) and
// counts answers for metrics.
type Transport struct {
	base    string // without trailing slash; "" leaves URLs alone
	next    http.RoundTripper
	metrics *Metrics
}

// NewTransport returns a transport that rewrites https://discord.com/api/v9/… to apiBase/…
// and passes requests to next. apiBase must be an absolute http or https URL, or empty.
func NewTransport(apiBase string, next http.RoundTripper, m *Metrics) (*Transport, error) {
	base := strings.TrimSuffix(apiBase, "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("api_base %q: want an absolute http(s) URL such as https://discord.com/api/v9", apiBase)
		}
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &Transport{base: base, next: next, metrics: m}, nil
}

// RoundTrip rewrites the request's URL when it points at Discord's API, sends it and counts
// the answer.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.base != "" {
		if rest, ok := strings.CutPrefix(r.URL.String(), discordgo.EndpointAPI); ok {
			u, err := url.Parse(t.base + "/" + rest)
			if err != nil {
				return nil, fmt.Errorf("rewrite %s: %w", r.URL.Redacted(), err)
			}
			// A RoundTripper must not modify the caller's request.
			r = r.Clone(r.Context())
			r.URL, r.Host = u, u.Host
		}
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		t.metrics.rest(0, "")
		return nil, err
	}
	t.metrics.rest(resp.StatusCode, resp.Header.Get("X-RateLimit-Scope"))
	return resp, nil
}

// DiscordgoLogger adapts discordgo's logging to slog; assign it to discordgo.Logger once, at
// start (discordgo has one logger per process). Any of secrets found in a message is replaced.
func DiscordgoLogger(log *slog.Logger, secrets ...string) func(msgL, caller int, format string, a ...any) {
	var repl []string
	for _, s := range secrets {
		if s != "" {
			repl = append(repl, s, "[redacted]")
		}
	}
	redact := strings.NewReplacer(repl...)
	return func(msgL, _ int, format string, a ...any) {
		level := slog.LevelDebug
		switch msgL {
		case discordgo.LogError:
			level = slog.LevelError
		case discordgo.LogWarning:
			level = slog.LevelWarn
		case discordgo.LogInformational:
			level = slog.LevelInfo
		}
		msg := strings.TrimSpace(fmt.Sprintf(format, a...))
		if len(repl) > 0 {
			msg = redact.Replace(msg)
		}
		log.Log(context.Background(), level, "discordgo: "+msg)
	}
}
