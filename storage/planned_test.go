package storage_test

import (
	"context"
	"testing"
	"time"

	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestPlannedHistory: the planned strength's changes are read back from the audit of settings,
// oldest first, and a settings change that leaves it alone (the time zone) is not one of them.
func TestPlannedHistory(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			s := storagetest.Open(t, driver)
			ctx := context.Background()
			a := storage.Actor{GuildID: "g1", UserID: "u1", Command: "mission set"}
			day := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
			for i, change := range []func(g *storage.Guild){
				func(g *storage.Guild) { g.Planned = 2500 },
				func(g *storage.Guild) { g.Timezone = "America/Port-au-Prince" },
				func(g *storage.Guild) { g.Planned = 3000 },
			} {
				s.Now = func() time.Time { return day.AddDate(0, i, 0) }
				if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { change(g); return nil }); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.PlannedHistory(ctx, "g1")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Before != 0 || got[0].Planned != 2500 || got[1].Before != 2500 || got[1].Planned != 3000 ||
				!got[1].At.Equal(day.AddDate(0, 2, 0)) {
				t.Errorf("PlannedHistory = %+v, want 0→2500 on 1 January, 2500→3000 on 1 March", got)
			}
			if other, err := s.PlannedHistory(ctx, "g2"); err != nil || len(other) != 0 {
				t.Errorf("another guild's history = %+v, %v; want none", other, err)
			}
		})
	}
}
