package exchange

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liaison/draft"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
)

// A draft is corrected as text, one record a line (SPEC §9, README "Correcting a draft"):
//
//	<kind> [<figure>] [<country>] <count or ?> [<role>] [<women>f] [<qualifier>] <date> [#N]
//	flight <manifest> <date> [#N]
//
// "arrival GT 75 military 2025-01-03 #1", "pledge KE ? police 2025-01-03 #4", "figure deployed
// 400 about 2025-01-03 #6", "flight GT 75 military; SV 8 military 2025-01-04 #5". The kind is
// written in the reader's language and read in any of the three; #N keeps the source (the
// sentence and the message's link) of the draft's record N. A line is only cut into the
// columns of the import format: every cell then meets the import's rules, the ones every door
// uses, so a corrected draft is checked exactly as an uploaded file is.

// DraftEntry is one record of a kept draft: the record and the source cell it carries.
type DraftEntry struct {
	Record draft.Record
	Source string
}

// ReadDraft reads a draft kept as an import file (DraftCSV's or EditDraft's output) back into
// its records, times in the guild's time zone loc. Its cells passed the import's rules when
// the draft was previewed; they are read again with the same rule functions.
func ReadDraft(body []byte, loc *time.Location) ([]DraftEntry, error) {
	var out []DraftEntry
	header := false
	err := eachDraftRow(body, func(rec []string) error {
		if !header || isComment(rec) { // the header; the draft's choice (see DraftChoice)
			header = true
			return nil
		}
		e, err := draftEntry(csvRow(rec), loc)
		if err != nil {
			return fmt.Errorf("read the draft's %s: %w", csvRow(rec).get("kind"), err)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !header {
		return nil, fmt.Errorf("read the draft's header: %w", io.EOF)
	}
	return out, nil
}

// draftEntry is one row of a kept draft as a record.
func draftEntry(row csvRow, loc *time.Location) (DraftEntry, error) {
	r := draft.Record{Kind: draft.Kind(row.get("kind"))}
	e := DraftEntry{Source: row.get("source")}
	r.Sentence, _ = splitDraftSource(e.Source)
	var err error
	if v := row.get("country"); v != "" {
		c, err := mission.LookupCountry(v)
		if err != nil {
			return e, err
		}
		r.Country = c.Alpha2
	}
	if v := row.get("personnel"); v != "" {
		if r.Personnel, err = strconv.Atoi(v); err != nil {
			return e, err
		}
		r.Known = true
	}
	if v := row.get("female"); v != "" {
		if r.Female, err = strconv.Atoi(v); err != nil {
			return e, err
		}
	}
	if v := row.get("role"); v != "" {
		if r.Role, err = mission.ParseRole(v); err != nil {
			return e, err
		}
	}
	if r.Kind == draft.KindReport {
		if r.Figure, err = mission.ParseFigure(row.get("figure")); err != nil {
			return e, err
		}
	}
	if v := row.get("qualifier"); v != "" {
		if r.Qualifier, err = mission.ParseQualifier(v); err != nil {
			return e, err
		}
	}
	if r.Manifest, err = mission.ParseManifest(row.get("manifest")); err != nil {
		return e, err
	}
	if v := row.get("time"); v != "" {
		if r.Date, err = draftTime(v, loc); err != nil {
			return e, err
		}
	}
	e.Record = r
	return e, nil
}

// draftTime reads a kept draft's time: a day, a day and a clock time (a corrected flight's
// ETA), or RFC 3339.
func draftTime(v string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{dateLayout, dateTimeLayout} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, v)
}

// The layouts of a draft line's time: a day, or a day and a clock time.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04"
)

// discordLink begins every message link a draft's source may end with.
const discordLink = "https://discord.com/channels/"

// splitDraftSource cuts a drafted record's source (see DraftSource) into its sentence and the
// message's link.
func splitDraftSource(source string) (sentence, link string) {
	if strings.HasPrefix(source, discordLink) && !strings.ContainsRune(source, ' ') {
		return "", source
	}
	if i := strings.LastIndex(source, " — "); i >= 0 && strings.HasPrefix(source[i+len(" — "):], discordLink) {
		return source[:i], source[i+len(" — "):]
	}
	return source, ""
}

// DraftLink is the message link a kept draft's records carry, "" for pasted text: the source
// of a line the moderator adds.
func DraftLink(entries []DraftEntry) string {
	for _, e := range entries {
		if _, link := splitDraftSource(e.Source); link != "" {
			return link
		}
	}
	return ""
}

// MaxFormText is the most a form's paragraph input holds (Discord's limit).
const MaxFormText = 4000

// DraftLines writes entries as the edit form's text in lang, one record a line, each ending
// with #N, its position. It writes the first entries whose lines fit in limit characters and
// returns how many it wrote: the others are kept as they are (see EditDraft).
func DraftLines(lang locale.Lang, entries []DraftEntry, limit int) (text string, shown int) {
	var b strings.Builder
	size := 0
	for i, e := range entries {
		line := DraftLine(lang, e.Record) + " #" + strconv.Itoa(i+1)
		n := utf8.RuneCountInString(line)
		if i > 0 {
			n++ // the line break
		}
		if size+n > limit {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		size += n
		shown++
	}
	return b.String(), shown
}

// DraftLine is one record as a line of the edit form, in lang: the kind's word, then the
// columns it has, in the order the line is read back.
func DraftLine(lang locale.Lang, r draft.Record) string {
	parts := []string{locale.T(lang, "draft.edit.kind."+string(r.Kind))}
	if r.Kind == draft.KindFlight {
		lines := make([]string, len(r.Manifest))
		for i, l := range r.Manifest {
			lines[i] = l.String()
		}
		parts = append(parts, strings.Join(lines, "; "))
	} else {
		if r.Kind == draft.KindReport && r.Figure != "" {
			parts = append(parts, string(r.Figure))
		}
		if r.Country != "" {
			parts = append(parts, r.Country)
		}
		count := "?"
		if r.Known {
			count = strconv.Itoa(r.Personnel)
		}
		parts = append(parts, count)
		if r.Role != "" {
			parts = append(parts, render.Role(lang, r.Role, int64(max(r.Personnel, 2))))
		}
		if r.Female > 0 {
			parts = append(parts, strconv.Itoa(r.Female)+mission.FemaleSuffix)
		}
		if r.Qualifier != "" && r.Qualifier != mission.QualifierExact {
			parts = append(parts, string(r.Qualifier))
		}
	}
	switch {
	case r.Date.IsZero():
	case r.Date.Hour() == 0 && r.Date.Minute() == 0:
		parts = append(parts, r.Date.Format(dateLayout))
	default:
		parts = append(parts, r.Date.Format(dateTimeLayout))
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ")
}

// Patterns of a draft line's words.
var (
	sourceRef = regexp.MustCompile(`^#([0-9]{1,4})$`)
	dayWord   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	clockWord = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{2}$`)
	countWord = regexp.MustCompile(`^([0-9]{1,9}|\?)$`)
	womenWord = regexp.MustCompile(`^[0-9]{1,9}` + mission.FemaleSuffix + `$`)
)

// EditedDraft is a corrected draft: the import file to keep, and the form's line of each of
// its records (by the file's line number), so that a refusal of the import's rules names the
// line the moderator wrote.
type EditedDraft struct {
	Body   []byte
	FormOf map[int]int
}

// EditDraft reads the edit form's text back into an import file. old is the draft the form
// was opened on, of which the form showed the first shown records: the others follow the
// form's records unchanged. A line that cannot be cut into columns is refused as a LineError
// naming the form's line; blank lines are skipped.
func EditDraft(text string, old []DraftEntry, shown int) (EditedDraft, error) {
	out := EditedDraft{FormOf: map[int]int{}}
	if shown < 0 || shown > len(old) {
		return out, fmt.Errorf("edit a draft of %d records: the form showed %d", len(old), shown)
	}
	link := DraftLink(old)
	var rows []csvRow
	var formLines []int
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		row, err := draftLineRow(line, old, link)
		if err != nil {
			return out, LineError{Line: n + 1, Kind: strings.Fields(line)[0], Err: err}
		}
		rows, formLines = append(rows, row), append(formLines, n+1)
	}
	if len(rows) == 0 {
		return out, mission.Refuse(mission.EInvalid, "draft.edit.empty").WithExample("draft.edit.example")
	}
	for _, e := range old[shown:] {
		rows, formLines = append(rows, entryRow(e)), append(formLines, 0)
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(csvHeader); err != nil {
		return out, err
	}
	for i, row := range rows {
		// A record starts on the line after those written so far: a source may span lines.
		cw.Flush()
		line := bytes.Count(buf.Bytes(), []byte("\n")) + 1
		if err := writeRow(cw, row); err != nil {
			return out, err
		}
		out.FormOf[line] = formLines[i]
	}
	cw.Flush()
	out.Body = buf.Bytes()
	return out, cw.Error()
}

// entryRow is a kept record that the form did not show, as the import row it was.
func entryRow(e DraftEntry) csvRow {
	row := csvRow(DraftRow(e.Record, ""))
	row.set("source", e.Source)
	if !e.Record.Date.IsZero() && (e.Record.Date.Hour() != 0 || e.Record.Date.Minute() != 0) {
		row.set("time", e.Record.Date.Format(dateTimeLayout))
	}
	return row
}

// draftLineRow cuts one line of the form into the import format's columns. It decides only
// which word is which column; what a column may hold is the import's rule.
func draftLineRow(line string, old []DraftEntry, link string) (csvRow, error) {
	words := strings.Fields(line)
	kind, ok := draftKindWord(words[0])
	if !ok {
		return nil, mission.Refuse(mission.EInvalid, "draft.edit.err.kind", "Input", mission.Quote(words[0]),
			"Kinds", mission.T("draft.edit.kinds"))
	}
	words = words[1:]
	row := newRow(string(kind), 0).set("source", link)
	if n := len(words); n > 0 {
		if m := sourceRef.FindStringSubmatch(words[n-1]); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < 1 || i > len(old) {
				return nil, mission.Refuse(mission.EInvalid, "draft.edit.err.source", "Input", mission.Quote(words[n-1]), "Count", len(old))
			}
			row.set("source", old[i-1].Source)
			words = words[:n-1]
		}
	}
	if n := len(words); n > 0 && dayWord.MatchString(words[n-1]) {
		row.set("time", words[n-1])
		words = words[:n-1]
	} else if n > 1 && clockWord.MatchString(words[n-1]) && dayWord.MatchString(words[n-2]) {
		row.set("time", words[n-2]+" "+words[n-1])
		words = words[:n-2]
	}
	if kind == draft.KindFlight {
		row.set("manifest", strings.Join(words, " ")).set("status", string(mission.FlightScheduled))
		return row, nil
	}
	for len(words) > 0 {
		w := strings.ToLower(words[len(words)-1])
		if mission.Qualifier(w).Valid() && row.get("qualifier") == "" {
			row.set("qualifier", w)
		} else if womenWord.MatchString(w) && row.get("female") == "" {
			row.set("female", strings.TrimSuffix(w, mission.FemaleSuffix))
		} else {
			break
		}
		words = words[:len(words)-1]
	}
	if kind == draft.KindReport && len(words) > 0 && mission.FigureKind(strings.ToLower(words[0])).Valid() {
		row.set("figure", strings.ToLower(words[0]))
		words = words[1:]
	}
	at := slices.IndexFunc(words, countWord.MatchString)
	if at < 0 {
		return nil, mission.Refuse(mission.EInvalid, "draft.edit.err.count")
	}
	if words[at] != "?" {
		row.set("personnel", words[at])
	}
	row.set("country", strings.Join(words[:at], " ")).set("role", strings.Join(words[at+1:], " "))
	return row, nil
}

// draftKindWord reads a line's first word: a kind in any of the three languages, or the import
// format's own kind name.
func draftKindWord(w string) (draft.Kind, bool) {
	w = strings.ToLower(w)
	for _, k := range draftKinds {
		if w == string(k) {
			return k, true
		}
		for _, lang := range locale.Languages() {
			if w == strings.ToLower(locale.T(lang, "draft.edit.kind."+string(k))) {
				return k, true
			}
		}
	}
	return "", false
}

// draftKinds are the kinds a draft holds, in the order the form's help lists them.
var draftKinds = [...]draft.Kind{draft.KindArrival, draft.KindDeparture, draft.KindPledge, draft.KindFlight, draft.KindReport}
