package fakediscord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bufferedWriter holds an answer until the handler has released the
// server's lock; serveAPI then records the status and sends it, so a test
// reading Requests() right after discordgo returns sees the status.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

func (w *bufferedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// call is one REST request on its way through the fake.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	rt      *route
	params  []string // the {parameter} segments, in order
	payload []byte   // JSON body, or the payload_json part of a multipart body
	obj     any      // payload decoded (numbers as json.Number); nil without body
	files   []File
}

func (c *call) object() map[string]any {
	m, _ := c.obj.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// serveAPI records, delays, validates and then answers one REST request.
// Validation comes first so that a body breaking the spec is recorded even
// when the request is then failed on purpose by FailNext.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	isAPI := strings.HasPrefix(r.URL.Path, "/api/")
	rel := stripAPIPrefix(r.URL.Path)
	segs := splitPath(rel)

	var rt *route
	if isAPI {
		rt = s.spec.match(segs)
	}
	req := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	}
	if rt != nil {
		req.Route = rt.template
	}
	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, req)
	latency := s.latency
	s.notifyLocked()
	s.mu.Unlock()

	sw := &bufferedWriter{header: http.Header{}}
	abandoned := false
	defer func() {
		if abandoned {
			return // the client gave up during the latency; Status stays 0
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.mu.Lock()
		s.requests[idx].Status = sw.status
		s.countAnswerLocked(sw.status)
		s.notifyLocked()
		s.mu.Unlock()
		for k, v := range sw.header {
			w.Header()[k] = v
		}
		w.WriteHeader(sw.status)
		w.Write(sw.body.Bytes())
	}()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			abandoned = true
			return
		case <-s.done:
		}
	}

	if rt == nil {
		writeError(sw, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	op := rt.ops[r.Method]
	if op == nil {
		writeError(sw, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		return
	}

	c := &call{w: sw, r: r, rt: rt}
	for i, seg := range rt.segs {
		if seg == "" {
			c.params = append(c.params, segs[i])
		}
	}
	verr := s.readBody(c, op, body)
	if verr != nil {
		s.mu.Lock()
		s.violationLocked(r.Method, r.URL.Path, body, verr)
		s.mu.Unlock()
	}

	if needsBotAuth(rt.template) {
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "Bot ") && !strings.HasPrefix(auth, "Bearer ") {
			writeError(sw, http.StatusUnauthorized, 0, "401: Unauthorized")
			return
		}
		s.mu.Lock()
		want := s.token
		s.mu.Unlock()
		if want != "" && auth != "Bot "+want {
			writeError(sw, http.StatusUnauthorized, 0, "401: Unauthorized")
			return
		}
	}

	// Discord counts a request against its limits before looking at the body.
	if !s.rateLimit(sw, r.Method, rt.template, c.params) {
		return
	}

	s.mu.Lock()
	f := s.takeFaultLocked(r.Method, rel)
	s.mu.Unlock()
	if f != nil {
		writeFault(sw, f, rt.template)
		return
	}

	if verr != nil {
		if errors.Is(verr, errInvalidJSON) {
			writeError(sw, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return
		}
		writeJSON(sw, http.StatusBadRequest, map[string]any{
			"code":    50035,
			"message": "Invalid Form Body",
			"errors":  discordErrors(verr),
		})
		return
	}

	s.route(c, op)
}

// readBody extracts the JSON payload (and uploaded files) and validates it
// against the operation's request schema.
func (s *Server) readBody(c *call, op *operation, body []byte) error {
	if len(body) == 0 {
		if op.bodyRequired {
			return fmt.Errorf("%s %s requires a request body", op.method, op.template)
		}
		return nil
	}
	if !op.hasBody() {
		// Discord ignores a body on operations that take none.
		return nil
	}
	ct := c.r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("bad Content-Type %q: %v", ct, err)
	}
	if !slices.Contains(op.contentTypes, mt) {
		return fmt.Errorf("Content-Type %q is not accepted (spec allows %v)", mt, op.contentTypes)
	}
	switch mt {
	case "application/json":
		c.payload = body
	case "multipart/form-data":
		fields := map[string]any{}
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("bad multipart body: %v", err)
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return fmt.Errorf("bad multipart body: %v", err)
			}
			switch {
			case p.FormName() == "payload_json":
				c.payload = data
			case p.FileName() != "":
				c.files = append(c.files, File{
					Field:       p.FormName(),
					Name:        p.FileName(),
					ContentType: p.Header.Get("Content-Type"),
					Data:        data,
				})
			default:
				fields[p.FormName()] = string(data)
			}
		}
		if c.payload == nil {
			// Plain form fields instead of payload_json: validate them as the
			// JSON object Discord would build from them.
			c.payload, _ = json.Marshal(fields)
		}
	default:
		return fmt.Errorf("the fake cannot check Content-Type %q", mt)
	}
	obj, err := decodeJSON(c.payload)
	if err != nil {
		return fmt.Errorf("%w: %v", errInvalidJSON, err)
	}
	c.obj = obj
	obj2, _ := decodeJSON(c.payload) // validation may rewrite numeric strings in place
	return s.spec.validateValue(op, obj2)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

// needsBotAuth reports whether Discord wants an Authorization header: the
// interaction and webhook-token routes authenticate by the token in the path.
func needsBotAuth(template string) bool {
	return !strings.HasPrefix(template, "/interactions/") &&
		!strings.HasPrefix(template, "/webhooks/{webhook_id}/{webhook_token}") &&
		template != "/gateway"
}

// route answers a validated request.
func (s *Server) route(c *call, op *operation) {
	key := op.method + " " + c.rt.template
	switch {
	case key == "GET /gateway":
		writeJSON(c.w, http.StatusOK, map[string]any{"url": s.GatewayURL()})
	case key == "GET /gateway/bot":
		writeJSON(c.w, http.StatusOK, map[string]any{
			"url":    s.GatewayURL(),
			"shards": 1,
			"session_start_limit": map[string]any{
				"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
			},
		})
	case key == "GET /users/@me":
		writeJSON(c.w, http.StatusOK, botUser())
	case key == "GET /applications/@me":
		app := map[string]any{
			"id": ApplicationID, "name": BotUsername, "icon": nil, "description": "",
			"bot_public": false, "bot_require_code_grant": false, "flags": 0,
			"verify_key": strings.Repeat("0", 64), "bot": botUser(),
		}
		s.mu.Lock()
		if s.endpointURL != "" {
			app["interactions_endpoint_url"] = s.endpointURL
		}
		s.mu.Unlock()
		writeJSON(c.w, http.StatusOK, app)
	case strings.HasPrefix(c.rt.template, "/applications/{application_id}/") && strings.Contains(c.rt.template, "/commands"):
		s.serveCommands(c, op)
	case key == "POST /interactions/{interaction_id}/{interaction_token}/callback":
		s.serveCallback(c)
	case strings.HasPrefix(c.rt.template, "/webhooks/{webhook_id}/{webhook_token}"):
		s.serveWebhook(c, op)
	case key == "GET /channels/{channel_id}":
		s.serveChannel(c)
	case key == "GET /guilds/{guild_id}" || key == "GET /guilds/{guild_id}/roles" ||
		key == "GET /guilds/{guild_id}/members/{user_id}":
		s.serveGuild(c, key)
	case c.rt.template == "/channels/{channel_id}/messages" || c.rt.template == "/channels/{channel_id}/messages/{message_id}":
		s.serveMessages(c, op)
	case c.rt.template == "/guilds/{guild_id}/scheduled-events" ||
		c.rt.template == "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}":
		s.serveScheduledEvents(c, op)
	default:
		writeError(c.w, http.StatusNotFound, 0, "404: Not Found")
	}
}

func botUser() map[string]any {
	return map[string]any{
		"id": BotUserID, "username": BotUsername, "discriminator": "0", "global_name": nil,
		"avatar": nil, "bot": true, "flags": 0,
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"message":"fakediscord: cannot encode answer","code":0}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError answers with Discord's error shape {"message":..., "code":...}.
func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code})
}

// setRateLimitHeaders sends the headers Discord puts on every answer, with
// plenty of room left so discordgo's limiter never waits on its own.
func setRateLimitHeaders(h http.Header, template string) {
	setBucketHeaders(h, 50, 49, time.Now().Add(time.Second), time.Second, bucketHash(template))
}

// setBucketHeaders sends a route bucket's headers: its limit, what is left of it, and when it
// resets, as an instant and as a wait.
func setBucketHeaders(h http.Header, limit, remaining int, resetAt time.Time, resetAfter time.Duration, bucket string) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(resetAt.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter.Seconds(), 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucket)
}

// writeFault answers an injected failure. A 429 looks like Discord's
// per-route limit. X-RateLimit-Global is left out rather than sent as
// "false": Discord sends it only for the global limit, and discordgo treats
// any non-empty value as global and stalls every bucket.
func writeFault(w http.ResponseWriter, f *fault, template string) {
	if f.status == http.StatusTooManyRequests {
		writeRateLimited(w, f.retryAfter, false, bucketHash(template), 5)
		return
	}
	msg := http.StatusText(f.status)
	if msg == "" {
		msg = "Error"
	}
	writeError(w, f.status, 0, fmt.Sprintf("%d: %s", f.status, msg))
}

func bucketHash(template string) string {
	return fmt.Sprintf("%08x", fnv32(template))
}

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func intOf(v any) int {
	switch n := v.(type) {
	case json.Number:
		i, _ := strconv.Atoi(n.String())
		return i
	case string:
		i, _ := strconv.Atoi(n)
		return i
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
