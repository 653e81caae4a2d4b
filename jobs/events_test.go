package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// fakeEvents records EventClient calls.
type fakeEvents struct {
	calls []string
	last  Event
	fail  error
}

func (f *fakeEvents) CreateEvent(_ context.Context, guildID string, e Event) (string, error) {
	f.calls = append(f.calls, "create "+guildID)
	f.last = e
	if f.fail != nil {
		return "", f.fail
	}
	return "E1", nil
}

func (f *fakeEvents) UpdateEvent(_ context.Context, guildID, eventID string, e Event) error {
	f.calls = append(f.calls, "update "+eventID)
	f.last = e
	return f.fail
}

func (f *fakeEvents) SetEventStatus(_ context.Context, guildID, eventID string, st EventStatus) error {
	f.calls = append(f.calls, fmt.Sprintf("status %s %d", eventID, st))
	return f.fail
}

// fakeEventStore records the event IDs set; its guilds write in lang (English when empty).
type fakeEventStore struct {
	set  []string
	lang string
}

func (f *fakeEventStore) Guild(_ context.Context, guildID string) (storage.Guild, error) {
	return storage.Guild{ID: guildID, Language: f.lang}, nil
}

func (f *fakeEventStore) SetFlightEvent(_ context.Context, guildID string, id int64, eventID string) error {
	f.set = append(f.set, fmt.Sprintf("%s #%d %s", guildID, id, eventID))
	return nil
}

func TestFlightEvents(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	eta := now.Add(18 * time.Hour)
	base := storage.Flight{ID: 7, GuildID: "G", ETA: eta, Status: mission.FlightScheduled, Destination: "PAP", Aircraft: "C-17",
		Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: "military"}}}}
	with := func(change func(f *storage.Flight)) storage.Flight {
		f := base
		change(&f)
		return f
	}
	tests := []struct {
		name   string
		flight storage.Flight
		calls  []string
		stored []string
	}{
		{"scheduled", base, []string{"create G"}, []string{"G #7 E1"}},
		{"scheduled in the past", with(func(f *storage.Flight) { f.ETA = now.Add(-time.Hour) }), nil, nil},
		{"delayed", with(func(f *storage.Flight) {
			f.EventID = "E1"
			f.Status = mission.FlightDelayed
			f.ETA = eta.Add(time.Hour)
		}),
			[]string{"update E1"}, nil},
		{"cancelled", with(func(f *storage.Flight) { f.EventID = "E1"; f.Status = mission.FlightCancelled }),
			[]string{"status E1 4"}, nil},
		{"landed", with(func(f *storage.Flight) { f.EventID = "E1"; f.Status = mission.FlightLanded }),
			[]string{"status E1 2", "status E1 3"}, nil},
		{"cancelled without event", with(func(f *storage.Flight) { f.Status = mission.FlightCancelled }), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, store := &fakeEvents{}, &fakeEventStore{}
			fe := &FlightEvents{Client: client, Store: store, Now: func() time.Time { return now }}
			fe.FlightChanged(context.Background(), tt.flight)
			if !slices.Equal(client.calls, tt.calls) {
				t.Errorf("calls = %q, want %q", client.calls, tt.calls)
			}
			if !slices.Equal(store.set, tt.stored) {
				t.Errorf("stored = %q, want %q", store.set, tt.stored)
			}
		})
	}

	client := &fakeEvents{}
	fe := &FlightEvents{Client: client, Store: &fakeEventStore{}, Now: func() time.Time { return now }}
	fe.FlightChanged(context.Background(), base)
	e := client.last
	if e.Name != "✈️ Flight #7 → PAP" || e.Location != "PAP" || !e.Start.Equal(eta) || !e.End.Equal(eta.Add(time.Hour)) ||
		!strings.Contains(e.Description, "🇬🇹 Guatemala — 75 military") {
		t.Errorf("event = %+v", e)
	}

	// Discord failing never reaches the caller, and nothing is stored.
	client = &fakeEvents{fail: errors.New("HTTP 503")}
	store := &fakeEventStore{}
	(&FlightEvents{Client: client, Store: store, Now: func() time.Time { return now }}).FlightChanged(context.Background(), base)
	if len(store.set) != 0 {
		t.Errorf("stored an event ID after a failed create: %q", store.set)
	}
}

// TestMessagesFitDiscordLimits: a digest with very many countries, flights and missed posts
// still fits Discord's limits.
func TestMessagesFitDiscordLimits(t *testing.T) {
	long := strings.Repeat("x", 3000)
	m := Message{Content: long + long}
	e := &discordgo.MessageEmbed{Title: long, Description: long + long}
	for i := range 40 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: fmt.Sprintf("field %d", i), Value: long})
	}
	m.Embeds = []*discordgo.MessageEmbed{e}
	m.Content, m.Embeds = discordtext.Fit(m.Content, m.Embeds)
	if n := len([]rune(m.Content)); n > discordtext.MaxContent {
		t.Errorf("content %d characters", n)
	}
	total := 0
	for _, e := range m.Embeds {
		if len(e.Fields) > discordtext.MaxFields {
			t.Errorf("%d fields", len(e.Fields))
		}
		total += len([]rune(e.Title)) + len([]rune(e.Description))
		for _, f := range e.Fields {
			if n := len([]rune(f.Value)); n > discordtext.MaxFieldValue {
				t.Errorf("field value %d characters", n)
			}
			total += len([]rune(f.Name)) + len([]rune(f.Value))
		}
	}
	if total > discordtext.MaxEmbedTotal {
		t.Errorf("embeds total %d characters, limit %d", total, discordtext.MaxEmbedTotal)
	}
}
