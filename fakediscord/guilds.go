package fakediscord

import (
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// SetToken makes the fake answer only this bot token, as Discord does: a request with any
// other gets 401 Unauthorized. Empty (the default) accepts every token.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = strings.TrimPrefix(token, "Bot ")
}

// AddGuild makes a guild known to GET /guilds/{id} and /guilds/{id}/roles, with the bot a
// member holding botRoles (role IDs; the @everyone role, whose ID is the guild's, applies
// always). Its roles' permissions and the channels' overwrites (AddChannel) decide what the bot
// may do there, as on Discord. Replaces an earlier guild of the same ID.
func (s *Server) AddGuild(g *discordgo.Guild, botRoles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *g
	c.Roles = make([]*discordgo.Role, len(g.Roles))
	for i, r := range g.Roles {
		rc := *r
		c.Roles[i] = &rc
	}
	s.guilds[g.ID] = &c
	s.botMembers[g.ID] = &discordgo.Member{GuildID: g.ID, Roles: append([]string{}, botRoles...),
		User: &discordgo.User{ID: BotUserID, Username: BotUsername, Bot: true}}
}

// serveGuild answers the guild reads a permission check makes: the guild, its roles, and the
// bot's own member. Other members and unknown guilds are 404, as for a bot not in the guild.
func (s *Server) serveGuild(c *call, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[c.params[0]]
	if g == nil {
		writeError(c.w, http.StatusNotFound, 10004, "Unknown Guild")
		return
	}
	switch key {
	case "GET /guilds/{guild_id}":
		writeJSON(c.w, http.StatusOK, g)
	case "GET /guilds/{guild_id}/roles":
		writeJSON(c.w, http.StatusOK, nonNil(g.Roles))
	default:
		if c.params[1] != BotUserID && c.params[1] != "@me" {
			writeError(c.w, http.StatusNotFound, 10007, "Unknown Member")
			return
		}
		writeJSON(c.w, http.StatusOK, s.botMembers[g.ID])
	}
}

// SetInteractionsEndpointURL sets the application's Interactions Endpoint URL, as saving it in
// the Developer Portal does: GET /applications/@me reports it.
func (s *Server) SetInteractionsEndpointURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpointURL = url
}
