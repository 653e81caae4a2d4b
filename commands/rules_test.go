package commands_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/exchange"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestEachRuleAtEachDoor drives every rule of a record through every door it can come in by:
// the slash command (typed in the console, as a forged interaction would send it), an imported
// file (the preview, which is the dry run, and the import itself), and the store (what any
// other door, a button or a draft, ends in). The same input gets the same refusal everywhere,
// and nothing is stored. The clock is 3 January 2025, 20:00 UTC.
func TestEachRuleAtEachDoor(t *testing.T) {
	long := strings.Repeat("x", mission.MaxLongText+1)
	short := strings.Repeat("y", mission.MaxShortText+1)
	row := func(cells map[string]string) string { return importHeader + "\n" + importLine(cells) + "\n" }
	arrival := func(pairs ...string) string { return row(arrivalCells("arrival", pairs...)) }
	for _, tc := range []struct {
		rule    string
		command string // "" when no command takes the value (a mission row's language, say)
		file    string
		store   func(ctx context.Context, s *storage.Store, a storage.Actor) error
		want    string // the refusal's words, in English, at every door
	}{
		{"an arrival in the future", "/arrival log country:GT personnel:5 when:2099-01-01 role:military",
			arrival("time", "2099-01-01T00:00:00Z"),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			}, "in the future"},
		{"an arrival before 1990", "/arrival log country:GT personnel:5 when:1985-01-01 role:military",
			arrival("time", "1985-01-01T00:00:00Z"),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			}, "before 1990: that must be a typo"},
		{"an arrival in year 1", "", arrival("time", "0001-01-01T00:00:00Z"),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military"})
				return err
			}, "before 1990: that must be a typo"},
		{"a departure in the future", "/departure log country:GT personnel:5 when:2099-01-01 role:military",
			row(arrivalCells("departure", "time", "2099-01-01T00:00:00Z")),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogDeparture(ctx, a, storage.Departure{Country: "GT", Personnel: 5, Role: "military", DepartedAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			}, "in the future"},
		{"a pledge as of the future", "/pledge set country:JM as_of:2099-01-01 role:military",
			row(arrivalCells("pledge", "time", "2099-01-01T00:00:00Z")),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Role: "military", AsOf: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			}, "in the future"},
		{"a note too long", "/arrival log country:GT personnel:5 role:military note:" + long, arrival("note", long),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: s.Now(), Note: long})
				return err
			}, "note is 501 characters long; at most 500 are allowed"},
		{"a unit too long", "/arrival log country:GT personnel:5 role:military unit:" + short, arrival("unit", short),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Role: "military", ArrivedAt: s.Now(), Unit: short})
				return err
			}, "unit is 101 characters long; at most 100 are allowed"},
		{"a mission name too long", "/mission set name:" + short, row(map[string]string{"kind": "mission", "name": short}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.MissionName = short; return nil })
				return err
			}, "name is 101 characters long; at most 100 are allowed"},
		{"too many personnel", "/arrival log country:GT personnel:100001 role:military", arrival("personnel", "100001"),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 100001, Role: "military", ArrivedAt: s.Now()})
				return err
			}, "100,000"},
		{"a planned strength of 5,000,000", "/mission set planned:5000000", row(map[string]string{"kind": "mission", "personnel": "5000000"}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Planned = 5000000; return nil })
				return err
			}, "5000000"},
		{"the machine's Local time zone", "/mission set timezone:Local", row(map[string]string{"kind": "mission", "timezone": "Local"}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Timezone = "Local"; return nil })
				return err
			}, "a time zone name is required"},
		{"a mandate end in 2100", "/mission set mandate_end:2100-01-01", row(map[string]string{"kind": "mission", "time": "2100-01-01T00:00:00Z"}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.MandateEnd = &end; return nil })
				return err
			}, "more than 20 years ahead"},
		{"a mandate end in 9999", "", row(map[string]string{"kind": "mission", "time": "9999-01-01T00:00:00Z"}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				end := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.MandateEnd = &end; return nil })
				return err
			}, "more than 20 years ahead"},
		{"a flight expected in 2200", "/flight schedule eta:2200-01-01", row(map[string]string{"kind": "flight", "time": "2200-01-01T00:00:00Z"}),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			}, "more than 20 years ahead"},
		{"more women than personnel", "/arrival log country:GT personnel:5 female:6 role:military", arrival("female", "6"),
			func(ctx context.Context, s *storage.Store, a storage.Actor) error {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 5, Female: 6, Role: "military", ArrivedAt: s.Now()})
				return err
			}, "6 women is more than the 5 personnel"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			for _, driver := range storagetest.Drivers() {
				h := newHarness(t, driver)
				ctx := context.Background()
				if tc.command != "" {
					out := h.run(tc.command)
					if !strings.Contains(out, tc.want) || !strings.Contains(out, "(only you can see this)") {
						t.Errorf("%s: %s\n got: %s\nwant an ephemeral refusal containing %q", driver, tc.command, out, tc.want)
					}
				}
				a := storage.Actor{GuildID: "100", UserID: "import"}
				p, err := exchange.CheckCSV(ctx, h.store, a, strings.NewReader(tc.file))
				if err != nil || len(p.Errors) != 1 || !strings.Contains(locale.Error(locale.English, p.Errors[0]), tc.want) {
					t.Errorf("%s: preview = %v, %v; want one bad line containing %q", driver, p.Errors, err, tc.want)
				}
				if _, err := exchange.ImportCSV(ctx, h.store, a, strings.NewReader(tc.file)); err == nil ||
					!strings.Contains(locale.Error(locale.English, err), tc.want) {
					t.Errorf("%s: import = %v; want a refusal containing %q", driver, err, tc.want)
				}
				err = tc.store(ctx, h.store, a)
				if !errors.Is(err, mission.ErrInvalid) && !errors.Is(err, mission.ErrConflict) || !strings.Contains(locale.Error(locale.English, err), tc.want) {
					t.Errorf("%s: store = %v; want a refusal containing %q", driver, err, tc.want)
				}
				if empty, err := h.store.GuildIsEmpty(ctx, "100"); err != nil || !empty {
					t.Errorf("%s: a refused change stored records (empty %v, %v)", driver, empty, err)
				}
				g, _ := h.store.Guild(ctx, "100")
				if g.MissionName != "" || g.Planned != 0 || g.MandateEnd != nil || g.Timezone == "Local" {
					t.Errorf("%s: a refused change altered the mission: %+v", driver, g)
				}
			}
		})
	}
}

// TestPreviewIsADryRun: what only the whole file shows is a bad line of the preview, with its
// line, as Confirm would find it: departures that together go below the strength deployed, an
// arrival linked to a flight that is not there, the same record twice. Each alone is fine.
func TestPreviewIsADryRun(t *testing.T) {
	row := func(cells map[string]string) string { return importLine(cells) + "\n" }
	dep := func(id string) string {
		return row(map[string]string{"kind": "departure", "id": id, "time": "2025-01-02T10:00:00Z", "country": "KE", "personnel": "10", "role": "police"})
	}
	for _, tc := range []struct {
		name, file string
		line       int
		want       string
	}{
		{"departures together below zero", dep("1") + dep("2"), 3, "🇰🇪 Kenya has 15 police deployed; this file takes 20 away and would leave −5."},
		{"an arrival linked to a flight that is not there",
			row(map[string]string{"kind": "arrival", "id": "4", "time": "2025-01-02T10:00:00Z", "country": "GT", "personnel": "5", "role": "military", "flight": "7"}),
			2, "flight #7 is neither a flight row above this one"},
		{"the same id twice", dep("1") + dep("1"), 3, "departure #1 is also on line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, driver := range storagetest.Drivers() {
				h := newHarness(t, driver)
				ctx := context.Background()
				a := storage.Actor{GuildID: "100", UserID: "mod"}
				if _, err := h.store.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 15, Role: "police", ArrivedAt: h.clock.Now().AddDate(0, 0, -30)}); err != nil {
					t.Fatal(err)
				}
				file := importHeader + "\n" + tc.file
				p, err := exchange.CheckCSV(ctx, h.store, a, strings.NewReader(file))
				if err != nil || p.Bad != 1 || len(p.Errors) != 1 || p.Errors[0].Line != tc.line ||
					!strings.Contains(locale.Error(locale.English, p.Errors[0]), tc.want) {
					t.Errorf("%s: preview = %+v, %v; want line %d refused with %q", driver, p.Errors, err, tc.line, tc.want)
				}
				if _, err := exchange.ImportCSV(ctx, h.store, a, strings.NewReader(file)); err == nil || !strings.Contains(err.Error(), "line "+strconv.Itoa(tc.line)) {
					t.Errorf("%s: import = %v, want the refusal of line %d", driver, err, tc.line)
				}
				totals, _ := h.store.ForceTotals(ctx, "100")
				if len(totals) != 1 || totals[0].Deployed != 15 {
					t.Errorf("%s: the dry run or the refused import changed the ledger: %+v", driver, totals)
				}
			}
		})
	}
}

// TestArrivalWithoutFlightStaysWithout: a flight row without an id does not become "flight 0",
// which every arrival without a flight would then name.
func TestArrivalWithoutFlightStaysWithout(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	file := importHeader + "\n" +
		importLine(map[string]string{"kind": "flight", "time": "2025-01-05T10:00:00Z", "manifest": "GT 5 military"}) + "\n" +
		importLine(map[string]string{"kind": "arrival", "time": "2025-01-02T10:00:00Z", "country": "KE", "personnel": "20", "role": "police"}) + "\n"
	if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "100"}, strings.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	got, _, err := h.store.FindArrivals(ctx, "100", storage.ArrivalFilter{})
	if err != nil || len(got) != 1 || got[0].FlightID != nil {
		t.Errorf("arrivals = %+v, %v; want one with no flight", got, err)
	}
}
