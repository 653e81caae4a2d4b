package mission

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets below check invariants of the user-input parsers. Their
// seeds run as ordinary tests with "go test"; "go test -fuzz FuzzX" explores.

// fuzzZones are the locations FuzzParseWhen picks from with its second input.
var fuzzZones = []string{"America/Port-au-Prince", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC", "Pacific/Apia"}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{
		"now", "2025-01-04 14:00", "2025-01-04", "2025-01-04T14:00", "2025-01-04T14:00:00-05:00",
		"2025-01-04T19:00:00Z", "in 2h", "in 90m", "in 3d", "in 1h30m", "in 20s", "tomorrow 09:00",
		"today 14:00", "tomorrow", "yesterday 18:00", "2025-03-09 02:30", "2025-11-02 01:30",
		"1900-01-01", "1989-12-31", "in 2h\x00", "\u202e2025-01-04",
		"2025-10-05 02:15", "tomorrow 9am", "today 14h30", "2025-02-30", "2025-01-04 25:00",
		"2300-01-01", "1900-01-01T00:00:00+14:00", "in 99999d", "", "  ", "in", "2025-01-04T14:00:00.123456789+05:30",
		"2200-12-31T23:59:59-12:00", "in 3650d", "2025/1/4 12pm", "\xff", "tomorrow at 12:00:00.5",
		"in " + strings.Repeat("\x03", 30), // found by fuzzing: escaped control characters made a huge error
		// Words in three languages, zones after the time.
		"maintenant", "ahora", "demain 9h", "mañana a las 9", "hier 14h", "ayer 14:00", "dans 2h", "en 2 horas",
		"il y a 2h", "hace 2 horas", "2h ago", "+2h", "-30m", "next friday 10:00", "vendredi prochain 10h",
		"el próximo viernes 10:00", "vendredi dernier", "9am", "9 pm", "14h", "14h30", "14:30", "Jan 9 14:00",
		"9 janvier 14h", "9 de enero de 2025 a las 14:00", "31 février", "09:00 EAT", "09:00 UTC+3", "09:00 CST",
		"14:00 Africa/Nairobi", "9h du soir", "9 de la mañana", "après-demain 8h", "29 février 12h",
	} {
		for z := range fuzzZones {
			f.Add(s, uint8(z))
		}
	}
	locs := make([]*time.Location, len(fuzzZones))
	for i, name := range fuzzZones {
		locs[i] = whenTestLoc(f, name)
	}
	f.Fuzz(func(t *testing.T, s string, zone uint8) {
		loc := locs[int(zone)%len(locs)]
		now := time.Date(2025, 1, 3, 15, 4, 0, 0, locs[0])
		got, err := ParseWhen(s, now, loc)
		if err != nil {
			msg := english(t, err)
			if msg == "" || utf8.RuneCountInString(msg) > 200 || !utf8.ValidString(msg) {
				t.Fatalf("ParseWhen(%q) error %q: want a short, valid sentence", s, msg)
			}
			return
		}
		if y := got.Year(); y < 1900 || y > 2200 {
			t.Fatalf("ParseWhen(%q) = %v, year outside 1900..2200", s, got)
		}
		if got.Location() != loc {
			t.Fatalf("ParseWhen(%q) location = %v, want %v", s, got.Location(), loc)
		}
		// Deterministic, and the result written as RFC 3339 means the same instant.
		again, err := ParseWhen(s, now, loc)
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseWhen(%q) not deterministic: %v then %v, %v", s, got, again, err)
		}
		text := got.UTC().Format(time.RFC3339Nano)
		back, err := ParseWhen(text, now, loc)
		if err != nil || !back.Equal(got) {
			t.Fatalf("ParseWhen(%q) = %v, but ParseWhen(%q) = %v, %v", s, got, text, back, err)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	for _, s := range []string{
		"GT 75 military; SV 8 medical", "GT 75, SV 8", "El Salvador 8 medical", "United States 20",
		"", "  ", ";;", "XX 8", "GT 75; XX 8", "GT 0", "GT 100001", "GT -5", "GT", "75",
		"Haïti 3 police, États-Unis 4 staff", "GT 75 soldier", strings.Repeat("GT 1;", 51),
		"\u202eTG 5", "GT 75\x00", "GT 75\nSV 8",
		"GT 99999999999999999999", "the bahamas 5 support", "GT 75 military extra", "\xff 5",
		"GT 75 military 12f", "GT 75 12f", "GT 5 9f", "GT 5 -1f", "12f", "GT 75 0F; SV 8 8f", "GT 5 99999999999999999999f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseManifest(s)
		if err != nil {
			if got != nil {
				t.Fatalf("ParseManifest(%q) = %v with error %v, want nil", s, got, err)
			}
			if msg := english(t, err); msg == "" || utf8.RuneCountInString(msg) > 250 || !utf8.ValidString(msg) {
				t.Fatalf("ParseManifest(%q) error %q: want a short sentence", s, msg)
			}
			return
		}
		if len(got) > 50 {
			t.Fatalf("ParseManifest(%q) returned %d entries, want at most 50", s, len(got))
		}
		var full []string
		for _, e := range got {
			if _, ok := CountryByAlpha2(e.Country); !ok {
				t.Fatalf("ParseManifest(%q): entry %v has unknown country", s, e)
			}
			if e.Personnel < 1 || e.Personnel > 100000 {
				t.Fatalf("ParseManifest(%q): entry %v personnel out of 1..100000", s, e)
			}
			if e.Role != "" && !slices.Contains(roles[:], e.Role) { // "": left out, resolved by storage
				t.Fatalf("ParseManifest(%q): entry %v has unknown role", s, e)
			}
			if e.Female < 0 || e.Female > e.Personnel {
				t.Fatalf("ParseManifest(%q): entry %v has women outside 0..personnel", s, e)
			}
			full = append(full, e.String())
		}
		// The canonical form parses back to the same manifest.
		canon := strings.Join(full, "; ")
		back, err := ParseManifest(canon)
		if err != nil || len(back) != len(got) || (len(got) > 0 && !slices.Equal(back, got)) {
			t.Fatalf("ParseManifest(%q) = %v, but ParseManifest(%q) = %v, %v", s, got, canon, back, err)
		}
		if f := FormatManifest(got); f == "" {
			t.Fatalf("FormatManifest(%v) is empty", got)
		}
	})
}

func FuzzParseOffsets(f *testing.F) {
	for _, s := range []string{
		"24h,1h,0", "2d,90m,20s", "1h30m", "0", "", ",", "-1h", "31d", "30d", "1s,2s,3s,4s,5s,6s",
		"1s,1s,1s", "24h,1h,", "1 hour 30 minutes", "9223372036854775807s", "3650d", "90", "1h 30",
		strings.Repeat("0", 220) + "1", // found by fuzzing: the "e.g." hint repeated all the digits
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseOffsets(s)
		if err != nil {
			if got != nil {
				t.Fatalf("ParseOffsets(%q) = %v with error %v, want nil", s, got, err)
			}
			if msg := english(t, err); msg == "" || utf8.RuneCountInString(msg) > 200 || !utf8.ValidString(msg) {
				t.Fatalf("ParseOffsets(%q) error %q: want a short sentence", s, msg)
			}
			return
		}
		if len(got) < 1 || len(got) > 5 {
			t.Fatalf("ParseOffsets(%q) = %v: want 1 to 5 offsets", s, got)
		}
		for i, d := range got {
			if d < 0 || d > 30*24*time.Hour {
				t.Fatalf("ParseOffsets(%q) = %v: %v outside 0..30d", s, got, d)
			}
			if i > 0 && got[i-1] <= d {
				t.Fatalf("ParseOffsets(%q) = %v: not strictly descending", s, got)
			}
		}
		text := FormatOffsets(got)
		back, err := ParseOffsets(text)
		if err != nil || !slices.Equal(back, got) {
			t.Fatalf("ParseOffsets(%q) = %v, but ParseOffsets(FormatOffsets) = ParseOffsets(%q) = %v, %v", s, got, text, back, err)
		}
		// Each offset on its own is a valid ParseDuration input too.
		for _, part := range strings.Split(text, ",") {
			if _, err := ParseDuration(part); err != nil {
				t.Fatalf("ParseDuration(%q) from FormatOffsets: %v", part, err)
			}
		}
	})
}

func FuzzLookupCountry(f *testing.F) {
	for _, s := range []string{
		"GT", "gtm", "Guatemala", "guatemala", "Haïti", "haiti", "Estados Unidos", "États-Unis", "Kenya",
		"USA", "United States", "UK", "XX", "ZZ", "QO", "XK", "", " ", "El Salvador", "the bahamas",
		"U.S.", "Côte d’Ivoire", "St. Lucia", "Myanmar (Burma)", "&", "\xff\xfe", "İ", "ǅ", "a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := LookupCountry(s)
		if err != nil {
			msg := english(t, err)
			if !strings.HasPrefix(msg, "unknown country ") && !strings.HasPrefix(msg, "no country given") {
				t.Fatalf("LookupCountry(%q) error %q: unexpected message", s, msg)
			}
			if utf8.RuneCountInString(msg) > 100 || !utf8.ValidString(msg) {
				t.Fatalf("LookupCountry(%q) error %q: want a short, valid sentence", s, msg)
			}
		} else {
			if byCode, ok := CountryByAlpha2(c.Alpha2); !ok || byCode != c {
				t.Fatalf("LookupCountry(%q) = %v, but CountryByAlpha2(%q) = %v, %v", s, c, c.Alpha2, byCode, ok)
			}
			for _, in := range []string{c.Alpha2, c.Alpha3, c.Name} {
				if again, err := LookupCountry(in); err != nil || again != c {
					t.Fatalf("LookupCountry(%q) = %v, but LookupCountry(%q) = %v, %v", s, c, in, again, err)
				}
			}
			if !strings.HasSuffix(CountryName(c.Alpha2), c.Name) {
				t.Fatalf("CountryName(%q) = %q, want it to end with %q", c.Alpha2, CountryName(c.Alpha2), c.Name)
			}
		}
		// Autocomplete on the same text: bounded, no duplicates, and an exact
		// match is offered first.
		res := SearchCountries(s, 25)
		if len(res) > 25 {
			t.Fatalf("SearchCountries(%q, 25) returned %d", s, len(res))
		}
		seen := map[string]bool{}
		for _, r := range res {
			if seen[r.Alpha2] {
				t.Fatalf("SearchCountries(%q) returned %s twice", s, r.Alpha2)
			}
			seen[r.Alpha2] = true
		}
		if err == nil && strings.TrimSpace(s) != "" && len(res) > 0 && !seen[c.Alpha2] && strings.EqualFold(strings.TrimSpace(s), c.Alpha2) {
			t.Fatalf("SearchCountries(%q) = %v does not offer %s", s, res, c.Alpha2)
		}
	})
}

// FuzzCheckText: text CheckText lets through holds no control character (but a note's line
// breaks) and no bidirectional control, and is valid UTF-8.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"press", "a\x00b", "\u202eTG", "x\u2066y", "line\nline", "\r\n", "\x1b[31m", "\xff", "Kreyòl"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if CheckText(s, multiline) != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("CheckText(%q) accepted invalid UTF-8", s)
		}
		for _, r := range s {
			if (r < 0x20 && !(r == '\n' && multiline)) || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
				(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("CheckText(%q, %v) accepted U+%04X", s, multiline, r)
			}
		}
	})
}
