package commands_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// The members of guild 100 in these tests: two with Manage Server, and one without.
const (
	holder  = "7"
	other   = "8"
	member  = "9"
	manager = discordgo.PermissionManageGuild
)

// callAs sends /name opts as user with perms in guild 100.
func (h *harness) callAs(user string, perms int64, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionResponse {
	h.t.Helper()
	i := command("100", perms, nil, name, opts...)
	i.Member.User.ID = user
	return h.call(i)
}

// pressAs presses the button customID as user with perms in guild 100, as a new interaction.
func (h *harness) pressAs(user string, perms int64, customID string) *discordgo.InteractionResponse {
	h.t.Helper()
	return h.pressIn("", user, perms, customID)
}

// pressIn is pressAs from a Discord client set to lang.
func (h *harness) pressIn(lang discordgo.Locale, user string, perms int64, customID string) *discordgo.InteractionResponse {
	h.t.Helper()
	id := strconv.FormatInt(1_300_000_000_000_000_000+interactionIDs.Add(1), 10)
	return h.call(&discordgo.Interaction{ID: id, Type: discordgo.InteractionMessageComponent, GuildID: "100", Token: "t", Locale: lang,
		Member: &discordgo.Member{User: &discordgo.User{ID: user}, Permissions: perms},
		Data:   discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}})
}

// labelled returns the custom_id of the answer's button labelled label, failing without one.
func labelled(t *testing.T, resp *discordgo.InteractionResponse, label string) string {
	t.Helper()
	b, ok := button(resp, label)
	if !ok {
		t.Fatalf("no %q button in %q", label, resp.Data.Content)
	}
	return b.CustomID
}

// labels lists an answer's button labels.
func labels(resp *discordgo.InteractionResponse) []string {
	var out []string
	if resp.Data == nil {
		return nil
	}
	for _, b := range buttonsOf(resp.Data.Components) {
		out = append(out, b.Label)
	}
	return out
}

func isEphemeral(resp *discordgo.InteractionResponse) bool {
	return resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0
}

// TestLeftOutRoleIsAsked: with one role on record the change is stored with it and the answer
// names it; with none or several, buttons ask, nothing is stored until one is pressed by the
// moderator who asked, and two presses store once.
func TestLeftOutRoleIsAsked(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := newHarness(t, driver)
			// One role on record: Kenya's police pledge.
			h.run("/pledge set country:KE personnel:1000 role:police")
			for _, tc := range []struct{ line, want string }{
				{"/arrival log country:KE personnel:50", "50 police"},
				{"/departure log country:Kenya personnel:10", "10 police"},
				{"/pledge set country:KE personnel:1200", "1,200 police"},
				{`/flight schedule eta:"in 2h" manifest:"KE 100"`, "100 police"},
				{"/flight add flight:1 country:KE personnel:5", "5 police"},
			} {
				if out := h.run(tc.line); !strings.Contains(out, "✅") || !strings.Contains(out, tc.want) {
					t.Errorf("%s: %s\nwant stored, naming %q", tc.line, out, tc.want)
				}
			}

			// No role on record: every role is offered, and nothing is stored.
			before := h.counts()
			ask := h.callAs(holder, manager, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0)))
			if want := []string{"police", "military", "medical", "staff", "support", "other", "Cancel"}; !isEphemeral(ask) ||
				strings.Join(labels(ask), ",") != strings.Join(want, ",") {
				t.Fatalf("no role on record: %q with buttons %v, want an ephemeral question with %v", ask.Data.Content, labels(ask), want)
			}
			if h.counts() != before {
				t.Errorf("the question stored something")
			}
			military := labelled(t, ask, "military")
			// Another moderator, and a member, may not answer for the holder.
			for _, who := range []struct {
				user  string
				perms int64
			}{{other, manager}, {member, 0}} {
				if r := h.pressAs(who.user, who.perms, military); !isEphemeral(r) || !strings.HasPrefix(r.Data.Content, "⛔") {
					t.Errorf("%s pressed the holder's button: %q, want an ephemeral refusal", who.user, r.Data.Content)
				}
			}
			if h.counts() != before {
				t.Errorf("another member's press stored something")
			}
			done := h.pressAs(holder, manager, military)
			if isEphemeral(done) || !strings.Contains(done.Data.Content, "75 military") || !strings.Contains(done.Data.Content, "Arrival **#") {
				t.Errorf("choosing military: %q, want the public answer of /arrival log naming the role", done.Data.Content)
			}
			again := h.pressAs(holder, manager, labelled(t, ask, "police"))
			if !isEphemeral(again) || !strings.Contains(again.Data.Content, "already stored or dropped") {
				t.Errorf("a second press: %q, want already done", again.Data.Content)
			}
			if got := h.counts(); got[0] != before[0]+1 {
				t.Errorf("arrivals after two presses = %d, want %d", got[0], before[0]+1)
			}

			// Several roles on record: the buttons offer those.
			h.run("/pledge set country:GT personnel:20 role:police")
			ask = h.callAs(holder, manager, "pledge", sub("set", opt("country", "GT"), opt("personnel", 100.0)))
			if got := strings.Join(labels(ask), ","); got != "police,military,Cancel" {
				t.Errorf("several roles on record: buttons %s, want police,military,Cancel", got)
			}
			if r := h.pressAs(holder, manager, labelled(t, ask, "Cancel")); !strings.Contains(r.Data.Content, "nothing was stored") {
				t.Errorf("Cancel: %q", r.Data.Content)
			}
			if r := h.pressAs(holder, manager, labelled(t, ask, "police")); !strings.Contains(r.Data.Content, "already stored or dropped") {
				t.Errorf("a role after Cancel: %q, want already done", r.Data.Content)
			}

			// A manifest of one entry in doubt asks with buttons; the choice goes to that entry.
			before = h.counts()
			ask = h.callAs(holder, manager, "flight", sub("schedule", opt("eta", "in 3h"), opt("manifest", "KE 4; El Salvador 8 3f")))
			if !isEphemeral(ask) || !strings.Contains(ask.Data.Content, "Entry 2") || len(labels(ask)) != 7 {
				t.Fatalf("a manifest with one entry in doubt: %q %v, want an ephemeral question on entry 2", ask.Data.Content, labels(ask))
			}
			done = h.pressAs(holder, manager, labelled(t, ask, "medical"))
			for _, want := range []string{"✅", "4 police", "8 medical"} {
				if !strings.Contains(replyText(done), want) {
					t.Errorf("choosing medical for entry 2: %q lacks %q", replyText(done), want)
				}
			}
			if f, err := h.store.Flight(context.Background(), "100", 2); err != nil || len(f.Manifest) != 2 || f.Manifest[1].Female != 3 {
				t.Errorf("flight #2 = %+v, %v; want its two entries, the second with its 3 women", f.Manifest, err)
			}

			// A manifest of several entries in doubt is refused naming each.
			out := h.run(`/flight schedule eta:"in 3h" manifest:"GT 75; SV 8; KE 4"`)
			for _, want := range []string{"entry 1 (🇬🇹 Guatemala): one of `police`, `military`", "entry 2 (🇸🇻 El Salvador)", "Example:", "(only you can see this)"} {
				if !strings.Contains(out, want) {
					t.Errorf("a manifest in doubt: %s\nlacks %q", out, want)
				}
			}
			// The choices are named as each reader's role list names them, so they can be typed.
			for locale, want := range map[string][2]string{
				"fr": {"L’une de `police`, `militaires`.", "indiquez l’une de `police`, `militaires`."},
				"es": {"Una de `policía`, `militares`.", "indique una de `policía`, `militares`."},
			} {
				if ask := h.runIn(locale, "/arrival log country:GT personnel:5")[0]; !strings.Contains(ask, want[0]) {
					t.Errorf("a left-out role, in %s: %s\nlacks %q", locale, ask, want[0])
				}
				if ask := h.runIn(locale, `/flight schedule eta:"in 3h" manifest:"KE 4 police; GT 75"`)[0]; !strings.Contains(ask, want[1]) {
					t.Errorf("a manifest's left-out role, in %s: %s\nlacks %q", locale, ask, want[1])
				}
			}
			for locale, want := range map[string]string{
				"fr": "entrée 1 (🇬🇹 Guatemala) : l’une de `police`, `militaires` ; entrée 2",
				"es": "entrada 1 (🇬🇹 Guatemala): una de `policía`, `militares`; entrada 2",
			} {
				out := h.runIn(locale, `/flight schedule eta:"in 3h" manifest:"GT 75; SV 8; KE 4"`)[0]
				if !strings.Contains(out, want) {
					t.Errorf("a manifest in doubt, in %s: %s\nlacks %q", locale, out, want)
				}
			}
		})
	}
}

// TestLikelyMistakesAreHeld: each likely mistake is held, named, stored once on Go ahead by its
// moderator, and not at all on Cancel or after 15 minutes.
func TestLikelyMistakesAreHeld(t *testing.T) {
	day := func(d int) string { return time.Date(2025, 1, 3+d, 12, 0, 0, 0, time.UTC).Format("2006-01-02 15:04") }
	tests := []struct {
		name  string
		setup []string
		cmd   string
		opts  []*discordgo.ApplicationCommandInteractionDataOption
		warn  []string
		// stored counts what the change stores: arrivals, departures, pledges, or flights.
		stored func(h *harness) int64
	}{
		{"an arrival logged again", []string{"/arrival log country:GT personnel:75 role:military when:\"2025-01-03 10:00\""},
			"arrival", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "Guatemala"), opt("personnel", 75.0), opt("role", "military")},
			[]string{"arrival already logged", "#1, logged by <@42>"}, func(h *harness) int64 { return h.counts()[0] }},
		{"an arrival a landing logged", []string{`/flight schedule eta:"in 1h" manifest:"GT 75 military"`, `/flight land flight:1`},
			"arrival", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 75.0), opt("role", "military")},
			[]string{"#1 (flight #1), logged by <@42>"}, func(h *harness) int64 { return h.counts()[0] }},
		{"a departure logged again", []string{"/arrival log country:GT personnel:75 role:military when:2025-01-01", "/departure log country:GT personnel:20 role:military when:\"2025-01-03 10:00\""},
			"departure", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 20.0), opt("role", "military")},
			[]string{"departure already logged", "#1, logged by <@42>"}, func(h *harness) int64 { return h.counts()[1] }},
		{"a pledge older than the one in force", []string{"/pledge set country:JM personnel:200 role:police as_of:2025-01-02"},
			"pledge", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "JM"), opt("personnel", 150.0), opt("role", "police"), opt("as_of", "2024-12-20")},
			[]string{"before pledge #1 in force", "never be in force"}, func(h *harness) int64 { return h.counts()[2] }},
		{"a flight scheduled in the past", nil,
			"flight", []*discordgo.ApplicationCommandInteractionDataOption{sub("schedule", opt("eta", "yesterday 10:00"), opt("manifest", "GT 75 military"))},
			[]string{"is in the past"}, flights},
		{"a delay to a time already past", []string{`/flight schedule eta:"in 1h" manifest:"GT 75 military"`},
			"flight", []*discordgo.ApplicationCommandInteractionDataOption{sub("delay", opt("flight", 1.0), opt("eta", "-3h"), opt("reason", "crew"))},
			[]string{"is in the past"}, delays},
		{"a landing 37 hours before the ETA", []string{`/flight schedule eta:"` + day(2) + `" manifest:"GT 75 military"`},
			"flight", []*discordgo.ApplicationCommandInteractionDataOption{sub("land", opt("flight", 1.0))},
			[]string{"Flight #1 would land", "more than 12 hours from its ETA"}, func(h *harness) int64 { return h.counts()[0] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, driver := range storagetest.Drivers() {
				h := newHarness(t, driver)
				h.run(tt.setup...)
				h.clock.Advance(time.Hour)
				opts := tt.opts
				if tt.cmd != "flight" {
					opts = []*discordgo.ApplicationCommandInteractionDataOption{sub(map[string]string{"arrival": "log", "departure": "log", "pledge": "set"}[tt.cmd], opts...)}
				}
				before := tt.stored(h)
				held := h.callAs(holder, manager, tt.cmd, opts...)
				for _, want := range append(tt.warn, "⚠️", "Go ahead") {
					if !strings.Contains(held.Data.Content, want) {
						t.Errorf("%s: the warning %q lacks %q", driver, held.Data.Content, want)
					}
				}
				if !isEphemeral(held) || tt.stored(h) != before {
					t.Fatalf("%s: held %+v (stored %d → %d), want an ephemeral warning and nothing stored", driver, held.Data, before, tt.stored(h))
				}
				goAhead := labelled(t, held, "Go ahead")
				if r := h.pressAs(other, manager, goAhead); !strings.HasPrefix(r.Data.Content, "⛔") || tt.stored(h) != before {
					t.Errorf("%s: another moderator's Go ahead: %q, want refused and nothing stored", driver, r.Data.Content)
				}
				first := h.pressAs(holder, manager, goAhead)
				if isEphemeral(first) || !strings.HasPrefix(first.Data.Content, "✅") {
					t.Errorf("%s: Go ahead: %q, want the command's public answer", driver, first.Data.Content)
				}
				second := h.pressAs(holder, manager, goAhead)
				if !strings.Contains(second.Data.Content, "already stored or dropped") {
					t.Errorf("%s: a second Go ahead: %q, want already done", driver, second.Data.Content)
				}
				if got := tt.stored(h); got != before+1 {
					t.Errorf("%s: stored %d after two presses, want %d", driver, got, before+1)
				}

				// The same again, left 15 minutes: gone, nothing stored; Cancel: nothing stored.
				before = tt.stored(h)
				held = h.callAs(holder, manager, tt.cmd, opts...)
				if len(labels(held)) == 0 {
					// A landed flight cannot land again: its refusal is the answer, as before.
					continue
				}
				h.clock.Advance(15 * time.Minute)
				if r := h.pressAs(holder, manager, labelled(t, held, "Go ahead")); !strings.Contains(r.Data.Content, "expired") || tt.stored(h) != before {
					t.Errorf("%s: Go ahead after 15 minutes: %q, want expired and nothing stored", driver, r.Data.Content)
				}
				held = h.callAs(holder, manager, tt.cmd, opts...)
				if r := h.pressAs(holder, manager, labelled(t, held, "Cancel")); !strings.Contains(r.Data.Content, "nothing was stored") || tt.stored(h) != before {
					t.Errorf("%s: Cancel: %q, want nothing stored", driver, r.Data.Content)
				}
			}
		})
	}
}

// delays counts the delays of flight #1 in its history.
func delays(h *harness) int64 {
	entries, err := h.store.FindAudit(context.Background(), "100", storage.AuditFilter{Kind: mission.KindFlight, RecordID: 1})
	if err != nil {
		h.t.Fatal(err)
	}
	var n int64
	for _, e := range entries {
		if e.Action == mission.ActionDelay {
			n++
		}
	}
	return n
}

func flights(h *harness) int64 {
	n, err := h.store.CountFlights(context.Background(), "100", storage.FlightFilter{Status: storage.FlightsAll}, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestHeldChangeAnswersOnlyItsOwnRoute: a held change's token pressed under another route (a
// forged custom_id) runs nothing, and a role that is no role is refused.
func TestHeldChangeAnswersOnlyItsOwnRoute(t *testing.T) {
	h := newHarness(t, "sqlite")
	ask := h.callAs(holder, manager, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0)))
	military := labelled(t, ask, "military")
	token := strings.Split(military, ":")[2]
	before := h.counts()
	for _, forged := range []string{"pledge set:role:" + token + ":military", "departure log:role:" + token + ":military",
		"arrival log:role:" + token + ":admiral", "arrival log:role:" + token, "arrival log:fly:" + token} {
		if r := h.pressAs(holder, manager, forged); !isEphemeral(r) || !strings.HasPrefix(r.Data.Content, "❌") {
			t.Errorf("%q: %q, want an ephemeral refusal", forged, r.Data.Content)
		}
	}
	if h.counts() != before {
		t.Errorf("a forged button stored something")
	}
	if r := h.pressAs(holder, manager, military); !strings.HasPrefix(r.Data.Content, "✅") {
		t.Errorf("the real button after forged ones: %q, want stored", r.Data.Content)
	}
}

// TestHeldAnswersFollowTheReader: the question, the warnings and the buttons' answers are in
// the reader's language, with no English left in French or Spanish.
func TestHeldAnswersFollowTheReader(t *testing.T) {
	english := []string{"role", "logged", "arrival", "departure", "pledge", "Go ahead", "Cancel\n", "Nothing", "stored", "expired",
		"in the past", "hours", "Only", "already", "Example:", "record"}
	for _, lang := range []discordgo.Locale{discordgo.French, discordgo.SpanishLATAM} {
		h := newHarness(t, "sqlite")
		say := func(user string, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionResponse {
			i := command("100", manager, nil, name, opts...)
			i.Member.User.ID, i.Locale = user, lang
			return h.call(i)
		}
		press := func(user, id string) string {
			return h.pressIn(lang, user, manager, id).Data.Content
		}
		var texts []string
		ask := say(holder, "arrival", sub("log", opt("country", "GT"), opt("personnel", 75.0)))
		texts = append(texts, ask.Data.Content, press(other, buttonsOf(ask.Data.Components)[1].CustomID))
		// The roles to type are named as the reader's Discord client lists role's choices.
		military := map[discordgo.Locale]string{discordgo.French: "`militaires`", discordgo.SpanishLATAM: "`militares`"}[lang]
		if !strings.Contains(ask.Data.Content, military) || strings.Contains(ask.Data.Content, "`military`") {
			t.Errorf("%s: the role question %q, want the roles named %s as the client lists them", lang, ask.Data.Content, military)
		}
		h.run("/arrival log country:SV personnel:8 role:medical", "/pledge set country:JM personnel:200 role:police as_of:2025-01-02",
			`/flight schedule eta:"in 40h" manifest:"KE 10 police"`)
		for _, r := range []*discordgo.InteractionResponse{
			say(holder, "arrival", sub("log", opt("country", "SV"), opt("personnel", 8.0), opt("role", "medical"))),
			say(holder, "pledge", sub("set", opt("country", "JM"), opt("personnel", 100.0), opt("role", "police"), opt("as_of", "2024-12-01"))),
			say(holder, "flight", sub("schedule", opt("eta", "2025-01-01 10:00"))),
			say(holder, "flight", sub("land", opt("flight", 1.0))),
		} {
			texts = append(texts, r.Data.Content)
			for _, b := range buttonsOf(r.Data.Components) {
				texts = append(texts, b.Label)
			}
			drop := r.Data.Components[0].(discordgo.ActionsRow).Components[1].(discordgo.Button).CustomID
			texts = append(texts, press(holder, drop), press(holder, drop))
		}
		all := stripCode(strings.Join(texts, "\n"))
		for _, w := range english {
			if i := strings.Index(all, w); i >= 0 {
				t.Errorf("%s: English %q: …%s…", lang, w, all[max(0, i-60):min(len(all), i+60)])
			}
		}
		if t.Failed() {
			t.Logf("%s:\n%s", lang, all)
		}
	}
}

// TestPostLandedFarFromTheETAIsHeld: a reminder's Landed pressed more than 12 hours from the
// ETA is held like /flight land: the warning is the presser's alone, the post is left as it
// is, and Go ahead (a /flight land button) lands the flight once.
func TestPostLandedFarFromTheETAIsHeld(t *testing.T) {
	h := newHarness(t, "sqlite")
	h.run(`/flight schedule eta:"in 40h" manifest:"GT 75 military"`)
	i := &discordgo.Interaction{ID: "1350000000000000001", Type: discordgo.InteractionMessageComponent, GuildID: "100", Token: "t",
		Member:  &discordgo.Member{User: &discordgo.User{ID: holder}, Permissions: manager},
		Message: &discordgo.Message{ID: "1", Content: "✈️ Flight #1 is due"},
		Data:    discordgo.MessageComponentInteractionData{CustomID: "flight land:post:1", ComponentType: discordgo.ButtonComponent}}
	held := h.call(i)
	if held.Type != discordgo.InteractionResponseChannelMessageWithSource || !isEphemeral(held) ||
		!strings.Contains(held.Data.Content, "more than 12 hours from its ETA") {
		t.Fatalf("Landed 40 hours early: type %d %q, want an ephemeral warning, the post untouched", held.Type, held.Data.Content)
	}
	if got := h.counts()[0]; got != 0 {
		t.Fatalf("arrivals = %d before Go ahead", got)
	}
	goAhead := labelled(t, held, "Go ahead")
	if !strings.HasPrefix(goAhead, "flight land:go:") {
		t.Errorf("Go ahead is %q, want a /flight land button", goAhead)
	}
	if r := h.pressAs(holder, manager, goAhead); !strings.Contains(r.Data.Content, "landed") {
		t.Errorf("Go ahead: %q, want the flight landed", r.Data.Content)
	}
	if r := h.pressAs(holder, manager, goAhead); !strings.Contains(r.Data.Content, "already stored or dropped") {
		t.Errorf("a second Go ahead: %q", r.Data.Content)
	}
	if got := h.counts()[0]; got != 1 {
		t.Errorf("arrivals = %d, want the landing's 1", got)
	}
}
