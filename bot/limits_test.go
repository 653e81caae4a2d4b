package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/fakediscord"
)

// TestFittedReplyIsValid builds a reply that breaks every limit and checks that, once fitted,
// Discord's own schema accepts it as an interaction response.
func TestFittedReplyIsValid(t *testing.T) {
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
	fake := fakediscord.New(t)
	body, err := json.Marshal(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: MessageData(rep)})
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.ValidateInteractionResponse(body); err != nil {
		t.Errorf("a fitted reply is not valid per Discord's spec: %v", err)
	}
}

func TestFitChoices(t *testing.T) {
	long := strings.Repeat("é", 500)
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 40)
	for i := range choices {
		choices[i] = &discordgo.ApplicationCommandOptionChoice{Name: long, Value: "GT"}
	}
	got := FitChoices(choices)
	if len(got) != discordtext.MaxChoices {
		t.Errorf("FitChoices kept %d choices, want %d", len(got), discordtext.MaxChoices)
	}
	for _, c := range got {
		if n := utf8.RuneCountInString(c.Name); n > discordtext.MaxChoiceName {
			t.Errorf("a choice name has %d characters, want at most %d", n, discordtext.MaxChoiceName)
		}
	}
}
