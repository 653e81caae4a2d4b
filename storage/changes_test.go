package storage_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// changeLog records the Changes a store announces.
type changeLog struct {
	mu  sync.Mutex
	got []storage.Change
}

func record(s *storage.Store) (*changeLog, func()) {
	l := &changeLog{}
	unsubscribe := s.Subscribe(func(c storage.Change) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.got = append(l.got, c)
	})
	return l, unsubscribe
}

// take returns the changes announced since the last take.
func (l *changeLog) take() []storage.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := l.got
	l.got = nil
	return got
}

// TestCommittedFlightChangeAnnouncesTheFlight: each committed flight change announces exactly
// one Change of its guild carrying the flight as it was committed, manifest included, and the
// reminders effect when it planned or cancelled reminders.
func TestCommittedFlightChangeAnnouncesTheFlight(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx, a := t.Context(), actorIn("G")
		log, _ := record(s)
		eta := s.Now().Add(24 * time.Hour)
		id := int64(0)
		tests := []struct {
			name    string
			change  func() (storage.Flight, error)
			status  mission.FlightStatus
			lines   int
			effects storage.Effect
		}{
			{"schedule", func() (storage.Flight, error) {
				f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: eta, Destination: "PAP",
					Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "KE", Personnel: 200, Role: "police"}}}})
				id = f.ID
				return f, err
			}, mission.FlightScheduled, 1, storage.EffectFlights | storage.EffectReminders},
			{"add manifest line", func() (storage.Flight, error) {
				return s.AddManifestLine(ctx, a, id, mission.ManifestLine{Country: "JM", Personnel: 20, Role: "military"})
			}, mission.FlightScheduled, 2, storage.EffectFlights},
			{"delay", func() (storage.Flight, error) {
				return s.DelayFlight(ctx, a, id, eta.Add(time.Hour), "weather")
			}, mission.FlightDelayed, 2, storage.EffectFlights | storage.EffectReminders},
			{"land", func() (storage.Flight, error) {
				f, _, err := s.LandFlight(ctx, a, id, s.Now())
				return f, err
			}, mission.FlightLanded, 2, storage.EffectRecords | storage.EffectFlights | storage.EffectReminders},
		}
		for _, tt := range tests {
			want, err := tt.change()
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got := log.take()
			if len(got) != 1 {
				t.Fatalf("%s announced %d changes, want 1: %+v", tt.name, len(got), got)
			}
			c := got[0]
			if c.Effects != tt.effects || c.GuildID != "G" || len(c.Flights) != 1 {
				t.Fatalf("%s announced %+v (%s), want one flight in G with %s", tt.name, c, c.Effects, tt.effects)
			}
			if f := c.Flights[0]; f.ID != want.ID || f.Status != tt.status || !f.ETA.Equal(want.ETA) || len(f.Manifest) != tt.lines {
				t.Errorf("%s announced flight #%d %s ETA %v with %d lines, want #%d %s ETA %v with %d lines",
					tt.name, f.ID, f.Status, f.ETA, len(f.Manifest), want.ID, tt.status, want.ETA, tt.lines)
			}
		}

		// Cancelling is a flight change too, and the announced flight is a copy of its own.
		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: eta, Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "KE", Personnel: 1, Role: "police"}}}})
		if err != nil {
			t.Fatal(err)
		}
		f.Manifest[0].Personnel = 99
		if got := log.take(); len(got) != 1 || got[0].Flights[0].Manifest[0].Personnel != 1 {
			t.Errorf("schedule: changing the returned flight changed the announced one: %+v", got)
		}
		if _, err := s.CancelFlight(ctx, a, f.ID, "no aircraft"); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0].Flights[0].Status != mission.FlightCancelled {
			t.Errorf("cancel announced %+v, want one cancelled flight", got)
		}
	})
}

// TestRolledBackChangeAnnouncesNothing: a change that fails, and so rolls back, announces
// nothing; a committed one announces what it declared, and nothing more.
func TestRolledBackChangeAnnouncesNothing(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx, a := t.Context(), actorIn("G")
		landed, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LandFlight(ctx, a, landed.ID, s.Now()); err != nil {
			t.Fatal(err)
		}
		log, unsubscribe := record(s)
		tooLong := make([]storage.ManifestLine, mission.MaxManifestLines+1)
		for i := range tooLong {
			tooLong[i] = storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: "KE", Personnel: 1, Role: "police"}}
		}
		refused := errors.New("refused")
		tests := []struct {
			name   string
			change func() error
		}{
			{"schedule with too long a manifest", func() error {
				_, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: s.Now().Add(time.Hour), Manifest: tooLong})
				return err
			}},
			{"cancel a landed flight", func() error { _, err := s.CancelFlight(ctx, a, landed.ID, ""); return err }},
			{"delay another guild's flight", func() error {
				_, err := s.DelayFlight(ctx, actorIn("H"), landed.ID, s.Now(), "")
				return err
			}},
			{"settings change refused", func() error {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Digest = "off"; return refused })
				return err
			}},
		}
		for _, tt := range tests {
			if err := tt.change(); err == nil {
				t.Errorf("%s succeeded, want an error", tt.name)
			}
			if got := log.take(); len(got) != 0 {
				t.Errorf("%s (rolled back) announced %+v, want nothing", tt.name, got)
			}
		}
		// The mirror's bookkeeping drops the snapshot but carries no flight to mirror again.
		if err := s.SetFlightEvent(ctx, "G", landed.ID, "E1"); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0].Effects != storage.EffectFlights || len(got[0].Flights) != 0 {
			t.Errorf("SetFlightEvent announced %+v, want one flights change with no flight", got)
		}
		if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 5, Role: "police", ArrivedAt: s.Now()}); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0].Effects != storage.EffectRecords || got[0].GuildID != "G" {
			t.Errorf("LogArrival announced %+v, want one records change in G", got)
		}
		// A settings change that moves no reminder does not wake the dispatcher.
		if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.MissionName = "MSS"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0].Effects != storage.EffectSettings {
			t.Errorf("UpdateGuild of the mission's name announced %+v, want one settings change", got)
		}

		// A digest switched off is a settings change that moves reminders; after unsubscribing,
		// nothing more arrives.
		if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Digest = "off"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0].Effects != storage.EffectSettings|storage.EffectReminders || got[0].GuildID != "G" || got[0].Flights != nil {
			t.Errorf("UpdateGuild announced %+v, want one settings and reminders change in G", got)
		}
		unsubscribe()
		if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Digest = "0 8 * * *"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 0 {
			t.Errorf("announced %+v after unsubscribing", got)
		}
	})
}
