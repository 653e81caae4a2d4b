package bot_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"liaison/bot"
	"liaison/mission"
)

// countingTransport answers every request itself and counts them: a refused URL must never
// reach it.
type countingTransport struct {
	n    atomic.Int64
	body string
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	rec := httptest.NewRecorder()
	rec.WriteString(c.body)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// TestAttachmentFetchRefusesOtherHosts: only Discord's CDN over HTTPS, or the api_base host,
// is fetched; anything else is refused before a request is made.
func TestAttachmentFetchRefusesOtherHosts(t *testing.T) {
	for _, tc := range []struct {
		apiBase, url string
		ok           bool
	}{
		{"", "https://cdn.discordapp.com/attachments/1/2/a.csv?ex=1&is=2&hm=3", true},
		{"", "https://media.discordapp.net/attachments/1/2/a.csv", true},
		{"", "https://CDN.discordapp.com:443/attachments/1/2/a.csv", true},
		{"", "http://cdn.discordapp.com/attachments/1/2/a.csv", false},
		{"", "https://cdn.discordapp.com:8443/a.csv", false},
		{"", "https://cdn.discordapp.com.evil.example/a.csv", false},
		{"", "https://user:pw@cdn.discordapp.com/a.csv", false},
		{"", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", false},
		{"", "https://evil.example/a.csv", false},
		{"", "http://127.0.0.1:8080/a.csv", false},
		{"", "file:///etc/passwd", false},
		{"", "gopher://cdn.discordapp.com/a", false},
		{"", "", false},
		{"http://127.0.0.1:8080/api/v9", "http://127.0.0.1:8080/attachments/1/2/a.csv", true},
		{"http://127.0.0.1:8080/api/v9", "http://127.0.0.1:8081/attachments/1/2/a.csv", false},
		{"http://127.0.0.1:8080/api/v9", "https://127.0.0.1:8080/attachments/1/2/a.csv", false},
	} {
		tr := &countingTransport{body: "kind\n"}
		f := bot.AttachmentFetcher{APIBase: tc.apiBase, Client: &http.Client{Transport: tr}}
		_, err := f.Fetch(context.Background(), tc.url)
		if tc.ok != (err == nil) {
			t.Errorf("Fetch(%q) with api_base %q = %v, want ok=%v", tc.url, tc.apiBase, err, tc.ok)
		}
		if want := map[bool]int64{true: 1, false: 0}[tc.ok]; tr.n.Load() != want {
			t.Errorf("Fetch(%q): %d requests, want %d", tc.url, tr.n.Load(), want)
		}
		var me *mission.Error
		if err != nil && !errors.As(err, &me) {
			t.Errorf("Fetch(%q) = %v, want a user's refusal", tc.url, err)
		}
	}
}

// TestAttachmentFetchLimits: a file over the cap is refused whether or not it declares its
// length, one at the cap is taken, a slow host times out, and a redirect is not followed, even
// to an allowed host.
func TestAttachmentFetchLimits(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/declared":
			w.Write([]byte(strings.Repeat("x", 2048)))
		case "/exact", "/over":
			// Flushed first: chunked, no Content-Length, so only the read itself can stop it.
			w.(http.Flusher).Flush()
			n := map[string]int{"/exact": 1024, "/over": 1025}[r.URL.Path]
			w.Write([]byte(strings.Repeat("x", n)))
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		case "/redirect":
			http.Redirect(w, r, "/small", http.StatusFound)
		default:
			w.Write([]byte("ok"))
		}
	}))
	defer srv.Close()
	f := bot.AttachmentFetcher{APIBase: srv.URL + "/api/v9", Max: 1024, Timeout: 100 * time.Millisecond}
	ctx := context.Background()
	if b, err := f.Fetch(ctx, srv.URL+"/small"); err != nil || string(b) != "ok" {
		t.Errorf("small file = %q, %v", b, err)
	}
	if b, err := f.Fetch(ctx, srv.URL+"/exact"); err != nil || len(b) != 1024 {
		t.Errorf("file at the cap = %d bytes, %v; want 1024 bytes", len(b), err)
	}
	for _, path := range []string{"/declared", "/over"} {
		if _, err := f.Fetch(ctx, srv.URL+path); err == nil || !strings.Contains(err.Error(), "import.too_big") {
			t.Errorf("%s over a 1 KiB cap = %v, want too big", path, err)
		}
	}
	if _, err := f.Fetch(ctx, srv.URL+"/slow"); err == nil {
		t.Error("slow host: no error, want a timeout")
	}
	before := hits.Load()
	if _, err := f.Fetch(ctx, srv.URL+"/redirect"); err == nil {
		t.Error("redirect: no error, want a refusal")
	}
	if hits.Load() != before+1 {
		t.Errorf("redirect made %d requests, want 1 (not followed)", hits.Load()-before)
	}
}
