package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/jobs"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// posterSession is a discordgo session pointed at the fake.
func posterSession(t *testing.T, s *fakediscord.Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.NewTransport(s.APIBase(), http.DefaultTransport, nil)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rt}
	return dg
}

const posterChannel = "1100000000000000100"

func TestDiscordPosterNonce(t *testing.T) {
	s := fakediscord.New(t)
	p := bot.NewDiscordPoster(posterSession(t, s))
	m := jobs.Message{ChannelID: posterChannel, Nonce: "abc123", Content: "✈️ Flight #1",
		Embeds:          []*discordgo.MessageEmbed{{Title: "Flight #1 · PAP", Fields: []*discordgo.MessageEmbedField{{Name: "Manifest", Value: "🇬🇹 Guatemala — 75 military"}}}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Roles: []string{"1100000000000000900"}}}
	first, err := p.Post(context.Background(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	second, err := p.Post(context.Background(), m)
	if err != nil {
		t.Fatalf("Post again: %v", err)
	}
	if first == "" || second != first {
		t.Errorf("IDs %q then %q, want the same non-empty ID (enforced nonce)", first, second)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("fake has %d messages, want 1", len(msgs))
	}
	var body map[string]any
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["nonce"] != "abc123" || body["enforce_nonce"] != true {
		t.Errorf("body nonce %v enforce_nonce %v, want abc123 and true", body["nonce"], body["enforce_nonce"])
	}
	am, _ := body["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions.parse = %v, want []", am["parse"])
	}
	s.AssertValid(t)
}

func TestDiscordPosterErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(s *fakediscord.Server)
		status    int
		code      int
		permanent bool
		retry     time.Duration
	}{
		{"500", func(s *fakediscord.Server) { s.FailNext("POST", "/channels/", 1, 500, 0) }, 500, 0, false, 0},
		{"502 is not retried by discordgo", func(s *fakediscord.Server) { s.FailNext("POST", "/channels/", 1, 502, 0) }, 0, 0, false, 0},
		{"429", func(s *fakediscord.Server) { s.FailNext("POST", "/channels/", 1, 429, 1500*time.Millisecond) }, 429, 0, false, 1500 * time.Millisecond},
		{"deleted channel", func(s *fakediscord.Server) { s.DeleteChannel(posterChannel) }, 404, 10003, true, 0},
		{"forbidden", func(s *fakediscord.Server) { s.FailNext("POST", "/channels/", 1, 403, 0) }, 403, 0, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fakediscord.New(t)
			tt.setup(s)
			p := bot.NewDiscordPoster(posterSession(t, s))
			start := time.Now()
			_, err := p.Post(context.Background(), jobs.Message{ChannelID: posterChannel, Nonce: "n1", Content: "hello"})
			var pe *jobs.PostError
			if !errors.As(err, &pe) {
				t.Fatalf("Post error = %v (%T), want a *jobs.PostError", err, err)
			}
			if pe.Status != tt.status || pe.Code != tt.code || pe.Permanent() != tt.permanent || pe.RetryAfter() != tt.retry {
				t.Errorf("PostError = status %d code %d permanent %v retry %v, want %d %d %v %v",
					pe.Status, pe.Code, pe.Permanent(), pe.RetryAfter(), tt.status, tt.code, tt.permanent, tt.retry)
			}
			if n := len(s.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: retries belong to the dispatcher", n)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Post took %v: discordgo waited itself", d)
			}
		})
	}
}

func TestDiscordPosterTimeout(t *testing.T) {
	s := fakediscord.New(t)
	s.SetLatency(2 * time.Second)
	p := bot.NewDiscordPoster(posterSession(t, s))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Post(ctx, jobs.Message{ChannelID: posterChannel, Nonce: "n1", Content: "hello"})
	var pe *jobs.PostError
	if !errors.As(err, &pe) || pe.Permanent() || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Post past its deadline = %v, want a retryable PostError wrapping the deadline", err)
	}
}

// TestSchedulerThroughFakeDiscord runs the dispatcher against the fake Discord through the real
// poster: a 500 and a 429 are retried into one message, a deleted channel fails the row.
func TestSchedulerThroughFakeDiscord(t *testing.T) {
	s := fakediscord.New(t)
	st, clock := storagetest.OpenClock(t, storage.DriverSQLite)
	ctx := context.Background()
	if _, err := st.UpdateGuild(ctx, storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.ChannelID, g.Digest = posterChannel, "off"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sched := jobs.New(st, bot.NewDiscordPoster(posterSession(t, s)), nil)
	sched.Now = clock.Now
	sched.BackoffBase, sched.BackoffMax = 5*time.Millisecond, 20*time.Millisecond

	f, err := st.ScheduleFlight(ctx, storage.Actor{GuildID: "G", UserID: "m"}, storage.Flight{ETA: clock.Now(), Destination: "PAP",
		Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: "military"}}}})
	if err != nil {
		t.Fatal(err)
	}
	s.FailNext("POST", "/channels/"+posterChannel+"/messages", 1, 500, 0)
	s.FailNext("POST", "/channels/"+posterChannel+"/messages", 1, 429, 50*time.Millisecond)
	clock.Advance(time.Second)
	if _, err := sched.DispatchDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Content, "Flight #") {
		t.Fatalf("messages = %+v, want the flight reminder once", msgs)
	}
	rs, _, err := st.FindReminders(ctx, "G", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderSent}})
	if err != nil || len(rs) != 1 || rs[0].MessageID != msgs[0].ID || rs[0].Attempts != 1 {
		t.Errorf("sent rows = %+v, %v; want one with message %s", rs, err, msgs[0].ID)
	}

	// The other kinds of post, so that their bodies are checked against Discord's spec too.
	if _, err := st.UpdateGuild(ctx, storage.Actor{GuildID: "G", UserID: "a"}, func(g *storage.Guild) error {
		g.Digest, g.ModeratorRoleID, g.Planned = "0 16 * * *", "1100000000000000900", 2500
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := sched.Housekeep(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour) // the 16:00 digest and the overdue nudge
	if _, err := sched.DispatchDue(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs := s.Messages(); len(msgs) != 3 || !strings.Contains(msgs[2].Content+msgs[1].Content, "<@&1100000000000000900>") {
		t.Fatalf("messages = %d, want the reminder, the digest and the overdue nudge", len(msgs))
	}

	s.DeleteChannel(posterChannel)
	if _, err := st.DelayFlight(ctx, storage.Actor{GuildID: "G", UserID: "m"}, f.ID, clock.Now().Add(time.Minute), "weather"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if _, err := sched.DispatchDue(ctx); err != nil {
		t.Fatal(err)
	}
	failed, _, err := st.FindReminders(ctx, "G", storage.ReminderFilter{Statuses: []mission.ReminderStatus{mission.ReminderFailed}})
	if err != nil || len(failed) != 1 || !strings.Contains(failed[0].LastError, "no longer exists") {
		t.Errorf("failed rows = %+v, %v; want the delayed reminder, failed for the deleted channel", failed, err)
	}
	s.AssertValid(t)
}

func TestDiscordEvents(t *testing.T) {
	s := fakediscord.New(t)
	ev := bot.NewDiscordEvents(posterSession(t, s))
	ctx := context.Background()
	guild := fakediscord.DefaultGuildID
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	id, err := ev.CreateEvent(ctx, guild, jobs.Event{Name: "✈️ Flight #3 → PAP", Description: "Manifest: GT 75", Location: "PAP",
		Start: start, End: start.Add(time.Hour)})
	if err != nil {
		t.Fatalf("CreateEvent: %v", err)
	}
	if err := ev.UpdateEvent(ctx, guild, id, jobs.Event{Name: "✈️ Flight #3 → PAP", Location: "PAP",
		Start: start.Add(time.Hour), End: start.Add(2 * time.Hour)}); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	for _, st := range []jobs.EventStatus{jobs.EventActive, jobs.EventCompleted} {
		if err := ev.SetEventStatus(ctx, guild, id, st); err != nil {
			t.Fatalf("SetEventStatus(%d): %v", st, err)
		}
	}
	got := s.ScheduledEvents(guild)
	if len(got) != 1 || got[0].ID != id || !got[0].ScheduledStartTime.Equal(start.Add(time.Hour)) ||
		got[0].Status != discordgo.GuildScheduledEventStatusCompleted || got[0].EntityMetadata.Location != "PAP" ||
		got[0].PrivacyLevel != discordgo.GuildScheduledEventPrivacyLevelGuildOnly {
		t.Errorf("events = %+v", got)
	}
	s.AssertValid(t)
}

func TestConsolePoster(t *testing.T) {
	var printed []string
	p := bot.NewConsolePoster(func(s string) { printed = append(printed, s) })
	m := jobs.Message{Nonce: "n1", Content: "📋 Daily digest", Embeds: []*discordgo.MessageEmbed{{Title: "Daily digest",
		Description: "**0** deployed", Fields: []*discordgo.MessageEmbedField{{Name: "Flights in the next 48 h", Value: "none scheduled"}}}}}
	a, _ := p.Post(context.Background(), m)
	b, _ := p.Post(context.Background(), m)
	if a != b || len(printed) != 1 {
		t.Fatalf("IDs %q %q and %d prints, want one print and the same ID for the same nonce", a, b, len(printed))
	}
	want := "📋 Daily digest\n== Daily digest ==\n**0** deployed\n▸ Flights in the next 48 h\n  none scheduled"
	if printed[0] != want {
		t.Errorf("printed %q, want %q", printed[0], want)
	}
}
