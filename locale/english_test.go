package locale

import (
	"sort"
	"strings"
	"testing"
	"unicode"

	"liaison/mission"
)

// englishMarkers are words an English text uses and a French or Spanish one never does. Option
// names, command names and values typed as they are (`role:military`, `/flight land`) are
// machine words and stay English by design: they are written in backticks and left out, as are
// quoted inputs (« … », «…») and Discord mentions.
var englishMarkers = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the is are was were be been must should with and not only you your please
		example missing unknown found above below range expected failed failure written saved
		deployed pledged pledges logged forbidden internal server record constraint duplicate violates
		syntax invalid beginning field fields parse timeout exceeded deadline connection refused
		context canceled request entity ago tomorrow yesterday today next soldiers troops medics
		arrival arrivals departure departures flights scheduled landed cancelled overdue delayed
		digest weekdays daily every there this that which would leave cannot could already has
		have does neither nor than more less allowed`) {
		englishMarkers[w] = true
	}
}

// englishValues are English words a French or Spanish reader would otherwise be shown as what
// to type: the parsers read their own words ("demain", "militaires"), so examples use them.
var englishValues = map[string]bool{"tomorrow": true, "yesterday": true, "today": true, "now": true, "next": true, "ago": true,
	"military": true, "medical": true, "troops": true, "soldiers": true, "daily": true, "weekdays": true, "every": true, "in": true}

// englishExamples returns the English words typed in the code spans of s.
func englishExamples(s string) []string {
	var out []string
	parts := strings.Split(s, "`")
	for i := 1; i < len(parts); i += 2 {
		for _, w := range strings.FieldsFunc(parts[i], func(r rune) bool { return !unicode.IsLetter(r) }) {
			if englishValues[strings.ToLower(w)] {
				out = append(out, w)
			}
		}
	}
	return out
}

// englishWords returns the English marker words of s, outside code spans, quotations and
// mentions.
func englishWords(s string) []string {
	var b strings.Builder
	depth, code := 0, false
	for _, r := range s {
		switch {
		case r == '`':
			code = !code
			continue
		case r == '«':
			depth++
			continue
		case r == '»':
			depth = max(0, depth-1)
			continue
		}
		if !code && depth == 0 {
			b.WriteRune(r)
		}
	}
	var out []string
	rs := []rune(b.String())
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		// A word after "/" is a command's name: /arrivals, /flight.
		if w := string(rs[i:j]); englishMarkers[strings.ToLower(w)] && (i == 0 || rs[i-1] != '/') {
			out = append(out, w)
		}
		i = j
	}
	return out
}

// placeholders fill a catalog message's variables with values that carry no English.
var placeholders = []any{"ID", 3, "Count", 2, "N", 2, "Max", 50, "Min", 1, "Option", "personnel", "Input", mission.Quote("xyz"),
	"Reason", mission.T("import.fetch.network"), "Country", mission.CountryCode("JM"), "Role", mission.RoleMilitary,
	"Deployed", mission.Figure(-42), "Women", mission.Figure(-1), "Female", 9, "Personnel", 5, "Schedule", mission.Quote("0 8"),
	"Field", mission.T("parse.digest_field.minute", "Value", mission.Quote("61")), "Roles", mission.T("parse.role_list"),
	"Choices", "UTC-6 (America/Guatemala)", "Example", "09:00 UTC-6", "Value", 0, "Code", "JM", "Time", "<t:1:F>", "Year", 1900,
	"Years", 5, "Status", mission.T("cmd.flight.status.landed"), "Language", mission.T("language.fr"), "Name", mission.Quote("Mars"),
	"Kind", mission.Quote("parade"), "Kinds", "mission, pledge", "Format", mission.Quote("pdf"), "Formats", "liaison, hxl",
	"Line", 2, "Column", "personnel", "Entry", 1, "Position", 3, "Length", 101, "Reasons", "rotation, other", "Statuses", "formed",
	"Header", "kind,id", "Other", 4, "MiB", 25, "Route", "/settings", "Command", "/arrival log", "Sub", "x", "Subs", "log, edit",
	"Word", "x", "Description", mission.T("desc.opt.personnel"), "Label", "x", "Usage", "/arrival log", "Ref", "abc123",
	"Span", "2", "Date", "<t:1:D>", "Earliest", "<t:1:F>", "At", "<t:1:F>", "Created", "<t:1:F>", "ETA", "<t:1:F>",
	"Weekday", mission.T("date.weekday.monday"), "Text", "xyz", "Size", "704", "Path", "/tmp/x.png", "Dir", "/tmp",
	"Fields", "x", "User", "<@1>", "File", "x.csv", "Records", "x", "Result", "x", "When", "<t:1:R>", "Summary", "x",
	"Guild", "demo", "Mission", "MSS", "Planned", 2500, "Percent", "19 %", "Pledged", 200, "Gap", 5, "Destination", "PAP",
	"Offsets", "24h,1h,0", "Offset", "24h", "Attempt", 2, "Error", "x", "Reminder", "x", "Due", "<t:1:F>", "Relative", "<t:1:R>",
	"Who", "<@&1>", "Left", "x", "End", "<t:1:D>", "Lines", "x", "Aircraft", "C-17", "Origin", "GUA", "Days", "x",
	"Arrival", "x", "Departure", "x", "Pledge", "x", "Size", "x", "AsOf", "<t:1:D>", "Source", "x", "Channel", "<#1>",
	"Zone", "America/Port-au-Prince", "Page", 1, "Pages", 2, "Part", 1, "Parts", 2, "Title", "x", "Month", "x", "Day", 1,
	"Personnel", 5, "Line", 2, "Arrivals", "x", "Departures", "x", "Pledges", "x", "Flights", "x", "Total", 2, "Option", "when",
	"Rows", "x", "Kind", "x", "Next", "x", "Lead", "x"}

// TestNoEnglishInFrenchOrSpanish writes every message of the French and Spanish catalogs, every
// refusal among them, with its variables filled, and fails on English words outside what is
// typed as it is. The English catalog is the source; option names and command names are machine
// words. A message quoting the console's typed words (not_name_value) is filled with no English.
func TestNoEnglishInFrenchOrSpanish(t *testing.T) {
	for _, l := range []Lang{French, Spanish} {
		cat := readCatalog(t, l)
		ids := make([]string, 0, len(cat))
		for id := range cat {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if strings.HasPrefix(id, "layout.") && !strings.HasPrefix(id, "layout.relative") || strings.HasPrefix(id, "language.") ||
				strings.HasPrefix(id, "choice.language.") {
				continue // Go layouts ("Monday 2 January") are replaced word by word; language names are each in itself
			}
			if l == Spanish && id == "chart.month_short.august" {
				continue // "ago." is Spanish for August, not English "ago"
			}
			got := Text(l, mission.T(id, placeholders...))
			if w := englishWords(got); len(w) > 0 {
				t.Errorf("%s %s shows English %q: %s", l, id, w, got)
			}
			if w := englishExamples(got); len(w) > 0 {
				t.Errorf("%s %s gives English to type %q: %s", l, id, w, got)
			}
		}
	}
}

// TestEnglishMarkersWork: the check finds English in an English message and none in backticks
// or quotations.
func TestEnglishMarkersWork(t *testing.T) {
	if w := englishWords(Text(English, mission.T("error.flight_closed.landed", "ID", 3))); len(w) == 0 {
		t.Errorf("no English found in the English catalog's flight_closed.landed")
	}
	if w := englishWords("vol `/flight land` « the flight »"); len(w) != 0 {
		t.Errorf("English found in code and quotations: %q", w)
	}
}
