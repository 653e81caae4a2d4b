package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/fakediscord"
	"liaison/jobs"
	"liaison/mission"
	"liaison/storage"
)

// Roles of the post-button test guild.
const (
	e2eModRole  = "1400000000000000001"
	e2ePingRole = "1400000000000000002"
)

// restart is a new instance on the same database and fake Discord: a new router, session and
// gateway, the old gateway closed first. Nothing but the database carries over.
func (w *world) restart(t *testing.T, old *bot.Gateway) *bot.Gateway {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	old.Close(ctx)
	router, err := bot.NewRouter(w.log, w.store, commands.All(commands.Deps{Store: w.store, Log: w.log}))
	if err != nil {
		t.Fatal(err)
	}
	router.DeferAfter = time.Minute
	session, err := bot.NewSession(bot.SessionConfig{Token: "test-token", APIBase: w.fake.APIBase(), Metrics: w.metrics, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w.router, w.session = router, session
	return w.openGateway(t)
}

// pressIn sends a press of the post's button customID by a member with perms and roles, over
// the gateway, and returns the answer after checking it against Discord's spec. A form's
// submit carries its inputs (id → value).
func (w *world) press(t *testing.T, post *discordgo.Message, customID string, perms int64, roles []string, form map[string]string) fakediscord.Response {
	t.Helper()
	n := time.Now().UnixNano() % 1_000_000_000
	loc := w.pressLocale
	if loc == "" {
		loc = discordgo.EnglishGB
	}
	i := &discordgo.Interaction{ID: fmt.Sprintf("15%017d", n), Token: fmt.Sprintf("aW50ZXJhY3Rpb246%d", n), AppID: fakediscord.ApplicationID,
		Version: 1, GuildID: e2eGuild, ChannelID: e2eChannel, Member: member(perms, roles...), Locale: loc,
		GuildLocale: ptr(discordgo.EnglishUS), Message: post}
	if form == nil {
		i.Type = discordgo.InteractionMessageComponent
		i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}
		if err := w.fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
	} else {
		// discordgo does not encode a submit's inputs (its components are json:"-"), so the
		// event is written as Discord writes it: action rows of text inputs with their values.
		i.Type = discordgo.InteractionModalSubmit
		body, err := fakediscord.InteractionPayload(i, fakediscord.DefaultAttachmentSizeLimit)
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]any
		if err := json.Unmarshal(body, &obj); err != nil {
			t.Fatal(err)
		}
		var rows []any
		for id, v := range form {
			rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}})
		}
		obj["data"] = map[string]any{"custom_id": customID, "components": rows}
		raw, _ := json.Marshal(obj)
		if err := w.fake.Dispatch("INTERACTION_CREATE", json.RawMessage(raw)); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := w.fake.WaitResponse(testCtx(t), i.ID)
	if err != nil {
		t.Fatalf("no answer to the press of %s: %v", customID, err)
	}
	if err := w.fake.ValidateInteractionResponse(resp.Body); err != nil {
		t.Errorf("answer to %s violates the spec: %v\n%s", customID, err, resp.Body)
	}
	return resp
}

// buttonIDs lists the custom_ids of a message's (or an answer's) components.
func buttonIDs(t *testing.T, comps any) []string {
	t.Helper()
	raw, _ := json.Marshal(comps)
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatalf("components %s: %v", raw, err)
	}
	var out []string
	for _, r := range rows {
		for _, c := range r.Components {
			out = append(out, c.CustomID)
		}
	}
	return out
}

// TestReminderButtons plays a flight's post at its ETA through the fake Discord: the post pings
// the ping role alone and carries Landed, Delay… and Cancel…; a member's press is refused; a
// moderator's Delay… opens a form whose "+2h" moves the ETA and edits the post; after a restart
// Landed lands the flight once, edits the post and takes its buttons away; a second press
// changes nothing and says what was done. Every body is checked against Discord's spec.
func TestReminderButtons(t *testing.T) {
	w := newWorld(t)
	gw := w.openGateway(t)
	ctx := testCtx(t)
	admin := storage.Actor{GuildID: e2eGuild, UserID: e2eUser, Command: "/settings"}
	if _, err := w.store.UpdateGuild(ctx, admin, func(g *storage.Guild) error {
		g.ChannelID, g.ModeratorRoleID, g.PingRoleID, g.Language = e2eChannel, e2eModRole, e2ePingRole, "en"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eta := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	f, err := w.store.ScheduleFlight(ctx, storage.Actor{GuildID: e2eGuild, UserID: e2eUser}, storage.Flight{ETA: eta, Destination: "PAP",
		Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary}}}})
	if err != nil {
		t.Fatal(err)
	}
	sched := jobs.New(w.store, bot.NewDiscordPoster(w.session), nil)
	sched.Now = func() time.Time { return eta } // the reminder at the ETA falls due
	if n, err := sched.DispatchDue(ctx); err != nil || n != 1 {
		t.Fatalf("DispatchDue = %d, %v; want the reminder at the ETA", n, err)
	}
	msgs := w.fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("fake has %d messages, want the reminder", len(msgs))
	}
	var sent struct {
		Content         string `json:"content"`
		AllowedMentions struct {
			Parse []string `json:"parse"`
			Roles []string `json:"roles"`
		} `json:"allowed_mentions"`
		Components json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(msgs[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sent.Content, "<@&"+e2ePingRole+">") {
		t.Errorf("reminder content %q does not begin with the ping role's mention", sent.Content)
	}
	if am := sent.AllowedMentions; am.Parse == nil || len(am.Parse) != 0 || len(am.Roles) != 1 || am.Roles[0] != e2ePingRole {
		t.Errorf("reminder allowed_mentions = %+v, want parse [] and roles [%s] alone", am, e2ePingRole)
	}
	land, delay, cancel := fmt.Sprintf("flight land:post:%d", f.ID), fmt.Sprintf("flight delay:post:%d", f.ID), fmt.Sprintf("flight cancel:post:%d", f.ID)
	if got := buttonIDs(t, sent.Components); strings.Join(got, " ") != strings.Join([]string{land, delay, cancel}, " ") {
		t.Fatalf("reminder buttons = %q, want Landed, Delay…, Cancel… of flight #%d", got, f.ID)
	}
	post := &discordgo.Message{}
	if err := json.Unmarshal(msgs[0].Body, post); err != nil {
		t.Fatal(err)
	}
	post.ID, post.ChannelID = msgs[0].ID, e2eChannel

	// A member's press is refused, privately, and changes nothing.
	resp := w.press(t, post, land, everyonePerms, nil, nil)
	if resp.Type != int(discordgo.InteractionResponseChannelMessageWithSource) || intOf(resp.Data["flags"])&64 == 0 || !strings.Contains(callbackContent(resp), "⛔") {
		t.Errorf("member's press answered %d %v, want an ephemeral refusal", resp.Type, resp.Data)
	}
	if got, _ := w.store.Flight(ctx, e2eGuild, f.ID); got.Status != mission.FlightScheduled {
		t.Errorf("after a member's press the flight is %s, want still scheduled", got.Status)
	}

	// The HTTP door answers the same press inline: a moderator's Delay… opens its form.
	_, url, priv := w.endpoint(t, nil)
	hi := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, AppID: fakediscord.ApplicationID, Version: 1,
		GuildID: e2eGuild, ChannelID: e2eChannel, Member: member(0, e2eModRole), Locale: discordgo.French, Message: post,
		Data: discordgo.MessageComponentInteractionData{CustomID: delay, ComponentType: discordgo.ButtonComponent}}
	hresp := signedPost(t, http.DefaultClient, url, priv, time.Now(), interactionJSON(t, hi, 7))
	answer := readAll(t, hresp)
	if err := w.fake.ValidateInteractionResponse(answer); err != nil {
		t.Errorf("HTTP answer to Delay… violates the spec: %v\n%s", err, answer)
	}
	var form struct {
		Type discordgo.InteractionResponseType `json:"type"`
	}
	if err := json.Unmarshal(answer, &form); err != nil || form.Type != discordgo.InteractionResponseModal || !strings.Contains(string(answer), "Retarder le vol") {
		t.Errorf("HTTP Delay… answered %s (%v), want its form in the presser's language", answer, err)
	}
	forward(t, w.fake, hi, hresp.Header.Get("Content-Type"), answer)

	// Delay… opens a form; its "+2h" moves the ETA two hours and edits the post, buttons kept.
	if resp := w.press(t, post, delay, 0, []string{e2eModRole}, nil); resp.Type != int(discordgo.InteractionResponseModal) {
		t.Fatalf("Delay… answered type %d, want a form (9)", resp.Type)
	}
	resp = w.press(t, post, delay, 0, []string{e2eModRole}, map[string]string{"eta": "+2h", "reason": "weather"})
	if resp.Type != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(callbackContent(resp), "delayed") {
		t.Errorf("Delay… submit answered %d %q, want the post updated to say it was delayed", resp.Type, callbackContent(resp))
	}
	if got := buttonIDs(t, resp.Data["components"]); len(got) != 3 {
		t.Errorf("buttons after a delay = %q, want all three", got)
	}
	if got, _ := w.store.Flight(ctx, e2eGuild, f.ID); !got.ETA.Equal(eta.Add(2*time.Hour)) || got.Status != mission.FlightDelayed {
		t.Errorf("after Delay… +2h the flight is %s at %v, want delayed to %v", got.Status, got.ETA, eta.Add(2*time.Hour))
	}

	// Another instance, started after the post: the buttons carry all they need.
	// The moderator who lands it reads Discord in French; the post stays in the server's
	// English, while what is told to the presser alone is in French.
	gw = w.restart(t, gw)
	w.pressLocale = discordgo.French
	resp = w.press(t, post, land, 0, []string{e2eModRole}, nil)
	if resp.Type != int(discordgo.InteractionResponseUpdateMessage) || !strings.Contains(callbackContent(resp), "landed") ||
		strings.Contains(callbackContent(resp), "atterri") ||
		!strings.Contains(callbackContent(resp), "<@"+e2eUser+">") || !strings.Contains(callbackContent(resp), "<t:") {
		t.Errorf("Landed answered %d %q, want the post updated to say landed, by whom and when", resp.Type, callbackContent(resp))
	}
	if got := buttonIDs(t, resp.Data["components"]); len(got) != 0 {
		t.Errorf("buttons after landing = %q, want none", got)
	}
	w.pressLocale = ""
	again := w.press(t, post, land, 0, []string{e2eModRole}, nil)
	if intOf(again.Data["flags"])&64 == 0 || !strings.Contains(callbackContent(again), "already handled") {
		t.Errorf("second press answered %v, want a private note of what was already done", again.Data)
	}
	// A form of a flight that has landed does not open: the press is told what was done.
	if late := w.press(t, post, cancel, 0, []string{e2eModRole}, nil); late.Type == int(discordgo.InteractionResponseModal) ||
		!strings.Contains(callbackContent(late), "already handled") {
		t.Errorf("Cancel… on a landed flight answered %d %v, want a private note of what was already done", late.Type, late.Data)
	}
	arrivals, _, err := w.store.FindArrivals(ctx, e2eGuild, storage.ArrivalFilter{})
	if err != nil || len(arrivals) != 1 {
		t.Errorf("arrivals after two presses of Landed = %d (%v), want 1", len(arrivals), err)
	}
	if last, err := w.store.FindAudit(ctx, e2eGuild, storage.AuditFilter{Kind: mission.KindFlight, RecordID: f.ID, Limit: 1}); err != nil ||
		len(last) != 1 || last[0].Action != mission.ActionLand || last[0].Command != "/flight land" || last[0].UserID != e2eUser {
		t.Errorf("the flight's last audit entry = %+v (%v), want the landing by %s through /flight land", last, err, e2eUser)
	}
	w.fake.AssertValid(t)
}

// intOf reads a JSON number of an answer's data.
func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}
