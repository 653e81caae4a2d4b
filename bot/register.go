package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// RegisterMode is where the slash commands are registered ([discord] register).
type RegisterMode struct {
	// Off leaves the registered commands as they are.
	Off bool
	// GuildID registers in one guild (instant, for testing); "" means global.
	GuildID string
}

// ParseRegisterMode reads "global", "guild:<id>" or "off".
func ParseRegisterMode(s string) (RegisterMode, error) {
	switch {
	case s == "global":
		return RegisterMode{}, nil
	case s == "off":
		return RegisterMode{Off: true}, nil
	case strings.HasPrefix(s, "guild:"):
		id := strings.TrimPrefix(s, "guild:")
		if id == "" || strings.Trim(id, "0123456789") != "" {
			return RegisterMode{}, fmt.Errorf("%q: the guild ID must be a snowflake (digits)", s)
		}
		return RegisterMode{GuildID: id}, nil
	}
	return RegisterMode{}, fmt.Errorf("%q: want \"global\", \"guild:<id>\" or \"off\"", s)
}

// String is the mode as the configuration spells it.
func (m RegisterMode) String() string {
	switch {
	case m.Off:
		return "off"
	case m.GuildID != "":
		return "guild:" + m.GuildID
	}
	return "global"
}

// Register replaces the application's commands with defs in one bulk overwrite, globally or in
// one guild, per mode ("global", "guild:<id>", "off"). One PUT rather than a create per
// command: Discord's create endpoint is limited to 200 calls a day, and the overwrite also
// removes commands that no longer exist. It returns how many commands Discord now lists.
func Register(ctx context.Context, s *discordgo.Session, appID, mode string, defs []*discordgo.ApplicationCommand) (int, error) {
	m, err := ParseRegisterMode(mode)
	if err != nil {
		return 0, err
	}
	if m.Off {
		return 0, nil
	}
	if appID == "" {
		return 0, fmt.Errorf("register commands: no application ID")
	}
	if defs == nil {
		defs = []*discordgo.ApplicationCommand{} // [] clears the list; null is a bad body
	}
	got, err := s.ApplicationCommandBulkOverwrite(appID, m.GuildID, defs, discordgo.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("register commands (%s): %w", m, err)
	}
	return len(got), nil
}

// ApplicationID asks Discord which application the token belongs to, for a configuration
// without application_id.
func ApplicationID(ctx context.Context, s *discordgo.Session) (string, error) {
	// GET /applications/@me (discordgo's Application uses the older OAuth2 route and no context).
	endpoint := discordgo.EndpointAPI + "applications/@me"
	body, err := s.RequestWithBucketID(http.MethodGet, endpoint, nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("find the application ID: %w", err)
	}
	var app struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &app); err != nil || app.ID == "" {
		return "", fmt.Errorf("find the application ID: Discord answered none")
	}
	return app.ID, nil
}
