package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// heldAction is what a button of a held change does; its custom_id is
// "<route key>:<action>:<token>", with ":<role>" after a role's button.
type heldAction string

const (
	// heldGo stores a change held as a likely mistake.
	heldGo heldAction = "go"
	// heldRole stores a change whose role was left out, with the role of the button.
	heldRole heldAction = "role"
	// heldDrop drops the held change: nothing is stored.
	heldDrop heldAction = "drop"
)

// Farthest landing from the ETA that is taken as it is; farther, it is held as a likely mistake
// (a landing entered on the wrong flight, or a day off).
const landingFromETA = 12 * time.Hour

// holdable gives a route that can hold its change the Component handler of its buttons. A
// route with buttons of its own (a flight post's Landed) keeps them: a held change's button is
// told apart by its action.
func holdable(d Deps, r bot.Route) bot.Route {
	own, held := r.Component, answerHeld(d, r.Run)
	r.Component = func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		if own != nil && !heldButton(req.CustomID) {
			return own(ctx, req)
		}
		return held(ctx, req)
	}
	return r
}

// heldButton reports whether a button's state is a held change's ("go:…", "role:…", "drop:…").
func heldButton(state string) bool {
	action, _, _ := strings.Cut(state, ":")
	switch heldAction(action) {
	case heldGo, heldRole, heldDrop:
		return true
	}
	return false
}

// settleRole fills a left-out role with the country's only role on record. When the country has
// none or several, the change is held and the returned reply asks, one button per role.
func settleRole(ctx context.Context, d Deps, req *bot.Request, country string, role *mission.Role) (*bot.Reply, error) {
	r, err := d.Store.ResolveRole(ctx, req.GuildID, country, *role)
	var q *storage.RoleQuestion
	if errors.As(err, &q) {
		return askRole(ctx, d, req, q, asGiven(req))
	}
	if err != nil {
		return nil, err
	}
	*role = r
	return nil, nil
}

// askRole holds the change as and asks which role it is: the question in the reader's language
// and a button per role the country could mean.
func askRole(ctx context.Context, d Deps, req *bot.Request, q *storage.RoleQuestion, as asked) (*bot.Reply, error) {
	lang := langOf(req)
	h, err := hold(ctx, d, req, as)
	if err != nil {
		return nil, err
	}
	var buttons []discordgo.MessageComponent
	for _, r := range q.Choices {
		buttons = append(buttons, discordgo.Button{Label: roleText(lang, r, 2), Style: discordgo.PrimaryButton,
			CustomID: heldID(h, heldRole, string(r))})
	}
	buttons = append(buttons, dropButton(lang, h))
	text := "❓ " + locale.Error(lang, q) + "\n" + locale.T(lang, "held.choose_hint", "User", user(lang, req.UserID),
		"When", discordtext.Timestamp(h.ExpiresAt, "R"))
	return &bot.Reply{Content: text, Ephemeral: true, Components: rows(buttons)}, nil
}

// heldMistake holds a change that looks like a mistake, as the route and options of as: why (a
// sentence of the catalog, naming what it matched) and the Go ahead and Cancel buttons.
func heldMistake(ctx context.Context, d Deps, req *bot.Request, as asked, why string) (*bot.Reply, error) {
	lang := langOf(req)
	h, err := hold(ctx, d, req, as)
	if err != nil {
		return nil, err
	}
	text := "⚠️ " + why + "\n" + locale.T(lang, "held.go_hint", "User", user(lang, req.UserID),
		"When", discordtext.Timestamp(h.ExpiresAt, "R"))
	return &bot.Reply{Content: text, Ephemeral: true, Components: rows([]discordgo.MessageComponent{
		discordgo.Button{Label: locale.T(lang, "held.go"), Style: discordgo.DangerButton, CustomID: heldID(h, heldGo, "")},
		dropButton(lang, h),
	})}, nil
}

// matchesText names the records a change matched: "#12, logged by @user <t:…:f>", one after
// the other.
func matchesText(lang locale.Lang, ms []storage.Match) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		if m.FlightID != nil {
			parts[i] = locale.T(lang, "held.match_flight", "ID", m.ID, "Flight", *m.FlightID, "User", user(lang, m.LoggedBy), "When", shortStamp(m.At))
			continue
		}
		parts[i] = locale.T(lang, "held.match", "ID", m.ID, "User", user(lang, m.LoggedBy), "When", shortStamp(m.At))
	}
	return strings.Join(parts, locale.T(lang, "render.list_separator"))
}

// checkRepeat holds an arrival or a departure that repeats one logged less than a day from it,
// unless its moderator has acknowledged it; nil, nil when it may be stored.
func checkRepeat(ctx context.Context, d Deps, req *bot.Request, rec any, key string) (*bot.Reply, error) {
	if req.Acknowledged {
		return nil, nil
	}
	ms, err := d.Store.Matches(ctx, req.GuildID, rec)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return heldMistake(ctx, d, req, asGiven(req), locale.T(langOf(req), key, "Matches", matchesText(langOf(req), ms)))
}

func dropButton(lang locale.Lang, h storage.HeldChange) discordgo.Button {
	return discordgo.Button{Label: locale.T(lang, "held.drop"), Style: discordgo.SecondaryButton, CustomID: heldID(h, heldDrop, "")}
}

// rows lays buttons out five to an action row, as Discord allows.
func rows(buttons []discordgo.MessageComponent) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for len(buttons) > 0 {
		n := min(5, len(buttons))
		out = append(out, discordgo.ActionsRow{Components: buttons[:n]})
		buttons = buttons[n:]
	}
	return out
}

// heldID is the custom_id of a held change's button, on the route that runs the change.
func heldID(h storage.HeldChange, action heldAction, value string) string {
	state := string(action) + ":" + h.Token
	if value != "" {
		state += ":" + value
	}
	return bot.ComponentID(h.Route, state)
}

// asked is a change as its buttons run it again: the route and its options by name.
type asked struct {
	route string
	opts  map[string]any
}

// asGiven is the request's own route and options, as the moderator gave them.
func asGiven(req *bot.Request) asked {
	opts := make(map[string]any, len(req.Options))
	for name, o := range req.Options {
		opts[name] = o.Value
	}
	return asked{route: req.Route, opts: opts}
}

// hold stores the change as, made by the request's author, for its buttons.
func hold(ctx context.Context, d Deps, req *bot.Request, as asked) (storage.HeldChange, error) {
	body, err := json.Marshal(as.opts)
	if err != nil {
		return storage.HeldChange{}, fmt.Errorf("hold %s: %w", as.route, err)
	}
	return d.Store.HoldChange(ctx, req.Actor(), storage.HeldChange{Token: storage.NewPreviewToken(), Route: as.route, Options: string(body)})
}

// errNotHolder refuses a held change's buttons to anyone but the moderator who made it.
func errNotHolder(lang locale.Lang, holder string) error {
	return mission.Refuse(mission.EDenied, "held.not_yours", "User", user(lang, holder)).WithHint("held.not_yours.example")
}

// answerHeld answers the buttons of a held change of the route run answers. The router has
// checked the route's access; only the moderator who made the change may go on. The change is
// claimed before it runs, so that of two presses (on any instance) one stores it and the other
// is told it is done; it then runs with the options first given, every check included but the
// one the button answers.
func answerHeld(d Deps, run bot.Handler) bot.Handler {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		lang := langOf(req)
		parts := strings.SplitN(req.CustomID, ":", 3)
		if len(parts) < 2 || parts[1] == "" || len(parts[1]) > 64 {
			return nil, errUnknownButton
		}
		action, token := heldAction(parts[0]), parts[1]
		var chosen mission.Role
		switch action {
		case heldGo, heldDrop:
		case heldRole:
			if len(parts) < 3 || !mission.Role(parts[2]).Valid() {
				return nil, errUnknownButton
			}
			chosen = mission.Role(parts[2])
		default:
			return nil, errUnknownButton
		}
		h, err := d.Store.HeldChange(ctx, req.GuildID, token)
		if err != nil {
			return nil, err
		}
		if h.Route != req.Route {
			return nil, errUnknownButton
		}
		if h.UserID != req.UserID {
			return nil, errNotHolder(lang, h.UserID)
		}
		if err := d.Store.ClaimHeld(ctx, req.GuildID, token); err != nil {
			return nil, err
		}
		if action == heldDrop {
			return &bot.Reply{Update: true, Content: "🗑️ " + locale.T(lang, "held.dropped", "User", user(lang, req.UserID))}, nil
		}
		var opts map[string]any
		if err := json.Unmarshal([]byte(h.Options), &opts); err != nil {
			return nil, fmt.Errorf("read held change: %w", err)
		}
		if chosen != "" {
			if err := choose(opts, chosen); err != nil {
				return nil, err
			}
		}
		resumed := *req
		resumed.Options = make(map[string]*discordgo.ApplicationCommandInteractionDataOption, len(opts))
		for name, v := range opts {
			resumed.Options[name] = &discordgo.ApplicationCommandInteractionDataOption{Name: name, Value: v}
		}
		resumed.Acknowledged = action == heldGo
		return run(ctx, &resumed)
	}
}

// manifestEntry is the key a held /flight schedule keeps beside its options when the role of
// one manifest entry is asked: the entry's position, 1-based. It is no Discord option.
const manifestEntry = "manifest_entry"

// choose puts the role a button chose into a held change's options: the role option, or the
// asked entry of the manifest, which is written again with each entry's role.
func choose(opts map[string]any, r mission.Role) error {
	entry, ok := opts[manifestEntry].(float64)
	if !ok {
		opts["role"] = string(r)
		return nil
	}
	delete(opts, manifestEntry)
	text, _ := opts["manifest"].(string)
	lines, err := mission.ParseManifest(text)
	if err != nil || entry < 1 || int(entry) > len(lines) {
		return errUnknownButton
	}
	lines[int(entry)-1].Role = r
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.String()
	}
	opts["manifest"] = strings.Join(parts, "; ")
	return nil
}

// errUnknownButton refuses a custom_id no held change's button has (a forged one).
var errUnknownButton = mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
