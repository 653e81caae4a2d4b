package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// serveCommands stores application commands per guild ("" for global), so a
// test can check what the bot registered, and answers like Discord.
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

// serveScheduledEvents keeps guild scheduled events as the bot created and
// edited them, answering with GuildScheduledEvent objects.
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
