package commands_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// importWorld is the HTTP door as `liaison run` serves it, with a fake Discord that serves
// attachments on its loopback host (the host of api_base), and a real database.
type importWorld struct {
	t     *testing.T
	fake  *fakediscord.Server
	store *storage.Store
	clock *storagetest.Clock
	url   string
	priv  ed25519.PrivateKey
	n     atomic.Int64
	last  []byte // the body of the last interaction sent
	raw   []byte // the last answer as Discord received it
	// locale is the Discord client's language the interactions carry; empty is English (US).
	locale discordgo.Locale
	// router and session are the instance's own, for a gateway opened on it.
	router  *bot.Router
	session *discordgo.Session
}

const (
	importGuild   = "1100000000000000002"
	modRole       = "1200000000000000555"
	uploader      = "1100000000000000201"
	otherMod      = "1100000000000000202"
	plainMember   = "1100000000000000203"
	serverManager = "1100000000000000204"
)

func newImportWorld(t *testing.T) *importWorld {
	t.Helper()
	store, clock := storagetest.OpenClock(t, storage.DriverSQLite)
	return newImportWorldOn(t, store, clock)
}

// newImportWorldOn is newImportWorld on the given store, for a test run on each driver.
func newImportWorldOn(t *testing.T, store *storage.Store, clock *storagetest.Clock) *importWorld {
	t.Helper()
	fake := fakediscord.New(t)
	clock.Set(time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC))
	if _, err := store.UpdateGuild(context.Background(), storage.Actor{GuildID: importGuild}, func(g *storage.Guild) error {
		g.ModeratorRoleID = modRole
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return serveWorld(t, fake, store, clock)
}

// serveWorld is one instance of Liaison's HTTP door over store: a second one over the same
// store is another instance behind the same load balancer, or the same after a restart.
func serveWorld(t *testing.T, fake *fakediscord.Server, store *storage.Store, clock *storagetest.Clock) *importWorld {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	router, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log,
		Attachments: bot.AttachmentFetcher{APIBase: fake.APIBase()}}))
	if err != nil {
		t.Fatal(err)
	}
	router.Now = clock.Now
	// These tests read the first answer: a bound no loaded machine reaches keeps it the answer
	// itself, never a deferral (the bot package tests deferral on its own).
	router.DeferAfter = time.Minute
	session, err := bot.NewSession(bot.SessionConfig{Token: "test-token", APIBase: fake.APIBase(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	srv := httptest.NewServer(&bot.Endpoint{Router: router, PublicKey: pub, Session: session, Log: log})
	t.Cleanup(srv.Close)
	return &importWorld{t: t, fake: fake, store: store, clock: clock, url: srv.URL, priv: priv, router: router, session: session}
}

// memberOf is a member as Discord sends it: a moderator by role, or a server manager.
func memberOf(userID string) *discordgo.Member {
	m := &discordgo.Member{User: &discordgo.User{ID: userID, Username: "u" + userID[len(userID)-3:]},
		Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}
	switch userID {
	case uploader, otherMod:
		m.Roles = []string{modRole}
	case serverManager:
		m.Permissions |= discordgo.PermissionManageGuild
	}
	return m
}

// answer is an interaction's answer as the test reads it.
type answer struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *struct {
		Content    string `json:"content"`
		Flags      int    `json:"flags"`
		Components []struct {
			Components []struct {
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

// post signs and sends an interaction and returns Discord's view of the answer.
func (w *importWorld) post(i *discordgo.Interaction) *answer {
	w.t.Helper()
	n := w.n.Add(1)
	i.ID, i.Token, i.AppID, i.Version = strconv.FormatInt(1400000000000000000+n, 10), fmt.Sprintf("dG9rZW4%d", n), fakediscord.ApplicationID, 1
	i.GuildID, i.ChannelID, i.Locale = importGuild, "1100000000000000100", w.locale
	if i.Locale == "" {
		i.Locale = discordgo.EnglishUS
	}
	body, err := json.Marshal(i)
	if err != nil {
		w.t.Fatal(err)
	}
	w.last = body
	return w.send(body)
}

func (w *importWorld) send(body []byte) *answer {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.url+"/interactions", bytes.NewReader(body))
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(stamp), body...))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("POST /interactions = %s: %s", resp.Status, raw)
	}
	w.raw = raw
	if err := w.fake.ValidateInteractionResponse(raw); err != nil {
		w.t.Errorf("answer breaks Discord spec: %v\n%s", err, raw)
	}
	var out answer
	if err := json.Unmarshal(raw, &out); err != nil {
		w.t.Fatalf("answer %s: %v", raw, err)
	}
	return &out
}

// upload is /import file:<url> by userID, with the attachment in resolved data as Discord
// sends it.
func (w *importWorld) upload(userID, url string, size int) *answer {
	w.t.Helper()
	const attID = "1500000000000000001"
	return w.post(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Member: memberOf(userID),
		Data: discordgo.ApplicationCommandInteractionData{ID: "1300000000000000099", Name: "import", CommandType: discordgo.ChatApplicationCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: attID}},
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{
				attID: {ID: attID, Filename: "arrivals.csv", URL: url, ProxyURL: url, Size: size, ContentType: "text/csv"}}}}})
}

// press clicks a button of the preview as userID.
func (w *importWorld) press(userID, customID string) *answer {
	w.t.Helper()
	return w.post(&discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Member: memberOf(userID),
		Message: &discordgo.Message{ID: "1600000000000000001", ChannelID: "1100000000000000100"},
		Data:    discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}})
}

// buttons are the custom IDs of an answer's buttons by label.
func buttons(r *answer) map[string]string {
	out := map[string]string{}
	if r.Data == nil {
		return out
	}
	for _, row := range r.Data.Components {
		for _, b := range row.Components {
			out[b.Label] = b.CustomID
		}
	}
	return out
}

func content(r *answer) string {
	if r.Data == nil {
		return ""
	}
	return r.Data.Content
}

func ephemeral(r *answer) bool {
	return r.Data != nil && r.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0
}

func (w *importWorld) arrivals() int64 {
	_, n, err := w.store.FindArrivals(context.Background(), importGuild, storage.ArrivalFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

const importFile = "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone,language\n" +
	"#meta+kind,#meta+id,#date+occurred,#country+code+v_iso3,#indicator+num+personnel,#group+role,,,,,,,,,,#meta+source,,,,,\n" +
	"arrival,1,2024-06-25T12:00:00Z,KEN,200,police,,,,,,,,first contingent,,press,,,,,\n" +
	"arrival,2,2024-07-16T12:00:00Z,KE,200,police,,,,,,,,second contingent,,press,,,,,\n" +
	"departure,3,2024-08-01T12:00:00Z,KE,10,police,,,,,,,,,rotation,press,,,,,\n"

// TestImportThroughTheSignedEndpoint walks /import as each kind of member would: a preview that
// stores nothing, buttons only the uploader or an admin may press, one import however often
// Confirm is pressed, Cancel, expiry, a file with bad lines, and hostile attachment URLs.
func TestImportThroughTheSignedEndpoint(t *testing.T) {
	w := newImportWorld(t)
	url := w.fake.AddAttachment("arrivals.csv", "text/csv", []byte(importFile))

	// A member without the moderator role is refused before anything is downloaded.
	if r := w.upload(plainMember, url, len(importFile)); !ephemeral(r) || !strings.Contains(content(r), "moderators") {
		t.Errorf("member's /import = %q, want an ephemeral refusal", content(r))
	}
	if n := w.fake.AttachmentFetches(url); n != 0 {
		t.Errorf("a refused member's upload was downloaded %d times", n)
	}

	preview := w.upload(uploader, url, len(importFile))
	text := content(preview)
	for _, want := range []string{"3 records", "arrivals 2", "departures 1", "HXL", "`3` `arrival · 2024-06-25T12:00:00Z · KEN · 200 · police`", "expires"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	if ephemeral(preview) {
		t.Error("the preview is ephemeral; the buttons are for the uploader and the admins who see it")
	}
	b := buttons(preview)
	if b["Confirm"] == "" || b["Cancel"] == "" {
		t.Fatalf("preview buttons = %v, want Confirm and Cancel", b)
	}
	if n := w.arrivals(); n != 0 {
		t.Fatalf("%d arrivals stored before Confirm", n)
	}

	// Another moderator may not confirm the uploader's file; a member may not press at all.
	if r := w.press(otherMod, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "Only the uploader") {
		t.Errorf("another moderator's Confirm = %q, want an ephemeral refusal", content(r))
	}
	if r := w.press(plainMember, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "moderators") {
		t.Errorf("member's Confirm = %q, want an ephemeral refusal", content(r))
	}
	if n := w.arrivals(); n != 0 {
		t.Fatalf("%d arrivals stored after refused Confirms", n)
	}

	// The uploader confirms; a second press stores nothing more.
	done := w.press(uploader, b["Confirm"])
	if done.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(content(done), "arrivals 2, departures 1") {
		t.Errorf("Confirm = type %d %q, want the preview updated with what was stored", done.Type, content(done))
	}
	if len(buttons(done)) != 0 {
		t.Errorf("the confirmed preview still has buttons %v", buttons(done))
	}
	if r := w.send(w.last); !ephemeral(r) {
		t.Errorf("the same signed Confirm sent again = %q, want an ephemeral answer", content(r))
	}
	again := w.press(uploader, b["Confirm"])
	if !ephemeral(again) || !strings.Contains(content(again), "already confirmed") {
		t.Errorf("second Confirm = %q, want an ephemeral refusal", content(again))
	}
	if n := w.arrivals(); n != 2 {
		t.Errorf("arrivals after two Confirms = %d, want 2", n)
	}
	totals, _ := w.store.ForceTotals(context.Background(), importGuild)
	if len(totals) != 1 || totals[0].Deployed != 390 {
		t.Errorf("force totals after import = %+v, want KE police 390", totals)
	}
	audit, _ := w.store.FindAudit(context.Background(), importGuild, storage.AuditFilter{})
	imported := 0
	for _, e := range audit {
		if e.Command == "/import" && e.UserID == uploader {
			imported++
		}
	}
	if imported != 3 {
		t.Errorf("audit entries of the import = %d, want 3", imported)
	}

	// Cancel stores nothing, and the cancelled preview cannot be confirmed; an admin may
	// cancel a moderator's upload.
	b = buttons(w.upload(uploader, url, len(importFile)))
	if r := w.press(serverManager, b["Cancel"]); r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(content(r), "cancelled") {
		t.Errorf("admin's Cancel = %q, want the preview updated", content(r))
	}
	if r := w.press(uploader, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "already confirmed or cancelled") {
		t.Errorf("Confirm after Cancel = %q, want a refusal", content(r))
	}

	// An admin may confirm a moderator's upload.
	b = buttons(w.upload(uploader, url, len(importFile)))
	if r := w.press(serverManager, b["Confirm"]); !strings.Contains(content(r), "imported") {
		t.Errorf("admin's Confirm = %q, want the import", content(r))
	}
	if n := w.arrivals(); n != 4 {
		t.Errorf("arrivals after the admin's Confirm = %d, want 4", n)
	}

	// A preview expires after 15 minutes.
	b = buttons(w.upload(uploader, url, len(importFile)))
	w.clock.Advance(storage.PreviewLife + time.Second)
	if r := w.press(uploader, b["Confirm"]); !ephemeral(r) || !strings.Contains(content(r), "expired") {
		t.Errorf("Confirm after 15 minutes = %q, want a refusal", content(r))
	}
	if n := w.arrivals(); n != 4 {
		t.Errorf("arrivals after an expired Confirm = %d, want 4", n)
	}

	// A file with a bad line names it and offers no Confirm.
	bad := strings.Replace(importFile, "KEN,200", "XX,200", 1)
	badURL := w.fake.AddAttachment("bad.csv", "text/csv", []byte(bad))
	r := w.upload(uploader, badURL, len(bad))
	if !strings.Contains(content(r), `line 3: unknown country "XX"`) || len(buttons(r)) != 0 {
		t.Errorf("bad file preview = %q with buttons %v, want the line named and no Confirm", content(r), buttons(r))
	}

	// A file that is not text is refused before its lines are read.
	for name, body := range map[string]string{"latin1.csv": "kind\xe9\n", "nul.csv": importFile + "# \x00\n"} {
		u := w.fake.AddAttachment(name, "text/csv", []byte(body))
		if r := w.upload(uploader, u, len(body)); !ephemeral(r) || !strings.Contains(content(r), "not UTF-8 text") {
			t.Errorf("%s = %q, want a refusal", name, content(r))
		}
	}

	// Hostile URLs are refused without a request; an oversized file before download.
	for _, hostile := range []string{"http://169.254.169.254/latest/meta-data/", "https://evil.example/arrivals.csv",
		"https://cdn.discordapp.com.evil.example/x.csv", "http://cdn.discordapp.com/x.csv", "file:///etc/passwd"} {
		r := w.upload(uploader, hostile, 100)
		if !ephemeral(r) || !strings.Contains(content(r), "not on Discord's CDN") {
			t.Errorf("upload from %s = %q, want a refusal", hostile, content(r))
		}
	}
	if r := w.upload(uploader, url, 3<<20); !ephemeral(r) || !strings.Contains(content(r), "larger than 2 MiB") {
		t.Errorf("a 3 MiB attachment = %q, want a refusal", content(r))
	}
	w.fake.AssertValid(t)
}
