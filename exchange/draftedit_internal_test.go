package exchange

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"liaison/draft"
	"liaison/locale"
	"liaison/mission"
)

const testLink = "https://discord.com/channels/1/2/3"

// testDraft is a kept draft of the seed report's kinds, as DraftCSV writes it.
func testDraft(t *testing.T) ([]byte, []DraftEntry) {
	t.Helper()
	day := time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	recs := []draft.Record{
		{Kind: draft.KindArrival, Country: "GT", Personnel: 75, Known: true, Role: mission.RoleMilitary, Date: day, Sentence: "75 Guatemalan soldiers landed"},
		{Kind: draft.KindArrival, Country: "SV", Personnel: 8, Known: true, Female: 2, Role: mission.RoleMilitary, Date: day, Sentence: "8 Salvadoran military personnel"},
		{Kind: draft.KindPledge, Country: "KE", Role: mission.RolePolice, Date: day, Sentence: "Kenya has pledged"},
		{Kind: draft.KindReport, Personnel: 400, Known: true, Figure: mission.FigureDeployed, Qualifier: mission.QualifierAbout, Date: day, Sentence: "about 400 deployed"},
		{Kind: draft.KindFlight, Manifest: []mission.ManifestLine{{Country: "GT", Personnel: 75, Role: mission.RoleMilitary}}, Date: day.AddDate(0, 0, 1), Sentence: "a flight on January 4"},
	}
	var buf bytes.Buffer
	if err := DraftCSV(&buf, recs, testLink); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadDraft(buf.Bytes(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), entries
}

// TestDraftLinesRoundTrip: the form's text of a draft, sent back unchanged, is the same draft —
// the same records and the same sources — in each language the form is written in.
func TestDraftLinesRoundTrip(t *testing.T) {
	body, entries := testDraft(t)
	for _, lang := range locale.Languages() {
		text, shown := DraftLines(lang, entries, MaxFormText)
		if shown != len(entries) {
			t.Fatalf("%s: shown %d of %d", lang, shown, len(entries))
		}
		ed, err := EditDraft(text, entries, shown)
		if err != nil {
			t.Fatalf("%s: EditDraft(%q) = %v", lang, text, err)
		}
		got, err := ReadDraft(ed.Body, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, entries) {
			t.Errorf("%s: the unchanged form gives\n%s\nwant\n%s", lang, ed.Body, body)
		}
	}
	text, _ := DraftLines(locale.English, entries, MaxFormText)
	want := "arrival GT 75 military 2025-01-03 #1\narrival SV 8 military 2f 2025-01-03 #2\npledge KE ? police 2025-01-03 #3\n" +
		"figure deployed 400 about 2025-01-03 #4\nflight GT 75 military 2025-01-04 #5"
	if text != want {
		t.Errorf("DraftLines = \n%s\nwant\n%s", text, want)
	}
}

// TestDraftLineColumns cuts lines into the import format's columns; the rules of each column
// are the import's, tested there.
func TestDraftLineColumns(t *testing.T) {
	_, entries := testDraft(t)
	for _, c := range []struct {
		line string
		want map[string]string
	}{
		{"arrival GT 70 military 2025-01-03 #1", map[string]string{"kind": "arrival", "country": "GT", "personnel": "70", "role": "military",
			"time": "2025-01-03", "source": entries[0].Source}},
		{"pledge KE ? police 2025-01-03", map[string]string{"kind": "pledge", "country": "KE", "personnel": "", "role": "police", "source": testLink}},
		{"figure deployed 400 about 2025-01-03 #4", map[string]string{"kind": "report", "figure": "deployed", "personnel": "400",
			"qualifier": "about", "country": "", "role": ""}},
		{"chiffre 2500 2025-01-03", map[string]string{"kind": "report", "figure": "", "personnel": "2500"}},
		{"arrivée El Salvador 8 militaires 3f 2025-01-03 #2", map[string]string{"kind": "arrival", "country": "El Salvador", "personnel": "8",
			"role": "militaires", "female": "3"}},
		{"LLEGADA SV 8 at_least 2025-01-03", map[string]string{"kind": "arrival", "qualifier": "at_least", "role": ""}},
		{"vuelo GT 75 military; SV 8 medical 3f 2025-01-04 14:00 #5", map[string]string{"kind": "flight",
			"manifest": "GT 75 military; SV 8 medical 3f", "time": "2025-01-04 14:00", "status": "scheduled"}},
		{"departure JM 12 police", map[string]string{"kind": "departure", "time": "", "personnel": "12"}},
	} {
		row, err := draftLineRow(c.line, entries, testLink)
		if err != nil {
			t.Errorf("draftLineRow(%q) = %v", c.line, err)
			continue
		}
		for col, want := range c.want {
			if got := row.get(col); got != want {
				t.Errorf("draftLineRow(%q) %s = %q, want %q", c.line, col, got, want)
			}
		}
	}
	for _, c := range []struct{ line, key string }{
		{"arrivals GT 75 2025-01-03", "draft.edit.err.kind"},
		{"arrival GT military 2025-01-03", "draft.edit.err.count"},
		{"arrival GT 75 2025-01-03 #6", "draft.edit.err.source"},
		{"arrival GT 75 2025-01-03 #0", "draft.edit.err.source"},
	} {
		_, err := draftLineRow(c.line, entries, testLink)
		var me *mission.Error
		if !errors.As(err, &me) || me.Text.Key != c.key {
			t.Errorf("draftLineRow(%q) = %v, want %s", c.line, err, c.key)
		}
	}
}

// TestEditDraftLongForm: a draft whose lines do not all fit is offered by its first records;
// those the form did not show follow the corrected ones unchanged, and each file line maps back
// to its form line (0 for the kept ones).
func TestEditDraftLongForm(t *testing.T) {
	body, entries := testDraft(t)
	limit := len("arrival GT 75 military 2025-01-03 #1\narrival SV 8 military 2f 2025-01-03 #2")
	text, shown := DraftLines(locale.English, entries, limit)
	if shown != 2 || strings.Count(text, "\n") != 1 {
		t.Fatalf("DraftLines(limit %d) = %q, %d; want the first 2 records", limit, text, shown)
	}
	ed, err := EditDraft("\n"+strings.Replace(text, "GT 75", "GT 70", 1), entries, shown)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(body), ",GT,75,", ",GT,70,", 1)
	if string(ed.Body) != want {
		t.Errorf("EditDraft = \n%s\nwant\n%s", ed.Body, want)
	}
	if got := map[int]int{2: 2, 3: 3, 4: 0, 5: 0, 6: 0}; !reflect.DeepEqual(ed.FormOf, got) {
		t.Errorf("FormOf = %v, want %v", ed.FormOf, got)
	}
	if _, err := EditDraft(" \n\n", entries, shown); err == nil || !strings.Contains(err.Error(), "draft.edit.empty") {
		t.Errorf("EditDraft(blank) = %v, want the empty refusal", err)
	}
	var le LineError
	if _, err := EditDraft("arrival GT 75 2025-01-03\n\nflights GT 75", entries, shown); !errors.As(err, &le) || le.Line != 3 {
		t.Errorf("EditDraft(bad third line) = %v, want a LineError of line 3", err)
	}
	if _, err := EditDraft(text, entries, len(entries)+1); err == nil {
		t.Error("EditDraft accepted a form that showed more records than the draft has")
	}
}
