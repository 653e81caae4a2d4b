package commands_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// press sends a click on the button with customID, as a member with Manage Server.
func (h *harness) press(customID string) *discordgo.InteractionResponse {
	h.t.Helper()
	return h.call(&discordgo.Interaction{ID: "2", Type: discordgo.InteractionMessageComponent, GuildID: "100", Token: "t",
		Member: &discordgo.Member{User: &discordgo.User{ID: "7"}, Permissions: discordgo.PermissionManageGuild},
		Data:   discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}})
}

// button returns the enabled button labelled label of an answer, if any.
func button(resp *discordgo.InteractionResponse, label string) (discordgo.Button, bool) {
	for _, c := range resp.Data.Components {
		row, _ := c.(discordgo.ActionsRow)
		for _, b := range row.Components {
			if b, ok := b.(discordgo.Button); ok && b.Label == label && !b.Disabled {
				return b, true
			}
		}
	}
	return discordgo.Button{}, false
}

// walk follows the button labelled label from first until it is disabled and returns every
// answer on the way, first included. Each must be within Discord's limits as it is, before the
// router's last-resort cut, or a record may have been cut away.
func (h *harness) walk(first *discordgo.InteractionResponse, label string) []*discordgo.InteractionResponse {
	h.t.Helper()
	out := []*discordgo.InteractionResponse{first}
	for resp := first; ; {
		b, ok := button(resp, label)
		if !ok {
			return out
		}
		if len(out) > 100 {
			h.t.Fatalf("more than 100 pages following %s", label)
		}
		resp = h.press(b.CustomID)
		if resp.Type != discordgo.InteractionResponseUpdateMessage {
			h.t.Fatalf("%s (%s) answered with type %d, want an update of the list: %q", label, b.CustomID, resp.Type, resp.Data.Content)
		}
		out = append(out, resp)
	}
}

// descriptions returns the first embed's description of each answer, checking that it fits.
func descriptions(t *testing.T, answers []*discordgo.InteractionResponse) []string {
	t.Helper()
	var out []string
	for i, a := range answers {
		if len(a.Data.Embeds) == 0 {
			t.Fatalf("answer %d has no embed: %q", i, a.Data.Content)
		}
		e := a.Data.Embeds[0]
		if n := utf8.RuneCountInString(e.Description); n > discordtext.MaxDescription {
			t.Errorf("answer %d: description of %d characters", i, n)
		}
		if n := discordtext.EmbedSize(e); n > discordtext.MaxEmbedTotal {
			t.Errorf("answer %d: embed of %d characters", i, n)
		}
		out = append(out, e.Description)
	}
	return out
}

// onceEach checks that the pages name every one of want exactly once, and nothing else.
func onceEach(t *testing.T, what string, pages [][]string, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, p := range pages {
		for _, id := range p {
			seen[id]++
		}
	}
	for _, w := range want {
		if seen[w] != 1 {
			t.Errorf("%s: %s is on %d pages, want 1", what, w, seen[w])
		}
		delete(seen, w)
	}
	for id, n := range seen {
		t.Errorf("%s: %s (on %d pages) should not be listed", what, id, n)
	}
}

// matches returns, per description, the first submatch of re in each.
func matches(re *regexp.Regexp, descs []string) [][]string {
	out := make([][]string, len(descs))
	for i, d := range descs {
		for _, m := range re.FindAllStringSubmatch(d, -1) {
			out[i] = append(out[i], m[1])
		}
	}
	return out
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

// TestLongListsShowEveryRecordOnce logs 40 arrivals with 500-character sources, so that ten do
// not fit one embed, and clicks through /arrivals and /history forwards and back: every #ID is on
// exactly one page, whole, and every page fits Discord's limits.
func TestLongListsShowEveryRecordOnce(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) { testLongLists(t, driver) })
	}
}

func testLongLists(t *testing.T, driver string) {
	h := newHarness(t, driver)
	const n = 40
	for i := range n {
		source := fmt.Sprintf("report %02d ", i+1) + strings.Repeat("s", mission.MaxLongText-10)
		resp := h.call(command("100", discordgo.PermissionManageGuild, nil, "arrival",
			sub("log", opt("country", "GT"), opt("personnel", float64(i+1)), opt("role", "military"), opt("source", source))))
		if !strings.Contains(resp.Data.Content, "✅") {
			t.Fatalf("logging arrival %d: %q", i+1, resp.Data.Content)
		}
	}
	arrivalID := regexp.MustCompile(`\*\*#(\d+)\*\*`)
	first := h.call(command("100", 0, nil, "arrivals"))
	forward := descriptions(t, h.walk(first, "Next"))
	if len(forward) < 5 {
		t.Errorf("/arrivals has %d pages for 40 arrivals of ~580 characters, want them cut by size", len(forward))
	}
	for i, d := range forward {
		if strings.Contains(d, "…") {
			t.Errorf("page %d shortened a line that fits a page:\n%s", i, d)
		}
	}
	onceEach(t, "/arrivals forward", matches(arrivalID, forward), ids(n))

	answers := h.walk(first, "Next")
	last := answers[len(answers)-1]
	backward := descriptions(t, h.walk(last, "Previous"))
	onceEach(t, "/arrivals backward", matches(arrivalID, backward), ids(n))
	if len(backward) != len(forward) {
		t.Errorf("/arrivals has %d pages backward, %d forward", len(backward), len(forward))
	}
	for i := range backward {
		if backward[i] != forward[len(forward)-1-i] {
			t.Errorf("page %d from the end differs backward and forward", i)
		}
	}

	history := descriptions(t, h.walk(h.call(command("100", discordgo.PermissionManageGuild, nil, "history")), "Next"))
	onceEach(t, "/history", matches(regexp.MustCompile(`arrival #(\d+)\*\* — create`), history), ids(n))
}

// TestEveryListPagesThrough walks flights, reminders and pledges with more records than a page
// holds, and pledges with long sources.
func TestEveryListPagesThrough(t *testing.T) {
	h := newHarness(t, "sqlite")
	ctx := context.Background()
	admin := int64(discordgo.PermissionManageGuild)
	const flights = 25
	for i := range flights {
		resp := h.call(command("100", admin, nil, "flight", sub("schedule",
			opt("eta", fmt.Sprintf("2025-02-%02d 10:00", i+1)), opt("manifest", "GT 75 military; SV 8 medical"))))
		if !strings.Contains(resp.Data.Content, "✅") {
			t.Fatalf("scheduling flight %d: %q", i+1, resp.Data.Content)
		}
	}
	got := descriptions(t, h.walk(h.call(command("100", 0, nil, "flights")), "Next"))
	onceEach(t, "/flights", matches(regexp.MustCompile(` #(\d+) · `), got), ids(flights))

	reminders, total, err := h.store.FindReminders(ctx, "100", storage.ReminderFilter{})
	if err != nil || total <= 2*10 {
		t.Fatalf("FindReminders = %d, %v; want more than two pages", total, err)
	}
	var want []string
	for _, r := range reminders {
		want = append(want, fmt.Sprint(r.ID))
	}
	got = descriptions(t, h.walk(h.call(command("100", 0, nil, "reminders", sub("list"))), "Next"))
	onceEach(t, "/reminders list", matches(regexp.MustCompile(`\*\*#(\d+)\*\*`), got), want)

	codes := countryCodes(t, 30)
	want = nil
	for i, c := range codes {
		size := 100 + i
		p, err := h.store.SetPledge(ctx, storage.Actor{GuildID: "100", UserID: "42"}, storage.Pledge{Country: c, Personnel: &size,
			Role: mission.RoleMilitary, Source: strings.Repeat("p", mission.MaxLongText), AsOf: h.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprint(p.ID))
	}
	got = descriptions(t, h.walk(h.call(command("100", 0, nil, "pledge", sub("list"))), "Next"))
	onceEach(t, "/pledge list", matches(regexp.MustCompile(`\*\*#(\d+)\*\*`), got), want)
}

// countryCodes returns n known alpha-2 codes, in order.
func countryCodes(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string([]rune{a, b}); len(out) < n {
				if _, ok := mission.CountryByAlpha2(c); ok {
					out = append(out, c)
				}
			}
		}
	}
	if len(out) < n {
		t.Fatalf("only %d known country codes, want %d", len(out), n)
	}
	return out
}

// TestForgedPageButtons presses page buttons that Liaison never made: a page that overflows int
// or is negative, or a cursor that does not parse, is refused to the clicker alone, and the list
// stays; a page past the last shows the last; a cursor that names another guild's records still
// lists only the clicker's guild.
func TestForgedPageButtons(t *testing.T) {
	h := newHarness(t, "sqlite")
	for i := range 23 { // different personnel: the same arrival twice in a day is held as a repeat
		h.run(fmt.Sprintf("/arrival log country:GT personnel:%d role:military", i+1))
	}
	for i := range 5 { // another guild's arrivals, newer than all of guild 100's
		h.call(command("200", discordgo.PermissionManageGuild, nil, "arrival", sub("log", opt("country", "KE"), opt("personnel", float64(i+1)), opt("role", "police"))))
	}
	refused := func(id string) {
		t.Helper()
		resp := h.press(id)
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 ||
			!strings.HasPrefix(resp.Data.Content, "❌") || strings.Contains(resp.Data.Content, "Something went wrong") {
			t.Errorf("%q: answer type %d, flags %d, %q; want an ephemeral refusal", id, resp.Type, resp.Data.Flags, resp.Data.Content)
		}
	}
	bad := []string{"99999999999999999999", "-1", "1.-1", "0.99999999999999999999", "x", ""}
	for _, list := range []string{"pledge list:%s:", "forces:%s:"} {
		for _, page := range bad {
			refused(fmt.Sprintf(list, page))
		}
	}
	for _, list := range []string{"arrivals:%s::0:0", "flights:%s:upcoming", "history:%s::0", "reminders list:%s:"} {
		for _, page := range append(bad, "f-1.0", "f0.-1", "f99999999999.0", "a0.0.1", "a0.0.1.0", "b0.0.!.1", "a0.0.1.zzzzzzzzzzzzzzzzzz", "q0.0") {
			refused(fmt.Sprintf(list, page))
		}
	}
	// Arrivals are newest first: after a cursor at 1970 there is nothing, so the last page shows.
	for _, id := range []string{"arrivals:a5.0.1.1::0:0", "arrivals:a2.7.1.1::0:0", "arrivals:l0.0::0:0"} {
		resp := h.press(id)
		if resp.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(resp.Data.Embeds[0].Footer.Text, "Page 3 of 3") ||
			!strings.Contains(resp.Data.Embeds[0].Description, "**#1**") {
			t.Errorf("%q: type %d, %+v; want the last page", id, resp.Type, resp.Data.Embeds)
		}
	}
	// Before a cursor far in the future with an ID above every guild's: guild 100's newest ten.
	resp := h.press("arrivals:b4.0.zzzzzzzzzzzz.zzzzzz::0:0")
	if resp.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(resp.Data.Embeds[0].Footer.Text, "Page 1 of 3") {
		t.Fatalf("a cursor past every record: type %d, %+v; want the first page", resp.Type, resp.Data.Embeds)
	}
	listed := matches(regexp.MustCompile(`\*\*#(\d+)\*\*`), []string{resp.Data.Embeds[0].Description})[0]
	if want := []string{"23", "22", "21", "20", "19", "18", "17", "16", "15", "14"}; strings.Join(listed, " ") != strings.Join(want, " ") {
		t.Errorf("a cursor past every record lists %v, want guild 100's newest %v", listed, want)
	}
	// A button of the offset pager, posted before lists were paged by key, opens the first page.
	if resp := h.press("arrivals:2::0:0"); resp.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(resp.Data.Embeds[0].Footer.Text, "Page 1 of 3") {
		t.Errorf("an offset pager's button: type %d, %+v; want the first page", resp.Type, resp.Data.Embeds)
	}
	if resp := h.press("arrivals:f0.0::0:x"); !strings.HasPrefix(resp.Data.Content, "❌") {
		t.Errorf("a forged arrivals filter: %q, want a refusal", resp.Data.Content)
	}
}
