package fakediscord

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimits are the limits the fake enforces the way Discord does: per-route buckets (each
// route with its major parameter, the channel, guild or webhook ID, counts on its own) that
// answer with Discord's X-RateLimit-* headers, a global limit per bot across routes, and 429s
// with retry_after once a limit is exceeded. The zero value turns enforcement off: every answer
// then carries generous headers, so that tests posting several messages to one channel stay fast.
// Tests and benchmarks about rate limits turn on DiscordRateLimits().
type RateLimits struct {
	// MessagesPerChannel posts (POST /channels/{id}/messages) are allowed per MessageWindow in
	// each channel; 0 leaves message creation unlimited.
	MessagesPerChannel int
	MessageWindow      time.Duration
	// RoutePerWindow requests are allowed per RouteWindow on every other route and major
	// parameter; 0 leaves them unlimited.
	RoutePerWindow int
	RouteWindow    time.Duration
	// Global requests per GlobalWindow are allowed across every route but the interaction
	// callbacks and webhooks (which Discord keeps out of the global limit); 0 leaves it off.
	Global       int
	GlobalWindow time.Duration
}

// DiscordRateLimits are Discord's published numbers: 5 messages per 5 s per channel, 50
// requests per second globally, and a per-route allowance for the rest that a bot rarely meets.
func DiscordRateLimits() RateLimits {
	return RateLimits{
		MessagesPerChannel: 5, MessageWindow: 5 * time.Second,
		RoutePerWindow: 50, RouteWindow: time.Second,
		Global: 50, GlobalWindow: time.Second,
	}
}

// on reports whether any limit is enforced.
func (l RateLimits) on() bool {
	return l.MessagesPerChannel > 0 || l.RoutePerWindow > 0 || l.Global > 0
}

// invalidWindow and InvalidRequestLimit are Discord's ban rule: an IP that causes 10,000
// answers of 401, 403 or 429 within 10 minutes is banned for a while.
const (
	invalidWindow = 10 * time.Minute
	// InvalidRequestLimit is how many 401/403/429 answers within 10 minutes get a bot banned.
	InvalidRequestLimit = 10000
)

// window is one fixed rate-limit window: it opens with its first request and resets Window
// later, as Discord's buckets do (X-RateLimit-Reset-After counts from the first use).
type window struct {
	used    int
	resetAt time.Time
}

// take counts one request against a window of limit per d and reports whether it may pass,
// what remains and when the window resets.
func (w *window) take(now time.Time, limit int, d time.Duration) (ok bool, remaining int, resetAt time.Time) {
	if !now.Before(w.resetAt) {
		w.used, w.resetAt = 0, now.Add(d)
	}
	if w.used >= limit {
		return false, 0, w.resetAt
	}
	w.used++
	return true, limit - w.used, w.resetAt
}

// SetRateLimits replaces the limits the fake enforces (the zero value turns them off) and
// forgets the state of every bucket.
func (s *Server) SetRateLimits(l RateLimits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
	s.buckets = map[string]*window{}
	s.global = window{}
}

// RateLimited is how many requests the fake answered with 429 because a limit was exceeded
// (route and global alike; FailNext injections not included).
func (s *Server) RateLimited() (route, global int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limitedRoute, s.limitedGlobal
}

// InvalidRequests is how many answers of 401, 403 or 429 the fake gave in the last 10
// minutes: the count Discord bans a bot for at InvalidRequestLimit.
func (s *Server) InvalidRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.invalidLocked(time.Now())
}

func (s *Server) invalidLocked(now time.Time) int {
	cut := 0
	for cut < len(s.invalid) && now.Sub(s.invalid[cut]) >= invalidWindow {
		cut++
	}
	s.invalid = s.invalid[cut:]
	return len(s.invalid)
}

// countAnswerLocked records an answer's status for the invalid-request counter.
func (s *Server) countAnswerLocked(status int) {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		now := time.Now()
		s.invalid = append(s.invalid, now)
		s.invalidLocked(now)
	}
}

// exemptFromGlobal reports whether Discord keeps a route out of the global limit: interaction
// callbacks and the webhook-token routes (follow-ups) are limited per interaction only.
func exemptFromGlobal(template string) bool {
	return strings.HasPrefix(template, "/interactions/") || strings.HasPrefix(template, "/webhooks/{webhook_id}/{webhook_token}")
}

// majorParameter is the part of the path that splits a route into separate buckets: the
// channel, guild or webhook ID (Discord's "major parameters").
func majorParameter(template string, params []string) string {
	segs := splitPath(template)
	i := 0
	for _, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		if i >= len(params) {
			break
		}
		switch seg {
		case "{channel_id}", "{guild_id}", "{webhook_id}":
			return params[i]
		}
		i++
	}
	return ""
}

// rateLimit charges one request to its route bucket and to the global limit. It returns false
// after answering the request with Discord's 429 when a limit is exceeded; otherwise it sets
// the bucket's headers on the answer and returns true. With limits off it sets the generous
// headers the fake always sent.
func (s *Server) rateLimit(w http.ResponseWriter, method, template string, params []string) bool {
	s.mu.Lock()
	l := s.limits
	if !l.on() {
		s.mu.Unlock()
		setRateLimitHeaders(w.Header(), template)
		return true
	}
	now := time.Now()
	limit, d := l.RoutePerWindow, l.RouteWindow
	if method == http.MethodPost && template == "/channels/{channel_id}/messages" {
		limit, d = l.MessagesPerChannel, l.MessageWindow
	}
	if l.Global > 0 && !exemptFromGlobal(template) {
		if !now.Before(s.global.resetAt) {
			s.global.used, s.global.resetAt = 0, now.Add(l.GlobalWindow)
		}
		if s.global.used >= l.Global {
			s.limitedGlobal++
			wait := s.global.resetAt.Sub(now)
			s.mu.Unlock()
			writeRateLimited(w, wait, true, "", 0)
			return false
		}
	}
	h := w.Header()
	if limit > 0 {
		key := method + " " + template + " " + majorParameter(template, params)
		b := s.buckets[key]
		if b == nil {
			b = &window{}
			s.buckets[key] = b
		}
		ok, remaining, resetAt := b.take(now, limit, d)
		if !ok {
			s.limitedRoute++
			s.mu.Unlock()
			writeRateLimited(w, resetAt.Sub(now), false, bucketHash(method+" "+template), limit)
			return false
		}
		setBucketHeaders(h, limit, remaining, resetAt, resetAt.Sub(now), bucketHash(method+" "+template))
	} else {
		setRateLimitHeaders(h, template)
	}
	if l.Global > 0 && !exemptFromGlobal(template) {
		s.global.used++ // charged only once the route bucket let the request through
	}
	s.mu.Unlock()
	return true
}

// writeRateLimited answers 429 as Discord does: retry_after in seconds in the body and in
// Retry-After, and for the global limit X-RateLimit-Global (which Discord sends only then:
// discordgo takes any value of it as global and stalls every bucket).
func writeRateLimited(w http.ResponseWriter, wait time.Duration, global bool, bucket string, limit int) {
	wait = max(wait, time.Millisecond)
	secs := wait.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
		// discordgo reads the global stall from Reset-After alone.
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	} else {
		setBucketHeaders(h, limit, 0, time.Now().Add(wait), wait, bucket)
		h.Set("X-RateLimit-Scope", "user")
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": math.Round(secs*1000) / 1000,
		"global":      global,
	})
}

// String shows the limits in a benchmark's log.
func (l RateLimits) String() string {
	if !l.on() {
		return "off"
	}
	return fmt.Sprintf("%d messages/%v per channel, %d/%v per route, %d/%v global",
		l.MessagesPerChannel, l.MessageWindow, l.RoutePerWindow, l.RouteWindow, l.Global, l.GlobalWindow)
}
