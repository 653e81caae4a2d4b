package commands

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// flightChange is a /flight route's work on one flight: what the command runs and its post's
// button runs alike, so that both meet the same checks.
type flightChange func(ctx context.Context, d Deps, req *bot.Request, id int64) (*bot.Reply, error)

// postButton answers the button of action on a flight's reminder post (render.FlightButtons)
// and, for Delay… and Cancel…, the form it opens. The router has checked the presser's access
// as for the command. The press carries only the flight's ID, so it works after a restart and
// on any instance; once the change is made the post is edited (UPDATE_MESSAGE) to say what was
// done, when and by whom, keeping only the buttons that still apply. A press on a flight that
// was landed or cancelled meanwhile (a second press, another moderator's) changes nothing and
// is told, privately, what was done, by whom and when.
func postButton(d Deps, action render.FlightAction, run flightChange) bot.Handler {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		id, ok := render.FlightOfButton(req.CustomID)
		if !ok {
			return nil, mission.Refuse(mission.EInvalid, "error.unknown_route").WithHint("error.unknown_route.example")
		}
		if err := alreadyDone(ctx, d, req, id); err != nil {
			return nil, err
		}
		if form := postForm(req, action, id); form != nil && req.Interaction.Type == discordgo.InteractionMessageComponent {
			return &bot.Reply{Form: form}, nil
		}
		// Two presses at once both pass alreadyDone; the change's own transaction then refuses
		// the second ("has already landed"), so it still acts once. A post is written in the
		// server's language, so the change is told in it too; a refusal stays the presser's
		// (the router words it in the reader's language).
		posted := *req
		if req.Interaction.Message != nil {
			posted.Lang = locale.Pick("", locale.Lang(req.Guild.Language))
		}
		reply, err := run(ctx, d, &posted, id)
		if err != nil {
			return nil, err
		}
		if reply.Ephemeral {
			// Held, not done (a landing far from the ETA): the warning and its Go ahead are the
			// presser's alone, and the post stays as it is.
			return reply, nil
		}
		return postAfter(&posted, action, id, reply), nil
	}
}

// postForm is the form a button opens before it acts: the new ETA and a reason for Delay…, the
// reason for Cancel…; nil for Landed, which acts at once.
func postForm(req *bot.Request, action render.FlightAction, id int64) *bot.Form {
	lang := langOf(req)
	reason := bot.FormField{ID: "reason", Label: locale.T(lang, "post.form.reason"), Max: mission.MaxShortText}
	switch action {
	case render.FlightDelay:
		return &bot.Form{CustomID: render.FlightButtonID(action, id), Title: locale.T(lang, "post.form.delay", "ID", id),
			Fields: []bot.FormField{{ID: "eta", Label: locale.T(lang, "post.form.eta"), Placeholder: locale.T(lang, "post.form.eta_hint"),
				Required: true, Max: maxWhenText}, reason}}
	case render.FlightCancel:
		return &bot.Form{CustomID: render.FlightButtonID(action, id), Title: locale.T(lang, "post.form.cancel", "ID", id),
			Fields: []bot.FormField{reason}}
	}
	return nil
}

// postAfter is the post as edited once action was done: its text with a line saying what was
// done (the command's own answer, which names who), and when; the flight as it now stands; and
// the buttons that still apply — all three after a delay, none once landed or cancelled.
func postAfter(req *bot.Request, action render.FlightAction, id int64, reply *bot.Reply) *bot.Reply {
	msg := req.Interaction.Message
	if msg == nil {
		return reply // a form not opened from a post: the command's own answer
	}
	var buttons []render.FlightAction
	if action == render.FlightDelay {
		buttons = render.FlightActions()
	}
	embeds := reply.Embeds
	if len(embeds) == 0 {
		embeds = msg.Embeds
	}
	return &bot.Reply{Update: true, Content: withDone(msg.Content, reply.Content+" · "+discordtext.Timestamp(req.Now, "F")),
		Embeds: embeds, Components: render.FlightButtons(langOf(req), id, buttons)}
}

// withDone is a post's content with the line of what was just done added at its end. A post
// delayed again and again grows by a line each time; past Discord's limit the oldest lines of
// what was done go (those after the post's first line), never the new one, which the router's
// cut from the end would otherwise drop.
func withDone(content, done string) string {
	lines := strings.Split(content, "\n")
	fits := func() bool {
		return utf8.RuneCountInString(strings.Join(lines, "\n"))+1+utf8.RuneCountInString(done) <= discordtext.MaxContent
	}
	for len(lines) > 1 && !fits() {
		lines = slices.Delete(lines, 1, 2)
	}
	return strings.Join(lines, "\n") + "\n" + done
}

// alreadyDone refuses a press on a flight that is no longer open, naming its last change: what
// was done, by whom and when. It returns nil while the flight is open.
func alreadyDone(ctx context.Context, d Deps, req *bot.Request, id int64) error {
	f, err := d.Store.Flight(ctx, req.GuildID, id)
	if err != nil {
		return err
	}
	if f.Open() {
		return nil
	}
	last, err := d.Store.FindAudit(ctx, req.GuildID, storage.AuditFilter{Kind: mission.KindFlight, RecordID: id, Limit: 1})
	if err != nil {
		return err
	}
	lang := langOf(req)
	what, who, when := locale.T(lang, "cmd.flight.status."+string(f.Status)), user(lang, ""), "—"
	if len(last) == 1 {
		what = locale.T(lang, "cmd.history.action."+string(last[0].Action))
		who, when = user(lang, last[0].UserID), discordtext.Timestamp(last[0].At, "F")
	}
	return mission.Refuse(mission.EConflict, "post.already", "ID", id, "Action", what, "User", who, "When", when).
		WithHint("post.already.example", "ID", id)
}
