package exchange

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
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

// DraftChoice is what a kept draft's Confirm leaves out, carried in the kept file itself as
// comment lines (which the import skips), so that the choice lives with the draft on any
// instance and needs no table of its own.
type DraftChoice struct {
	// LeftOut are the records (numbered from 1, in the file's order) Confirm does not store:
	// those that repeat a record already logged and were not chosen, and those whose role is
	// in doubt.
	LeftOut []int
	// Chosen are the marked records the moderator chose to store all the same.
	Chosen []int
}

// The comment lines of a DraftChoice: "# left out: 3 5" and "# chosen: 2".
const (
	leftOutComment = "# left out:"
	chosenComment  = "# chosen:"
)

// WithChoice is body (a draft's import file, without a choice) followed by c's comment lines.
func WithChoice(body []byte, c DraftChoice) []byte {
	out := append([]byte(nil), body...)
	for _, l := range []struct {
		head string
		nums []int
	}{{leftOutComment, c.LeftOut}, {chosenComment, c.Chosen}} {
		if len(l.nums) == 0 {
			continue
		}
		cells := make([]string, len(l.nums))
		for i, n := range l.nums {
			cells[i] = strconv.Itoa(n)
		}
		out = append(out, l.head+" "+strings.Join(cells, " ")+"\n"...)
	}
	return out
}

// SplitDraft reads a kept draft back into its file without the choice and the choice. A
// number that names no record of the file is an error: the kept draft is not as it was written.
func SplitDraft(body []byte) (file []byte, c DraftChoice, err error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	records := -1 // the header is not a record
	err = eachDraftRow(body, func(rec []string) error {
		if len(rec) == 1 && (strings.HasPrefix(rec[0], leftOutComment) || strings.HasPrefix(rec[0], chosenComment)) {
			head, list, _ := strings.Cut(rec[0], ":")
			nums, err := recordNumbers(list)
			if err != nil {
				return err
			}
			if head+":" == leftOutComment {
				c.LeftOut = nums
			} else {
				c.Chosen = nums
			}
			return nil
		}
		if records >= 0 && isComment(rec) {
			return nil
		}
		records++
		return cw.Write(rec)
	})
	if err != nil {
		return nil, c, err
	}
	cw.Flush()
	for _, n := range slices.Concat(c.LeftOut, c.Chosen) {
		if n < 1 || n > records {
			return nil, c, fmt.Errorf("the draft's choice names record %d of %d", n, records)
		}
	}
	return buf.Bytes(), c, cw.Error()
}

// eachDraftRow calls fn with each row of a kept draft's CSV in order, its header and its
// comments (the choice) included, and stops at the first error, a row that cannot be read
// included.
func eachDraftRow(body []byte, fn func(rec []string) error) error {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the draft: %w", err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// recordNumbers reads "3 5" into 3 and 5.
func recordNumbers(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Fields(list) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("the draft's choice %q: %w", list, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// DraftSubset is file (a draft's import file) with only the records keep returns true for
// (numbered from 1): what a dry run checks and Confirm stores. lineOf gives, for each record
// line of the subset, the record's number in file.
func DraftSubset(file []byte, keep func(n int) bool) (subset []byte, lineOf map[int]int, err error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	lineOf = map[int]int{}
	n := -1
	err = eachDraftRow(file, func(rec []string) error {
		if n >= 0 && isComment(rec) {
			return nil
		}
		n++
		if n > 0 && !keep(n) {
			return nil
		}
		cw.Flush()
		line := bytes.Count(buf.Bytes(), []byte("\n")) + 1
		if err := cw.Write(rec); err != nil {
			return err
		}
		if n > 0 {
			lineOf[line] = n
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	cw.Flush()
	return buf.Bytes(), lineOf, cw.Error()
}
