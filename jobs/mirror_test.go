package jobs

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// gatedEvents is fakeEvents whose calls wait until the gate opens, like a slow Discord.
type gatedEvents struct {
	fakeEvents
	gate chan struct{}
}

func (g *gatedEvents) CreateEvent(ctx context.Context, guildID string, e Event) (string, error) {
	<-g.gate
	return g.fakeEvents.CreateEvent(ctx, guildID, e)
}

// TestEventMirrorFollowsTheStore: flight changes committed through the store reach the Events
// tab in order, even when they commit faster than Discord answers: a flight scheduled, delayed
// and cancelled before its event exists still ends with that event cancelled, not with a second
// event. Changes that are not flight changes mirror nothing.
func TestEventMirrorFollowsTheStore(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, st *storage.Store) {
		ctx, a := t.Context(), storage.Actor{GuildID: "G", UserID: "u", Command: "/flight"}
		client := &gatedEvents{gate: make(chan struct{})}
		m := &EventMirror{Events: &FlightEvents{Client: client, Store: st, Now: st.Now}, Changes: st}
		m.Start()
		if _, err := st.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Digest = "off"; return nil }); err != nil {
			t.Fatal(err)
		}
		f, err := st.ScheduleFlight(ctx, a, storage.Flight{ETA: st.Now().Add(24 * time.Hour), Destination: "PAP"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DelayFlight(ctx, a, f.ID, f.ETA.Add(time.Hour), "weather"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CancelFlight(ctx, a, f.ID, "no aircraft"); err != nil {
			t.Fatal(err)
		}
		close(client.gate) // Discord answers the create only now
		closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		m.Close(closeCtx)
		want := []string{"create G", "update E1", "status E1 4"}
		if !slices.Equal(client.calls, want) {
			t.Errorf("calls = %q, want %q", client.calls, want)
		}
		got, err := st.Flight(ctx, "G", f.ID)
		if err != nil || got.EventID != "E1" {
			t.Errorf("stored event of flight #%d = %q, %v; want E1", f.ID, got.EventID, err)
		}

		// Once closed, the mirror hears nothing more.
		before := len(client.calls)
		if _, err := st.ScheduleFlight(ctx, a, storage.Flight{ETA: st.Now().Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if n := len(client.calls); n != before {
			t.Errorf("%d calls after Close, want none", n-before)
		}
	})
}

// TestEventMirrorNeverBlocksTheWriter: with Discord stuck and the queue full, flight changes
// still commit at once; the ones that do not fit are dropped with a warning.
func TestEventMirrorNeverBlocksTheWriter(t *testing.T) {
	st := storagetest.Open(t, storage.DriverSQLite)
	ctx, a := t.Context(), storage.Actor{GuildID: "G", UserID: "u", Command: "/flight"}
	client := &gatedEvents{gate: make(chan struct{})}
	logs := &logBuffer{}
	m := &EventMirror{Events: &FlightEvents{Client: client, Store: st, Now: st.Now}, Changes: st, Queue: 1,
		Log: slog.New(slog.NewTextHandler(logs, nil))}
	m.Start()
	done := make(chan error, 1)
	go func() {
		for range 5 {
			if _, err := st.ScheduleFlight(ctx, a, storage.Flight{ETA: st.Now().Add(24 * time.Hour)}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("flight changes waited for the stuck mirror")
	}
	if !strings.Contains(logs.String(), "change not mirrored") {
		t.Errorf("no warning about dropped changes:\n%s", logs)
	}
	close(client.gate)
	m.Close(ctx)
	if n := len(client.calls); n < 1 || n > 2 {
		t.Errorf("%d events created, want the one in progress and the one queued at most", n)
	}
}

// fakeChanges is a ChangeSource the test announces on directly.
type fakeChanges struct{ fn func(storage.Change) }

func (f *fakeChanges) Subscribe(fn func(storage.Change)) func() { f.fn = fn; return func() {} }

// TestEventMirrorSkipsStaleChanges: a change announced after a later one of the same flight
// (two writers on Postgres announce in either order) does not undo it.
func TestEventMirrorSkipsStaleChanges(t *testing.T) {
	now := time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC)
	client, src := &fakeEvents{}, &fakeChanges{}
	m := &EventMirror{Events: &FlightEvents{Client: client, Store: &fakeEventStore{}, Now: func() time.Time { return now }}, Changes: src}
	m.Start()
	f := storage.Flight{ID: 7, GuildID: "G", ETA: now.Add(time.Hour), Status: mission.FlightScheduled, EventID: "E1", UpdatedAt: now}
	later := f
	later.Status, later.UpdatedAt = mission.FlightCancelled, now.Add(time.Second)
	src.fn(storage.Change{Effects: storage.EffectFlights, GuildID: "G", Flights: []storage.Flight{later}})
	src.fn(storage.Change{Effects: storage.EffectFlights, GuildID: "G", Flights: []storage.Flight{f}})
	m.Close(t.Context())
	if want := []string{"status E1 4"}; !slices.Equal(client.calls, want) {
		t.Errorf("calls = %q, want %q", client.calls, want)
	}
}
