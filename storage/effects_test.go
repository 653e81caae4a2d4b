package storage_test

import (
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// notWrites are the exported methods of *storage.Store that change no record: reads, the
// store's own plumbing, Backup (it writes a file, not the database) and DryRun (it rolls
// back whatever it wrote). Every other exported method must be a step of
// TestEveryWriteDeclaresItsEffects, so that a write added later is tested too.
var notWrites = []string{
	"AllPledges", "ArrivedSince", "Arrival", "Backup", "CalendarFlights", "GuildShare", "ShareByToken", "CacheLive", "CachedGuild", "Close",
	"CountArrivals", "CountAudit", "CountFlights", "CountReminders", "CurrentPledges", "DB",
	"DeployedReports", "Dialect", "DryRun", "EachArrival", "EachAudit", "EachDeparture", "EachFlight", "EachPledge", "EachReport",
	"FindArrivals", "FindAudit", "FindDepartures", "FindFlights", "FindReminders", "FindReports", "Flight", "LatestReports", "Ledger",
	"ForceHistory", "PlannedHistory", "ForceLevels", "ForceTotals", "ForcesView", "GuildIsEmpty", "Guilds",
	"LastSent", "LaterDue", "ListenChanges", "ListenRecords", "MissedSince", "NextDue",
	"NextFlight", "PageArrivals", "PageAudit", "PageFlights", "PageReminders", "Ping",
	"PoliceTypes", "Preview", "HeldChange", "Matches", "ResolveRole", "RecentDigests", "Reminder", "Report", "ReportsPage", "ReportsLoggedSince", "Subscribe",
}

// effectStep is one call of a write method of the store.
type effectStep struct {
	method string
	// prep arranges what the write needs, before the snapshots are warmed.
	prep  func(t *testing.T)
	write func(t *testing.T) error
	// effects is what the write must announce, over all the Changes it announces, and guild
	// the guild they name.
	effects storage.Effect
	guild   string
	// cold: the guild's settings are not read before the write (it creates them).
	cold bool
}

// TestEveryWriteDeclaresItsEffects calls every exported write method of the store, one after
// another on guild G, and checks after each that the next /forces of G (ForcesView) and the
// next read of its settings (CachedGuild) see it at once, though the reads just before were
// served from the snapshot; and that the write announced the effects it had, naming G.
func TestEveryWriteDeclaresItsEffects(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		listen(t, s)
		ctx := t.Context()
		now := s.Now()
		a := actorIn("G")
		var arrivalID, spareID, flightID, reportID int64
		var claimed []storage.Reminder
		const (
			records, flights, settings, reminders = storage.EffectRecords, storage.EffectFlights, storage.EffectSettings, storage.EffectReminders
		)
		preview := storage.NewPreviewToken()
		steps := []effectStep{
			// The guild seen for the first time: there are no settings to warm.
			{method: "Guild", cold: true, write: func(*testing.T) error { _, err := s.Guild(ctx, "G"); return err }, effects: settings},
			{method: "AdoptLanguage", write: func(*testing.T) error { return s.AdoptLanguage(ctx, "G", "fr") }, effects: settings},
			{method: "UpdateGuild", write: func(*testing.T) error {
				a := a
				a.InteractionID = "i-1" // for PruneInteractions below
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.Planned = 2500; g.MissionName = "MSS"; return nil })
				return err
			}, effects: settings},
			{method: "LogArrival", write: func(*testing.T) error {
				in, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 200, Role: mission.RolePolice, ArrivedAt: now.Add(-time.Hour)})
				arrivalID = in.ID
				return err
			}, effects: records},
			{method: "EditArrival", write: func(*testing.T) error {
				_, err := s.EditArrival(ctx, a, arrivalID, func(in *storage.Arrival) error { in.Personnel = 250; in.Female = 10; return nil })
				return err
			}, effects: records},
			{method: "LogDeparture", write: func(*testing.T) error {
				_, err := s.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 20, Role: mission.RolePolice, DepartedAt: now, Reason: "rotation"})
				return err
			}, effects: records},
			{method: "SetPledge", write: func(*testing.T) error {
				_, err := s.SetPledge(ctx, a, storage.Pledge{Country: "JM", Personnel: intp(300), Role: mission.RoleMilitary, AsOf: now})
				return err
			}, effects: records},
			{method: "LogReport", write: func(*testing.T) error {
				in, err := s.LogReport(ctx, a, storage.Report{Value: 400, Source: "press", AsOf: now.Add(-time.Hour)})
				reportID = in.ID
				return err
			}, effects: records},
			{method: "EditReport", write: func(*testing.T) error {
				_, err := s.EditReport(ctx, a, reportID, func(r *storage.Report) error { r.Value = 410; return nil })
				return err
			}, effects: records},
			{method: "DeleteReport", write: func(*testing.T) error { _, err := s.DeleteReport(ctx, a, reportID); return err }, effects: records},
			{method: "SetShare", write: func(*testing.T) error {
				_, _, err := s.SetShare(ctx, a, mission.ShareForces, true)
				return err
			}, effects: settings},
			{method: "SetPoliceType", write: func(*testing.T) error {
				_, err := s.SetPoliceType(ctx, a, "KE", mission.TypeIndividualPolice)
				return err
			}, effects: records},
			{method: "DeleteArrival", prep: func(t *testing.T) {
				in, err := s.LogArrival(ctx, a, storage.Arrival{Country: "BS", Personnel: 30, Role: mission.RoleMilitary, ArrivedAt: now.Add(-2 * time.Hour)})
				if err != nil {
					t.Fatal(err)
				}
				spareID = in.ID
			}, write: func(*testing.T) error { _, err := s.DeleteArrival(ctx, a, spareID); return err }, effects: records},
			{method: "ScheduleFlight", write: func(*testing.T) error {
				f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(2 * time.Hour), Destination: "PAP"})
				flightID = f.ID
				return err
			}, effects: flights | reminders},
			{method: "AddManifestLine", write: func(*testing.T) error {
				_, err := s.AddManifestLine(ctx, a, flightID, mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary})
				return err
			}, effects: flights},
			{method: "SetFlightEvent", write: func(*testing.T) error { return s.SetFlightEvent(ctx, "G", flightID, "E1") }, effects: flights},
			{method: "DelayFlight", write: func(*testing.T) error {
				_, err := s.DelayFlight(ctx, a, flightID, now.Add(3*time.Hour), "weather")
				return err
			}, effects: flights | reminders},
			{method: "LandFlight", write: func(*testing.T) error {
				_, _, err := s.LandFlight(ctx, a, flightID, now)
				return err
			}, effects: records | flights | reminders},
			{method: "UnlandFlight", write: func(*testing.T) error {
				_, _, err := s.UnlandFlight(ctx, a, flightID, "wrong flight")
				return err
			}, effects: records | flights | reminders},
			{method: "CancelFlight", prep: func(t *testing.T) {
				f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(time.Hour), Destination: "PAP"})
				if err != nil {
					t.Fatal(err)
				}
				flightID = f.ID
			}, write: func(*testing.T) error { _, err := s.CancelFlight(ctx, a, flightID, "no aircraft"); return err }, effects: flights | reminders},
			{method: "Import", write: func(*testing.T) error {
				return s.Import(ctx, a, "", func(b *storage.Bulk) error {
					if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "JM", Personnel: 40, Role: mission.RoleMilitary, ArrivedAt: now.Add(-time.Minute)}); err != nil {
						return err
					}
					_, err := b.ScheduleFlight(ctx, a, storage.Flight{ETA: now.Add(30 * 24 * time.Hour), Destination: "PAP"})
					return err
				})
			}, effects: records | flights | reminders},
			{method: "PlanReminder", write: func(*testing.T) error {
				return s.PlanReminder(ctx, storage.Reminder{GuildID: "G", Kind: mission.ReminderCountdown, DedupeKey: "k1", DueAt: now.Add(-time.Second)})
			}, effects: reminders},
			{method: "PlanDigests", write: func(*testing.T) error {
				return s.PlanDigests(ctx, "G", now, []storage.Reminder{{DedupeKey: "digest:2025-01-04", DueAt: now.Add(17 * time.Hour)}})
			}, effects: reminders},
			{method: "TopUpCountdowns", prep: func(t *testing.T) {
				// A mandate end whose countdown was not planned (an older version).
				end := now.Add(60 * 24 * time.Hour)
				if _, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error { g.MandateEnd = &end; return nil }); err != nil {
					t.Fatal(err)
				}
				if err := s.DB().Where("dedupe_key LIKE ?", "countdown:%").Delete(&storage.Reminder{}).Error; err != nil {
					t.Fatal(err)
				}
			}, write: func(t *testing.T) error {
				n, err := s.TopUpCountdowns(ctx)
				if n == 0 && err == nil {
					t.Error("TopUpCountdowns planned nothing: the step proves nothing")
				}
				return err
			}, effects: reminders},
			{method: "ClaimDueFor", prep: func(t *testing.T) {
				// k1 too: the mandate end's countdown cancelled it (planAt revives it).
				for _, k := range []string{"k1", "k2", "k3", "k4", "k5", "k6"} {
					planAt(t, s, "G", k, now.Add(-time.Second))
				}
			}, write: func(t *testing.T) error {
				var err error
				claimed, err = s.ClaimDueFor(ctx, "o#1", now, time.Minute, storage.ClaimLimits{Limit: 10})
				if len(claimed) != 6 {
					t.Fatalf("claimed %d reminders, want k1 to k6", len(claimed))
				}
				return err
			}},
			{method: "ExtendLease", write: func(*testing.T) error { return s.ExtendLease(ctx, claimed[0], now.Add(2*time.Minute)) }},
			{method: "ExtendLeases", write: func(*testing.T) error {
				_, err := s.ExtendLeases(ctx, claimed, now.Add(2*time.Minute))
				return err
			}},
			{method: "MarkSent", write: func(*testing.T) error { return s.MarkSent(ctx, claimed[0], "m1", false) }},
			{method: "MarkFailed", write: func(*testing.T) error { return s.MarkFailed(ctx, claimed[1], "boom") }},
			{method: "MarkMissed", write: func(*testing.T) error { return s.MarkMissed(ctx, claimed[2], "too late") }},
			{method: "MarkCancelled", write: func(*testing.T) error { return s.MarkCancelled(ctx, claimed[3], "gone") }},
			{method: "RetryLater", write: func(*testing.T) error { return s.RetryLater(ctx, claimed[4], now.Add(10*time.Minute), "429") }},
			// Rows given back may be claimed by any instance at once: the dispatchers are woken.
			{method: "Release", write: func(*testing.T) error { return s.Release(ctx, claimed[5]) }, effects: reminders, guild: "-"},
			{method: "Settle", prep: func(t *testing.T) {
				var err error
				if claimed, err = s.ClaimDueFor(ctx, "o#2", now, time.Minute, storage.ClaimLimits{Limit: 10}); err != nil || len(claimed) != 1 {
					t.Fatalf("ClaimDueFor = %d rows, %v; want the released one", len(claimed), err)
				}
			}, write: func(*testing.T) error {
				_, err := s.Settle(ctx, []storage.Outcome{{Reminder: claimed[0], Status: mission.ReminderSent, MessageID: "m2"}})
				return err
			}},
			{method: "ExpireLeases", write: func(t *testing.T) error {
				n, err := s.ExpireLeases(ctx, now.Add(11*time.Minute))
				if n != 1 && err == nil {
					t.Errorf("ExpireLeases cleared %d leases, want the postponed one", n)
				}
				return err
			}},
			{method: "PruneInteractions", write: func(t *testing.T) error {
				n, err := s.PruneInteractions(ctx, now.Add(time.Hour))
				if n == 0 && err == nil {
					t.Error("PruneInteractions forgot nothing: the step proves nothing")
				}
				return err
			}},
			{method: "SavePreview", write: func(*testing.T) error {
				_, err := s.SavePreview(ctx, storage.ImportPreview{Token: preview, GuildID: "G", UserID: "U", Filename: "f.csv", Body: "x"})
				return err
			}},
			{method: "DropPreview", write: func(*testing.T) error { return s.DropPreview(ctx, "G", preview) }},
			{method: "HoldChange", write: func(*testing.T) error {
				_, err := s.HoldChange(ctx, a, storage.HeldChange{Token: preview, Route: "arrival log", Options: "{}"})
				return err
			}},
			{method: "ClaimHeld", write: func(*testing.T) error { return s.ClaimHeld(ctx, "G", preview) }},
			{method: "PruneHeld", prep: func(t *testing.T) {
				if _, err := s.HoldChange(ctx, a, storage.HeldChange{Token: "expiring", Route: "arrival log"}); err != nil {
					t.Fatal(err)
				}
			}, write: func(t *testing.T) error {
				n, err := s.PruneHeld(ctx, s.Now().Add(storage.HeldLife))
				if n != 1 && err == nil {
					t.Errorf("PruneHeld removed %d held changes, want the expired one", n)
				}
				return err
			}},
			{method: "Migrate", write: func(*testing.T) error { _, err := s.Migrate(ctx); return err }},
		}
		checkEveryWriteIsAStep(t, steps)

		log, _ := record(s)
		for _, st := range steps {
			if st.prep != nil {
				st.prep(t)
			}
			// Warm the snapshot twice: the second read is served from memory.
			view(t, s)
			view(t, s)
			if !st.cold {
				if _, err := s.CachedGuild(ctx, "G"); err != nil {
					t.Fatal(err)
				}
			}
			log.take()
			if err := st.write(t); err != nil {
				t.Fatalf("%s: %v", st.method, err)
			}
			if got, want := view(t, s), directView(t, s, "G", s.Now()); !reflect.DeepEqual(got, want) {
				t.Errorf("after %s: ForcesView = %+v, want %+v", st.method, got, want)
			}
			got, err := s.CachedGuild(ctx, "G")
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := s.Guild(ctx, "G"); !reflect.DeepEqual(got, want) {
				t.Errorf("after %s: CachedGuild = %+v, want %+v", st.method, got, want)
			}
			var effects storage.Effect
			guild := "G"
			if st.guild == "-" {
				guild = ""
			}
			for _, c := range log.take() {
				effects |= c.Effects
				if c.GuildID != guild {
					t.Errorf("%s announced a change of guild %q, want %q", st.method, c.GuildID, guild)
				}
			}
			if effects != st.effects {
				t.Errorf("%s announced %s, want %s", st.method, effects, st.effects)
			}
		}
	})
}

// checkEveryWriteIsAStep fails unless every exported method of *storage.Store is either a step
// or one of notWrites.
func checkEveryWriteIsAStep(t *testing.T, steps []effectStep) {
	t.Helper()
	stepped := map[string]bool{}
	for _, st := range steps {
		stepped[st.method] = true
	}
	typ := reflect.TypeOf(&storage.Store{})
	var missing, both []string
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		read := slices.Contains(notWrites, name)
		switch {
		case stepped[name] && read:
			both = append(both, name)
		case !stepped[name] && !read:
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("exported methods of *storage.Store neither tested as a write nor listed in notWrites: %v", missing)
	}
	if len(both) > 0 {
		t.Errorf("methods both tested as writes and listed in notWrites: %v", both)
	}
	for name := range stepped {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("step %s names no method of *storage.Store", name)
		}
	}
}
