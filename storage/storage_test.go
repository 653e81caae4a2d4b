package storage_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// The helpers below are shared by every _test file of package storage_test.

// actorIn is a moderator of guild making a change with a named command.
func actorIn(guild string) storage.Actor {
	return storage.Actor{GuildID: guild, UserID: "user-" + guild, Command: "/test"}
}

func intp(n int) *int { return &n }

// offsets parses reminder offsets as a moderator would type them.
func offsets(t testing.TB, text string) mission.Offsets {
	t.Helper()
	o, err := mission.ParseOffsets(text)
	if err != nil {
		t.Fatalf("ParseOffsets(%q): %v", text, err)
	}
	return o
}

// dbSnapshot dumps every table, soft-deleted rows included, as sorted printed rows: two equal
// snapshots mean nothing at all was written in between.
func dbSnapshot(t testing.TB, s *storage.Store) map[string][]string {
	t.Helper()
	tables, err := s.DB().Migrator().GetTables()
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		if strings.HasPrefix(table, "sqlite_") {
			continue
		}
		var rows []map[string]any
		if err := s.DB().Table(table).Find(&rows).Error; err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		printed := make([]string, 0, len(rows))
		for _, r := range rows {
			printed = append(printed, fmt.Sprint(r)) // fmt prints map keys sorted
		}
		sort.Strings(printed)
		out[table] = printed
	}
	return out
}

// diffSnapshots names the tables whose contents differ.
func diffSnapshots(before, after map[string][]string) []string {
	var diff []string
	for table := range before {
		if !slices.Equal(before[table], after[table]) {
			diff = append(diff, fmt.Sprintf("%s: %d rows before, %d after", table, len(before[table]), len(after[table])))
		}
	}
	for table := range after {
		if _, ok := before[table]; !ok {
			diff = append(diff, "new table "+table)
		}
	}
	sort.Strings(diff)
	return diff
}

// rawCount counts a table's rows matching where, soft-deleted ones included.
func rawCount(t testing.TB, s *storage.Store, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func auditOf(t testing.TB, s *storage.Store, guild string) []storage.AuditEntry {
	t.Helper()
	es, err := s.FindAudit(t.Context(), guild, storage.AuditFilter{})
	if err != nil {
		t.Fatalf("FindAudit(%s): %v", guild, err)
	}
	return es
}

func totalsOf(t testing.TB, s *storage.Store, guild string) []storage.ForceTotal {
	t.Helper()
	ft, err := s.ForceTotals(t.Context(), guild)
	if err != nil {
		t.Fatalf("ForceTotals(%s): %v", guild, err)
	}
	return ft
}

// recomputedTotals derives the force level from the history: the non-deleted arrivals minus the
// departures per (country, role), zeros dropped, ordered as ForceTotals orders them.
func recomputedTotals(t testing.TB, s *storage.Store, guild string) []storage.ForceTotal {
	t.Helper()
	arrivals, _, err := s.FindArrivals(t.Context(), guild, storage.ArrivalFilter{})
	if err != nil {
		t.Fatalf("FindArrivals: %v", err)
	}
	departures, err := s.FindDepartures(t.Context(), guild, storage.ArrivalFilter{})
	if err != nil {
		t.Fatalf("FindDepartures: %v", err)
	}
	sum := map[[2]string]int64{}
	for _, a := range arrivals {
		sum[[2]string{a.Country, string(a.Role)}] += int64(a.Personnel)
	}
	for _, d := range departures {
		sum[[2]string{d.Country, string(d.Role)}] -= int64(d.Personnel)
	}
	var out []storage.ForceTotal
	for k, n := range sum {
		if n != 0 {
			out = append(out, storage.ForceTotal{GuildID: guild, Country: k[0], Role: mission.Role(k[1]), Deployed: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Country != out[j].Country {
			return out[i].Country < out[j].Country
		}
		return out[i].Role < out[j].Role
	})
	return out
}

// reminderLines describes a flight's reminders of the given statuses as sorted
// "kind offset due" lines, which read well in a failure message.
func reminderLines(t testing.TB, s *storage.Store, guild string, flightID int64, statuses ...mission.ReminderStatus) []string {
	t.Helper()
	rs, _, err := s.FindReminders(t.Context(), guild, storage.ReminderFilter{Statuses: statuses})
	if err != nil {
		t.Fatalf("FindReminders: %v", err)
	}
	out := []string{}
	for _, r := range rs {
		if r.FlightID == nil || *r.FlightID != flightID {
			continue
		}
		out = append(out, fmt.Sprintf("%s %v %s", r.Kind, time.Duration(r.OffsetSecs)*time.Second, r.DueAt.UTC().Format(time.RFC3339)))
	}
	sort.Strings(out)
	return out
}

// flightPlan is what reminderLines should show for eta under offsets (durations before the
// ETA) when now is the store's clock: the offsets still ahead, and the overdue nudge unless its
// time has passed too.
func flightPlan(now, eta time.Time, offsets ...time.Duration) []string {
	out := []string{}
	if due := eta.Add(storage.OverdueAfter); !due.Before(now) {
		out = append(out, fmt.Sprintf("%s 0s %s", mission.ReminderOverdue, due.UTC().Format(time.RFC3339)))
	}
	for _, off := range offsets {
		if due := eta.Add(-off); !due.Before(now) {
			out = append(out, fmt.Sprintf("%s %v %s", mission.ReminderFlight, off, due.UTC().Format(time.RFC3339)))
		}
	}
	sort.Strings(out)
	return out
}

var defaultOffsets = []time.Duration{24 * time.Hour, time.Hour, 0}

func mustArrival(t testing.TB, s *storage.Store, guild, country string, personnel int, role mission.Role) storage.Arrival {
	t.Helper()
	a, err := s.LogArrival(t.Context(), actorIn(guild), storage.Arrival{Country: country, Personnel: personnel, Role: role, ArrivedAt: s.Now()})
	if err != nil {
		t.Fatalf("LogArrival(%s %d %s): %v", country, personnel, role, err)
	}
	return a
}

func mustFlight(t testing.TB, s *storage.Store, guild string, eta time.Time, lines ...storage.ManifestLine) storage.Flight {
	t.Helper()
	f, err := s.ScheduleFlight(t.Context(), actorIn(guild), storage.Flight{ETA: eta, Destination: "PAP", Source: "test", Manifest: lines})
	if err != nil {
		t.Fatalf("ScheduleFlight: %v", err)
	}
	return f
}

func line(country string, personnel int, role mission.Role) storage.ManifestLine {
	return storage.ManifestLine{ManifestLine: mission.ManifestLine{Country: country, Personnel: personnel, Role: role}}
}

func TestEveryChangeWritesOneAuditEntry(t *testing.T) {
	noSetup := func(t *testing.T, s *storage.Store) int64 { return 0 }
	arrival := func(t *testing.T, s *storage.Store) int64 { return mustArrival(t, s, "A", "GT", 75, "military").ID }
	flight := func(t *testing.T, s *storage.Store) int64 {
		return mustFlight(t, s, "A", s.Now().Add(48*time.Hour), line("GT", 75, "military")).ID
	}
	emptyFlight := func(t *testing.T, s *storage.Store) int64 { return mustFlight(t, s, "A", s.Now().Add(48*time.Hour)).ID }

	tests := []struct {
		name          string
		setup         func(t *testing.T, s *storage.Store) int64
		change        func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error)
		kind          mission.RecordKind
		action        mission.AuditAction
		before, after bool // whether the entry carries a before / after image
	}{
		{"log arrival", noSetup, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) (int64, error) {
			r, err := s.LogArrival(t.Context(), a, storage.Arrival{Country: "SV", Personnel: 8, Role: "medical", ArrivedAt: s.Now()})
			return r.ID, err
		}, mission.KindArrival, "create", false, true},
		{"edit arrival", arrival, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, err := s.EditArrival(t.Context(), a, id, func(r *storage.Arrival) error { r.Personnel = 80; return nil })
			return r.ID, err
		}, mission.KindArrival, "update", true, true},
		{"delete arrival", arrival, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, err := s.DeleteArrival(t.Context(), a, id)
			return r.ID, err
		}, mission.KindArrival, "delete", true, false},
		{"log departure", func(t *testing.T, s *storage.Store) int64 {
			if _, err := s.LogArrival(t.Context(), actorIn("A"), storage.Arrival{Country: "KE", Personnel: 20, Role: "police", ArrivedAt: s.Now()}); err != nil {
				t.Fatal(err)
			}
			return 0
		}, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) (int64, error) {
			r, err := s.LogDeparture(t.Context(), a, storage.Departure{Country: "KE", Personnel: 20, Role: "police", DepartedAt: s.Now(), Reason: "rotation"})
			return r.ID, err
		}, mission.KindDeparture, "create", false, true},
		{"set pledge", noSetup, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) (int64, error) {
			r, err := s.SetPledge(t.Context(), a, storage.Pledge{Country: "JM", Role: "military", AsOf: s.Now()})
			return r.ID, err
		}, mission.KindPledge, "create", false, true},
		{"schedule flight", noSetup, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) (int64, error) {
			r, err := s.ScheduleFlight(t.Context(), a, storage.Flight{ETA: s.Now().Add(24 * time.Hour), Manifest: []storage.ManifestLine{line("GT", 75, "military"), line("SV", 8, "medical")}})
			return r.ID, err
		}, mission.KindFlight, "create", false, true},
		{"add manifest line", flight, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, err := s.AddManifestLine(t.Context(), a, id, line("SV", 8, "medical").ManifestLine)
			return r.ID, err
		}, mission.KindFlight, "add", true, true},
		{"delay flight", flight, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, err := s.DelayFlight(t.Context(), a, id, s.Now().Add(72*time.Hour), "weather")
			return r.ID, err
		}, mission.KindFlight, "delay", true, true},
		{"cancel flight", flight, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, err := s.CancelFlight(t.Context(), a, id, "aircraft unavailable")
			return r.ID, err
		}, mission.KindFlight, "cancel", true, true},
		// A landing with an empty manifest creates no arrival; with a manifest, each arrival
		// gets its own entry too (TestLandFlight).
		{"land flight", emptyFlight, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) (int64, error) {
			r, _, err := s.LandFlight(t.Context(), a, id, s.Now())
			return r.ID, err
		}, mission.KindFlight, "land", true, true},
		{"update guild", noSetup, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) (int64, error) {
			_, err := s.UpdateGuild(t.Context(), a, func(g *storage.Guild) error { g.MissionName = "MSS"; g.Planned = 2500; return nil })
			return 0, err
		}, mission.KindSettings, "update", true, true},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := tt.setup(t, s)
				a := storage.Actor{GuildID: "A", UserID: "moderator-7", Command: "/" + tt.name}
				before := auditOf(t, s, "A")
				gotID, err := tt.change(t, s, a, id)
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				after := auditOf(t, s, "A")
				if got, want := len(after)-len(before), 1; got != want {
					t.Fatalf("%s wrote %d audit entries, want %d", tt.name, got, want)
				}
				e := after[0] // newest first
				want := storage.AuditEntry{ID: e.ID, GuildID: "A", At: e.At, UserID: "moderator-7", Command: "/" + tt.name,
					Kind: tt.kind, RecordID: gotID, Action: tt.action, Before: e.Before, After: e.After}
				if !reflect.DeepEqual(e, want) {
					t.Errorf("audit entry = %+v, want %+v", e, want)
				}
				if !e.At.Equal(s.Now()) {
					t.Errorf("audit entry at %v, want the store clock %v", e.At, s.Now())
				}
				for _, img := range []struct {
					name string
					json string
					want bool
				}{{"before", e.Before, tt.before}, {"after", e.After, tt.after}} {
					if got := img.json != ""; got != img.want {
						t.Errorf("audit %s image present = %v, want %v (%q)", img.name, got, img.want, img.json)
					}
					if img.json != "" && !json.Valid([]byte(img.json)) {
						t.Errorf("audit %s image is not JSON: %q", img.name, img.json)
					}
				}
			})
		}
	})
}

// installArrivalTrigger makes every insert of an arrival of country ZZ fail, so a test can break
// a transaction half-way through.
func installArrivalTrigger(t testing.TB, s *storage.Store) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER arrivals_fail_zz BEFORE INSERT ON arrivals
		WHEN NEW.country = 'ZW' BEGIN SELECT RAISE(ABORT, 'test trigger: ZW refused'); END`}
	if s.Dialect() == storage.DriverPostgres {
		stmts = []string{
			`CREATE FUNCTION arrivals_fail_zz() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'test trigger: ZW refused'; END $$`,
			`CREATE TRIGGER arrivals_fail_zz BEFORE INSERT ON arrivals
			FOR EACH ROW WHEN (NEW.country = 'ZW') EXECUTE FUNCTION arrivals_fail_zz()`,
		}
	}
	for _, stmt := range stmts {
		if err := s.DB().Exec(stmt).Error; err != nil {
			t.Fatalf("install trigger: %v", err)
		}
	}
}

func TestFailedChangeWritesNothing(t *testing.T) {
	errRefused := errors.New("change refused")
	arrival := func(t *testing.T, s *storage.Store) int64 { return mustArrival(t, s, "A", "GT", 75, "military").ID }
	flight := func(t *testing.T, s *storage.Store) int64 {
		return mustFlight(t, s, "A", s.Now().Add(48*time.Hour), line("GT", 75, "military")).ID
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, s *storage.Store) int64
		change  func(t *testing.T, s *storage.Store, a storage.Actor, id int64) error
		wantErr error // nil: any error (a constraint violation)
	}{
		{"log arrival of 0 personnel", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.LogArrival(t.Context(), a, storage.Arrival{Country: "GT", Personnel: 0, Role: "military", ArrivedAt: s.Now()})
			return err
		}, nil},
		{"log arrival of 100001 personnel", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.LogArrival(t.Context(), a, storage.Arrival{Country: "GT", Personnel: 100001, Role: "military", ArrivedAt: s.Now()})
			return err
		}, nil},
		{"edit arrival refused by its change", arrival, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) error {
			_, err := s.EditArrival(t.Context(), a, id, func(r *storage.Arrival) error { r.Personnel = 5; return errRefused })
			return err
		}, errRefused},
		{"edit arrival to 0 personnel", arrival, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) error {
			_, err := s.EditArrival(t.Context(), a, id, func(r *storage.Arrival) error { r.Personnel = 0; r.Country = "SV"; return nil })
			return err
		}, nil},
		{"log departure of 0 personnel", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.LogDeparture(t.Context(), a, storage.Departure{Country: "GT", Personnel: 0, Role: "military", DepartedAt: s.Now(), Reason: "other"})
			return err
		}, nil},
		{"set pledge of 0 personnel", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.SetPledge(t.Context(), a, storage.Pledge{Country: "KE", Personnel: intp(0), Role: "police", AsOf: s.Now()})
			return err
		}, nil},
		{"schedule flight with a 0-personnel line", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.ScheduleFlight(t.Context(), a, storage.Flight{ETA: s.Now().Add(48 * time.Hour),
				Manifest: []storage.ManifestLine{line("GT", 75, "military"), line("SV", 0, "medical")}})
			return err
		}, nil},
		{"add 0-personnel manifest line", flight, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) error {
			_, err := s.AddManifestLine(t.Context(), a, id, line("SV", 0, "medical").ManifestLine)
			return err
		}, nil},
		{"update guild refused by its change", nil, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.UpdateGuild(t.Context(), a, func(g *storage.Guild) error { g.Planned = 1; return errRefused })
			return err
		}, errRefused},
		// Offsets that mission.ParseOffsets would not read back are refused as the row is saved,
		// with an open flight to re-plan: nothing of the change stays.
		{"update guild to offsets beyond 30 days", flight, func(t *testing.T, s *storage.Store, a storage.Actor, _ int64) error {
			_, err := s.UpdateGuild(t.Context(), a, func(g *storage.Guild) error {
				g.ReminderOffsets = mission.Offsets{31 * 24 * time.Hour}
				g.Planned = 7
				return nil
			})
			return err
		}, nil},
		// The first manifest line becomes an arrival, the second one fails: the flight stays
		// open with its reminders, and the first arrival and its force total are rolled back.
		{"land flight whose second arrival fails", func(t *testing.T, s *storage.Store) int64 {
			installArrivalTrigger(t, s)
			return mustFlight(t, s, "A", s.Now().Add(time.Hour), line("GT", 75, "military"), line("ZW", 5, "police")).ID
		}, func(t *testing.T, s *storage.Store, a storage.Actor, id int64) error {
			_, _, err := s.LandFlight(t.Context(), a, id, s.Now())
			return err
		}, nil},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var id int64
				if tt.setup != nil {
					id = tt.setup(t, s)
				}
				before := dbSnapshot(t, s)
				err := tt.change(t, s, actorIn("A"), id)
				if err == nil {
					t.Fatalf("%s succeeded, want an error", tt.name)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("%s error = %v, want %v", tt.name, err, tt.wantErr)
				}
				if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
					t.Errorf("%s failed but changed the database: %s", tt.name, strings.Join(diff, "; "))
				}
			})
		}
	})
}

func TestDeleteIsSoft(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		keep := mustArrival(t, s, "A", "GT", 75, "military")
		gone := mustArrival(t, s, "A", "SV", 8, "medical")

		deleted, err := s.DeleteArrival(ctx, actorIn("A"), gone.ID)
		if err != nil {
			t.Fatalf("DeleteArrival: %v", err)
		}
		if deleted.ID != gone.ID || deleted.Personnel != 8 {
			t.Errorf("DeleteArrival returned %+v, want the deleted arrival #%d", deleted, gone.ID)
		}

		if got, want := rawCount(t, s, "arrivals", "id = ? AND deleted_at IS NOT NULL", gone.ID), int64(1); got != want {
			t.Errorf("rows of arrival #%d with deleted_at set = %d, want %d (the row stays)", gone.ID, got, want)
		}
		if _, err := s.Arrival(ctx, "A", gone.ID); !errors.Is(err, mission.ErrNotFound) {
			t.Errorf("Arrival(deleted) error = %v, want ErrNotFound", err)
		}
		list, total, err := s.FindArrivals(ctx, "A", storage.ArrivalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(list), 1; got != want || total != 1 || list[0].ID != keep.ID {
			t.Errorf("FindArrivals after delete = %d rows (total %d), want only #%d", got, total, keep.ID)
		}
		if n, err := s.ArrivedSince(ctx, "A", s.Now().Add(-time.Hour)); err != nil || n != 75 {
			t.Errorf("ArrivedSince after delete = %d, %v; want 75", n, err)
		}
		if got, want := totalsOf(t, s, "A"), []storage.ForceTotal{{GuildID: "A", Country: "GT", Role: "military", Deployed: 75}}; !slices.Equal(got, want) {
			t.Errorf("ForceTotals after delete = %+v, want %+v", got, want)
		}

		entries, err := s.FindAudit(ctx, "A", storage.AuditFilter{Kind: mission.KindArrival, RecordID: gone.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "delete" {
			t.Fatalf("audit of arrival #%d = %+v, want create then delete", gone.ID, entries)
		}
		f := storage.AuditFilter{Kind: mission.KindArrival, RecordID: gone.ID}
		if n, err := s.CountAudit(ctx, "A", f, 0); err != nil || n != 2 {
			t.Errorf("CountAudit(A, %+v) = %d, %v; want 2", f, n, err)
		}
		f.Limit, f.Offset = 1, 1
		if page, err := s.FindAudit(ctx, "A", f); err != nil || len(page) != 1 || page[0].ID != entries[1].ID {
			t.Errorf("FindAudit(A, %+v) = %+v, %v; want the create entry alone", f, page, err)
		}
		var img storage.Arrival
		if err := json.Unmarshal([]byte(entries[0].Before), &img); err != nil {
			t.Fatalf("delete entry's before image %q: %v", entries[0].Before, err)
		}
		if img.ID != gone.ID || img.Country != "SV" || img.Personnel != 8 || img.Role != "medical" {
			t.Errorf("delete entry's before image = %+v, want arrival #%d SV 8 medical", img, gone.ID)
		}
		if entries[0].After != "" {
			t.Errorf("delete entry's after image = %q, want empty", entries[0].After)
		}

		// A deleted arrival is gone for every change too, and nothing is written trying.
		before := dbSnapshot(t, s)
		if _, err := s.DeleteArrival(ctx, actorIn("A"), gone.ID); !errors.Is(err, mission.ErrNotFound) {
			t.Errorf("DeleteArrival(deleted) error = %v, want ErrNotFound", err)
		}
		if _, err := s.EditArrival(ctx, actorIn("A"), gone.ID, func(*storage.Arrival) error { return nil }); !errors.Is(err, mission.ErrNotFound) {
			t.Errorf("EditArrival(deleted) error = %v, want ErrNotFound", err)
		}
		if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
			t.Errorf("changing a deleted arrival wrote: %s", strings.Join(diff, "; "))
		}
	})
}

func TestEditArrivalMovesForceTotals(t *testing.T) {
	ft := func(country string, role mission.Role, n int64) storage.ForceTotal {
		return storage.ForceTotal{GuildID: "A", Country: country, Role: role, Deployed: n}
	}
	tests := []struct {
		name   string
		change func(*storage.Arrival)
		want   []storage.ForceTotal
	}{
		{"country", func(a *storage.Arrival) { a.Country = "SV" }, []storage.ForceTotal{ft("KE", "police", 200), ft("SV", "military", 75)}},
		{"role", func(a *storage.Arrival) { a.Role = "medical" }, []storage.ForceTotal{ft("GT", "medical", 75), ft("KE", "police", 200)}},
		{"personnel", func(a *storage.Arrival) { a.Personnel = 80 }, []storage.ForceTotal{ft("GT", "military", 80), ft("KE", "police", 200)}},
		{"all three", func(a *storage.Arrival) { a.Country, a.Role, a.Personnel = "KE", "police", 10 },
			[]storage.ForceTotal{ft("KE", "police", 210)}},
		{"note only", func(a *storage.Arrival) { a.Note = "corrected source" }, []storage.ForceTotal{ft("GT", "military", 75), ft("KE", "police", 200)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
				mustArrival(t, s, "A", "KE", 200, "police")
				a := mustArrival(t, s, "A", "GT", 75, "military")
				if _, err := s.EditArrival(t.Context(), actorIn("A"), a.ID, func(a *storage.Arrival) error { tt.change(a); return nil }); err != nil {
					t.Fatalf("EditArrival: %v", err)
				}
				if got := totalsOf(t, s, "A"); !slices.Equal(got, tt.want) {
					t.Errorf("ForceTotals after editing %s = %+v, want %+v", tt.name, got, tt.want)
				}
				if got, want := totalsOf(t, s, "A"), recomputedTotals(t, s, "A"); !slices.Equal(got, want) {
					t.Errorf("ForceTotals = %+v, recomputed from history %+v", got, want)
				}
			})
		})
	}
}

// TestForceTotalsFollowHistory runs a random but repeatable mix of every change that moves the
// force level, in two guilds, and checks the running totals against a recomputation.
func TestForceTotalsFollowHistory(t *testing.T) {
	countries := []string{"GT", "SV", "KE", "JM"}
	roles := []string{"military", "police", "medical"}
	guilds := []string{"A", "B"}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		clock := storagetest.NewClock(storagetest.Start)
		s.Now = clock.Now
		rng := rand.New(rand.NewPCG(2025, 103))
		live := map[string][]int64{}    // arrival IDs per guild
		flights := map[string][]int64{} // open flight IDs per guild
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		counts := map[string]int{}
		for step := range 160 {
			clock.Advance(time.Duration(rng.IntN(180)) * time.Minute)
			g := pick(guilds)
			a := actorIn(g)
			var err error
			switch op := rng.IntN(10); {
			case op < 3:
				var r storage.Arrival
				r, err = s.LogArrival(ctx, a, storage.Arrival{Country: pick(countries), Role: mission.Role(pick(roles)), Personnel: 1 + rng.IntN(300), ArrivedAt: clock.Now()})
				live[g] = append(live[g], r.ID)
				counts["arrival"]++
			case op < 5:
				_, err = s.LogDeparture(ctx, a, storage.Departure{Country: pick(countries), Role: mission.Role(pick(roles)), Personnel: 1 + rng.IntN(100), DepartedAt: clock.Now(), Reason: "rotation"})
				counts["departure"]++
			case op < 7 && len(live[g]) > 0:
				id := live[g][rng.IntN(len(live[g]))]
				_, err = s.EditArrival(ctx, a, id, func(r *storage.Arrival) error {
					switch rng.IntN(3) {
					case 0:
						r.Country = pick(countries)
					case 1:
						r.Role = mission.Role(pick(roles))
					default:
						r.Personnel = 1 + rng.IntN(300)
					}
					return nil
				})
				counts["edit"]++
			case op < 8 && len(live[g]) > 0:
				i := rng.IntN(len(live[g]))
				if _, err = s.DeleteArrival(ctx, a, live[g][i]); err == nil {
					live[g] = slices.Delete(live[g], i, i+1)
				}
				counts["delete"]++
			case op < 9:
				var lines []storage.ManifestLine
				for range rng.IntN(4) {
					lines = append(lines, line(pick(countries), 1+rng.IntN(100), mission.Role(pick(roles))))
				}
				var f storage.Flight
				f, err = s.ScheduleFlight(ctx, a, storage.Flight{ETA: clock.Now().Add(time.Duration(1+rng.IntN(48)) * time.Hour), Manifest: lines})
				flights[g] = append(flights[g], f.ID)
				counts["schedule"]++
			case len(flights[g]) > 0:
				id := flights[g][0]
				flights[g] = flights[g][1:]
				var arrived []storage.Arrival
				_, arrived, err = s.LandFlight(ctx, a, id, clock.Now())
				for _, r := range arrived {
					live[g] = append(live[g], r.ID)
				}
				counts["land"]++
			default:
				continue
			}
			if errors.Is(err, mission.ErrConflict) {
				// A departure, edit or delete that would leave a level below zero is refused
				// and changes nothing; the totals must still match the history.
				counts["refused"]++
				err = nil
			}
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			if step%20 == 19 {
				for _, g := range guilds {
					if got, want := totalsOf(t, s, g), recomputedTotals(t, s, g); !slices.Equal(got, want) {
						t.Fatalf("after step %d guild %s: ForceTotals = %+v, recomputed from history %+v", step, g, got, want)
					}
				}
			}
		}
		for _, g := range guilds {
			if got, want := totalsOf(t, s, g), recomputedTotals(t, s, g); !slices.Equal(got, want) {
				t.Errorf("guild %s: ForceTotals = %+v, recomputed from history %+v", g, got, want)
			}
		}
		for _, op := range []string{"arrival", "departure", "edit", "delete", "schedule", "land", "refused"} {
			if counts[op] == 0 {
				t.Errorf("the random sequence never did %q; change the seed", op)
			}
		}
	})
}

func TestLandFlight(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		eta := s.Now().Add(2 * time.Hour)
		f := mustFlight(t, s, "A", eta, line("GT", 75, "military"), line("SV", 8, "medical"))
		if got, want := reminderLines(t, s, "A", f.ID, mission.ReminderPending), flightPlan(s.Now(), eta, defaultOffsets...); !slices.Equal(got, want) {
			t.Fatalf("pending reminders before landing = %q, want %q", got, want)
		}
		auditBefore := len(auditOf(t, s, "A"))

		at := s.Now().Add(-30 * time.Minute) // landed early, logged a little later
		landed, arrivals, err := s.LandFlight(ctx, actorIn("A"), f.ID, at)
		if err != nil {
			t.Fatalf("LandFlight: %v", err)
		}
		if landed.Status != mission.FlightLanded || landed.LandedAt == nil || !landed.LandedAt.Equal(at) {
			t.Errorf("landed flight status %q landed at %v, want %q at %v", landed.Status, landed.LandedAt, mission.FlightLanded, at)
		}

		got, _, err := s.FindArrivals(ctx, "A", storage.ArrivalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || len(arrivals) != 2 {
			t.Fatalf("landing made %d arrivals (returned %d), want 2", len(got), len(arrivals))
		}
		var lines []string
		for _, a := range got {
			if a.FlightID == nil || *a.FlightID != f.ID {
				t.Errorf("arrival #%d flight = %v, want #%d", a.ID, a.FlightID, f.ID)
			}
			if !a.ArrivedAt.Equal(at) {
				t.Errorf("arrival #%d at %v, want the landing time %v", a.ID, a.ArrivedAt, at)
			}
			lines = append(lines, fmt.Sprintf("%s %d %s", a.Country, a.Personnel, a.Role))
		}
		sort.Strings(lines)
		if want := []string{"GT 75 military", "SV 8 medical"}; !slices.Equal(lines, want) {
			t.Errorf("arrivals from the manifest = %q, want %q", lines, want)
		}
		wantTotals := []storage.ForceTotal{{GuildID: "A", Country: "GT", Role: "military", Deployed: 75}, {GuildID: "A", Country: "SV", Role: "medical", Deployed: 8}}
		if got := totalsOf(t, s, "A"); !slices.Equal(got, wantTotals) {
			t.Errorf("ForceTotals after landing = %+v, want %+v", got, wantTotals)
		}
		if got := reminderLines(t, s, "A", f.ID, mission.ReminderPending); len(got) != 0 {
			t.Errorf("pending reminders after landing = %q, want none", got)
		}
		if got, want := reminderLines(t, s, "A", f.ID, mission.ReminderCancelled), flightPlan(s.Now(), eta, defaultOffsets...); !slices.Equal(got, want) {
			t.Errorf("cancelled reminders after landing = %q, want %q", got, want)
		}
		// One entry for the landing and one per arrival it created, so /history of each arrival
		// shows where it came from.
		if got, want := len(auditOf(t, s, "A"))-auditBefore, 3; got != want {
			t.Errorf("landing wrote %d audit entries, want %d (land + 2 arrivals)", got, want)
		}
	})
}

func TestClosedFlightCannotChange(t *testing.T) {
	closers := []struct {
		name  string
		close func(t *testing.T, s *storage.Store, id int64) error
	}{
		{string(mission.FlightLanded), func(t *testing.T, s *storage.Store, id int64) error {
			_, _, err := s.LandFlight(t.Context(), actorIn("A"), id, s.Now())
			return err
		}},
		{string(mission.FlightCancelled), func(t *testing.T, s *storage.Store, id int64) error {
			_, err := s.CancelFlight(t.Context(), actorIn("A"), id, "scrubbed")
			return err
		}},
	}
	changes := []struct {
		name   string
		change func(t *testing.T, s *storage.Store, id int64) error
	}{
		{"land", func(t *testing.T, s *storage.Store, id int64) error {
			_, _, err := s.LandFlight(t.Context(), actorIn("A"), id, s.Now())
			return err
		}},
		{"delay", func(t *testing.T, s *storage.Store, id int64) error {
			_, err := s.DelayFlight(t.Context(), actorIn("A"), id, s.Now().Add(5*time.Hour), "late")
			return err
		}},
		{"cancel", func(t *testing.T, s *storage.Store, id int64) error {
			_, err := s.CancelFlight(t.Context(), actorIn("A"), id, "again")
			return err
		}},
		{"add line", func(t *testing.T, s *storage.Store, id int64) error {
			_, err := s.AddManifestLine(t.Context(), actorIn("A"), id, line("KE", 10, "police").ManifestLine)
			return err
		}},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for _, c := range closers {
			f := mustFlight(t, s, "A", s.Now().Add(time.Hour), line("GT", 75, "military"))
			if err := c.close(t, s, f.ID); err != nil {
				t.Fatalf("closing flight as %s: %v", c.name, err)
			}
			for _, ch := range changes {
				t.Run(c.name+"/"+ch.name, func(t *testing.T) {
					before := dbSnapshot(t, s)
					err := ch.change(t, s, f.ID)
					var se *mission.Error
					if !errors.As(err, &se) || se.Kind != mission.EConflict {
						t.Fatalf("%s of a %s flight: error %v, want a *mission.Error of kind EConflict", ch.name, c.name, err)
					}
					if got := locale.Error(locale.English, se); !strings.Contains(got, "already "+c.name) && !strings.Contains(got, "already been "+c.name) {
						t.Errorf("conflict %q does not say the flight is %s", got, c.name)
					}
					if diff := diffSnapshots(before, dbSnapshot(t, s)); len(diff) > 0 {
						t.Errorf("refused change wrote: %s", strings.Join(diff, "; "))
					}
				})
			}
		}
	})
}

func TestScheduleFlightPlansReminders(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name    string
		offsets string // "" keeps the default
		eta     time.Duration
		want    []time.Duration // offsets whose reminder is planned (and the overdue one, if ahead)
	}{
		{"default offsets, two days ahead", "", 48 * h, defaultOffsets},
		{"default offsets, 2h ahead skips 24h", "", 2 * h, []time.Duration{h, 0}},
		{"default offsets, 30m ahead keeps only 0", "", 30 * time.Minute, []time.Duration{0}},
		{"default offsets, ETA now keeps 0", "", 0, []time.Duration{0}},
		{"default offsets, ETA passed 1h ago", "", -h, nil},
		{"default offsets, ETA passed 3h ago: no overdue nudge either", "", -3 * h, nil},
		{"custom offsets", "2d,90m,20s", 72 * h, []time.Duration{48 * h, 90 * time.Minute, 20 * time.Second}},
		{"custom offsets partly past", "2d,90m,20s", 24 * h, []time.Duration{90 * time.Minute, 20 * time.Second}},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				guild := fmt.Sprintf("G%d", i)
				if tt.offsets != "" {
					if _, err := s.UpdateGuild(t.Context(), actorIn(guild), func(g *storage.Guild) error { g.ReminderOffsets = offsets(t, tt.offsets); return nil }); err != nil {
						t.Fatal(err)
					}
				}
				eta := s.Now().Add(tt.eta)
				f := mustFlight(t, s, guild, eta, line("GT", 75, "military"))
				got := reminderLines(t, s, guild, f.ID, mission.ReminderPending)
				if want := flightPlan(s.Now(), eta, tt.want...); !slices.Equal(got, want) {
					t.Errorf("reminders of a flight due in %v with offsets %q = %q, want %q", tt.eta, tt.offsets, got, want)
				}
				rs, _, err := s.FindReminders(t.Context(), guild, storage.ReminderFilter{})
				if err != nil {
					t.Fatal(err)
				}
				nonces := map[string]bool{}
				for _, r := range rs {
					if r.Nonce == "" || len(r.Nonce) > 25 || nonces[r.Nonce] {
						t.Errorf("reminder #%d nonce %q: want unique, 1..25 characters", r.ID, r.Nonce)
					}
					nonces[r.Nonce] = true
				}
			})
		}
	})
}

func TestDelayFlightReplans(t *testing.T) {
	h := time.Hour
	// Each step delays the same flight to a new ETA, relative to the fixed clock.
	steps := []struct {
		name string
		eta  time.Duration
		want []time.Duration
	}{
		{"later", 72 * h, defaultOffsets},
		{"close", 30 * time.Minute, []time.Duration{0}},
		{"back to the first ETA", 48 * h, defaultOffsets},
		{"later again", 72 * h, defaultOffsets},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		f := mustFlight(t, s, "A", s.Now().Add(48*h), line("GT", 75, "military"))
		for _, st := range steps {
			eta := s.Now().Add(st.eta)
			d, err := s.DelayFlight(t.Context(), actorIn("A"), f.ID, eta, "weather at origin")
			if err != nil {
				t.Fatalf("delay %s: %v", st.name, err)
			}
			if d.Status != mission.FlightDelayed || !d.ETA.Equal(eta) || d.Reason != "weather at origin" {
				t.Errorf("delay %s: flight status %q ETA %v reason %q, want %q %v %q", st.name, d.Status, d.ETA, d.Reason, mission.FlightDelayed, eta, "weather at origin")
			}
			if got, want := reminderLines(t, s, "A", f.ID, mission.ReminderPending), flightPlan(s.Now(), eta, st.want...); !slices.Equal(got, want) {
				t.Errorf("delay %s: pending reminders = %q, want %q", st.name, got, want)
			}
		}
	})
}

func TestUpdateGuildReplansReminders(t *testing.T) {
	h := time.Hour
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		eta := s.Now().Add(48 * h)
		open := mustFlight(t, s, "A", eta, line("GT", 75, "military"))
		landed := mustFlight(t, s, "A", s.Now().Add(h), line("SV", 8, "medical"))
		if _, _, err := s.LandFlight(ctx, actorIn("A"), landed.ID, s.Now()); err != nil {
			t.Fatal(err)
		}
		setOffsets := func(v string) {
			t.Helper()
			if _, err := s.UpdateGuild(ctx, actorIn("A"), func(g *storage.Guild) error { g.ReminderOffsets = offsets(t, v); return nil }); err != nil {
				t.Fatalf("set offsets %q: %v", v, err)
			}
		}
		check := func(when string, want []string) {
			t.Helper()
			if got := reminderLines(t, s, "A", open.ID, mission.ReminderPending); !slices.Equal(got, want) {
				t.Errorf("%s: pending reminders = %q, want %q", when, got, want)
			}
			if got := reminderLines(t, s, "A", landed.ID, mission.ReminderPending); len(got) != 0 {
				t.Errorf("%s: landed flight has pending reminders %q", when, got)
			}
		}

		setOffsets("2h")
		check(`offsets "2h"`, flightPlan(s.Now(), eta, 2*h))
		setOffsets("24h,1h,0")
		check("offsets back to the default", flightPlan(s.Now(), eta, defaultOffsets...))

		// A reminder already posted must not be planned again when its offset comes back.
		if err := s.DB().Exec(`UPDATE reminders SET status = ? WHERE flight_id = ? AND kind = ? AND offset_secs = ?`,
			mission.ReminderSent, open.ID, mission.ReminderFlight, 86400).Error; err != nil {
			t.Fatal(err)
		}
		setOffsets("1h")
		check(`offsets "1h" after the 24h one was sent`, flightPlan(s.Now(), eta, h))
		setOffsets("24h,1h")
		check(`offsets "24h,1h" after the 24h one was sent`, flightPlan(s.Now(), eta, h))
		if got, want := reminderLines(t, s, "A", open.ID, mission.ReminderSent), flightPlan(s.Now(), eta, 24*h)[:1]; !slices.Equal(got, want) {
			t.Errorf("sent reminders = %q, want %q", got, want)
		}

		// Changing anything else leaves the planned rows exactly as they are.
		before, _, err := s.FindReminders(ctx, "A", storage.ReminderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateGuild(ctx, actorIn("A"), func(g *storage.Guild) error { g.MissionName = "MSS"; return nil }); err != nil {
			t.Fatal(err)
		}
		after, _, err := s.FindReminders(ctx, "A", storage.ReminderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("renaming the mission changed the reminders:\n%+v\nto\n%+v", before, after)
		}
	})
}

func TestCurrentPledges(t *testing.T) {
	day := func(d int) time.Time { return storagetest.Start.AddDate(0, 0, d) }
	// In the order they are logged.
	pledges := []storage.Pledge{
		{Country: "KE", Role: "police", Personnel: intp(1000), AsOf: day(-30)},
		{Country: "KE", Role: "police", Personnel: intp(600), AsOf: day(-10)},
		{Country: "KE", Role: "police", Personnel: intp(2500), AsOf: day(-60), Source: "old report logged late"},
		{Country: "JM", Role: "police", AsOf: day(-5)},
		{Country: "JM", Role: "military", Personnel: intp(200), AsOf: day(-20)},
		{Country: "JM", Role: "military", AsOf: day(-2), Source: "size no longer reported"},
		{Country: "BJ", Role: "police", Personnel: intp(100), AsOf: day(-1)},
		{Country: "BJ", Role: "police", Personnel: intp(150), AsOf: day(-1), Source: "same day, logged later"},
		{Country: "TD", Role: "military", AsOf: day(0)},
	}
	want := []string{"BJ police 150", "JM military ?", "JM police ?", "KE police 600", "TD military ?"}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		for _, p := range pledges {
			if _, err := s.SetPledge(t.Context(), actorIn("A"), p); err != nil {
				t.Fatal(err)
			}
		}
		cur, err := s.CurrentPledges(t.Context(), "A")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range cur {
			size := "?"
			if p.Personnel != nil {
				size = fmt.Sprint(*p.Personnel)
			}
			got = append(got, fmt.Sprintf("%s %s %s", p.Country, p.Role, size))
		}
		if !slices.Equal(got, want) {
			t.Errorf("CurrentPledges = %q, want %q", got, want)
		}
		all, err := s.AllPledges(t.Context(), "A")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(all), len(pledges); got != want {
			t.Errorf("AllPledges kept %d pledges, want %d (history is never overwritten)", got, want)
		}
	})
}
