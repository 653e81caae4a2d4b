package mission

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

var digestZones = []string{"America/Port-au-Prince", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}

// firstReading finds, by brute force, the first instant at which loc's clocks read the given
// local date and time or later: the definition of "the next valid instant" for a reading in a
// DST gap, and of "the earlier instant" for an ambiguous one.
func firstReading(loc *time.Location, y int, m time.Month, d, h, mi int) time.Time {
	want := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
	reading := func(t time.Time) time.Time {
		l := t.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
	}
	// Start where every reading is earlier than want: back by more than any offset in use.
	t := want.Add(-15 * time.Hour)
	for reading(t).Before(want) {
		if r := reading(t); want.Sub(r) > 2*time.Hour {
			t = t.Add(want.Sub(r) - time.Hour) // skip ahead, staying short of the target
			continue
		}
		t = t.Add(time.Minute)
	}
	return t
}

// TestDigestOccurrencesYear checks a whole year of digests in four zones: exactly one per local
// day, at the right instant, including times in the spring-forward gap (2:30 is 3:00 in
// New York and Berlin, 2:15 is 2:30 on Lord Howe, whose DST is 30 minutes) and ambiguous times
// on fall-back days (the earlier instant).
func TestDigestOccurrencesYear(t *testing.T) {
	clocks := []struct{ h, m int }{{8, 0}, {2, 30}, {2, 0}, {2, 15}, {1, 30}, {0, 0}, {23, 59}}
	for _, zone := range digestZones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range clocks {
			spec := fmt.Sprintf("%d %d * * *", c.m, c.h)
			t.Run(zone+"/"+spec, func(t *testing.T) {
				sch, err := ParseDigest(spec)
				if err != nil {
					t.Fatal(err)
				}
				from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
				to := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
				occ := DigestOccurrences(sch, loc, from, to)
				if len(occ) != 365 {
					t.Fatalf("%d digests in 2025, want 365", len(occ))
				}
				day := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
				for i, o := range occ {
					d := day.AddDate(0, 0, i)
					want := firstReading(loc, d.Year(), d.Month(), d.Day(), c.h, c.m)
					if o.Day != d.Format("2006-01-02") || !o.At.Equal(want) {
						t.Errorf("digest %d = %s at %s, want %s at %s", i, o.Day, o.At.In(loc).Format(time.RFC3339),
							d.Format("2006-01-02"), want.In(loc).Format(time.RFC3339))
					}
				}
			})
		}
	}
}

// TestDigestOccurrencesDSTDays spells out the days that matter, so a failure reads plainly.
func TestDigestOccurrencesDSTDays(t *testing.T) {
	tests := []struct {
		zone, spec, day string
		want            string // RFC 3339 in the zone
	}{
		{"America/New_York", "30 2 * * *", "2025-03-09", "2025-03-09T03:00:00-04:00"},
		{"America/New_York", "30 1 * * *", "2025-11-02", "2025-11-02T01:30:00-04:00"},
		{"Europe/Berlin", "30 2 * * *", "2025-03-30", "2025-03-30T03:00:00+02:00"},
		{"Europe/Berlin", "30 2 * * *", "2025-10-26", "2025-10-26T02:30:00+02:00"},
		{"Australia/Lord_Howe", "15 2 * * *", "2025-10-05", "2025-10-05T02:30:00+11:00"},
		{"Australia/Lord_Howe", "45 1 * * *", "2025-04-06", "2025-04-06T01:45:00+11:00"},
		{"America/Port-au-Prince", "30 2 * * *", "2025-03-09", "2025-03-09T03:00:00-04:00"},
		{"America/Port-au-Prince", "0 8 * * *", "2025-01-04", "2025-01-04T08:00:00-05:00"},
	}
	for _, tt := range tests {
		loc, _ := time.LoadLocation(tt.zone)
		sch, err := ParseDigest(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := time.ParseInLocation("2006-01-02", tt.day, loc)
		occ := DigestOccurrences(sch, loc, d.Add(-time.Second), d.Add(26*time.Hour))
		if len(occ) == 0 || occ[0].Day != tt.day || occ[0].At.In(loc).Format(time.RFC3339) != tt.want {
			t.Errorf("%s %q on %s = %+v, want %s", tt.zone, tt.spec, tt.day, occ, tt.want)
		}
	}
}

// TestCronNextSkipsGapDays records why occurrences are computed here: robfig/cron's own Next
// has no run on New York's spring-forward day for a time in the gap, and two on fall-back day.
func TestCronNextSkipsGapDays(t *testing.T) {
	sch, err := cron.ParseStandard("CRON_TZ=America/New_York 30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	next := sch.Next(time.Date(2025, 3, 8, 12, 0, 0, 0, loc))
	if got := next.In(loc).Format("2006-01-02"); got == "2025-03-09" {
		t.Logf("robfig/cron now fires on the spring-forward day (%s); the walk over local days is still needed for fall back", next)
	} else if got != "2025-03-10" {
		t.Errorf("cron Next after 8 Mar = %s", next.In(loc))
	}
}

func TestParseDigest(t *testing.T) {
	tests := []struct {
		spec    string
		off     bool
		errPart string
	}{
		{"0 8 * * *", false, ""},
		{"@daily", false, "not a schedule I understand"},
		{"0 8 * * 1-5", false, ""},
		{"off", true, ""},
		{" OFF ", true, ""},
		{"", true, ""},
		{"@every 1h", false, "not a schedule I understand"},
		{"0 8 * *", false, "5 cron fields"},
		{"0 8 * * * *", false, "5 cron fields"},
		{"61 8 * * *", false, `the minute field "61" is not valid; it takes 0 to 59`},
		{"0 8 32 * *", false, `the day-of-month field "32"`},
		{"0 8 * 13 *", false, `the month field "13"`},
		{"0 8 * * 8", false, `the day-of-week field "8"`},
		{"0 25 * * *", false, `the hour field "25"`},
		{"25:00", false, "not a schedule I understand"},
		{"daily", false, "not a schedule I understand"},
		{"tous les jours 8h 9h", false, "not a schedule I understand"},
		{"CRON_TZ=Europe/Berlin 0 8 * * *", false, "/settings timezone"},
	}
	for _, tt := range tests {
		sch, err := ParseDigest(tt.spec)
		switch {
		case tt.errPart != "":
			if err == nil || !strings.Contains(english(t, err), tt.errPart) {
				t.Errorf("ParseDigest(%q) error = %v, want one mentioning %q", tt.spec, err, tt.errPart)
			}
		case err != nil:
			t.Errorf("ParseDigest(%q) = %v", tt.spec, err)
		case (sch == nil) != tt.off:
			t.Errorf("ParseDigest(%q) = %v, want off=%v", tt.spec, sch, tt.off)
		}
	}
}

// TestDigestDaySelection: weekday schedules, and cron's rule that day-of-month and day-of-week
// both restricted means either.
func TestDigestDaySelection(t *testing.T) {
	loc, _ := time.LoadLocation("America/Port-au-Prince")
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc).Add(-time.Second)
	to := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(-time.Second)
	tests := []struct {
		spec string
		want int
	}{
		{"0 8 * * 1-5", 261}, // weekdays of 2025
		{"0 8 1 * *", 12},
		{"0 8 1 * 1", 12 + 52 - 2}, // the 1st or a Monday (1 Sep and 1 Dec 2025 are both)
		{"0 8,20 * * *", 365},      // several times a day: still one digest a day, at the first
		{"0 8 30 2 *", 0},          // never
	}
	for _, tt := range tests {
		sch, err := ParseDigest(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		occ := DigestOccurrences(sch, loc, from, to)
		if len(occ) != tt.want {
			t.Errorf("%q gives %d digests in 2025, want %d", tt.spec, len(occ), tt.want)
		}
		if tt.spec == "0 8,20 * * *" && occ[0].At.In(loc).Hour() != 8 {
			t.Errorf("%q first digest at %v, want 08:00", tt.spec, occ[0].At.In(loc))
		}
	}
}

// TestDigestInWords: schedules as people say them, in three languages, stored as five cron
// fields, and said back in words.
func TestDigestInWords(t *testing.T) {
	tests := []struct{ in, cron, said string }{
		{"08:00", "0 8 * * *", "every day at 08:00"},
		{"8am", "0 8 * * *", "every day at 08:00"},
		{"daily 08:00", "0 8 * * *", "every day at 08:00"},
		{"every day at 8 pm", "0 20 * * *", "every day at 20:00"},
		{"weekdays 07:30", "30 7 * * 1-5", "Monday to Friday at 07:30"},
		{"tous les jours 8h", "0 8 * * *", "every day at 08:00"},
		{"Tous les jours à 8h", "0 8 * * *", "every day at 08:00"},
		{"du lundi au vendredi 7h30", "30 7 * * 1-5", "Monday to Friday at 07:30"},
		{"lunes a viernes 07:30", "30 7 * * 1-5", "Monday to Friday at 07:30"},
		{"de lunes a viernes a las 7:30", "30 7 * * 1-5", "Monday to Friday at 07:30"},
		{"todos los días 8:00", "0 8 * * *", "every day at 08:00"},
		{"le lundi 9h", "0 9 * * 1", "every Monday at 09:00"},
		{"los lunes a las 9", "0 9 * * 1", "every Monday at 09:00"},
		{"mondays 9am", "0 9 * * 1", "every Monday at 09:00"},
		{"0 8 * * *", "0 8 * * *", "every day at 08:00"},
		{" 0  8 * * 1-5 ", "0 8 * * 1-5", "Monday to Friday at 08:00"},
		{"0 8 1 * *", "0 8 1 * *", "`0 8 1 * *` (cron)"},
		{"*/30 8 * * *", "*/30 8 * * *", "`*/30 8 * * *` (cron)"},
		{"off", "off", "off"},
		{"", "off", "off"},
	}
	for _, tt := range tests {
		got, err := DigestCron(tt.in)
		if err != nil || got != tt.cron {
			t.Errorf("DigestCron(%q) = %q, %v, want %q", tt.in, got, err, tt.cron)
			continue
		}
		if _, err := ParseDigest(tt.in); err != nil {
			t.Errorf("ParseDigest(%q) error %v", tt.in, err)
		}
		if said := englishText(t, DescribeDigest(got)); said != tt.said {
			t.Errorf("DescribeDigest(%q) = %q, want %q", got, said, tt.said)
		}
	}
	// cron's own reason is kept for the log, not shown.
	_, err := DigestCron("61 8 * * *")
	if !strings.Contains(errors.Unwrap(err).Error(), "above maximum") || strings.Contains(english(t, err), "above maximum") {
		t.Errorf("DigestCron(61 8 * * *) error %q (cause %v): want cron's words as the cause only", english(t, err), errors.Unwrap(err))
	}
}
