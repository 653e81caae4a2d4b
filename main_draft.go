package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"liaison/draft"
	"liaison/exchange"
)

// draftMission is what a draft takes from the guild: its time zone (nil: the mission's
// default) and host country ("": draft.DefaultHost).
type draftMission struct {
	loc  *time.Location
	host string
}

// maxDraftInput bounds what `liaison draft` reads: a report, not a book.
const maxDraftInput = 1 << 20

// draftFile runs `liaison draft`: it reads a report's text from a file or standard input and
// prints the records it holds as an import file. Nothing is stored; `liaison import` stores
// the file once it has been read and corrected.
func draftFile(a cliArgs, m draftMission, stdin io.Reader, stdout io.Writer) error {
	if len(a.positional) != 1 {
		return errors.New("usage: liaison draft [--as-of YYYY-MM-DD] [--lang en|fr|es] [--guild ID] FILE|-")
	}
	loc := m.loc
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation(defaultMissionZone); err != nil {
			loc = time.UTC
		}
	}
	published := time.Now().In(loc)
	if a.asOf != "" {
		t, err := time.ParseInLocation("2006-01-02", a.asOf, loc)
		if err != nil {
			return fmt.Errorf("--as-of %q: want YYYY-MM-DD", a.asOf)
		}
		published = t.Add(12 * time.Hour) // the day; noon keeps it the same day whatever the zone's offsets
	}
	in := stdin
	if name := a.positional[0]; name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	text, err := io.ReadAll(io.LimitReader(in, maxDraftInput))
	if err != nil {
		return err
	}
	recs := draft.Draft(string(text), draft.Options{Published: published, Host: m.host, Lang: a.lang})
	w := bufio.NewWriter(stdout)
	if err := exchange.DraftCSV(w, recs, ""); err != nil {
		return err
	}
	return w.Flush()
}

// defaultMissionZone is a new mission's time zone (SPEC §2), which a draft without --guild uses.
const defaultMissionZone = "America/Port-au-Prince"
