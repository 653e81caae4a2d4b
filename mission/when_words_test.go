package mission

import (
	"strings"
	"testing"
	"time"
)

// TestParseWhenInThreeLanguages reads the times officers type, in English, French and Spanish,
// with a fixed clock: Friday 3 January 2025, 15:04 in Port-au-Prince (EST, -05:00).
func TestParseWhenInThreeLanguages(t *testing.T) {
	pap := whenTestLoc(t, "America/Port-au-Prince")
	now := time.Date(2025, 1, 3, 15, 4, 0, 0, pap)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"maintenant", now}, {"Ahora", now}, {"ahora mismo", now}, {"right now", now},
		{"demain 9h", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"Demain à 9h", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"demain 09:00", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"mañana 09:00", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"manana a las 9", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"mañana 9 de la mañana", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"tomorrow at 9 am", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"demain", whenUTC(2025, 1, 4, 5, 0, 0)},
		{"aujourd'hui 14h30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"aujourd’hui 14h30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"AUJOURD'HUI 14H30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"hoy 14:30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"hier 14h", whenUTC(2025, 1, 2, 19, 0, 0)},
		{"ayer 14:00", whenUTC(2025, 1, 2, 19, 0, 0)},
		{"yesterday 2 pm", whenUTC(2025, 1, 2, 19, 0, 0)},
		{"avant-hier 8h", whenUTC(2025, 1, 1, 13, 0, 0)},
		{"après-demain 8h", whenUTC(2025, 1, 5, 13, 0, 0)},
		{"pasado mañana 8:00", whenUTC(2025, 1, 5, 13, 0, 0)},
		// Shifts from now.
		{"dans 2h", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"dans 2 heures", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"en 2h", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"en 2 horas", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"dentro de 2 horas", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"+2h", whenUTC(2025, 1, 3, 22, 4, 0)},
		{"dans 1 heure et 30 minutes", whenUTC(2025, 1, 3, 21, 34, 0)},
		{"en 3 días", whenUTC(2025, 1, 6, 20, 4, 0)},
		{"il y a 2h", whenUTC(2025, 1, 3, 18, 4, 0)},
		{"hace 2 horas", whenUTC(2025, 1, 3, 18, 4, 0)},
		{"2h ago", whenUTC(2025, 1, 3, 18, 4, 0)},
		{"-2h", whenUTC(2025, 1, 3, 18, 4, 0)},
		// Weekdays: the coming one, today included; next/prochain/próximo strictly after today;
		// last/dernier/pasado strictly before.
		{"vendredi 10h", whenUTC(2025, 1, 3, 15, 0, 0)},
		{"viernes 10:00", whenUTC(2025, 1, 3, 15, 0, 0)},
		{"next friday 10:00", whenUTC(2025, 1, 10, 15, 0, 0)},
		{"vendredi prochain 10h", whenUTC(2025, 1, 10, 15, 0, 0)},
		{"el próximo viernes a las 10:00", whenUTC(2025, 1, 10, 15, 0, 0)},
		{"el viernes que viene 10:00", whenUTC(2025, 1, 10, 15, 0, 0)},
		{"lundi 8h", whenUTC(2025, 1, 6, 13, 0, 0)},
		{"monday", whenUTC(2025, 1, 6, 5, 0, 0)},
		{"vendredi dernier 10h", whenUTC(2024, 12, 27, 15, 0, 0)},
		{"el lunes pasado", whenUTC(2024, 12, 30, 5, 0, 0)},
		{"last monday", whenUTC(2024, 12, 30, 5, 0, 0)},
		// A clock alone is today.
		{"9am", whenUTC(2025, 1, 3, 14, 0, 0)},
		{"9 pm", whenUTC(2025, 1, 4, 2, 0, 0)},
		{"9h du soir", whenUTC(2025, 1, 4, 2, 0, 0)},
		{"9 de la noche", whenUTC(2025, 1, 4, 2, 0, 0)},
		{"14h", whenUTC(2025, 1, 3, 19, 0, 0)},
		{"14h30", whenUTC(2025, 1, 3, 19, 30, 0)},
		{"14:30", whenUTC(2025, 1, 3, 19, 30, 0)},
		// Dates with the month's name; without a year, the nearest.
		{"Jan 9 14:00", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"January 9, 2025 2pm", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"9 janvier 14h", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"le 9 janvier à 14h", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"jeudi 9 janvier 14h", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"9 de enero 14:00", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"9 de enero de 2025 a las 14:00", whenUTC(2025, 1, 9, 19, 0, 0)},
		{"Dec 30", whenUTC(2024, 12, 30, 5, 0, 0)},
		{"31 décembre 2024 23h", whenUTC(2025, 1, 1, 4, 0, 0)},
		{"2 octobre 2025", whenUTC(2025, 10, 2, 4, 0, 0)},
		// A zone after the time.
		{"09:00 EAT", whenUTC(2025, 1, 3, 6, 0, 0)},
		{"09:00 UTC+3", whenUTC(2025, 1, 3, 6, 0, 0)},
		{"9h utc+03:00", whenUTC(2025, 1, 3, 6, 0, 0)},
		{"demain 09:00 UTC", whenUTC(2025, 1, 4, 9, 0, 0)},
		{"mañana 9:00 GMT-5", whenUTC(2025, 1, 4, 14, 0, 0)},
		{"2025-01-04 09:00 EAT", whenUTC(2025, 1, 4, 6, 0, 0)},
		{"14:00 Africa/Nairobi", whenUTC(2025, 1, 3, 11, 0, 0)},
		{"09:00 EST", whenUTC(2025, 1, 3, 14, 0, 0)},
		{"9 janvier 14h +01:00", whenUTC(2025, 1, 9, 13, 0, 0)},
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
	}
}

// TestParseWhenWordsAcrossDST: words count calendar days in the guild's zone and meet the DST
// rules, in New York and in Paris.
func TestParseWhenWordsAcrossDST(t *testing.T) {
	ny, paris := whenTestLoc(t, "America/New_York"), whenTestLoc(t, "Europe/Paris")
	tests := []struct {
		now  time.Time
		in   string
		want time.Time
	}{
		// Saturday before spring forward in New York: Sunday 02:30 does not exist.
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "dimanche 2h30", whenUTC(2025, 3, 9, 7, 0, 0)},
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "mañana 02:30", whenUTC(2025, 3, 9, 7, 0, 0)},
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "domingo 12:00", whenUTC(2025, 3, 9, 16, 0, 0)},
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "9 mars 12h", whenUTC(2025, 3, 9, 16, 0, 0)},
		// "dans 1 jour" is 24 hours: 13:00 local after spring forward.
		{time.Date(2025, 3, 8, 12, 0, 0, 0, ny), "dans 1 jour", whenUTC(2025, 3, 9, 17, 0, 0)},
		// Saturday before fall back: Sunday 01:30 happens twice; the first counts.
		{time.Date(2025, 11, 1, 12, 0, 0, 0, ny), "next sunday 1:30", whenUTC(2025, 11, 2, 5, 30, 0)},
		{time.Date(2025, 11, 1, 12, 0, 0, 0, ny), "dimanche 1h30", whenUTC(2025, 11, 2, 5, 30, 0)},
		// Paris springs forward on 30 March 2025 at 02:00.
		{time.Date(2025, 3, 29, 12, 0, 0, 0, paris), "demain 2h30", whenUTC(2025, 3, 30, 1, 0, 0)},
		{time.Date(2025, 3, 29, 12, 0, 0, 0, paris), "dimanche 10h", whenUTC(2025, 3, 30, 8, 0, 0)},
		{time.Date(2025, 3, 29, 12, 0, 0, 0, paris), "hier 10h", whenUTC(2025, 3, 28, 9, 0, 0)},
		// and falls back on 26 October 2025 at 03:00.
		{time.Date(2025, 10, 25, 12, 0, 0, 0, paris), "demain 2h30", whenUTC(2025, 10, 26, 0, 30, 0)},
		{time.Date(2025, 10, 27, 12, 0, 0, 0, paris), "dimanche dernier 12h", whenUTC(2025, 10, 26, 11, 0, 0)},
		// Late evening in New York is already tomorrow in UTC: the local date counts.
		{time.Date(2025, 1, 3, 23, 30, 0, 0, ny), "aujourd'hui 9h", whenUTC(2025, 1, 3, 14, 0, 0)},
	}
	for _, tt := range tests {
		loc := tt.now.Location()
		got, err := ParseWhen(tt.in, tt.now, loc)
		if err != nil {
			t.Errorf("ParseWhen(%q) at %v error %v, want %v", tt.in, tt.now, err, tt.want)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) at %v = %v, want %v", tt.in, tt.now, got.UTC(), tt.want)
		}
	}
}

func TestParseWhenWordErrors(t *testing.T) {
	pap := whenTestLoc(t, "America/Port-au-Prince")
	now := time.Date(2025, 1, 3, 15, 4, 0, 0, pap)
	tests := []struct {
		in   string
		want []string
	}{
		{"prochain", []string{`"prochain" is not a time I understand`}},
		{"demain demain", []string{"not a time I understand"}},
		{"demain 9h 10h", []string{"not a time I understand"}},
		{"hier vendredi", []string{"not a time I understand"}},
		{"janvier", []string{"not a time I understand"}},
		{"31 février 10h", []string{`"31 février 10h": that month has no such day`}},
		{"25h", []string{`"25h" is not a time of day`}},
		{"13 pm", []string{`"13h" is not a time of day`}},
		{"9pm du matin", []string{`"9pm" is not a time of day`}},
		{"pm", []string{"not a time I understand"}},
		{"09:00 CST", []string{`"CST" names several time zones: UTC-6 (America/Guatemala), UTC+8 (Asia/Shanghai), UTC-5 (America/Havana)`, "09:00 UTC-6"}},
		{"09:00 IST", []string{"UTC+5:30 (Asia/Kolkata)"}},
		{"09:00 Africa/Narobi", []string{`"Africa/Narobi" is not an IANA time zone`}},
		{"09:00 UTC+25", []string{`"UTC+25" is not a UTC offset`}},
		{"dans deux heures", []string{`"deux heures" is not a duration`}},
		{"+2", []string{"needs a unit"}},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now, pap)
		if err == nil {
			t.Errorf("ParseWhen(%q) = %v, want an error containing %q", tt.in, got, tt.want)
			continue
		}
		for _, w := range tt.want {
			if msg := english(t, err); !strings.Contains(msg, w) {
				t.Errorf("ParseWhen(%q) error %q, want it to contain %q", tt.in, msg, w)
			}
		}
	}
	// An ambiguous abbreviation the guild's own zone uses is the guild's zone.
	gt := whenTestLoc(t, "America/Guatemala")
	got, err := ParseWhen("09:00 CST", time.Date(2025, 1, 3, 8, 0, 0, 0, gt), gt)
	if want := whenUTC(2025, 1, 3, 15, 0, 0); err != nil || !got.Equal(want) {
		t.Errorf("ParseWhen(%q) in Guatemala = %v, %v, want %v", "09:00 CST", got, err, want)
	}
}

func TestParseShift(t *testing.T) {
	for in, want := range map[string]time.Duration{"+2h": 2 * time.Hour, "-30m": -30 * time.Minute, "+1h30m": 90 * time.Minute, " +2 heures ": 2 * time.Hour} {
		if got, err := ParseShift(in); err != nil || got != want {
			t.Errorf("ParseShift(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2h", "+", "+2x", "tomorrow"} {
		if got, err := ParseShift(in); err == nil {
			t.Errorf("ParseShift(%q) = %v, want an error", in, got)
		}
	}
}
