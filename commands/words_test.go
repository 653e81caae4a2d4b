package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestRefusedTimesAreTimestamps: a time refused as in the future, too early or too far ahead is
// shown as a Discord timestamp, which each reader sees in their zone and language, and how far
// it lies from now, never as an ISO string with an offset.
func TestRefusedTimesAreTimestamps(t *testing.T) {
	h := newHarness(t, "sqlite")
	haiti, err := time.LoadLocation("America/Port-au-Prince")
	if err != nil {
		t.Fatal(err)
	}
	tomorrow9 := time.Date(2025, 1, 4, 9, 0, 0, 0, haiti).Unix()
	tests := []struct {
		locale, command string
		sub             *discordgo.ApplicationCommandInteractionDataOption
		want            string
	}{
		{"fr", "arrival", sub("log", opt("country", "GT"), opt("personnel", 5.0), opt("when", "demain 9h")),
			fmt.Sprintf("La date indiquée (`when` : <t:%d:F>, <t:%d:R>) est dans le futur", tomorrow9, tomorrow9)},
		{"es-419", "pledge", sub("set", opt("country", "JM"), opt("as_of", "mañana 9:00")),
			fmt.Sprintf("La fecha de `as_of` (<t:%d:F>, <t:%d:R>) está en el futuro", tomorrow9, tomorrow9)},
		{"en", "mission", sub("set", opt("mandate_end", "2200-01-01")),
			"The date given (`mandate_end`: <t:7258136400:F>, <t:7258136400:R>) is more than 20 years ahead"},
	}
	for _, tt := range tests {
		out := h.as(tt.locale, tt.command, tt.sub)
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s %s:\n%s\nwant %q", tt.locale, tt.command, out, tt.want)
		}
		for _, iso := range []string{"-05:00", "+00:00", "2025-01-04 09:00"} {
			if strings.Contains(out, iso) {
				t.Errorf("%s %s shows %q:\n%s", tt.locale, tt.command, iso, out)
			}
		}
	}
}
