package share

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
