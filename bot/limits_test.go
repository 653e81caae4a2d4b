package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/fakediscord"
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
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if n := utf8.RuneCountInString(Truncate(tt.in, tt.n)); n > tt.n {
			t.Errorf("Truncate(%q, %d) has %d runes", tt.in, tt.n, n)
		}
	}
}

// TestFitKeepsEveryLimit builds a reply that breaks every limit and checks that, once fitted,
// it is within Discord's limits and valid against Discord's own schema.
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
	rep := &Reply{Content: long, Embeds: embeds}
	Fit(rep)
	if n := utf8.RuneCountInString(rep.Content); n > MaxContent {
		t.Errorf("content has %d characters, want at most %d", n, MaxContent)
	}
	if len(rep.Embeds) > MaxEmbeds {
		t.Errorf("%d embeds, want at most %d", len(rep.Embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range rep.Embeds {
		if len(e.Fields) > MaxFields {
			t.Errorf("embed %d has %d fields", i, len(e.Fields))
		}
		total += embedSize(e)
	}
	if total > MaxEmbedTotal {
		t.Errorf("embeds total %d characters, want at most %d", total, MaxEmbedTotal)
	}
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 40)
	for i := range choices {
		choices[i] = &discordgo.ApplicationCommandOptionChoice{Name: long, Value: "GT"}
	}
	if got := FitChoices(choices); len(got) != MaxChoices || utf8.RuneCountInString(got[0].Name) > MaxChoiceName {
		t.Errorf("FitChoices kept %d choices, first name %d characters", len(got), utf8.RuneCountInString(got[0].Name))
	}

	fake := fakediscord.New(t)
	body, err := json.Marshal(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: MessageData(rep)})
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.ValidateInteractionResponse(body); err != nil {
		t.Errorf("a fitted reply is not valid per Discord's spec: %v", err)
	}
}
