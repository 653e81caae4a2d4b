package storage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

var bulkAt = time.Date(2024, 12, 29, 12, 0, 0, 0, time.UTC)

// TestBulkImportOneTransaction: a bulk import spanning several batches stores every record with
// its audit entry and moves the force totals and day changes by the sum, as row-by-row logging
// would; a failure anywhere stores nothing.
func TestBulkImportOneTransaction(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := storage.Actor{GuildID: "g1", UserID: "u1", Command: "liaison import"}
		n := storage.ImportBatchSize*2 + 7 // three batches, the last one partial
		var changes []storage.Change
		defer s.Subscribe(func(c storage.Change) { changes = append(changes, c) })()
		err := s.Import(ctx, a, "", func(b *storage.Bulk) error {
			for i := 0; i < n; i++ {
				at := bulkAt.Add(time.Duration(i%3) * 24 * time.Hour)
				if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 2, Role: mission.RolePolice, ArrivedAt: at}); err != nil {
					return err
				}
			}
			if _, err := b.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 5, Role: mission.RolePolice,
				DepartedAt: bulkAt.Add(72 * time.Hour), Reason: mission.ReasonRotation}); err != nil {
				return err
			}
			p := 300
			if _, err := b.SetPledge(ctx, a, storage.Pledge{Country: "JM", Personnel: &p, Role: mission.RolePolice, AsOf: bulkAt}); err != nil {
				return err
			}
			f, err := b.ScheduleFlight(ctx, a, storage.Flight{ETA: bulkAt, Destination: "PAP",
				Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary}}}})
			if err != nil {
				return err
			}
			_, landed, err := b.LandFlight(ctx, a, f.ID, bulkAt)
			if len(landed) != 1 {
				t.Errorf("landing gave %d arrivals, want 1", len(landed))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, count, _ := s.FindArrivals(ctx, "g1", storage.ArrivalFilter{})
		if want := int64(n + 1); count != want {
			t.Errorf("arrivals = %d, want %d", count, want)
		}
		totals, _ := s.ForceTotals(ctx, "g1")
		got := map[string]int64{}
		for _, ft := range totals {
			got[ft.Country+"/"+string(ft.Role)] = ft.Deployed
		}
		if want := int64(2*n - 5); got["KE/police"] != want || got["GT/military"] != 75 {
			t.Errorf("force totals = %v, want KE/police %d and GT/military 75", got, want)
		}
		hist, _ := s.ForceHistory(ctx, "g1", "KE")
		var sum int64
		for _, h := range hist {
			sum += h.Delta
		}
		if len(hist) != 4 || sum != int64(2*n-5) {
			t.Errorf("KE day changes = %+v (sum %d), want 4 days summing to %d", hist, sum, 2*n-5)
		}
		audit, _ := s.CountAudit(ctx, "g1", storage.AuditFilter{}, 0)
		// n arrivals, 1 landed arrival, 1 departure, 1 pledge, the flight scheduled and landed.
		if want := int64(n + 5); audit != want {
			t.Errorf("audit entries = %d, want %d", audit, want)
		}
		flights := 0
		for _, c := range changes {
			flights += len(c.Flights)
		}
		if len(changes) != 1 || flights != 2 {
			t.Errorf("import announced %d changes with %d flights, want one change with 2 (scheduled, landed)", len(changes), flights)
		}

		// A failure after several batches rolls everything back, totals included.
		boom := errors.New("boom")
		err = s.Import(ctx, storage.Actor{GuildID: "g2", UserID: "u1"}, "", func(b *storage.Bulk) error {
			for i := 0; i < storage.ImportBatchSize*2; i++ {
				if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1, Role: mission.RolePolice, ArrivedAt: bulkAt}); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("import = %v, want boom", err)
		}
		if _, c, _ := s.FindArrivals(ctx, "g2", storage.ArrivalFilter{}); c != 0 {
			t.Errorf("arrivals after a failed import = %d, want 0", c)
		}
		if ft, _ := s.ForceTotals(ctx, "g2"); len(ft) != 0 {
			t.Errorf("force totals after a failed import = %+v, want none", ft)
		}
	})
}

// TestBulkImportForceGuard: the guard is checked for the batch as a whole, after every record:
// departures beyond the strength the file and the database give refuse the whole file.
func TestBulkImportForceGuard(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := storage.Actor{GuildID: "g1", UserID: "u1"}
		if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 10, Role: mission.RolePolice, ArrivedAt: bulkAt}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			arrive, depart int
			ok             bool
		}{{0, 10, true}, {5, 16, false}, {5, 15, true}} {
			err := s.Import(ctx, a, "", func(b *storage.Bulk) error {
				if tc.arrive > 0 {
					if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: tc.arrive, Role: mission.RolePolice, ArrivedAt: bulkAt}); err != nil {
						return err
					}
				}
				_, err := b.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: tc.depart, Role: mission.RolePolice,
					DepartedAt: bulkAt, Reason: mission.ReasonRotation})
				return err
			})
			var me *mission.Error
			if tc.ok && err != nil || !tc.ok && !(errors.As(err, &me) && me.Kind == mission.EConflict) {
				t.Errorf("arrive %d depart %d: err = %v, want ok=%v", tc.arrive, tc.depart, err, tc.ok)
			}
			// Undo the accepted case so the next starts from 10 again.
			if tc.ok {
				if _, err := s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: tc.depart - tc.arrive, Role: mission.RolePolice, ArrivedAt: bulkAt}); err != nil {
					t.Fatal(err)
				}
			}
		}
		totals, _ := s.ForceTotals(ctx, "g1")
		if len(totals) != 1 || totals[0].Deployed != 10 {
			t.Errorf("force totals = %+v, want KE police 10", totals)
		}
	})
}

// TestImportPreviewClaimedOnce: Confirm claims the pending upload in the import's transaction:
// two Confirms racing store the file once, a replayed interaction changes nothing, an expired
// or cancelled preview stores nothing, and another guild cannot claim it.
func TestImportPreviewClaimedOnce(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		s2, clock := storagetest.OpenClock(t, s.Dialect())
		s = s2
		save := func() string {
			p, err := s.SavePreview(ctx, storage.ImportPreview{Token: storage.NewPreviewToken(), GuildID: "g1", UserID: "u1", Body: "x"})
			if err != nil {
				t.Fatal(err)
			}
			return p.Token
		}
		importOne := func(guild, interaction, token string) error {
			a := storage.Actor{GuildID: guild, UserID: "u1", Command: "/import", InteractionID: interaction}
			return s.Import(ctx, a, token, func(b *storage.Bulk) error {
				_, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1, Role: mission.RolePolice, ArrivedAt: bulkAt})
				return err
			})
		}
		count := func() int64 {
			_, n, _ := s.FindArrivals(ctx, "g1", storage.ArrivalFilter{})
			return n
		}

		tok := save()
		if err := importOne("g2", "i0", tok); !isKind(err, mission.EConflict) {
			t.Errorf("another guild's claim = %v, want a refusal", err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = importOne("g1", "i"+string(rune('1'+i)), tok)
			}()
		}
		wg.Wait()
		ok, winner := 0, ""
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
				winner = "i" + string(rune('1'+i))
			case !isKind(err, mission.EConflict):
				t.Errorf("racing Confirm: %v, want success or a refusal", err)
			}
		}
		if ok != 1 || count() != 1 {
			t.Errorf("racing Confirms: %d succeeded, %d arrivals; want 1 and 1", ok, count())
		}

		// The same interaction again (a replayed signed request) is told it was done.
		tok = save()
		if err := importOne("g1", winner, tok); !isKind(err, mission.EReplayed) {
			t.Errorf("replayed Confirm = %v, want a replay answer", err)
		}

		tok = save()
		if err := s.DropPreview(ctx, "g1", tok); err != nil {
			t.Fatal(err)
		}
		if err := importOne("g1", "i9", tok); !isKind(err, mission.EConflict) {
			t.Errorf("Confirm after Cancel = %v, want a refusal", err)
		}

		tok = save()
		clock.Advance(storage.PreviewLife)
		if _, err := s.Preview(ctx, "g1", tok); !isKind(err, mission.EConflict) {
			t.Errorf("Preview after 15 minutes = %v, want a refusal", err)
		}
		if err := importOne("g1", "i10", tok); !isKind(err, mission.EConflict) {
			t.Errorf("Confirm after 15 minutes = %v, want a refusal", err)
		}
		if count() != 1 {
			t.Errorf("arrivals = %d, want 1", count())
		}
		// A new preview sweeps the expired ones.
		save()
		var left int64
		s.DB().Model(&storage.ImportPreview{}).Where("expires_at <= ?", clock.Now()).Count(&left)
		if left != 0 {
			t.Errorf("expired previews left = %d, want 0", left)
		}
	})
}

func isKind(err error, k mission.ErrorKind) bool {
	var me *mission.Error
	return errors.As(err, &me) && me.Kind == k
}

// TestEachStreamsInExportOrder: the streaming reads give every record once, oldest first, and
// flights with their own manifests across chunk boundaries.
func TestEachStreamsInExportOrder(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := storage.Actor{GuildID: "g1", UserID: "u1"}
		const flights = 300 // more than one chunk of manifests
		err := s.Import(ctx, a, "", func(b *storage.Bulk) error {
			for i := 0; i < flights; i++ {
				_, err := b.ScheduleFlight(ctx, a, storage.Flight{ETA: bulkAt.Add(-time.Duration(i) * time.Hour), Destination: "PAP",
					Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: i + 1, Role: mission.RoleMilitary}}}})
				if err != nil {
					return err
				}
				if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: i + 1, Role: mission.RolePolice,
					ArrivedAt: bulkAt.Add(-time.Duration(i) * time.Minute)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var last time.Time
		seen := 0
		err = s.EachFlight(ctx, "g1", func(f storage.Flight) error {
			if f.ETA.Before(last) {
				t.Errorf("flight #%d at %v comes after %v", f.ID, f.ETA, last)
			}
			last = f.ETA
			if len(f.Manifest) != 1 || f.Manifest[0].FlightID != f.ID || f.Manifest[0].Personnel != flights-seen {
				t.Errorf("flight #%d manifest = %+v", f.ID, f.Manifest)
			}
			seen++
			return nil
		})
		if err != nil || seen != flights {
			t.Errorf("EachFlight saw %d flights, err %v; want %d", seen, err, flights)
		}
		seen, last = 0, time.Time{}
		err = s.EachArrival(ctx, "g1", func(r storage.Arrival) error {
			if r.ArrivedAt.Before(last) {
				t.Errorf("arrival #%d out of order", r.ID)
			}
			last = r.ArrivedAt
			seen++
			return nil
		})
		if err != nil || seen != flights {
			t.Errorf("EachArrival saw %d, err %v; want %d", seen, err, flights)
		}
		stop := errors.New("stop")
		if err := s.EachArrival(ctx, "g1", func(storage.Arrival) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("EachArrival with a failing fn = %v, want its error", err)
		}
		if err := s.EachArrival(ctx, "other", func(storage.Arrival) error { t.Error("another guild's arrival"); return nil }); err != nil {
			t.Error(err)
		}
	})
}

// TestBulkImportCountsWomenAsLoggingDoes: the same arrivals, departure and landed flight, with
// their women, leave the same force totals and day changes whether an import stores them or
// they are logged one by one.
func TestBulkImportCountsWomenAsLoggingDoes(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		type store interface {
			LogArrival(context.Context, storage.Actor, storage.Arrival) (storage.Arrival, error)
			LogDeparture(context.Context, storage.Actor, storage.Departure) (storage.Departure, error)
			ScheduleFlight(context.Context, storage.Actor, storage.Flight) (storage.Flight, error)
			LandFlight(context.Context, storage.Actor, int64, time.Time) (storage.Flight, []storage.Arrival, error)
		}
		records := func(st store, a storage.Actor) error {
			for i := range 5 {
				at := bulkAt.Add(time.Duration(i) * 24 * time.Hour)
				if _, err := st.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 10, Female: 3, Role: mission.RolePolice, ArrivedAt: at}); err != nil {
					return err
				}
			}
			if _, err := st.LogDeparture(ctx, a, storage.Departure{Country: "KE", Personnel: 4, Female: 2, Role: mission.RolePolice,
				DepartedAt: bulkAt.Add(96 * time.Hour), Reason: mission.ReasonRotation}); err != nil {
				return err
			}
			f, err := st.ScheduleFlight(ctx, a, storage.Flight{ETA: bulkAt, Destination: "PAP",
				Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "GT", Personnel: 75, Female: 12, Role: mission.RoleMilitary}}}})
			if err != nil {
				return err
			}
			_, _, err = st.LandFlight(ctx, a, f.ID, bulkAt)
			return err
		}
		logged := storage.Actor{GuildID: "logged", UserID: "u1", Command: "/arrival log"}
		if err := records(s, logged); err != nil {
			t.Fatal(err)
		}
		imported := storage.Actor{GuildID: "imported", UserID: "u1", Command: "liaison import"}
		if err := s.Import(ctx, imported, "", func(b *storage.Bulk) error { return records(b, imported) }); err != nil {
			t.Fatal(err)
		}
		levels := func(guild string) map[string][2]int64 {
			totals, err := s.ForceTotals(ctx, guild)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int64{}
			for _, ft := range totals {
				got[ft.Country+"/"+string(ft.Role)] = [2]int64{ft.Deployed, ft.Women}
			}
			return got
		}
		want := map[string][2]int64{"KE/police": {46, 13}, "GT/military": {75, 12}}
		for _, guild := range []string{"logged", "imported"} {
			if got := levels(guild); len(got) != len(want) || got["KE/police"] != want["KE/police"] || got["GT/military"] != want["GT/military"] {
				t.Errorf("%s force totals (deployed, women) = %v, want %v", guild, got, want)
			}
		}
		days := func(guild string) []storage.DailyForce {
			var rows []storage.DailyForce
			if err := s.DB().Where("guild_id = ?", guild).Order("country, role, day").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				rows[i].GuildID = ""
			}
			return rows
		}
		if l, i := days("logged"), days("imported"); len(l) == 0 || !slices.Equal(l, i) {
			t.Errorf("day changes: logged %+v, imported %+v; want the same", l, i)
		}
	})
}
