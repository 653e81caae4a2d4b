package mission

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the same zone rules on every machine that runs the tests
)

// whenTestLoc loads a time zone or stops the test.
func whenTestLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// whenUTC is a shorthand for instants in the expectations.
func whenUTC(y int, m time.Month, d, h, min, sec int) time.Time {
	return time.Date(y, m, d, h, min, sec, 0, time.UTC)
}

func TestParseWhen(t *testing.T) {
	pap := whenTestLoc(t, "America/Port-au-Prince")
	// 2025-01-03 15:04 in Port-au-Prince is EST (-05:00): 20:04 UTC.
	now := time.Date(2025, 1, 3, 15, 4, 0, 0, pap)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{" NOW ", now},
		{"2025-01-04 14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04  14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04 at 14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04 14:00:30", whenUTC(2025, 1, 4, 19, 0, 30)},
		{"2025-01-04 9:05", whenUTC(2025, 1, 4, 14, 5, 0)},
		{"2025-01-04", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"2025-1-4", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"2025/01/04 14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04T14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04t14:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04T14:00:00-05:00", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04T14:00:00+01:00", whenUTC(2025, 1, 4, 13, 0, 0)},
		{"2025-01-04T14:00:00+0530", whenUTC(2025, 1, 4, 8, 30, 0)},
		{"2025-01-04T14:00-03", whenUTC(2025, 1, 4, 17, 0, 0)},
		{"2025-01-04T19:00:00Z", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04t19:00:00z", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04 19:00 UTC", whenUTC(2025, 1, 4, 19, 0, 0)},
		{"2025-01-04T19:00:00.250Z", whenUTC(2025, 1, 4, 19, 0, 0).Add(250 * time.Millisecond)},
		{"2024-06-25", whenUTC(2024, 6, 25, 4, 0, 0)}, // EDT in June
		{"2025-10-02", whenUTC(2025, 10, 2, 4, 0, 0)},
		{"2024-02-29 12:00", whenUTC(2024, 2, 29, 17, 0, 0)},
		{"in 2h", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"IN 2H", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"in 90m", whenUTC(2025, 1, 3, 21, 34, 0)},
		{"in 3d", whenUTC(2025, 1, 6, 20, 4, 0)},
		{"in 1h30m", whenUTC(2025, 1, 3, 21, 34, 0)},
		{"in 1 hour 30 minutes", whenUTC(2025, 1, 3, 21, 34, 0)},
		{"in 20s", whenUTC(2025, 1, 3, 20, 4, 20)},
		{"in 0", now},
		{"tomorrow 09:00", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"Tomorrow 9:00", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"tomorrow at 09:00", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"tomorrow 9am", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"tomorrow 9 AM", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"tomorrow 12am", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"tomorrow 12pm", whenUTC(2025, 1, 4, 17, 0, 0)},
		{"today 2:30pm", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"today 14h30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"today 14h", whenUTC(2025, 1, 3, 19, 0, 0)},
		{"today 14:00", whenUTC(2025, 1, 3, 19, 0, 0)},
		{"tomorrow", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"  TOMORROW  ", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"today", whenUTC(2025, 1, 3, 5, 0, 0)},
		{"yesterday 18:00", whenUTC(2025, 1, 2, 23, 0, 0)},
		{"yesterday", whenUTC(2025, 1, 2, 5, 0, 0)},
		// DST in Port-au-Prince: 2025-03-09 02:00 EST jumps to 03:00 EDT.
		{"2025-03-09 02:30", whenUTC(2025, 3, 9, 7, 0, 0)},
		{"2025-03-09 03:00", whenUTC(2025, 3, 9, 7, 0, 0)},
		{"2025-03-09 01:59", whenUTC(2025, 3, 9, 6, 59, 0)},
		// ... and 2025-11-02 02:00 EDT falls back to 01:00 EST: the earlier 01:30.
		{"2025-11-02 01:30", whenUTC(2025, 11, 2, 5, 30, 0)},
		{"1900-01-01", whenUTC(1900, 1, 1, 4, 49, 0)}, // Port-au-Prince used -04:49 then
		{"2200-12-31 23:59", whenUTC(2201, 1, 1, 4, 59, 0)},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now, pap)
		if err != nil {
			t.Errorf("ParseWhen(%q) error %v, want %v", tt.in, err, tt.want)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) = %v, want %v", tt.in, got.UTC(), tt.want)
		}
		if got.Location() != pap {
			t.Errorf("ParseWhen(%q) location = %v, want %v", tt.in, got.Location(), pap)
		}
	}
}

// TestParseWhenRelativeDaysAcrossDST checks that today/tomorrow count calendar
// days in the guild's zone, not 24-hour periods, and hit the DST rules.
func TestParseWhenRelativeDaysAcrossDST(t *testing.T) {
	ny := whenTestLoc(t, "America/New_York")
	tests := []struct {
		now  time.Time
		in   string
		want time.Time
	}{
		// Saturday noon before spring forward: tomorrow 02:30 does not exist.
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "tomorrow 02:30", whenUTC(2025, 3, 9, 7, 0, 0)},
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "tomorrow 12:00", whenUTC(2025, 3, 9, 16, 0, 0)},
		// Saturday before fall back: tomorrow 01:30 happens twice, the first counts.
		{time.Date(2025, 11, 1, 12, 0, 0, 0, ny), "tomorrow 01:30", whenUTC(2025, 11, 2, 5, 30, 0)},
		// Late evening in New York is already tomorrow in UTC: the local date counts.
		{time.Date(2025, 1, 3, 23, 30, 0, 0, ny), "today 09:00", whenUTC(2025, 1, 3, 14, 0, 0)},
		{time.Date(2025, 1, 3, 23, 30, 0, 0, ny), "tomorrow", whenUTC(2025, 1, 4, 5, 0, 0)},
		// Year and month boundaries.
		{time.Date(2024, 12, 31, 20, 0, 0, 0, ny), "tomorrow 08:00", whenUTC(2025, 1, 1, 13, 0, 0)},
		{time.Date(2025, 3, 1, 8, 0, 0, 0, ny), "yesterday 08:00", whenUTC(2025, 2, 28, 13, 0, 0)},
		// "in" is elapsed time: 1d across spring forward is 24 hours, 13:00 local.
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "in 1d", whenUTC(2025, 3, 9, 17, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, tt.now, ny)
		if err != nil {
			t.Errorf("ParseWhen(%q) at %v error %v, want %v", tt.in, tt.now, err, tt.want)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) at %v = %v, want %v", tt.in, tt.now, got, tt.want.In(ny))
		}
	}
}

func TestParseWhenNilLocation(t *testing.T) {
	now := whenUTC(2025, 1, 3, 20, 4, 0)
	got, err := ParseWhen("2025-01-04 14:00", now, nil)
	if want := whenUTC(2025, 1, 4, 14, 0, 0); err != nil || !got.Equal(want) {
		t.Errorf("ParseWhen(%q, nil loc) = %v, %v, want %v", "2025-01-04 14:00", got, err, want)
	}
}

func TestParseWhenErrors(t *testing.T) {
	pap := whenTestLoc(t, "America/Port-au-Prince")
	now := time.Date(2025, 1, 3, 15, 4, 0, 0, pap)
	tests := []struct {
		in   string
		want []string // substrings of the error
	}{
		{"", []string{"no time given", "2025-01-04 14:00"}},
		{"   ", []string{"no time given"}},
		{"soon", []string{`"soon" is not a time I understand`, "in 2h"}},
		{"next week", []string{`"next week"`}},
		{"14:00 tomorrow 15:00", []string{`"14:00 tomorrow 15:00" is not a time I understand`, "tomorrow 09:00"}},
		{"04/01/2025", []string{`"04/01/2025"`}},
		{"2025-01-04 25:00", []string{`"25:00" is not a time of day`}},
		{"2025-01-04 14:60", []string{`"14:60" is not a time of day`}},
		{"2025-01-04 14:00:61", []string{`"14:00:61" is not a time of day`}},
		{"tomorrow 24:00", []string{`"24:00" is not a time of day`}},
		{"tomorrow 13pm", []string{`"13pm" is not a time of day`}},
		{"tomorrow 0am", []string{`"0am" is not a time of day`}},
		{"tomorrow 9:5", []string{`"9:5" is not a time of day`}},
		{"tomorrow morning", []string{`"tomorrow morning" is not a time I understand`}},
		{"2025-02-30", []string{`"2025-02-30" is not a date`}},
		{"2025-02-29 10:00", []string{`"2025-02-29" is not a date`}},
		{"2025-13-01", []string{`"2025-13-01" is not a date`}},
		{"2025-00-10", []string{`"2025-00-10" is not a date`}},
		{"2025-01-00", []string{`"2025-01-00" is not a date`}},
		{"2025-01-04x", []string{`"2025-01-04x" is not a time I understand`}},
		{"2025-01", []string{`"2025-01"`}},
		{"25-01-04", []string{`"25-01-04"`}},
		{"2025-01/04", []string{`"2025-01/04"`}},
		{"2300-01-01", []string{`"2300-01-01"`, "year 2300", "1900 to 2200"}},
		{"1899-12-31 12:00", []string{`"1899-12-31 12:00"`, "year 1899"}},
		{"0000-01-01", []string{`"0000-01-01"`, "year 0"}},
		{"1900-01-01T00:00:00+14:00", []string{`"1900-01-01T00:00:00+14:00"`, "1899"}},
		{"2025-01-04T14:00:00+25:00", []string{`"+25:00" is not a UTC offset`}},
		{"2025-01-04T14:00:00+5", []string{`"+5" is not a UTC offset`}},
		{"2025-01-04T14:00:00-05:0", []string{`"-05:0" is not a UTC offset`}},
		{"in", []string{`"in"`, "no duration given"}},
		{"in 2x", []string{`"in 2x"`, `"2x" is not a duration`}},
		{"in -2h", []string{`"in -2h"`, "negative"}},
		{"in 2", []string{`"in 2"`, "needs a unit"}},
		{"in 99999d", []string{`"in 99999d"`, "too long"}},
		{"in 3650d", nil}, // allowed: stays within 2200
		{strings.Repeat("9", 200), []string{`"` + strings.Repeat("9", 40) + `…"`}},
		{"2025-01-04 14:00\xff", []string{"is not a time I understand"}},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now, pap)
		if tt.want == nil {
			if err != nil {
				t.Errorf("ParseWhen(%q) error %v, want success", tt.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseWhen(%q) = %v, want an error containing %q", tt.in, got, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(english(t, err), w) {
				t.Errorf("ParseWhen(%q) error %q, want it to contain %q", tt.in, err, w)
			}
		}
		if len(english(t, err)) > 200 {
			t.Errorf("ParseWhen(%q) error is %d bytes long, want a short sentence", tt.in, len(english(t, err)))
		}
	}
}
