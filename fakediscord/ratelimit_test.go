package fakediscord_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"liaison/fakediscord"
)

// post creates a message in channel with a raw request and returns the answer.
func post(t *testing.T, s *fakediscord.Server, channel string, auth bool) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.APIBase()+"/channels/"+channel+"/messages", strings.NewReader(`{"content":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.Header.Set("Authorization", "Bot t")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestRateLimits: with limits on, a channel takes MessagesPerChannel posts per window with
// Discord's headers counting down, the next gets a 429 with retry_after, another channel is
// unaffected, the global limit answers a global 429, and 401s and 429s count as invalid
// requests.
func TestRateLimits(t *testing.T) {
	s := fakediscord.New(t)
	s.SetRateLimits(fakediscord.RateLimits{MessagesPerChannel: 3, MessageWindow: time.Minute, Global: 6, GlobalWindow: time.Minute})
	const a, b = "1100000000000000100", "1100000000000000200"
	for i, want := range []string{"2", "1", "0"} {
		resp := post(t, s, a, true)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Remaining") != want ||
			resp.Header.Get("X-RateLimit-Limit") != "3" || resp.Header.Get("X-RateLimit-Bucket") == "" || resp.Header.Get("X-RateLimit-Reset-After") == "" {
			t.Fatalf("post %d: %d remaining %q limit %q bucket %q; want 200, %s of 3", i+1, resp.StatusCode,
				resp.Header.Get("X-RateLimit-Remaining"), resp.Header.Get("X-RateLimit-Limit"), resp.Header.Get("X-RateLimit-Bucket"), want)
		}
	}
	resp := post(t, s, a, true)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("X-RateLimit-Global") != "" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th post: %d global %q retry-after %q; want a route 429", resp.StatusCode, resp.Header.Get("X-RateLimit-Global"), resp.Header.Get("Retry-After"))
	}
	if got := post(t, s, b, true).StatusCode; got != http.StatusOK {
		t.Errorf("post in another channel = %d, want 200 (its own bucket)", got)
	}
	post(t, s, b, true)
	post(t, s, b, true) // the 6th request through: the global limit is used up
	resp = post(t, s, "1100000000000000300", true)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("X-RateLimit-Global") != "true" {
		t.Errorf("request past the global limit: %d global %q; want a global 429", resp.StatusCode, resp.Header.Get("X-RateLimit-Global"))
	}
	if got := post(t, s, b, false).StatusCode; got != http.StatusUnauthorized {
		t.Errorf("request without a token = %d, want 401", got)
	}
	route, global := s.RateLimited()
	if route != 1 || global != 1 || s.InvalidRequests() != 3 {
		t.Errorf("RateLimited = %d, %d; InvalidRequests = %d; want 1, 1 and 3", route, global, s.InvalidRequests())
	}
	if n := len(s.Messages()); n != 6 {
		t.Errorf("messages = %d, want 6: a limited request creates nothing", n)
	}
}

// TestRateLimitBody: the 429 body carries retry_after in seconds and global, as Discord's does.
func TestRateLimitBody(t *testing.T) {
	s := fakediscord.New(t)
	s.SetRateLimits(fakediscord.RateLimits{MessagesPerChannel: 1, MessageWindow: 2 * time.Second})
	post(t, s, "1100000000000000100", true)
	req, _ := http.NewRequest(http.MethodPost, s.APIBase()+"/channels/1100000000000000100/messages", strings.NewReader(`{"content":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bot t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || body.RetryAfter <= 1 || body.RetryAfter > 2 || body.Global {
		t.Errorf("429 body retry_after %v global %v, want (1, 2] s and false", body.RetryAfter, body.Global)
	}
}
