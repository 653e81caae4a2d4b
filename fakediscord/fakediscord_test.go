package fakediscord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"liaison/bot"
	"liaison/fakediscord"
)

// session returns an unmodified discordgo session pointed at the fake.
func session(t *testing.T, s *fakediscord.Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	// The bot's own api_base transport, so that the fake is tested with what production sends.
	rt, err := bot.NewTransport(s.APIBase(), http.DefaultTransport, nil)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 5 * time.Second}
	return dg
}

// open connects a session to the fake's gateway and closes it at the end.
func open(t *testing.T, s *fakediscord.Server, dg *discordgo.Session) {
	t.Helper()
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { dg.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// interactions collects interactions the session's handler receives.
func interactions(dg *discordgo.Session) <-chan *discordgo.Interaction {
	ch := make(chan *discordgo.Interaction, 16)
	dg.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { ch <- ic.Interaction })
	return ch
}

func receive(t *testing.T, ch <-chan *discordgo.Interaction, id string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case i := <-ch:
			if i.ID == id {
				return
			}
		case <-timeout:
			t.Fatalf("interaction %s never reached the handler", id)
		}
	}
}

func command(name string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:      discordgo.InteractionApplicationCommand,
		GuildID:   fakediscord.DefaultGuildID,
		ChannelID: "1100000000000000100",
		Member:    &discordgo.Member{User: &discordgo.User{ID: "1100000000000000200", Username: "alice"}},
		Data:      discordgo.ApplicationCommandInteractionData{ID: "1100000000000000300", Name: name},
	}
}

func restCode(t *testing.T, err error) int {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want a *discordgo.RESTError", err, err)
	}
	if re.Message == nil {
		return 0
	}
	return re.Message.Code
}

func TestOpenReachesReadyThroughCompressedFrame(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	open(t, s, dg)

	if got := dg.State.User.ID; got != fakediscord.BotUserID {
		t.Errorf("State.User.ID = %q, want %q (READY not processed)", got, fakediscord.BotUserID)
	}
	if got := s.CompressedFrames(); got != 1 {
		t.Errorf("CompressedFrames() = %d, want 1 (READY as zlib binary frame)", got)
	}
	if got := s.Identifies(); got != 1 {
		t.Errorf("Identifies() = %d, want 1", got)
	}
	reqs := s.Requests()
	if len(reqs) == 0 || reqs[0].Path != "/api/v9/gateway" || reqs[0].Status != http.StatusOK {
		t.Errorf("first request = %+v, want GET /api/v9/gateway answered 200", reqs)
	}
	var id struct {
		Intents int `json:"intents"`
	}
	if err := json.Unmarshal(s.LastIdentify(), &id); err != nil || id.Intents != int(discordgo.IntentsAllWithoutPrivileged) {
		t.Errorf("identify intents = %d (%v), want %d", id.Intents, err, discordgo.IntentsAllWithoutPrivileged)
	}
	s.AssertValid(t)
}

func TestHeartbeatsAreAcknowledged(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	open(t, s, dg)
	// discordgo sends its first heartbeat as soon as it is connected.
	if err := s.WaitFor(ctx(t), func() bool { return s.Heartbeats() >= 1 }); err != nil {
		t.Fatalf("no heartbeat: %v", err)
	}

	ws := rawGateway(t, s)
	ws.WriteJSON(map[string]any{"op": 1, "d": nil})
	var ack struct {
		Op int `json:"op"`
	}
	if err := ws.ReadJSON(&ack); err != nil || ack.Op != 11 {
		t.Errorf("answer to op 1 = %+v, %v; want op 11", ack, err)
	}
}

func TestInteractionAnswersAreRecordedAndValid(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	errs := make(chan error, 4)
	dg.AddHandler(func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		switch ic.ApplicationCommandData().Name {
		case "ping":
			errs <- dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "pong", Flags: discordgo.MessageFlagsEphemeral},
			})
		case "report":
			if err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			}); err != nil {
				errs <- err
				return
			}
			content := "done"
			if _, err := dg.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
				Content: &content,
				Files:   []*discordgo.File{{Name: "report.csv", ContentType: "text/csv", Reader: strings.NewReader("a,b\n")}},
			}); err != nil {
				errs <- err
				return
			}
			_, err := dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "and one more thing"})
			errs <- err
		}
	})
	open(t, s, dg)

	ping := command("ping")
	if err := s.DispatchInteraction(ping); err != nil {
		t.Fatal(err)
	}
	r, err := s.WaitResponse(ctx(t), ping.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatalf("InteractionRespond: %v", err)
	}
	if r.Type != 4 || r.Data["content"] != "pong" {
		t.Errorf("callback = type %d data %v, want type 4 content pong", r.Type, r.Data)
	}
	if err := s.ValidateInteractionResponse(r.Body); err != nil {
		t.Errorf("ValidateInteractionResponse(recorded body) = %v", err)
	}

	report := command("report")
	if err := s.DispatchInteraction(report); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatalf("deferred flow: %v", err)
	}
	rs := s.Responses(report.ID)
	var kinds []string
	for _, r := range rs {
		kinds = append(kinds, r.Kind)
	}
	if got, want := strings.Join(kinds, ","), "callback,edit_original,followup"; got != want {
		t.Fatalf("response kinds = %s, want %s", got, want)
	}
	if rs[0].Type != 5 {
		t.Errorf("first callback type = %d, want 5", rs[0].Type)
	}
	if f := rs[1].Files; len(f) != 1 || f[0].Name != "report.csv" || string(f[0].Data) != "a,b\n" {
		t.Errorf("edit files = %+v, want report.csv with its bytes", f)
	}
	if rs[1].Data["content"] != "done" {
		t.Errorf("edit content = %v, want done", rs[1].Data["content"])
	}
	s.AssertValid(t)
}

func TestChannelMessageSendComplexIsRecorded(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	const channel = "1100000000000000100"
	msg, err := dg.ChannelMessageSendComplex(channel, &discordgo.MessageSend{
		Content: "Flights today",
		Embeds: []*discordgo.MessageEmbed{{
			Title:     "Arrivals",
			Timestamp: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).Format(time.RFC3339),
			Fields:    []*discordgo.MessageEmbedField{{Name: "LHR", Value: "3", Inline: true}},
		}},
		Files: []*discordgo.File{{Name: "map.png", ContentType: "image/png", Reader: bytes.NewReader([]byte{0x89, 'P', 'N', 'G'})}},
	})
	if err != nil {
		t.Fatalf("ChannelMessageSendComplex: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("Messages() = %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.ID != msg.ID || m.ChannelID != channel || m.Content != "Flights today" {
		t.Errorf("recorded %+v, want id %s in %s with the content", m, msg.ID, channel)
	}
	if !strings.Contains(string(m.Embeds), `"Arrivals"`) || len(m.Files) != 1 {
		t.Errorf("embeds %s files %d, want the embed and one file", m.Embeds, len(m.Files))
	}
	if len(msg.Embeds) != 1 || len(msg.Attachments) != 1 {
		t.Errorf("answer has %d embeds %d attachments, want 1 and 1", len(msg.Embeds), len(msg.Attachments))
	}
	got, err := dg.ChannelMessage(channel, msg.ID)
	if err != nil || got.Content != "Flights today" {
		t.Errorf("ChannelMessage = %v, %v; want the stored message", got, err)
	}
	s.AssertValid(t)
}

func TestBodiesBreakingTheSpecAreViolations(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)

	// Commands: an option without a description (discordgo omits the empty
	// string, Discord requires it).
	_, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, "", []*discordgo.ApplicationCommand{{
		Name:        "when",
		Description: "Show a time",
		Options:     []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "zone"}},
	}})
	if code := restCode(t, err); code != 50035 {
		t.Errorf("bulk overwrite with bad option: code %d, want 50035", code)
	}
	// A channel message over the 4000-character limit of MessageCreateRequest.
	_, err = dg.ChannelMessageSend("1100000000000000100", strings.Repeat("x", 4001))
	if code := restCode(t, err); code != 50035 {
		t.Errorf("long message: code %d, want 50035", code)
	}
	// An interaction reply over 2000 characters.
	err = dg.InteractionRespond(&discordgo.Interaction{ID: "1100000000000000400", Token: "tok"}, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: strings.Repeat("x", 2001)},
	})
	if code := restCode(t, err); code != 50035 {
		t.Errorf("long reply: code %d, want 50035", code)
	}

	v := s.Violations()
	if len(v) != 3 {
		t.Fatalf("Violations() = %d, want 3: %v", len(v), v)
	}
	for i, want := range []string{"/commands", "/messages", "/callback"} {
		if !strings.HasSuffix(v[i].Path, want) || v[i].Err == nil {
			t.Errorf("violation %d = %s %s (%v), want path ending %s", i, v[i].Method, v[i].Path, v[i].Err, want)
		}
	}
	if len(s.Messages()) != 0 || len(s.Commands("")) != 0 {
		t.Errorf("rejected bodies created state: %d messages, %d commands", len(s.Messages()), len(s.Commands("")))
	}
}

func TestValidateRequestBody(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	tests := []struct {
		method, path, body string
		ok                 bool
	}{
		{"POST", "/api/v9/channels/1/messages", `{"content":"hi"}`, true},
		{"POST", "/api/v9/channels/1/messages", `{"content":123}`, false},
		{"POST", "/api/v9/channels/1/messages", `{"content":"hi","flags":"4096"}`, true}, // integer as numeric string
		{"POST", "/api/v9/channels/1/messages", `{"content":"hi","flags":"4k"}`, false},
		{"POST", "/api/v9/channels/1/messages", `{"embeds":[{"color":"16777216"}]}`, false}, // converted, then over maximum
		{"POST", "/api/v9/channels/1/messages", `{"embeds":[{"timestamp":"yesterday"}]}`, false},
		{"PUT", "/api/v9/applications/1/commands", `[{"name":"ping","description":"Ping","default_member_permissions":"8"}]`, true},
		{"PUT", "/api/v9/applications/1/commands", `[{"name":"` + strings.Repeat("p", 33) + `"}]`, false},
		{"PATCH", "/api/v9/webhooks/1/tok/messages/@original", `{"content":"edited"}`, true},
		{"POST", "/api/v9/nowhere", `{}`, false},
	}
	for _, tt := range tests {
		err := s.ValidateRequestBody(tt.method, tt.path, []byte(tt.body))
		if (err == nil) != tt.ok {
			t.Errorf("ValidateRequestBody(%s %s, %s) = %v, want ok=%v", tt.method, tt.path, tt.body, err, tt.ok)
		}
	}
	for body, ok := range map[string]bool{
		`{"type":1}`: true,
		`{"type":"4","data":{"content":"hi","flags":"64"}}`:                 true,
		`{"type":4,"data":{"content":"` + strings.Repeat("x", 2001) + `"}}`: false,
		`{"type":99}`: false,
		`{"data":{}}`: false,
	} {
		if err := s.ValidateInteractionResponse([]byte(body)); (err == nil) != ok {
			t.Errorf("ValidateInteractionResponse(%.60s) = %v, want ok=%v", body, err, ok)
		}
	}
}

func TestCommandsAndScheduledEvents(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	perm := int64(discordgo.PermissionManageEvents)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ping", Description: "Check the bot is alive"},
		{Name: "event", Description: "Schedule an event", DefaultMemberPermissions: &perm, Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "when", Description: "Start time", Required: true,
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "now", Value: "now"}}},
		}},
	}
	first, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, fakediscord.DefaultGuildID, cmds)
	if err != nil {
		t.Fatalf("bulk overwrite: %v", err)
	}
	second, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, fakediscord.DefaultGuildID, cmds)
	if err != nil {
		t.Fatalf("bulk overwrite again: %v", err)
	}
	if len(first) != 2 || first[0].ID == "" || first[0].ID != second[0].ID || first[1].ID != second[1].ID {
		t.Errorf("command IDs %v then %v, want stable non-empty IDs", first, second)
	}
	if got := s.Commands(fakediscord.DefaultGuildID); len(got) != 2 || *got[1].DefaultMemberPermissions != perm {
		t.Errorf("Commands() = %v, want both with permissions kept", got)
	}

	start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	end := start.Add(time.Hour)
	ev, err := dg.GuildScheduledEventCreate(fakediscord.DefaultGuildID, &discordgo.GuildScheduledEventParams{
		Name:               "Fly-in",
		ScheduledStartTime: &start,
		ScheduledEndTime:   &end,
		PrivacyLevel:       discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:         discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata:     &discordgo.GuildScheduledEventEntityMetadata{Location: "EGLL"},
	})
	if err != nil {
		t.Fatalf("create event: %v", err)
	}
	if !ev.ScheduledStartTime.Equal(start) || ev.ID == "" {
		t.Errorf("created event %+v, want an ID and start %v", ev, start)
	}
	ev, err = dg.GuildScheduledEventEdit(fakediscord.DefaultGuildID, ev.ID, &discordgo.GuildScheduledEventParams{Name: "Fly-out"})
	if err != nil || ev.Name != "Fly-out" {
		t.Fatalf("edit event = %v, %v", ev, err)
	}
	if got := s.ScheduledEvents(fakediscord.DefaultGuildID); len(got) != 1 || got[0].Name != "Fly-out" {
		t.Errorf("ScheduledEvents() = %v, want the edited event", got)
	}
	if err := dg.GuildScheduledEventDelete(fakediscord.DefaultGuildID, ev.ID); err != nil {
		t.Fatalf("delete event: %v", err)
	}
	if got := s.ScheduledEvents(fakediscord.DefaultGuildID); len(got) != 0 {
		t.Errorf("ScheduledEvents() after delete = %v", got)
	}
	s.AssertValid(t)
}

func TestEnforcedNonceReturnsFirstMessage(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	const channel = "1100000000000000100"
	post := func(nonce string, enforce bool) string {
		t.Helper()
		endpoint := discordgo.EndpointChannelMessages(channel)
		body, err := dg.RequestWithBucketID("POST", endpoint, map[string]any{
			"content": "digest", "nonce": nonce, "enforce_nonce": enforce,
		}, endpoint)
		if err != nil {
			t.Fatalf("post: %v", err)
		}
		var m discordgo.Message
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	a := post("job-42", true)
	b := post("job-42", true)
	if a != b {
		t.Errorf("second post with the same enforced nonce got id %s, want %s", b, a)
	}
	if c := post("job-43", true); c == a {
		t.Errorf("another nonce got the first message's id")
	}
	if d := post("job-42", false); d == a {
		t.Errorf("unenforced nonce was deduplicated")
	}
	if got := len(s.Messages()); got != 3 {
		t.Errorf("Messages() = %d, want 3 distinct", got)
	}
	s.AssertValid(t)
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	const channel = "1100000000000000100"

	s.FailNext("POST", "/channels/"+channel+"/messages", 1, http.StatusTooManyRequests, 200*time.Millisecond)
	start := time.Now()
	if _, err := dg.ChannelMessageSend(channel, "after a 429"); err != nil {
		t.Fatalf("discordgo did not retry the 429: %v", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("retried after %v, want it to wait retry_after (200ms)", d)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 200 {
		t.Errorf("statuses = %v, want [429 200]", statuses)
	}

	s.FailNext("", "/api/v9/channels/", 1, http.StatusInternalServerError, 0)
	_, err := dg.ChannelMessageSend(channel, "during an outage")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 500 {
		t.Errorf("500 surfaced as %v, want a RESTError with status 500", err)
	}
	if got := len(s.Messages()); got != 1 {
		t.Errorf("Messages() = %d, want 1 (failed posts create nothing)", got)
	}

	s.DeleteChannel(channel)
	_, err = dg.ChannelMessageSend(channel, "into the void")
	if code := restCode(t, err); code != 10003 {
		t.Errorf("post to deleted channel: code %d, want 10003", code)
	}

	_, err = dg.RequestWithBucketID("GET", discordgo.EndpointAPI+"no/such/route", nil, "x")
	if !errors.As(err, &re) || re.Response.StatusCode != 404 {
		t.Errorf("unknown route: %v, want 404", err)
	}
	s.AssertValid(t)
}

func TestInteractionDeadlineAndDoubleAck(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	s.SetInteractionDeadline(50 * time.Millisecond)
	dg := session(t, s)
	ch := interactions(dg)
	open(t, s, dg)
	pong := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "pong"}}

	late := command("slow")
	if err := s.DispatchInteraction(late); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, late.ID)
	time.Sleep(100 * time.Millisecond)
	if code := restCode(t, dg.InteractionRespond(late, pong)); code != 10062 {
		t.Errorf("late answer: code %d, want 10062 Unknown interaction", code)
	}

	s.SetInteractionDeadline(0)
	twice := command("twice")
	if err := s.DispatchInteraction(twice); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, twice.ID)
	if err := dg.InteractionRespond(twice, pong); err != nil {
		t.Fatal(err)
	}
	if code := restCode(t, dg.InteractionRespond(twice, pong)); code != 40060 {
		t.Errorf("second answer: code %d, want 40060 already acknowledged", code)
	}
	s.AssertValid(t)
}

func TestDropConnectionResumesAndReplays(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	ch := interactions(dg)
	open(t, s, dg)

	s.DropConnection()
	// Sent while the client is away: Discord replays it on resume.
	missed := command("missed")
	if err := s.DispatchInteraction(missed); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(ctx(t)); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, missed.ID)
	later := command("later")
	if err := s.DispatchInteraction(later); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, later.ID)
	if got := s.Connections(); got != 2 {
		t.Errorf("Connections() = %d, want 2", got)
	}
	if got := s.Resumes(); got != 1 {
		t.Errorf("Resumes() = %d, want 1", got)
	}
}

func TestReconnectOpcode(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	ch := interactions(dg)
	open(t, s, dg)

	s.SendReconnect()
	if err := s.WaitReady(ctx(t)); err != nil {
		t.Fatal(err)
	}
	i := command("after-op7")
	if err := s.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, i.ID)
	if got := s.Resumes(); got != 1 {
		t.Errorf("Resumes() = %d, want 1", got)
	}
}

func TestInvalidSessionOpcode(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)
	dg := session(t, s)
	ch := interactions(dg)
	open(t, s, dg)

	s.SendInvalidSession(false)
	if err := s.WaitReady(ctx(t)); err != nil {
		t.Fatal(err)
	}
	i := command("after-op9")
	if err := s.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	receive(t, ch, i.ID)
	if got := s.Identifies(); got != 2 {
		t.Errorf("Identifies() = %d, want 2", got)
	}
}

func TestSpecPathEnv(t *testing.T) {
	t.Setenv(fakediscord.SpecEnv, "/nonexistent/openapi.json")
	if p, ok := fakediscord.SpecPath(); ok || p != "/nonexistent/openapi.json" {
		t.Errorf("SpecPath() = %q, %v; want the env path, false", p, ok)
	}
	if _, err := os.Stat("../../shared/discord-api-spec/openapi.json"); err == nil {
		t.Setenv(fakediscord.SpecEnv, "")
		if p, ok := fakediscord.SpecPath(); !ok || !strings.HasSuffix(p, "shared/discord-api-spec/openapi.json") {
			t.Errorf("SpecPath() = %q, %v; want the shared spec found by walking up", p, ok)
		}
	}
}

// rawGateway dials the fake's gateway directly and reads Hello.
func rawGateway(t *testing.T, s *fakediscord.Server) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hello struct {
		Op int `json:"op"`
		D  struct {
			HeartbeatInterval int `json:"heartbeat_interval"`
		} `json:"d"`
	}
	if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 || hello.D.HeartbeatInterval != 41250 {
		t.Fatalf("hello = %+v, %v; want op 10 with 41250 ms", hello, err)
	}
	return ws
}

func TestGatewayRejectsBadIdentifyAndUnknownResume(t *testing.T) {
	t.Parallel()
	s := fakediscord.New(t)

	ws := rawGateway(t, s)
	ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot x", "properties": map[string]any{}}})
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4013 {
		t.Errorf("identify without intents: %v, want close 4013", err)
	}
	if v := s.Violations(); len(v) != 1 || v[0].Method != "GATEWAY" {
		t.Errorf("Violations() = %v, want the identify", v)
	}

	ws = rawGateway(t, s)
	ws.WriteJSON(map[string]any{"op": 6, "d": map[string]any{"token": "Bot x", "session_id": "nope", "seq": 3}})
	var p struct {
		Op int  `json:"op"`
		D  bool `json:"d"`
	}
	if err := ws.ReadJSON(&p); err != nil || p.Op != 9 || p.D {
		t.Errorf("resume of unknown session = %+v, %v; want op 9 false", p, err)
	}
	if err := s.DispatchInteraction(command("nobody")); !errors.Is(err, fakediscord.ErrNoSession) {
		t.Errorf("DispatchInteraction without a session = %v, want ErrNoSession", err)
	}
}
