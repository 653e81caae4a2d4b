package commands_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"liaison/bot"
	"liaison/jobs"
	"liaison/mission"
	"liaison/storage"
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
