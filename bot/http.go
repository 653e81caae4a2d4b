package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits of the HTTP endpoint.
const (
	// MaxInteractionBody bounds a request body. Discord's interaction payloads are a few KiB
	// (resolved users and roles included); anything near this is not from Discord.
	MaxInteractionBody = 1 << 20
	// MaxClockSkew is how far X-Signature-Timestamp may be from our clock. A captured request
	// replayed later than this is refused even though its signature is genuine.
	MaxClockSkew = 5 * time.Minute
)

// Endpoint is the HTTP door: POST /interactions (Discord's "Interactions Endpoint URL"), and
// beside it GET /healthz and GET /metrics. It is stateless, so any number of instances can
// serve it behind a load balancer.
//
// Every request to /interactions must carry Discord's Ed25519 signature of
// X-Signature-Timestamp + body; Discord checks, when the URL is saved, that a bad signature is
// answered 401. The first answer to an interaction is the HTTP response itself (JSON, or
// multipart/form-data when it has attachments); after a deferral, edits go through REST.
type Endpoint struct {
	Router *Router
	// PublicKey is the application's key; nil serves no /interactions (health and metrics only).
	PublicKey ed25519.PublicKey
	// Session edits deferred answers (PATCH …/messages/@original). The interaction token
	// authenticates those calls, so a session without a bot token will do.
	Session *discordgo.Session
	// Ready says whether the instance can serve (the database answers, the doors are open);
	// /healthz answers 200 when it returns nil. Nil means ready.
	Ready func(ctx context.Context) error
	// Metrics is served at /metrics and counts refused requests; optional.
	Metrics *Metrics
	// MetricsElsewhere keeps /metrics off this endpoint: [http].metrics_listen serves it.
	MetricsElsewhere bool
	Log              *slog.Logger
	// Now is the clock the signature timestamp is checked against; tests fix it.
	Now func() time.Time

	initOnce sync.Once
	// ctx is what accepted interactions run under: it outlives their HTTP request (a deferred
	// answer is edited after the response was sent) and is cancelled only if Wait gives up.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	draining bool
	inflight sync.WaitGroup
}

func (e *Endpoint) init() {
	e.initOnce.Do(func() {
		e.ctx, e.cancel = context.WithCancel(context.Background())
		if e.Log == nil {
			e.Log = slog.New(slog.DiscardHandler)
		}
		if e.Now == nil {
			e.Now = time.Now
		}
	})
}

// ServeHTTP routes /interactions, /healthz and /metrics.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.init()
	switch r.URL.Path {
	case "/interactions":
		if e.PublicKey == nil {
			http.NotFound(w, r)
			return
		}
		e.serveInteraction(w, r)
	case "/healthz":
		e.serveHealth(w, r)
	case "/metrics":
		if e.Metrics == nil || e.MetricsElsewhere {
			http.NotFound(w, r)
			return
		}
		e.Metrics.Handler().ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// Stop makes the endpoint refuse new interactions (503) and report not ready, so that a load
// balancer sends them elsewhere; those already accepted are still answered. See Wait.
func (e *Endpoint) Stop() {
	e.init()
	e.mu.Lock()
	e.draining = true
	e.mu.Unlock()
}

// Wait blocks until every accepted interaction has had its final answer (deferred ones
// included), or ctx ends; then the remaining ones' REST calls are cancelled. Call Stop first.
func (e *Endpoint) Wait(ctx context.Context) error {
	e.init()
	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		e.cancel()
		return fmt.Errorf("http endpoint: interactions still running at shutdown: %w", ctx.Err())
	}
}

func (e *Endpoint) serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	e.mu.Lock()
	draining := e.draining
	e.mu.Unlock()
	if draining {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if e.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := e.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (e *Endpoint) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInteractionBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.Metrics.rejected("too_large")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		e.Metrics.rejected("unreadable")
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	if reason := e.verify(r.Header, body); reason != "" {
		e.Metrics.rejected(reason)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	in, err := decodeInteraction(body)
	if err != nil {
		e.Metrics.rejected("bad_json")
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}

	// The door: once draining, nothing new enters, and Wait never races an Add.
	e.mu.Lock()
	if e.draining {
		e.mu.Unlock()
		e.Metrics.rejected("draining")
		w.Header().Set("Retry-After", "5")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	e.inflight.Add(1)
	e.mu.Unlock()

	i := in.Interaction
	out := &httpResponder{
		rest:     restResponder{s: e.Session, i: i},
		answers:  make(chan httpAnswer),
		gone:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	defer close(out.gone)
	go func() {
		defer e.inflight.Done()
		defer close(out.finished)
		// Handle recovers a panic itself, answering the user, as it does for every door.
		e.Router.Handle(WithAttachmentLimit(e.ctx, in.AttachmentLimit), i, out)
	}()

	// The router answers within its DeferAfter (a deferral when the handler is slower), so
	// this waits about 2 s at most; the work after a deferral goes on without the request.
	select {
	case a := <-out.answers:
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		_, err := w.Write(a.body)
		a.written <- err
	case <-out.finished:
		e.Log.Error("interaction finished without an answer", "interaction", i.ID)
		http.Error(w, "no answer", http.StatusInternalServerError)
	case <-r.Context().Done():
		// Discord hung up; whatever the router sends now has nowhere to go.
	}
}

// inbound is an interaction as the HTTP endpoint received it, decoded once: discordgo's
// interaction and, re-checked, the attachment limit discordgo v0.29 does not decode. It is all
// that the steps after the decode need.
type inbound struct {
	Interaction     *discordgo.Interaction
	AttachmentLimit int64
}

// plainInteraction is discordgo.Interaction without its methods, UnmarshalJSON among them, so
// that a struct embedding it is decoded by encoding/json field by field, in the same pass as
// the fields beside it.
type plainInteraction discordgo.Interaction

// decodeInteraction decodes a request body once, into the interaction and its attachment
// limit. The interaction comes out as discordgo's Interaction.UnmarshalJSON makes it (the same
// fields; "data" kept raw in the pass and then decoded by the interaction's type, the one thing
// that cannot be known before the type is), and attachment_size_limit is read in the same pass.
func decodeInteraction(body []byte) (inbound, error) {
	var raw struct {
		plainInteraction
		// Data shadows the embedded field, an interface that encoding/json cannot fill.
		Data  json.RawMessage `json:"data"`
		Limit sizeLimit       `json:"attachment_size_limit"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return inbound{}, err
	}
	i := discordgo.Interaction(raw.plainInteraction)
	var err error
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		i.Data, err = decodeData[discordgo.ApplicationCommandInteractionData](raw.Data)
	case discordgo.InteractionMessageComponent:
		i.Data, err = decodeData[discordgo.MessageComponentInteractionData](raw.Data)
	case discordgo.InteractionModalSubmit:
		i.Data, err = decodeData[discordgo.ModalSubmitInteractionData](raw.Data)
	}
	if err != nil {
		return inbound{}, err
	}
	return inbound{Interaction: &i, AttachmentLimit: AttachmentLimit(int64(raw.Limit))}, nil
}

// decodeData is an interaction's data of kind T, as discordgo stores it: a value, not a pointer.
func decodeData[T discordgo.InteractionData](raw json.RawMessage) (discordgo.InteractionData, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// verify checks Discord's signature and the timestamp; it returns why the request is refused,
// or "" when it is genuine and fresh.
func (e *Endpoint) verify(h http.Header, body []byte) string {
	sigHex, ts := h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp")
	if sigHex == "" || ts == "" {
		return "missing_signature"
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "bad_signature"
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(e.PublicKey, msg, sig) {
		return "bad_signature"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "bad_timestamp"
	}
	if skew := e.Now().Sub(time.Unix(sec, 0)); skew > MaxClockSkew || skew < -MaxClockSkew {
		return "stale_timestamp"
	}
	return ""
}

// httpAnswer is the first answer, encoded, on its way to the waiting HTTP handler.
type httpAnswer struct {
	contentType string
	body        []byte
	written     chan error
}

// httpResponder gives the router's first answer to the HTTP handler that waits for it, and
// sends later edits through REST.
type httpResponder struct {
	rest      restResponder
	answers   chan httpAnswer
	gone      chan struct{} // closed when the HTTP handler has returned
	finished  chan struct{} // closed when the router has returned
	responded atomic.Bool
}

// Respond writes the answer as the HTTP response. Only the first answer can go that way; Discord
// accepts no second callback for an interaction either.
func (h *httpResponder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	// Encoded before the answer is claimed: an answer that cannot be encoded (an error, or a
	// panic the router recovers) leaves the one HTTP answer to the error reply that follows.
	ct, body, err := encodeResponse(resp)
	if err != nil {
		return err
	}
	if !h.responded.CompareAndSwap(false, true) {
		return errors.New("interaction already answered")
	}
	a := httpAnswer{contentType: ct, body: body, written: make(chan error, 1)}
	select {
	case h.answers <- a:
		return <-a.written
	case <-h.gone:
		return errors.New("the HTTP request ended before the answer was ready")
	}
}

// Edit replaces the original answer through REST.
func (h *httpResponder) Edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return h.rest.Edit(ctx, e)
}

// FollowUp and Delete go through REST, like Edit: the HTTP answer is the first one only.
func (h *httpResponder) FollowUp(ctx context.Context, msg *discordgo.WebhookParams) error {
	return h.rest.FollowUp(ctx, msg)
}

func (h *httpResponder) Delete(ctx context.Context) error { return h.rest.Delete(ctx) }

// encodeResponse is the HTTP response body of an interaction answer: JSON, or
// multipart/form-data with payload_json and files[n] when it carries attachments (a CSV
// export, a chart with its description), exactly as the callback endpoint would take it.
func encodeResponse(resp *discordgo.InteractionResponse) (string, []byte, error) {
	if resp.Data != nil && len(resp.Data.Files) > 0 {
		ct, body, err := multipartBody(resp, resp.Data.Files, true)
		if err != nil {
			return "", nil, fmt.Errorf("encode the answer with attachments: %w", err)
		}
		return ct, body, nil
	}
	body, err := json.Marshal(resp)
	if err != nil {
		return "", nil, fmt.Errorf("encode the answer: %w", err)
	}
	return "application/json", body, nil
}
