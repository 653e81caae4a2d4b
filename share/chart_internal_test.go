package share

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestChartDrawnPerSnapshot: the shared chart is drawn once per guild, language and snapshot —
// polled past the page's cache it is reused while nothing it shows changed — and drawn again
// after a change, on a new day, and once chartMaxAge has passed.
func TestChartDrawnPerSnapshot(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, s *storage.Store, clock *storagetest.Clock) {
		ctx := context.Background()
		clock.Set(time.Date(2025, 1, 3, 12, 0, 0, 0, time.UTC))
		a := storage.Actor{GuildID: "G", UserID: "U"}
		arrive := func(n int) {
			t.Helper()
			if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: n, Role: mission.RolePolice, ArrivedAt: clock.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		arrive(200)
		_, token, err := s.SetShare(ctx, a, mission.ShareForces, false)
		if err != nil {
			t.Fatal(err)
		}
		h := New(s, clock.Now, slog.New(slog.DiscardHandler))
		drawnAt := func(lang string) time.Time {
			t.Helper()
			clock.Advance(cacheTTL + time.Second) // past the page's cache and the storage snapshot
			req := httptest.NewRequest(http.MethodGet, "/s/"+token+"/chart.png?lang="+lang, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK || w.Body.Len() == 0 {
				t.Fatalf("chart = %d", w.Code)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.charts[chartKey{guild: "G", lang: locale.Lang(lang)}].at
		}
		first := drawnAt("en")
		if again := drawnAt("en"); !again.Equal(first) {
			t.Errorf("an unchanged snapshot's chart was drawn again at %v (first %v)", again, first)
		}
		if fr := drawnAt("fr"); fr.Equal(first) || fr.IsZero() {
			t.Errorf("the French chart was not drawn on its own: %v", fr)
		}
		arrive(50)
		changed := drawnAt("en")
		if changed.Equal(first) {
			t.Error("the chart was not drawn again after an arrival")
		}
		clock.Advance(chartMaxAge)
		if aged := drawnAt("en"); aged.Equal(changed) {
			t.Errorf("the chart was reused past chartMaxAge")
		}
		g, err := s.Guild(ctx, "G")
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2025, 1, 4, 23, 55, 0, 0, g.Location()))
		evening := drawnAt("en")
		clock.Set(time.Date(2025, 1, 5, 0, 0, 0, 0, g.Location()))
		if day := drawnAt("en"); day.Equal(evening) {
			t.Errorf("yesterday's chart (drawn %v) was reused on a new day", evening)
		}
	})
}

// TestCalendarStreamed: the calendar is written to each request from the flights read, never
// kept as text; its ETag holds while nothing changes (a poller gets 304 without a line
// written) and changes with a delay, whose event then carries the raised SEQUENCE.
func TestCalendarStreamed(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, s *storage.Store, clock *storagetest.Clock) {
		ctx := context.Background()
		clock.Set(time.Date(2025, 1, 3, 12, 0, 0, 0, time.UTC))
		a := storage.Actor{GuildID: "G", UserID: "U"}
		f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: clock.Now().Add(48 * time.Hour), Destination: "PAP"})
		if err != nil {
			t.Fatal(err)
		}
		_, token, err := s.SetShare(ctx, a, mission.ShareForcesFlights, false)
		if err != nil {
			t.Fatal(err)
		}
		h := New(s, clock.Now, slog.New(slog.DiscardHandler))
		get := func(etag string, query ...string) (int, string, string) {
			t.Helper()
			clock.Advance(cacheTTL + time.Second)
			req := httptest.NewRequest(http.MethodGet, "/s/"+token+"/flights.ics"+strings.Join(query, ""), nil)
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			return w.Code, w.Header().Get("ETag"), w.Body.String()
		}
		code, etag, body := get("")
		if code != http.StatusOK || etag == "" || !strings.Contains(body, "SEQUENCE:0") {
			t.Fatalf("calendar = %d, ETag %q:\n%s", code, etag, body)
		}
		h.mu.Lock()
		for k, c := range h.cache {
			if k.what == "ics" && (c.body != nil || c.feed == nil) {
				t.Errorf("the calendar is kept as text (%d bytes)", len(c.body))
			}
		}
		h.mu.Unlock()
		if code, again, body := get(etag); code != http.StatusNotModified || again != etag || body != "" {
			t.Errorf("unchanged calendar polled = %d, ETag %q, %d bytes; want 304 with the same ETag", code, again, len(body))
		}
		if code, fr, _ := get(etag, "?lang=fr"); code != http.StatusOK || fr == etag {
			t.Errorf("the French calendar with the English ETag = %d, ETag %q; want its own text", code, fr)
		}
		if _, err := s.DelayFlight(ctx, a, f.ID, f.ETA.Add(2*time.Hour), "weather"); err != nil {
			t.Fatal(err)
		}
		code, delayed, body := get(etag)
		if code != http.StatusOK || delayed == etag || !strings.Contains(body, "SEQUENCE:1") {
			t.Errorf("calendar after a delay = %d, ETag %q (was %q):\n%s", code, delayed, etag, body)
		}
	})
}
