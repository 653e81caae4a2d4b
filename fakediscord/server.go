// Package fakediscord is a fake Discord for tests: an unmodified discordgo
// session talks to it over loopback (REST under /api/v9 and the gateway
// websocket), and every JSON body it receives is checked against Discord's own
// OpenAPI document, so a test that passes here sends bodies Discord accepts.
//
// The bot reaches the fake by rewriting discordgo's request URLs from
// https://discord.com/api/v9 to APIBase(); gateway discovery goes through the
// same client and answers with the fake's own websocket URL. A test reads:
//
//	s := fakediscord.New(t) // skips when the spec is missing
//	// ... start the bot with api_base = s.APIBase() ...
//	s.WaitReady(ctx)
//	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, ...}
//	s.DispatchInteraction(i) // fills i.ID and i.Token
//	r, err := s.WaitResponse(ctx, i.ID)
//	s.AssertValid(t) // every body the bot sent matched Discord's spec
//
// A body that breaks the spec is answered like Discord does (400, code 50035
// "Invalid Form Body") and recorded as a Violation. The one leniency is the
// one Discord documents: integers may be sent as numeric strings (see
// validateLenient in spec.go).
package fakediscord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Fixed identities keep test expectations readable. Modern bot users share
// their application's ID, so both use the same snowflake.
const (
	// ApplicationID is the application the fake's bot belongs to; it is sent
	// in READY and filled into dispatched interactions.
	ApplicationID = "1100000000000000001"
	// BotUserID is the bot user's ID (READY, /users/@me, message authors).
	BotUserID = ApplicationID
	// BotUsername is the bot user's name.
	BotUsername = "liaison-test"
	// DefaultGuildID is reported for channels the test did not register with
	// AddChannel, so that fetched channels look like guild text channels.
	DefaultGuildID = "1100000000000000002"
)

// DefaultHeartbeatInterval is Discord's usual heartbeat interval (ms in Hello).
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// DefaultInteractionDeadline is how long Discord accepts the first answer to
// an interaction; later callbacks get 404 Unknown interaction, as in production.
const DefaultInteractionDeadline = 3 * time.Second

// nonceWindow is how long Discord remembers an enforced nonce ("a few minutes").
const nonceWindow = 5 * time.Minute

// Server is a fake Discord: REST under /api/v9 and the gateway websocket, on
// one loopback listener. All state sits behind one mutex; accessors return
// copies, so tests may inspect it while the bot is still running.
type Server struct {
	spec *spec
	srv  *httptest.Server
	done chan struct{} // closed by close; ends latency sleeps and waits

	// sendMu orders gateway sends: sequence numbers are assigned and frames
	// written under it, so a client never sees seq 5 before seq 4 (discordgo
	// stores the last seq it saw, not the highest).
	sendMu sync.Mutex

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change, see WaitFor
	closed  bool

	lastID int64 // last snowflake handed out

	// REST
	requests     []Request
	violations   []Violation
	faults       []*fault
	latency      time.Duration
	deadline     time.Duration
	channels     map[string]*discordgo.Channel
	deleted      map[string]bool // channel IDs
	messages     []*Message      // creation order
	nonces       map[string]nonceEntry
	commands     map[string][]map[string]any // by guild ID, "" for global
	events       map[string]map[string]any   // scheduled events by ID
	eventOrder   []string
	interactions map[string]*interactionState // by interaction ID
	// attachmentLimit is the attachment_size_limit dispatched interactions carry; nil is
	// DefaultAttachmentSizeLimit.
	attachmentLimit *int64
	byToken         map[string]*interactionState
	attachments     map[string]*attachment // by path, see attachments.go
	// endpointURL is the application's Interactions Endpoint URL (SetInteractionsEndpointURL).
	endpointURL string
	// token, when set, is the only bot token answered; others get 401 (see SetToken).
	token string
	// guilds and the bot's member in each, see AddGuild (guilds.go).
	guilds     map[string]*discordgo.Guild
	botMembers map[string]*discordgo.Member

	// rate limits (ratelimit.go)
	limits        RateLimits
	buckets       map[string]*window // by method, route and major parameter
	global        window
	limitedRoute  int
	limitedGlobal int
	invalid       []time.Time // 401/403/429 answers of the last 10 minutes, oldest first

	// gateway
	heartbeat    time.Duration
	sessions     map[string]*gwSession
	current      *gwSession // the latest identified session; dispatches go here
	conns        map[*gwConn]bool
	identifies   int
	resumes      int
	connections  int
	heartbeats   int
	readies      int
	binaryFrames int
	lastIdentify json.RawMessage
}

// Request is one REST request as the fake received it.
type Request struct {
	Method string
	Path   string // as received, e.g. /api/v9/channels/1/messages
	Route  string // the OpenAPI path template it matched, "" if none
	Query  url.Values
	Header http.Header
	Body   []byte
	Status int // what the fake answered
}

// Violation is a request body that breaks Discord's OpenAPI spec (or a
// gateway payload the fake could not accept). Tests want none.
type Violation struct {
	Method string // "GATEWAY" for gateway payloads
	Path   string
	Body   []byte
	Err    error
}

// String shows the violation with the start of the offending body, which is
// usually enough to find the code that built it.
func (v Violation) String() string {
	body := string(v.Body)
	if len(body) > 500 {
		body = body[:500] + "..."
	}
	return fmt.Sprintf("%s %s violates Discord's API spec: %v\nbody: %s", v.Method, v.Path, v.Err, body)
}

// File is an attachment uploaded in a multipart body.
type File struct {
	Field       string // form field, e.g. "files[0]"
	Name        string
	ContentType string
	Data        []byte
}

// Message is a message the bot created in a channel (POST
// /channels/{id}/messages), as currently stored: later PATCHes update it and
// DELETE marks it deleted.
type Message struct {
	ID         string
	ChannelID  string
	Content    string
	Embeds     json.RawMessage // as sent (as stored after an edit); nil when absent
	Components json.RawMessage
	Nonce      string // normalised to a string; "" when absent
	Files      []File
	Body       []byte // the JSON payload that created it
	Deleted    bool

	created time.Time
	obj     map[string]any // the message object the fake answers with
}

type nonceEntry struct {
	msg  *Message
	seen time.Time
}

// Response is one answer the bot gave to an interaction.
type Response struct {
	// Kind is "callback", "edit_original", "delete_original", "followup" or
	// "edit_followup".
	Kind  string
	Body  []byte         // the JSON body (payload_json for multipart)
	Type  int            // callback type; 0 for webhook requests
	Data  map[string]any // callback: the "data" object; otherwise the whole body
	Files []File
}

type interactionState struct {
	id, token    string
	channel      string    // channel the interaction came from, if known
	dispatchedAt time.Time // zero when the fake did not dispatch it
	acked        bool
	original     map[string]any // the original response message, once there is one
	responses    []Response
	followups    map[string]map[string]any
}

// New starts a fake Discord on 127.0.0.1 and closes it when the test ends.
// Without the OpenAPI document the fake cannot do its job, so the test is
// skipped with a message naming the path and the override variable.
func New(t testing.TB) *Server {
	t.Helper()
	path, ok := SpecPath()
	if !ok {
		t.Skipf("Discord OpenAPI spec not found at %s; set %s", path, SpecEnv)
	}
	sp, err := loadSpec(path)
	if err != nil {
		t.Fatalf("fakediscord: load %s: %v", path, err)
	}
	s := &Server{
		spec:         sp,
		done:         make(chan struct{}),
		changed:      make(chan struct{}),
		deadline:     DefaultInteractionDeadline,
		channels:     map[string]*discordgo.Channel{},
		deleted:      map[string]bool{},
		nonces:       map[string]nonceEntry{},
		commands:     map[string][]map[string]any{},
		events:       map[string]map[string]any{},
		interactions: map[string]*interactionState{},
		byToken:      map[string]*interactionState{},
		guilds:       map[string]*discordgo.Guild{},
		botMembers:   map[string]*discordgo.Member{},
		buckets:      map[string]*window{},
		heartbeat:    DefaultHeartbeatInterval,
		sessions:     map[string]*gwSession{},
		conns:        map[*gwConn]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.close)
	return s
}

// serveHTTP splits the listener between the gateway and REST. No ServeMux:
// its path cleaning would redirect paths Discord answers as they are.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || strings.HasPrefix(r.URL.Path, "/gateway/") {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, attachmentPrefix) {
		s.serveAttachment(w, r)
		return
	}
	s.serveAPI(w, r) // everything else, including non-API paths (recorded, 404)
}

func (s *Server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.NetConn().Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the fake's root, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.srv.URL }

// APIBase is what the bot's api_base should be: URL()+"/api/v9".
func (s *Server) APIBase() string { return s.srv.URL + "/api/v9" }

// GatewayURL is the websocket URL the fake hands out in /gateway/bot.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/gateway"
}

// notifyLocked wakes everything blocked in WaitFor. Callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor blocks until cond returns true or ctx ends. cond is re-evaluated
// after every change to the fake's state (a request, a gateway event), so it
// can be built from the accessors without polling; it must not block.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		if closed {
			return errors.New("fakediscord: server closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// nextIDLocked returns a fresh snowflake that decodes to the current time, so
// code that derives timestamps from IDs sees sensible values.
func (s *Server) nextIDLocked() string {
	const discordEpoch = 1420070400000
	id := (time.Now().UnixMilli() - discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return fmt.Sprint(id)
}

// Requests returns a copy of every REST request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// Violations returns every spec violation seen, in order.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// AssertValid fails the test once per violation, so a test ending in
// s.AssertValid(t) proves every body the bot sent is acceptable to Discord.
func (s *Server) AssertValid(t testing.TB) {
	t.Helper()
	for _, v := range s.Violations() {
		t.Errorf("fakediscord: %v", v)
	}
}

func (s *Server) violationLocked(method, path string, body []byte, err error) {
	s.violations = append(s.violations, Violation{Method: method, Path: path, Body: body, Err: err})
}

// Messages returns the messages created via POST /channels/{id}/messages, in
// creation order; a POST answered from an enforced nonce creates nothing.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
		out[i].Files = append([]File(nil), m.Files...)
		out[i].obj = nil
	}
	return out
}

// Commands returns the application commands registered for guildID ("" for
// global ones) as the fake stored them, IDs included.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, c := range s.commands[guildID] {
		var cmd discordgo.ApplicationCommand
		if remarshal(c, &cmd) == nil {
			out = append(out, &cmd)
		}
	}
	return out
}

// ScheduledEvents returns the guild's scheduled events that exist now.
func (s *Server) ScheduledEvents(guildID string) []*discordgo.GuildScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.GuildScheduledEvent
	for _, id := range s.eventOrder {
		ev := s.events[id]
		if ev == nil || ev["guild_id"] != guildID {
			continue
		}
		var e discordgo.GuildScheduledEvent
		if remarshal(ev, &e) == nil {
			out = append(out, &e)
		}
	}
	return out
}

func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// fault is a pending FailNext injection.
type fault struct {
	method, prefix string
	n, status      int
	retryAfter     time.Duration
}

// FailNext makes the next n requests whose method and path match fail with
// status. method "" or "*" matches any method; pathPrefix may be given with
// or without the /api/v9 prefix. A 429 carries Discord's rate-limit headers
// and body with retryAfter (0 means 100ms); other statuses carry Discord's
// JSON error shape. The request is still recorded and its body validated.
func (s *Server) FailNext(method, pathPrefix string, n int, status int, retryAfter time.Duration) {
	if n <= 0 {
		return
	}
	if retryAfter <= 0 {
		retryAfter = 100 * time.Millisecond
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{
		method:     strings.ToUpper(method),
		prefix:     "/" + strings.TrimLeft(stripAPIPrefix(pathPrefix), "/"),
		n:          n,
		status:     status,
		retryAfter: retryAfter,
	})
}

// takeFaultLocked consumes one matching injection, if any.
func (s *Server) takeFaultLocked(method, rel string) *fault {
	for i, f := range s.faults {
		if (f.method == "" || f.method == "*" || f.method == method) && strings.HasPrefix(rel, f.prefix) {
			f.n--
			if f.n <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// DeleteChannel makes the channel unknown: later requests to it get 404
// {"message":"Unknown Channel","code":10003}, as when a moderator deletes a
// channel a scheduled post targets.
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted[channelID] = true
	s.notifyLocked()
}

// AddChannel registers a channel so GET /channels/{id} returns it. Channels
// not registered still exist (as text channels in DefaultGuildID) unless
// deleted: the fake is permissive about IDs it has not seen.
func (s *Server) AddChannel(ch *discordgo.Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *ch
	s.channels[ch.ID] = &c
	delete(s.deleted, ch.ID)
}

// SetLatency delays every REST answer by d, to exercise timeouts and the
// 3-second interaction deadline.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetInteractionDeadline changes how long after dispatch the first callback
// is accepted (default 3s, like Discord); 0 disables the check.
func (s *Server) SetInteractionDeadline(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadline = d
}

// Responses returns the answers the bot made to an interaction (callbacks,
// edits of the original response, follow-ups), in order.
func (s *Server) Responses(interactionID string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[interactionID]
	if st == nil {
		return nil
	}
	return append([]Response(nil), st.responses...)
}

// WaitResponse waits for the first callback to an interaction.
func (s *Server) WaitResponse(ctx context.Context, interactionID string) (Response, error) {
	var r Response
	err := s.WaitFor(ctx, func() bool {
		for _, resp := range s.Responses(interactionID) {
			if resp.Kind == "callback" {
				r = resp
				return true
			}
		}
		return false
	})
	if err != nil {
		return Response{}, fmt.Errorf("fakediscord: waiting for a callback to interaction %s: %w", interactionID, err)
	}
	return r, nil
}

// ValidateInteractionResponse validates body as an interaction callback
// (POST /interactions/{id}/{token}/callback). The HTTP interactions
// endpoint's response body is exactly such a body.
func (s *Server) ValidateInteractionResponse(body []byte) error {
	return s.ValidateRequestBody(http.MethodPost, "/api/v9/interactions/1/token/callback", body)
}

// ValidateRequestBody validates a JSON body against the request schema of
// method and path (e.g. "/api/v9/channels/1/messages"), with the same
// integer-string leniency as the server itself.
func (s *Server) ValidateRequestBody(method, path string, body []byte) error {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	r := s.spec.match(splitPath(stripAPIPrefix(path)))
	if r == nil {
		return fmt.Errorf("fakediscord: no operation for %s %s in the spec", method, path)
	}
	op := r.ops[strings.ToUpper(method)]
	if op == nil {
		return fmt.Errorf("fakediscord: no operation for %s %s in the spec", method, r.template)
	}
	if !op.hasBody() {
		if len(body) == 0 {
			return nil
		}
		return fmt.Errorf("fakediscord: %s %s takes no request body", method, r.template)
	}
	if len(body) == 0 {
		if op.bodyRequired {
			return fmt.Errorf("fakediscord: %s %s requires a body", method, r.template)
		}
		return nil
	}
	return s.spec.validateJSON(op, body)
}

// stripAPIPrefix removes a leading /api or /api/vN from a path.
func stripAPIPrefix(p string) string {
	if !strings.HasPrefix(p, "/api/") && p != "/api" {
		return p
	}
	rest := strings.TrimPrefix(p, "/api")
	if strings.HasPrefix(rest, "/v") {
		i := 2
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i > 2 && (i == len(rest) || rest[i] == '/') {
			rest = rest[i:]
		}
	}
	if rest == "" {
		rest = "/"
	}
	return rest
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
