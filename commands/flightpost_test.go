package commands_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/discordtext"
	"liaison/jobs"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestConsoleClicksAPostsButtons: in the console, the reminder at a flight's ETA is printed with
// its buttons; `click Delay…` opens the form, `submit eta:+2h` delays the flight and edits the
// post, `click Landed` lands it and takes the buttons away.
func TestConsoleClicksAPostsButtons(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	if out := h.run(`/flight schedule eta:2025-01-03T22:00:00Z manifest:"GT 75 military"`, "/settings ping-role role:<@&555>"); !strings.Contains(out, "flight reminders ping @&555") {
		t.Fatalf("schedule and ping-role: %s", out)
	}
	var out bytes.Buffer
	c := &bot.Console{Router: h.router, GuildID: "100", UserID: "42", Out: &out,
		In: strings.NewReader("click Delay…\nsubmit eta:+2h reason:weather\nclick Landed\nclick Cancel…")}
	poster := bot.NewConsolePoster(c.Print)
	poster.Show = func(id string, m jobs.Message) { c.ShowPost("📣", id, m.Content, m.Embeds, m.Components) }
	sched := jobs.New(h.store, poster, nil)
	sched.Now = func() time.Time { return time.Date(2025, 1, 3, 22, 0, 0, 0, time.UTC) }
	sched.FallbackChannel = "console" // as `liaison console` posts in a server with no channel set
	if n, err := sched.DispatchDue(ctx); err != nil || n < 1 {
		t.Fatalf("DispatchDue = %d, %v", n, err)
	}
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"@&555 🛬", "[click Landed] [click Delay…] [click Cancel…]", "📝 Delay flight #1 — fill it in with: submit eta:… reason:…",
		"Flight **#1** delayed", "Flight **#1** landed, 1 arrival logged", `no button "Cancel…"`} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q:\n%s", want, got)
		}
	}
	f, err := h.store.Flight(ctx, "100", 1)
	if err != nil || f.Status != mission.FlightLanded || !f.ETA.Equal(time.Date(2025, 1, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("flight after the clicks = %s at %v (%v), want landed, ETA moved two hours", f.Status, f.ETA, err)
	}
}

// TestUnlandCommand: /flight unland answers publicly with who undid the landing and the #IDs of
// the arrivals removed; a flight not landed, or one whose arrivals were edited since, is refused
// privately with the next step; its autocomplete offers landed flights only.
func TestUnlandCommand(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	h.run(`/flight schedule eta:2025-01-03T22:00:00Z manifest:"GT 75 military; SV 8 medical"`, `/flight schedule eta:2025-01-04T22:00:00Z`)
	h.clock.Set(time.Date(2025, 1, 3, 22, 30, 0, 0, time.UTC))
	if out := h.run("/flight land flight:1"); !strings.Contains(out, "2 arrivals logged") {
		t.Fatalf("land: %s", out)
	}
	if got := h.autocomplete("en-GB", "flight", sub("unland", focused("flight", ""))); !strings.Contains(got, "#1") || strings.Contains(got, "#2") {
		t.Errorf("unland autocomplete = %q, want flight #1 alone (the landed one)", got)
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`/flight unland flight:1 reason:"wrong flight"`, []string{"Flight **#1**: landing undone, it is scheduled again; 2 arrivals removed (#1, #2) — by @42", "Reason: wrong flight"}},
		{"/flight unland flight:1", []string{"(only you can see this)", "Flight #1 has not landed (it is scheduled): there is no landing to undo.\n`/flight unland flight:12` undoes a landing"}},
		{"/flight unland flight:2", []string{"(only you can see this)", "Flight #2 has not landed", "\n`/flight unland flight:12` undoes a landing"}},
		{"/flight land flight:1", []string{"2 arrivals logged"}},
		{"/arrival edit id:3 personnel:70", []string{"#3"}},
		{"/flight unland flight:1", []string{"(only you can see this)", "arrival #3, which it logged, was edited since", "/history kind:arrival id:3"}},
	} {
		out := h.run(tc.line)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s\n got: %s\nwant it to contain %q", tc.line, out, w)
			}
		}
	}
}

// TestPingRoleSetting: /settings ping-role sets the role reminders mention, /settings show shows
// it, and the command without a role stops the pings.
func TestPingRoleSetting(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	for _, tc := range []struct {
		line, want string
		role       string
	}{
		{"/settings ping-role role:<@&777>", "flight reminders ping @&777", "777"},
		{"/settings show", "Reminders ping\n  @&777", "777"},
		{"/settings ping-role", "flight reminders ping nobody", ""},
		{"/settings show", "nobody — /settings ping-role", ""},
		{"/settings ping-role role:everyone", "choose a role", ""},
	} {
		if out := h.run(tc.line); !strings.Contains(out, tc.want) {
			t.Errorf("%s\n got: %s\nwant it to contain %q", tc.line, out, tc.want)
		}
		if g, err := h.store.Guild(context.Background(), "100"); err != nil || g.PingRoleID != tc.role {
			t.Errorf("after %s the ping role is %q (%v), want %q", tc.line, g.PingRoleID, err, tc.role)
		}
	}
	if audit, _ := h.store.FindAudit(context.Background(), "100", storage.AuditFilter{Kind: mission.KindSettings}); len(audit) != 2 {
		t.Errorf("settings audit entries = %d, want one per ping-role change (2)", len(audit))
	}
}

// TestSlowFormIsNotLost: a button whose form is ready only after the deferral cannot open it
// (Discord takes no form after a deferral); the presser is told privately and the message the
// button sits on is left as it was.
func TestSlowFormIsNotLost(t *testing.T) {
	store, _ := storagetest.OpenClock(t, "sqlite")
	slow := &bot.Command{Name: "slow", Description: "slow", Routes: []bot.Route{{Access: bot.Everyone,
		Run: func(context.Context, *bot.Request) (*bot.Reply, error) { return nil, nil },
		Component: func(context.Context, *bot.Request) (*bot.Reply, error) {
			time.Sleep(50 * time.Millisecond)
			return &bot.Reply{Form: &bot.Form{CustomID: "slow:x", Title: "Slow", Fields: []bot.FormField{{ID: "a", Label: "A"}}}}, nil
		}}}}
	r, err := bot.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), store, []*bot.Command{slow})
	if err != nil {
		t.Fatal(err)
	}
	r.DeferAfter = time.Millisecond
	i := command("100", 0, nil, "slow")
	i.Type = discordgo.InteractionMessageComponent
	i.Data = discordgo.MessageComponentInteractionData{CustomID: "slow:x", ComponentType: discordgo.ButtonComponent}
	rec := &recorder{}
	r.Handle(context.Background(), i, rec)
	if rec.resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Errorf("first answer type = %d, want a deferred update", rec.resp.Type)
	}
	if len(rec.edits) != 0 || len(rec.followUps) != 1 || rec.followUps[0].Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!strings.Contains(rec.followUps[0].Content, "Press the button again.") {
		t.Errorf("edits %+v, follow-ups %+v; want the message untouched and a private note to press again", rec.edits, rec.followUps)
	}
}

// TestPostButtonsRouteToTheirCommands: each button of a flight's post is the custom_id the
// router sends to a /flight route with a Component handler and a moderator's access (render
// cannot import bot, so the two spellings are held together here).
func TestPostButtonsRouteToTheirCommands(t *testing.T) {
	routes := map[string]bot.Route{}
	for _, c := range commands.All(commands.Deps{}) {
		for _, r := range c.Routes {
			routes[bot.RouteKey(c.Name, r.Name)] = r
		}
	}
	for _, a := range render.FlightActions() {
		key := bot.RouteKey("flight", string(a))
		if got, want := render.FlightButtonID(a, 12), bot.ComponentID(key, "post:12"); got != want {
			t.Errorf("FlightButtonID(%s, 12) = %q, want %q", a, got, want)
		}
		if r, ok := routes[key]; !ok || r.Component == nil || r.Access != bot.Moderator {
			t.Errorf("route /%s: present %v, component %v, access %v; want a moderators' route answering the button", key, ok, r.Component != nil, r.Access)
		}
		if id, ok := render.FlightOfButton("post:12"); !ok || id != 12 {
			t.Errorf("FlightOfButton(post:12) = %d, %v", id, ok)
		}
	}
	for _, bad := range []string{"post:", "post:-1", "post:x", "12", "page:12"} {
		if id, ok := render.FlightOfButton(bad); ok {
			t.Errorf("FlightOfButton(%q) = %d, true; want refused", bad, id)
		}
	}
}

// TestFormSubmitsMeetTheRoutesChecks: a form's submit meets the router's access check and the
// text check of every option, as the command would: a member is refused, an input with a
// bidirectional control is refused, and neither moves the flight.
func TestFormSubmitsMeetTheRoutesChecks(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	h.run(`/flight schedule eta:2025-01-03T22:00:00Z manifest:"GT 75 military"`)
	submit := func(perms int64, eta string) string {
		i := command("100", perms, nil, "flight")
		i.Type = discordgo.InteractionModalSubmit
		i.Data = discordgo.ModalSubmitInteractionData{CustomID: "flight delay:post:1", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "eta", Value: eta}}}}}
		resp := h.call(i)
		if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("submit eta:%q answered %+v, want a private refusal", eta, resp.Data)
			return ""
		}
		return resp.Data.Content
	}
	if got := submit(0, "+2h"); !strings.Contains(got, "⛔") {
		t.Errorf("a member's submit = %q, want refused for moderators only", got)
	}
	if got := submit(discordgo.PermissionManageGuild, "+2h\u202e"); !strings.Contains(got, "bidirectional") {
		t.Errorf("a submit with a bidi control = %q, want its text refused", got)
	}
	if f, err := h.store.Flight(context.Background(), "100", 1); err != nil || f.Status != mission.FlightScheduled {
		t.Errorf("flight after refused submits = %s (%v), want still scheduled", f.Status, err)
	}
}

// TestPostKeepsWhatWasJustDone: a post edited by many presses keeps within Discord's 2,000
// characters by dropping the oldest lines of what was done, never the post's own first line nor
// the line of the press that edits it (the router's cut from the end would drop that one).
func TestPostKeepsWhatWasJustDone(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	h.run(`/flight schedule eta:"in 1h" manifest:"GT 75 military"`)
	head := "🛬 **Flight #1** is due now at **PAP**: ETA <t:1735945200:F> (<t:1735945200:R>)."
	content := head
	for range 20 {
		content += "\n✅ Flight **#1** delayed: **ETA** <t:1735938000:f> → <t:1735945200:f> — by <@7> · <t:1735938000:F>"
	}
	i := &discordgo.Interaction{ID: "1350000000000000002", Type: discordgo.InteractionMessageComponent, GuildID: "100", Token: "t",
		Member:  &discordgo.Member{User: &discordgo.User{ID: holder}, Permissions: manager},
		Message: &discordgo.Message{ID: "1", Content: content},
		Data:    discordgo.MessageComponentInteractionData{CustomID: "flight land:post:1", ComponentType: discordgo.ButtonComponent}}
	got := h.call(i).Data.Content
	if n := utf8.RuneCountInString(got); n > discordtext.MaxContent {
		t.Errorf("the edited post has %d characters, more than Discord's %d", n, discordtext.MaxContent)
	}
	if !strings.HasPrefix(got, head+"\n✅") || !strings.Contains(got[strings.LastIndex(got, "\n"):], "landed") {
		t.Errorf("the edited post does not keep its first line and end with the landing:\n%s", got)
	}
}
