package commands

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaison/storage"
)

// Export kinds, as /export and `liaison export` name them.
var ExportKinds = []string{"arrivals", "departures", "pledges", "flights", "audit"}

// csvHeader is the one record format shared by every kind except the audit: /export writes it
// and `liaison import` reads it back, so a guild's records can be moved or restored. Columns a
// kind does not use are left empty. The mission row (kind "mission") carries name, lead
// (country), planned (personnel), mandate end (time), time zone and airport (destination).
var csvHeader = []string{"kind", "id", "time", "country", "personnel", "role", "flight", "status", "destination",
	"aircraft", "origin", "manifest", "landed_at", "unit", "reason", "source", "note", "logged_by", "name", "timezone"}

var auditHeader = []string{"id", "at", "user", "command", "kind", "record_id", "action", "before", "after"}

func col(name string) int {
	for i, h := range csvHeader {
		if h == name {
			return i
		}
	}
	panic("unknown CSV column " + name)
}

type csvRow []string

func newRow(kind string, id int64) csvRow {
	r := make(csvRow, len(csvHeader))
	r[0] = kind
	if id != 0 {
		r[1] = strconv.FormatInt(id, 10)
	}
	return r
}

func (r csvRow) set(name, v string) csvRow { r[col(name)] = v; return r }
func (r csvRow) get(name string) string {
	if i := col(name); i < len(r) {
		return strings.TrimSpace(r[i])
	}
	return ""
}

func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteCSV writes one kind of the guild's records as CSV.
func WriteCSV(ctx context.Context, s *storage.Store, guildID, kind string, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	var rows [][]string
	switch kind {
	case "arrivals":
		list, _, err := s.FindArrivals(ctx, guildID, storage.ArrivalFilter{})
		if err != nil {
			return 0, err
		}
		for i := len(list) - 1; i >= 0; i-- { // oldest first, as they happened
			a := list[i]
			r := newRow("arrival", a.ID).set("time", csvTime(a.ArrivedAt)).set("country", a.Country).
				set("personnel", strconv.Itoa(a.Personnel)).set("role", a.Role).set("unit", a.Unit).
				set("source", a.Source).set("note", a.Note).set("logged_by", a.LoggedBy)
			if a.FlightID != nil {
				r.set("flight", strconv.FormatInt(*a.FlightID, 10))
			}
			rows = append(rows, r)
		}
	case "departures":
		list, err := s.FindDepartures(ctx, guildID, storage.ArrivalFilter{})
		if err != nil {
			return 0, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			dp := list[i]
			rows = append(rows, newRow("departure", dp.ID).set("time", csvTime(dp.DepartedAt)).set("country", dp.Country).
				set("personnel", strconv.Itoa(dp.Personnel)).set("role", dp.Role).set("reason", dp.Reason).
				set("source", dp.Source).set("note", dp.Note).set("logged_by", dp.LoggedBy))
		}
	case "pledges":
		list, err := s.AllPledges(ctx, guildID)
		if err != nil {
			return 0, err
		}
		for _, p := range list {
			r := newRow("pledge", p.ID).set("time", csvTime(p.AsOf)).set("country", p.Country).set("role", p.Role).
				set("source", p.Source).set("logged_by", p.LoggedBy)
			if p.Personnel != nil {
				r.set("personnel", strconv.Itoa(*p.Personnel))
			}
			rows = append(rows, r)
		}
	case "flights":
		list, _, err := s.FindFlights(ctx, guildID, storage.FlightFilter{Status: storage.FlightsAll})
		if err != nil {
			return 0, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			f := list[i]
			var m []string
			for _, l := range f.Manifest {
				m = append(m, fmt.Sprintf("%s %d %s", l.Country, l.Personnel, l.Role))
			}
			r := newRow("flight", f.ID).set("time", csvTime(f.ETA)).set("status", f.Status).set("destination", f.Destination).
				set("aircraft", f.Aircraft).set("origin", f.Origin).set("manifest", strings.Join(m, "; ")).
				set("reason", f.Reason).set("source", f.Source).set("note", f.Note).set("logged_by", f.LoggedBy)
			if f.LandedAt != nil {
				r.set("landed_at", csvTime(*f.LandedAt))
			}
			rows = append(rows, r)
		}
	case "audit":
		list, err := s.FindAudit(ctx, guildID, storage.AuditFilter{})
		if err != nil {
			return 0, err
		}
		if err := cw.Write(auditHeader); err != nil {
			return 0, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			e := list[i]
			if err := cw.Write([]string{strconv.FormatInt(e.ID, 10), csvTime(e.At), e.UserID, e.Command, e.Kind,
				strconv.FormatInt(e.RecordID, 10), e.Action, e.Before, e.After}); err != nil {
				return 0, err
			}
		}
		cw.Flush()
		return len(list), cw.Error()
	default:
		return 0, fmt.Errorf("unknown export kind %q (one of %s)", kind, strings.Join(ExportKinds, ", "))
	}
	if err := cw.Write(csvHeader); err != nil {
		return 0, err
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(rows), cw.Error()
}

// ImportResult counts what an import stored.
type ImportResult struct {
	Mission, Arrivals, Departures, Pledges, Flights, Skipped int
}

func (r ImportResult) String() string {
	s := fmt.Sprintf("mission %d, arrivals %d, departures %d, pledges %d, flights %d",
		r.Mission, r.Arrivals, r.Departures, r.Pledges, r.Flights)
	if r.Skipped > 0 {
		s += fmt.Sprintf("; %d arrival rows skipped, since the landing of their flight in the same file logs them", r.Skipped)
	}
	return s
}

// importOp is one validated row, ready to store.
type importOp func(ctx context.Context, s *storage.Store, a storage.Actor, ids map[int64]int64, res *ImportResult) error

// ImportCSV reads records in WriteCSV's format into the actor's guild. Every row is checked
// before anything is stored, so a file with a bad row stores nothing; the error names the line.
// Times are RFC 3339 or any form /arrival log accepts, in the guild's time zone. IDs in the file
// are the exporting guild's: new IDs are given, and flight references follow them.
func ImportCSV(ctx context.Context, s *storage.Store, a storage.Actor, in io.Reader) (ImportResult, error) {
	var res ImportResult
	g, err := s.Guild(ctx, a.GuildID)
	if err != nil {
		return res, err
	}
	loc := g.Location()
	now := s.Now()
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		return res, fmt.Errorf("read CSV header: %w", err)
	}
	if strings.Join(head, ",") == strings.Join(auditHeader, ",") {
		return res, fmt.Errorf("an audit export is a record of changes, not records to import")
	}
	if len(head) < len(csvHeader) || strings.Join(head[:len(csvHeader)], ",") != strings.Join(csvHeader, ",") {
		return res, fmt.Errorf("line 1: the header must be %s", strings.Join(csvHeader, ","))
	}
	landed := map[int64]bool{} // flights of this file that land: their arrivals come with the landing
	var ops []importOp
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return res, fmt.Errorf("line %d: %w", line, err)
		}
		op, err := importRow(csvRow(rec), loc, now, landed)
		if err != nil {
			return res, fmt.Errorf("line %d (%s): %w", line, rec[0], err)
		}
		ops = append(ops, op)
	}
	ids := map[int64]int64{}
	for _, op := range ops {
		if err := op(ctx, s, a, ids, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func importRow(r csvRow, loc *time.Location, now time.Time, landed map[int64]bool) (importOp, error) {
	id, _ := strconv.ParseInt(r.get("id"), 10, 64)
	at := func(name string, required bool) (time.Time, error) {
		v := r.get(name)
		if v == "" {
			if required {
				return time.Time{}, fmt.Errorf("%s is required", name)
			}
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
		return ParseWhen(v, now, loc)
	}
	num := func(name string, required bool) (*int, error) {
		v := r.get(name)
		if v == "" {
			if required {
				return nil, fmt.Errorf("%s is required", name)
			}
			return nil, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPersonnel {
			return nil, fmt.Errorf("%s must be a whole number from 1 to %d, not %q", name, maxPersonnel, v)
		}
		return &n, nil
	}
	cty := func() (string, error) {
		c, err := LookupCountry(r.get("country"))
		return c.Alpha2, err
	}
	// contingent reads the columns arrivals, departures and pledges share.
	contingent := func(personnelRequired bool) (country string, n *int, role string, t time.Time, err error) {
		if country, err = cty(); err != nil {
			return
		}
		if n, err = num("personnel", personnelRequired); err != nil {
			return
		}
		if role, err = ParseRole(r.get("role")); err != nil {
			return
		}
		t, err = at("time", true)
		return
	}
	switch r.get("kind") {
	case "mission":
		mandate, err := at("time", false)
		if err != nil {
			return nil, err
		}
		planned, _ := strconv.Atoi(r.get("personnel"))
		lead := ""
		if r.get("country") != "" {
			if lead, err = cty(); err != nil {
				return nil, err
			}
		}
		tz, ap, name := r.get("timezone"), strings.ToUpper(r.get("destination")), r.get("name")
		if tz != "" {
			if _, err := time.LoadLocation(tz); err != nil {
				return nil, fmt.Errorf("unknown time zone %q", tz)
			}
		}
		return func(ctx context.Context, s *storage.Store, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
			_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error {
				if name != "" {
					g.MissionName = name
				}
				if lead != "" {
					g.MissionLead = lead
				}
				if planned > 0 {
					g.Planned = planned
				}
				if !mandate.IsZero() {
					g.MandateEnd = &mandate
				}
				if tz != "" {
					g.Timezone = tz
				}
				if ap != "" {
					g.Airport = ap
				}
				return nil
			})
			res.Mission++
			return err
		}, nil
	case "arrival", "departure":
		c, n, rl, t, err := contingent(true)
		if err != nil {
			return nil, err
		}
		if r.get("kind") == "departure" {
			reason := orOther(r.get("reason"))
			if !slices.Contains(storage.DepartureReasons, reason) {
				return nil, fmt.Errorf("unknown departure reason %q (one of %s)", reason, strings.Join(storage.DepartureReasons, ", "))
			}
			dp := storage.Departure{Country: c, Personnel: *n, Role: rl, DepartedAt: t, Reason: reason,
				Source: r.get("source"), Note: r.get("note"), LoggedBy: r.get("logged_by")}
			return func(ctx context.Context, s *storage.Store, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
				_, err := s.LogDeparture(ctx, a, dp)
				res.Departures++
				return err
			}, nil
		}
		var flight int64
		if v := r.get("flight"); v != "" {
			if flight, err = strconv.ParseInt(v, 10, 64); err != nil {
				return nil, fmt.Errorf("flight must be a #ID number, not %q", v)
			}
		}
		arr := storage.Arrival{Country: c, Personnel: *n, Role: rl, ArrivedAt: t, Unit: r.get("unit"),
			Source: r.get("source"), Note: r.get("note"), LoggedBy: r.get("logged_by")}
		return func(ctx context.Context, s *storage.Store, a storage.Actor, ids map[int64]int64, res *ImportResult) error {
			if flight != 0 && landed[flight] {
				res.Skipped++
				return nil
			}
			if nid, ok := ids[flight]; ok {
				arr.FlightID = &nid
			}
			_, err := s.LogArrival(ctx, a, arr)
			res.Arrivals++
			return err
		}, nil
	case "pledge":
		c, n, rl, t, err := contingent(false)
		if err != nil {
			return nil, err
		}
		p := storage.Pledge{Country: c, Personnel: n, Role: rl, AsOf: t, Source: r.get("source"), LoggedBy: r.get("logged_by")}
		return func(ctx context.Context, s *storage.Store, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
			_, err := s.SetPledge(ctx, a, p)
			res.Pledges++
			return err
		}, nil
	case "flight":
		eta, err := at("time", true)
		if err != nil {
			return nil, err
		}
		entries, err := ParseManifest(r.get("manifest"))
		if err != nil {
			return nil, err
		}
		status := r.get("status")
		if status == "" {
			status = storage.FlightScheduled
		}
		landedAt, err := at("landed_at", false)
		if err != nil {
			return nil, err
		}
		switch status {
		case storage.FlightScheduled, storage.FlightDelayed, storage.FlightCancelled:
		case storage.FlightLanded:
			if landedAt.IsZero() {
				landedAt = eta
			}
			landed[id] = true
		default:
			return nil, fmt.Errorf("unknown flight status %q", status)
		}
		dest := strings.ToUpper(r.get("destination"))
		if dest != "" && !airportRe.MatchString(dest) {
			return nil, fmt.Errorf("%q is not an airport code", dest)
		}
		f := storage.Flight{ETA: eta, Destination: dest, Aircraft: r.get("aircraft"), Origin: r.get("origin"),
			Source: r.get("source"), Note: r.get("note"), LoggedBy: r.get("logged_by")}
		for _, e := range entries {
			f.Manifest = append(f.Manifest, storage.ManifestLine{Country: e.Country, Personnel: e.Personnel, Role: e.Role})
		}
		reason := r.get("reason")
		return func(ctx context.Context, s *storage.Store, a storage.Actor, ids map[int64]int64, res *ImportResult) error {
			if f.Destination == "" {
				g, err := s.Guild(ctx, a.GuildID)
				if err != nil {
					return err
				}
				f.Destination = g.Airport
			}
			nf, err := s.ScheduleFlight(ctx, a, f)
			if err != nil {
				return err
			}
			ids[id] = nf.ID
			res.Flights++
			switch status {
			case storage.FlightLanded:
				var landedArrivals []storage.Arrival
				_, landedArrivals, err = s.LandFlight(ctx, a, nf.ID, landedAt)
				res.Arrivals += len(landedArrivals)
			case storage.FlightCancelled:
				_, err = s.CancelFlight(ctx, a, nf.ID, reason)
			case storage.FlightDelayed:
				_, err = s.DelayFlight(ctx, a, nf.ID, nf.ETA, reason)
			}
			return err
		}, nil
	}
	return nil, fmt.Errorf("unknown kind %q (mission, arrival, departure, pledge or flight)", r.get("kind"))
}

func orOther(s string) string {
	if s == "" {
		return "other"
	}
	return s
}
