package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// fc is a field change, for the tables below.
func fc(field mission.Field, kind mission.ValueKind, before, after string) mission.FieldChange {
	return mission.FieldChange{Field: field, Kind: kind, Before: before, After: after}
}

// TestAuditChanges: every kind of record's creation, edit and deletion, written through the
// store's own operations, reads back from its audit entry field by field, each value in its
// machine form, and nothing of the records' bookkeeping (ids, guild, timestamps) shows.
func TestAuditChanges(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := actorIn("H")
		now := s.Now().UTC()
		iso := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
		t0, eta, later := now.Add(-2*time.Hour), now.Add(48*time.Hour), now.Add(52*time.Hour)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		type step struct {
			name string
			do   func() (mission.RecordKind, int64)
			want []mission.FieldChange
		}
		var arrival, flight, report int64
		steps := []step{
			{"arrival logged", func() (mission.RecordKind, int64) {
				in, err := s.LogArrival(ctx, a, storage.Arrival{Country: "GT", Personnel: 22, Role: mission.RoleMilitary, ArrivedAt: t0, Unit: "1st company"})
				must(err)
				arrival = in.ID
				return mission.KindArrival, in.ID
			}, []mission.FieldChange{
				fc(mission.FieldCountry, mission.ValueCountry, "", "GT"),
				fc(mission.FieldPersonnel, mission.ValueCount, "", "22"),
				fc(mission.FieldRole, mission.ValueRole, "", "military"),
				fc(mission.FieldArrivedAt, mission.ValueTime, "", iso(t0)),
				fc(mission.FieldUnit, mission.ValueText, "", "1st company"),
			}},
			{"arrival edited", func() (mission.RecordKind, int64) {
				_, err := s.EditArrival(ctx, a, arrival, func(in *storage.Arrival) error {
					in.Personnel, in.Role, in.Female, in.Note = 210, mission.RolePolice, 12, "corrected"
					return nil
				})
				must(err)
				return mission.KindArrival, arrival
			}, []mission.FieldChange{
				fc(mission.FieldPersonnel, mission.ValueCount, "22", "210"),
				fc(mission.FieldFemale, mission.ValueCount, "0", "12"),
				fc(mission.FieldRole, mission.ValueRole, "military", "police"),
				fc(mission.FieldNote, mission.ValueText, "", "corrected"),
			}},
			{"departure logged", func() (mission.RecordKind, int64) {
				in, err := s.LogDeparture(ctx, a, storage.Departure{Country: "GT", Personnel: 10, Role: mission.RolePolice, DepartedAt: now, Reason: mission.ReasonRotation})
				must(err)
				return mission.KindDeparture, in.ID
			}, []mission.FieldChange{
				fc(mission.FieldCountry, mission.ValueCountry, "", "GT"),
				fc(mission.FieldPersonnel, mission.ValueCount, "", "10"),
				fc(mission.FieldRole, mission.ValueRole, "", "police"),
				fc(mission.FieldDepartedAt, mission.ValueTime, "", iso(now)),
				fc(mission.FieldReason, mission.ValueReason, "", "rotation"),
			}},
			{"pledge of no reported size", func() (mission.RecordKind, int64) {
				in, err := s.SetPledge(ctx, a, storage.Pledge{Country: "KE", Role: mission.RoleMedical, AsOf: t0, Source: "letter"})
				must(err)
				return mission.KindPledge, in.ID
			}, []mission.FieldChange{
				fc(mission.FieldCountry, mission.ValueCountry, "", "KE"),
				fc(mission.FieldRole, mission.ValueRole, "", "medical"),
				fc(mission.FieldAsOf, mission.ValueTime, "", iso(t0)),
				fc(mission.FieldSource, mission.ValueText, "", "letter"),
			}},
			{"flight scheduled", func() (mission.RecordKind, int64) {
				f, err := s.ScheduleFlight(ctx, a, storage.Flight{ETA: eta, Destination: "PAP", Aircraft: "C-130",
					Manifest: []storage.ManifestLine{{ManifestLine: mission.ManifestLine{Country: "SV", Personnel: 8, Role: mission.RoleMedical, Female: 2}}}})
				must(err)
				flight = f.ID
				return mission.KindFlight, f.ID
			}, []mission.FieldChange{
				fc(mission.FieldETA, mission.ValueTime, "", iso(eta)),
				fc(mission.FieldStatus, mission.ValueFlightStatus, "", "scheduled"),
				fc(mission.FieldAircraft, mission.ValueText, "", "C-130"),
				fc(mission.FieldDestination, mission.ValueText, "", "PAP"),
				fc(mission.FieldManifest, mission.ValueManifest, "", "SV 8 medical 2f"),
			}},
			{"flight delayed", func() (mission.RecordKind, int64) {
				_, err := s.DelayFlight(ctx, a, flight, later, "weather")
				must(err)
				return mission.KindFlight, flight
			}, []mission.FieldChange{
				fc(mission.FieldETA, mission.ValueTime, iso(eta), iso(later)),
				fc(mission.FieldStatus, mission.ValueFlightStatus, "scheduled", "delayed"),
				fc(mission.FieldReason, mission.ValueText, "", "weather"),
			}},
			{"manifest line added", func() (mission.RecordKind, int64) {
				_, err := s.AddManifestLine(ctx, a, flight, mission.ManifestLine{Country: "GT", Personnel: 75, Role: mission.RoleMilitary})
				must(err)
				return mission.KindFlight, flight
			}, []mission.FieldChange{
				fc(mission.FieldManifest, mission.ValueManifest, "SV 8 medical 2f", "SV 8 medical 2f; GT 75 military"),
			}},
			{"flight landed", func() (mission.RecordKind, int64) {
				_, _, err := s.LandFlight(ctx, a, flight, now)
				must(err)
				return mission.KindFlight, flight
			}, []mission.FieldChange{
				fc(mission.FieldStatus, mission.ValueFlightStatus, "delayed", "landed"),
				fc(mission.FieldLandedAt, mission.ValueTime, "", iso(now)),
			}},
			{"report logged", func() (mission.RecordKind, int64) {
				r, err := s.LogReport(ctx, a, storage.Report{Figure: mission.FigureDeployed, Value: 400, Qualifier: mission.QualifierAbout,
					Country: "KE", AsOf: t0, Source: "press"})
				must(err)
				report = r.ID
				return mission.KindReport, r.ID
			}, []mission.FieldChange{
				fc(mission.FieldFigure, mission.ValueFigure, "", "deployed"),
				fc(mission.FieldValue, mission.ValueCount, "", "400"),
				fc(mission.FieldQualifier, mission.ValueQualifier, "", "about"),
				fc(mission.FieldCountry, mission.ValueCountry, "", "KE"),
				fc(mission.FieldAsOf, mission.ValueTime, "", iso(t0)),
				fc(mission.FieldSource, mission.ValueText, "", "press"),
			}},
			{"report edited", func() (mission.RecordKind, int64) {
				_, err := s.EditReport(ctx, a, report, func(r *storage.Report) error { r.Value = 0; return nil })
				must(err)
				return mission.KindReport, report
			}, []mission.FieldChange{fc(mission.FieldValue, mission.ValueCount, "400", "0")}},
			{"settings changed", func() (mission.RecordKind, int64) {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error {
					g.Planned, g.MissionLead, g.ChannelID = 2500, "KE", "123456789012345678"
					return nil
				})
				must(err)
				return mission.KindSettings, 0
			}, []mission.FieldChange{
				fc(mission.FieldLead, mission.ValueCountry, "", "KE"),
				fc(mission.FieldPlanned, mission.ValueCount, "0", "2500"),
				fc(mission.FieldChannel, mission.ValueChannel, "", "123456789012345678"),
			}},
			{"ping role set", func() (mission.RecordKind, int64) {
				_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error {
					g.PingRoleID = "223456789012345678"
					return nil
				})
				must(err)
				return mission.KindSettings, 0
			}, []mission.FieldChange{fc(mission.FieldPingRole, mission.ValueDiscordRole, "", "223456789012345678")}},
			{"police type marked", func() (mission.RecordKind, int64) {
				_, err := s.SetPoliceType(ctx, a, "KE", mission.TypeIndividualPolice)
				must(err)
				return mission.KindSettings, 0
			}, []mission.FieldChange{
				fc(mission.FieldPoliceType, mission.ValueCode, "KE:formed_police_units", "KE:individual_police"),
			}},
			{"arrival deleted", func() (mission.RecordKind, int64) {
				_, err := s.LogArrival(ctx, a, storage.Arrival{Country: "JM", Personnel: 5, Role: mission.RoleStaff, ArrivedAt: t0})
				must(err)
				entries, err := s.FindAudit(ctx, "H", storage.AuditFilter{Kind: mission.KindArrival, Limit: 1})
				must(err)
				_, err = s.DeleteArrival(ctx, a, entries[0].RecordID)
				must(err)
				return mission.KindArrival, entries[0].RecordID
			}, []mission.FieldChange{
				fc(mission.FieldCountry, mission.ValueCountry, "JM", ""),
				fc(mission.FieldPersonnel, mission.ValueCount, "5", ""),
				fc(mission.FieldRole, mission.ValueRole, "staff", ""),
				fc(mission.FieldArrivedAt, mission.ValueTime, iso(t0), ""),
			}},
		}
		for _, st := range steps {
			kind, id := st.do()
			entries, err := s.FindAudit(ctx, "H", storage.AuditFilter{Kind: kind, RecordID: id, Limit: 1})
			must(err)
			if len(entries) != 1 {
				t.Fatalf("%s: %d audit entries", st.name, len(entries))
			}
			if got := entries[0].Changes(); !slices.Equal(got, st.want) {
				t.Errorf("%s: Changes() =\n%v\nwant\n%v", st.name, got, st.want)
			}
		}
	})
}

// TestAuditChangesOfAnyEntry: entries written by hand or cut short give no fields rather
// than failing, an edit that changed nothing gives none, and a settings entry shows only the
// fields its JSON holds.
func TestAuditChangesOfAnyEntry(t *testing.T) {
	for _, c := range []struct {
		name string
		e    storage.AuditEntry
		want []mission.FieldChange
	}{
		{"cut short", storage.AuditEntry{Kind: mission.KindArrival, Action: mission.ActionUpdate, Before: `{"Personnel":2`, After: `{"Personnel":3}`},
			[]mission.FieldChange{fc(mission.FieldPersonnel, mission.ValueCount, "", "3")}},
		{"not JSON", storage.AuditEntry{Kind: mission.KindFlight, Action: mission.ActionUpdate, Before: "x", After: "y"}, nil},
		{"nothing changed", storage.AuditEntry{Kind: mission.KindPledge, Action: mission.ActionUpdate,
			Before: `{"Personnel":null,"Country":"KE"}`, After: `{"Personnel":null,"Country":"KE"}`}, nil},
		{"unknown kind", storage.AuditEntry{Kind: "ghost", Action: mission.ActionCreate, After: `{"Personnel":3}`}, nil},
		{"share", storage.AuditEntry{Kind: mission.KindSettings, Action: mission.ActionUpdate, Before: `{"Share":"off","Link":0}`, After: `{"Share":"forces","Link":1}`},
			[]mission.FieldChange{fc(mission.FieldShare, mission.ValueCode, "off", "forces"), fc(mission.FieldShareLink, mission.ValueCount, "0", "1")}},
		{"time to the second in UTC", storage.AuditEntry{Kind: mission.KindFlight, Action: mission.ActionDelay,
			Before: `{"ETA":"2025-01-04T14:00:00.123456-05:00"}`, After: `{"ETA":"2025-01-04T18:00:00-05:00"}`},
			[]mission.FieldChange{fc(mission.FieldETA, mission.ValueTime, "2025-01-04T19:00:00Z", "2025-01-04T23:00:00Z")}},
	} {
		if got := c.e.Changes(); !slices.Equal(got, c.want) {
			t.Errorf("%s: Changes() = %v, want %v", c.name, got, c.want)
		}
	}
}

// BenchmarkAuditChanges is the cost of reading one flight's delay, field by field: /history
// reads ten per page, the audit export every entry of the guild.
func BenchmarkAuditChanges(b *testing.B) {
	e := storage.AuditEntry{Kind: mission.KindFlight, Action: mission.ActionDelay,
		Before: `{"ID":3,"GuildID":"G","ETA":"2025-01-04T19:00:00Z","Status":"scheduled","Aircraft":"C-130","Destination":"PAP","Manifest":[{"ID":1,"Country":"GT","Personnel":75,"Role":"military","Female":0}]}`,
		After:  `{"ID":3,"GuildID":"G","ETA":"2025-01-04T23:00:00Z","Status":"delayed","Aircraft":"C-130","Destination":"PAP","Reason":"weather","Manifest":[{"ID":1,"Country":"GT","Personnel":75,"Role":"military","Female":0}]}`}
	for b.Loop() {
		e.Changes()
	}
}
