package fakediscord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// statusWriter records the status in the request log before the answer
// leaves, so a test reading Requests() right after discordgo returns sees it.
type statusWriter struct {
	http.ResponseWriter
	s      *Server
	idx    int
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
		w.s.mu.Lock()
		w.s.requests[w.idx].Status = status
		w.s.notifyLocked()
		w.s.mu.Unlock()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
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

	sw := &statusWriter{ResponseWriter: w, s: s, idx: idx}
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
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

	setRateLimitHeaders(sw.Header(), rt.template)
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
		writeJSON(c.w, http.StatusOK, map[string]any{
			"id": ApplicationID, "name": BotUsername, "icon": nil, "description": "",
			"bot_public": false, "bot_require_code_grant": false, "flags": 0,
			"verify_key": strings.Repeat("0", 64), "bot": botUser(),
		})
	case strings.HasPrefix(c.rt.template, "/applications/{application_id}/") && strings.Contains(c.rt.template, "/commands"):
		s.serveCommands(c, op)
	case key == "POST /interactions/{interaction_id}/{interaction_token}/callback":
		s.serveCallback(c)
	case strings.HasPrefix(c.rt.template, "/webhooks/{webhook_id}/{webhook_token}"):
		s.serveWebhook(c, op)
	case key == "GET /channels/{channel_id}":
		s.serveChannel(c)
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

// --- application commands ---

func (s *Server) serveCommands(c *call, op *operation) {
	guildID := ""
	if strings.Contains(c.rt.template, "{guild_id}") {
		guildID = c.params[1]
	}
	appID := c.params[0]
	t := c.rt.template
	perCommand := strings.HasSuffix(t, "{command_id}")
	if !strings.HasSuffix(t, "/commands") && !perCommand {
		writeError(c.w, http.StatusNotFound, 0, "404: Not Found")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	list := s.commands[guildID]
	switch {
	case !perCommand && op.method == http.MethodGet:
		writeJSON(c.w, http.StatusOK, nonNil(list))
	case !perCommand && op.method == http.MethodPut:
		arr, _ := c.obj.([]any)
		var out []map[string]any
		for _, v := range arr {
			in, _ := v.(map[string]any)
			out = append(out, s.storeCommandLocked(list, in, appID, guildID))
		}
		s.commands[guildID] = out
		writeJSON(c.w, http.StatusOK, nonNil(out))
	case !perCommand && op.method == http.MethodPost:
		cmd := s.storeCommandLocked(list, c.object(), appID, guildID)
		for i, old := range list {
			if old["id"] == cmd["id"] {
				list[i] = cmd
				s.commands[guildID] = list
				writeJSON(c.w, http.StatusOK, cmd)
				return
			}
		}
		s.commands[guildID] = append(list, cmd)
		writeJSON(c.w, http.StatusCreated, cmd)
	default:
		id := c.params[len(c.params)-1]
		i := slices.IndexFunc(list, func(m map[string]any) bool { return m["id"] == id })
		if i < 0 {
			writeError(c.w, http.StatusNotFound, 10063, "Unknown application command")
			return
		}
		switch op.method {
		case http.MethodGet:
			writeJSON(c.w, http.StatusOK, list[i])
		case http.MethodPatch:
			merged := cloneMap(list[i])
			for k, v := range c.object() {
				merged[k] = v
			}
			merged["id"] = id
			list[i] = s.storeCommandLocked(nil, merged, appID, guildID)
			list[i]["id"] = id
			writeJSON(c.w, http.StatusOK, list[i])
		case http.MethodDelete:
			s.commands[guildID] = slices.Delete(list, i, i+1)
			c.w.WriteHeader(http.StatusNoContent)
		default:
			writeError(c.w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		}
	}
}

// storeCommandLocked turns a command as sent into the object Discord returns:
// it keeps the ID of an existing command with the same name and type (bulk
// overwrite is an upsert by name), and fills the server-side fields.
func (s *Server) storeCommandLocked(existing []map[string]any, in map[string]any, appID, guildID string) map[string]any {
	cmd := cloneMap(in)
	typ := "1"
	if t, ok := cmd["type"].(json.Number); ok {
		typ = t.String()
	}
	cmd["type"] = json.Number(typ)
	id := ""
	for _, old := range existing {
		if old["name"] == cmd["name"] && fmt.Sprint(old["type"]) == typ {
			id, _ = old["id"].(string)
		}
	}
	if id == "" {
		id = s.nextIDLocked()
	}
	cmd["id"] = id
	cmd["application_id"] = appID
	cmd["version"] = s.nextIDLocked()
	if guildID != "" {
		cmd["guild_id"] = guildID
	} else {
		delete(cmd, "guild_id")
	}
	// Discord answers permissions as a string whichever way they were sent.
	if p, ok := cmd["default_member_permissions"]; ok && p != nil {
		cmd["default_member_permissions"] = fmt.Sprint(p)
	} else {
		cmd["default_member_permissions"] = nil
	}
	if _, ok := cmd["description"]; !ok {
		cmd["description"] = ""
	}
	if _, ok := cmd["nsfw"]; !ok {
		cmd["nsfw"] = false
	}
	return cmd
}

// --- interactions ---

func (s *Server) serveCallback(c *call) {
	iid, token := c.params[0], c.params[1]
	p := c.object()
	typ := intOf(p["type"])
	data, _ := p["data"].(map[string]any)

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	st := s.interactions[iid]
	if st == nil {
		// Not dispatched by the fake (e.g. a test of the HTTP endpoint): take
		// the interaction as the URL describes it.
		st = &interactionState{id: iid, token: token}
		s.interactions[iid] = st
		s.byToken[token] = st
	}
	if st.token != token {
		writeError(c.w, http.StatusUnauthorized, 50027, "Invalid Webhook Token")
		return
	}
	if !st.dispatchedAt.IsZero() && s.deadline > 0 && time.Since(st.dispatchedAt) > s.deadline {
		writeError(c.w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	if st.acked {
		writeError(c.w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	st.acked = true
	st.responses = append(st.responses, Response{Kind: "callback", Body: c.payload, Type: typ, Data: data, Files: c.files})
	switch typ {
	case 4, 5, 7:
		st.original = s.messageObjLocked(st.channelID(), data, c.files, true)
		if typ == 5 {
			// Deferred: Discord shows "thinking" until the original is edited.
			st.original["content"] = ""
			st.original["flags"] = json.Number(strconv.Itoa(intOf(st.original["flags"]) | 1<<7))
		}
	case 6:
		st.original = s.messageObjLocked(st.channelID(), nil, nil, true)
	}
	if c.r.URL.Query().Get("with_response") == "true" {
		resp := map[string]any{
			"interaction": map[string]any{"id": iid, "type": 2, "response_message_loading": typ == 5},
		}
		if st.original != nil {
			resp["resource"] = map[string]any{"type": typ, "message": st.original}
		}
		writeJSON(c.w, http.StatusOK, resp)
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

func (st *interactionState) channelID() string {
	if st.channel != "" {
		return st.channel
	}
	return "0"
}

func (s *Server) serveWebhook(c *call, op *operation) {
	token := c.params[1]
	t := c.rt.template
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	st := s.byToken[token]
	if st == nil || !st.acked {
		// Only interaction webhooks exist in the fake; and Discord knows an
		// interaction's webhook only once the interaction has been answered.
		writeError(c.w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	record := func(kind string) {
		st.responses = append(st.responses, Response{Kind: kind, Body: c.payload, Data: c.object(), Files: c.files})
	}
	switch {
	case t == "/webhooks/{webhook_id}/{webhook_token}" && op.method == http.MethodPost:
		msg := s.messageObjLocked(st.channelID(), c.object(), c.files, true)
		if st.followups == nil {
			st.followups = map[string]map[string]any{}
		}
		st.followups[msg["id"].(string)] = msg
		record("followup")
		// Interaction follow-ups always answer with the message, wait or not.
		writeJSON(c.w, http.StatusOK, msg)
	case t == "/webhooks/{webhook_id}/{webhook_token}/messages/@original":
		switch op.method {
		case http.MethodGet:
			if st.original == nil {
				writeError(c.w, http.StatusNotFound, 10008, "Unknown Message")
				return
			}
			writeJSON(c.w, http.StatusOK, st.original)
		case http.MethodPatch:
			if st.original == nil {
				writeError(c.w, http.StatusNotFound, 10008, "Unknown Message")
				return
			}
			editMessage(st.original, c.object(), c.files)
			flags := intOf(st.original["flags"]) &^ (1 << 7) // no longer "thinking"
			st.original["flags"] = json.Number(strconv.Itoa(flags))
			record("edit_original")
			writeJSON(c.w, http.StatusOK, st.original)
		case http.MethodDelete:
			if st.original == nil {
				writeError(c.w, http.StatusNotFound, 10008, "Unknown Message")
				return
			}
			st.original = nil
			record("delete_original")
			c.w.WriteHeader(http.StatusNoContent)
		}
	case t == "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":
		msg := st.followups[c.params[2]]
		if msg == nil {
			writeError(c.w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		switch op.method {
		case http.MethodGet:
			writeJSON(c.w, http.StatusOK, msg)
		case http.MethodPatch:
			editMessage(msg, c.object(), c.files)
			record("edit_followup")
			writeJSON(c.w, http.StatusOK, msg)
		case http.MethodDelete:
			delete(st.followups, c.params[2])
			record("delete_followup")
			c.w.WriteHeader(http.StatusNoContent)
		}
	default:
		writeError(c.w, http.StatusNotFound, 0, "404: Not Found")
	}
}

// --- channels and messages ---

func (s *Server) serveChannel(c *call) {
	id := c.params[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deleted[id] {
		writeError(c.w, http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	if ch := s.channels[id]; ch != nil {
		writeJSON(c.w, http.StatusOK, ch)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"id": id, "type": 0, "guild_id": DefaultGuildID, "name": "channel-" + id,
		"position": 0, "permission_overwrites": []any{}, "nsfw": false, "topic": nil,
		"parent_id": nil, "last_message_id": nil, "rate_limit_per_user": 0, "flags": 0,
	})
}

func (s *Server) serveMessages(c *call, op *operation) {
	channelID := c.params[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if s.deleted[channelID] {
		writeError(c.w, http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	if len(c.params) == 1 {
		if op.method != http.MethodPost {
			// Listing history is not faked.
			writeError(c.w, http.StatusNotFound, 0, "404: Not Found")
			return
		}
		s.createMessageLocked(c, channelID)
		return
	}
	i := slices.IndexFunc(s.messages, func(m *Message) bool {
		return m.ID == c.params[1] && m.ChannelID == channelID && !m.Deleted
	})
	if i < 0 {
		writeError(c.w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	m := s.messages[i]
	switch op.method {
	case http.MethodGet:
		writeJSON(c.w, http.StatusOK, m.obj)
	case http.MethodPatch:
		editMessage(m.obj, c.object(), c.files)
		m.Content, _ = m.obj["content"].(string)
		m.Embeds = rawJSON(m.obj["embeds"])
		m.Components = rawJSON(m.obj["components"])
		writeJSON(c.w, http.StatusOK, m.obj)
	case http.MethodDelete:
		m.Deleted = true
		c.w.WriteHeader(http.StatusNoContent)
	default:
		writeError(c.w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	}
}

func (s *Server) createMessageLocked(c *call, channelID string) {
	p := c.object()
	if isEmptyMessage(p, c.files) {
		writeError(c.w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	nonce := nonceString(p["nonce"])
	key := channelID + "\x00" + nonce
	if nonce != "" && p["enforce_nonce"] == true {
		if e, ok := s.nonces[key]; ok && time.Since(e.seen) < nonceWindow {
			// Discord answers a retried post with the message the first one
			// created, and creates nothing.
			writeJSON(c.w, http.StatusOK, e.msg.obj)
			return
		}
	}
	obj := s.messageObjLocked(channelID, p, c.files, false)
	if nonce != "" {
		obj["nonce"] = p["nonce"]
	}
	m := &Message{
		ID:         obj["id"].(string),
		ChannelID:  channelID,
		Content:    stringOf(p["content"]),
		Embeds:     rawJSON(p["embeds"]),
		Components: rawJSON(p["components"]),
		Nonce:      nonce,
		Files:      c.files,
		Body:       c.payload,
		created:    time.Now(),
		obj:        obj,
	}
	s.messages = append(s.messages, m)
	if nonce != "" {
		s.nonces[key] = nonceEntry{msg: m, seen: m.created}
	}
	writeJSON(c.w, http.StatusOK, obj)
}

func isEmptyMessage(p map[string]any, files []File) bool {
	if stringOf(p["content"]) != "" || len(files) > 0 || p["poll"] != nil {
		return false
	}
	for _, k := range []string{"embeds", "components", "sticker_ids", "attachments"} {
		if a, ok := p[k].([]any); ok && len(a) > 0 {
			return false
		}
	}
	return true
}

func nonceString(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case json.Number:
		return n.String()
	}
	return ""
}

// messageObjLocked builds the message object Discord answers with.
func (s *Server) messageObjLocked(channelID string, p map[string]any, files []File, webhook bool) map[string]any {
	id := s.nextIDLocked()
	obj := map[string]any{
		"id":               id,
		"channel_id":       channelID,
		"type":             0,
		"content":          "",
		"author":           botUser(),
		"timestamp":        time.Now().UTC().Format(time.RFC3339Nano),
		"edited_timestamp": nil,
		"tts":              p["tts"] == true,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"attachments":      []any{},
		"embeds":           []any{},
		"components":       []any{},
		"pinned":           false,
		"flags":            json.Number("0"),
	}
	if webhook {
		obj["webhook_id"] = ApplicationID
		obj["application_id"] = ApplicationID
		obj["type"] = 20 // CHAT_INPUT_COMMAND reply
	}
	setMessageFields(obj, p, files)
	return obj
}

// editMessage applies a PATCH body to a stored message object.
func editMessage(obj, p map[string]any, files []File) {
	setMessageFields(obj, p, files)
	obj["edited_timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
}

func setMessageFields(obj, p map[string]any, files []File) {
	if v, ok := p["content"]; ok {
		obj["content"] = stringOf(v)
	}
	if v, ok := p["embeds"]; ok {
		embeds, _ := v.([]any)
		for _, e := range embeds {
			if m, ok := e.(map[string]any); ok && m["type"] == nil {
				m["type"] = "rich"
			}
		}
		obj["embeds"] = nonNil(embeds)
	}
	if v, ok := p["components"]; ok {
		comps, _ := v.([]any)
		obj["components"] = nonNil(comps)
	}
	if v, ok := p["flags"].(json.Number); ok {
		obj["flags"] = v
	}
	if v, ok := p["attachments"].([]any); ok && len(files) == 0 {
		obj["attachments"] = nonNil(v)
	}
	if len(files) > 0 {
		atts := []any{}
		for _, f := range files {
			atts = append(atts, map[string]any{
				"id":           strconv.FormatUint(uint64(fnv32(f.Field+f.Name)), 10),
				"filename":     f.Name,
				"size":         len(f.Data),
				"url":          "https://cdn.discordapp.com/attachments/" + f.Name,
				"proxy_url":    "https://media.discordapp.net/attachments/" + f.Name,
				"content_type": f.ContentType,
			})
		}
		obj["attachments"] = atts
	}
}

// --- scheduled events ---

func (s *Server) serveScheduledEvents(c *call, op *operation) {
	guildID := c.params[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if len(c.params) == 1 {
		switch op.method {
		case http.MethodGet:
			out := []any{}
			for _, id := range s.eventOrder {
				if ev := s.events[id]; ev != nil && ev["guild_id"] == guildID {
					out = append(out, ev)
				}
			}
			writeJSON(c.w, http.StatusOK, out)
		case http.MethodPost:
			p := c.object()
			ev := map[string]any{
				"id":                   s.nextIDLocked(),
				"guild_id":             guildID,
				"channel_id":           nil,
				"creator_id":           BotUserID,
				"creator":              botUser(),
				"name":                 p["name"],
				"description":          nil,
				"scheduled_start_time": p["scheduled_start_time"],
				"scheduled_end_time":   nil,
				"privacy_level":        p["privacy_level"],
				"status":               1, // SCHEDULED
				"entity_type":          p["entity_type"],
				"entity_id":            nil,
				"entity_metadata":      nil,
				"user_count":           0,
				"image":                nil,
				"recurrence_rule":      nil,
			}
			for _, k := range []string{"channel_id", "description", "scheduled_end_time", "entity_metadata", "recurrence_rule"} {
				if v, ok := p[k]; ok {
					ev[k] = v
				}
			}
			s.events[ev["id"].(string)] = ev
			s.eventOrder = append(s.eventOrder, ev["id"].(string))
			writeJSON(c.w, http.StatusOK, ev)
		default:
			writeError(c.w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		}
		return
	}
	id := c.params[1]
	ev := s.events[id]
	if ev == nil || ev["guild_id"] != guildID {
		writeError(c.w, http.StatusNotFound, 10070, "Unknown Guild Scheduled Event")
		return
	}
	switch op.method {
	case http.MethodGet:
		writeJSON(c.w, http.StatusOK, ev)
	case http.MethodPatch:
		for k, v := range c.object() {
			if k != "id" && k != "guild_id" {
				ev[k] = v
			}
		}
		writeJSON(c.w, http.StatusOK, ev)
	case http.MethodDelete:
		delete(s.events, id)
		c.w.WriteHeader(http.StatusNoContent)
	default:
		writeError(c.w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	}
}

// --- answers ---

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
	h.Set("X-RateLimit-Limit", "50")
	h.Set("X-RateLimit-Remaining", "49")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(time.Second).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", "1.000")
	h.Set("X-RateLimit-Bucket", bucketHash(template))
}

// writeFault answers an injected failure. A 429 looks like Discord's
// per-route limit. X-RateLimit-Global is left out rather than sent as
// "false": Discord sends it only for the global limit, and discordgo treats
// any non-empty value as global and stalls every bucket.
func writeFault(w http.ResponseWriter, f *fault, template string) {
	h := w.Header()
	if f.status == http.StatusTooManyRequests {
		secs := f.retryAfter.Seconds()
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(f.retryAfter).UnixMilli())/1000, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
		h.Set("X-RateLimit-Bucket", bucketHash(template))
		h.Set("X-RateLimit-Scope", "user")
		writeJSON(w, f.status, map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": math.Round(secs*1000) / 1000,
			"global":      false,
		})
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

// --- small helpers ---

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
