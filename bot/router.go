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

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Responder sends the answers of one interaction back through the door it came in by.
type Responder interface {
	// Respond sends the first answer (at most once).
	Respond(ctx context.Context, resp *discordgo.InteractionResponse) error
	// Edit replaces the original answer, after a deferred first answer.
	Edit(ctx context.Context, edit *discordgo.WebhookEdit) error
	// FollowUp sends another message after the first answer (an ephemeral one, for an error
	// that comes after a public deferral).
	FollowUp(ctx context.Context, msg *discordgo.WebhookParams) error
	// Delete removes the original answer (the public "thinking…" an ephemeral error replaces).
	Delete(ctx context.Context) error
}

// GuildSource loads a guild's settings; *storage.Store is one.
type GuildSource interface {
	Guild(ctx context.Context, guildID string) (storage.Guild, error)
}

// languageAdopter is a GuildSource that can take a server's Discord language as the language
// of its posts until an admin chooses one; *storage.Store is one.
type languageAdopter interface {
	AdoptLanguage(ctx context.Context, guildID, lang string) error
}

// adoptLanguage gives a server that has not chosen the language of its posts the one its
// Discord settings name (guild_locale), when Liaison speaks it.
func (r *Router) adoptLanguage(ctx context.Context, i *discordgo.Interaction, g storage.Guild) storage.Guild {
	if g.Language != "" || i.GuildLocale == nil {
		return g
	}
	l, ok := locale.FromDiscord(string(*i.GuildLocale))
	if !ok {
		return g
	}
	if a, ok := r.Guilds.(languageAdopter); ok {
		if err := a.AdoptLanguage(ctx, g.ID, string(l)); err != nil {
			r.Log.Warn("server language not adopted", "guild", g.ID, "err", err)
			return g
		}
	}
	g.Language = string(l)
	return g
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

	commands map[string]*Command // by name
	routes   map[string]*Route   // by RouteKey
	order    []*Command
	inflight sync.WaitGroup
}

// Router defaults.
const (
	// DefaultDeferAfter leaves a second of Discord's 3 s to deliver the deferral itself.
	DefaultDeferAfter = 2 * time.Second
	// DefaultHandlerTimeout stays inside the 15 minutes an interaction token lives.
	DefaultHandlerTimeout = 10 * time.Minute
)

// NewRouter builds a router over the given commands. It refuses a command Discord would reject
// or a route without a handler or a declared access, so that such a mistake stops the start
// instead of opening a route to everyone.
func NewRouter(log *slog.Logger, guilds GuildSource, cmds []*Command) (*Router, error) {
	r := &Router{Log: log, Guilds: guilds, Now: time.Now, DeferAfter: DefaultDeferAfter,
		HandlerTimeout: DefaultHandlerTimeout, commands: map[string]*Command{}, routes: map[string]*Route{}}
	for _, c := range cmds {
		if err := c.validate(); err != nil {
			return nil, err
		}
		if _, dup := r.commands[c.Name]; dup {
			return nil, fmt.Errorf("command %q: declared twice", c.Name)
		}
		r.commands[c.Name] = c
		r.order = append(r.order, c)
		for i := range c.Routes {
			r.routes[RouteKey(c.Name, c.Routes[i].Name)] = &c.Routes[i]
		}
	}
	return r, nil
}

// Commands returns the commands in registration order.
func (r *Router) Commands() []*Command { return r.order }

// Definitions returns the application commands to register with Discord.
func (r *Router) Definitions() []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(r.order))
	for _, c := range r.order {
		out = append(out, c.Definition())
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
	// OutcomeReplayed: the interaction had already made its change and made none this time.
	OutcomeReplayed = "replayed"
)

type result struct {
	lang    locale.Lang // of the answer: the reader's, once the guild is known
	reply   *Reply
	choices []*discordgo.ApplicationCommandOptionChoice
	err     error
}

// Handle answers one interaction through out. It never panics and always answers: within
// DeferAfter inline, or with a deferral followed by an edit.
//
// It is where the doors' panics are recovered, all of them: the gateway's goroutines (which
// discordgo starts without a recover), the HTTP endpoint's and the console's loop call Handle
// and recover nothing themselves. A panic in a handler becomes the handler's error (see run); a
// panic of Handle's own work — routing a malformed interaction, encoding an answer, a
// responder — is answered here (see recovered). Either way the user gets "Something went wrong
// (ref …)" in their language, the panic is logged once with that reference, and the bot goes on.
func (r *Router) Handle(ctx context.Context, i *discordgo.Interaction, out Responder) {
	r.inflight.Add(1)
	defer r.inflight.Done()
	start := time.Now()
	st := handling{name: "unknown", lang: locale.Pick(string(i.Locale), "")}
	defer func() {
		if p := recover(); p != nil {
			r.recovered(ctx, i, out, &st, start, p)
		}
	}()
	if i.Type == discordgo.InteractionPing {
		_ = out.Respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	st.name = interactionName(i)
	// The handler's work must outlive an HTTP request that is answered with a deferral.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.HandlerTimeout)
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- r.run(hctx, i) }()

	timer := time.NewTimer(r.DeferAfter)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		st.deferred = true
		if err := out.Respond(ctx, deferral(i)); err != nil {
			r.Log.Warn("defer failed", "command", st.name, "err", err)
		}
		res = <-done
	}
	st.lang = res.lang
	outcome := r.answer(ctx, i, st.name, res, st.deferred, out)
	st.answered = true
	if r.Observe != nil {
		r.Observe(st.name, outcome, time.Since(start))
	}
}

// handling is how far Handle has gone with an interaction: what its recovery needs to answer a
// panic as the interaction stands.
type handling struct {
	name     string      // for logs and metrics
	lang     locale.Lang // of the answer: the reader's, and the server's once the handler ran
	deferred bool        // the first answer was a deferral
	answered bool        // the final answer has gone out
}

// recovered answers a panic of Handle's own work: through the one place that turns errors into
// replies, as a deferral's follow-up when the interaction was deferred. After the final answer
// it is only logged. An answer to the panic that panics in turn (a responder broken for good) is
// logged, and the bot still goes on.
func (r *Router) recovered(ctx context.Context, i *discordgo.Interaction, out Responder, st *handling, start time.Time, p any) {
	err := panicked(p)
	if st.answered {
		r.errorReply(st.name, st.lang, err) // logs it with a reference; the user has their answer
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.Log.Error("the answer to a panic panicked", "command", st.name, "panic", p, "first", err)
		}
	}()
	outcome := r.answer(ctx, i, st.name, result{lang: st.lang, err: err}, st.deferred, out)
	if r.Observe != nil {
		r.Observe(st.name, outcome, time.Since(start))
	}
}

// panicked is a recovered panic as an error, with the stack it was raised on; the router
// answers and logs it as any other internal error.
func panicked(p any) error {
	return fmt.Errorf("panic: %v\n%s", p, debug.Stack())
}

// deferral is the "thinking…" answer that buys 15 minutes.
func deferral(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch {
	case fromMessage(i):
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	case i.Type == discordgo.InteractionApplicationCommandAutocomplete:
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
		reply, outcome = r.errorReply(name, res.lang, res.err)
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
		reply = &Reply{Content: locale.T(res.lang, "reply.done")}
	}
	if reply.Form != nil {
		// A form opens only as the first answer to a button: Discord allows no modal after a
		// deferral, nor in answer to a form. Past those, the presser is asked to press again.
		if !deferred && i.Type == discordgo.InteractionMessageComponent {
			r.logSendError(name, out.Respond(ctx, formResponse(reply.Form)))
			return outcome
		}
		reply, outcome = r.errorReply(name, res.lang, errFormLate)
	}
	Fit(reply)
	if deferred {
		r.logSendError(name, r.afterDeferral(ctx, i, reply, out))
		return outcome
	}
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if reply.Update && fromMessage(i) {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	err := out.Respond(ctx, &discordgo.InteractionResponse{Type: typ, Data: MessageData(reply)})
	r.logSendError(name, err)
	return outcome
}

// afterDeferral delivers the reply after a deferral. The deferral is public (a command's
// "thinking…") or invisible (a button's deferred update), so an ephemeral reply — an error —
// cannot replace it: it goes as an ephemeral follow-up, the public placeholder is deleted, and
// a button's public list is left as it was.
func (r *Router) afterDeferral(ctx context.Context, i *discordgo.Interaction, reply *Reply, out Responder) error {
	if !reply.Ephemeral {
		return out.Edit(ctx, editOf(reply))
	}
	if err := out.FollowUp(ctx, followUpOf(reply)); err != nil {
		return err
	}
	if fromMessage(i) {
		return nil
	}
	return out.Delete(ctx)
}

func (r *Router) logSendError(name string, err error) {
	if err != nil {
		r.Log.Warn("answer not delivered", "command", name, "err", err)
	}
}

// errorReply is the one place that turns errors into replies. An error of a user's kind
// (invalid input, a missing record, a forbidden state change, a refusal, a replayed request) is
// shown in the reader's language, with its example; anything else is logged once, with a
// reference the user can quote.
func (r *Router) errorReply(name string, lang locale.Lang, err error) (*Reply, string) {
	var me *mission.Error
	if errors.As(err, &me) {
		switch me.Kind {
		case mission.EDenied:
			return &Reply{Content: "⛔ " + locale.Error(lang, me), Ephemeral: true}, OutcomeDenied
		case mission.EInvalid, mission.ENotFound, mission.EConflict:
			if me.Cause != nil {
				// A library's reason (cron's, HTTP's) is English: the reader got ours, the log keeps it.
				r.Log.Info("refused", "command", name, "cause", me.Cause)
			}
			return &Reply{Content: "❌ " + locale.Error(lang, me), Ephemeral: true}, OutcomeUserError
		case mission.EReplayed:
			// Not an error of the user's: the first delivery did what they asked.
			return &Reply{Content: "ℹ️ " + locale.Error(lang, me), Ephemeral: true}, OutcomeReplayed
		}
	}
	ref := newRef()
	r.Log.Error("command failed", "ref", ref, "command", name, "err", err)
	return &Reply{Content: locale.T(lang, "error.internal", "Ref", ref), Ephemeral: true}, OutcomeError
}

// Refusals the router gives before any handler runs.
var (
	errDirectMessage = mission.Refuse(mission.EDenied, "error.direct_message")
	errUnknownRoute  = mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
	errFormLate      = mission.Refuse(mission.EConflict, "error.form_late").WithHint("error.form_late.example")
)

// run finds the route, checks access and calls the handler. It runs in a goroutine of its own,
// beyond the reach of Handle's recover, so a panic here is recovered here, into the handler's
// error, which Handle answers like any other.
func (r *Router) run(ctx context.Context, i *discordgo.Interaction) (res result) {
	// Until the server's language is known, the reader's own (or English) answers.
	req := &Request{Interaction: i, GuildID: i.GuildID, UserID: userID(i), Now: r.Now(), Lang: locale.Pick(string(i.Locale), ""),
		AttachmentLimit: attachmentLimitFrom(ctx)}
	defer func() {
		if p := recover(); p != nil {
			res = result{err: panicked(p)}
		}
		res.lang = req.Lang
	}()
	if i.GuildID == "" {
		return result{err: errDirectMessage}
	}
	if err := checkMember(i.Member); err != nil {
		return result{err: err}
	}
	route, err := r.resolve(i, req)
	if err != nil {
		return result{err: err}
	}
	g, err := r.Guilds.Guild(ctx, i.GuildID)
	if err != nil {
		return result{err: fmt.Errorf("load guild settings: %w", err)}
	}
	req.Guild = r.adoptLanguage(ctx, i, g)
	req.Lang = locale.Pick(string(i.Locale), locale.Lang(req.Guild.Language))
	req.Access = accessOf(i.Member, g)
	// One check for commands, autocomplete and buttons alike: a button of a moderators' list
	// can be clicked by anyone who sees the message.
	if req.Access < route.Access {
		return result{err: Deny(route.Access, "/"+req.Route)}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		if route.Autocomplete == nil {
			return result{}
		}
		choices, err := route.Autocomplete(ctx, req)
		return result{choices: choices, err: err}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		if route.Component == nil {
			return result{err: errUnknownRoute}
		}
		reply, err := route.Component(ctx, req)
		return result{reply: reply, err: err}
	}
	reply, err := route.Run(ctx, req)
	return result{reply: reply, err: err}
}

// resolve finds the interaction's route and fills the request's route, subcommand, options and
// button state. An interaction for a route this version does not have (a stale registration,
// a forged body) is the user's error, not an internal one.
func (r *Router) resolve(i *discordgo.Interaction, req *Request) (*Route, error) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		data := i.ApplicationCommandData()
		var err error
		req.Sub, req.Options, req.Focused, err = flatten(data.Options)
		if err != nil {
			return nil, err
		}
		req.Route = RouteKey(data.Name, req.Sub)
	case discordgo.InteractionMessageComponent:
		key, rest, ok := strings.Cut(i.MessageComponentData().CustomID, ":")
		if !ok {
			return nil, errUnknownRoute
		}
		req.Route, req.CustomID = key, rest
		_, req.Sub, _ = strings.Cut(key, " ")
	case discordgo.InteractionModalSubmit:
		data := i.ModalSubmitData()
		key, rest, ok := strings.Cut(data.CustomID, ":")
		if !ok {
			return nil, errUnknownRoute
		}
		req.Route, req.CustomID = key, rest
		_, req.Sub, _ = strings.Cut(key, " ")
		var err error
		if _, req.Options, _, err = flatten(formOptions(data.Components)); err != nil {
			return nil, err
		}
	default:
		return nil, errUnknownRoute
	}
	route := r.routes[req.Route]
	if route == nil {
		return nil, errUnknownRoute
	}
	return route, nil
}

// Deny is the refusal of a route to a caller without the access it needs.
func Deny(need Access, what string) error {
	if need == Admin {
		return mission.Refuse(mission.EDenied, "error.denied.admins", "Route", what).WithHint("error.denied.admins.example")
	}
	return mission.Refuse(mission.EDenied, "error.denied.moderators", "Route", what).WithHint("error.denied.moderators.example")
}

// checkMember refuses a guild interaction whose member Discord would never send: none, one
// without a user, or permission bits that are not an unsigned 64-bit set (discordgo reads them
// into an int64, where "-1" would set every bit, Manage Server included).
func checkMember(m *discordgo.Member) error {
	switch {
	case m == nil || m.User == nil || m.User.ID == "":
		return mission.Refuse(mission.EInvalid, "error.no_member").WithHint("error.no_member.example")
	case m.Permissions < 0:
		return mission.Refuse(mission.EInvalid, "error.bad_permissions").WithHint("error.bad_permissions.example")
	}
	return nil
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

// flatten descends into the invoked subcommand and returns its name, its options by name and
// the focused option's name. A null option, or an option named twice, cannot come from
// Discord's client and is refused.
func flatten(opts []*discordgo.ApplicationCommandInteractionDataOption) (string, map[string]*discordgo.ApplicationCommandInteractionDataOption, string, error) {
	sub := ""
	if len(opts) == 1 && opts[0] != nil && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
		sub = opts[0].Name
		opts = opts[0].Options
	}
	m := make(map[string]*discordgo.ApplicationCommandInteractionDataOption, len(opts))
	focused := ""
	for _, o := range opts {
		if o == nil || o.Value == nil {
			return "", nil, "", mission.Refuse(mission.EInvalid, "error.null_option").WithExample("error.null_option.example")
		}
		if _, dup := m[o.Name]; dup {
			return "", nil, "", mission.Refuse(mission.EInvalid, "error.option_twice", "Option", o.Name).WithExample("error.null_option.example")
		}
		// Every text, whatever the option, is checked once here; single-line options refuse
		// line breaks where they are read (commands' text).
		if s, ok := o.Value.(string); ok {
			if err := mission.CheckText(s, true); err != nil {
				return "", nil, "", mission.Refuse(mission.EInvalid, "error.option_text", "Option", o.Name, "Reason", mission.TextOf(err)).
					WithHint("error.option_text.example")
			}
		}
		m[o.Name] = o
		if o.Focused {
			focused = o.Name
		}
	}
	return sub, m, focused, nil
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
		key, _, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
		name, _, _ := strings.Cut(key, " ")
		return name
	case discordgo.InteractionModalSubmit:
		key, _, _ := strings.Cut(i.ModalSubmitData().CustomID, ":")
		name, _, _ := strings.Cut(key, " ")
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
