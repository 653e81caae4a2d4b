package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/exchange"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// harness drives the commands through the real router and console door, on a real database
// with a fixed clock.
type harness struct {
	t      *testing.T
	store  *storage.Store
	clock  *storagetest.Clock
	router *bot.Router
	log    *bytes.Buffer
}

func newHarness(t *testing.T, driver string) *harness {
	t.Helper()
	store, clock := storagetest.OpenClock(t, driver)
	clock.Set(time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log}))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = clock.Now
	// The harness reads the first answer: a bound no loaded machine reaches keeps it the
	// answer itself, never a deferral (TestSlowHandlerDefers sets its own).
	r.DeferAfter = time.Minute
	return &harness{t: t, store: store, clock: clock, router: r, log: &logs}
}

// run types lines into a console as a member with Manage Server and returns what it printed.
func (h *harness) run(lines ...string) string {
	h.t.Helper()
	var out bytes.Buffer
	c := &bot.Console{Router: h.router, GuildID: "100", UserID: "42", In: strings.NewReader(strings.Join(lines, "\n")), Out: &out}
	if err := c.Run(context.Background()); err != nil {
		h.t.Fatalf("console: %v", err)
	}
	return out.String()
}

// call sends one interaction with the given member permissions and roles and returns the answer.
func (h *harness) call(i *discordgo.Interaction) *discordgo.InteractionResponse {
	h.t.Helper()
	rec := &recorder{}
	h.router.Handle(context.Background(), i, rec)
	if rec.resp == nil {
		h.t.Fatalf("no answer to %+v", i)
	}
	return rec.resp
}

type recorder struct {
	resp      *discordgo.InteractionResponse
	edits     []*discordgo.WebhookEdit
	followUps []*discordgo.WebhookParams
	deleted   bool
}

func (r *recorder) FollowUp(_ context.Context, m *discordgo.WebhookParams) error {
	r.followUps = append(r.followUps, m)
	return nil
}

func (r *recorder) Delete(context.Context) error {
	r.deleted = true
	return nil
}

func (r *recorder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	r.resp = resp
	return nil
}

func (r *recorder) Edit(_ context.Context, e *discordgo.WebhookEdit) error {
	r.edits = append(r.edits, e)
	return nil
}

// interactionIDs numbers the interactions command builds: storage refuses an ID it has seen.
var interactionIDs atomic.Int64

func command(guild string, perms int64, roles []string, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	id := strconv.FormatInt(1_200_000_000_000_000_000+interactionIDs.Add(1), 10)
	return &discordgo.Interaction{ID: id, Type: discordgo.InteractionApplicationCommand, GuildID: guild, Token: "t",
		Member: &discordgo.Member{User: &discordgo.User{ID: "7"}, Permissions: perms, Roles: roles},
		Data:   discordgo.ApplicationCommandInteractionData{Name: name, Options: opts}}
}

func sub(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

func opt(name string, v any) *discordgo.ApplicationCommandInteractionDataOption {
	typ := discordgo.ApplicationCommandOptionString
	if _, ok := v.(float64); ok {
		typ = discordgo.ApplicationCommandOptionInteger
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: v}
}

func TestDemoForces(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := newHarness(t, driver)
			demo, err := os.ReadFile("../demo/mss-haiti.csv")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := exchange.ImportCSV(context.Background(), h.store, storage.Actor{GuildID: "100", UserID: "demo"}, bytes.NewReader(demo)); err != nil {
				t.Fatalf("import demo: %v", err)
			}
			out := h.run("/forces")
			for _, want := range []string{"**483** deployed of **2,500** planned (19.3 %)", "🇰🇪 Kenya — 400", "🇬🇹 Guatemala — 75",
				"🇸🇻 El Salvador — 8", "🇯🇲 Jamaica — 0 · pledged (size not reported)", "#2", "Next flight"} {
				if !strings.Contains(out, want) {
					t.Errorf("/forces output lacks %q:\n%s", want, out)
				}
			}
			out = h.run("/forces country:Kenya")
			if !strings.Contains(out, "police: 400") {
				t.Errorf("/forces country:Kenya lacks the per-role split:\n%s", out)
			}
		})
	}
}

func TestBadInputIsExplainedAndStoresNothing(t *testing.T) {
	h := newHarness(t, "sqlite")
	tests := []struct {
		line string
		want string
	}{
		{"/arrival log country:XX personnel:5 role:military", `unknown country "XX"`},
		{"/arrival log country:GT personnel:0 role:military", "personnel must be between 1 and 100,000"},
		{"/arrival log country:GT personnel:100001 role:military", "personnel must be between 1 and 100,000"},
		{"/arrival log country:GT personnel:5 role:pilot", "pilot"},
		{"/arrival log country:GT personnel:5 when:yesterdayish role:military", "yesterdayish"},
		{`/flight schedule eta:"in 2h" manifest:"GT 75 military; XX 8"`, `entry 2 ("XX 8"): unknown country "XX"`},
		// No input to correct: the next step, a sentence of its own, instead of an example.
		{"/flight land flight:999", "Flight #999 does not exist in this server.\nPick an #ID from the autocomplete list"},
		{"/reminders offsets value:1h,-2h", "Example:"},
		{`/settings digest schedule:"61 8 * * *"`, `the minute field "61" is not valid`},
		{"/settings timezone timezone:Mars/Olympus", "not an IANA time zone"},
		{"/history id:3", "give the kind of record"},
	}
	for _, tt := range tests {
		out := h.run(tt.line)
		hint := strings.Contains(tt.want, "\n")
		if !strings.Contains(out, tt.want) || !strings.Contains(out, "(only you can see this)") || strings.Contains(out, "Example:") == hint {
			t.Errorf("%s\n got: %s\nwant an ephemeral error containing %q and an example or a next step", tt.line, out, tt.want)
		}
	}
	arrivals, total, _ := h.store.FindArrivals(context.Background(), "100", storage.ArrivalFilter{})
	flights, _ := h.store.FindFlights(context.Background(), "100", storage.FlightFilter{Status: storage.FlightsAll})
	if total != 0 || len(arrivals) != 0 || len(flights) != 0 {
		t.Errorf("bad input stored %d arrivals and %d flights, want none", total, len(flights))
	}
}

func TestFlightLifecycle(t *testing.T) {
	h := newHarness(t, "sqlite")
	out := h.run(`/flight schedule eta:"2025-01-04 14:00" manifest:"GT 75 military; SV 8 medical" aircraft:C-17`)
	if !strings.Contains(out, "Flight **#1** scheduled") {
		t.Fatalf("schedule: %s", out)
	}
	pending, _, _ := h.store.FindReminders(context.Background(), "100", storage.ReminderFilter{})
	if len(pending) != 3 { // 1h, 0 and the overdue check; 24h before was already past
		t.Errorf("scheduling planned %d posts, want 3", len(pending))
	}
	out = h.run(`/flight delay flight:1 eta:"2025-01-04 18:00" reason:weather`, "/flight add flight:1 country:Kenya personnel:20 role:police")
	if !strings.Contains(out, "delayed") || !strings.Contains(out, "gets a manifest line: 🇰🇪 Kenya — 20 police") {
		t.Fatalf("delay/add: %s", out)
	}
	h.clock.Set(time.Date(2025, 1, 4, 23, 30, 0, 0, time.UTC))
	out = h.run("/flight land flight:1", "/forces")
	if !strings.Contains(out, "3 arrivals logged") || !strings.Contains(out, "**103** deployed") {
		t.Fatalf("land: %s", out)
	}
	if out := h.run("/flight cancel flight:1"); !strings.Contains(out, "Flight #1 has already landed.") {
		t.Errorf("cancelling a landed flight: %s", out)
	}
	pending, _, _ = h.store.FindReminders(context.Background(), "100", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderPending}})
	if len(pending) != 0 {
		t.Errorf("after landing %d posts still pending, want 0", len(pending))
	}
}

func TestArrivalEditDeleteMoveForces(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run("/arrival log country:GT personnel:75 role:military", "/arrival log country:SV personnel:8 role:medical")
	out := h.run("/arrival edit id:1 personnel:70", "/arrival delete id:2", "/forces")
	if !strings.Contains(out, "**70** deployed") {
		t.Errorf("after edit and delete: %s", out)
	}
	if out := h.run("/history kind:arrival id:2"); !strings.Contains(out, "delete") {
		t.Errorf("history of a deleted arrival: %s", out)
	}
}

func TestAccessChecks(t *testing.T) {
	h := newHarness(t, "sqlite")
	if _, err := h.store.UpdateGuild(context.Background(), storage.Actor{GuildID: "100"}, func(g *storage.Guild) error {
		g.ModeratorRoleID = "555"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	logArrival := sub("log", opt("country", "GT"), opt("personnel", 5.0), opt("role", "military"))
	tests := []struct {
		name   string
		perms  int64
		roles  []string
		cmd    string
		sub    *discordgo.ApplicationCommandInteractionDataOption
		denied bool
	}{
		{"member logs", 0, nil, "arrival", logArrival, true},
		{"moderator role logs", 0, []string{"555"}, "arrival", logArrival, false},
		{"manage server logs", discordgo.PermissionManageGuild, nil, "arrival", logArrival, false},
		{"moderator sets channel", 0, []string{"555"}, "settings", sub("channel", opt("channel", "9")), true},
		{"admin sets channel", discordgo.PermissionManageGuild, nil, "settings", sub("channel", opt("channel", "9")), false},
		{"member reads forces", 0, nil, "forces", nil, false},
	}
	for _, tt := range tests {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		if tt.sub != nil {
			opts = append(opts, tt.sub)
		}
		resp := h.call(command("100", tt.perms, tt.roles, tt.cmd, opts...))
		denied := strings.HasPrefix(resp.Data.Content, "⛔")
		if denied != tt.denied {
			t.Errorf("%s: denied = %v, want %v (%q)", tt.name, denied, tt.denied, resp.Data.Content)
		}
		if denied && resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: refusal is not ephemeral", tt.name)
		}
	}
}

func TestGuildsAreIsolatedThroughCommands(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run("/arrival log country:GT personnel:75 role:military")
	admin := int64(discordgo.PermissionManageGuild)
	for _, o := range []*discordgo.ApplicationCommandInteractionDataOption{
		sub("edit", opt("id", 1.0), opt("personnel", 1.0)), sub("delete", opt("id", 1.0)),
	} {
		resp := h.call(command("200", admin, nil, "arrival", o))
		if !strings.Contains(resp.Data.Content, "Arrival #1 does not exist in this server") {
			t.Errorf("guild 200 %s arrival #1 of guild 100: %q", o.Name, resp.Data.Content)
		}
	}
	if out := h.run("/forces"); !strings.Contains(out, "**75** deployed") {
		t.Errorf("guild 100 lost its arrival: %s", out)
	}
}

func TestPaginationButtons(t *testing.T) {
	h := newHarness(t, "sqlite")
	var lines []string
	for i := 0; i < 23; i++ { // different personnel: the same arrival twice in a day is held as a repeat
		lines = append(lines, fmt.Sprintf("/arrival log country:GT personnel:%d role:military", i+1))
	}
	h.run(lines...)
	out := h.run("/arrivals", "click Next", "click Next")
	for _, want := range []string{"Page 1 of 3", "Page 2 of 3", "Page 3 of 3", "**#1**"} {
		if !strings.Contains(out, want) {
			t.Errorf("paging lacks %q:\n%s", want, out)
		}
	}
}

func TestPanicAnswersAndIsLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	store, _ := storagetest.OpenClock(t, "sqlite")
	boom := &bot.Command{Name: "boom", Description: "panics", Routes: []bot.Route{{Access: bot.Everyone,
		Run: func(context.Context, *bot.Request) (*bot.Reply, error) { panic("kaboom") }}}}
	r, err := bot.NewRouter(slog.New(slog.NewTextHandler(&logs, nil)), store, []*bot.Command{boom})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	r.Handle(context.Background(), command("100", 0, nil, "boom"), rec)
	if rec.resp == nil || !strings.Contains(rec.resp.Data.Content, "Something went wrong (ref ") {
		t.Fatalf("panic answer = %+v", rec.resp)
	}
	ref := strings.TrimSuffix(strings.SplitN(strings.SplitN(rec.resp.Data.Content, "(ref ", 2)[1], ")", 2)[0], ")")
	if n := strings.Count(logs.String(), "ref="+ref); n != 1 {
		t.Errorf("ref %s logged %d times, want once:\n%s", ref, n, logs.String())
	}
}

func TestSlowHandlerDefersThenEdits(t *testing.T) {
	store, _ := storagetest.OpenClock(t, "sqlite")
	slow := &bot.Command{Name: "slow", Description: "slow", Routes: []bot.Route{{Access: bot.Everyone,
		Run: func(context.Context, *bot.Request) (*bot.Reply, error) {
			time.Sleep(50 * time.Millisecond)
			return &bot.Reply{Content: "finally"}, nil
		}}}}
	r, err := bot.NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), store, []*bot.Command{slow})
	if err != nil {
		t.Fatal(err)
	}
	r.DeferAfter = time.Millisecond
	rec := &recorder{}
	r.Handle(context.Background(), command("100", 0, nil, "slow"), rec)
	if rec.resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("first answer type = %d, want a deferral", rec.resp.Type)
	}
	if len(rec.edits) != 1 || *rec.edits[0].Content != "finally" {
		t.Errorf("edits = %+v, want one with the reply", rec.edits)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run("/arrival log country:GT personnel:75 source:press role:military", `/flight schedule eta:"2025-01-05 10:00" manifest:"KE 100 police"`,
		"/pledge set country:JM personnel:200 role:military", "/pledge set country:BJ role:military")
	ctx := context.Background()
	for _, kind := range []string{"arrivals", "flights", "pledges"} {
		var buf bytes.Buffer
		if _, err := exchange.ExportCSV(ctx, h.store, "100", kind, exchange.FormatLiaison, &buf); err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "300"}, bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
	}
	for _, kind := range []string{"arrivals", "flights", "pledges"} {
		var a, b bytes.Buffer
		_, _ = exchange.ExportCSV(ctx, h.store, "100", kind, exchange.FormatLiaison, &a)
		_, _ = exchange.ExportCSV(ctx, h.store, "300", kind, exchange.FormatLiaison, &b)
		if strip(a.String()) != strip(b.String()) {
			t.Errorf("%s after a round trip:\n%s\nwant\n%s", kind, b.String(), a.String())
		}
	}
	bad := "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone\n" +
		"arrival,1,2025-01-01,GT,5,military,,,,,,,,,,,,,,\narrival,2,2025-01-01,XX,5,military,,,,,,,,,,,,,,\n"
	if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "400"}, strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("import of a bad line: err = %v, want one naming line 3", err)
	}
	if _, total, _ := h.store.FindArrivals(ctx, "400", storage.ArrivalFilter{}); total != 0 {
		t.Errorf("a file with a bad line stored %d arrivals, want 0", total)
	}
}

// strip drops the id and logged_by columns, which differ between guilds by design.
func strip(csv string) string {
	var out []string
	for _, line := range strings.Split(csv, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 18 {
			f[1], f[18] = "", ""
			if len(f) > 22 {
				f[22] = "" // the uid names the exporting guild's record
			}
			if f[0] == "arrival" {
				f[7] = "" // flight references follow the new IDs
			}
		}
		out = append(out, strings.Join(f, ","))
	}
	return strings.Join(out, "\n")
}

// TestCommandDefinitions walks every command: names, descriptions and limits Discord enforces,
// required options first, and a handler for everything that can be invoked.
func TestCommandDefinitions(t *testing.T) {
	cmds := commands.All(commands.Deps{})
	if len(cmds) > 100 {
		t.Fatalf("%d commands; Discord allows 100", len(cmds))
	}
	seen := map[string]bool{}
	// route is the command's route a subcommand (or, with sub "", a command without
	// subcommands) is answered by, or nil.
	route := func(c *bot.Command, sub string) *bot.Route {
		for i := range c.Routes {
			if c.Routes[i].Name == sub {
				return &c.Routes[i]
			}
		}
		return nil
	}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption, c *bot.Command, r *bot.Route)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption, c *bot.Command, r *bot.Route) {
		if len(opts) > 25 {
			t.Errorf("%s has %d options, Discord allows 25", path, len(opts))
		}
		optional := false
		for _, o := range opts {
			checkName(t, path+" "+o.Name, o.Name, o.Description)
			checkLocalized(t, path+" "+o.Name, o.DescriptionLocalizations)
			for _, ch := range o.Choices {
				if len(ch.NameLocalizations) != len(discordLocales) {
					t.Errorf("%s %s choice %q has name localizations %v, want %v", path, o.Name, ch.Name, ch.NameLocalizations, discordLocales)
				}
				for l, n := range ch.NameLocalizations {
					if c := utf8.RuneCountInString(n); c < 1 || c > 100 {
						t.Errorf("%s %s choice %q in %s is %d characters", path, o.Name, ch.Name, l, c)
					}
				}
			}
			if len(o.Choices) > 25 {
				t.Errorf("%s %s has %d choices", path, o.Name, len(o.Choices))
			}
			if o.Autocomplete && len(o.Choices) > 0 {
				t.Errorf("%s %s has both autocomplete and choices", path, o.Name)
			}
			if o.Autocomplete && (r == nil || r.Autocomplete == nil) {
				t.Errorf("%s %s autocompletes but the route has no autocomplete handler", path, o.Name)
			}
			if o.Type == discordgo.ApplicationCommandOptionSubCommand {
				walk(path+" "+o.Name, o.Options, c, route(c, o.Name))
				continue
			}
			if o.Required && optional {
				t.Errorf("%s: required option %s after an optional one", path, o.Name)
			}
			optional = optional || !o.Required
			if o.Name == "personnel" && (o.MinValue == nil || *o.MinValue != 1 || o.MaxValue != 100000) {
				t.Errorf("%s personnel: min/max not 1..100000", path)
			}
		}
	}
	for _, c := range cmds {
		d := c.Definition()
		if c.Message() {
			// A message command (type 3): a menu name of 1..32 characters in every language, no
			// description, no options (Discord refuses either).
			if d.Type != discordgo.MessageApplicationCommand || d.Description != "" || len(d.Options) > 0 {
				t.Errorf("message command %q: type %d, description %q, %d options; want type 3, none, none", d.Name, d.Type, d.Description, len(d.Options))
			}
			if d.NameLocalizations == nil || len(*d.NameLocalizations) != len(discordLocales) {
				t.Errorf("message command %q: name localizations %v, want one per Discord locale", d.Name, d.NameLocalizations)
			} else {
				for l, n := range *d.NameLocalizations {
					if c := utf8.RuneCountInString(n); c < 1 || c > 32 {
						t.Errorf("message command %q in %s is %q (%d characters)", d.Name, l, n, c)
					}
				}
			}
			seen[d.Name] = true
			continue
		}
		checkName(t, d.Name, d.Name, d.Description)
		if d.DescriptionLocalizations == nil {
			t.Errorf("/%s has no description localizations", d.Name)
		} else {
			checkLocalized(t, "/"+d.Name, *d.DescriptionLocalizations)
		}
		if seen[d.Name] {
			t.Errorf("command %s defined twice", d.Name)
		}
		seen[d.Name] = true
		if len(c.Routes) == 0 {
			t.Errorf("/%s has no handler", d.Name)
		}
		for _, r := range c.Routes {
			if r.Run == nil {
				t.Errorf("/%s has no handler", bot.RouteKey(d.Name, r.Name))
			}
		}
		walk("/"+d.Name, d.Options, c, route(c, ""))
	}
	for _, want := range []string{"mission", "forces", "arrival", "arrivals", "departure", "pledge", "flight", "flights",
		"reminders", "settings", "history", "export", "help"} {
		if !seen[want] {
			t.Errorf("SPEC §3 command /%s is missing", want)
		}
	}
}

// discordLocales are the Discord locales every description is registered under.
var discordLocales = func() []string {
	var out []string
	for _, l := range locale.Languages() {
		out = append(out, l.DiscordLocales()...)
	}
	return out
}()

// checkLocalized checks that a description is given for every Discord locale Liaison speaks,
// within Discord's 1..100 characters, and translated (not the English key or text left over).
func checkLocalized(t *testing.T, path string, loc map[discordgo.Locale]string) {
	t.Helper()
	for _, l := range discordLocales {
		d, ok := loc[discordgo.Locale(l)]
		if !ok {
			t.Errorf("%s: no description for %s", path, l)
			continue
		}
		if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
			t.Errorf("%s: description in %s is %d characters, want 1..100: %q", path, l, n, d)
		}
		if strings.HasPrefix(d, "desc.") {
			t.Errorf("%s: description in %s is the bare key %q", path, l, d)
		}
	}
}

func checkName(t *testing.T, path, name, desc string) {
	t.Helper()
	if name == "" || len(name) > 32 || strings.ToLower(name) != name || strings.ContainsAny(name, " /") {
		t.Errorf("%s: bad name %q", path, name)
	}
	if n := utf8.RuneCountInString(desc); n < 1 || n > 100 || strings.HasPrefix(desc, "desc.") {
		t.Errorf("%s: description %q is %d characters, want 1..100 and no bare key", path, desc, n)
	}
}

// TestReplayedInteractionIsCarriedOutOnce sends the same /arrival log interaction twice through
// the router, as a replayed signed request arrives: one arrival is logged, and the second
// delivery is told, privately, that nothing was changed again.
func TestReplayedInteractionIsCarriedOutOnce(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := newHarness(t, driver)
			i := command("100", discordgo.PermissionManageGuild, nil, "arrival",
				sub("log", opt("country", "GT"), opt("personnel", 75.0), opt("role", "military")))
			first := h.call(i)
			if first.Data.Flags&discordgo.MessageFlagsEphemeral != 0 || strings.HasPrefix(first.Data.Content, "❌") {
				t.Fatalf("first delivery answered %q, want the public confirmation", first.Data.Content)
			}
			again := h.call(i)
			if !strings.Contains(again.Data.Content, "already carried out") || !strings.Contains(again.Data.Content, "/arrival log") {
				t.Errorf("second delivery answered %q, want the notice that /arrival log was already carried out", again.Data.Content)
			}
			if again.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("the replay notice is not ephemeral")
			}
			arrivals, n, err := h.store.FindArrivals(context.Background(), "100", storage.ArrivalFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || arrivals[0].Personnel != 75 {
				t.Errorf("arrivals after two deliveries = %d (%+v), want one of 75", n, arrivals)
			}
			if strings.Contains(h.log.String(), "command failed") {
				t.Errorf("the replay was logged as a failure:\n%s", h.log.String())
			}
		})
	}
}
