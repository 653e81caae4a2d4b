package storage_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// forcesDay is a pledge's as-of date, d days from the test clock's start.
func forcesDay(d int) time.Time { return storagetest.Start.AddDate(0, 0, d) }

// forcesArrival and forcesDeparture are history rows at the test clock's start.
func forcesArrival(country string, personnel int, role mission.Role) storage.Arrival {
	return storage.Arrival{Country: country, Personnel: personnel, Role: role, ArrivedAt: storagetest.Start}
}

func forcesDeparture(country string, personnel int, role mission.Role) storage.Departure {
	return storage.Departure{Country: country, Personnel: personnel, Role: role, DepartedAt: storagetest.Start, Reason: "rotation"}
}

func TestForceLevels(t *testing.T) {
	tests := []struct {
		name       string
		arrivals   []storage.Arrival
		departures []storage.Departure
		pledges    []storage.Pledge // in the order they are logged
		want       []storage.CountryForce
		wantTotal  int64
	}{
		{name: "nothing logged"},
		{
			name:      "roles add up per country; most deployed first",
			arrivals:  []storage.Arrival{forcesArrival("GT", 75, "military"), forcesArrival("KE", 400, "police"), forcesArrival("GT", 25, "police"), forcesArrival("KE", 100, "medical")},
			want:      []storage.CountryForce{{Country: "KE", Deployed: 500}, {Country: "GT", Deployed: 100}},
			wantTotal: 600,
		},
		{
			name:      "equal levels by country code",
			arrivals:  []storage.Arrival{forcesArrival("SV", 50, "police"), forcesArrival("BZ", 50, "police"), forcesArrival("JM", 50, "military")},
			want:      []storage.CountryForce{{Country: "BZ", Deployed: 50}, {Country: "JM", Deployed: 50}, {Country: "SV", Deployed: 50}},
			wantTotal: 150,
		},
		{
			name:       "departures lower the level; a country back at zero drops out",
			arrivals:   []storage.Arrival{forcesArrival("KE", 400, "police"), forcesArrival("BS", 30, "military")},
			departures: []storage.Departure{forcesDeparture("KE", 150, "police"), forcesDeparture("BS", 30, "military")},
			want:       []storage.CountryForce{{Country: "KE", Deployed: 250}},
			wantTotal:  250,
		},
		{
			name:     "pledges: latest per role, summed; sizes unknown flagged; pledged only after deployed",
			arrivals: []storage.Arrival{forcesArrival("KE", 400, "police"), forcesArrival("JM", 20, "military")},
			pledges: []storage.Pledge{
				{Country: "KE", Role: "police", Personnel: intp(1000), AsOf: forcesDay(-30)},
				{Country: "KE", Role: "police", Personnel: intp(600), AsOf: forcesDay(-10)},
				{Country: "KE", Role: "medical", Personnel: intp(50), AsOf: forcesDay(-10)},
				{Country: "JM", Role: "military", Personnel: intp(200), AsOf: forcesDay(-20)},
				{Country: "JM", Role: "police", AsOf: forcesDay(-5)},
				{Country: "TD", Role: "military", AsOf: forcesDay(-1)},
				{Country: "BJ", Role: "police", Personnel: intp(150), AsOf: forcesDay(-1)},
			},
			want: []storage.CountryForce{
				{Country: "KE", Deployed: 400, Pledged: 650, Pledges: 2},
				{Country: "JM", Deployed: 20, Pledged: 200, Pledges: 2, PledgeUnknown: true},
				{Country: "BJ", Pledged: 150, Pledges: 1},
				{Country: "TD", Pledges: 1, PledgeUnknown: true},
			},
			wantTotal: 420,
		},
		{
			name:     "a pledge whose size is no longer reported",
			arrivals: []storage.Arrival{forcesArrival("JM", 20, "military")},
			pledges: []storage.Pledge{
				{Country: "JM", Role: "military", Personnel: intp(200), AsOf: forcesDay(-20)},
				{Country: "JM", Role: "military", AsOf: forcesDay(-2)},
			},
			want:      []storage.CountryForce{{Country: "JM", Deployed: 20, Pledges: 1, PledgeUnknown: true}},
			wantTotal: 20,
		},
	}
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := t.Context()
		// Another guild's forces must never show.
		if _, err := s.LogArrival(ctx, actorIn("other"), forcesArrival("KE", 999, "police")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPledge(ctx, actorIn("other"), storage.Pledge{Country: "GT", Role: "police", Personnel: intp(5), AsOf: forcesDay(0)}); err != nil {
			t.Fatal(err)
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				guild := fmt.Sprintf("forces-%d", i) // a guild per case: cases must not see each other
				a := actorIn(guild)
				for _, r := range tt.arrivals {
					if _, err := s.LogArrival(ctx, a, r); err != nil {
						t.Fatal(err)
					}
				}
				for _, r := range tt.departures {
					if _, err := s.LogDeparture(ctx, a, r); err != nil {
						t.Fatal(err)
					}
				}
				for _, p := range tt.pledges {
					if _, err := s.SetPledge(ctx, a, p); err != nil {
						t.Fatal(err)
					}
				}
				got, total, err := s.ForceLevels(ctx, guild)
				if err != nil {
					t.Fatalf("ForceLevels: %v", err)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ForceLevels levels = %+v, want %+v", got, tt.want)
				}
				if total != tt.wantTotal {
					t.Errorf("ForceLevels total = %d, want %d", total, tt.wantTotal)
				}
			})
		}
	})
}
