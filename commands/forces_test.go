package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// forcesCountries returns, per page of /forces, the countries its lines name.
func forcesCountries(descs []string) [][]string {
	out := make([][]string, len(descs))
	for i, d := range descs {
		_, list, _ := strings.Cut(d, render.ByCountry(render.English)+"\n")
		for _, line := range strings.Split(list, "\n") {
			name, _, _ := strings.Cut(line, " — ")
			out[i] = append(out[i], name)
		}
	}
	return out
}

// TestForcesPagesEveryCountry gives 120 countries a pledge and 60 of them an arrival: /forces
// answers as before, with the first countries, and its pages reach every country exactly once.
func TestForcesPagesEveryCountry(t *testing.T) {
	h := newHarness(t, "sqlite")
	ctx := context.Background()
	codes := countryCodes(t, 120)
	var names []string
	for i, c := range codes {
		size := 1000 + i
		if _, err := h.store.SetPledge(ctx, storage.Actor{GuildID: "100", UserID: "42"}, storage.Pledge{Country: c, Personnel: &size,
			Role: mission.RoleMilitary, AsOf: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := h.store.LogArrival(ctx, storage.Actor{GuildID: "100", UserID: "42"}, storage.Arrival{Country: c, Personnel: 1 + i,
				Role: mission.RoleMilitary, ArrivedAt: h.clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		names = append(names, render.Country(render.English, c))
	}
	first := h.call(command("100", 0, nil, "forces"))
	if e := first.Data.Embeds[0]; len(e.Fields) != 3 || !strings.HasPrefix(e.Description, "**") || !strings.Contains(e.Description, "deployed") {
		t.Errorf("/forces' first page lost its headline or fields: %+v", e)
	}
	answers := h.walk(first, "Next")
	pages := forcesCountries(descriptions(t, answers))
	if len(pages) < 2 || len(pages[0]) != 60 {
		t.Errorf("/forces shows %d countries first over %d pages, want 60 then more pages", len(pages[0]), len(pages))
	}
	onceEach(t, "/forces", pages, names)
	back := forcesCountries(descriptions(t, h.walk(answers[len(answers)-1], "Previous")))
	onceEach(t, "/forces backward", back, names)

	// Up to 60 countries, /forces is one answer without buttons.
	for i, c := range codes[:60] {
		size := 10 + i
		if _, err := h.store.SetPledge(ctx, storage.Actor{GuildID: "200", UserID: "42"}, storage.Pledge{Country: c, Personnel: &size,
			Role: mission.RoleMilitary, AsOf: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	one := h.call(command("200", 0, nil, "forces"))
	if len(one.Data.Components) != 0 || len(forcesCountries(descriptions(t, []*discordgo.InteractionResponse{one}))[0]) != 60 {
		t.Errorf("/forces with 60 countries: %d component rows, description:\n%s", len(one.Data.Components), one.Data.Embeds[0].Description)
	}
}

// TestForcesSince: /forces since: draws the chart (a window is only drawn) and a bad date is
// refused with the words every time option uses.
func TestForcesSince(t *testing.T) {
	h := newHarness(t, "sqlite")
	ctx := context.Background()
	if _, err := h.store.LogArrival(ctx, storage.Actor{GuildID: "100", UserID: "42"}, storage.Arrival{Country: "KE", Personnel: 200,
		Role: mission.RolePolice, ArrivedAt: h.clock.Now().Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// A chart may take long enough under the race detector for the router to defer and edit.
	rec := &recorder{}
	h.router.Handle(ctx, command("100", 0, nil, "forces", opt("since", "2020-01-01")), rec)
	var files []*discordgo.File
	if rec.resp != nil && rec.resp.Data != nil {
		files = rec.resp.Data.Files
	}
	for _, e := range rec.edits {
		files = append(files, e.Files...)
	}
	if len(files) != 1 || files[0].Name != "forces.png" {
		t.Fatalf("/forces since: answered %+v and %+v, want the chart attached", rec.resp, rec.edits)
	}
	bad := h.call(command("100", 0, nil, "forces", opt("since", "someday")))
	if len(bad.Data.Files) != 0 || bad.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/forces since:someday = %+v, want an ephemeral refusal", bad.Data)
	}
}
