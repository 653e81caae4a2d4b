package commands_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestDefinitionsMeetDiscordSpec registers every command, the message command Draft records
// among them, with the fake Discord, which checks each body against Discord's OpenAPI
// description: a message command with a description or options would be refused there.
func TestDefinitionsMeetDiscordSpec(t *testing.T) {
	s := fakediscord.New(t)
	dg, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.NewTransport(s.APIBase(), http.DefaultTransport, nil)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 5 * time.Second}
	var defs []*discordgo.ApplicationCommand
	message := false
	for _, c := range commands.All(commands.Deps{}) {
		d := c.Definition()
		message = message || d.Type == discordgo.MessageApplicationCommand
		defs = append(defs, d)
	}
	if !message {
		t.Fatal("no message command among the definitions")
	}
	if _, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, fakediscord.DefaultGuildID, defs); err != nil {
		t.Fatalf("register: %v", err)
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("the definitions break Discord's spec: %v", v)
	}
}

// TestDraftRecordsMessage drafts the seed report through the message command, confirms it
// and checks the ledger: GT 75 and SV 8 landed, a flight for January 4, 400 deployed of 2,500
// planned, four pledges of unknown size, nothing for Haiti; each source quotes the sentence
// and links the message. A second Confirm stores nothing more.
func TestDraftRecordsMessage(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := newHarness(t, driver)
			seed, err := os.ReadFile("../draft/testdata/seed.txt")
			if err != nil {
				t.Fatal(err)
			}
			i := command("100", discordgo.PermissionManageGuild, nil, "Draft records")
			i.ChannelID = "300"
			data := i.Data.(discordgo.ApplicationCommandInteractionData)
			data.CommandType, data.TargetID = discordgo.MessageApplicationCommand, "555"
			data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{
				"555": {ID: "555", ChannelID: "300", Content: string(seed), Timestamp: time.Date(2025, 1, 3, 15, 0, 0, 0, time.UTC)}}}
			i.Data = data
			resp := h.call(i)
			if !strings.Contains(resp.Data.Content, "Guatemala") || !strings.Contains(resp.Data.Content, "> ") {
				t.Fatalf("preview = %q, want each record with its sentence", resp.Data.Content)
			}
			if !strings.Contains(resp.Data.Content, "4 records left out until their role is set") {
				t.Errorf("preview = %q, want the pledges without a role left out", resp.Data.Content)
			}
			confirm, ok := button(resp, "Confirm")
			if !ok {
				t.Fatalf("no Confirm in %q", resp.Data.Content)
			}
			done := h.press(confirm.CustomID)
			if !strings.Contains(done.Data.Content, "arrivals 2") {
				t.Fatalf("Confirm = %q", done.Data.Content)
			}
			h.press(confirm.CustomID) // a second click stores nothing
			ctx := context.Background()
			var arrivals []string
			_ = h.store.EachArrival(ctx, "100", func(a storage.Arrival) error {
				arrivals = append(arrivals, a.Country+" "+string(a.Role)+" "+a.ArrivedAt.In(haitiZone(t)).Format("2006-01-02"))
				if !strings.Contains(a.Source, "https://discord.com/channels/100/300/555") || !strings.Contains(a.Source, "Guatemalan") {
					t.Errorf("arrival source %q, want the sentence and the link", a.Source)
				}
				return nil
			})
			if strings.Join(arrivals, ",") != "GT military 2025-01-03,SV military 2025-01-03" {
				t.Errorf("arrivals %v", arrivals)
			}
			pledges := 0
			_ = h.store.EachPledge(ctx, "100", func(p storage.Pledge) error {
				pledges++
				if p.Personnel != nil || p.Country == "HT" {
					t.Errorf("pledge %s %v, want unknown size and no Haiti", p.Country, p.Personnel)
				}
				return nil
			})
			reports, flights := 0, 0
			_ = h.store.EachReport(ctx, "100", func(storage.Report) error { reports++; return nil })
			_ = h.store.EachFlight(ctx, "100", func(storage.Flight) error { flights++; return nil })
			// The pledges name no role and their countries have none on record: they are left
			// out, not stored as a guess, and the others are stored.
			if pledges != 0 || reports != 2 || flights != 1 {
				t.Errorf("pledges %d, reports %d, flights %d; want 0, 2, 1", pledges, reports, flights)
			}
		})
	}
}

func haitiZone(t *testing.T) *time.Location {
	l, err := time.LoadLocation("America/Port-au-Prince")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestReportDraftNothing answers text without records plainly, with no Confirm.
func TestReportDraftNothing(t *testing.T) {
	h := newHarness(t, storagetest.Drivers()[0])
	out := h.run(`/report draft text:"Gangs killed 12 Haitian police officers on Friday."`)
	if !strings.Contains(out, "Nothing to draft") || strings.Contains(out, "0 records") || strings.Contains(out, "Confirm") {
		t.Errorf("/report draft = %q, want only that there is nothing to draft", out)
	}
}

// TestReportDraftPreviewInTheReadersLanguage: a drafted record names its country as the
// reader does, and a drafted flight's manifest reads as every other manifest in that language.
func TestReportDraftPreviewInTheReadersLanguage(t *testing.T) {
	h := newHarness(t, storagetest.Drivers()[0])
	for _, c := range []struct{ locale, text, want string }{
		{"fr", `/report draft text:"8 médecins salvadoriens sont arrivés vendredi à PAP."`, "🇸🇻 Salvador 8 personnels médicaux"},
		{"es", `/report draft text:"Llegaron 8 médicos salvadoreños el viernes a PAP."`, "🇸🇻 El Salvador 8 efectivos de sanidad"},
		{"fr", `/report draft text:"Un vol avec 75 militaires guatémaltèques et 8 médecins salvadoriens est attendu demain à PAP."`,
			"🇬🇹 Guatemala — 75 militaires ; 🇸🇻 Salvador — 8 personnels médicaux"},
		{"fr", `/report draft text:"Le Belize s’est engagé à envoyer du personnel."`, "`police/militaires/personnel médical/état-major/soutien/autre`"},
		{"es", `/report draft text:"Belize se comprometió a enviar personal."`, "🇧🇿 Belice cifra no comunicada"},
	} {
		if out := h.runIn(c.locale, c.text)[0]; !strings.Contains(out, c.want) {
			t.Errorf("%s: %s\n = %s\nwant it to contain %q", c.locale, c.text, out, c.want)
		}
	}
}
