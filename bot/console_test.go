package bot

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/storage"
)

// fixedGuilds serves one guild's settings without a database.
type fixedGuilds struct{ g storage.Guild }

func (f fixedGuilds) Guild(_ context.Context, id string) (storage.Guild, error) {
	g := f.g
	g.ID = id
	return g, nil
}

func TestSplitLine(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{`/forces`, []string{"/forces"}, false},
		{`/arrival log country:GT  personnel:75`, []string{"/arrival", "log", "country:GT", "personnel:75"}, false},
		{`/flight schedule eta:"2025-01-04 14:00" manifest:"GT 75; SV 8"`, []string{"/flight", "schedule", "eta:2025-01-04 14:00", "manifest:GT 75; SV 8"}, false},
		{`/mission set name:"unclosed`, nil, true},
	}
	for _, tt := range tests {
		got, err := splitLine(tt.in)
		if (err != nil) != tt.wantErr || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitLine(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestConsoleRendersTimestampsInTheGuildZone(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	r, err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), fixedGuilds{storage.Guild{Timezone: "America/Port-au-Prince"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Now = func() time.Time { return now }
	c := &Console{Router: r, GuildID: "1"}
	eta := time.Date(2025, 1, 4, 19, 0, 0, 0, time.UTC) // 14:00 in Port-au-Prince
	tests := []struct {
		in, want string
	}{
		{"<t:1736017200:F>", "Saturday 4 January 2025 14:00 EST"},
		{"<t:1736017200:R>", "in 23 hours"},
		{"<t:1736017200:t>", "14:00"},
		{"by <@42> in <#7> for <@&9>", "by @42 in #7 for @&9"},
	}
	if eta.Unix() != 1736017200 {
		t.Fatalf("test data: %d", eta.Unix())
	}
	for _, tt := range tests {
		if got := c.Render(tt.in); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConsoleBuildsInteractionsFromDefinitions(t *testing.T) {
	var got *Request
	cmd := &Command{Name: "arrival", Description: "d", Routes: []Route{{
		Name: "log", Description: "d", Access: Everyone,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "country", Description: "d", Required: true},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "personnel", Description: "d", Required: true},
		},
		Run: func(_ context.Context, req *Request) (*Reply, error) {
			got = req
			return &Reply{Content: "ok"}, nil
		},
	}}}
	r, err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), fixedGuilds{storage.Guild{Timezone: "UTC"}}, []*Command{cmd})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := &Console{Router: r, GuildID: "1", UserID: "42", Out: &out, In: strings.NewReader(
		"/arrival log country:GT personnel:75\n/arrival log country:GT\n/arrival log country:GT personnel:many\n/arrival fly\n/nope\n")}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Sub != "log" || got.Access != Admin {
		t.Fatalf("request = %+v", got)
	}
	if s, _ := got.String("country"); s != "GT" {
		t.Errorf("country = %q", s)
	}
	if n, ok, err := got.Int("personnel"); n != 75 || !ok || err != nil {
		t.Errorf("personnel = %d, %v, %v", n, ok, err)
	}
	for _, want := range []string{"option personnel is required", "wants a whole number", `no subcommand "fly"`, "unknown command /nope",
		"Usage: /arrival log country:… personnel:…"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestConsoleRendersTimestampsInItsLanguage(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	r, err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), fixedGuilds{storage.Guild{Timezone: "America/Port-au-Prince"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Now = func() time.Time { return now }
	tests := []struct {
		locale, in, want string
	}{
		{"fr", "<t:1736017200:F>", "samedi 4 janvier 2025 14:00 EST"},
		{"fr", "<t:1736017200:R>", "dans 23 heures"},
		{"fr", "<t:1735923600:R>", "il y a 3 heures"},
		{"es", "<t:1736017200:F>", "sábado, 4 de enero de 2025, 14:00 EST"},
		{"es-419", "<t:1736017200:D>", "4 de enero de 2025"},
		{"es", "<t:1736017200:R>", "dentro de 23 horas"},
		{"", "<t:1736017200:F>", "Saturday 4 January 2025 14:00 EST"},
	}
	for _, tt := range tests {
		c := &Console{Router: r, GuildID: "1", Locale: tt.locale}
		if got := c.Render(tt.in); got != tt.want {
			t.Errorf("Render(%q) in %q = %q, want %q", tt.in, tt.locale, got, tt.want)
		}
	}
}

// TestConsoleTakesSpacesInTextOptions: as in Discord's client, a text option's value may hold
// spaces; a word names a new option only when it is one of the route's option names.
func TestConsoleTakesSpacesInTextOptions(t *testing.T) {
	var got []*Request
	cmd := &Command{Name: "flight", Description: "d", Routes: []Route{{
		Name: "schedule", Description: "d", Access: Everyone,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "eta", Description: "d", Required: true},
			{Type: discordgo.ApplicationCommandOptionString, Name: "manifest", Description: "d"},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "flight", Description: "d"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "note", Description: "d"},
		},
		Run: func(_ context.Context, req *Request) (*Reply, error) {
			got = append(got, req)
			return &Reply{Content: "ok"}, nil
		},
	}}}
	r, err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), fixedGuilds{storage.Guild{Timezone: "UTC"}}, []*Command{cmd})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c := &Console{Router: r, GuildID: "1", UserID: "42", Out: &out, In: strings.NewReader(
		"/flight schedule eta:tomorrow 09:00 manifest:GT 75 military; SV 8 medical note:wheels down 10:30\n" +
			"/flight schedule flight:3 9\n")}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d requests run, want 1 (a word after a number option is not part of it):\n%s", len(got), out.String())
	}
	for name, want := range map[string]string{"eta": "tomorrow 09:00", "manifest": "GT 75 military; SV 8 medical", "note": "wheels down 10:30"} {
		if s, _ := got[0].String(name); s != want {
			t.Errorf("%s = %q, want %q", name, s, want)
		}
	}
	if !strings.Contains(out.String(), `"9" is not name:value`) {
		t.Errorf("a stray word after a number option was not refused:\n%s", out.String())
	}
}
