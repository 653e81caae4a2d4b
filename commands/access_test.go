package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/storage"
)

// specAccess is SPEC §3's "who" column, written out by hand: it is the contract the routes are
// checked against, so a route whose declared access drifts from it fails here.
var specAccess = map[string]bot.Access{
	"mission show":            bot.Everyone,
	"mission set":             bot.Admin,
	"forces":                  bot.Everyone,
	"arrival log":             bot.Moderator,
	"arrival edit":            bot.Moderator,
	"arrival delete":          bot.Moderator,
	"arrivals":                bot.Everyone,
	"departure log":           bot.Moderator,
	"pledge set":              bot.Moderator,
	"pledge list":             bot.Everyone,
	"report log":              bot.Moderator,
	"report edit":             bot.Moderator,
	"report delete":           bot.Moderator,
	"report draft":            bot.Moderator,
	"Draft records":           bot.Moderator, // the message command
	"reports":                 bot.Everyone,
	"flight schedule":         bot.Moderator,
	"flight add":              bot.Moderator,
	"flight delay":            bot.Moderator,
	"flight land":             bot.Moderator,
	"flight cancel":           bot.Moderator,
	"flight unland":           bot.Moderator,
	"flight show":             bot.Everyone,
	"flights":                 bot.Everyone,
	"reminders offsets":       bot.Moderator,
	"reminders list":          bot.Everyone,
	"settings show":           bot.Admin,
	"settings channel":        bot.Admin,
	"settings moderator-role": bot.Admin,
	"settings ping-role":      bot.Admin,
	"settings timezone":       bot.Admin,
	"settings digest":         bot.Admin,
	"settings language":       bot.Admin,
	"settings share":          bot.Admin,
	"history":                 bot.Moderator,
	"export":                  bot.Moderator,
	"import":                  bot.Moderator,
	"help":                    bot.Everyone,
}

// caller is one of the three kinds of member SPEC §3 distinguishes.
type caller struct {
	name   string
	access bot.Access
	perms  int64
	roles  []string
}

const moderatorRole = "555"

var callers = []caller{
	{"member", bot.Everyone, 0, nil},
	{"moderator", bot.Moderator, 0, []string{moderatorRole}},
	{"admin", bot.Admin, discordgo.PermissionManageGuild, nil},
}

func accessHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, storage.DriverSQLite)
	if _, err := h.store.UpdateGuild(context.Background(), storage.Actor{GuildID: "100", UserID: "1"}, func(g *storage.Guild) error {
		g.ModeratorRoleID = moderatorRole
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

func denied(resp *discordgo.InteractionResponse) bool {
	return resp.Data != nil && strings.HasPrefix(resp.Data.Content, "⛔")
}

// TestEveryRouteAccess sends every registered route as a member, a moderator and an admin and
// checks the router's verdict against SPEC §3, cell by cell. A route missing from the table
// fails too, so a new route must be given its row.
func TestEveryRouteAccess(t *testing.T) {
	h := accessHarness(t)
	seen := map[string]bool{}
	for _, cmd := range h.router.Commands() {
		for _, r := range cmd.Routes {
			key := bot.RouteKey(cmd.Name, r.Name)
			seen[key] = true
			want, ok := specAccess[key]
			if !ok {
				t.Errorf("route /%s is not in SPEC §3's table (specAccess)", key)
				continue
			}
			for _, c := range callers {
				var opts []*discordgo.ApplicationCommandInteractionDataOption
				if r.Name != "" {
					opts = append(opts, sub(r.Name))
				}
				resp := h.call(command("100", c.perms, c.roles, cmd.Name, opts...))
				if got, wantDenied := denied(resp), c.access < want; got != wantDenied {
					t.Errorf("/%s as %s: denied = %v, want %v (answer %q)", key, c.name, got, wantDenied, resp.Data.Content)
				}
			}
		}
	}
	for key := range specAccess {
		if !seen[key] {
			t.Errorf("SPEC §3 names /%s, but no route serves it", key)
		}
	}
}

// TestAccessCoversAutocompleteAndButtons checks that the route's access also guards its
// autocomplete and its buttons: a member sees no choices for a moderators' option and cannot
// page through a moderators' list by clicking a button they can see.
func TestAccessCoversAutocompleteAndButtons(t *testing.T) {
	h := accessHarness(t)
	for _, c := range callers {
		i := command("100", c.perms, c.roles, "arrival", sub("log", &discordgo.ApplicationCommandInteractionDataOption{
			Name: "country", Type: discordgo.ApplicationCommandOptionString, Value: "gua", Focused: true}))
		i.Type = discordgo.InteractionApplicationCommandAutocomplete
		resp := h.call(i)
		got := len(resp.Data.Choices) > 0
		if want := c.access >= bot.Moderator; got != want {
			t.Errorf("/arrival log autocomplete as %s: choices offered = %v, want %v", c.name, got, want)
		}

		click := &discordgo.Interaction{ID: "2", Type: discordgo.InteractionMessageComponent, GuildID: "100", Token: "t",
			Member: &discordgo.Member{User: &discordgo.User{ID: "7"}, Permissions: c.perms, Roles: c.roles},
			Data:   discordgo.MessageComponentInteractionData{CustomID: bot.ComponentID("history", "1::0"), ComponentType: discordgo.ButtonComponent}}
		resp = h.call(click)
		if got, want := denied(resp), c.access < bot.Moderator; got != want {
			t.Errorf("/history page button as %s: denied = %v, want %v (answer %q)", c.name, got, want, resp.Data.Content)
		}
	}
}

// TestUnknownRouteIsTheUsersError: a command this version does not have (a stale registration
// or a forged body) gets a clear ephemeral answer, not "Something went wrong".
func TestUnknownRouteIsTheUsersError(t *testing.T) {
	h := accessHarness(t)
	for _, i := range []*discordgo.Interaction{
		command("100", 0, nil, "teleport"),
		command("100", 0, nil, "flight", sub("teleport")),
		command("100", 0, nil, "flight"), // a subcommand is missing
	} {
		resp := h.call(i)
		if resp.Data == nil || !strings.Contains(resp.Data.Content, "not known") || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: answer %+v, want an ephemeral \"not known\"", i.ApplicationCommandData().Name, resp.Data)
		}
	}
}
