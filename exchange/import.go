package exchange

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Format is the flavour of an export: Liaison's own CSV, or the same with HXL hashtags.
type Format string

// Export formats, as /export format: and `liaison export --format` name them.
const (
	// FormatLiaison is the header row and the records: what `liaison import` reads back.
	FormatLiaison Format = "liaison"
	// FormatHXL adds the Humanitarian Exchange Language tag row under the header, so that HXL
	// tools (HDX, the HXL Proxy, libhxl) know each column's meaning; countries are written as
	// ISO 3166-1 alpha-3 codes, as HXL's #country+code+v_iso3 expects. Import reads it back.
	FormatHXL Format = "hxl"
)

// Formats returns the export formats, the default first.
func Formats() []string { return []string{string(FormatLiaison), string(FormatHXL)} }

// ParseFormat reads an export format; "" is FormatLiaison.
func ParseFormat(v string) (Format, error) {
	switch Format(strings.ToLower(strings.TrimSpace(v))) {
	case "", FormatLiaison:
		return FormatLiaison, nil
	case FormatHXL:
		return FormatHXL, nil
	}
	return "", fmt.Errorf("unknown export format %q (liaison or hxl)", v)
}

// hxlTags are the HXL hashtags of csvHeader's columns (https://hxlstandard.org/standard/1-1final/dictionary/).
// A column without one gets an empty tag cell, which HXL allows; times are ISO 8601 already.
var hxlTags = map[string]string{
	"kind":        "#meta+kind",
	"id":          "#meta+id",
	"time":        "#date+occurred",
	"country":     "#country+code+v_iso3",
	"personnel":   "#indicator+num+personnel",
	"female":      "#indicator+num+female",
	"role":        "#group+role",
	"flight":      "#meta+flight+id",
	"status":      "#status",
	"destination": "#loc+airport+code",
	"aircraft":    "#item+aircraft",
	"origin":      "#loc+origin",
	"manifest":    "#description+manifest",
	"landed_at":   "#date+landed",
	"unit":        "#org+unit",
	"reason":      "#description+reason",
	"source":      "#meta+source",
	"note":        "#description+note",
	"logged_by":   "#meta+logged_by",
	"name":        "#meta+mission+name",
	"timezone":    "#meta+timezone",
	"language":    "#meta+lang",
	"uid":         "#meta+uid",
	"figure":      "#meta+figure",
	"qualifier":   "#meta+qualifier",
	"host":        "#country+host+code",
}

// auditTags are the audit export's HXL hashtags, column by column of auditHeader.
var auditTags = []string{"#date+changed", "#contact+id", "#meta+action", "#meta+kind", "#meta+record+id",
	"#meta+field", "#description+before", "#description+after"}

// tagRow is the HXL row of header's columns.
func tagRow(header []string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = hxlTags[h]
	}
	return out
}

// hxlHashtag is one HXL tag spec: a hashtag and its attributes, lower case.
var hxlHashtag = regexp.MustCompile(`^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$`)

// isTagRow reports whether rec is an HXL tag row: at least one cell, and every non-empty cell a
// hashtag.
func isTagRow(rec []string) bool {
	seen := false
	for _, c := range rec {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !hxlHashtag.MatchString(c) {
			return false
		}
		seen = true
	}
	return seen
}

// isComment reports whether rec is a comment line: its first cell begins with "# " (or is "#"),
// as the demo timeline's are. A tag such as "#meta+kind" is never a comment.
func isComment(rec []string) bool {
	return len(rec) > 0 && (rec[0] == "#" || strings.HasPrefix(rec[0], "# "))
}

// ExportCSV writes one kind of the guild's records as CSV: the header, in FormatHXL the tag row,
// then the records oldest first. Rows go from the database to w one at a time, so memory stays
// flat whatever the number of records. It returns the number of records written.
func ExportCSV(ctx context.Context, s *storage.Store, guildID, kind string, f Format, w io.Writer) (int, error) {
	switch kind {
	case "forces":
		return writeForces(ctx, s, guildID, f, w)
	case "audit":
		return writeTable(w, f, auditHeader, auditTags, func(emit func([]string) error) error {
			return s.EachAudit(ctx, guildID, func(e storage.AuditEntry) error {
				for _, r := range auditRows(e) {
					if err := emit(r); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	rowsOf, ok := exportRows[kind]
	if !ok {
		return 0, fmt.Errorf("unknown export kind %q (one of %s)", kind, strings.Join(ExportKinds(), ", "))
	}
	country := col("country")
	return writeTable(w, f, csvHeader, tagRow(csvHeader), func(emit func([]string) error) error {
		return rowsOf(ctx, s, guildID, func(r csvRow) error {
			if f == FormatHXL && r[country] != "" {
				if c, err := mission.LookupCountry(r[country]); err == nil {
					r[country] = c.Alpha3
				}
			}
			return emit(r)
		})
	})
}

// writeTable writes one export to w: the header, in FormatHXL the tags, then each row each
// hands to emit as it comes; it returns the number of rows written.
func writeTable(w io.Writer, f Format, header, tags []string, each func(emit func([]string) error) error) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	if f == FormatHXL {
		if err := cw.Write(tags); err != nil {
			return 0, err
		}
	}
	n := 0
	err := each(func(row []string) error {
		n++
		return writeRow(cw, row)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// LineError is a bad line of an import file.
type LineError struct {
	Line int
	Kind string // the row's kind column
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d (%s): %v", e.Line, e.Kind, e.Err) }

func (e LineError) Unwrap() error { return e.Err }

// scanner reads an import file: the header, an optional HXL tag row, comments, and records.
type scanner struct {
	loc    *time.Location
	now    time.Time
	seen   map[string]int // each record's kind and ID (or uid), with its line: a record is imported once
	landed map[int64]bool // flights without uid that this file lands: the landing logs their arrivals
	hxl    bool           // the file had a tag row
}

// scan reads in and calls fn with each record's line, cells and stored operation, or with
// the line's error (op nil). fn's error stops the scan. A file that is not CSV, or whose header
// is wrong, is an error of scan's own.
func (sc *scanner) scan(in io.Reader, fn func(line int, r csvRow, op importOp, err error) error) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	// No cr.Comment: it would swallow the HXL tag row (and any row starting with '#') without a
	// word. Comments ("# …") and the tag row are recognised below, deliberately.
	head, err := cr.Read()
	if err == io.EOF {
		return mission.Refuse(mission.EInvalid, "import.err.empty")
	}
	if err != nil {
		return csvError(1, err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff") // a spreadsheet's byte-order mark
	}
	if h := strings.Join(head, ","); h == strings.Join(auditHeader, ",") || h == strings.Join(auditHeaderBefore, ",") {
		return mission.Refuse(mission.EInvalid, "import.err.audit_file")
	}
	if strings.Join(head, ",") == strings.Join(forcesHeader, ",") {
		return mission.Refuse(mission.EInvalid, "import.err.forces_file")
	}
	// csvHeader begins with csvHeaderBefore, so the one prefix accepts both.
	beforeFemale := hasPrefix(head, csvHeaderBeforeFemale)
	if !hasPrefix(head, csvHeaderBefore) && !beforeFemale {
		return mission.Refuse(mission.EInvalid, "import.err.header", "Header", strings.Join(csvHeader, ","))
	}
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return csvError(line, err)
		}
		if first && isTagRow(rec) {
			first, sc.hxl = false, true
			continue
		}
		first = false
		if isComment(rec) {
			continue
		}
		if beforeFemale && len(rec) >= col("female") {
			rec = slices.Insert(rec, col("female"), "") // an older file: no women recorded
		}
		var op importOp
		if err = checkCells(rec); err == nil {
			err = sc.once(csvRow(rec), line)
		}
		if err == nil {
			op, err = importRow(csvRow(rec), sc.loc, sc.now, sc.landed)
		}
		if err != nil {
			kind := ""
			if len(rec) > 0 {
				kind = rec[0]
			}
			err = LineError{Line: line, Kind: kind, Err: err}
		}
		if err := fn(line, csvRow(rec), op, err); err != nil {
			return err
		}
	}
}

// once refuses a record whose kind and ID, or uid, an earlier line of the file has: the same
// record twice would be counted twice.
func (sc *scanner) once(r csvRow, line int) error {
	kind, key := r.get("kind"), r.get("uid")
	if key == "" {
		if key = r.get("id"); key == "" {
			return nil
		}
		key = kind + "#" + key
	}
	if other, ok := sc.seen[key]; ok {
		return mission.Refuse(mission.EInvalid, "import.err.duplicate", "Kind", kind, "ID", "#"+r.get("id"), "Other", other)
	}
	sc.seen[key] = line
	return nil
}

// csvErrorKeys are the catalog texts of encoding/csv's errors (its own are English); with
// FieldsPerRecord -1 and LazyQuotes off, these are the ones a file can cause.
var csvErrorKeys = map[error]string{
	csv.ErrBareQuote: "import.err.bare_quote",
	csv.ErrQuote:     "import.err.quote",
}

// csvError is a file that is not CSV, at line (or the line encoding/csv names): the reader's
// words for it, with encoding/csv's error as the cause. An error of the file's reader itself
// is not the uploader's to fix and stays a plain wrapped error.
func csvError(line int, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read the CSV at line %d: %w", line, err)
	}
	key, ok := csvErrorKeys[pe.Err]
	if !ok {
		key = "import.err.csv"
	}
	e := mission.Refuse(mission.EInvalid, key, "Line", pe.Line, "Column", pe.Column, "Reason", pe.Err.Error())
	e.Cause = err
	return e
}

// newScanner reads the file's times in the guild's time zone.
func newScanner(ctx context.Context, s *storage.Store, guildID string) (*scanner, error) {
	g, err := s.Guild(ctx, guildID)
	if err != nil {
		return nil, err
	}
	return &scanner{loc: g.Location(), now: s.Now(), seen: map[string]int{}, landed: map[int64]bool{}}, nil
}

// Import checks every row of in, then reads it again and stores it in one transaction
// (storage.Store.Import): a file with a bad row stores nothing and the error names the line.
// preview, when set, is the pending /import upload the transaction claims, so that a file is
// stored once however often Confirm is pressed. Memory is bounded by the batch: the first pass
// keeps only which flights land, the second writes every storage.ImportBatchSize records.
// IDs in the file are the exporting guild's: new IDs are given, and flight references follow.
func Import(ctx context.Context, s *storage.Store, a storage.Actor, preview string, in io.ReadSeeker) (ImportResult, error) {
	var res ImportResult
	sc, err := newScanner(ctx, s, a.GuildID)
	if err != nil {
		return res, err
	}
	err = sc.scan(in, func(_ int, _ csvRow, _ importOp, err error) error { return err })
	if err != nil {
		return res, err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("read the file again: %w", err)
	}
	err = s.Import(ctx, a, preview, func(b *storage.Bulk) error {
		res, err = sc.store(ctx, b, a, in)
		return err
	})
	if err = withLine(err); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// store reads in again and stores each record through b: the work of an import, and of the
// preview's dry run. An error names the line it concerns.
func (sc *scanner) store(ctx context.Context, b *storage.Bulk, a storage.Actor, in io.Reader) (ImportResult, error) {
	var res ImportResult
	ids := map[int64]int64{}
	clear(sc.seen)
	err := sc.scan(in, func(line int, r csvRow, op importOp, err error) error {
		if err != nil {
			return err
		}
		b.Row = line
		if err := op(ctx, b, a, ids, &res); err != nil {
			return LineError{Line: line, Kind: r.get("kind"), Err: err}
		}
		return nil
	})
	if err == nil {
		err = b.Flush()
	}
	if err != nil {
		return res, err
	}
	res.Arrivals -= b.Skipped(mission.KindArrival)
	res.Departures -= b.Skipped(mission.KindDeparture)
	res.Pledges -= b.Skipped(mission.KindPledge)
	res.Reports -= b.Skipped(mission.KindReport)
	for _, k := range mission.RecordKinds() {
		res.Skipped += b.Skipped(k)
	}
	return res, nil
}

// withLine turns the refusal of a row that only the whole file showed (the force guard, run
// at the end of an import) into the LineError of that row.
func withLine(err error) error {
	var re *storage.RowError
	if errors.As(err, &re) {
		return LineError{Line: re.Row, Kind: "departure", Err: re.Err}
	}
	return err
}

// previewRows and previewErrors bound what a preview lists.
const (
	previewRows   = 5
	previewErrors = 10
)

// Preview is what /import shows before anything is stored: the records of each kind, the
// first few, and the bad lines.
type Preview struct {
	Counts map[string]int // records by kind
	Total  int
	First  []PreviewRow
	Errors []LineError // the first previewErrors
	Bad    int         // bad lines in all
	HXL    bool
	// Marks are the records that look like mistakes (a repeat of a record logged less than a
	// day from it, a pledge older than the one in force), by line: the same matches that hold
	// a command's change. Confirm stores them as the file has them.
	Marks map[int][]storage.Match
}

// MarkedLines returns the lines of Marks in the file's order.
func (p Preview) MarkedLines() []int {
	lines := make([]int, 0, len(p.Marks))
	for l := range p.Marks {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return lines
}

// PreviewRow is one of a preview's first records.
type PreviewRow struct {
	Line int
	Row  []string
}

// Get is the row's cell of column name, as the import reads it.
func (r PreviewRow) Get(name string) string { return csvRow(r.Row).get(name) }

// CheckCSV reads an import file without storing anything and says what Confirm would store.
// Unlike the import, it goes on past a bad line, so that the uploader sees every mistake at
// once. A file it cannot read at all (no CSV, a wrong header) is its error.
//
// A file whose every line reads well is then stored in a dry run (storage.Store.DryRun): the
// transaction Confirm would run, rolled back. What only the whole file shows — departures that
// together go below the strength deployed, an arrival linked to a flight that is not there — is
// a bad line of the preview too, so the file gets no Confirm that would then be refused.
func CheckCSV(ctx context.Context, s *storage.Store, a storage.Actor, in io.ReadSeeker) (Preview, error) {
	guildID := a.GuildID
	p := Preview{Counts: map[string]int{}}
	sc, err := newScanner(ctx, s, guildID)
	if err != nil {
		return p, err
	}
	err = sc.scan(in, func(line int, r csvRow, _ importOp, err error) error {
		if err != nil {
			var le LineError
			if !errors.As(err, &le) {
				return err
			}
			p.Bad++
			if len(p.Errors) < previewErrors {
				p.Errors = append(p.Errors, le)
			}
			return nil
		}
		p.Total++
		p.Counts[r.get("kind")]++
		if len(p.First) < previewRows {
			p.First = append(p.First, PreviewRow{Line: line, Row: r})
		}
		return nil
	})
	p.HXL = sc.hxl
	if err != nil || p.Bad > 0 {
		return p, err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return p, fmt.Errorf("read the file again: %w", err)
	}
	err = withLine(s.DryRun(ctx, a, func(b *storage.Bulk) error {
		_, err := sc.store(ctx, b, a, in)
		p.Marks = b.Marks()
		return err
	}))
	var le LineError
	if errors.As(err, &le) {
		p.Bad++
		p.Errors = append(p.Errors, le)
		return p, nil
	}
	return p, err
}

// ImportSummary says what an import stored, in lang: the console's --demo and /import's
// Confirm answer write it alike.
func ImportSummary(lang locale.Lang, r ImportResult) string {
	s := locale.T(lang, "cmd.import.result", "Mission", r.Mission, "Arrivals", r.Arrivals, "Departures", r.Departures,
		"Pledges", r.Pledges, "Flights", r.Flights, "Reports", r.Reports)
	if r.Skipped > 0 {
		s += "; " + locale.T(lang, "cmd.import.skipped", "Count", r.Skipped)
	}
	if r.WithLanding > 0 {
		s += "; " + locale.T(lang, "cmd.import.skipped_landing", "Count", r.WithLanding)
	}
	return s
}
