package share_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestCalendarFeed checks the feed as RFC 5545 reads it: CRLF lines of at most 75 octets, each
// valid UTF-8 (a fold never splits a character), one event per flight with a UID that does
// not change, SEQUENCE raised by a change, STATUS:CANCELLED for a cancelled flight, DTSTAMP,
// LAST-MODIFIED and the refresh hints; then reads it with Mozilla's ical.js when Node and
// the package are there.
func TestCalendarFeed(t *testing.T) {
	forEachSite(t, func(t *testing.T, s *site) {
		token := s.share("what:forces-and-flights")
		feed := func() string {
			t.Helper()
			s.clock.Set(s.clock.Now().Add(10 * time.Second)) // past the page cache
			resp, body := s.get("/s/"+token+"/flights.ics", "Accept-Language", "fr")
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("flights.ics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			checkLines(t, body)
			return body
		}
		before := feed()
		for _, w := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:", "METHOD:PUBLISH", "REFRESH-INTERVAL;VALUE=DURATION:PT15M", "X-PUBLISHED-TTL:PT15M",
			"UID:liaison-flight-1\r\n", "UID:liaison-flight-2\r\n", "SEQUENCE:0", "DTSTAMP:", "LAST-MODIFIED:", "STATUS:CONFIRMED", "DTSTART:20250105T150000Z"} {
			if !strings.Contains(before, w) {
				t.Errorf("feed lacks %q:\n%s", w, before)
			}
		}
		if n := strings.Count(before, "BEGIN:VEVENT"); n != 2 {
			t.Errorf("feed has %d events, want 2", n)
		}
		// The note's commas and semicolons never reach the feed, but names do: the mission's
		// name is escaped as text.
		s.run(`/flight delay flight:1 eta:"2025-01-05 12:00"`, `/flight cancel flight:2 reason:"weather, again; sorry"`)
		after := feed()
		parsed := unfolded(after)
		if !strings.Contains(parsed, "UID:liaison-flight-1\r\nSEQUENCE:1") && !containsEvent(parsed, "liaison-flight-1", "SEQUENCE:1") {
			t.Errorf("delayed flight's SEQUENCE did not rise:\n%s", after)
		}
		if !containsEvent(parsed, "liaison-flight-1", "DTSTART:20250105T170000Z") {
			t.Errorf("delayed flight's start did not move:\n%s", after)
		}
		if !containsEvent(parsed, "liaison-flight-2", "STATUS:CANCELLED") || !containsEvent(parsed, "liaison-flight-2", "SEQUENCE:1") {
			t.Errorf("cancelled flight is not CANCELLED with SEQUENCE 1:\n%s", after)
		}
		icaljs(t, after)
	})
}

// checkLines enforces RFC 5545 §3.1 on the raw feed.
func checkLines(t *testing.T, body string) {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Errorf("feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character): %q", i+1, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
	}
}

// unfolded undoes line folding (CRLF followed by a space or tab).
func unfolded(s string) string {
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(s)
}

// containsEvent reports whether the event with uid holds the line want.
func containsEvent(feed, uid, want string) bool {
	for _, ev := range strings.Split(feed, "BEGIN:VEVENT") {
		if strings.Contains(ev, "UID:"+uid+"\r\n") && strings.Contains(ev, "\r\n"+want+"\r\n") {
			return true
		}
	}
	return false
}

// icaljs parses the feed with Mozilla's ical.js (share/testdata/icaljs, installed by .ci/run
// with npm ci) and checks what it read.
func icaljs(t *testing.T, feed string) {
	t.Helper()
	dir := filepath.Join("testdata", "icaljs")
	if _, err := exec.LookPath("node"); err != nil {
		t.Log("node not found: the feed is not checked with ical.js")
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js")); err != nil {
		t.Log("ical.js not installed (cd share/testdata/icaljs && npm ci): the feed is not checked with it")
		return
	}
	cmd := exec.Command("node", "check.mjs")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(feed)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ical.js could not read the feed: %v\n%s", err, errb.String())
	}
	var got struct {
		Refresh string `json:"refresh"`
		TTL     string `json:"ttl"`
		Events  []struct {
			UID, Status, Summary, Description, Start, Dtstamp, LastModified string
			Sequence                                                        int
		} `json:"events"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("ical.js output %q: %v", out.String(), err)
	}
	if got.Refresh != "PT15M" || got.TTL != "PT15M" {
		t.Errorf("ical.js reads refresh %q, ttl %q; want PT15M", got.Refresh, got.TTL)
	}
	if len(got.Events) != 2 {
		t.Fatalf("ical.js reads %d events, want 2: %s", len(got.Events), out.String())
	}
	e1, e2 := got.Events[0], got.Events[1]
	if e1.UID != "liaison-flight-1" || e1.Sequence != 1 || e1.Start != "2025-01-05T17:00:00.000Z" || e1.Status != "CONFIRMED" {
		t.Errorf("ical.js reads flight 1 as %+v", e1)
	}
	if !strings.Contains(e1.Summary, "Guatemala") && !strings.Contains(e1.Summary, "GT 75") {
		t.Errorf("flight 1's summary %q", e1.Summary)
	}
	if !strings.Contains(e1.Description, "Guatemala — 75 militaires") || !strings.Contains(e1.Description, "\n") {
		t.Errorf("ical.js reads flight 1's description as %q (escaped newlines and text lost?)", e1.Description)
	}
	if e2.UID != "liaison-flight-2" || e2.Status != "CANCELLED" || e2.Sequence != 1 {
		t.Errorf("ical.js reads flight 2 as %+v", e2)
	}
	if e1.Dtstamp == "" || e1.LastModified == "" || e1.Dtstamp == "null" {
		t.Errorf("flight 1 without DTSTAMP or LAST-MODIFIED: %+v", e1)
	}
}
