// Package bot connects Liaison's commands to Discord. It holds the router, which checks
// permissions, recovers panics, defers slow answers and turns errors into replies, and the three
// doors that feed it interactions: the gateway, the HTTP endpoint and the console.
package bot

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Access says who may run a route. The zero value declares nothing, and the router refuses to
// start with a route whose access is undeclared: access is denied by default, never forgotten.
type Access int

// Access levels. Moderator means the guild's moderator role or Manage Server; Admin means
// Manage Server.
const (
	accessUndeclared Access = iota
	Everyone
	Moderator
	Admin
)

func (a Access) String() string {
	switch a {
	case Everyone:
		return "everyone"
	case Moderator:
		return "moderators"
	case Admin:
		return "admins"
	}
	return "nobody (access not declared)"
}

// Handler answers one interaction. It returns a *mission.Error for anything the user can fix;
// any other error becomes "Something went wrong (ref …)".
type Handler func(ctx context.Context, req *Request) (*Reply, error)

// AutocompleteHandler answers the focused option (req.Focused) with at most 25 choices.
type AutocompleteHandler func(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error)

// Route is one thing a user can invoke: a subcommand, or a command without subcommands. Its
// name, options, required access and handlers live together; the Discord definition, routing,
// access checks, /help and the console's usage are all derived from it, so they cannot disagree.
type Route struct {
	// Name is the subcommand's name; "" for a command without subcommands.
	Name        string
	Description string
	Options     []*discordgo.ApplicationCommandOption
	// Access is who may run the route, its autocomplete and its buttons. It must be declared.
	Access Access
	// Run answers the route.
	Run Handler
	// Autocomplete, when set, answers the route's autocompleted options.
	Autocomplete AutocompleteHandler
	// Component, when set, answers the route's buttons and forms: those whose custom_id begins
	// with the route's key and ":" (see ComponentID). A form's inputs arrive as options.
	Component Handler
}

// Command is a slash command: its name and description and its routes. The list of commands is
// data handed to the router by main.
type Command struct {
	Name        string
	Description string
	// DefaultMemberPermissions hides the command in Discord's client from members without
	// these permissions; the router checks access itself whatever Discord shows.
	DefaultMemberPermissions *int64
	// Routes are the subcommands, or one route named "" for a command without subcommands.
	Routes []Route
	// Type is the kind of application command: a slash command when zero, or
	// discordgo.MessageApplicationCommand for a command on a message's menu ("Draft records"),
	// which has one route, no options and no description. Its Name is what the menu shows, and
	// Description then names the catalog key of that name in the other languages.
	Type discordgo.ApplicationCommandType
}

// Message reports whether the command is on a message's menu rather than a slash command.
func (c *Command) Message() bool { return c.Type == discordgo.MessageApplicationCommand }

// Flat reports whether the command has no subcommands (its one route is named "").
func (c *Command) Flat() bool { return len(c.Routes) == 1 && c.Routes[0].Name == "" }

// Definition is the command as Discord registers it, derived from the routes. A description
// says who may use a route that is not everyone's, so that Discord's command picker tells
// members before they try. Descriptions are catalog keys ("desc.arrival.log"): the definition
// carries the English text and, under description_localizations, each other language's (names
// stay English, so that a mixed team types the same commands). A description that is no key
// is used as it is in every language. The routes' options are copied, never changed: the
// router and the console read them too.
func (c *Command) Definition() *discordgo.ApplicationCommand {
	def := &discordgo.ApplicationCommand{Name: c.Name, DefaultMemberPermissions: c.DefaultMemberPermissions}
	if c.Message() {
		// Discord refuses a description or options on a message command (type 3).
		def.Type = discordgo.MessageApplicationCommand
		names := map[locale.Lang]string{}
		for _, l := range locale.Languages() {
			names[l] = locale.T(l, c.Description)
		}
		def.NameLocalizations = ptrTo(localizations(names))
		return def
	}
	if c.Flat() {
		r := c.Routes[0]
		desc := describe(c.Description, r.Access)
		def.Description, def.DescriptionLocalizations = desc[locale.English], ptrTo(localizations(desc))
		def.Options = localizeOptions(r.Options)
		return def
	}
	desc := describe(c.Description, Everyone)
	def.Description, def.DescriptionLocalizations = desc[locale.English], ptrTo(localizations(desc))
	for _, r := range c.Routes {
		d := describe(r.Description, r.Access)
		def.Options = append(def.Options, &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: r.Name, Description: d[locale.English],
			DescriptionLocalizations: localizations(d), Options: localizeOptions(r.Options)})
	}
	return def
}

// Describe is a route's description in lang, with its access marker: what /help and the
// console show.
func Describe(lang locale.Lang, key string, a Access) string {
	s := locale.T(lang, key)
	if n := a.Note(lang); n != "" {
		s += " " + n
	}
	return s
}

// describe is a description in every language.
func describe(key string, a Access) map[locale.Lang]string {
	out := map[locale.Lang]string{}
	for _, l := range locale.Languages() {
		out[l] = Describe(l, key, a)
	}
	return out
}

// localizations keys a text in every language by the Discord locales of its readers.
func localizations(text map[locale.Lang]string) map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, l := range locale.Languages() {
		for _, dl := range l.DiscordLocales() {
			out[discordgo.Locale(dl)] = text[l]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// localizeOptions copies options with their descriptions written out in every language and
// their choices' names localized from "choice.<option>.<value>" keys; a choice without a key
// keeps its name everywhere.
func localizeOptions(opts []*discordgo.ApplicationCommandOption) []*discordgo.ApplicationCommandOption {
	if opts == nil {
		return nil
	}
	out := make([]*discordgo.ApplicationCommandOption, len(opts))
	for i, o := range opts {
		c := *o
		d := describe(o.Description, Everyone)
		c.Description, c.DescriptionLocalizations = d[locale.English], localizations(d)
		c.Options = localizeOptions(o.Options)
		if o.Choices != nil {
			c.Choices = make([]*discordgo.ApplicationCommandOptionChoice, len(o.Choices))
			for j, ch := range o.Choices {
				cc := *ch
				key := ChoiceKey(o.Name, fmt.Sprint(ch.Value))
				if locale.T(locale.English, key) != key {
					names := map[locale.Lang]string{}
					for _, l := range locale.Languages() {
						names[l] = locale.T(l, key)
					}
					cc.Name, cc.NameLocalizations = names[locale.English], localizations(names)
				}
				c.Choices[j] = &cc
			}
		}
		out[i] = &c
	}
	return out
}

// ChoiceKey is the catalog key of a choice's name: "choice.role.military".
func ChoiceKey(option, value string) string { return locale.ChoiceKey(option, value) }

// Note is the access marker of a route in lang, for its description and /help:
// "(moderators)", "(admins)", or nothing for everyone.
func (a Access) Note(lang locale.Lang) string {
	switch a {
	case Moderator:
		return locale.T(lang, "desc.access.moderators")
	case Admin:
		return locale.T(lang, "desc.access.admins")
	}
	return ""
}

// RouteKey names a route: "forces", "arrival log". Logs, metrics, component IDs and the
// router's table use it.
func RouteKey(command, sub string) string {
	if sub == "" {
		return command
	}
	return command + " " + sub
}

// ComponentID is the custom_id of a button of the route key: the key, ":", then state the
// route's Component handler reads back from req.CustomID.
func ComponentID(key, state string) string { return key + ":" + state }

// validate checks what Discord and the router rely on: names, a handler and a declared access
// on every route.
func (c *Command) validate() error {
	if c.Name == "" || len(c.Routes) == 0 {
		return fmt.Errorf("command %q: a name and at least one route are needed", c.Name)
	}
	if c.Message() && (!c.Flat() || len(c.Routes[0].Options) > 0 || c.Routes[0].Component != nil) {
		// A message command has no options, and its buttons' custom_id could not name it (its
		// name has spaces): its buttons belong to a slash command's route.
		return fmt.Errorf("message command %q: one unnamed route, without options or buttons", c.Name)
	}
	for _, r := range c.Routes {
		key := RouteKey(c.Name, r.Name)
		switch {
		case r.Name == "" && len(c.Routes) > 1:
			return fmt.Errorf("route %q: a command with subcommands has no unnamed route", key)
		case r.Access < Everyone || r.Access > Admin:
			return fmt.Errorf("route %q: no access declared", key)
		case r.Run == nil:
			return fmt.Errorf("route %q: no handler", key)
		}
	}
	return nil
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
	// Route is the key of the invoked route ("arrival log").
	Route string
	// Options are the options of the invoked subcommand by name.
	Options map[string]*discordgo.ApplicationCommandInteractionDataOption
	// Focused names the option being autocompleted.
	Focused string
	// CustomID is the clicked button's or submitted form's custom_id, without the route key
	// prefix.
	CustomID string
	// Form is a submitted form's text inputs by custom_id, each checked as any typed text is.
	Form map[string]string
	// Access is what the caller may do in this guild.
	Access Access
	// Lang is the language of the answer: the caller's Discord locale when Liaison speaks it,
	// else the server's language, else English.
	Lang locale.Lang
	// AttachmentLimit is the largest file the answer may attach, in bytes: the interaction's
	// attachment_size_limit re-checked (see AttachmentLimit), AttachmentFloor when it had none.
	AttachmentLimit int64
	// Acknowledged is set when its moderator pressed Go ahead on a change held as a likely
	// mistake: the handler skips that check, and only that one; every other check runs again.
	Acknowledged bool
}

// Actor is the request's author as storage records it, with the command path for the audit
// and the interaction's ID, which storage records with the change so that the same interaction
// sent again changes nothing.
func (r *Request) Actor() storage.Actor {
	name, id := "", ""
	if r.Interaction != nil {
		id = r.Interaction.ID
		switch r.Interaction.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
			// A post's button or form runs its route's change: the audit names the route.
			name = "/" + r.Route
		}
	}
	return storage.Actor{GuildID: r.GuildID, UserID: r.UserID, Command: name, InteractionID: id}
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
// float64, the console as float64 too; a string ("75 soldiers") is refused, since Discord's
// client never sends one and a forged body must not be read leniently.
func (r *Request) Int(name string) (int64, bool, error) {
	o, ok := r.Options[name]
	if !ok || o == nil {
		return 0, false, nil
	}
	bad := mission.Refuse(mission.EInvalid, "error.whole_number", "Option", name).WithExample("error.whole_number.example", "Option", name)
	switch v := o.Value.(type) {
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, true, bad
		}
		return int64(v), true, nil
	case int64:
		return v, true, nil
	case int:
		return int64(v), true, nil
	}
	return 0, true, bad
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
	// Update edits the message a clicked button (or the form it opened) belongs to instead of
	// posting a new one.
	Update bool
	// Form, when set, answers a button by opening this form; the rest of the reply is unused.
	Form *Form
}
