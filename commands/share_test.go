package commands_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// shareHarness is newHarness with [http].public_url set.
func shareHarness(t *testing.T, store *storage.Store, clock *storagetest.Clock, publicURL string) *harness {
	t.Helper()
	clock.Set(time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log, PublicURL: publicURL}))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = clock.Now
	r.DeferAfter = time.Minute // the first answer is the command's, however loaded the machine
	return &harness{t: t, store: store, clock: clock, router: r, log: &logs}
}

var shareLink = regexp.MustCompile(`https://liaison\.test/s/([A-Za-z0-9_-]{43})\b`)

func boolOpt(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// TestSettingsShare: admins only; the link is answered to the admin alone; each change is
// audited without the token; the token is stored nowhere, only its hash; new_link and off end
// the old link at once.
func TestSettingsShare(t *testing.T) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, store *storage.Store, clock *storagetest.Clock) {
		h := shareHarness(t, store, clock, "https://liaison.test")
		ctx := context.Background()
		if _, err := h.store.UpdateGuild(ctx, storage.Actor{GuildID: "100", UserID: "1"}, func(g *storage.Guild) error {
			g.ModeratorRoleID = moderatorRole
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		share := func(perms int64, roles []string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionResponse {
			return h.call(command("100", perms, roles, "settings", sub("share", opts...)))
		}
		for _, c := range callers[:2] {
			resp := share(c.perms, c.roles, opt("what", "forces"))
			if !strings.HasPrefix(resp.Data.Content, "⛔") {
				t.Errorf("%s: /settings share = %q, want refused", c.name, resp.Data.Content)
			}
		}
		if sh, _ := h.store.GuildShare(ctx, "100"); sh.Scope != mission.ShareOff {
			t.Fatalf("after refusals the share is %q, want off", sh.Scope)
		}

		resp := share(discordgo.PermissionManageGuild, nil, opt("what", "forces-and-flights"))
		if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("the link was answered publicly: %q", resp.Data.Content)
		}
		m := shareLink.FindStringSubmatch(resp.Data.Content)
		if m == nil || !strings.Contains(resp.Data.Content, "/s/"+m[1]+"/flights.ics") {
			t.Fatalf("answer has no link and calendar: %q", resp.Data.Content)
		}
		first := m[1]
		if _, err := h.store.ShareByToken(ctx, first); err != nil {
			t.Fatalf("ShareByToken(first link) = %v", err)
		}
		assertTokenNotStored(t, h.store, first)

		// Changing the scope keeps the link; new_link replaces it and the old one stops.
		resp = share(discordgo.PermissionManageGuild, nil, opt("what", "forces"))
		if shareLink.MatchString(resp.Data.Content) {
			t.Errorf("a scope change without new_link gave a link: %q", resp.Data.Content)
		}
		if sh, err := h.store.ShareByToken(ctx, first); err != nil || sh.Scope != mission.ShareForces {
			t.Errorf("after what:forces the first link = %+v, %v; want it alive with forces", sh, err)
		}
		resp = share(discordgo.PermissionManageGuild, nil, opt("what", "forces"), boolOpt("new_link", true))
		m = shareLink.FindStringSubmatch(resp.Data.Content)
		if m == nil || m[1] == first {
			t.Fatalf("new_link gave no new link: %q", resp.Data.Content)
		}
		second := m[1]
		if _, err := h.store.ShareByToken(ctx, first); err != storage.ErrNotFound {
			t.Errorf("after new_link the old link = %v, want ErrNotFound", err)
		}
		if _, err := h.store.ShareByToken(ctx, second); err != nil {
			t.Errorf("after new_link the new link = %v", err)
		}
		assertTokenNotStored(t, h.store, second)

		share(discordgo.PermissionManageGuild, nil, opt("what", "off"))
		if _, err := h.store.ShareByToken(ctx, second); err != storage.ErrNotFound {
			t.Errorf("after off the link = %v, want ErrNotFound", err)
		}
		if sh, err := h.store.GuildShare(ctx, "100"); err != nil || sh.TokenHash != "" {
			t.Errorf("after off the share keeps hash %q (%v), want none", sh.TokenHash, err)
		}

		entries, err := h.store.FindAudit(ctx, "100", storage.AuditFilter{Kind: mission.KindSettings})
		if err != nil {
			t.Fatal(err)
		}
		var shares []string
		for _, e := range entries {
			if e.Command == "/settings share" {
				shares = append(shares, e.After)
				for _, tok := range []string{first, second, storage.HashShareToken(first), storage.HashShareToken(second)} {
					if strings.Contains(e.Before+e.After, tok) {
						t.Errorf("audit entry %d holds a token or its hash: %s → %s", e.ID, e.Before, e.After)
					}
				}
			}
		}
		want := []string{`{"share":"forces-and-flights","link":1}`, `{"share":"forces","link":1}`, `{"share":"forces","link":2}`, `{"share":"off","link":0}`}
		if len(shares) != len(want) {
			t.Fatalf("share audit entries = %q, want %q (oldest first)", shares, want)
		}
		for _, w := range want {
			if !strings.Contains(strings.Join(shares, " "), w) {
				t.Errorf("share audit entries %q lack %s", shares, w)
			}
		}
	})
}

// assertTokenNotStored reads every text column of the shares and audit tables: the token must
// be in none of them, its hash only in shares.token_hash.
func assertTokenNotStored(t *testing.T, s *storage.Store, token string) {
	t.Helper()
	sh, err := s.ShareByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if sh.TokenHash == token || sh.TokenHash != storage.HashShareToken(token) {
		t.Errorf("stored %q for token %q, want its hash", sh.TokenHash, token)
	}
	var dump []string
	if err := s.DB().Raw(`SELECT guild_id || scope || token_hash FROM shares UNION ALL SELECT before || after || command FROM audit_entries`).Scan(&dump).Error; err != nil {
		t.Fatal(err)
	}
	for _, row := range dump {
		if strings.Contains(row, token) {
			t.Errorf("the raw token is stored: %q", row)
		}
	}
}

// TestSettingsShareWithoutPublicURL: nothing is turned on, and the admin is told the key.
func TestSettingsShareWithoutPublicURL(t *testing.T) {
	store, clock := storagetest.OpenClock(t, storage.DriverSQLite)
	h := shareHarness(t, store, clock, "")
	out := h.run("/settings share what:forces")
	if !strings.Contains(out, "[http].public_url") {
		t.Errorf("/settings share without public_url = %q, want it to name [http].public_url", out)
	}
	if sh, _ := h.store.GuildShare(context.Background(), "100"); sh.Scope != mission.ShareOff {
		t.Errorf("share = %q, want off", sh.Scope)
	}
}
