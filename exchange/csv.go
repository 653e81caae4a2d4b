package exchange

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// exportKinds are the export kinds, as /export and `liaison export` name them.
var exportKinds = [...]string{"arrivals", "departures", "pledges", "flights", "reports", "audit", "forces", kindAll}

// kindAll is the export of the whole guild in one file (SPEC §5): the mission, then the
// pledges, the flights, the arrivals, the departures and the reported figures, in the order an
// import needs them (an arrival names its flight; a departure needs the arrivals before it).
const kindAll = "all"

// ExportKinds returns the kinds /export and `liaison export` accept.
func ExportKinds() []string { return slices.Clone(exportKinds[:]) }

// csvHeader is the one record format shared by every kind except the audit: /export writes it
// and `liaison import` reads it back, so a guild's records can be moved or restored. Columns a
// kind does not use are left empty. The mission row (kind "mission") carries name, lead
// (country), planned (personnel), mandate end (time), time zone and airport (destination).
//
// A reported figure (kind "report") carries its value in personnel, with figure and qualifier;
// its country and role are empty when it is about the whole mission or every role.
//
// uid is the record's identity in the guild that exported it, "<guild>/<kind>/<id>" (see
// recordUID): an import stores it with the record, so that the same file imported twice stores
// its records once, and an arrival of a later file finds the flight it landed with.
var csvHeader = []string{"kind", "id", "time", "country", "personnel", "female", "role", "flight", "status", "destination",
	"aircraft", "origin", "manifest", "landed_at", "unit", "reason", "source", "note", "logged_by", "name", "timezone", "language", "uid",
	"figure", "qualifier", "host"}

// csvHeaderBefore is the header of files written before the language and uid columns; they
// import as they are, the later columns read as empty.
var csvHeaderBefore = csvHeader[:col("timezone")+1]

// recordUID is a record's uid in an export of guildID.
func recordUID(guildID, kind string, id int64) string {
	return guildID + "/" + kind + "/" + strconv.FormatInt(id, 10)
}

// uidGuild is the guild part of a uid ("" when it has none).
func uidGuild(uid string) string {
	g, _, ok := strings.Cut(uid, "/")
	if !ok {
		return ""
	}
	return g
}

// csvHeaderBeforeFemale is the header written before the female column (and before the
// language column, which a file of then may still have after it): such files import as they
// are, with no women recorded.
var csvHeaderBeforeFemale = slices.DeleteFunc(slices.Clone(csvHeaderBefore), func(h string) bool { return h == "female" })

// auditHeader is the audit export's format: one row per field a change changed (for a
// creation or deletion, per field the record had), the field by its machine name and its values
// in their machine form (mission.FieldChange). A change that shows no field (a setting saved
// as it was) still has its row, with the last three columns empty, so that no change is lost.
var auditHeader = []string{"time", "who", "action", "kind", "id", "field", "before", "after"}

// auditHeaderBefore is the header of audit exports written before the field-by-field format,
// which held each change's records as JSON: /import refuses those files as it refuses the
// current ones.
var auditHeaderBefore = []string{"id", "at", "user", "command", "kind", "record_id", "action", "before", "after"}

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
		return unneutralise(strings.TrimSpace(r[i]))
	}
	return ""
}

// formulaStart are the first characters that make a spreadsheet read a cell as a formula.
const formulaStart = "=+-@\t\r"

// neutralise keeps a cell from being run as a formula when the export is opened in a
// spreadsheet (OWASP's CSV injection advice): a cell that begins with one of formulaStart, or
// with the apostrophe this escape uses, gets a leading apostrophe. unneutralise takes it off,
// so `liaison import` reads back exactly what was exported.
func neutralise(cell string) string {
	if cell != "" && (strings.IndexByte(formulaStart, cell[0]) >= 0 || cell[0] == '\'') {
		return "'" + cell
	}
	return cell
}

func unneutralise(cell string) string { return strings.TrimPrefix(cell, "'") }

// writeRow writes one record with every cell neutralised.
func writeRow(cw *csv.Writer, cells []string) error {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = neutralise(c)
	}
	return cw.Write(out)
}

func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// exportRows reads each record kind (but the audit) as rows of csvHeader, oldest first, as
// they happened, and hands each to emit as it comes from the database.
var exportRows = map[string]func(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error{
	"arrivals":   arrivalRows,
	"departures": departureRows,
	"pledges":    pledgeRows,
	"flights":    flightRows,
	"reports":    reportRows,
	kindAll:      allRows,
}

// allRows is every record of the guild, in the order an import reads them back.
func allRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	for _, rows := range []func(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error{
		missionRows, pledgeRows, flightRows, arrivalRows, departureRows, reportRows} {
		if err := rows(ctx, s, guildID, emit); err != nil {
			return err
		}
	}
	return nil
}

// missionRows is the guild's mission and language of posts as one "mission" row: what the
// mission row of an import sets.
func missionRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	g, err := s.Guild(ctx, guildID)
	if err != nil {
		return err
	}
	r := newRow("mission", 0).set("country", g.MissionLead).set("destination", g.Airport).set("name", g.MissionName).
		set("timezone", g.Timezone).set("language", g.Language).set("host", g.Host)
	if g.Planned > 0 {
		r.set("personnel", strconv.Itoa(g.Planned))
	}
	if g.MandateEnd != nil {
		r.set("time", csvTime(*g.MandateEnd))
	}
	return emit(r)
}

func arrivalRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	return s.EachArrival(ctx, guildID, func(a storage.Arrival) error {
		r := newRow("arrival", a.ID).set("uid", recordUID(guildID, "arrival", a.ID)).set("time", csvTime(a.ArrivedAt)).set("country", a.Country).
			set("personnel", strconv.Itoa(a.Personnel)).set("female", strconv.Itoa(a.Female)).set("role", string(a.Role)).set("unit", a.Unit).
			set("source", a.Source).set("note", a.Note).set("logged_by", a.LoggedBy)
		if a.FlightID != nil {
			r.set("flight", strconv.FormatInt(*a.FlightID, 10))
		}
		return emit(r)
	})
}

func departureRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	return s.EachDeparture(ctx, guildID, func(dp storage.Departure) error {
		return emit(newRow("departure", dp.ID).set("uid", recordUID(guildID, "departure", dp.ID)).set("time", csvTime(dp.DepartedAt)).set("country", dp.Country).
			set("personnel", strconv.Itoa(dp.Personnel)).set("female", strconv.Itoa(dp.Female)).set("role", string(dp.Role)).set("reason", string(dp.Reason)).
			set("source", dp.Source).set("note", dp.Note).set("logged_by", dp.LoggedBy))
	})
}

func reportRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	return s.EachReport(ctx, guildID, func(r storage.Report) error {
		return emit(newRow("report", r.ID).set("uid", recordUID(guildID, "report", r.ID)).set("time", csvTime(r.AsOf)).
			set("country", r.Country).set("personnel", strconv.Itoa(r.Value)).set("role", string(r.Role)).
			set("figure", string(r.Figure)).set("qualifier", string(r.Qualifier)).
			set("source", r.Source).set("note", r.Note).set("logged_by", r.LoggedBy))
	})
}

func pledgeRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	return s.EachPledge(ctx, guildID, func(p storage.Pledge) error {
		r := newRow("pledge", p.ID).set("uid", recordUID(guildID, "pledge", p.ID)).set("time", csvTime(p.AsOf)).set("country", p.Country).set("role", string(p.Role)).
			set("source", p.Source).set("logged_by", p.LoggedBy)
		if p.Personnel != nil {
			r.set("personnel", strconv.Itoa(*p.Personnel))
		}
		return emit(r)
	})
}

func flightRows(ctx context.Context, s *storage.Store, guildID string, emit func(csvRow) error) error {
	return s.EachFlight(ctx, guildID, func(f storage.Flight) error {
		m := make([]string, len(f.Manifest))
		for i, l := range f.Manifest {
			m[i] = l.ManifestLine.String()
		}
		r := newRow("flight", f.ID).set("uid", recordUID(guildID, "flight", f.ID)).set("time", csvTime(f.ETA)).set("status", string(f.Status)).set("destination", f.Destination).
			set("aircraft", f.Aircraft).set("origin", f.Origin).set("manifest", strings.Join(m, "; ")).
			set("reason", f.Reason).set("source", f.Source).set("note", f.Note).set("logged_by", f.LoggedBy)
		if f.LandedAt != nil {
			r.set("landed_at", csvTime(*f.LandedAt))
		}
		return emit(r)
	})
}

// auditRows are one audit entry in auditHeader's columns, a row per changed field: the audit
// is a record of changes, not records to import.
func auditRows(e storage.AuditEntry) [][]string {
	head := []string{csvTime(e.At), e.UserID, string(e.Action), string(e.Kind), strconv.FormatInt(e.RecordID, 10)}
	if e.RecordID == 0 {
		head[4] = "" // the settings are the guild's, not a record with a number
	}
	changes := e.Changes()
	if len(changes) == 0 {
		return [][]string{append(head, "", "", "")}
	}
	out := make([][]string, len(changes))
	for i, c := range changes {
		out[i] = append(slices.Clone(head), string(c.Field), c.Before, c.After)
	}
	return out
}

// ImportResult counts what an import stored.
type ImportResult struct {
	Mission, Arrivals, Departures, Pledges, Flights, Reports int
	// Skipped counts the records left out because they were imported before (their uid is
	// stored); WithLanding the arrival rows of a file without uids left out because the landing
	// of their flight in the same file logs them.
	Skipped, WithLanding int
}

// String is the summary `liaison import` prints for the operator, in English: the catalog's
// words, the same as /import's Confirm answer.
func (r ImportResult) String() string { return ImportSummary(locale.English, r) }

// importOp is one validated row, ready to store: ids maps the file's flight IDs to the ones
// this import gave them.
type importOp func(ctx context.Context, b *storage.Bulk, a storage.Actor, ids map[int64]int64, res *ImportResult) error

// ImportCSV reads records in ExportCSV's format (with or without its HXL tag row) into
// the actor's guild, in one transaction (see importCSV).
func ImportCSV(ctx context.Context, s *storage.Store, a storage.Actor, in io.ReadSeeker) (ImportResult, error) {
	return Import(ctx, s, a, "", in)
}

// hasPrefix reports whether the header begins with want.
func hasPrefix(head, want []string) bool {
	return len(head) >= len(want) && slices.Equal(head[:len(want)], want)
}

// checkCells refuses a row with text that cannot be stored or misleads (see
// mission.CheckText); only the note may hold line breaks.
func checkCells(rec []string) error {
	for i, cell := range rec {
		multiline := i < len(csvHeader) && csvHeader[i] == "note"
		if err := mission.CheckText(cell, multiline); err != nil {
			name := "column " + strconv.Itoa(i+1)
			if i < len(csvHeader) {
				name = csvHeader[i]
			}
			// The reason stays a Text, so that it is written in the reader's language with the rest.
			e := mission.Refuse(mission.EInvalid, "import.err.cell", "Column", name, "Reason", mission.TextOf(err))
			e.Cause = err
			return e
		}
	}
	return nil
}

// importKinds are the values of the kind column, in the order an unknown kind's refusal and a
// preview's counts list them.
var importKinds = [...]string{"mission", "arrival", "departure", "pledge", "flight", "report"}

// ImportKinds returns the values of the kind column, in the order a preview counts them.
func ImportKinds() []string { return slices.Clone(importKinds[:]) }

// errRequired refuses a row whose column name is empty but must not be.
func errRequired(name string) error {
	return mission.Refuse(mission.EInvalid, "import.err.required", "Column", name)
}

// importRow validates one row and returns the operation that stores it. The checks are the
// rules of package mission that the commands and storage apply, naming the row's columns.
func importRow(r csvRow, loc *time.Location, now time.Time, landed map[int64]bool) (importOp, error) {
	in := rowReader{r: r, loc: loc, now: now}
	if err := in.texts(); err != nil {
		return nil, err
	}
	switch r.get("kind") {
	case "mission":
		return importMission(in)
	case "arrival":
		return importArrival(in, landed)
	case "departure":
		return importDeparture(in)
	case "pledge":
		return importPledge(in)
	case "flight":
		return importFlight(in, landed)
	case "report":
		return importReport(in)
	}
	return nil, mission.Refuse(mission.EInvalid, "import.err.kind", "Kind", mission.Quote(r.get("kind")),
		"Kinds", mission.Choices(importKinds[:]))
}

// rowReader reads and checks the typed columns of one row.
type rowReader struct {
	r   csvRow
	loc *time.Location
	now time.Time
}

// time reads an RFC 3339 time or any form /arrival log accepts, in the guild's time zone.
func (in rowReader) time(name string, required bool) (time.Time, error) {
	v := in.r.get(name)
	if v == "" {
		if required {
			return time.Time{}, errRequired(name)
		}
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return mission.ParseWhen(v, in.now, in.loc)
}

// happened reads a time that must have happened: not in the future, not before 1990.
func (in rowReader) happened(name string, required bool) (time.Time, error) {
	t, err := in.time(name, required)
	if err != nil || t.IsZero() {
		return t, err
	}
	return t, mission.CheckHappened(name, t, in.now)
}

// ahead reads a time that may lie ahead (an ETA, a mandate end), within the years a mission
// runs and not before 1990.
func (in rowReader) ahead(name string, required bool) (time.Time, error) {
	t, err := in.time(name, required)
	if err != nil || t.IsZero() {
		return t, err
	}
	return t, mission.CheckAhead(name, t, in.now)
}

// textLimits are the lengths the commands allow each text column.
var textLimits = map[string]int{"unit": mission.MaxShortText, "aircraft": mission.MaxShortText, "origin": mission.MaxShortText,
	"reason": mission.MaxShortText, "name": mission.MaxShortText, "source": mission.MaxLongText, "note": mission.MaxLongText}

// texts refuses a text column longer than its command's option allows.
func (in rowReader) texts() error {
	for name, max := range textLimits {
		if err := mission.CheckLength(name, in.r.get(name), max, name == "note"); err != nil {
			return err
		}
	}
	return nil
}

// personnel reads a personnel count, nil when absent and allowed to be.
func (in rowReader) personnel(name string, required bool) (*int, error) {
	v := in.r.get(name)
	if v == "" {
		if required {
			return nil, errRequired(name)
		}
		return nil, nil
	}
	n, ok := mission.ParseCount(v)
	if !ok || n < mission.MinPersonnel || n > mission.MaxPersonnel {
		return nil, mission.Refuse(mission.EInvalid, "import.err.personnel", "Column", name,
			"Min", mission.MinPersonnel, "Max", mission.Figure(mission.MaxPersonnel), "Input", mission.Quote(v))
	}
	return &n, nil
}

// female reads the women's count of a row: 0 when empty (or absent, in an older file), else
// 0..personnel.
func (in rowReader) female(personnel int) (int, error) {
	v := in.r.get("female")
	if v == "" {
		return 0, nil
	}
	n, ok := mission.ParseCount(v)
	if !ok {
		return 0, mission.Refuse(mission.EInvalid, "import.err.female", "Input", mission.Quote(v))
	}
	return n, mission.CheckFemale(personnel, n)
}

func (in rowReader) country() (string, error) {
	c, err := mission.LookupCountry(in.r.get("country"))
	return c.Alpha2, err
}

// contingent is the columns arrivals, departures and pledges share.
type contingent struct {
	country   string
	personnel *int
	role      mission.Role
	at        time.Time
}

func (in rowReader) contingent(personnelRequired bool) (c contingent, err error) {
	if c.country, err = in.country(); err != nil {
		return c, err
	}
	if c.personnel, err = in.personnel("personnel", personnelRequired); err != nil {
		return c, err
	}
	if c.role, err = mission.ParseRole(in.r.get("role")); err != nil {
		return c, err
	}
	c.at, err = in.happened("time", true)
	return c, err
}

func importMission(in rowReader) (importOp, error) {
	mandate, err := in.ahead("time", false)
	if err != nil {
		return nil, err
	}
	planned := 0
	if v := in.r.get("personnel"); v != "" {
		n, ok := mission.ParseCount(v)
		if !ok || mission.CheckPlanned(n) != nil {
			return nil, mission.Refuse(mission.EInvalid, "import.err.planned", "Max", mission.Figure(mission.MaxPlanned), "Input", mission.Quote(v))
		}
		planned = n
	}
	lead := ""
	if in.r.get("country") != "" {
		if lead, err = in.country(); err != nil {
			return nil, err
		}
	}
	tz, name := in.r.get("timezone"), in.r.get("name")
	host := ""
	if v := in.r.get("host"); v != "" {
		c, err := mission.LookupCountry(v)
		if err != nil {
			return nil, err
		}
		host = c.Alpha2
	}
	var lang locale.Lang
	if v := in.r.get("language"); v != "" {
		l, ok := locale.Parse(v)
		if !ok {
			return nil, mission.Refuse(mission.EInvalid, "import.err.language", "Input", mission.Quote(v),
				"Languages", mission.Choices(mission.Strings(locale.Languages()...)))
		}
		lang = l
	}
	if tz != "" {
		if _, err := mission.LoadZone(tz); err != nil {
			return nil, err
		}
	}
	ap := ""
	if v := in.r.get("destination"); v != "" {
		if ap, err = mission.ParseAirport(v); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
		_, err := s.UpdateGuild(ctx, a, func(g *storage.Guild) error {
			setIf(&g.MissionName, name, name != "")
			setIf(&g.MissionLead, lead, lead != "")
			setIf(&g.Planned, planned, planned > 0)
			if !mandate.IsZero() {
				g.MandateEnd = &mandate
			}
			setIf(&g.Timezone, tz, tz != "")
			setIf(&g.Airport, ap, ap != "")
			setIf(&g.Language, string(lang), lang != "")
			setIf(&g.Host, host, host != "")
			return nil
		})
		res.Mission++
		return err
	}, nil
}

// setIf sets *dst to v when ok: an empty column leaves the setting as it is.
func setIf[T any](dst *T, v T, ok bool) {
	if ok {
		*dst = v
	}
}

func importDeparture(in rowReader) (importOp, error) {
	c, err := in.contingent(true)
	if err != nil {
		return nil, err
	}
	reason := mission.DepartureReason(in.r.get("reason"))
	if reason == "" {
		reason = mission.ReasonOther
	}
	if !reason.Valid() {
		reasons := mission.DepartureReasons()
		return nil, mission.Refuse(mission.EInvalid, "import.err.reason", "Input", mission.Quote(string(reason)),
			"Reasons", mission.Choices(mission.Strings(reasons[:]...)))
	}
	women, err := in.female(*c.personnel)
	if err != nil {
		return nil, err
	}
	dp := storage.Departure{Country: c.country, Personnel: *c.personnel, Female: women, Role: c.role, DepartedAt: c.at, Reason: reason,
		Source: in.r.get("source"), Note: in.r.get("note"), LoggedBy: in.r.get("logged_by"), UID: in.r.get("uid")}
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
		_, err := s.LogDeparture(ctx, a, dp)
		res.Departures++
		return err
	}, nil
}

func importArrival(in rowReader, landed map[int64]bool) (importOp, error) {
	c, err := in.contingent(true)
	if err != nil {
		return nil, err
	}
	var flight int64
	if v := in.r.get("flight"); v != "" {
		if flight, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, mission.Refuse(mission.EInvalid, "import.err.flight", "Input", mission.Quote(v))
		}
	}
	women, err := in.female(*c.personnel)
	if err != nil {
		return nil, err
	}
	arr := storage.Arrival{Country: c.country, Personnel: *c.personnel, Female: women, Role: c.role, ArrivedAt: c.at, Unit: in.r.get("unit"),
		Source: in.r.get("source"), Note: in.r.get("note"), LoggedBy: in.r.get("logged_by"), UID: in.r.get("uid")}
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, ids map[int64]int64, res *ImportResult) error {
		if arr.UID == "" && landed[flight] {
			res.WithLanding++
			return nil
		}
		if flight != 0 {
			nid, err := linkFlight(ctx, s, a, ids, flight, arr.UID)
			if err != nil {
				return err
			}
			arr.FlightID = &nid
		}
		_, err := s.LogArrival(ctx, a, arr)
		res.Arrivals++
		return err
	}, nil
}

// linkFlight finds the flight an arrival row names by its ID in the exporting guild: a flight
// row above it in the same file, else the flight imported from the same guild's export before
// (by its uid), else, for a file of this guild or one without uids, this guild's own flight
// with that #ID. An arrival is never linked to a flight that is not there.
func linkFlight(ctx context.Context, b *storage.Bulk, a storage.Actor, ids map[int64]int64, flight int64, uid string) (int64, error) {
	if nid, ok := ids[flight]; ok {
		return nid, nil
	}
	from := uidGuild(uid)
	if from != "" {
		f, ok, err := b.FlightByUID(ctx, recordUID(from, "flight", flight))
		if err != nil || ok {
			return f.ID, err
		}
	}
	if from == "" || from == a.GuildID {
		f, err := b.Flight(ctx, a.GuildID, flight)
		if err == nil {
			return f.ID, nil
		}
		if !errors.Is(err, mission.ErrNotFound) {
			return 0, err
		}
	}
	return 0, mission.Refuse(mission.EInvalid, "import.err.no_flight", "Input", fmt.Sprintf("#%d", flight))
}

// importReport reads a reported figure: its value in personnel (0 and up), figure and
// qualifier (deployed and exact when empty), an optional country and role, the date it refers
// to, and its source, which is required.
func importReport(in rowReader) (importOp, error) {
	r := storage.Report{Source: in.r.get("source"), Note: in.r.get("note"), LoggedBy: in.r.get("logged_by"), UID: in.r.get("uid")}
	v := in.r.get("personnel")
	n, ok := mission.ParseCount(v)
	if !ok || n < 0 || n > mission.MaxPlanned {
		return nil, mission.Refuse(mission.EInvalid, "report.err.value", "Max", mission.Figure(mission.MaxPlanned), "Value", fmt.Sprintf("%q", v))
	}
	r.Value = n
	var err error
	if r.Figure, err = mission.ParseFigure(in.r.get("figure")); err != nil {
		return nil, err
	}
	if r.Qualifier, err = mission.ParseQualifier(in.r.get("qualifier")); err != nil {
		return nil, err
	}
	if in.r.get("country") != "" {
		if r.Country, err = in.country(); err != nil {
			return nil, err
		}
	}
	if v := in.r.get("role"); v != "" {
		if r.Role, err = mission.ParseRole(v); err != nil {
			return nil, err
		}
	}
	if r.AsOf, err = in.happened("time", true); err != nil {
		return nil, err
	}
	if r.Source == "" {
		return nil, errRequired("source")
	}
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
		_, err := s.LogReport(ctx, a, r)
		res.Reports++
		return err
	}, nil
}

func importPledge(in rowReader) (importOp, error) {
	c, err := in.contingent(false)
	if err != nil {
		return nil, err
	}
	p := storage.Pledge{Country: c.country, Personnel: c.personnel, Role: c.role, AsOf: c.at,
		Source: in.r.get("source"), LoggedBy: in.r.get("logged_by"), UID: in.r.get("uid")}
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, _ map[int64]int64, res *ImportResult) error {
		_, err := s.SetPledge(ctx, a, p)
		res.Pledges++
		return err
	}, nil
}

func importFlight(in rowReader, landed map[int64]bool) (importOp, error) {
	id, _ := strconv.ParseInt(in.r.get("id"), 10, 64)
	eta, err := in.ahead("time", true)
	if err != nil {
		return nil, err
	}
	lines, err := mission.ParseManifest(in.r.get("manifest"))
	if err != nil {
		return nil, err
	}
	status := mission.FlightStatus(in.r.get("status"))
	if status == "" {
		status = mission.FlightScheduled
	}
	landedAt, err := in.happened("landed_at", false)
	if err != nil {
		return nil, err
	}
	switch status {
	case mission.FlightScheduled, mission.FlightDelayed, mission.FlightCancelled:
	case mission.FlightLanded:
		if landedAt.IsZero() {
			landedAt = eta
		}
		if err := mission.CheckHappened("time", landedAt, in.now); err != nil {
			return nil, err
		}
	default:
		statuses := []mission.FlightStatus{mission.FlightScheduled, mission.FlightDelayed, mission.FlightLanded, mission.FlightCancelled}
		return nil, mission.Refuse(mission.EInvalid, "import.err.status", "Input", mission.Quote(string(status)),
			"Statuses", mission.Choices(mission.Strings(statuses...)))
	}
	dest := ""
	if v := in.r.get("destination"); v != "" {
		if dest, err = mission.ParseAirport(v); err != nil {
			return nil, err
		}
	}
	f := storage.Flight{ETA: eta, Destination: dest, Aircraft: in.r.get("aircraft"), Origin: in.r.get("origin"),
		Source: in.r.get("source"), Note: in.r.get("note"), LoggedBy: in.r.get("logged_by"), UID: in.r.get("uid"),
		Reason: in.r.get("reason")} // a landed flight keeps the reason of its last delay
	// A row with a uid restores a landed flight of an export, whose arrivals are rows of their
	// own (as edited since the landing). A row without one lands as /flight land does, logging
	// its manifest; arrival rows of the same file that name it are then left out (files
	// written before the uid column had them as well).
	restored := f.UID != ""
	if status == mission.FlightLanded && !restored && id != 0 {
		landed[id] = true
	}
	for _, l := range lines {
		f.Manifest = append(f.Manifest, storage.ManifestLine{ManifestLine: l})
	}
	reason := in.r.get("reason")
	return func(ctx context.Context, s *storage.Bulk, a storage.Actor, ids map[int64]int64, res *ImportResult) error {
		if old, ok, err := s.FlightByUID(ctx, f.UID); err != nil || ok {
			if ok {
				if id != 0 {
					ids[id] = old.ID
				}
				s.SkipFlight()
			}
			return err
		}
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
		if id != 0 {
			ids[id] = nf.ID
		}
		res.Flights++
		switch {
		case status == mission.FlightLanded && restored:
			_, err = s.RecordLanding(ctx, a, nf.ID, landedAt)
		case status == mission.FlightLanded:
			var landedArrivals []storage.Arrival
			_, landedArrivals, err = s.LandFlight(ctx, a, nf.ID, landedAt)
			res.Arrivals += len(landedArrivals)
		case status == mission.FlightCancelled:
			_, err = s.CancelFlight(ctx, a, nf.ID, reason)
		case status == mission.FlightDelayed:
			_, err = s.DelayFlight(ctx, a, nf.ID, nf.ETA, reason)
		}
		return err
	}, nil
}
