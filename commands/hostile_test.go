package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"liaison/exchange"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// counts is how many records of each kind the guild has, to check that a refusal stored nothing.
func (h *harness) counts() [4]int64 {
	h.t.Helper()
	ctx := context.Background()
	_, arrivals, _ := h.store.FindArrivals(ctx, "100", storage.ArrivalFilter{})
	departures, _ := h.store.FindDepartures(ctx, "100", storage.ArrivalFilter{})
	pledges, _ := h.store.AllPledges(ctx, "100")
	audit, _ := h.store.FindAudit(ctx, "100", storage.AuditFilter{})
	return [4]int64{arrivals, int64(len(departures)), int64(len(pledges)), int64(len(audit))}
}

// TestImpossibleFiguresAreRefused: figures that cannot be true are refused with the reason and
// a valid example, and nothing is stored.
func TestImpossibleFiguresAreRefused(t *testing.T) {
	for _, driver := range []string{storage.DriverSQLite} {
		h := newHarness(t, driver)
		h.run("/arrival log country:GT personnel:75 role:military", "/departure log country:GT personnel:30 role:military", // 45 deployed
			`/flight schedule eta:"in 3h" manifest:"SV 8 medical"`)
		tests := []struct {
			line string
			want []string
		}{
			{"/departure log country:GT personnel:90 role:military", []string{"🇬🇹 Guatemala has 45 military deployed; a departure of 90 would leave −45.", "\nCheck the figures with `/forces country:GT`"}},
			{"/departure log country:KE personnel:1 role:military", []string{"🇰🇪 Kenya has 0 military deployed; a departure of 1 would leave −1."}},
			{"/arrival edit id:1 personnel:10", []string{"🇬🇹 Guatemala has 45 military deployed; this edit of arrival #1 takes 65 away and would leave −20."}},
			{"/arrival delete id:1", []string{"🇬🇹 Guatemala has 45 military deployed; deleting arrival #1 takes 75 away and would leave −30."}},
			{`/arrival log country:GT personnel:5 when:"in 2h" role:military`, []string{"in the future", "That is a flight", "/flight schedule"}},
			{`/arrival log country:GT personnel:5 when:1989-12-31 role:military`, []string{"before 1990"}},
			{`/arrival edit id:1 when:"in 1d"`, []string{"in the future"}},
			{`/departure log country:GT personnel:5 when:"tomorrow 09:00" role:military`, []string{"in the future"}},
			{`/pledge set country:JM personnel:200 as_of:"in 3d" role:military`, []string{"as_of", "in the future"}},
			{`/flight land flight:1 at:1900-01-01`, []string{"before 1990"}},
			{`/flight land flight:1 at:2024-12-01`, []string{"cannot have landed"}},
			{`/flight land flight:1 at:"in 1h"`, []string{"in the future"}},
		}
		for _, tt := range tests {
			before := h.counts()
			out := h.run(tt.line)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: answer lacks %q:\n%s", tt.line, w, out)
				}
			}
			if after := h.counts(); after != before {
				t.Errorf("%s: records %v became %v; a refusal must store nothing", tt.line, before, after)
			}
		}
		if out := h.run("/forces"); strings.Contains(out, "-") && strings.Contains(out, "deployed (-") {
			t.Errorf("/forces shows a negative level:\n%s", out)
		}
		// A few minutes ahead is the clocks' leeway, not the future.
		if out := h.run(`/arrival log country:GT personnel:5 when:"in 2m" role:military`); !strings.Contains(out, "Arrival **#2** logged") {
			t.Errorf("arrival 2 minutes ahead: %s", out)
		}
	}
}

// TestHostileText: control and bidirectional characters are refused in every option, on both
// databases, with a clear message; only a note may hold a line break.
func TestHostileText(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		h := newHarness(t, driver)
		member := func(opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
			return command("100", discordgo.PermissionManageGuild, nil, "arrival", sub("log", opts...))
		}
		tests := []struct {
			name string
			opts []*discordgo.ApplicationCommandInteractionDataOption
			want string
		}{
			{"NUL in source", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 75.0), opt("source", "press\x00")}, "U+0000"},
			{"bidi country", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "\u202eTG"), opt("personnel", 75.0)}, "U+202E"},
			{"isolate in unit", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 75.0), opt("unit", "a\u2067b")}, "U+2067"},
			{"line break in unit", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 75.0), opt("unit", "a\nb")}, "line break"},
			{"escape in note", []*discordgo.ApplicationCommandInteractionDataOption{opt("country", "GT"), opt("personnel", 75.0), opt("note", "\x1b[31m")}, "U+001B"},
		}
		for _, tt := range tests {
			before := h.counts()
			resp := h.call(member(tt.opts...))
			if resp.Data == nil || !strings.Contains(resp.Data.Content, tt.want) || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("%s/%s: answer %+v, want an ephemeral refusal mentioning %q", driver, tt.name, resp.Data, tt.want)
			}
			if after := h.counts(); after != before {
				t.Errorf("%s/%s: a refusal stored something", driver, tt.name)
			}
		}
		resp := h.call(member(opt("country", "GT"), opt("personnel", 75.0), opt("role", "military"), opt("note", "line one\nline two")))
		if resp.Data == nil || !strings.Contains(resp.Data.Content, "logged") {
			t.Errorf("%s: a two-line note was refused: %+v", driver, resp.Data)
		}
	}
}

// TestForgedShapes: what Discord's client never sends but a signed body can is refused, never
// read leniently and never a panic.
func TestForgedShapes(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	admin := int64(discordgo.PermissionManageGuild)
	noUser := command("100", admin, nil, "forces")
	noUser.Member.User = nil
	noMember := command("100", admin, nil, "forces")
	noMember.Member = nil
	negative := command("100", 0, nil, "settings", sub("show"))
	negative.Member.Permissions = -1
	tests := []struct {
		name string
		i    *discordgo.Interaction
		want string
	}{
		{"a string for an integer", command("100", admin, nil, "arrival", sub("log", opt("country", "GT"), opt("personnel", "75 soldiers"))), "whole number"},
		{"a fraction", command("100", admin, nil, "arrival", sub("log", opt("country", "GT"), opt("personnel", 7.5))), "whole number"},
		{"a null option", command("100", admin, nil, "arrival", sub("log", opt("country", "GT"), nil)), "without a value"},
		{"a null value", command("100", admin, nil, "arrival", sub("log", opt("country", "GT"), opt("personnel", nil))), "without a value"},
		{"a duplicated option", command("100", admin, nil, "arrival", sub("log", opt("country", "GT"), opt("personnel", 5.0), opt("personnel", 500.0))), "twice"},
		{"no member user", noUser, "names no member"},
		{"no member", noMember, "names no member"},
		{"permissions -1", negative, "permission bits"},
		{"a string for a boolean", command("100", admin, nil, "forces", opt("chart", "yes")), "true or false"},
	}
	for _, tt := range tests {
		before := h.counts()
		resp := h.call(tt.i)
		if resp.Data == nil || !strings.Contains(resp.Data.Content, tt.want) || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: answer %+v, want an ephemeral refusal mentioning %q", tt.name, resp.Data, tt.want)
		}
		if after := h.counts(); after != before {
			t.Errorf("%s: a refusal stored something", tt.name)
		}
	}
	if strings.Contains(h.log.String(), "panic") {
		t.Errorf("a forged shape panicked:\n%s", h.log.String())
	}
}

// TestExportNeutralisesFormulas: a cell that a spreadsheet would run as a formula is exported
// with a leading apostrophe, in every kind, and an import reads back exactly what was logged.
func TestExportNeutralisesFormulas(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	hostile := []string{"=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "'quoted"}
	for i, v := range hostile { // different personnel: the same arrival twice in a day is held as a repeat
		h.run(fmt.Sprintf("/arrival log country:GT personnel:%d role:military source:", i+1) + `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`)
	}
	ctx := context.Background()
	for _, kind := range exchange.ExportKinds() {
		var buf bytes.Buffer
		if _, err := exchange.ExportCSV(ctx, h.store, "100", kind, exchange.FormatLiaison, &buf); err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		for _, line := range strings.Split(buf.String(), "\n") {
			for _, cell := range strings.Split(line, ",") {
				cell = strings.Trim(cell, `"`)
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("export %s: cell %q begins a formula", kind, cell)
				}
			}
		}
		if kind != "arrivals" {
			continue
		}
		h2 := newHarness(t, storage.DriverSQLite)
		if _, err := exchange.ImportCSV(ctx, h2.store, storage.Actor{GuildID: "100", UserID: "import"}, bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("import: %v", err)
		}
		got, _, _ := h2.store.FindArrivals(ctx, "100", storage.ArrivalFilter{})
		var sources []string
		for _, a := range got {
			sources = append(sources, a.Source)
		}
		for _, v := range hostile {
			found := false
			for _, s := range sources {
				found = found || s == v
			}
			if !found {
				t.Errorf("after export and import, source %q is missing; sources %q", v, sources)
			}
		}
	}
	// And a hostile file is refused whole.
	bad := "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone\n" +
		"arrival,1,2025-01-03T12:00:00Z,GT,5,military,,,,,,,,,,press\x00,,,,\n"
	if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "100", UserID: "import"}, strings.NewReader(bad)); err == nil ||
		!strings.Contains(err.Error(), "U+0000") {
		t.Errorf("import of a NUL: error %v, want one naming U+0000", err)
	}
}
