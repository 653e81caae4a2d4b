package bot_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/storage"
)

// TestGatewayDiscoveryAndIntents: the gateway URL is discovered through the api_base transport
// (the fake's first request), and Identify asks for GUILDS only.
func TestGatewayDiscoveryAndIntents(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	gw := w.openGateway(t)
	reqs := w.fake.Requests()
	if len(reqs) == 0 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/api/v9/gateway" {
		t.Errorf("first REST request = %+v, want GET /api/v9/gateway through the transport", reqs)
	}
	var id struct {
		Intents int     `json:"intents"`
		Shard   *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(w.fake.LastIdentify(), &id); err != nil {
		t.Fatal(err)
	}
	if id.Intents != int(discordgo.IntentsGuilds) || id.Shard != nil {
		t.Errorf("identify intents %d shard %v, want %d and no shard", id.Intents, id.Shard, discordgo.IntentsGuilds)
	}
	if !gw.Connected() {
		t.Error("Connected() = false after Open")
	}
	w.fake.AssertValid(t)
}

// TestGatewayShard: shard_id/shard_count reach Identify.
func TestGatewayShard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s, err := bot.NewSession(bot.SessionConfig{Token: "test-token", APIBase: w.fake.APIBase(), ShardID: 1, ShardCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	w.session = s
	w.openGateway(t)
	var id struct {
		Shard *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(w.fake.LastIdentify(), &id); err != nil || id.Shard == nil || *id.Shard != [2]int{1, 2} {
		t.Errorf("identify shard = %v (%v), want [1, 2]", id.Shard, err)
	}
}

// TestGatewaySlowCommandDefersThenEdits: over the gateway too, a slow handler is answered with
// a deferral callback within Discord's 3 s, then its reply edits the original response.
func TestGatewaySlowCommandDefersThenEdits(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newWorld(t, slowCommand(release))
	w.router.DeferAfter = 50 * time.Millisecond
	w.openGateway(t)
	ctx := testCtx(t)

	i := slash(everyonePerms, "slow")
	if err := w.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	first, err := w.fake.WaitResponse(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("first answer type %d, want 5 (deferred)", first.Type)
	}
	close(release)
	waitEdit(t, w.fake, i.ID)
	w.fake.AssertValid(t)
}

// waitEdit waits until the interaction's original response has been edited.
func waitEdit(t *testing.T, fake *fakediscord.Server, id string) fakediscord.Response {
	t.Helper()
	var edit fakediscord.Response
	err := fake.WaitFor(testCtx(t), func() bool {
		for _, r := range fake.Responses(id) {
			if r.Kind == "edit_original" {
				edit = r
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no edit of the original response: %v", err)
	}
	return edit
}

// TestGatewayCloseAnswersInFlight: Close disconnects at once but returns only after the
// interaction being handled has had its final answer.
func TestGatewayCloseAnswersInFlight(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newWorld(t, slowCommand(release))
	w.router.DeferAfter = 50 * time.Millisecond
	gw := w.openGateway(t)
	ctx := testCtx(t)

	i := slash(everyonePerms, "slow")
	if err := w.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	if _, err := w.fake.WaitResponse(ctx, i.ID); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- gw.Close(ctx) }()
	time.AfterFunc(1500*time.Millisecond, func() { close(release) }) // after discordgo's 1 s close
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	rs := w.fake.Responses(i.ID)
	if len(rs) != 2 || rs[1].Kind != "edit_original" {
		t.Errorf("responses when Close returned = %+v, want the deferral and the edit", rs)
	}
	if gw.Connected() {
		t.Error("Connected() = true after Close")
	}
	w.fake.AssertValid(t)
}

// TestGatewayRecoversFromReconnectAndInvalidSession: Discord's op 7 (reconnect) and op 9
// (invalid session, not resumable) both end with commands answered again.
func TestGatewayRecoversFromReconnectAndInvalidSession(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		breakIt func(*fakediscord.Server)
	}{
		{"op 7 reconnect", func(s *fakediscord.Server) { s.SendReconnect() }},
		{"op 9 invalid session", func(s *fakediscord.Server) { s.SendInvalidSession(false) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.openGateway(t)
			ctx := testCtx(t)
			tt.breakIt(w.fake)
			if err := w.fake.WaitReady(ctx); err != nil {
				t.Fatal(err)
			}
			i := slash(everyonePerms, "help")
			if err := w.fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
			if _, err := w.fake.WaitResponse(ctx, i.ID); err != nil {
				t.Fatalf("%v\nlogs:\n%s", err, w.logs)
			}
			w.fake.AssertValid(t)
		})
	}
}

// TestGatewayAutocomplete: a country autocomplete over the gateway is answered with choices
// valid per the spec.
func TestGatewayAutocomplete(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.openGateway(t)
	i := slash(everyonePerms, "forces", &discordgo.ApplicationCommandInteractionDataOption{
		Name: "country", Type: discordgo.ApplicationCommandOptionString, Value: "guat", Focused: true})
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	if err := w.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	resp, err := w.fake.WaitResponse(testCtx(t), i.ID)
	if err != nil {
		t.Fatal(err)
	}
	choices, _ := resp.Data["choices"].([]any)
	if resp.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || len(choices) == 0 {
		t.Fatalf("autocomplete answer = %s, want choices", resp.Body)
	}
	if c, _ := choices[0].(map[string]any); c["value"] != "GT" {
		t.Errorf("first choice = %v, want Guatemala (GT)", choices[0])
	}
	w.fake.AssertValid(t)
}

// TestGatewayButtonPaging: a list longer than a page has a Next button whose click, over the
// gateway, updates the message it belongs to with the next page.
func TestGatewayButtonPaging(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := testCtx(t)
	for n := range 12 {
		if _, err := w.store.LogArrival(ctx, storage.Actor{GuildID: e2eGuild, UserID: e2eUser, Command: "test"},
			storage.Arrival{GuildID: e2eGuild, Country: "KE", Personnel: n + 1, Role: "police", ArrivedAt: w.store.Now().Add(-time.Duration(n) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	w.openGateway(t)
	list := slash(everyonePerms, "arrivals")
	if err := w.fake.DispatchInteraction(list); err != nil {
		t.Fatal(err)
	}
	resp, err := w.fake.WaitResponse(ctx, list.ID)
	if err != nil {
		t.Fatal(err)
	}
	customID := firstButton(resp.Data)
	if customID == "" {
		t.Fatalf("12 arrivals answered without an enabled button: %s", resp.Body)
	}
	click := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, AppID: fakediscord.ApplicationID, Version: 1,
		GuildID: e2eGuild, ChannelID: e2eChannel, Member: member(everyonePerms),
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
	if err := w.fake.DispatchInteraction(click); err != nil {
		t.Fatal(err)
	}
	resp, err = w.fake.WaitResponse(ctx, click.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Type != int(discordgo.InteractionResponseUpdateMessage) {
		t.Errorf("click answered with type %d, want 7 (update the message): %s", resp.Type, resp.Body)
	}
	w.fake.AssertValid(t)
}

// firstButton returns the custom_id of the first enabled button in a message's components.
func firstButton(data map[string]any) string {
	rows, _ := data["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			b, _ := c.(map[string]any)
			if id, _ := b["custom_id"].(string); id != "" && b["disabled"] != true {
				return id
			}
		}
	}
	return ""
}
