package discordtext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven chars", 10, "eleven ch…"},
		{"🇬🇹🇸🇻🇰🇪", 3, "🇬🇹…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{Thousands(0), "0"},
		{Thousands(483), "483"},
		{Thousands(2500), "2,500"},
		{Thousands(-1234567), "-1,234,567"},
		{Percent(483, 2500), "19.3 %"},
		{Percent(5, 0), "—"},
		{ProgressBar(483, 2500), "`████░░░░░░░░░░░░░░░░`"},
		{ProgressBar(0, 2500), "`░░░░░░░░░░░░░░░░░░░░`"},
		{ProgressBar(3000, 2500), "`████████████████████`"},
		{Plural(1, "day"), "1 day"},
		{Plural(2, "day"), "2 days"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestFitKeepsEveryLimit builds a message that breaks every limit and checks each one after Fit.
func TestFitKeepsEveryLimit(t *testing.T) {
	long := strings.Repeat("é", 5000)
	var embeds []*discordgo.MessageEmbed
	for i := 0; i < 12; i++ {
		e := &discordgo.MessageEmbed{Title: long, Description: long, Footer: &discordgo.MessageEmbedFooter{Text: long}}
		for j := 0; j < 30; j++ {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: long, Value: long})
		}
		embeds = append(embeds, e)
	}
	content, embeds := Fit(long, embeds)
	if n := utf8.RuneCountInString(content); n > MaxContent {
		t.Errorf("content has %d characters, want at most %d", n, MaxContent)
	}
	if len(embeds) == 0 || len(embeds) > MaxEmbeds {
		t.Errorf("%d embeds, want 1..%d", len(embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range embeds {
		if len(e.Fields) > MaxFields {
			t.Errorf("embed %d has %d fields", i, len(e.Fields))
		}
		for _, f := range e.Fields {
			if utf8.RuneCountInString(f.Name) > MaxFieldName || utf8.RuneCountInString(f.Value) > MaxFieldValue {
				t.Errorf("embed %d has an oversized field", i)
			}
		}
		total += EmbedSize(e)
	}
	if total > MaxEmbedTotal {
		t.Errorf("embeds total %d characters, want at most %d", total, MaxEmbedTotal)
	}
}
