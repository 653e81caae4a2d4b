package bot

import (
	"testing"
	"time"

	"liaison/locale"
)

// TestRelativeRoundsAsDiscordDoes: the console's stand-in for <t:…:R> rounds to the nearest
// unit, as Discord's client does, so an ETA typed "in 2h" a few seconds ago reads "in 2 hours".
func TestRelativeRoundsAsDiscordDoes(t *testing.T) {
	now := time.Date(2025, 1, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    time.Duration
		lang locale.Lang
		want string
	}{
		{0, locale.English, "just now"},
		{400 * time.Millisecond, locale.English, "just now"},
		{2*time.Hour - time.Second, locale.English, "in 2 hours"},
		{-(2*time.Hour + 20*time.Minute), locale.English, "2 hours ago"},
		{2*time.Hour + 40*time.Minute, locale.English, "in 3 hours"},
		{-(3*24*time.Hour - time.Minute), locale.French, "il y a 3 jours"},
		{90 * time.Second, locale.Spanish, "dentro de 2 minutos"},
		{time.Minute - 400*time.Millisecond, locale.French, "dans 1 minute"},
		{time.Minute - 600*time.Millisecond, locale.French, "dans 59 secondes"},
		{time.Hour - 5*time.Second, locale.French, "dans 1 heure"},
		{-(time.Hour - 31*time.Second), locale.Spanish, "hace 59 minutos"},
		{48*time.Hour - 20*time.Minute, locale.English, "in 2 days"},
		{47*time.Hour + 20*time.Minute, locale.English, "in 47 hours"},
	} {
		if got := RelativeIn(c.lang, now.Add(c.d), now); got != c.want {
			t.Errorf("RelativeIn(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
