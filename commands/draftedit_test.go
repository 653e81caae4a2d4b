package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// draftSeed drafts the seed report through the message command Draft records, as userID, on
// the signed endpoint.
func (w *importWorld) draftSeed(userID string) *answer {
	w.t.Helper()
	seed, err := os.ReadFile("../draft/testdata/seed.txt")
	if err != nil {
		w.t.Fatal(err)
	}
	const msgID = "1700000000000000555"
	return w.post(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Member: memberOf(userID),
		Data: discordgo.ApplicationCommandInteractionData{ID: "1300000000000000098", Name: "Draft records",
			CommandType: discordgo.MessageApplicationCommand, TargetID: msgID,
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{
				msgID: {ID: msgID, ChannelID: "1100000000000000100", Content: string(seed), Timestamp: time.Date(2025, 1, 3, 15, 0, 0, 0, time.UTC)}}}}})
}

// draftForm is a form Liaison opened, as Discord received it.
type draftForm struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Components []struct {
				CustomID    string `json:"custom_id"`
				Label       string `json:"label"`
				Value       string `json:"value"`
				Placeholder string `json:"placeholder"`
			} `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

// openForm presses Edit… as userID and returns the form Discord was asked to show.
func (w *importWorld) openForm(userID, customID string) (*answer, *draftForm) {
	w.t.Helper()
	a := w.press(userID, customID)
	if a.Type != discordgo.InteractionResponseModal {
		return a, nil
	}
	var f draftForm
	if err := json.Unmarshal(w.raw, &f); err != nil {
		w.t.Fatal(err)
	}
	return a, &f
}

// submit sends the form back as Discord does: its one text input, in an action row, holding
// text. discordgo writes no components for a submitted form, so the body is written here.
func (w *importWorld) submit(userID string, f *draftForm, text string) *answer {
	w.t.Helper()
	body, err := json.Marshal(&discordgo.Interaction{Type: discordgo.InteractionModalSubmit, Member: memberOf(userID),
		Message: &discordgo.Message{ID: "1600000000000000001", ChannelID: "1100000000000000100"},
		Data:    discordgo.ModalSubmitInteractionData{CustomID: f.Data.CustomID}})
	if err != nil {
		w.t.Fatal(err)
	}
	var i map[string]any
	_ = json.Unmarshal(body, &i)
	n := w.n.Add(1)
	i["id"], i["token"], i["application_id"], i["version"] = strconv.FormatInt(1400000000000000000+n, 10), fmt.Sprintf("dG9rZW4%d", n), fakediscord.ApplicationID, 1
	i["guild_id"], i["channel_id"], i["locale"] = importGuild, "1100000000000000100", discordgo.EnglishUS
	if w.locale != "" {
		i["locale"] = w.locale
	}
	i["data"] = map[string]any{"custom_id": f.Data.CustomID, "components": []any{map[string]any{"type": 1,
		"components": []any{map[string]any{"type": 4, "custom_id": f.Data.Components[0].Components[0].CustomID, "value": text}}}}}
	body, _ = json.Marshal(i)
	w.last = body
	return w.send(body)
}

// ledger is what the guild holds after a Confirm: each arrival and pledge as "GT 70 military",
// with its source, and the count of reports and flights.
func (w *importWorld) ledger() (recs []string, sources map[string]string) {
	w.t.Helper()
	ctx, sources := context.Background(), map[string]string{}
	_ = w.store.EachArrival(ctx, importGuild, func(a storage.Arrival) error {
		k := "arrival " + a.Country + " " + strconv.Itoa(a.Personnel) + " " + string(a.Role)
		recs, sources[k] = append(recs, k), a.Source
		return nil
	})
	_ = w.store.EachPledge(ctx, importGuild, func(p storage.Pledge) error {
		n := "?"
		if p.Personnel != nil {
			n = strconv.Itoa(*p.Personnel)
		}
		k := "pledge " + p.Country + " " + n + " " + string(p.Role)
		recs, sources[k] = append(recs, k), p.Source
		return nil
	})
	_ = w.store.EachReport(ctx, importGuild, func(r storage.Report) error {
		k := "report " + string(r.Figure) + " " + strconv.Itoa(r.Value)
		recs, sources[k] = append(recs, k), r.Source
		return nil
	})
	_ = w.store.EachFlight(ctx, importGuild, func(f storage.Flight) error {
		recs = append(recs, "flight")
		return nil
	})
	slices.Sort(recs)
	return recs, sources
}

// TestDraftEditThroughTheSignedEndpoint: a draft's Edit… opens a form (valid against Discord's
// spec) holding the draft as lines; only the draft's author or an admin may open it; a bad
// line is refused by its number and changes nothing; a corrected form replaces the draft with a
// corrected preview whose Confirm stores exactly the corrected records, each unchanged line
// keeping its sentence and the message's link; an expired draft refuses Edit… and its form.
func TestDraftEditThroughTheSignedEndpoint(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, store *storage.Store, clock *storagetest.Clock) {
		testDraftEdit(t, newImportWorldOn(t, store, clock))
	})
}

func testDraftEdit(t *testing.T, w *importWorld) {
	preview := w.draftSeed(uploader)
	b := buttons(preview)
	if b["Confirm"] == "" || b["Edit…"] == "" || b["Cancel"] == "" {
		t.Fatalf("draft buttons = %v, want Confirm, Edit… and Cancel", b)
	}

	// Another moderator may not open the uploader's draft; a member may not press at all.
	if r, f := w.openForm(otherMod, b["Edit…"]); f != nil || !ephemeral(r) || !strings.Contains(content(r), "Only the uploader") {
		t.Errorf("another moderator's Edit… = %q, want an ephemeral refusal", content(r))
	}
	if r, f := w.openForm(plainMember, b["Edit…"]); f != nil || !ephemeral(r) || !strings.Contains(content(r), "moderators") {
		t.Errorf("member's Edit… = %q, want an ephemeral refusal", content(r))
	}

	_, f := w.openForm(uploader, b["Edit…"])
	if f == nil {
		t.Fatal("Edit… opened no form")
	}
	text := f.Data.Components[0].Components[0].Value
	for _, want := range []string{"arrival GT 75 military 2025-01-03 #1", "arrival SV 8 military 2025-01-03 #2",
		"figure deployed 400 2025-01-03", "figure planned 2500 2025-01-03", "pledge KE ? ", "pledge JM ? ", "flight "} {
		if !strings.Contains(text, want) {
			t.Errorf("form lacks %q:\n%s", want, text)
		}
	}
	if f.Data.Title == "" || !strings.Contains(f.Data.Components[0].Components[0].Placeholder, "#1") {
		t.Errorf("form title %q, placeholder %q", f.Data.Title, f.Data.Components[0].Components[0].Placeholder)
	}

	// Bad lines are refused by their number in the form, and the draft stays as it was.
	for bad, want := range map[string]string{
		strings.Replace(text, "GT 75", "XX 75", 1):                                `Line 1 of the form ("arrival XX 75 military 2025-01-03 #1"): unknown country "XX"`,
		strings.Replace(text, "arrival SV 8", "arrivals SV 8", 1):                 `Line 2 of the form`,
		strings.Replace(text, "arrival SV 8 military", "arrival SV", 1):           "no count of people",
		text + "\n\narrival GT 5 military 2025-01-03 #99":                         "Line 11 of the form",
		strings.Replace(text, "arrival GT 75 military", "arrival GT 75 cooks", 1): "Line 1",
		"\n \n": "no record left",
	} {
		r := w.submit(uploader, f, bad)
		if !ephemeral(r) || !strings.Contains(content(r), want) {
			t.Errorf("form with a bad line = %q, want an ephemeral refusal with %q", content(r), want)
		}
	}
	// What a forged form carries is checked again: its text's size and characters, and the
	// number of records its custom_id says the form showed.
	if r := w.submit(uploader, f, text+"\n"+strings.Repeat("x", 4000-len([]rune(text)))); !ephemeral(r) || !strings.Contains(content(r), "at most 4000") {
		t.Errorf("a form of 4,001 characters = %q, want a refusal", content(r))
	}
	if r := w.submit(uploader, f, text+"\x07"); !ephemeral(r) || !strings.Contains(content(r), "lines") {
		t.Errorf("a form with a control character = %q, want a refusal", content(r))
	}
	forged := *f
	forged.Data.CustomID = f.Data.CustomID[:strings.LastIndex(f.Data.CustomID, ":")] + ":10"
	if r := w.submit(uploader, &forged, text); !ephemeral(r) || !strings.Contains(content(r), "not known") {
		t.Errorf("a form claiming 10 records shown of 9 = %q, want a refusal", content(r))
	}
	if r := w.submit(otherMod, f, text); !ephemeral(r) || !strings.Contains(content(r), "Only the uploader") {
		t.Errorf("another moderator's form = %q, want an ephemeral refusal", content(r))
	}

	// The corrected form: GT 70 instead of 75, Jamaica's pledge gone, and a new pledge of 50
	// Beninese police without a source number, which gets the message's link.
	var kept []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "pledge JM") {
			kept = append(kept, l)
		}
	}
	// Kenya's and Chad's pledges, which name no role, get one; Benin's stays in doubt and is
	// left out.
	corrected := strings.Replace(strings.Join(kept, "\n"), "arrival GT 75", "arrival GT 70", 1) + "\npledge BJ 50 police 2025-01-02"
	corrected = strings.Replace(strings.Replace(corrected, "pledge KE ? ", "pledge KE ? military ", 1), "pledge TD ? ", "pledge TD ? military ", 1)
	done := w.submit(uploader, f, corrected)
	if done.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("corrected form = type %d %q, want the preview updated", done.Type, content(done))
	}
	nb := buttons(done)
	if nb["Confirm"] == "" || nb["Edit…"] == "" || nb["Cancel"] == "" || nb["Confirm"] == b["Confirm"] {
		t.Fatalf("corrected preview buttons = %v, want a new Confirm, Edit… and Cancel", nb)
	}
	for _, want := range []string{"Guatemala 70", "Benin 50", "9 records", "Kenya size unknown military", "1 record left out until its role is set"} {
		if !strings.Contains(content(done), want) {
			t.Errorf("corrected preview lacks %q:\n%s", want, content(done))
		}
	}
	if r := w.press(uploader, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "already confirmed or cancelled") {
		t.Errorf("the replaced draft's Confirm = %q, want a refusal", content(r))
	}
	if r := w.submit(uploader, f, corrected); !ephemeral(r) {
		t.Errorf("the replaced draft's form sent again = %q, want a refusal", content(r))
	}
	if recs, _ := w.ledger(); len(recs) != 0 {
		t.Fatalf("stored before Confirm: %v", recs)
	}

	if r := w.press(uploader, nb["Confirm"]); !strings.Contains(content(r), "arrivals 2") {
		t.Fatalf("Confirm of the corrected draft = %q", content(r))
	}
	recs, sources := w.ledger()
	want := []string{"arrival GT 70 military", "arrival SV 8 military", "flight", "pledge BJ 50 police",
		"pledge KE ? military", "pledge TD ? military", "report deployed 400", "report planned 2500"}
	if strings.Join(recs, "|") != strings.Join(want, "|") {
		t.Errorf("stored after the corrected Confirm:\n%v\nwant\n%v", recs, want)
	}
	const link = "https://discord.com/channels/" + importGuild + "/1100000000000000100/1700000000000000555"
	if s := sources["arrival GT 70 military"]; !strings.Contains(s, "Guatemalan") || !strings.HasSuffix(s, link) {
		t.Errorf("changed line's source %q, want its sentence and the link", s)
	}
	if s := sources["pledge BJ 50 police"]; s != link {
		t.Errorf("new line's source %q, want the message's link", s)
	}

	// An admin may correct a moderator's draft; it stays the moderator's to confirm.
	b = buttons(w.draftSeed(uploader))
	_, f = w.openForm(serverManager, b["Edit…"])
	if f == nil {
		t.Fatal("an admin's Edit… opened no form")
	}
	r := w.submit(serverManager, f, f.Data.Components[0].Components[0].Value)
	if !strings.Contains(content(r), "Corrected by") || !strings.Contains(content(r), "Only <@"+uploader+">") {
		t.Errorf("admin's correction = %q, want it named and the draft still the uploader's", content(r))
	}

	// An uploaded file has no Edit…, and a forged one is refused: its lines are the file's.
	url := w.fake.AddAttachment("arrivals.csv", "text/csv", []byte(importFile))
	upload := buttons(w.upload(uploader, url, len(importFile)))
	if upload["Edit…"] != "" {
		t.Errorf("an upload's buttons %v offer Edit…", upload)
	}
	if r, g := w.openForm(uploader, strings.Replace(upload["Confirm"], ":confirm:", ":edit:", 1)); g != nil || !ephemeral(r) || !strings.Contains(content(r), "not known") {
		t.Errorf("a forged Edit… of an upload = %q, want a refusal", content(r))
	}

	// An expired draft refuses Edit… and the form opened before it expired.
	b = buttons(w.draftSeed(uploader))
	_, f = w.openForm(uploader, b["Edit…"])
	w.clock.Advance(storage.PreviewLife + time.Second)
	if r, g := w.openForm(uploader, b["Edit…"]); g != nil || !ephemeral(r) || !strings.Contains(content(r), "expired") {
		t.Errorf("Edit… of an expired draft = %q, want a refusal", content(r))
	}
	if r := w.submit(uploader, f, f.Data.Components[0].Components[0].Value); !ephemeral(r) || !strings.Contains(content(r), "expired") {
		t.Errorf("form of an expired draft = %q, want a refusal", content(r))
	}
	// In French the form is written in French, and read back as it was written.
	w.locale = discordgo.French
	b = buttons(w.draftSeed(uploader))
	_, f = w.openForm(uploader, b["Modifier…"])
	if f == nil || !strings.Contains(f.Data.Components[0].Components[0].Value, "arrivée GT 75 militaires 2025-01-03 #1") ||
		!strings.HasPrefix(f.Data.Components[0].Components[0].Placeholder, "arrivée") {
		t.Fatalf("French form = %+v", f)
	}
	if r := w.submit(uploader, f, f.Data.Components[0].Components[0].Value); !strings.Contains(content(r), "9 enregistrements") || buttons(r)["Confirmer"] == "" {
		t.Errorf("the French form sent back unchanged = %q", content(r))
	}
	w.fake.AssertValid(t)
}
