// Package bot connects Liaison's commands to Discord. It holds the router, which checks
// permissions, recovers panics, defers slow answers and turns errors into replies, and the three
// doors that feed it interactions: the gateway, the HTTP endpoint and the console.
package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/storage"
)

// Access says who may run a command or subcommand.
type Access int

// Access levels. Moderator means the guild's moderator role or Manage Server; Admin means
// Manage Server.
const (
	Everyone Access = iota
	Moderator
	Admin
)

func (a Access) String() string {
	switch a {
	case Moderator:
		return "moderators"
	case Admin:
		return "admins"
	}
	return "everyone"
}

// Handler answers one interaction. It returns a *UserError for anything the user can fix; any
// other error becomes "Something went wrong (ref …)".
type Handler func(ctx context.Context, req *Request) (*Reply, error)

// Command is a slash command: its Discord definition beside its handlers. The list of commands
// is data handed to the router by main.
type Command struct {
	Definition *discordgo.ApplicationCommand
	// Access by subcommand name ("" for a command without subcommands); missing means Everyone.
	Access map[string]Access
	// Run answers the command.
	Run Handler
	// Autocomplete answers the focused option (req.Focused) with at most 25 choices.
	Autocomplete func(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error)
	// Component answers a button whose custom_id begins with the command's name and ":".
	Component Handler
}

// Name is the command's slash name.
func (c *Command) Name() string { return c.Definition.Name }

// access returns who may run the subcommand.
func (c *Command) access(sub string) Access {
	if a, ok := c.Access[sub]; ok {
		return a
	}
	return Everyone
}

// Request is one interaction as handlers see it: the caller, the guild's settings and the
// options of the invoked (sub)command.
type Request struct {
	Interaction *discordgo.Interaction
	GuildID     string
	UserID      string
	// Guild holds the guild's settings (time zone, moderator role, …), loaded once per interaction.
	Guild storage.Guild
	// Now is the time the interaction arrived, from the router's clock.
	Now time.Time
	// Sub is the invoked subcommand ("" when the command has none).
	Sub string
	// Options are the options of the invoked subcommand by name.
	Options map[string]*discordgo.ApplicationCommandInteractionDataOption
	// Focused names the option being autocompleted.
	Focused string
	// CustomID is the clicked button's custom_id, without the command prefix.
	CustomID string
	// Access is what the caller may do in this guild.
	Access Access
}

// Actor is the request's author as storage records it.
func (r *Request) Actor() storage.Actor {
	name := ""
	if r.Interaction != nil && r.Interaction.Type == discordgo.InteractionApplicationCommand {
		name = "/" + r.Interaction.ApplicationCommandData().Name
		if r.Sub != "" {
			name += " " + r.Sub
		}
	}
	return storage.Actor{GuildID: r.GuildID, UserID: r.UserID, Command: name}
}

// Location is the guild's time zone.
func (r *Request) Location() *time.Location { return r.Guild.Location() }

// String returns a string option, trimmed, and whether it was given.
func (r *Request) String(name string) (string, bool) {
	o, ok := r.Options[name]
	if !ok || o == nil {
		return "", false
	}
	s, _ := o.Value.(string)
	return strings.TrimSpace(s), true
}

// Int returns an integer option and whether it was given. The gateway delivers numbers as
// float64, the console as int64; both are accepted.
func (r *Request) Int(name string) (int64, bool, error) {
	o, ok := r.Options[name]
	if !ok || o == nil {
		return 0, false, nil
	}
	switch v := o.Value.(type) {
	case float64:
		if v != float64(int64(v)) {
			return 0, true, Errorf("`"+name+":12`", "%s must be a whole number", name)
		}
		return int64(v), true, nil
	case int64:
		return v, true, nil
	case int:
		return int64(v), true, nil
	case string:
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return 0, true, Errorf("`"+name+":12`", "%s must be a whole number, not %q", name, v)
		}
		return n, true, nil
	}
	return 0, true, Errorf("`"+name+":12`", "%s must be a whole number", name)
}

// ID returns a channel, role, user or mentionable option's ID and whether it was given.
func (r *Request) ID(name string) (string, bool) {
	o, ok := r.Options[name]
	if !ok || o == nil {
		return "", false
	}
	switch v := o.Value.(type) {
	case string:
		return strings.Trim(v, "<#@&!>"), true
	case float64:
		return fmt.Sprintf("%.0f", v), true
	}
	return fmt.Sprint(o.Value), true
}

// Reply is what a handler answers.
type Reply struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Files      []*discordgo.File
	// Ephemeral shows the reply only to the caller.
	Ephemeral bool
	// Update edits the message a clicked button belongs to instead of posting a new one.
	Update bool
}

// UserError is an error the user can fix. Its message is shown as is, with an example.
type UserError struct {
	Msg     string
	Example string
	// Denied marks a refusal for lack of access, counted apart in the metrics.
	Denied bool
}

func (e *UserError) Error() string {
	if e.Example == "" {
		return e.Msg
	}
	return e.Msg + "\nExample: " + e.Example
}

// Errorf builds a UserError whose message is formatted, with a valid example of the input.
func Errorf(example, format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...), Example: example}
}

// Invalid wraps a parser's user-safe error as a UserError with an example.
func Invalid(err error, example string) error {
	var ue *UserError
	if errors.As(err, &ue) {
		return err
	}
	return &UserError{Msg: err.Error(), Example: example}
}
