package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/storage"
)

// signatureNow is the endpoint's clock in the signature tests.
var signatureNow = time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)

// TestHTTPSignatures: only a request signed with the application's key, over the timestamp and
// the exact body, with a timestamp within 5 minutes, gets past the door.
func TestHTTPSignatures(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherKey, _ := ed25519.GenerateKey(nil)
	router, err := bot.NewRouter(slog.New(slog.DiscardHandler), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&bot.Endpoint{Router: router, PublicKey: pub, Now: func() time.Time { return signatureNow }})
	defer srv.Close()
	ping := []byte(`{"id":"1400000000000000001","application_id":"1100000000000000001","type":1,"token":"dG9rZW4","version":1}`)

	tests := []struct {
		name   string
		method string
		body   []byte
		prep   func(r *http.Request)
		want   int
	}{
		{name: "valid", want: http.StatusOK},
		{name: "timestamp 4 minutes old", prep: signAt(priv, signatureNow.Add(-4*time.Minute), ping), want: http.StatusOK},
		{name: "missing signature", prep: func(r *http.Request) { r.Header.Del("X-Signature-Ed25519") }, want: http.StatusUnauthorized},
		{name: "missing timestamp", prep: func(r *http.Request) { r.Header.Del("X-Signature-Timestamp") }, want: http.StatusUnauthorized},
		{name: "no headers", prep: func(r *http.Request) { r.Header = http.Header{} }, want: http.StatusUnauthorized},
		{name: "signature not hex", prep: func(r *http.Request) { r.Header.Set("X-Signature-Ed25519", "zz") }, want: http.StatusUnauthorized},
		{name: "signature too short", prep: func(r *http.Request) { r.Header.Set("X-Signature-Ed25519", "abcd") }, want: http.StatusUnauthorized},
		{name: "signed by another key", prep: signAt(otherKey, signatureNow, ping), want: http.StatusUnauthorized},
		{name: "body tampered", body: bytes.Replace(ping, []byte(`"type":1`), []byte(`"type":2`), 1), want: http.StatusUnauthorized},
		{name: "timestamp changed after signing", prep: func(r *http.Request) {
			r.Header.Set("X-Signature-Timestamp", fmt.Sprint(signatureNow.Unix()+1))
		}, want: http.StatusUnauthorized},
		{name: "timestamp 6 minutes old", prep: signAt(priv, signatureNow.Add(-6*time.Minute), ping), want: http.StatusUnauthorized},
		{name: "timestamp 6 minutes ahead", prep: signAt(priv, signatureNow.Add(6*time.Minute), ping), want: http.StatusUnauthorized},
		{name: "GET", method: http.MethodGet, want: http.StatusMethodNotAllowed},
		{name: "signed but not JSON", body: []byte("hello"), prep: signAt(priv, signatureNow, []byte("hello")), want: http.StatusBadRequest},
		{name: "body over 1 MiB", body: bytes.Repeat([]byte(" "), bot.MaxInteractionBody+1), want: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, body := tt.method, tt.body
			if method == "" {
				method = http.MethodPost
			}
			if body == nil {
				body = ping
			}
			req, _ := http.NewRequest(method, srv.URL+"/interactions", bytes.NewReader(body))
			sign(req, priv, signatureNow, ping) // what Discord signed; tt.prep may change it
			if tt.prep != nil {
				tt.prep(req)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, resp)
			if resp.StatusCode != tt.want {
				t.Errorf("status = %s (%s), want %d", resp.Status, got, tt.want)
			}
			if tt.want == http.StatusOK && string(got) != `{"type":1}` {
				t.Errorf("PING answered %s, want PONG {\"type\":1}", got)
			}
		})
	}
}

// signAt re-signs a request's headers for body at ts with key.
func signAt(key ed25519.PrivateKey, ts time.Time, body []byte) func(r *http.Request) {
	return func(r *http.Request) { sign(r, key, ts, body) }
}

// TestHTTPPingPong: the PONG is a valid interaction response per Discord's spec.
func TestHTTPPingPong(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, url, priv := w.endpoint(t, nil)
	resp := signedPost(t, http.DefaultClient, url, priv, time.Now(),
		[]byte(`{"id":"1400000000000000002","application_id":"1100000000000000001","type":1,"token":"dG9rZW4","version":1,"user":{"id":"1","username":"discord","discriminator":"0000","avatar":null,"global_name":null,"public_flags":0}}`))
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("PING = %s %q %s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
	if err := w.fake.ValidateInteractionResponse(body); err != nil {
		t.Errorf("PONG %s is not valid: %v", body, err)
	}
}

// TestHTTPForcesInline: a fast read is answered in the HTTP response itself, with a body valid
// as an interaction response; nothing goes through REST.
func TestHTTPForcesInline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, url, priv := w.endpoint(t, nil)
	i := slash(everyonePerms, "forces")
	resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, i, 3))
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /interactions = %s: %s", resp.Status, body)
	}
	if err := w.fake.ValidateInteractionResponse(body); err != nil {
		t.Errorf("answer is not valid: %v\n%s", err, body)
	}
	var r discordgo.InteractionResponse
	if err := json.Unmarshal(body, &r); err != nil || r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data == nil {
		t.Fatalf("answer = %s (%v), want a type 4 message", body, err)
	}
	if r.Data.AllowedMentions == nil || len(r.Data.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v, want parse: [] so the answer pings nobody", r.Data.AllowedMentions)
	}
	if n := len(w.fake.Requests()); n != 0 {
		t.Errorf("an inline answer made %d REST requests", n)
	}
}

// slowCommand is a handler that takes as long as the test wants.
func slowCommand(release <-chan struct{}) *bot.Command {
	return &bot.Command{Name: "slow", Description: "Takes its time", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return &bot.Reply{Content: "Finished after the deferral."}, nil
		},
	}}}
}

// TestHTTPSlowCommandDefersThenEdits: a handler slower than the deferral delay is answered
// "thinking…" in the HTTP response, and its result then edits the original response through
// REST, which the fake accepts as valid.
func TestHTTPSlowCommandDefersThenEdits(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newWorld(t, slowCommand(release))
	w.router.DeferAfter = 50 * time.Millisecond
	_, url, priv := w.endpoint(t, nil)
	ctx := testCtx(t)

	i := slash(everyonePerms, "slow")
	start := time.Now()
	resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, i, 4))
	body := readAll(t, resp)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the HTTP answer took %v; Discord gives 3 s", took)
	}
	if string(body) != `{"type":5}` {
		t.Fatalf("HTTP answer = %s, want the deferral {\"type\":5}", body)
	}
	forward(t, w.fake, i, resp.Header.Get("Content-Type"), body)
	close(release)

	err := w.fake.WaitFor(ctx, func() bool {
		for _, r := range w.fake.Responses(i.ID) {
			if r.Kind == "edit_original" {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no edit of the original response: %v\nlogs:\n%s", err, w.logs)
	}
	rs := w.fake.Responses(i.ID)
	last := rs[len(rs)-1]
	if last.Kind != "edit_original" || last.Data["content"] != "Finished after the deferral." {
		t.Errorf("responses = %+v, want the edit with the handler's reply last", rs)
	}
	for _, r := range w.fake.Requests() {
		if r.Method == http.MethodPatch && r.Path != "/api/v9/webhooks/"+fakediscord.ApplicationID+"/"+i.Token+"/messages/@original" {
			t.Errorf("edit went to %s", r.Path)
		}
	}
	w.fake.AssertValid(t)
}

// TestHTTPExportDeliversCSV: /export answers inline with the CSV as an attachment, in a
// multipart/form-data response (payload_json + files[0]) that the callback schema accepts.
func TestHTTPExportDeliversCSV(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, url, priv := w.endpoint(t, nil)
	ctx := testCtx(t)
	if _, err := w.store.LogArrival(ctx, storage.Actor{GuildID: e2eGuild, UserID: e2eUser, Command: "test"},
		storage.Arrival{GuildID: e2eGuild, Country: "GT", Personnel: 75, Role: "military", ArrivedAt: w.store.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	i := slash(moderatorPerms, "export", str("kind", "arrivals"))
	resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, i, 5))
	body := readAll(t, resp)
	ct := resp.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if resp.StatusCode != http.StatusOK || err != nil || mt != "multipart/form-data" {
		t.Fatalf("POST /interactions = %s %q: %.300s", resp.Status, ct, body)
	}
	var payload, csv []byte
	var filename string
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		switch p.FormName() {
		case "payload_json":
			payload = data
		case "files[0]":
			csv, filename = data, p.FileName()
		}
	}
	if err := w.fake.ValidateInteractionResponse(payload); err != nil {
		t.Errorf("payload_json is not valid: %v\n%s", err, payload)
	}
	if !strings.HasPrefix(filename, "liaison-arrivals-") || !strings.HasSuffix(filename, ".csv") {
		t.Errorf("attachment name = %q", filename)
	}
	if !strings.Contains(string(csv), "arrival,") || !strings.Contains(string(csv), "GT") {
		t.Errorf("attachment lacks the arrival:\n%s", csv)
	}
	// Discord takes the same multipart body as the interaction's callback.
	forward(t, w.fake, i, ct, body)
	rs := w.fake.Responses(i.ID)
	if len(rs) != 1 || len(rs[0].Files) != 1 || rs[0].Files[0].Name != filename {
		t.Errorf("the fake recorded %+v, want one callback with the CSV", rs)
	}
	w.fake.AssertValid(t)
}

// TestHTTPShutdownAnswersInFlight: once stopped, the endpoint refuses new interactions and
// /healthz with 503, while an interaction already accepted is answered and Wait returns after.
func TestHTTPShutdownAnswersInFlight(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newWorld(t, slowCommand(release))
	w.router.DeferAfter = 50 * time.Millisecond
	e, url, priv := w.endpoint(t, nil)
	ctx := testCtx(t)

	if resp, err := http.Get(url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz before shutdown = %v %v", resp, err)
	}
	i := slash(everyonePerms, "slow")
	resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, i, 6))
	if body := readAll(t, resp); string(body) != `{"type":5}` {
		t.Fatalf("answer = %s, want the deferral", body)
	}
	forward(t, w.fake, i, "application/json", []byte(`{"type":5}`))

	e.Stop()
	late := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, slash(everyonePerms, "slow"), 7))
	if body := readAll(t, late); late.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("interaction after Stop = %s %s, want 503", late.Status, body)
	}
	if resp, err := http.Get(url + "/healthz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz after Stop = %v %v, want 503", resp, err)
	}

	waited := make(chan error, 1)
	go func() { waited <- e.Wait(ctx) }()
	select {
	case err := <-waited:
		t.Fatalf("Wait returned (%v) while an interaction was still being handled", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	rs := w.fake.Responses(i.ID)
	if len(rs) != 2 || rs[1].Kind != "edit_original" {
		t.Errorf("responses = %+v, want the deferral then the edit, before Wait returned", rs)
	}
	w.fake.AssertValid(t)
}

// TestHealthzAndMetrics: /healthz follows the readiness function; /metrics shows the
// interaction counters in Prometheus' format.
func TestHealthzAndMetrics(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var open atomic.Bool
	e := &bot.Endpoint{Router: w.router, Metrics: w.metrics, Ready: func(ctx context.Context) error {
		if !open.Load() {
			return errors.New("starting")
		}
		return w.store.Ping(ctx)
	}}
	srv := httptest.NewServer(e)
	defer srv.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(readAll(t, resp))
	}
	if code, body := get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "starting") {
		t.Errorf("/healthz while starting = %d %q, want 503", code, body)
	}
	open.Store(true)
	if code, body := get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz when ready = %d %q, want 200 ok", code, body)
	}
	if code, _ := get("/interactions"); code != http.StatusNotFound {
		t.Errorf("/interactions without a public key = %d, want 404", code)
	}
	w.metrics.Observe("forces", bot.OutcomeOK, 30*time.Millisecond)
	w.metrics.Observe("no-such-command", bot.OutcomeError, time.Millisecond)
	code, body := get("/metrics")
	for _, want := range []string{
		`liaison_interactions_total{command="forces",outcome="ok"} 1`,
		`liaison_interactions_total{command="other",outcome="error"} 1`,
		`liaison_interaction_duration_seconds_bucket{command="forces",le="0.05"} 1`,
		`liaison_gateway_reconnects_total 0`,
		`liaison_rest_requests_total 0`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics (%d) lacks %q", code, want)
		}
	}
	if strings.Contains(body, "no-such-command") {
		t.Error("/metrics has a series for an unregistered command name")
	}
	jm := w.metrics.JobMetrics()
	jm.Posted("flight", true)
	jm.Failed("digest")
	jm.Missed("flight")
	jm.Lateness("flight", 90*time.Second)
	_, body = get("/metrics")
	for _, want := range []string{
		`liaison_reminders_posted_total{kind="flight",late="true"} 1`,
		`liaison_reminders_failed_total{kind="digest"} 1`,
		`liaison_reminders_missed_total{kind="flight"} 1`,
		`liaison_reminder_lateness_seconds_count{kind="flight"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestHTTPDecodesTheBodyOnce: the endpoint reads a body in one decode, the attachment limit
// included. Two PINGs of the same length differ only in how deeply an unknown field nests; each
// reading of a body (a decode into the interaction, or of the limit alone) costs the deep one
// the same handful of allocations more, for the JSON scanner's stack. The door must cost it
// what one reading costs, not twice that.
func TestHTTPDecodesTheBodyOnce(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	router, err := bot.NewRouter(slog.New(slog.DiscardHandler), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &bot.Endpoint{Router: router, PublicKey: pub, Now: func() time.Time { return signatureNow }}
	const depth = 2000
	ping := `{"id":"1400000000000000001","application_id":"1100000000000000001","type":1,"token":"dG9rZW4","version":1,"attachment_size_limit":10485760,"x":%s}`
	deep := []byte(fmt.Sprintf(ping, strings.Repeat("[", depth)+strings.Repeat("]", depth)))
	flat := []byte(fmt.Sprintf(ping, `"`+strings.Repeat("a", 2*depth-2)+`"`))
	if len(flat) != len(deep) {
		t.Fatalf("bodies of %d and %d bytes, want the same length", len(flat), len(deep))
	}
	// One reading: a decode that keeps nothing. (discordgo's own UnmarshalJSON reads a body
	// twice: once for encoding/json to find the value's end, once more inside.)
	read := func(body []byte) float64 {
		return testing.AllocsPerRun(50, func() {
			var nothing struct{}
			if err := json.Unmarshal(body, &nothing); err != nil {
				t.Fatal(err)
			}
		})
	}
	door := func(body []byte) float64 {
		signed, _ := http.NewRequest(http.MethodPost, "/interactions", nil)
		sign(signed, priv, signatureNow, body)
		return testing.AllocsPerRun(50, func() {
			req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
			req.Header = signed.Header
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("PING = %d %s", rec.Code, rec.Body)
			}
		})
	}
	once := read(deep) - read(flat)
	if once < 4 {
		t.Fatalf("a deep body costs one reading %.0f allocations more; the test needs a measurable difference", once)
	}
	if got := door(deep) - door(flat); got > once*3/2 {
		t.Errorf("the deep body costs the endpoint %.0f allocations more, one reading %.0f: the body is read more than once", got, once)
	}
}
