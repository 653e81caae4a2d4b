package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/mission"
	"liaison/storage"
)

// slash sends /name sub opts as userID through the signed endpoint.
func (w *importWorld) slash(userID, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *answer {
	w.t.Helper()
	return w.post(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Member: memberOf(userID),
		Data: discordgo.ApplicationCommandInteractionData{ID: "1300000000000000098", Name: name, CommandType: discordgo.ChatApplicationCommand,
			Options: opts}})
}

// TestHeldChangesThroughTheSignedEndpoint plays a left-out role and a repeated arrival through
// the HTTP door, every answer checked against Discord's OpenAPI spec: the question and the
// warning carry buttons only their moderator may press; the press reaches another instance
// (one started after the change was held) and stores the change once.
func TestHeldChangesThroughTheSignedEndpoint(t *testing.T) {
	w := newImportWorld(t)
	ask := w.slash(uploader, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0)))
	b := buttons(ask)
	if !ephemeral(ask) || b["military"] == "" || b["Cancel"] == "" || w.arrivals() != 0 {
		t.Fatalf("a left-out role with none on record: %q %v, want an ephemeral question and nothing stored", content(ask), b)
	}
	// Another instance, started after the question: all it needs is in the database.
	other := serveWorld(t, w.fake, w.store, w.clock)
	other.n.Store(1_000_000)
	if r := other.press(otherMod, b["military"]); !ephemeral(r) || !strings.Contains(content(r), "Only <@"+uploader+">") {
		t.Errorf("another moderator chose the role: %q, want an ephemeral refusal", content(r))
	}
	if r := other.press(plainMember, b["military"]); !ephemeral(r) || !strings.Contains(content(r), "moderators") {
		t.Errorf("a member chose the role: %q, want the router's refusal", content(r))
	}
	done := other.press(uploader, b["military"])
	if ephemeral(done) || !strings.Contains(content(done), "75 military") {
		t.Errorf("the uploader chose military: %q, want the public answer naming the role", content(done))
	}
	if r := w.press(uploader, b["police"]); !strings.Contains(content(r), "already stored or dropped") {
		t.Errorf("a second press on the first instance: %q, want already done", content(r))
	}
	if n := w.arrivals(); n != 1 {
		t.Fatalf("arrivals = %d, want 1", n)
	}

	// The same arrival an hour later: held, named, stored once on Go ahead.
	w.clock.Advance(time.Hour)
	warn := w.slash(uploader, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0)))
	if !ephemeral(warn) || !strings.Contains(content(warn), "#1, logged by <@"+uploader+">") || buttons(warn)["Go ahead"] == "" {
		t.Fatalf("a repeated arrival: %q, want an ephemeral warning naming #1 with Go ahead", content(warn))
	}
	goAhead := buttons(warn)["Go ahead"]
	first, second := other.press(uploader, goAhead), w.press(uploader, goAhead)
	if !strings.HasPrefix(content(first), "✅") || !strings.Contains(content(second), "already stored or dropped") {
		t.Errorf("two Go aheads on two instances: %q, %q; want stored, then already done", content(first), content(second))
	}
	if n := w.arrivals(); n != 2 {
		t.Errorf("arrivals = %d, want 2", n)
	}
	audit, err := w.store.FindAudit(context.Background(), importGuild, storage.AuditFilter{Kind: mission.KindArrival})
	if err != nil || len(audit) != 2 || audit[0].Command != "/arrival log" {
		t.Errorf("audit = %+v, %v; want two arrivals recorded as /arrival log", audit, err)
	}
}

// TestImportPreviewMarksLikelyMistakes: the preview marks the records a command would hold —
// a repeat of an arrival logged less than a day from it, a pledge older than the one in force —
// and a row whose left-out role is in doubt is a bad line naming the choices.
func TestImportPreviewMarksLikelyMistakes(t *testing.T) {
	w := newImportWorld(t)
	w.slash(uploader, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0), opt("role", "military"),
		opt("when", "2025-01-03 10:00")))
	w.slash(uploader, "pledge", sub("set", opt("country", "JM"), opt("personnel", 200.0), opt("role", "police"), opt("as_of", "2025-01-02")))
	const header = "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone,language\n"
	file := header +
		"arrival,1,2025-01-03T20:00:00Z,GT,75,military,,,,,,,,,,press,,,,,\n" + // 10 hours from #1
		"arrival,2,2025-01-01T12:00:00Z,GT,75,military,,,,,,,,,,press,,,,,\n" + // two days before
		"pledge,3,2024-12-01T00:00:00Z,JM,150,police,,,,,,,,,,press,,,,,\n" +
		"arrival,4,2025-01-02T20:00:00Z,JM,5,,,,,,,,,,,press,,,,,\n" // the pledge's role: police
	url := w.fake.AddAttachment("arrivals.csv", "text/csv", []byte(file))
	preview := content(w.upload(uploader, url, len(file)))
	for _, want := range []string{
		"`2` `arrival · 2025-01-03T20:00:00Z · GT · 75 · military` ⚠️ repeats #1, logged by <@" + uploader + ">",
		"`4` `pledge · 2024-12-01T00:00:00Z · JM · 150 · police` ⚠️ older than pledge #1 in force",
		"2 records look like mistakes",
	} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview)
		}
	}
	if strings.Contains(preview, "`3` `arrival · 2025-01-01T12:00:00Z · GT · 75 · military` ⚠️") {
		t.Errorf("an arrival two days before is marked:\n%s", preview)
	}

	doubt := header + "arrival,1,2025-01-03T20:00:00Z,SV,8,,,,,,,,,,,press,,,,,\n"
	url = w.fake.AddAttachment("doubt.csv", "text/csv", []byte(doubt))
	preview = content(w.upload(uploader, url, len(doubt)))
	for _, want := range []string{"line 2", "El Salvador does not have exactly one role on record", "`police`", "`other`"} {
		if !strings.Contains(preview, want) {
			t.Errorf("a row whose role is in doubt: preview lacks %q:\n%s", want, preview)
		}
	}
	if buttons(w.upload(uploader, url, len(doubt)))["Confirm"] != "" {
		t.Error("a file with a role in doubt is offered Confirm")
	}
}
