package mission

import (
	"testing"
	"time"
	_ "time/tzdata" // the same zone rules on every machine that runs the tests
)

// testLoc loads a time zone or stops the test.
func testLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// utc is a shorthand for instants in the expectations.
func utc(y int, m time.Month, d, h, min, sec int) time.Time {
	return time.Date(y, m, d, h, min, sec, 0, time.UTC)
}

func TestDate(t *testing.T) {
	ny := testLoc(t, "America/New_York")
	berlin := testLoc(t, "Europe/Berlin")
	lordHowe := testLoc(t, "Australia/Lord_Howe")
	pap := testLoc(t, "America/Port-au-Prince")
	apia := testLoc(t, "Pacific/Apia")
	kolkata := testLoc(t, "Asia/Kolkata")
	tests := []struct {
		name       string
		loc        *time.Location
		y          int
		m          time.Month
		d, h, min  int
		want       time.Time
		wantOffset int // seconds east of UTC of the result
	}{
		{"NY plain winter", ny, 2025, 1, 4, 14, 0, utc(2025, 1, 4, 19, 0, 0), -5 * 3600},
		{"NY plain summer", ny, 2025, 7, 4, 14, 0, utc(2025, 7, 4, 18, 0, 0), -4 * 3600},
		{"NY gap start", ny, 2025, 3, 9, 2, 0, utc(2025, 3, 9, 7, 0, 0), -4 * 3600},
		{"NY gap 02:30 -> 03:00 EDT", ny, 2025, 3, 9, 2, 30, utc(2025, 3, 9, 7, 0, 0), -4 * 3600},
		{"NY gap 02:59", ny, 2025, 3, 9, 2, 59, utc(2025, 3, 9, 7, 0, 0), -4 * 3600},
		{"NY before gap", ny, 2025, 3, 9, 1, 59, utc(2025, 3, 9, 6, 59, 0), -5 * 3600},
		{"NY after gap", ny, 2025, 3, 9, 3, 0, utc(2025, 3, 9, 7, 0, 0), -4 * 3600},
		{"NY ambiguous 01:30 -> EDT", ny, 2025, 11, 2, 1, 30, utc(2025, 11, 2, 5, 30, 0), -4 * 3600},
		{"NY ambiguous 01:00 -> EDT", ny, 2025, 11, 2, 1, 0, utc(2025, 11, 2, 5, 0, 0), -4 * 3600},
		{"NY after fall back", ny, 2025, 11, 2, 2, 0, utc(2025, 11, 2, 7, 0, 0), -5 * 3600},
		{"Berlin gap 02:30 -> 03:00 CEST", berlin, 2025, 3, 30, 2, 30, utc(2025, 3, 30, 1, 0, 0), 2 * 3600},
		{"Berlin ambiguous 02:30 -> CEST", berlin, 2025, 10, 26, 2, 30, utc(2025, 10, 26, 0, 30, 0), 2 * 3600},
		{"Berlin after fall back", berlin, 2025, 10, 26, 3, 0, utc(2025, 10, 26, 2, 0, 0), 1 * 3600},
		// Lord Howe moves its clocks by 30 minutes: 02:00-02:30 does not exist
		// on 2025-10-05, and 01:30-02:00 happens twice on 2025-04-06.
		{"Lord Howe gap 02:00", lordHowe, 2025, 10, 5, 2, 0, utc(2025, 10, 4, 15, 30, 0), 11 * 3600},
		{"Lord Howe gap 02:15", lordHowe, 2025, 10, 5, 2, 15, utc(2025, 10, 4, 15, 30, 0), 11 * 3600},
		{"Lord Howe gap 02:29", lordHowe, 2025, 10, 5, 2, 29, utc(2025, 10, 4, 15, 30, 0), 11 * 3600},
		{"Lord Howe after gap 02:30", lordHowe, 2025, 10, 5, 2, 30, utc(2025, 10, 4, 15, 30, 0), 11 * 3600},
		{"Lord Howe before gap 01:59", lordHowe, 2025, 10, 5, 1, 59, utc(2025, 10, 4, 15, 29, 0), 10*3600 + 1800},
		{"Lord Howe ambiguous 01:45", lordHowe, 2025, 4, 6, 1, 45, utc(2025, 4, 5, 14, 45, 0), 11 * 3600},
		{"Lord Howe after fall back", lordHowe, 2025, 4, 6, 2, 0, utc(2025, 4, 5, 15, 30, 0), 10*3600 + 1800},
		{"Port-au-Prince gap", pap, 2025, 3, 9, 2, 30, utc(2025, 3, 9, 7, 0, 0), -4 * 3600},
		{"Port-au-Prince ambiguous", pap, 2025, 11, 2, 1, 30, utc(2025, 11, 2, 5, 30, 0), -4 * 3600},
		{"Port-au-Prince winter", pap, 2025, 1, 3, 15, 4, utc(2025, 1, 3, 20, 4, 0), -5 * 3600},
		// Samoa skipped 30 December 2011 entirely (-10 to +14).
		{"Apia skipped day", apia, 2011, 12, 30, 12, 0, utc(2011, 12, 30, 10, 0, 0), 14 * 3600},
		{"Apia day before", apia, 2011, 12, 29, 23, 0, utc(2011, 12, 30, 9, 0, 0), -10 * 3600},
		{"Kolkata half-hour offset", kolkata, 2025, 1, 4, 14, 0, utc(2025, 1, 4, 8, 30, 0), 5*3600 + 1800},
		{"UTC", time.UTC, 2025, 1, 4, 14, 0, utc(2025, 1, 4, 14, 0, 0), 0},
		{"nil location is UTC", nil, 2025, 1, 4, 14, 0, utc(2025, 1, 4, 14, 0, 0), 0},
		{"normalises like time.Date", time.UTC, 2025, 2, 30, 24, 0, utc(2025, 3, 3, 0, 0, 0), 0},
	}
	for _, tt := range tests {
		got := WallTime(tt.y, tt.m, tt.d, tt.h, tt.min, 0, 0, tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("%s: WallTime(%d-%02d-%02d %02d:%02d, %v) = %v, want %v",
				tt.name, tt.y, tt.m, tt.d, tt.h, tt.min, tt.loc, got, tt.want.In(got.Location()))
		}
		if _, off := got.Zone(); off != tt.wantOffset {
			t.Errorf("%s: WallTime(...) offset = %d, want %d", tt.name, off, tt.wantOffset)
		}
	}
}

// TestDateEveryDay checks, for every local day of 2025 in several zones,
// that 00:00..23:59 on the half hour resolves to a time whose wall clock is
// the requested one, or, in a gap, to the first valid instant after it.
func TestDateEveryDay(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Port-au-Prince", "America/Santiago"} {
		loc := testLoc(t, name)
		for day := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC); day.Year() == 2025; day = day.AddDate(0, 0, 1) {
			y, m, d := day.Date()
			for minutes := 0; minutes < 24*60; minutes += 30 {
				h, mi := minutes/60, minutes%60
				got := WallTime(y, m, d, h, mi, 0, 0, loc)
				gy, gm, gd := got.Date()
				if gy == y && gm == m && gd == d && got.Hour() == h && got.Minute() == mi {
					// It exists; it must be the earlier of two if ambiguous.
					if earlier := got.Add(-time.Hour); earlier.Hour() == h && earlier.Minute() == mi && earlier.Day() == d {
						t.Errorf("%s: WallTime(%d-%02d-%02d %02d:%02d) = %v, but %v reads the same and is earlier", name, y, m, d, h, mi, got, earlier)
					}
					if earlier := got.Add(-30 * time.Minute); earlier.Hour() == h && earlier.Minute() == mi && earlier.Day() == d {
						t.Errorf("%s: WallTime(%d-%02d-%02d %02d:%02d) = %v, but %v reads the same and is earlier", name, y, m, d, h, mi, got, earlier)
					}
					continue
				}
				// A gap: one second earlier must read before the requested time.
				want := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
				wall := func(x time.Time) time.Time {
					return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), 0, time.UTC)
				}
				if !wall(got).After(want) || !wall(got.Add(-time.Second)).Before(want) {
					t.Errorf("%s: WallTime(%d-%02d-%02d %02d:%02d) = %v, not the first instant after the gap", name, y, m, d, h, mi, got)
				}
			}
		}
	}
}

// TestDateSubMinute checks that seconds and nanoseconds are kept for a reading that exists and
// dropped for one in a gap, whose answer is the gap's end.
func TestDateSubMinute(t *testing.T) {
	ny := testLoc(t, "America/New_York")
	tests := []struct {
		name                 string
		d, h, min, sec, nsec int
		want                 time.Time
	}{
		{"plain", 4, 14, 0, 30, 250_000_000, utc(2025, 3, 4, 19, 0, 30).Add(250 * time.Millisecond)},
		{"gap", 9, 2, 30, 15, 500_000_000, utc(2025, 3, 9, 7, 0, 0)},
	}
	for _, tt := range tests {
		got := WallTime(2025, 3, tt.d, tt.h, tt.min, tt.sec, tt.nsec, ny)
		if !got.Equal(tt.want) {
			t.Errorf("%s: WallTime(2025-03-%02d %02d:%02d:%02d.%09d, %v) = %v, want %v",
				tt.name, tt.d, tt.h, tt.min, tt.sec, tt.nsec, ny, got, tt.want.In(ny))
		}
	}
}
