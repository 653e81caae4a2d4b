package fakediscord

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// serveCallback takes the first answer to an interaction. Like Discord it
// refuses a second answer (40060) and one after the deadline (10062).
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

// serveWebhook handles an interaction's webhook: edits of the original
// response and follow-ups, recorded as Responses of that interaction.
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

// serveChannel answers GET /channels/{id}.
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

// serveMessages handles channel messages the bot posts, fetches, edits and
// deletes.
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

// createMessageLocked posts a message, honouring enforce_nonce: a repeated
// nonce in the same channel within nonceWindow returns the first message.
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
		in, _ := v.([]any)
		embeds := []any{}
		for _, e := range in {
			// Copy before filling in: the payload is also what Responses() report.
			if m, ok := e.(map[string]any); ok && m["type"] == nil {
				m = cloneMap(m)
				m["type"] = "rich"
				e = m
			}
			embeds = append(embeds, e)
		}
		obj["embeds"] = embeds
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
