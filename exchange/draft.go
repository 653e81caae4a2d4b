package exchange

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"liaison/draft"
	"liaison/mission"
)

// DraftCSV writes a report's drafted records as an import file (SPEC §5): the header, then one
// row per record, each row's source the sentence it was read from and then link (the
// message's link, when there is one). What `liaison draft` prints and what the Draft records
// command previews is this file, so Confirm stores it through Import like any upload.
func DraftCSV(w io.Writer, recs []draft.Record, link string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range recs {
		if err := writeRow(cw, DraftRow(r, link)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// DraftRow is one drafted record as a row of the import format.
func DraftRow(r draft.Record, link string) []string {
	row := newRow(string(r.Kind), 0).set("country", r.Country).set("role", string(r.Role)).
		set("source", DraftSource(r.Sentence, link))
	if !r.Date.IsZero() {
		row.set("time", r.Date.Format("2006-01-02"))
	}
	if r.Known && r.Kind != draft.KindFlight {
		row.set("personnel", strconv.Itoa(r.Personnel))
	}
	if r.Female > 0 {
		row.set("female", strconv.Itoa(r.Female))
	}
	if r.Kind == draft.KindReport {
		row.set("figure", string(r.Figure))
	}
	if r.Qualifier != "" && (r.Kind == draft.KindReport || r.Qualifier != mission.QualifierExact) {
		row.set("qualifier", string(r.Qualifier))
	}
	if r.Kind == draft.KindFlight {
		lines := make([]string, len(r.Manifest))
		for i, l := range r.Manifest {
			lines[i] = l.String()
		}
		row.set("manifest", strings.Join(lines, "; ")).set("status", string(mission.FlightScheduled))
	}
	return row
}

// DraftSource is a drafted record's source: the sentence, cut so that it and the link fit the
// source column's limit, then the link.
func DraftSource(sentence, link string) string {
	room := mission.MaxLongText
	if link != "" {
		room -= utf8.RuneCountInString(link) + 3
	}
	s := cutRunes(sentence, max(room, 0))
	if link == "" {
		return s
	}
	if s == "" {
		return link
	}
	return s + " — " + link
}

// cutRunes cuts s to at most n characters, an ellipsis marking the cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
