package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/exchange"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestForcesExportEndToEnd runs the bot against the fake Discord over the gateway: moderators
// log Guatemala's military and Kenya's police with the women among them and a departure, the
// operator marks Kenya's police as individual officers with `liaison police`, and
// `/export kind:forces` answers a CSV in the UN's shape: one row per contributor and personnel
// type, women + men = total, no negative figure, and the same rows as `liaison export forces`.
func TestForcesExportEndToEnd(t *testing.T) {
	fake := fakediscord.New(t)
	store, clock := storagetest.OpenClock(t, storage.DriverSQLite)
	clock.Set(time.Date(2025, 1, 4, 3, 0, 0, 0, time.UTC)) // 3 January, 22:00 in Port-au-Prince
	cfg := defaultConfig()
	cfg.Discord = DiscordConfig{Token: "test-token", APIBase: fake.APIBase(), Gateway: true, Register: "off", ShardCount: 1}
	logs := &lockedBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, store, slog.New(slog.NewTextHandler(logs, nil)), serveOptions{now: clock.Now, drainTimeout: 10 * time.Second})
	}()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := fake.WaitReady(wctx); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs)
	}
	guild := fakediscord.DefaultGuildID
	call := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) fakediscord.Response {
		t.Helper()
		i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, GuildID: guild, ChannelID: "1100000000000000100",
			Member: &discordgo.Member{User: &discordgo.User{ID: "1100000000000000200", Username: "alice"}, Permissions: discordgo.PermissionManageGuild},
			Data:   discordgo.ApplicationCommandInteractionData{ID: "1300000000000000002", Name: name, CommandType: discordgo.ChatApplicationCommand, Options: opts}}
		if err := fake.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
		r, err := fake.WaitResponse(wctx, i.ID)
		if err != nil {
			t.Fatalf("/%s: %v\nlogs:\n%s", name, err, logs)
		}
		return r
	}
	sub := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
	}
	str := func(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
	}
	num := func(name string, v float64) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: v}
	}
	content := func(r fakediscord.Response) string { s, _ := r.Data["content"].(string); return s }

	call("mission", sub("set", str("name", "MSS Haiti")))
	for _, a := range []struct {
		country, role string
		personnel     float64
		female        float64
	}{{"GT", "military", 75, 12}, {"SV", "medical", 8, 3}, {"KE", "police", 400, 60}, {"KE", "staff", 10, 2}} {
		if r := call("arrival", sub("log", str("country", a.country), num("personnel", a.personnel), str("role", a.role), num("female", a.female))); !strings.Contains(content(r), "logged") {
			t.Fatalf("/arrival log %s: %q", a.country, content(r))
		}
	}
	if r := call("departure", sub("log", str("country", "KE"), num("personnel", 100), str("role", "police"), num("female", 10))); !strings.Contains(content(r), "10 women") {
		t.Errorf("/departure log with female:10 answered %q", content(r))
	}
	// More women than personnel, and more women leaving than deployed, are refused privately.
	for _, bad := range []*discordgo.ApplicationCommandInteractionDataOption{
		sub("log", str("country", "GT"), num("personnel", 5), num("female", 6)),
		sub("log", str("country", "SV"), num("personnel", 4), str("role", "medical"), num("female", 4)),
	} {
		r := call("departure", bad)
		flags, _ := strconv.Atoi(fmt.Sprint(r.Data["flags"]))
		if flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(content(r), "women") {
			t.Errorf("refused departure answered %q (flags %v), want a private refusal about women", content(r), r.Data["flags"])
		}
	}
	var out bytes.Buffer
	if err := setPolice(ctx, store, guild, []string{"Kenya", "individual"}, &out); err != nil || !strings.Contains(out.String(), "individual_police") {
		t.Fatalf("liaison police Kenya individual: %v, %q", err, out.String())
	}

	r := call("export", str("kind", "forces"))
	if len(r.Files) != 1 || !strings.HasSuffix(r.Files[0].Name, ".csv") {
		t.Fatalf("/export kind:forces sent files %+v, want one CSV", r.Files)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Files[0].Data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"as_of", "contributor", "iso3", "mission", "personnel_type", "women", "men", "total", "role"},
		{"2025-01-03", "El Salvador", "SLV", "MSS Haiti", "troops", "3", "5", "8", "medical"},
		{"2025-01-03", "Guatemala", "GTM", "MSS Haiti", "troops", "12", "63", "75", "military"},
		{"2025-01-03", "Kenya", "KEN", "MSS Haiti", "individual_police", "50", "250", "300", "police"},
		{"2025-01-03", "Kenya", "KEN", "MSS Haiti", "staff_officers", "2", "8", "10", "staff"},
	}
	if got, w := strings.Join(flatten(rows), "|"), strings.Join(flatten(want), "|"); got != w {
		t.Errorf("/export kind:forces =\n%s\nwant\n%s", r.Files[0].Data, w)
	}
	for _, row := range rows[1:] {
		women, _ := strconv.Atoi(row[5])
		men, _ := strconv.Atoi(row[6])
		total, _ := strconv.Atoi(row[7])
		if women < 0 || men < 0 || women+men != total {
			t.Errorf("row %v: women %d + men %d != total %d, or negative", row, women, men, total)
		}
	}
	// The CLI writes the same table.
	out.Reset()
	if _, err := exchange.ExportCSV(ctx, store, guild, "forces", exchange.FormatLiaison, &out); err != nil || out.String() != string(r.Files[0].Data) {
		t.Errorf("liaison export forces = %q, %v; want what /export sent", out.String(), err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	fake.AssertValid(t)
}

// flatten joins each CSV row with commas.
func flatten(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, ",")
	}
	return out
}
