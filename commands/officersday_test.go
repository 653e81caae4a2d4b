package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/exchange"
	"liaison/fakediscord"
	"liaison/jobs"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

const (
	// dayChannel is where the guild's posts go; dayPingRole is the reception team's role.
	dayChannel  = "1100000000000000100"
	dayPingRole = "1200000000000000777"
)

// do sends /name sub opts as userID and logs the answer, so a failing day reads as it was played.
func (w *importWorld) do(userID, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *answer {
	w.t.Helper()
	a := w.slash(userID, name, opts...)
	w.t.Logf("/%s %s → %s", name, optText(opts), content(a))
	return a
}

// optText writes options as the client shows them, for the log.
func optText(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	var b strings.Builder
	for _, o := range opts {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			b.WriteString(o.Name + " " + optText(o.Options))
			continue
		}
		fmt.Fprintf(&b, "%s:%v ", o.Name, o.Value)
	}
	return b.String()
}

// pressPost presses a button of a channel post as userID.
func (w *importWorld) pressPost(userID string, post *discordgo.Message, customID string) *answer {
	w.t.Helper()
	if post == nil { // an answer's button: the answer as Discord sends it
		post = &discordgo.Message{ID: "1600000000000000001", ChannelID: dayChannel}
	}
	a := w.post(&discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Member: memberOf(userID), Message: post,
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}})
	w.t.Logf("press %s as %s → %d %s", customID, userID, a.Type, content(a))
	return a
}

// submitPost submits the form customID opened from post, as Discord writes a submit: one
// action row per text input, holding its value.
func (w *importWorld) submitPost(userID string, post *discordgo.Message, customID string, inputs map[string]string) *answer {
	w.t.Helper()
	n := w.n.Add(1)
	i := &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, Member: memberOf(userID), Message: post,
		ID: strconv.FormatInt(1400000000000000000+n, 10), Token: fmt.Sprintf("dG9rZW4%d", n), AppID: fakediscord.ApplicationID, Version: 1,
		GuildID: importGuild, ChannelID: dayChannel, Locale: discordgo.EnglishUS}
	if w.locale != "" {
		i.Locale = w.locale
	}
	body, err := fakediscord.InteractionPayload(i, fakediscord.DefaultAttachmentSizeLimit)
	if err != nil {
		w.t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		w.t.Fatal(err)
	}
	var rows []any
	for id, v := range inputs {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}})
	}
	obj["data"] = map[string]any{"custom_id": customID, "components": rows}
	body, _ = json.Marshal(obj)
	w.last = body
	a := w.send(body)
	w.t.Logf("submit %s %v as %s → %d %s", customID, inputs, userID, a.Type, content(a))
	return a
}

// openGateway connects the instance's session to the fake Discord's gateway, as `liaison run`
// does without an interactions endpoint, and closes it when the test ends.
func (w *importWorld) openGateway() {
	w.t.Helper()
	gw := bot.NewGateway(w.session, w.router, nil, nil)
	if err := gw.Open(); err != nil {
		w.t.Fatalf("gateway Open: %v", err)
	}
	w.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		gw.Close(ctx)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.fake.WaitReady(ctx); err != nil {
		w.t.Fatal(err)
	}
}

// pressGateway presses a post's button as userID over the gateway and returns the answer
// Discord received, checked against its spec.
func (w *importWorld) pressGateway(userID string, post *discordgo.Message, customID string) *answer {
	w.t.Helper()
	n := w.n.Add(1)
	i := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Member: memberOf(userID), Message: post,
		ID: strconv.FormatInt(1400000000000000000+n, 10), Token: fmt.Sprintf("dG9rZW4%d", n), AppID: fakediscord.ApplicationID, Version: 1,
		GuildID: importGuild, ChannelID: dayChannel, Locale: discordgo.EnglishUS,
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
	if err := w.fake.DispatchInteraction(i); err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := w.fake.WaitResponse(ctx, i.ID)
	if err != nil {
		w.t.Fatalf("no answer over the gateway to %s: %v", customID, err)
	}
	if err := w.fake.ValidateInteractionResponse(resp.Body); err != nil {
		w.t.Errorf("answer over the gateway breaks Discord's spec: %v\n%s", err, resp.Body)
	}
	var a answer
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		w.t.Fatalf("answer %s: %v", resp.Body, err)
	}
	w.t.Logf("press %s as %s over the gateway → %d %s", customID, userID, a.Type, content(&a))
	return &a
}

// dispatch runs one scheduler pass at the world's clock, as a new instance's scheduler would,
// and returns the posts it created, as Discord holds them.
func (w *importWorld) dispatch() []*discordgo.Message {
	w.t.Helper()
	session, err := bot.NewSession(bot.SessionConfig{Token: "test-token", APIBase: w.fake.APIBase(), Timeout: 5 * time.Second})
	if err != nil {
		w.t.Fatal(err)
	}
	before := len(w.fake.Messages())
	sched := jobs.New(w.store, bot.NewDiscordPoster(session), nil)
	sched.Now = w.clock.Now
	if _, err := sched.DispatchDue(context.Background()); err != nil {
		w.t.Fatalf("DispatchDue: %v", err)
	}
	var out []*discordgo.Message
	for _, m := range w.fake.Messages()[before:] {
		post := &discordgo.Message{}
		if err := json.Unmarshal(m.Body, post); err != nil {
			w.t.Fatal(err)
		}
		post.ID, post.ChannelID = m.ID, m.ChannelID
		w.t.Logf("post → %s", post.Content)
		out = append(out, post)
	}
	return out
}

// withButtons is the one post of posts that carries buttons.
func withButtons(t *testing.T, posts []*discordgo.Message) *discordgo.Message {
	t.Helper()
	var found *discordgo.Message
	for _, p := range posts {
		if len(p.Components) > 0 {
			if found != nil {
				t.Fatalf("two posts carry buttons: %q and %q", found.Content, p.Content)
			}
			found = p
		}
	}
	if found == nil {
		t.Fatalf("no post carries buttons among %d", len(posts))
	}
	return found
}

// postButtons are a post's button custom_ids by label.
func postButtons(m *discordgo.Message) map[string]string {
	out := map[string]string{}
	raw, _ := json.Marshal(m.Components)
	var rows []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	_ = json.Unmarshal(raw, &rows)
	for _, r := range rows {
		for _, c := range r.Components {
			out[c.Label] = c.CustomID
		}
	}
	return out
}

// csvRows reads an export back: its header and its rows as maps by column.
func csvRows(t *testing.T, data []byte) []map[string]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatalf("export does not read back as CSV: %v\n%s", err, data)
	}
	if len(all) == 0 {
		t.Fatal("empty export")
	}
	var out []map[string]string
	for _, rec := range all[1:] {
		if len(rec) > 0 && strings.HasPrefix(rec[0], "#") {
			continue // an HXL tag row
		}
		row := map[string]string{}
		for i, col := range all[0] {
			if i < len(rec) {
				row[col] = rec[i]
			}
		}
		out = append(out, row)
	}
	return out
}

// exportRows is /export kind:kind read back, one CSV file expected.
func (w *importWorld) exportRows(kind string) []map[string]string {
	w.t.Helper()
	a := w.exportWith(fakediscord.DefaultAttachmentSizeLimit, opt("kind", kind))
	if len(a.files) != 1 {
		w.t.Fatalf("/export kind:%s answered %q with %d files, want one", kind, a.content, len(a.files))
	}
	return csvRows(w.t, a.files[0].data)
}

// TestOfficersDay plays a tired officer's day from outside, through the signed HTTP endpoint
// and the scheduler on the fake Discord, on each driver, with a fixed clock and every answer
// checked against Discord's OpenAPI spec: left-out roles, repeats, a back-dated pledge, a
// departure below zero, a flight in the past, a landing made by mistake and undone, a
// reminder's buttons pressed by a member, a moderator, twice and after a restart, the ping
// role; then the ledger is compared with every export.
func TestOfficersDay(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, store *storage.Store, clock *storagetest.Clock) {
		w := newImportWorldOn(t, store, clock)
		officersDay(t, w)
	})
}

func officersDay(t *testing.T, w *importWorld) {
	ctx := context.Background()
	if _, err := w.store.UpdateGuild(ctx, storage.Actor{GuildID: importGuild}, func(g *storage.Guild) error {
		g.ChannelID = dayChannel
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	counts := func() [4]int64 {
		var c [4]int64
		_ = w.store.EachArrival(ctx, importGuild, func(storage.Arrival) error { c[0]++; return nil })
		_ = w.store.EachDeparture(ctx, importGuild, func(storage.Departure) error { c[1]++; return nil })
		_ = w.store.EachPledge(ctx, importGuild, func(storage.Pledge) error { c[2]++; return nil })
		_ = w.store.EachFlight(ctx, importGuild, func(storage.Flight) error { c[3]++; return nil })
		return c
	}
	mod := uploader

	// 08:00 — a pledge for a country with no record: the role is asked, then stored once.
	ask := w.do(mod, "pledge", sub("set", opt("country", "Guatemala"), opt("personnel", 150.0)))
	if !ephemeral(ask) || buttons(ask)["military"] == "" || counts()[2] != 0 {
		t.Fatalf("a pledge with its role left out and none on record: %q %v, want a question, nothing stored", content(ask), buttons(ask))
	}
	if r := w.pressPost(mod, nil, buttons(ask)["military"]); !strings.Contains(content(r), "150 military") || counts()[2] != 1 {
		t.Errorf("the role pressed: %q, want the pledge stored naming 150 military", content(r))
	}

	// A country with one role on record: the pledge takes it and says so.
	w.do(mod, "arrival", sub("log", opt("country", "KE"), opt("personnel", 400.0), opt("role", "police"), opt("when", "2025-01-02 10:00")))
	if r := w.do(mod, "pledge", sub("set", opt("country", "Kenya"), opt("personnel", 1000.0))); ephemeral(r) || !strings.Contains(content(r), "1,000 police") {
		t.Errorf("a pledge for Kenya with its police on record: %q, want stored as 1,000 police", content(r))
	}

	// A back-dated pledge older than the one in force: held; Go ahead stores it, not in force.
	held := w.do(mod, "pledge", sub("set", opt("country", "KE"), opt("personnel", 800.0), opt("role", "police"), opt("as_of", "2024-12-01")))
	if !ephemeral(held) || !strings.Contains(content(held), "never be in force") || buttons(held)["Go ahead"] == "" {
		t.Fatalf("a back-dated pledge: %q, want held, saying it would never be in force", content(held))
	}
	if r := w.pressPost(mod, nil, buttons(held)["Go ahead"]); !strings.HasPrefix(content(r), "✅") || !strings.Contains(content(r), "not in force") {
		t.Errorf("Go ahead on the back-dated pledge: %q, want stored, saying it is not in force", content(r))
	}
	w.do(plainMember, "forces", opt("country", "KE"))
	if f := string(w.raw); !strings.Contains(f, "1,000") || strings.Contains(f, "800") {
		t.Errorf("/forces country:KE after the back-dated pledge: %s, want the pledge of 1,000 in force", f)
	}

	// An arrival logged again three hours later: held; Cancel stores nothing.
	w.do(mod, "arrival", sub("log", opt("country", "SV"), opt("personnel", 8.0), opt("role", "medical")))
	w.clock.Advance(3 * time.Hour)
	before := counts()
	held = w.do(mod, "arrival", sub("log", opt("country", "SV"), opt("personnel", 8.0), opt("role", "medical")))
	if !ephemeral(held) || !strings.Contains(content(held), "logged by <@"+mod+">") || buttons(held)["Cancel"] == "" {
		t.Fatalf("an arrival repeated after 3 hours: %q, want held naming the first", content(held))
	}
	if r := w.pressPost(mod, nil, buttons(held)["Cancel"]); !strings.Contains(content(r), "nothing was stored") || counts() != before {
		t.Errorf("Cancel: %q, counts %v → %v; want nothing stored", content(r), before, counts())
	}

	// Flight #1 lands; an arrival repeating its manifest line is held.
	if r := w.do(mod, "flight", sub("schedule", opt("eta", "in 1h"), opt("manifest", "JM 20 police"))); !strings.Contains(content(r), "#1") {
		t.Fatalf("schedule #1: %q", content(r))
	}
	w.clock.Advance(time.Hour)
	if r := w.do(mod, "flight", sub("land", opt("flight", 1.0))); !strings.Contains(content(r), "landed") {
		t.Fatalf("land #1: %q", content(r))
	}
	before = counts()
	held = w.do(mod, "arrival", sub("log", opt("country", "JM"), opt("personnel", 20.0), opt("role", "police")))
	if !ephemeral(held) || !strings.Contains(content(held), "(flight #1)") || counts() != before {
		t.Errorf("an arrival repeating flight #1's line: %q, want held naming the flight", content(held))
	}

	// A departure below zero is refused with the arithmetic.
	if r := w.do(mod, "departure", sub("log", opt("country", "SV"), opt("personnel", 50.0), opt("role", "medical"))); !ephemeral(r) ||
		!strings.Contains(content(r), "8 medical") || !strings.Contains(content(r), "−42") || counts() != before {
		t.Errorf("a departure below zero: %q, want refused with 8 medical and −42", content(r))
	}

	// A flight scheduled in the past: held; Cancel.
	held = w.do(mod, "flight", sub("schedule", opt("eta", "yesterday 10:00"), opt("manifest", "GT 75 military")))
	if !ephemeral(held) || !strings.Contains(content(held), "in the past") || counts() != before {
		t.Errorf("a flight in the past: %q, want held", content(held))
	}
	w.pressPost(mod, nil, buttons(held)["Cancel"])

	// Flight #2, landed 37 hours before its ETA by mistake (held, Go ahead), then unlanded.
	eta2 := w.clock.Now().Add(37 * time.Hour)
	if r := w.do(mod, "flight", sub("schedule", opt("eta", "in 37h"), opt("manifest", "GT 75 military; SV 8 medical"))); !strings.Contains(content(r), "#2") {
		t.Fatalf("schedule #2: %q", content(r))
	}
	held = w.do(mod, "flight", sub("land", opt("flight", 2.0)))
	if !ephemeral(held) || !strings.Contains(content(held), "more than 12 hours") {
		t.Fatalf("landing #2 37 hours early: %q, want held", content(held))
	}
	before = counts()
	if r := w.pressPost(mod, nil, buttons(held)["Go ahead"]); !strings.Contains(content(r), "landed") || counts()[0] != before[0]+2 {
		t.Fatalf("Go ahead on the early landing: %q, arrivals %d → %d", content(r), before[0], counts()[0])
	}
	if r := w.do(mod, "flight", sub("unland", opt("flight", 2.0), opt("reason", "wrong flight"))); ephemeral(r) || counts() != before {
		t.Fatalf("unland #2: %q, counts %v → %v; want the landing's arrivals removed", content(r), before, counts())
	}
	if f, _ := w.store.Flight(ctx, importGuild, 2); f.Status != mission.FlightScheduled {
		t.Errorf("after unland flight #2 is %s, want scheduled", f.Status)
	}

	// The reminder at the ETA carries Landed, Delay…, Cancel….
	w.clock.Set(eta2)
	post := withButtons(t, w.dispatch())
	b := postButtons(post)
	if b["Landed"] == "" || b["Delay…"] == "" || b["Cancel…"] == "" {
		t.Fatalf("the reminder's buttons: %v, want Landed, Delay…, Cancel…", b)
	}
	if r := w.pressPost(plainMember, post, b["Landed"]); !ephemeral(r) || !strings.HasPrefix(content(r), "⛔") {
		t.Errorf("a member's Landed: %q, want an ephemeral refusal", content(r))
	}
	if r := w.pressPost(mod, post, b["Delay…"]); r.Type != discordgo.InteractionResponseModal {
		t.Fatalf("Delay… answered %d, want a form", r.Type)
	}
	r := w.submitPost(mod, post, b["Delay…"], map[string]string{"eta": "+2h", "reason": "weather"})
	if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(content(r), "delayed") {
		t.Errorf("Delay… +2h: %d %q, want the post edited", r.Type, content(r))
	}
	if f, _ := w.store.Flight(ctx, importGuild, 2); !f.ETA.Equal(eta2.Add(2*time.Hour)) || f.Status != mission.FlightDelayed {
		t.Errorf("after +2h flight #2 is %s at %v, want delayed to %v", f.Status, f.ETA, eta2.Add(2*time.Hour))
	}

	// A restart: a new router and session on the same database; the new reminder's Landed,
	// pressed by two moderators, one over the gateway and one over the HTTP endpoint, lands
	// once.
	w2 := serveWorld(t, w.fake, w.store, w.clock)
	w2.n.Store(1_000_000)
	w2.locale = w.locale
	w.clock.Set(eta2.Add(2 * time.Hour))
	post = withButtons(t, w2.dispatch())
	b = postButtons(post)
	before = counts()
	w2.openGateway()
	first := w2.pressGateway(mod, post, b["Landed"])
	second := w2.pressPost(otherMod, post, b["Landed"])
	if first.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(content(first), "landed") || len(buttons(first)) != 0 {
		t.Errorf("Landed: %d %q %v, want the post edited, buttons gone", first.Type, content(first), buttons(first))
	}
	if !ephemeral(second) || !strings.Contains(content(second), "<@"+mod+">") {
		t.Errorf("the second Landed: %q, want told who landed it", content(second))
	}
	if got := counts(); got[0] != before[0]+2 {
		t.Errorf("arrivals after two Landed = %d, want %d", got[0], before[0]+2)
	}

	// The ping role: a reminder mentions it, and only it.
	w2.do(serverManager, "settings", sub("ping-role", &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: dayPingRole}))
	w2.do(mod, "flight", sub("schedule", opt("eta", "in 30m"), opt("manifest", "KE 10 police")))
	w.clock.Advance(30 * time.Minute)
	before3 := len(w.fake.Messages())
	w2.dispatch()
	var pinged bool
	for _, m := range w.fake.Messages()[before3:] {
		var sent struct {
			AllowedMentions struct {
				Parse []string `json:"parse"`
				Roles []string `json:"roles"`
			} `json:"allowed_mentions"`
		}
		_ = json.Unmarshal(m.Body, &sent)
		am := sent.AllowedMentions
		if am.Parse == nil || len(am.Parse) != 0 || len(am.Roles) > 1 || (len(am.Roles) == 1 && am.Roles[0] != dayPingRole) {
			t.Errorf("post %q allows %+v, want the ping role alone", m.Content, am)
		}
		pinged = pinged || strings.HasPrefix(m.Content, "<@&"+dayPingRole+">")
	}
	if !pinged {
		t.Error("no reminder after /settings ping-role mentions the role")
	}

	// Flight #3 not landed two hours after its ETA: the overdue nudge pings the role and carries
	// the buttons; Cancel… asks the reason and cancels it, once.
	w.clock.Advance(2 * time.Hour)
	before3 = len(w.fake.Messages())
	nudge := withButtons(t, w2.dispatch())
	// The nudge is the moderators' to act on: it mentions their role too (README).
	if !strings.Contains(nudge.Content, "<@&"+dayPingRole+">") || !strings.Contains(nudge.Content, "<@&"+modRole+">") || postButtons(nudge)["Cancel…"] == "" {
		t.Fatalf("the overdue nudge %q %v, want the ping and moderator roles, and Cancel…", nudge.Content, postButtons(nudge))
	}
	// A delay typed wrong, to a time already past, is held and the post left as it is.
	held = w2.submitPost(mod, nudge, postButtons(nudge)["Delay…"], map[string]string{"eta": "yesterday 10:00", "reason": "crew"})
	if !ephemeral(held) || !strings.Contains(content(held), "in the past") || buttons(held)["Go ahead"] == "" {
		t.Errorf("Delay… to yesterday from the nudge: %d %q, want held", held.Type, content(held))
	}
	if f, _ := w.store.Flight(ctx, importGuild, 3); f.Status != mission.FlightScheduled {
		t.Errorf("after a held delay flight #3 is %s, want still scheduled", f.Status)
	}
	w2.pressPost(mod, nil, buttons(held)["Cancel"])
	if r := w2.pressPost(mod, nudge, postButtons(nudge)["Cancel…"]); r.Type != discordgo.InteractionResponseModal {
		t.Fatalf("Cancel… answered %d, want a form", r.Type)
	}
	r = w2.submitPost(mod, nudge, postButtons(nudge)["Cancel…"], map[string]string{"reason": "aircraft unserviceable"})
	if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(content(r), "cancelled") || len(buttons(r)) != 0 {
		t.Errorf("Cancel… submitted: %d %q %v, want the post edited, buttons gone", r.Type, content(r), buttons(r))
	}
	if f, _ := w.store.Flight(ctx, importGuild, 3); f.Status != mission.FlightCancelled || f.Reason != "aircraft unserviceable" {
		t.Errorf("after Cancel… flight #3 is %s (%q), want cancelled with its reason", f.Status, f.Reason)
	}

	// Without a role, the pings stop.
	w2.do(serverManager, "settings", sub("ping-role"))
	w2.do(mod, "flight", sub("schedule", opt("eta", "in 30m"), opt("manifest", "KE 5 police")))
	w.clock.Advance(30 * time.Minute)
	for _, p := range w2.dispatch() {
		if strings.Contains(p.Content, "<@&") {
			t.Errorf("after /settings ping-role without a role, a post mentions a role: %q", p.Content)
		}
	}
	for _, m := range w.fake.Messages()[before3:] {
		var sent struct {
			AllowedMentions struct {
				Parse []string `json:"parse"`
				Roles []string `json:"roles"`
			} `json:"allowed_mentions"`
		}
		_ = json.Unmarshal(m.Body, &sent)
		am := sent.AllowedMentions
		if am.Parse == nil || len(am.Parse) != 0 || slices.ContainsFunc(am.Roles, func(r string) bool { return r != dayPingRole && r != modRole }) {
			t.Errorf("post %q allows %+v, want the ping and moderator roles at most", m.Content, am)
		}
		if strings.Contains(m.Content, "<@&"+dayPingRole+">") != slices.Contains(am.Roles, dayPingRole) {
			t.Errorf("post %q mentions the ping role and allows %v: want both or neither", m.Content, am.Roles)
		}
	}

	// The ledger against the exports.
	dayLedger(t, w2)
	w.fake.AssertValid(t)
}

// dayLedger compares what the store holds and /forces shows with each export read back.
func dayLedger(t *testing.T, w *importWorld) {
	ctx := context.Background()
	ids := map[string]map[string]int{} // kind → id → personnel
	add := func(kind string, id int64, n int) {
		if ids[kind] == nil {
			ids[kind] = map[string]int{}
		}
		ids[kind][strconv.FormatInt(id, 10)] = n
	}
	// The ledger is read through the lists' queries, not the exports' streams, so that the two
	// are compared rather than one read twice.
	var deployed int64
	arrivals, _, err := w.store.FindArrivals(ctx, importGuild, storage.ArrivalFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arrivals {
		add("arrival", a.ID, a.Personnel)
		deployed += int64(a.Personnel)
	}
	departures, err := w.store.FindDepartures(ctx, importGuild, storage.ArrivalFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range departures {
		add("departure", d.ID, d.Personnel)
		deployed -= int64(d.Personnel)
	}
	_ = w.store.EachPledge(ctx, importGuild, func(p storage.Pledge) error {
		n := 0
		if p.Personnel != nil {
			n = *p.Personnel
		}
		add("pledge", p.ID, n)
		return nil
	})
	_ = w.store.EachFlight(ctx, importGuild, func(f storage.Flight) error { add("flight", f.ID, 0); return nil })
	if _, total, err := w.store.ForceLevels(ctx, importGuild); err != nil || total != deployed {
		t.Errorf("ForceLevels total = %d (%v), the ledger's arrivals less departures = %d", total, err, deployed)
	}
	if w.do(plainMember, "forces"); !strings.Contains(string(w.raw), fmt.Sprintf("**%s** deployed", thousands(deployed))) {
		t.Errorf("/forces does not show %d deployed:\n%s", deployed, w.raw)
	}

	check := func(export string, kinds ...string) {
		rows := w.exportRows(export)
		seen := map[string]int{}
		for _, row := range rows {
			kind := row["kind"]
			if kind == "" {
				kind = kinds[0]
			}
			if !slices.Contains(kinds, kind) {
				continue // the guild's settings travel in kind:all too
			}
			key := kind + " " + row["id"]
			seen[key]++
			want, ok := ids[kind][row["id"]]
			if !ok {
				t.Errorf("/export kind:%s has %s, not in the ledger", export, key)
				continue
			}
			if kind != "flight" && row["personnel"] != "" && row["personnel"] != strconv.Itoa(want) {
				t.Errorf("/export kind:%s: %s has personnel %s, the ledger %d", export, key, row["personnel"], want)
			}
		}
		for _, kind := range kinds {
			for id := range ids[kind] {
				if n := seen[kind+" "+id]; n != 1 {
					t.Errorf("/export kind:%s holds %s %s %d times, want once", export, kind, id, n)
				}
			}
		}
	}
	check("arrivals", "arrival")
	check("departures", "departure")
	check("pledges", "pledge")
	check("flights", "flight")
	check("all", "arrival", "departure", "pledge", "flight")

	// kind:all is the guild to move or restore: imported into another server it gives the same
	// force levels, the landings undone and redone counted once.
	all := w.exportWith(fakediscord.DefaultAttachmentSizeLimit, opt("kind", "all"))
	if len(all.files) != 1 {
		t.Fatalf("/export kind:all answered %d files", len(all.files))
	}
	const restored = "1100000000000000999"
	if _, err := exchange.ImportCSV(ctx, w.store, storage.Actor{GuildID: restored, UserID: uploader}, bytes.NewReader(all.files[0].data)); err != nil {
		t.Fatalf("importing kind:all into another server: %v", err)
	}
	want, wantTotal, _ := w.store.ForceLevels(ctx, importGuild)
	got, gotTotal, err := w.store.ForceLevels(ctx, restored)
	if err != nil || gotTotal != wantTotal || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("force levels restored from kind:all = %d %v (%v), want %d %v", gotTotal, got, err, wantTotal, want)
	}

	audit := w.exportRows("audit")
	var unland, etaChange bool
	for _, row := range audit {
		for col, v := range row {
			for _, internal := range []string{"GuildID", "DeletedAt", "CreatedAt", "UpdatedAt", "guild_id"} {
				if strings.Contains(col, internal) || strings.Contains(v, internal) {
					t.Errorf("the audit export names %s: %v", internal, row)
				}
			}
		}
		if row["field"] == "" {
			t.Errorf("the audit export has a row naming no field: %v", row)
		}
		if strings.Contains(row["action"], "unland") {
			unland = true
		}
		if row["kind"] == "flight" && row["field"] == "eta" && row["before"] != "" && row["after"] != "" && row["before"] != row["after"] {
			etaChange = true
		}
	}
	if !unland || !etaChange {
		t.Errorf("the audit export: unland %v, the delay's ETA before/after %v; want both\n%v", unland, etaChange, audit)
	}
}

// thousands writes n as /forces does in English: 1,234.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
