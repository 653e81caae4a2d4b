package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/storage"
)

// Responder sends the answers of one interaction back through the door it came in by.
type Responder interface {
	// Respond sends the first answer (at most once).
	Respond(ctx context.Context, resp *discordgo.InteractionResponse) error
	// Edit replaces the original answer, after a deferred first answer.
	Edit(ctx context.Context, edit *discordgo.WebhookEdit) error
}

// GuildSource loads a guild's settings; *storage.Store is one.
type GuildSource interface {
	Guild(ctx context.Context, guildID string) (storage.Guild, error)
}

// Router sends every interaction, whichever door it came in by, to its command and turns the
// outcome into Discord's answer.
type Router struct {
	Log    *slog.Logger
	Guilds GuildSource
	// Now is the clock; tests fix it.
	Now func() time.Time
	// DeferAfter is how long a handler may run before the router defers the answer. Discord
	// drops an interaction not answered within 3 seconds, so the default is 2 s.
	DeferAfter time.Duration
	// HandlerTimeout bounds a handler's work after deferral (15 min is Discord's token life).
	HandlerTimeout time.Duration
	// Observe, when set, is told each interaction's command, outcome and duration (metrics).
	Observe func(command, outcome string, took time.Duration)

	commands map[string]*Command
	order    []*Command
	inflight sync.WaitGroup
}

// NewRouter builds a router over the given commands.
func NewRouter(log *slog.Logger, guilds GuildSource, cmds []*Command) *Router {
	r := &Router{Log: log, Guilds: guilds, Now: time.Now, DeferAfter: 2 * time.Second,
		HandlerTimeout: 10 * time.Minute, commands: map[string]*Command{}}
	for _, c := range cmds {
		r.commands[c.Name()] = c
		r.order = append(r.order, c)
	}
	return r
}

// Commands returns the commands in registration order.
func (r *Router) Commands() []*Command { return r.order }

// Definitions returns the application commands to register with Discord.
func (r *Router) Definitions() []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(r.order))
	for _, c := range r.order {
		out = append(out, c.Definition)
	}
	return out
}

// Wait blocks until every interaction being handled has been answered; shutdown uses it.
func (r *Router) Wait() { r.inflight.Wait() }

// Outcomes reported to Observe.
const (
	OutcomeOK        = "ok"
	OutcomeUserError = "user_error"
	OutcomeError     = "error"
	OutcomeDenied    = "denied"
)

type result struct {
	reply   *Reply
	choices []*discordgo.ApplicationCommandOptionChoice
	err     error
}

// Handle answers one interaction through out. It never panics and always answers: within
// DeferAfter inline, or with a deferral followed by an edit.
func (r *Router) Handle(ctx context.Context, i *discordgo.Interaction, out Responder) {
	r.inflight.Add(1)
	defer r.inflight.Done()
	start := time.Now()
	if i.Type == discordgo.InteractionPing {
		_ = out.Respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	name := interactionName(i)
	// The handler's work must outlive an HTTP request that is answered with a deferral.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.HandlerTimeout)
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- r.run(hctx, i) }()

	timer := time.NewTimer(r.DeferAfter)
	defer timer.Stop()
	var res result
	deferred := false
	select {
	case res = <-done:
	case <-timer.C:
		deferred = true
		if err := out.Respond(ctx, deferral(i)); err != nil {
			r.Log.Warn("defer failed", "command", name, "err", err)
		}
		res = <-done
	}
	outcome := r.answer(ctx, i, name, res, deferred, out)
	if r.Observe != nil {
		r.Observe(name, outcome, time.Since(start))
	}
}

// deferral is the "thinking…" answer that buys 15 minutes.
func deferral(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
}

// answer turns a handler's result into Discord's answer and returns the outcome for metrics.
func (r *Router) answer(ctx context.Context, i *discordgo.Interaction, name string, res result, deferred bool, out Responder) string {
	outcome := OutcomeOK
	reply := res.reply
	if res.err != nil {
		reply, outcome = r.errorReply(name, res.err)
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		if deferred {
			return outcome // Discord allows one autocomplete answer; the empty one was sent.
		}
		choices := res.choices
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{}
		}
		err := out.Respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: FitChoices(choices)}})
		r.logSendError(name, err)
		return outcome
	}
	if reply == nil {
		reply = &Reply{Content: "Done."}
	}
	Fit(reply)
	if deferred {
		err := out.Edit(ctx, editOf(reply))
		r.logSendError(name, err)
		return outcome
	}
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if reply.Update && i.Type == discordgo.InteractionMessageComponent {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	err := out.Respond(ctx, &discordgo.InteractionResponse{Type: typ, Data: MessageData(reply)})
	r.logSendError(name, err)
	return outcome
}

func (r *Router) logSendError(name string, err error) {
	if err != nil {
		r.Log.Warn("answer not delivered", "command", name, "err", err)
	}
}

// errorReply is the one place that turns errors into replies. A user error is shown as is; a
// missing record or a forbidden state change is the user's too; anything else is logged once,
// with a reference the user can quote.
func (r *Router) errorReply(name string, err error) (*Reply, string) {
	var ue *UserError
	var se *storage.StateError
	switch {
	case errors.As(err, &ue):
		if ue.Denied {
			return &Reply{Content: "⛔ " + ue.Error(), Ephemeral: true}, OutcomeDenied
		}
		return &Reply{Content: "❌ " + ue.Error(), Ephemeral: true}, OutcomeUserError
	case errors.Is(err, storage.ErrNotFound):
		msg := strings.TrimSuffix(err.Error(), ": "+storage.ErrNotFound.Error())
		return &Reply{Content: "❌ " + msg + " does not exist in this server.\nExample: pick an #ID from the autocomplete list, or find it with /flights status:all, /arrivals or /history",
			Ephemeral: true}, OutcomeUserError
	case errors.As(err, &se):
		return &Reply{Content: "❌ " + (&UserError{Msg: se.Msg + ".", Example: se.Hint}).Error(), Ephemeral: true}, OutcomeUserError
	}
	ref := newRef()
	r.Log.Error("command failed", "ref", ref, "command", name, "err", err)
	return &Reply{Content: fmt.Sprintf("Something went wrong (ref %s). The error is logged; please tell an admin.", ref), Ephemeral: true}, OutcomeError
}

const deniedMsg = "This command works in a server, not in direct messages."

// run finds the command, checks access and calls the handler, recovering a panic.
func (r *Router) run(ctx context.Context, i *discordgo.Interaction) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	if i.GuildID == "" {
		return result{err: &UserError{Msg: deniedMsg, Denied: true}}
	}
	req := &Request{Interaction: i, GuildID: i.GuildID, UserID: userID(i), Now: r.Now()}
	var cmd *Command
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		data := i.ApplicationCommandData()
		cmd = r.commands[data.Name]
		req.Sub, req.Options, req.Focused = flatten(data.Options)
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		name, rest, _ := strings.Cut(id, ":")
		cmd = r.commands[name]
		req.CustomID = rest
	default:
		return result{err: fmt.Errorf("unsupported interaction type %d", i.Type)}
	}
	if cmd == nil {
		return result{err: fmt.Errorf("unknown command %q", interactionName(i))}
	}
	g, err := r.Guilds.Guild(ctx, i.GuildID)
	if err != nil {
		return result{err: fmt.Errorf("load guild settings: %w", err)}
	}
	req.Guild = g
	req.Access = accessOf(i.Member, g)

	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		if cmd.Autocomplete == nil {
			return result{}
		}
		choices, err := cmd.Autocomplete(ctx, req)
		return result{choices: choices, err: err}
	case discordgo.InteractionMessageComponent:
		if cmd.Component == nil {
			return result{err: fmt.Errorf("command %q has no buttons", cmd.Name())}
		}
		reply, err := cmd.Component(ctx, req)
		return result{reply: reply, err: err}
	}
	if need := cmd.access(req.Sub); req.Access < need {
		return result{err: Deny(need, commandPath(cmd.Name(), req.Sub))}
	}
	reply, err := cmd.Run(ctx, req)
	return result{reply: reply, err: err}
}

// Deny is the refusal of a command to a caller without the access it needs. Components (a
// button of a moderators' list) use it too, since any member can click a public message.
func Deny(need Access, what string) error {
	return &UserError{Msg: fmt.Sprintf("Only %s can use %s.", need, what), Example: needHint(need), Denied: true}
}

func needHint(a Access) string {
	if a == Admin {
		return "ask a member with Manage Server"
	}
	return "ask an admin to give you the moderator role (`/settings moderator-role`)"
}

func commandPath(name, sub string) string {
	if sub == "" {
		return "/" + name
	}
	return "/" + name + " " + sub
}

// accessOf derives the caller's access from the interaction payload: Discord's
// default_member_permissions only hides commands, so the bot checks again itself.
func accessOf(m *discordgo.Member, g storage.Guild) Access {
	if m == nil {
		return Everyone
	}
	if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return Admin
	}
	if g.ModeratorRoleID != "" {
		for _, role := range m.Roles {
			if role == g.ModeratorRoleID {
				return Moderator
			}
		}
	}
	return Everyone
}

// flatten descends into the invoked subcommand (and group) and returns its name, its options by
// name and the focused option's name.
func flatten(opts []*discordgo.ApplicationCommandInteractionDataOption) (string, map[string]*discordgo.ApplicationCommandInteractionDataOption, string) {
	sub := ""
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		if sub != "" {
			sub += " "
		}
		sub += opts[0].Name
		opts = opts[0].Options
	}
	m := make(map[string]*discordgo.ApplicationCommandInteractionDataOption, len(opts))
	focused := ""
	for _, o := range opts {
		m[o.Name] = o
		if o.Focused {
			focused = o.Name
		}
	}
	return sub, m, focused
}

func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// interactionName names an interaction for logs and metrics: the command, or the button's command.
func interactionName(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		return i.ApplicationCommandData().Name
	case discordgo.InteractionMessageComponent:
		name, _, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
		return name
	case discordgo.InteractionPing:
		return "ping"
	}
	return "unknown"
}

func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
